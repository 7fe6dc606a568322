/* cmd-meta.c: the archive commands that describe what is there.
 *
 * collections (COLLECTION<TAB>bands, from one ADQL query read back as a
 * table), region and name (CAOM queries built by vo-adql, written per the
 * global options like `query`), tables and table (the TAP service's VOSI
 * tables, one line per table or column).  Shared plumbing: cmd-archive.c.
 */
#include "config.h"

#include <stdio.h>

#include "cmd-archive-private.h"
#include "vo-adql.h"
#include "vo-coords.h"
#include "vo-error.h"
#include "vo-vosi.h"

/* A VOSI description as one tab-separated field: tabs and line breaks
 * become spaces, control characters go (cs_safe), ends trimmed; NULL
 * gives "".  (transfer full) */
static char *
one_line (const char *description)
{
  return g_strstrip (cs_safe (description));
}

static int
cmd_collections (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  int rc;
  GError *error = NULL;
  g_autoptr(CadcClient) c = NULL;
  g_autoptr(VoTable) t = NULL;
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GHashTable) bands = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) g_ptr_array_unref);
  int ccol, bcol;

  static const CliCommandLine cl = {
    "Usage: cadc-samp collections\n\n"
      "List the CADC collections with their energy bands (one per line:\n"
      "COLLECTION<TAB>band,band,...).\n",
    0, 0, NULL,
  };

  if (!cmd_archive_parse_command (g, argc, argv, &cl, NULL, pos, &rc))
    return rc;
  c = cmd_archive_make_client (g, &error);
  if (c == NULL)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  t = cmd_archive_query_table (c, vo_adql_collections (), &error);
  if (t == NULL)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  ccol = vo_table_find_field (t, "collection");
  bcol = vo_table_find_field (t, "energy_emBand");
  if (bcol < 0)
    bcol = vo_table_find_field (t, "energy_emband");
  if (ccol < 0 || bcol < 0)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, g_error_new (VO_ERROR, VO_ERROR_NOT_FOUND,
                                         "collections: result lacks collection/energy_emBand columns"));
  for (guint i = 0; i < vo_table_get_n_rows (t); i++)
    {
      const char *coll = vo_table_get_string (t, i, (guint) ccol);
      const char *band = vo_table_get_string (t, i, (guint) bcol);
      GPtrArray *b;
      if (coll == NULL)
        continue;
      b = g_hash_table_lookup (bands, coll);
      if (b == NULL)
        {
          b = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (bands, g_strdup (coll), b);
          g_ptr_array_add (order, (gpointer) coll);
        }
      if (band != NULL)
        g_ptr_array_add (b, g_strdup (band));
    }
  for (guint i = 0; i < order->len; i++)
    {
      GPtrArray *b = g_hash_table_lookup (bands, order->pdata[i]);
      g_autofree char *coll = cs_safe (order->pdata[i]);
      printf ("%s\t", coll);
      for (guint k = 0; k < b->len; k++)
        {
          g_autofree char *band = cs_safe (b->pdata[k]);
          printf ("%s%s", k ? "," : "", band);
        }
      printf ("\n");
    }
  return CS_EXIT_OK;
}

static int
cmd_region (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  g_autofree char *radius = NULL, *collection = NULL, *type = NULL;
  GOptionEntry entries[] = {
    { "radius", 0, 0, G_OPTION_ARG_FILENAME, &radius, "search radius with a unit (default 1 arcmin)", "R" },
    { "collection", 0, 0, G_OPTION_ARG_FILENAME, &collection, "only this collection", "C" },
    { "type", 0, 0, G_OPTION_ARG_FILENAME, &type, "only planes of this data product type", "image" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  int rc;
  GError *error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *adql = NULL;
  double ra, dec, r = 1.0 / 60.0, fra, fdec;

  static const CliCommandLine cl = {
    "Usage: cadc-samp region POSITION [--radius R] [--collection C] [--type image]\n\n"
      "CAOM observations and planes whose footprint intersects the circle\n"
      "(astroquery query_region).  POSITION: 'RA DEC' in degrees or\n"
      "sexagesimal (ICRS); R with a unit (deg, arcmin, arcsec), default 1 arcmin.\n",
    1, G_MAXUINT, "POSITION is missing",
  };

  if (!cmd_archive_parse_command (g, argc, argv, &cl, entries, pos, &rc))
    return rc;
  text = cmd_archive_join_args (pos, 0, pos->len);
  if (!vo_coords_parse_position (text, &ra, &dec, &error)
      || (radius != NULL && !vo_coords_parse_radius (radius, &r, &error)))
    return cmd_archive_usage_error ("region", error);
  vo_coords_icrs_to_fk5 (ra, dec, &fra, &fdec);
  adql = vo_adql_query_region (fra, fdec, r, collection, type);
  return cmd_archive_run_query (g, adql, -1, NULL);
}

static int
cmd_name (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  int rc;
  g_autofree char *adql = NULL;

  static const CliCommandLine cl = {
    "Usage: cadc-samp name TARGET\n\n"
      "Observations whose target name contains TARGET (case-insensitive;\n"
      "astroquery query_name).\n",
    1, 1, "give exactly one TARGET",
  };

  if (!cmd_archive_parse_command (g, argc, argv, &cl, NULL, pos, &rc))
    return rc;
  adql = vo_adql_query_name (pos->pdata[0]);
  return cmd_archive_run_query (g, adql, -1, NULL);
}

static int
cmd_tables (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  gboolean names = FALSE;
  int rc;
  GOptionEntry entries[] = {
    { "names", 0, 0, G_OPTION_ARG_NONE, &names, "only the table names", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  GError *error = NULL;
  g_autoptr(CadcClient) c = NULL;
  g_autoptr(GBytes) b = NULL;
  g_autoptr(VoVosiTableset) ts = NULL;

  static const CliCommandLine cl = {
    "Usage: cadc-samp tables [--names]\n\n"
      "The TAP service's tables (VOSI): NAME<TAB>description, or only names.\n",
    0, 0, NULL,
  };

  if (!cmd_archive_parse_command (g, argc, argv, &cl, entries, pos, &rc))
    return rc;
  c = cmd_archive_make_client (g, &error);
  if (c == NULL || (b = cadc_client_get_tables (c, NULL, &error)) == NULL)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  ts = vo_vosi_tableset_parse (g_bytes_get_data (b, NULL), g_bytes_get_size (b), &error);
  if (ts == NULL)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  for (guint s = 0; s < ts->schemas->len; s++)
    {
      VoVosiSchema *sc = ts->schemas->pdata[s];
      for (guint i = 0; i < sc->tables->len; i++)
        {
          VoVosiTable *t = sc->tables->pdata[i];
          g_autofree char *name = cs_safe (t->name);
          if (names)
            printf ("%s\n", name);
          else
            {
              g_autofree char *d = one_line (t->description);
              printf ("%s\t%s\n", name, d);
            }
        }
    }
  return CS_EXIT_OK;
}

static int
cmd_table (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  int rc;
  GError *error = NULL;
  g_autoptr(CadcClient) c = NULL;
  g_autoptr(GBytes) b = NULL;
  g_autoptr(VoVosiTable) t = NULL;

  static const CliCommandLine cl = {
    "Usage: cadc-samp table NAME\n\n"
      "Columns of one table: name, datatype, unit, ucd, description.\n",
    1, 1, "give one table NAME",
  };

  if (!cmd_archive_parse_command (g, argc, argv, &cl, NULL, pos, &rc))
    return rc;
  c = cmd_archive_make_client (g, &error);
  if (c == NULL || (b = cadc_client_get_tables (c, pos->pdata[0], &error)) == NULL)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  t = vo_vosi_table_parse (g_bytes_get_data (b, NULL), g_bytes_get_size (b), &error);
  if (t == NULL)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  for (guint i = 0; i < t->columns->len; i++)
    {
      VoVosiColumn *col = t->columns->pdata[i];
      g_autofree char *d = one_line (col->description);
      g_autofree char *type = g_strdup_printf ("%s%s%s%s", col->datatype ? col->datatype : "",
                                               col->arraysize ? "[" : "",
                                               col->arraysize ? col->arraysize : "",
                                               col->arraysize ? "]" : "");
      g_autofree char *name = cs_safe (col->name);
      g_autofree char *stype = cs_safe (type);
      g_autofree char *unit = cs_safe (col->unit);
      g_autofree char *ucd = cs_safe (col->ucd);
      printf ("%s\t%s\t%s\t%s\t%s\n", name, stype, unit, ucd, d);
    }
  return CS_EXIT_OK;
}

const CsCommand cs_command_collections = { "collections", "list CADC collections and their bands", cmd_collections };
const CsCommand cs_command_region = { "region", "CAOM query around a sky position", cmd_region };
const CsCommand cs_command_name = { "name", "CAOM query by target name", cmd_name };
const CsCommand cs_command_tables = { "tables", "list the TAP service's tables", cmd_tables };
const CsCommand cs_command_table = { "table", "columns of one table", cmd_table };

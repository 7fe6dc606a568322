/* cmd-meta.c: the archive commands that describe what is there.
 *
 * collections (COLLECTION<TAB>bands, from one ADQL query read back as a
 * table), region and name (queries in the archive's data model, CAOM2 or
 * ObsCore, cadc-model.h; written per the global options like `query`, the
 * result as the service sent it), tables and table (the TAP service's
 * VOSI tables, one line per table or column), archives (each configured
 * archive, its TAP URL and data model, looked up one after the other with
 * a short timeout).  Shared plumbing: cmd-archive.c.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "cmd-archive-private.h"
#include "vo-coords.h"
#include "vo-error.h"
#include "vo-vosi.h"
#include "vo-waveband.h"

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
  /* obs_collection (borrowed from t) -> VoWaveband set */
  g_autoptr(GHashTable) wavebands = g_hash_table_new (g_str_hash, g_str_equal);
  int ccol, bcol, lo_col = -1, hi_col = -1;
  CadcModel model;

  static const CliCommandLine cl = {
    "Usage: cadc-samp collections\n\n"
      "List the archive's collections with their energy bands (one per line:\n"
      "COLLECTION<TAB>band,band,...).  CAOM2 names the bands; for an ObsCore\n"
      "archive they are the IVOA wavebands its rows' em_min..em_max cover.\n",
    0, 0, NULL,
  };

  if (!cmd_archive_parse_command (g, argc, argv, &cl, NULL, pos, &rc))
    return rc;
  c = cmd_archive_make_client (g, &error);
  if (c == NULL || !cmd_archive_model (g, c, &model, &error))
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  t = cmd_archive_query_table (c, cadc_model_adql_collections (&model), &error);
  if (t == NULL)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  if (model.kind == CADC_MODEL_OBSCORE)
    {
      ccol = vo_table_find_field (t, "obs_collection");
      bcol = -1;
      lo_col = vo_table_find_field (t, "em_min");
      hi_col = vo_table_find_field (t, "em_max");
    }
  else
    {
      ccol = vo_table_find_field (t, "collection");
      bcol = vo_table_find_field (t, "energy_emBand");
      if (bcol < 0)
        bcol = vo_table_find_field (t, "energy_emband");
    }
  if (ccol < 0 || (bcol < 0 && model.kind != CADC_MODEL_OBSCORE))
    return cli_exit_fail (CLI_STAGE_ARCHIVE, g_error_new (VO_ERROR, VO_ERROR_NOT_FOUND,
                                         "collections: result lacks collection/energy_emBand columns"));
  for (guint i = 0; i < vo_table_get_n_rows (t); i++)
    {
      const char *coll = vo_table_get_string (t, i, (guint) ccol);
      const char *band = bcol >= 0 ? vo_table_get_string (t, i, (guint) bcol) : NULL;
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
      if (lo_col >= 0 && hi_col >= 0)
        {
          /* ObsCore: the wavebands of em_min..em_max */
          double lo = NAN, hi = NAN;
          vo_table_get_double (t, i, (guint) lo_col, &lo);
          vo_table_get_double (t, i, (guint) hi_col, &hi);
          guint set = GPOINTER_TO_UINT (g_hash_table_lookup (wavebands, coll));
          g_hash_table_insert (wavebands, (gpointer) coll,
                               GUINT_TO_POINTER (set | vo_waveband_of_range (lo, hi)));
        }
    }
  for (guint i = 0; i < order->len && lo_col >= 0 && hi_col >= 0; i++)
    {
      /* each band named once, longest wavelength first, as one entry
       * already joined the way the line below joins them */
      GPtrArray *b = g_hash_table_lookup (bands, order->pdata[i]);
      char *names = vo_waveband_names (
        GPOINTER_TO_UINT (g_hash_table_lookup (wavebands, order->pdata[i])), ",");
      if (*names != '\0')
        g_ptr_array_add (b, names);
      else
        g_free (names);
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
  g_autofree char *radius = NULL, *collection = NULL, *type = NULL, *conf_collection = NULL;
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
  g_autoptr(CadcClient) c = NULL;
  CadcModel model;
  double ra, dec, r = 1.0 / 60.0;

  static const CliCommandLine cl = {
    "Usage: cadc-samp region POSITION [--radius R] [--collection C] [--type image]\n\n"
      "Observations whose footprint intersects the circle: CAOM2 observations\n"
      "and planes (astroquery query_region; junk-flagged planes left out) or\n"
      "ObsCore rows (s_region, else s_ra/s_dec), by the archive's data model.\n"
      "POSITION: 'RA DEC' in degrees or sexagesimal (ICRS); R with a unit (deg,\n"
      "arcmin, arcsec), default 1 arcmin.  C defaults to the archive's collection=.\n",
    1, G_MAXUINT, "POSITION is missing",
  };

  if (!cmd_archive_parse_command (g, argc, argv, &cl, entries, pos, &rc))
    return rc;
  text = cmd_archive_join_args (pos, 0, pos->len);
  if (!vo_coords_parse_position (text, &ra, &dec, &error)
      || (radius != NULL && !vo_coords_parse_radius (radius, &r, &error)))
    return cmd_archive_usage_error ("region", error);
  c = cmd_archive_make_client (g, &error);
  if (c == NULL || !cmd_archive_model (g, c, &model, &error))
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  adql = cadc_model_adql_region (&model, ra, dec, r,
                                 cmd_archive_collection (g, collection, &conf_collection), type);
  return cmd_archive_run_query_on (g, c, adql, -1, NULL);
}

static int
cmd_name (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  int rc;
  g_autofree char *adql = NULL;
  g_autoptr(CadcClient) c = NULL;
  GError *error = NULL;
  CadcModel model;

  static const CliCommandLine cl = {
    "Usage: cadc-samp name TARGET\n\n"
      "Observations whose target name contains TARGET (case-insensitive;\n"
      "astroquery query_name; ObsCore: target_name).\n",
    1, 1, "give exactly one TARGET",
  };

  if (!cmd_archive_parse_command (g, argc, argv, &cl, NULL, pos, &rc))
    return rc;
  c = cmd_archive_make_client (g, &error);
  if (c == NULL || !cmd_archive_model (g, c, &model, &error))
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  adql = cadc_model_adql_name (&model, pos->pdata[0]);
  return cmd_archive_run_query_on (g, c, adql, -1, NULL);
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

/* One archive's line: NAME, TAP URL, the model in use and where it comes
 * from (configured / discovered), or why it could not be found. */
static void
print_archive (CsGlobalOptions *g, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CadcConfig) conf = NULL;
  g_autoptr(CadcClient) c = NULL;
  g_autoptr(CadcAuth) anon = cadc_auth_new_anonymous ();
  g_autofree char *tap = NULL;
  g_autofree char *sname = cs_safe (name);
  CadcClientConfig cfg = { 0 };
  CadcModelKind configured = CADC_MODEL_UNKNOWN;
  CadcModel found;

  conf = cadc_config_resolve_archive (NULL, name, g->registry, NULL, NULL, NULL, &error);
  if (conf == NULL || !cadc_model_parse (conf->model, &configured, &error))
    {
      g_autofree char *msg = cs_safe (error->message);
      printf ("%s\t-\t-\terror: %s\n", sname, msg);
      return;
    }
  cfg.registry = conf->registry;
  cfg.tap = conf->tap;
  cfg.verbose = g->verbosity > 0;
  cfg.timeout = 10;
  c = cadc_client_new (&cfg, g_steal_pointer (&anon));
  tap = cadc_client_get_tap_url (c, &error);
  if (tap == NULL || !cadc_client_get_model (c, &found, &error))
    {
      g_autofree char *stap = cs_safe (tap != NULL ? tap : conf->tap != NULL ? conf->tap : "-");
      g_autofree char *msg = cs_safe (error->message);
      printf ("%s\t%s\t%s\t%s: %s\n", sname, stap,
              configured != CADC_MODEL_UNKNOWN ? cadc_model_name (configured) : "-",
              cadc_client_is_unreachable_error (error) ? "unreachable" : "error", msg);
      return;
    }
  {
    g_autofree char *stap = cs_safe (tap);
    printf ("%s\t%s\t%s\t%s\n", sname, stap,
            cadc_model_name (configured != CADC_MODEL_UNKNOWN ? configured : found.kind),
            configured != CADC_MODEL_UNKNOWN ? "configured" : "discovered");
  }
}

static int
cmd_archives (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  int rc;
  GError *error = NULL;
  g_auto(GStrv) names = NULL;

  static const CliCommandLine cl = {
    "Usage: cadc-samp archives\n\n"
      "The archives --archive can name: the built-in cadc and every\n"
      "[archive.NAME] of the config file, one per line:\n"
      "NAME<TAB>TAP URL<TAB>MODEL<TAB>configured|discovered.  Each is asked\n"
      "for its VOSI tables in turn (10 s at most); one that cannot be\n"
      "reached is listed as \"unreachable: why\".\n",
    0, 0, NULL,
  };

  if (!cmd_archive_parse_command (g, argc, argv, &cl, NULL, pos, &rc))
    return rc;
  names = cadc_config_archive_names (NULL, &error);
  if (names == NULL)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  for (guint i = 0; names[i] != NULL; i++)
    {
      print_archive (g, names[i]);
      fflush (stdout);
    }
  return CS_EXIT_OK;
}

const CsCommand cs_command_collections = { "collections", "list the archive's collections (and bands)", cmd_collections };
const CsCommand cs_command_region = { "region", "observations around a sky position", cmd_region };
const CsCommand cs_command_name = { "name", "observations by target name", cmd_name };
const CsCommand cs_command_archives = { "archives", "list the archives and their data models", cmd_archives };
const CsCommand cs_command_tables = { "tables", "list the TAP service's tables", cmd_tables };
const CsCommand cs_command_table = { "table", "columns of one table", cmd_table };

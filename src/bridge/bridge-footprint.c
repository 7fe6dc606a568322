/* bridge-footprint.c: ds9 footprint regions and product names.
 *
 * Reads VoTables handed in by the caller; writes nothing.  Positions in
 * CAOM tables are ICRS; ds9 gets FK5 J2000 (vo_coords_icrs_to_fk5), the
 * system its pans come in.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bridge-footprint.h"
#include "vo-coords.h"
#include "vo-region.h"

char *
cs_bridge_product_name (const char *publisher_id)
{
  if (publisher_id == NULL)
    return g_strdup ("");
  /* ivo://AUTHORITY/COLLECTION?OBSERVATION/PRODUCT */
  const char *rest = g_str_has_prefix (publisher_id, "ivo://") ? publisher_id + 6 : NULL;
  const char *slash = rest ? strchr (rest, '/') : NULL;
  const char *q = slash ? strchr (slash, '?') : NULL;
  if (q == NULL || q == slash + 1 || q[1] == '\0' || strchr (q, '/') == NULL)
    return g_strdup (publisher_id);
  return g_strdup_printf ("%.*s/%s", (int) (q - slash - 1), slash + 1, q + 1);
}

/* Colours ds9 draws well over a grey-scale image, most distinct first. */
static const char *const palette[] = {
  "cyan", "magenta", "yellow", "#ff8c00", "green", "#4da6ff", "red", "white",
};

static const char *
colour_for (GHashTable *colours, const char *collection)
{
  const char *key = collection ? collection : "";
  guint idx = GPOINTER_TO_UINT (g_hash_table_lookup (colours, key));
  if (idx == 0)
    {
      idx = g_hash_table_size (colours) + 1;
      g_hash_table_insert (colours, g_strdup (key), GUINT_TO_POINTER (idx));
    }
  return palette[(idx - 1) % G_N_ELEMENTS (palette)];
}

static int
find_column (const VoTable *t, const char *const *names)
{
  for (const char *const *n = names; *n; n++)
    {
      int c = vo_table_find_field (t, *n);
      if (c >= 0)
        return c;
    }
  return -1;
}

/* ds9 reads text={...} up to the first '}': keep the label on one line
 * without braces. */
static char *
region_text (const char *s)
{
  char *t = g_strdup (s ? s : "");
  for (char *p = t; *p; p++)
    if (*p == '{' || *p == '}' || *p == '\n' || *p == '\r')
      *p = *p == '{' ? '(' : *p == '}' ? ')' : ' ';
  return t;
}

char *
cs_bridge_footprint_regions (const VoTable *t, GHashTable *colours, guint *n_polygons)
{
  static const char *const fp_names[] = { "position_bounds", "s_region", "footprint", NULL };
  static const char *const obs_names[] = { "observationID", "obs_id", NULL };
  static const char *const coll_names[] = { "collection", "obs_collection", NULL };
  GString *s = g_string_new ("# Region file format: DS9 version 4.1\n"
                             "# CADC footprints drawn by cadc-samp\nfk5\n");
  int fp = find_column (t, fp_names);
  int obs = find_column (t, obs_names);
  int coll = find_column (t, coll_names);
  guint n = 0;

  for (guint r = 0; fp >= 0 && r < vo_table_get_n_rows (t); r++)
    {
      g_autoptr(VoRegion) reg = vo_region_parse (vo_table_get_string (t, r, (guint) fp));
      if (reg == NULL)
        continue;
      const char *c = coll >= 0 ? vo_table_get_string (t, r, (guint) coll) : NULL;
      g_autofree char *label = region_text (obs >= 0 ? vo_table_get_string (t, r, (guint) obs)
                                                     : NULL);
      char a[G_ASCII_DTOSTR_BUF_SIZE], d[G_ASCII_DTOSTR_BUF_SIZE];
      double ra5, dec5;
      if (reg->shape == VO_REGION_CIRCLE)
        {
          char rad[G_ASCII_DTOSTR_BUF_SIZE];
          vo_coords_icrs_to_fk5 (reg->v[0], reg->v[1], &ra5, &dec5);
          g_ascii_formatd (a, sizeof a, "%.7f", ra5);
          g_ascii_formatd (d, sizeof d, "%.7f", dec5);
          g_ascii_formatd (rad, sizeof rad, "%.4f", reg->v[2] * 3600);
          g_string_append_printf (s, "circle(%s,%s,%s\"", a, d, rad);
        }
      else
        {
          g_string_append (s, "polygon(");
          for (guint i = 0; i < reg->n; i += 2)
            {
              vo_coords_icrs_to_fk5 (reg->v[i], reg->v[i + 1], &ra5, &dec5);
              g_ascii_formatd (a, sizeof a, "%.7f", ra5);
              g_ascii_formatd (d, sizeof d, "%.7f", dec5);
              g_string_append_printf (s, "%s%s,%s", i ? "," : "", a, d);
            }
        }
      g_string_append_printf (s, ") # color=%s text={%s} tag={%s}\n", colour_for (colours, c),
                              label, CS_BRIDGE_REGION_TAG);
      n++;
    }
  *n_polygons = n;
  return g_string_free (s, FALSE);
}

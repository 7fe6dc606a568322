/* cs-bridge-footprint.c: ds9 footprint regions and product names.
 *
 * Reads VoTables handed in by the caller; writes nothing.  Positions in
 * CAOM tables are ICRS; ds9 gets FK5 J2000 (vo_coords_icrs_to_fk5), the
 * system its pans come in.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cs-bridge-footprint.h"
#include "vo-coords.h"

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

GArray *
cs_bridge_parse_polygon (const char *text)
{
  if (text == NULL)
    return NULL;
  g_auto(GStrv) tok = g_strsplit_set (text, " \t\n,()", -1);
  g_autoptr(GArray) v = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; tok[i]; i++)
    {
      if (*tok[i] == '\0')
        continue;
      char *end = NULL;
      double x = g_ascii_strtod (tok[i], &end);
      if (end == tok[i] || *end != '\0' || !isfinite (x))
        {
          if (v->len == 0)
            continue;   /* "Polygon ICRS" and the like, before the numbers */
          return NULL;
        }
      if (v->len % 2 == 1 && (x < -90 || x > 90))
        return NULL;
      g_array_append_val (v, x);
    }
  if (v->len < 6 || v->len % 2 != 0)
    return NULL;
  return g_steal_pointer (&v);
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
      g_autoptr(GArray) v = cs_bridge_parse_polygon (vo_table_get_string (t, r, (guint) fp));
      if (v == NULL)
        continue;
      const char *c = coll >= 0 ? vo_table_get_string (t, r, (guint) coll) : NULL;
      g_autofree char *label = region_text (obs >= 0 ? vo_table_get_string (t, r, (guint) obs)
                                                     : NULL);
      g_string_append (s, "polygon(");
      for (guint i = 0; i < v->len; i += 2)
        {
          double ra5, dec5;
          char a[G_ASCII_DTOSTR_BUF_SIZE], d[G_ASCII_DTOSTR_BUF_SIZE];
          vo_coords_icrs_to_fk5 (g_array_index (v, double, i),
                                 g_array_index (v, double, i + 1), &ra5, &dec5);
          g_ascii_formatd (a, sizeof a, "%.7f", ra5);
          g_ascii_formatd (d, sizeof d, "%.7f", dec5);
          g_string_append_printf (s, "%s%s,%s", i ? "," : "", a, d);
        }
      g_string_append_printf (s, ") # color=%s text={%s} tag={%s}\n", colour_for (colours, c),
                              label, CS_BRIDGE_REGION_TAG);
      n++;
    }
  *n_polygons = n;
  return g_string_free (s, FALSE);
}

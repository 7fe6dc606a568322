/* vo-region.c: one parser for the sky regions archives write.
 *
 * The input is tokenised on blanks, commas and parentheses, so
 * "(131.4, 54.1), (131.5, 54.3)" and "131.4 54.1 131.5 54.3" read alike.
 * Words may only come before the first number: the first names the shape
 * (none: a polygon, CAOM's bare vertex list), the others are STC-S frame,
 * reference position or flavour words, accepted unless they name a frame
 * other than an equatorial one.  See vo-region.h.
 */
#include "config.h"

#include <math.h>

#include "vo-region.h"

static gboolean
non_equatorial_frame (const char *word)
{
  return g_ascii_strcasecmp (word, "GALACTIC") == 0 || g_ascii_strcasecmp (word, "ECLIPTIC") == 0
         || g_ascii_strcasecmp (word, "SUPER_GALACTIC") == 0
         || g_ascii_strcasecmp (word, "GEO_C") == 0 || g_ascii_strcasecmp (word, "GEO_D") == 0;
}

VoRegion *
vo_region_parse (const char *text)
{
  if (text == NULL)
    return NULL;
  g_auto(GStrv) tok = g_strsplit_set (text, " \t\r\n,()", -1);
  g_autoptr(GArray) v = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) words = g_ptr_array_new_null_terminated (8, g_free, TRUE);
  const char *shape = NULL;

  for (guint i = 0; tok[i]; i++)
    {
      if (*tok[i] == '\0')
        continue;
      char *end = NULL;
      double x = g_ascii_strtod (tok[i], &end);
      if (end == tok[i] || *end != '\0')
        {
          if (v->len > 0 || non_equatorial_frame (tok[i]))
            return NULL;          /* a word after the numbers, or a galactic frame */
          if (shape == NULL)
            shape = tok[i];
          continue;
        }
      if (!isfinite (x))
        return NULL;
      g_array_append_val (v, x);
      g_ptr_array_add (words, g_strdup (tok[i]));
    }

  VoRegionShape s;
  if (shape == NULL || g_ascii_strcasecmp (shape, "polygon") == 0)
    s = VO_REGION_POLYGON;
  else if (g_ascii_strcasecmp (shape, "circle") == 0)
    s = VO_REGION_CIRCLE;
  else
    return NULL;                  /* box, position, union, ... */

  const double *d = (const double *) v->data;
  if (s == VO_REGION_CIRCLE ? v->len != 3 || d[2] <= 0 || d[2] > 180
                            : v->len < 6 || v->len % 2 != 0)
    return NULL;
  for (guint i = 1; i < v->len; i += 2)
    if (d[i] < -90 || d[i] > 90)
      return NULL;

  VoRegion *r = g_new0 (VoRegion, 1);
  r->shape = s;
  r->n = v->len;
  r->v = (double *) g_array_free (g_steal_pointer (&v), FALSE);
  r->text = (char **) g_ptr_array_free (g_steal_pointer (&words), FALSE);
  return r;
}

void
vo_region_free (VoRegion *region)
{
  if (region == NULL)
    return;
  g_free (region->v);
  g_strfreev (region->text);
  g_free (region);
}

char *
vo_region_to_stcs (const VoRegion *region)
{
  GString *s = g_string_new (region->shape == VO_REGION_CIRCLE ? "Circle ICRS" : "Polygon ICRS");
  for (guint i = 0; i < region->n; i++)
    g_string_append_printf (s, " %s", region->text[i]);
  return g_string_free (s, FALSE);
}

void
vo_region_center (const VoRegion *region, double *ra, double *dec)
{
  if (region->shape == VO_REGION_CIRCLE)
    {
      *ra = region->v[0];
      *dec = region->v[1];
      return;
    }
  double x = 0, y = 0, sdec = 0;
  guint nv = region->n / 2;
  for (guint i = 0; i < nv; i++)
    {
      x += cos (region->v[2 * i] * G_PI / 180);
      y += sin (region->v[2 * i] * G_PI / 180);
      sdec += region->v[2 * i + 1];
    }
  double a = atan2 (y, x) * 180 / G_PI;
  if (a < 0)
    a += 360;
  *ra = a >= 360 ? 0 : a;       /* -1e-15 + 360 rounds to 360 */
  *dec = sdec / nv;
}

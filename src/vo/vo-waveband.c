/* vo-waveband.c: see vo-waveband.h.  A band is [lower, upper) in metres;
 * a range overlaps it when it reaches below its upper end and above its
 * lower one, so a range that only touches a boundary (an Optical filter
 * ending at exactly 1 um) stays in one band. */
#include "config.h"

#include <math.h>

#include "vo-waveband.h"

static const struct {
  VoWaveband band;
  const char *name;
  double lower, upper;      /* metres */
} bands[] = {
  { VO_WAVEBAND_RADIO, "Radio", 1e-2, INFINITY },
  { VO_WAVEBAND_MILLIMETER, "Millimeter", 1e-4, 1e-2 },
  { VO_WAVEBAND_INFRARED, "Infrared", 1e-6, 1e-4 },
  { VO_WAVEBAND_OPTICAL, "Optical", 3e-7, 1e-6 },
  { VO_WAVEBAND_UV, "UV", 1e-7, 3e-7 },
  { VO_WAVEBAND_EUV, "EUV", 1e-8, 1e-7 },
  { VO_WAVEBAND_XRAY, "X-ray", 1e-11, 1e-8 },
  { VO_WAVEBAND_GAMMA, "Gamma-ray", 0, 1e-11 },
};

guint
vo_waveband_of_range (double lo_m, double hi_m)
{
  guint out = 0;

  if (!isfinite (lo_m) || !isfinite (hi_m) || lo_m <= 0 || hi_m <= 0)
    return 0;
  if (lo_m > hi_m)
    {
      double t = lo_m;
      lo_m = hi_m;
      hi_m = t;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bands); i++)
    if (lo_m < bands[i].upper && (hi_m > bands[i].lower || (lo_m == hi_m && hi_m >= bands[i].lower)))
      out |= bands[i].band;
  return out;
}

char *
vo_waveband_names (guint set, const char *sep)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (bands); i++)
    if (set & bands[i].band)
      {
        if (s->len > 0)
          g_string_append (s, sep);
        g_string_append (s, bands[i].name);
      }
  return g_string_free (s, FALSE);
}

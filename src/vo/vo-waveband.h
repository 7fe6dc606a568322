/* vo-waveband.h: the IVOA wavebands (Radio ... Gamma-ray) a range of
 * wavelengths covers, for archives that give wavelengths (ObsCore's
 * em_min/em_max, in metres) but no band names.  The boundaries are the
 * IVOA Resource Metadata / VODataService waveband vocabulary's:
 *   Radio      >= 10 mm        Millimeter  0.1 mm - 10 mm
 *   Infrared   1 um - 100 um   Optical     0.3 um - 1 um
 *   UV         0.1 um - 0.3 um
 *   EUV        10 nm - 100 nm  X-ray       0.01 nm - 10 nm
 *   Gamma-ray  < 0.01 nm
 * the names spelled as CAOM2's energy_emBand spells them, so that both
 * data models list collections alike.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  VO_WAVEBAND_RADIO = 1 << 0,
  VO_WAVEBAND_MILLIMETER = 1 << 1,
  VO_WAVEBAND_INFRARED = 1 << 2,
  VO_WAVEBAND_OPTICAL = 1 << 3,
  VO_WAVEBAND_UV = 1 << 4,
  VO_WAVEBAND_EUV = 1 << 5,
  VO_WAVEBAND_XRAY = 1 << 6,
  VO_WAVEBAND_GAMMA = 1 << 7,
} VoWaveband;

/* The bands that [@lo_m, @hi_m] (wavelengths in metres, in either order)
 * overlaps; 0 when either is not a positive finite number. */
guint vo_waveband_of_range (double lo_m, double hi_m);

/* Returns: (transfer full): the names of @bands, longest wavelength
 * first, joined by @sep ("Radio,Millimeter"); "" for none. */
char *vo_waveband_names (guint bands, const char *sep);

G_END_DECLS

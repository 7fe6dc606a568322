/* fuzz-coords.c: POSITION and RADIUS text (vo_coords_parse_position,
 * vo_coords_parse_radius), then the FK5 rotation and number formatting the
 * ADQL builder applies to what was parsed.  The input is used as one
 * NUL-terminated string (as from the command line or a SAMP message). */
#include "fuzz-common.h"
#include "vo-coords.h"
#include <math.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init_once ();
  g_autofree char *text = g_strndup ((const char *) data, size);

  double ra = -1, dec = -1;
  g_autoptr (GError) e1 = NULL;
  gboolean ok = vo_coords_parse_position (text, &ra, &dec, &e1);
  fuzz_check_result (ok, e1);
  if (ok)
    {
      if (!(ra >= 0 && ra < 360 && dec >= -90 && dec <= 90))
        abort ();
      double ra5, dec5;
      vo_coords_icrs_to_fk5 (ra, dec, &ra5, &dec5);
      g_free (vo_format_double (ra5));
      g_free (vo_format_double (dec5));
    }

  double r = -1;
  g_autoptr (GError) e2 = NULL;
  ok = vo_coords_parse_radius (text, &r, &e2);
  fuzz_check_result (ok, e2);
  if (ok)
    {
      if (!(r > 0 && r <= 180))
        abort ();
      g_free (vo_format_double (r));
    }
  return 0;
}

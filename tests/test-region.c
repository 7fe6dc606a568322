/* test-region.c: the one parser of the sky regions archives write
 * (vo-region.c): CAOM position_bounds, ObsCore s_region, STC-S; what the
 * bridge makes of them (STC-S for s_region, the centre a highlight points
 * at, the vertices ds9 draws). */
#include "config.h"

#include <math.h>

#include "vo-region.h"

static void
test_caom_polygon_is_read_as_written (void)
{
  g_autoptr(VoRegion) r = vo_region_parse ("131.4 54.1 131.5 54.3 131.1 54.4");
  g_assert_nonnull (r);
  g_assert_cmpint (r->shape, ==, VO_REGION_POLYGON);
  g_assert_cmpuint (r->n, ==, 6);
  g_assert_cmpfloat (r->v[5], ==, 54.4);
  g_autofree char *stcs = vo_region_to_stcs (r);
  g_assert_cmpstr (stcs, ==, "Polygon ICRS 131.4 54.1 131.5 54.3 131.1 54.4");
}

static void
test_shapes_and_spellings (void)
{
  const struct { const char *in, *stcs; } ok[] = {
    { "10 20 11 20 11 21", "Polygon ICRS 10 20 11 20 11 21" },
    { "polygon 10 20 11 20 11 21 10 21", "Polygon ICRS 10 20 11 20 11 21 10 21" },
    { "Polygon ICRS 1 2, 3 4, 5 6, 7 8", "Polygon ICRS 1 2 3 4 5 6 7 8" },
    { "POLYGON ICRS TOPOCENTER (1, 2) (3, 4) (5, 6)", "Polygon ICRS 1 2 3 4 5 6" },
    { "circle 10.5 -3 0.1", "Circle ICRS 10.5 -3 0.1" },
    { "Circle ICRS 10.5 -3 0.1", "Circle ICRS 10.5 -3 0.1" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_autoptr(VoRegion) r = vo_region_parse (ok[i].in);
      g_assert_nonnull (r);
      g_autofree char *stcs = vo_region_to_stcs (r);
      g_assert_cmpstr (stcs, ==, ok[i].stcs);
    }
}

static void
test_what_is_no_region (void)
{
  const char *bad[] = {
    NULL, "", "Circle ICRS", "a b c d e f",
    "10 20 11 20", "10 20 11 20 11",              /* 2 vertices; odd count */
    "1 2 3 95 5 6", "10 100 11 10 11 11",         /* |dec| > 90 */
    "10 20 11 20 11 21 x",                         /* a word after the numbers */
    "1 2 3 nan 5 6", "1 2 3 inf 5 6",
    "box 1 2 3 4 5 6", "union polygon 1 2 3 4 5 6",
    "circle 1 2", "circle 1 2 0", "circle 1 2 -1", "circle 1 95 1",
    "Polygon GALACTIC 1 2 3 4 5 6",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(VoRegion) r = vo_region_parse (bad[i]);
      if (r != NULL)
        g_error ("\"%s\" was read as a region", bad[i]);
    }
}

static void
test_centre (void)
{
  double ra, dec;
  g_autoptr(VoRegion) cfht = vo_region_parse (
    "131.42393 54.18688 131.47528 54.38336 131.13768 54.41294 131.08789 54.21632");
  vo_region_center (cfht, &ra, &dec);
  g_assert_cmpfloat_with_epsilon (ra, 131.2812, 0.001);
  g_assert_cmpfloat_with_epsilon (dec, 54.2999, 0.001);

  /* across RA = 0 the centre is near 0, not 180 */
  g_autoptr(VoRegion) wrap = vo_region_parse ("359.9 1 0.1 1 0.1 2 359.9 2");
  vo_region_center (wrap, &ra, &dec);
  g_assert_true (ra < 0.001 || ra > 359.999);
  g_assert_true (ra >= 0 && ra < 360);
  g_assert_cmpfloat_with_epsilon (dec, 1.5, 1e-9);

  g_autoptr(VoRegion) circle = vo_region_parse ("circle 10.5 -3 0.1");
  vo_region_center (circle, &ra, &dec);
  g_assert_cmpfloat (ra, ==, 10.5);
  g_assert_cmpfloat (dec, ==, -3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/region/caom-polygon", test_caom_polygon_is_read_as_written);
  g_test_add_func ("/region/shapes-and-spellings", test_shapes_and_spellings);
  g_test_add_func ("/region/not-a-region", test_what_is_no_region);
  g_test_add_func ("/region/centre", test_centre);
  return g_test_run ();
}

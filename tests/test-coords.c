/* test-coords.c: POSITION/RADIUS parsing, ICRS->FK5, vo_format_double. */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <math.h>
#include "vo-coords.h"
#include "vo-error.h"

static void
assert_position (const char *text, double ra, double dec)
{
  g_autoptr (GError) error = NULL;
  double r = -1, d = -1;
  gboolean ok = vo_coords_parse_position (text, &r, &d, &error);
  if (!ok)
    g_error ("'%s' rejected: %s", text, error->message);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (r, ra, 1e-11);
  g_assert_cmpfloat_with_epsilon (d, dec, 1e-11);
}

static void
assert_bad_position (const char *text)
{
  g_autoptr (GError) error = NULL;
  double r = 7, d = 8;
  g_assert_false (vo_coords_parse_position (text, &r, &d, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, text));
  g_assert_cmpfloat (r, ==, 7);          /* outputs untouched */
  g_assert_cmpfloat (d, ==, 8);
}

static void
test_position_sexagesimal (void)
{
  assert_position ("08h45m07.5s +54d18m00s", 131.28125, 54.3);
  assert_position ("08:45:07.5 +54:18:00", 131.28125, 54.3);
  assert_position ("08 45 07.5 +54 18 00", 131.28125, 54.3);
  assert_position ("  08h 45m 07.5s   +54d 18m 00s ", 131.28125, 54.3);
  assert_position ("08h45m07.5s+54d18m00s", 131.28125, 54.3);
  assert_position ("01h45m07.5s +23d18m00s", 26.28125, 23.3);
  assert_position ("08h45m07.5s, -54d18m00s", 131.28125, -54.3);
  assert_position ("00:00:00 -00:30:00", 0.0, -0.5);        /* sign on 0 deg */
  assert_position ("12h 30d", 180.0, 30.0);
  assert_position ("12:30 -10:15", 187.5, -10.25);
  assert_position ("8h45m07.5s +54\xc2\xb0" "18'00\"", 131.28125, 54.3);
}

static void
test_position_decimal (void)
{
  assert_position ("131.28 54.3", 131.28, 54.3);
  assert_position ("131.28,54.3", 131.28, 54.3);
  assert_position ("131.28 , -54.3", 131.28, -54.3);
  assert_position ("0 -90", 0.0, -90.0);
  assert_position ("360 90", 0.0, 90.0);
  assert_position ("1.5e2 +1e1", 150.0, 10.0);
  assert_position ("131.28d 54.3d", 131.28, 54.3);
}

static void
test_position_bad (void)
{
  const char *bad[] = {
    "", "   ", "131.28", "131.28 54.3 7", "abc def", "131.28 95",
    "361 0", "-1 0", "131.28 -90.5", "nan 0", "inf 10", "0x10 5",
    "131.28 54.3x", "131.28,,54.3", "25h00m00s +0d", "08h61m00s +0d",
    "08:45:61 +54:18:00", "08:45 +54:60", "08h45m07.5s", "1,2,3",
    "M31", "08h45m07.5s +54d18m00s junk", "131.28 54..3",
    "131.28\xff 54.3", "\xff\xfe", "08 45 07.5 +54 18 \xc3",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_bad_position (bad[i]);
}

static void
assert_radius (const char *text, double deg)
{
  g_autoptr (GError) error = NULL;
  double r = -1;
  g_assert_true (vo_coords_parse_radius (text, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (r, deg, 1e-15);
}

static void
test_radius (void)
{
  assert_radius ("0.3", 0.3);
  assert_radius ("0.3deg", 0.3);
  assert_radius ("0.3 deg", 0.3);
  assert_radius ("2 degrees", 2.0);
  assert_radius ("1arcmin", 1.0 / 60);
  assert_radius ("1 arcmin", 1.0 / 60);
  assert_radius ("5arcsec", 5.0 / 3600);
  assert_radius ("1'", 1.0 / 60);
  assert_radius ("5\"", 5.0 / 3600);
  assert_radius ("180", 180.0);
  assert_radius ("  0.01 DEG ", 0.01);

  const char *bad[] = { "", "0", "-1", "181", "0.3 furlong", "nan", "inf",
                        "1e400", "0.3degx", "deg", "1 2", "-0.0 arcmin" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      double r = 42;
      g_assert_false (vo_coords_parse_radius (bad[i], &r, &error));
      g_assert_error (error, VO_ERROR, VO_ERROR_PARSE);
      g_assert_nonnull (strstr (error->message, bad[i]));
      g_assert_cmpfloat (r, ==, 42);
    }
}

static void
test_position_locale (void)
{
  /* Under a comma-decimal locale (when one is installed) parsing and
   * formatting must not change; the assertions run in any case. */
  const char *candidates[] = { "de_DE.UTF-8", "fr_FR.UTF-8", "de_DE.utf8", "ru_RU.UTF-8" };
  const char *used = "C";
  for (gsize i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (setlocale (LC_NUMERIC, candidates[i]) != NULL)
      {
        used = candidates[i];
        break;
      }
  g_test_message ("LC_NUMERIC=%s", used);
  assert_position ("131.28 54.3", 131.28, 54.3);
  assert_position ("131.28,54.3", 131.28, 54.3);
  assert_radius ("0.5 arcmin", 0.5 / 60);
  g_autofree char *s = vo_format_double (0.3);
  g_assert_cmpstr (s, ==, "0.3");
  g_autofree char *t = vo_format_double (-1234.5e-10);
  g_assert_cmpstr (t, ==, "-1.2345e-07");
  setlocale (LC_NUMERIC, "C");
}

static void
test_fk5 (void)
{
  /* the spec's vectors (§4.1), to 1e-9 deg */
  double ra, dec;
  vo_coords_icrs_to_fk5 (131.28125, 54.3, &ra, &dec);
  g_assert_cmpfloat_with_epsilon (ra, 131.28125392933424, 1e-9);
  g_assert_cmpfloat_with_epsilon (dec, 54.29999417826928, 1e-9);
  g_assert_cmpfloat_with_epsilon (ra, 131.2812539293342, 1e-9);   /* astropy */
  g_assert_cmpfloat_with_epsilon (dec, 54.29999417826929, 1e-9);

  vo_coords_icrs_to_fk5 (26.28125, 23.3, &ra, &dec);
  g_assert_cmpfloat_with_epsilon (ra, 26.2812589776878, 1e-9);
  g_assert_cmpfloat_with_epsilon (dec, 23.299999818906816, 1e-9);

  /* RA stays in [0, 360) near 0 and the poles stay finite */
  vo_coords_icrs_to_fk5 (0.0, 0.0, &ra, &dec);
  g_assert_cmpfloat (ra, >=, 0.0);
  g_assert_cmpfloat (ra, <, 360.0);
  vo_coords_icrs_to_fk5 (10.0, 90.0, &ra, &dec);
  g_assert_true (isfinite (ra) && isfinite (dec));
  g_assert_cmpfloat (dec, <=, 90.0);
}

static void
assert_fmt (double v, const char *expected)
{
  g_autofree char *s = vo_format_double (v);
  g_assert_cmpstr (s, ==, expected);
  if (isfinite (v))
    g_assert_cmpfloat (g_ascii_strtod (s, NULL), ==, v);
}

static void
test_format_double (void)
{
  /* expected strings are Python 3 repr() */
  assert_fmt (0.3, "0.3");
  assert_fmt (0.1, "0.1");
  assert_fmt (131.2812539293342, "131.2812539293342");
  assert_fmt (54.29999417826929, "54.29999417826929");
  assert_fmt (0.016666666666667, "0.016666666666667");
  assert_fmt (1.0 / 60, "0.016666666666666666");
  assert_fmt (0.1 + 0.2, "0.30000000000000004");
  assert_fmt (2.0, "2.0");
  assert_fmt (0.0, "0.0");
  assert_fmt (-0.0, "-0.0");
  assert_fmt (-54.3, "-54.3");
  assert_fmt (1e-05, "1e-05");
  assert_fmt (0.0001, "0.0001");
  assert_fmt (1.5e-07, "1.5e-07");
  assert_fmt (1e15, "1000000000000000.0");
  assert_fmt (1e16, "1e+16");
  assert_fmt (123456789.125, "123456789.125");
  assert_fmt (5e-324, "5e-324");
  assert_fmt (1.7976931348623157e308, "1.7976931348623157e+308");
  assert_fmt (NAN, "nan");
  assert_fmt (-INFINITY, "-inf");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/coords/position/sexagesimal", test_position_sexagesimal);
  g_test_add_func ("/coords/position/decimal", test_position_decimal);
  g_test_add_func ("/coords/position/bad", test_position_bad);
  g_test_add_func ("/coords/position/locale", test_position_locale);
  g_test_add_func ("/coords/radius", test_radius);
  g_test_add_func ("/coords/fk5", test_fk5);
  g_test_add_func ("/coords/format-double", test_format_double);
  return g_test_run ();
}

/* test-adql.c: the exact ADQL strings of reference/cadc-protocol.md §4. */
#include "config.h"

#include <math.h>
#include <string.h>
#include "vo-adql.h"
#include "vo-coords.h"
#include "vo-error.h"
#include "vo-waveband.h"

/* Compares @got with @expected where the numbers inside CIRCLE(...) may
 * differ in the last digits: split both at the circle arguments and compare
 * the text around them exactly, the numbers to 1e-9. */
static void
assert_region_query (const char *got, const char *expected)
{
  g_autoptr (GRegex) re = g_regex_new ("^(.*CIRCLE\\('ICRS', )([-0-9.e+]+), ([-0-9.e+]+), ([-0-9.e+]+)(\\).*)$", 0, 0, NULL);
  g_autoptr (GMatchInfo) mg = NULL, me = NULL;
  g_assert_true (g_regex_match (re, got, 0, &mg));
  g_assert_true (g_regex_match (re, expected, 0, &me));
  for (int i = 1; i <= 5; i++)
    {
      g_autofree char *a = g_match_info_fetch (mg, i);
      g_autofree char *b = g_match_info_fetch (me, i);
      if (i >= 2 && i <= 4)
        g_assert_cmpfloat_with_epsilon (g_ascii_strtod (a, NULL), g_ascii_strtod (b, NULL), 1e-9);
      else
        g_assert_cmpstr (a, ==, b);
    }
}

static void
test_query_region_spec (void)
{
  double ra, dec, ra5, dec5, r;
  g_assert_true (vo_coords_parse_position ("08h45m07.5s +54d18m00s", &ra, &dec, NULL));
  vo_coords_icrs_to_fk5 (ra, dec, &ra5, &dec5);
  g_assert_true (vo_coords_parse_radius ("0.3 deg", &r, NULL));

  g_autofree char *q = vo_adql_query_region (ra5, dec5, r, "CFHT", "image");
  assert_region_query (q,
      "SELECT * from caom2.Observation o join caom2.Plane p ON o.obsID=p.obsID WHERE INTERSECTS( CIRCLE('ICRS', 131.2812539293342, 54.29999417826929, 0.3), position_bounds) = 1 AND (quality_flag IS NULL OR quality_flag != 'junk') AND collection='CFHT' AND dataProductType='image'");
  /* the radius prints exactly as Python does */
  g_assert_nonnull (strstr (q, ", 0.3), position_bounds) = 1"));

  g_autofree char *q2 = vo_adql_query_region (ra5, dec5, r, NULL, NULL);
  assert_region_query (q2,
      "SELECT * from caom2.Observation o join caom2.Plane p ON o.obsID=p.obsID WHERE INTERSECTS( CIRCLE('ICRS', 131.2812539293342, 54.29999417826929, 0.3), position_bounds) = 1 AND (quality_flag IS NULL OR quality_flag != 'junk')");

  /* byte-exact with numbers we choose */
  g_autofree char *q3 = vo_adql_query_region (10.5, -3.25, 1.0 / 60, "JCMT", "");
  g_assert_cmpstr (q3, ==,
      "SELECT * from caom2.Observation o join caom2.Plane p ON o.obsID=p.obsID WHERE INTERSECTS( CIRCLE('ICRS', 10.5, -3.25, 0.016666666666666666), position_bounds) = 1 AND (quality_flag IS NULL OR quality_flag != 'junk') AND collection='JCMT'");
}

static void
test_query_region_quoting (void)
{
  g_autofree char *q = vo_adql_query_region (1, 2, 0.5, "O'Brien' OR '1'='1", NULL);
  g_assert_true (g_str_has_suffix (q, " AND collection='O''Brien'' OR ''1''=''1'"));
}

static void
test_query_name (void)
{
  g_autofree char *q = vo_adql_query_name ("M31-B14");
  g_assert_cmpstr (q, ==,
      "select * from caom2.Observation o join caom2.Plane p on o.obsID=p.obsID where lower(target_name) like '%m31-b14%'");
  g_autofree char *q2 = vo_adql_query_name ("Barnard's Star");
  g_assert_cmpstr (q2, ==,
      "select * from caom2.Observation o join caom2.Plane p on o.obsID=p.obsID where lower(target_name) like '%barnard''s star%'");
}

static void
test_collections (void)
{
  g_assert_cmpstr (vo_adql_collections (), ==,
                   "select distinct collection, energy_emBand from caom2.EnumField");
}

static void
test_quote (void)
{
  g_autofree char *a = vo_adql_quote ("");
  g_autofree char *b = vo_adql_quote ("'''");
  g_autofree char *c = vo_adql_quote ("plain");
  g_assert_cmpstr (a, ==, "''");
  g_assert_cmpstr (b, ==, "''''''''");
  g_assert_cmpstr (c, ==, "'plain'");
  g_assert_true (vo_adql_is_identifier ("my_table2"));
  g_assert_false (vo_adql_is_identifier ("2table"));
  g_assert_false (vo_adql_is_identifier ("a b"));
  g_assert_false (vo_adql_is_identifier ("x;drop"));
  g_assert_false (vo_adql_is_identifier (""));
  g_assert_false (vo_adql_is_identifier (NULL));
}

static void
test_crossmatch (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *q = vo_adql_crossmatch ("sources", "ra", "dec", 0.01, "CFHT", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (q, ==,
      "SELECT u.*, o.collection, o.observationID, o.target_name, o.instrument_name, "
      "p.energy_bandpassName, p.time_bounds_lower, p.productID, "
      "p.publisherID, p.dataProductType, p.calibrationLevel, p.position_bounds "
      "FROM tap_upload.sources AS u "
      "JOIN caom2.Plane AS p ON INTERSECTS(CIRCLE('ICRS', u.ra, u.dec, 0.01), p.position_bounds) = 1 "
      "JOIN caom2.Observation AS o ON o.obsID = p.obsID "
      "WHERE (p.quality_flag IS NULL OR p.quality_flag != 'junk') AND o.collection='CFHT'");

  g_autofree char *q2 = vo_adql_crossmatch ("t", "RAJ2000", "DEJ2000", 5.0 / 3600, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (q2, "CIRCLE('ICRS', u.RAJ2000, u.DEJ2000, 0.001388888888888889)"));
  g_assert_true (g_str_has_suffix (q2, "'junk')"));

  char *bad = vo_adql_crossmatch ("t; drop table x", "ra", "dec", 0.1, NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, VO_ERROR, VO_ERROR_QUERY);
  g_clear_error (&error);
  bad = vo_adql_crossmatch ("t", "ra", "de\"c", 0.1, NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, VO_ERROR, VO_ERROR_QUERY);
  g_clear_error (&error);
  bad = vo_adql_crossmatch ("t", "ra", "dec", 0.0, NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, VO_ERROR, VO_ERROR_QUERY);
}

static void
test_footprint (void)
{
  g_autoptr (GError) error = NULL;
  const double v[] = { 10, 20, 11, 20, 11, 21.5, 10, 21.5 };
  g_autofree char *q = vo_adql_footprint (v, 4, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (q, ==,
      "SELECT o.collection, o.observationID, o.target_name, o.instrument_name, "
      "p.energy_bandpassName, p.time_bounds_lower, p.productID, "
      "p.publisherID, p.dataProductType, p.calibrationLevel, p.position_bounds "
      "FROM caom2.Observation AS o JOIN caom2.Plane AS p ON o.obsID = p.obsID "
      "WHERE INTERSECTS(POLYGON('ICRS', 10.0, 20.0, 11.0, 20.0, 11.0, 21.5, 10.0, 21.5), "
      "p.position_bounds) = 1 AND (p.quality_flag IS NULL OR p.quality_flag != 'junk')");

  g_autofree char *q2 = vo_adql_footprint (v, 3, "CFHT", &error);
  g_assert_true (g_str_has_suffix (q2, " AND o.collection='CFHT'"));

  g_assert_null (vo_adql_footprint (v, 2, NULL, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_QUERY);
  g_clear_error (&error);
  const double w[] = { 10, 20, 11, 95, 12, 21 };
  g_assert_null (vo_adql_footprint (w, 3, NULL, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_QUERY);
}

/* ObsCore 1.1: ivoa.obscore, ICRS, no quality filter, != never <>. */
static void
test_obscore (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *q = vo_adql_obscore_region (131.28125, 54.3, 0.3, "VOTEST", "image", FALSE);
  g_assert_cmpstr (q, ==,
      "SELECT * FROM ivoa.obscore WHERE INTERSECTS(CIRCLE('ICRS', 131.28125, 54.3, 0.3), "
      "s_region) = 1 AND obs_collection='VOTEST' AND dataproduct_type='image'");
  g_autofree char *p = vo_adql_obscore_region (131.28125, 54.3, 0.3, NULL, "", TRUE);
  g_assert_cmpstr (p, ==,
      "SELECT * FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), "
      "CIRCLE('ICRS', 131.28125, 54.3, 0.3)) = 1");
  g_autofree char *inj = vo_adql_obscore_region (1, 2, 0.5, "O'Brien", NULL, FALSE);
  g_assert_true (g_str_has_suffix (inj, " AND obs_collection='O''Brien'"));

  g_autofree char *n = vo_adql_obscore_name ("Barnard's Star");
  g_assert_cmpstr (n, ==,
      "SELECT * FROM ivoa.obscore WHERE lower(target_name) LIKE '%barnard''s star%'");
  g_assert_cmpstr (vo_adql_obscore_collections (), ==,
      "SELECT obs_collection, em_min, em_max FROM ivoa.obscore "
      "GROUP BY obs_collection, em_min, em_max ORDER BY obs_collection");

  g_autofree char *x = vo_adql_obscore_crossmatch ("peer", "ra", "dec", 0.01, "CFHT", FALSE,
                                                   &error);
  g_assert_no_error (error);
  g_assert_cmpstr (x, ==,
      "SELECT u.*, o.obs_collection, o.obs_id, o.target_name, o.instrument_name, "
      "o.dataproduct_type, o.calib_level, o.t_min, o.obs_publisher_did, o.access_url, "
      "o.access_format, o.s_ra, o.s_dec, o.s_region FROM tap_upload.peer AS u "
      "JOIN ivoa.obscore AS o ON INTERSECTS(CIRCLE('ICRS', u.ra, u.dec, 0.01), o.s_region) = 1"
      " AND o.obs_collection='CFHT'");
  g_assert_null (vo_adql_obscore_crossmatch ("t; drop", "ra", "dec", 0.1, NULL, FALSE, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_QUERY);
  g_clear_error (&error);

  const double v[] = { 10, 20, 11, 20, 11, 21.5 };
  g_autofree char *f = vo_adql_obscore_footprint (v, 3, NULL, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (f, "FROM ivoa.obscore AS o WHERE CONTAINS(POINT('ICRS', "
                                   "o.s_ra, o.s_dec), POLYGON('ICRS', 10.0, 20.0, 11.0, 20.0, "
                                   "11.0, 21.5)) = 1"));
  g_assert_null (vo_adql_obscore_footprint (v, 2, NULL, FALSE, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_QUERY);
  g_assert_null (strstr (q, "<>"));
}

/* The bands an ObsCore row's em_min..em_max (metres) covers, named as
 * CAOM2's energy_emBand names them. */
static void
test_waveband_of_range (void)
{
  /* one band each: a CFHT g filter, JCMT 850 um, VLASS 2-4 GHz, a 1.2-1.4 um survey */
  g_assert_cmpuint (vo_waveband_of_range (4.14e-7, 5.59e-7), ==, VO_WAVEBAND_OPTICAL);
  g_assert_cmpuint (vo_waveband_of_range (8.0e-4, 9.0e-4), ==, VO_WAVEBAND_MILLIMETER);
  g_assert_cmpuint (vo_waveband_of_range (0.0749, 0.1499), ==, VO_WAVEBAND_RADIO);
  g_assert_cmpuint (vo_waveband_of_range (1.2e-6, 1.4e-6), ==, VO_WAVEBAND_INFRARED);
  /* a range across a boundary is in both; one ending on it only in its own */
  g_assert_cmpuint (vo_waveband_of_range (2.3e-7, 3.1e-7), ==, VO_WAVEBAND_UV | VO_WAVEBAND_OPTICAL);
  g_assert_cmpuint (vo_waveband_of_range (8.27e-7, 1.1e-6), ==,
                    VO_WAVEBAND_OPTICAL | VO_WAVEBAND_INFRARED);
  g_assert_cmpuint (vo_waveband_of_range (3e-7, 1e-6), ==, VO_WAVEBAND_OPTICAL);
  /* a single wavelength on a boundary belongs to the band it starts */
  g_assert_cmpuint (vo_waveband_of_range (1e-6, 1e-6), ==, VO_WAVEBAND_INFRARED);
  /* either order; the short end of the spectrum */
  g_assert_cmpuint (vo_waveband_of_range (5e-8, 2e-8), ==, VO_WAVEBAND_EUV);
  g_assert_cmpuint (vo_waveband_of_range (1e-10, 2e-10), ==, VO_WAVEBAND_XRAY);
  g_assert_cmpuint (vo_waveband_of_range (1e-13, 1e-12), ==, VO_WAVEBAND_GAMMA);
  /* no band for what is not a wavelength (NULL columns read as NaN, 0, negative) */
  g_assert_cmpuint (vo_waveband_of_range (NAN, 1e-6), ==, 0);
  g_assert_cmpuint (vo_waveband_of_range (0, 1e-6), ==, 0);
  g_assert_cmpuint (vo_waveband_of_range (-1, 1e-6), ==, 0);
  g_assert_cmpuint (vo_waveband_of_range (1e-6, INFINITY), ==, 0);
}

static void
test_waveband_names (void)
{
  g_autofree char *all = vo_waveband_names (0xff, ",");
  g_autofree char *two = vo_waveband_names (VO_WAVEBAND_UV | VO_WAVEBAND_RADIO, "|");
  g_autofree char *none = vo_waveband_names (0, ",");
  g_assert_cmpstr (all, ==, "Radio,Millimeter,Infrared,Optical,UV,EUV,X-ray,Gamma-ray");
  g_assert_cmpstr (two, ==, "Radio|UV");
  g_assert_cmpstr (none, ==, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/adql/query-region/spec", test_query_region_spec);
  g_test_add_func ("/adql/obscore", test_obscore);
  g_test_add_func ("/adql/query-region/quoting", test_query_region_quoting);
  g_test_add_func ("/adql/query-name", test_query_name);
  g_test_add_func ("/adql/collections", test_collections);
  g_test_add_func ("/adql/quote", test_quote);
  g_test_add_func ("/adql/crossmatch", test_crossmatch);
  g_test_add_func ("/adql/footprint", test_footprint);
  g_test_add_func ("/waveband/of-range", test_waveband_of_range);
  g_test_add_func ("/waveband/names", test_waveband_names);
  return g_test_run ();
}

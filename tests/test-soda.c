/* test-soda.c: SODA sync cutout URLs, byte for byte against §5.5. */
#include "config.h"

#include <string.h>
#include "vo-soda.h"
#include "vo-coords.h"
#include "vo-error.h"

static VoDatalink *
load_dl (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  VoDatalink *dl = vo_datalink_parse (data, len, &error);
  g_assert_no_error (error);
  return dl;
}

static void
test_cadc_spec_url (void)
{
  g_autoptr (VoDatalink) dl = load_dl ("datalink-cadc.xml");
  /* the spec's numbers (astropy's FK5 of '08h45m07.5s +54d18m00s') */
  g_auto (GStrv) urls = vo_soda_cutout_urls (dl, 131.2812539293342, 54.29999417826929, 0.1);
  g_assert_cmpuint (g_strv_length (urls), ==, 1);       /* async descriptor dropped */
  g_assert_cmpstr (urls[0], ==,
      "https://www.cadc-ccda.hia-iha.nrc-cnrc.gc.ca/caom2ops/sync?ID=ad%3ACFHT%2F282502o.fits.gz"
      "&RUNID=aqy7icng7ncbafj5&POS=CIRCLE+131.2812539293342+54.29999417826929+0.1");

  /* full pipeline from the POSITION text: same URL up to the last digits */
  double ra, dec, ra5, dec5, r;
  g_assert_true (vo_coords_parse_position ("08h45m07.5s +54d18m00s", &ra, &dec, NULL));
  g_assert_true (vo_coords_parse_radius ("0.1 deg", &r, NULL));
  vo_coords_icrs_to_fk5 (ra, dec, &ra5, &dec5);
  g_auto (GStrv) urls2 = vo_soda_cutout_urls (dl, ra5, dec5, r);
  g_assert_cmpuint (g_strv_length (urls2), ==, 1);
  const char *pos = strstr (urls2[0], "&POS=CIRCLE+");
  g_assert_nonnull (pos);
  g_auto (GStrv) nums = g_strsplit (pos + strlen ("&POS=CIRCLE+"), "+", -1);
  g_assert_cmpuint (g_strv_length (nums), ==, 3);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (nums[0], NULL), 131.2812539293342, 1e-9);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (nums[1], NULL), 54.29999417826929, 1e-9);
  g_assert_cmpstr (nums[2], ==, "0.1");
}

static void
test_docs_example (void)
{
  /* a descriptor built by hand, with the docs' example values */
  g_autoptr (VoServiceDescriptor) d = g_new0 (VoServiceDescriptor, 1);
  d->id = g_strdup ("x");
  d->access_url = g_strdup ("https://www.cadc-ccda.hia-iha.nrc-cnrc.gc.ca/caom2ops/sync");
  d->input_params = g_ptr_array_new_with_free_func (g_free);
  VoServiceParam p[2] = {
    { (char *) "ID", (char *) "ad:CFHT/2234132o.fits.fz", NULL },
    { (char *) "RUNID", (char *) "pot39nwwtaht03wc", NULL },
  };
  /* borrowed params: the array must not free them */
  g_ptr_array_set_free_func (d->input_params, NULL);
  g_ptr_array_add (d->input_params, &p[0]);
  g_ptr_array_add (d->input_params, &p[1]);
  g_assert_true (vo_soda_descriptor_is_sync (d));      /* no standardID: "/sync" in URL */
  g_autoptr (GError) error = NULL;
  g_autofree char *url = vo_soda_cutout_url (d, 26.2812589776878, 23.299999818906816, 0.01, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==,
      "https://www.cadc-ccda.hia-iha.nrc-cnrc.gc.ca/caom2ops/sync?ID=ad%3ACFHT%2F2234132o.fits.fz"
      "&RUNID=pot39nwwtaht03wc&POS=CIRCLE+26.2812589776878+23.299999818906816+0.01");

  /* the computed FK5 of '01h45m07.5s +23d18m00s' agrees to 1e-9 */
  double ra, dec;
  vo_coords_icrs_to_fk5 (26.28125, 23.3, &ra, &dec);
  g_assert_cmpfloat_with_epsilon (ra, 26.2812589776878, 1e-9);
  g_assert_cmpfloat_with_epsilon (dec, 23.299999818906816, 1e-9);
}

static void
test_dachs_shape (void)
{
  g_autoptr (VoDatalink) dl = load_dl ("datalink-dachs.xml");
  g_auto (GStrv) urls = vo_soda_cutout_urls (dl, 130.0, 54.3, 0.01);
  g_assert_cmpuint (g_strv_length (urls), ==, 1);
  /* only ID copied: RUNID is empty, REQUEST/POS/CIRCLE/... are not ours */
  g_assert_cmpstr (urls[0], ==,
      "http://127.0.0.1:9/caom2ops/q/sync/dlget?ID=ivo%3A%2F%2Fcadc.nrc.ca%2FCFHT%3F2400121%2F2400121o"
      "&POS=CIRCLE+130.0+54.3+0.01");
}

static void
test_sync_selection (void)
{
  VoServiceDescriptor d = { 0 };
  d.access_url = (char *) "https://h.test/soda-cfht/cutout";
  d.standard_id = (char *) "ivo://ivoa.net/std/SODA#sync-1.0";
  g_assert_true (vo_soda_descriptor_is_sync (&d));      /* by standardID, no "/sync" */
  d.standard_id = (char *) "ivo://ivoa.net/std/SODA#async-1.0";
  d.access_url = (char *) "https://h.test/sync-ish/async";
  g_assert_false (vo_soda_descriptor_is_sync (&d));
  d.standard_id = NULL;
  d.access_url = (char *) "https://h.test/caom2ops/async";
  g_assert_false (vo_soda_descriptor_is_sync (&d));
  d.access_url = NULL;
  g_assert_false (vo_soda_descriptor_is_sync (&d));
}

static void
test_errors (void)
{
  g_autoptr (VoServiceDescriptor) d = g_new0 (VoServiceDescriptor, 1);
  d->id = g_strdup ("noid");
  d->input_params = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_assert_null (vo_soda_cutout_url (d, 1, 2, 3, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);      /* no accessURL */
  g_clear_error (&error);
  d->access_url = g_strdup ("https://h.test/sync");
  g_assert_null (vo_soda_cutout_url (d, 1, 2, 3, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);      /* no ID */
  g_assert_nonnull (strstr (error->message, "noid"));

  g_autofree char *c = vo_soda_circle (10, -5.5, 1.0 / 60);
  g_assert_cmpstr (c, ==, "CIRCLE 10.0 -5.5 0.016666666666666666");
}

static void
test_tap_result_descriptor (void)
{
  /* DaCHS-style descriptor in a TAP result: ID ref= the publisherID FIELD */
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "datalink-tapresult.xml", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (VoTable) t = vo_table_load_file (path, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) descs = vo_service_descriptors_from_table (t);
  const VoServiceDescriptor *soda = NULL;
  for (guint i = 0; i < descs->len; i++)
    if (vo_soda_descriptor_is_sync (descs->pdata[i]))
      soda = descs->pdata[i];
  g_assert_nonnull (soda);
  g_assert_cmpstr (soda->id, ==, "soda");
  /* unresolved: the ID is empty, so no URL */
  g_assert_null (vo_soda_cutout_url (soda, 1, 2, 0.5, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_autoptr (VoServiceDescriptor) r = vo_service_descriptor_resolve (soda, t, 0);
  g_autofree char *url = vo_soda_cutout_url (r, 131.25, 54.5, 0.05, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==,
      "http://127.0.0.1:9/caom2ops/q/sync/dlget?ID=ivo%3A%2F%2Fcadc.nrc.ca%2FCFHT%3F282502%2F282502o"
      "&POS=CIRCLE+131.25+54.5+0.05");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/soda/cadc-spec-url", test_cadc_spec_url);
  g_test_add_func ("/soda/docs-example", test_docs_example);
  g_test_add_func ("/soda/dachs-shape", test_dachs_shape);
  g_test_add_func ("/soda/sync-selection", test_sync_selection);
  g_test_add_func ("/soda/errors", test_errors);
  g_test_add_func ("/soda/tap-result-descriptor", test_tap_result_descriptor);
  return g_test_run ();
}

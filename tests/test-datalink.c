/* test-datalink.c: DataLink responses, descriptors, data URLs, requests. */
#include "config.h"

#include <string.h>
#include "test-util.h"
#include "vo-datalink.h"
#include "vo-error.h"

static VoDatalink *
load_dl (const char *name, GError **error)
{
  gsize len;
  g_autofree char *data = cs_test_load_data (name, &len);
  return vo_datalink_parse (data, len, error);
}

static char *
join (char **v)
{
  return g_strjoinv ("\n", v);
}

static void
test_cadc (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDatalink) dl = load_dl ("datalink-cadc.xml", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dl->rows->len, ==, 9);
  g_assert_cmpuint (dl->errors->len, ==, 2);
  g_assert_cmpuint (dl->services->len, ==, 2);
  g_assert_cmpint (dl->query_status, ==, VO_QUERY_STATUS_OK);

  const VoDatalinkRow *first = dl->rows->pdata[0];
  g_assert_cmpstr (first->id, ==, "ivo://cadc.nrc.ca/CFHT?282502/282502o");
  g_assert_cmpstr (first->semantics, ==, "#this");
  g_assert_cmpstr (first->content_type, ==, "application/fits");
  g_assert_cmpint (first->content_length, ==, 1234567);
  g_assert_cmpstr (first->link_auth, ==, "false");
  g_assert_null (first->service_def);
  g_assert_null (first->service);

  const VoDatalinkRow *cut = dl->rows->pdata[1];
  g_assert_cmpstr (cut->semantics, ==, "#cutout");
  g_assert_cmpint (cut->content_length, ==, -1);
  g_assert_nonnull (cut->service);
  g_assert_cmpstr (cut->service->id, ==, "sync-1");
  g_assert_cmpstr (cut->service->standard_id, ==, "ivo://ivoa.net/std/SODA#sync-1.0");
  g_assert_cmpstr (cut->service->resource_identifier, ==, "ivo://cadc.nrc.ca/caom2ops");
  g_assert_cmpstr (cut->service->access_url, ==, "https://www.cadc-ccda.hia-iha.nrc-cnrc.gc.ca/caom2ops/sync");
  g_assert_cmpuint (cut->service->input_params->len, ==, 4);
  const VoServiceParam *runid = vo_service_descriptor_find_param (cut->service, "RUNID");
  g_assert_cmpstr (runid->value, ==, "aqy7icng7ncbafj5");
  const VoServiceParam *pos = vo_service_descriptor_find_param (cut->service, "POS");
  g_assert_cmpstr (pos->value, ==, "");

  const VoDatalinkRow *e0 = dl->errors->pdata[0];
  g_assert_cmpstr (e0->service_def, ==, "missing-descriptor");
  g_assert_nonnull (strstr (e0->error_message, "missing-descriptor"));
  const VoDatalinkRow *e1 = dl->errors->pdata[1];
  g_assert_cmpstr (e1->error_message, ==, "NotFoundFault: ivo://cadc.nrc.ca/CFHT?9/9x");
  g_assert_cmpstr (e1->id, ==, "ivo://cadc.nrc.ca/CFHT?9/9x");

  g_auto (GStrv) urls = vo_datalink_dup_data_urls (dl, FALSE);
  g_autofree char *u = join (urls);
  g_assert_cmpstr (u, ==,
      "https://data.example.test/data/pub/CFHT/282502o.fits.gz?RUNID=aqy7icng7ncbafj5\n"
      "https://data.example.test/data/pub/CFHT/2376828p.fits.fz");
  g_auto (GStrv) aux = vo_datalink_dup_data_urls (dl, TRUE);
  g_autofree char *a = join (aux);
  g_assert_cmpstr (a, ==,
      "https://data.example.test/data/pub/CFHT/282502o.fits.gz?RUNID=aqy7icng7ncbafj5\n"
      "https://data.example.test/preview/282502o_1024.png\n"
      "https://data.example.test/preview/282502o_256.png\n"
      "https://data.example.test/data/pub/CFHT/2376828p.fits.fz\n"
      "https://data.example.test/data/pub/CFHT/2376828p.weight.fits");
}

static void
test_dachs (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDatalink) dl = load_dl ("datalink-dachs.xml", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dl->rows->len, ==, 3);
  g_assert_cmpuint (dl->errors->len, ==, 1);
  const VoDatalinkRow *cut = dl->rows->pdata[0];
  g_assert_nonnull (cut->service);
  g_assert_null (cut->service->resource_identifier);
  g_assert_cmpuint (cut->service->input_params->len, ==, 9);
  const VoDatalinkRow *thisrow = dl->rows->pdata[1];
  g_assert_cmpint (thisrow->content_length, ==, 72000);
  const VoDatalinkRow *prev = dl->rows->pdata[2];
  g_assert_cmpint (prev->content_length, ==, -1);      /* declared null */
  const VoDatalinkRow *err = dl->errors->pdata[0];
  g_assert_true (g_str_has_prefix (err->error_message, "NotFoundFault: "));
  g_auto (GStrv) urls = vo_datalink_dup_data_urls (dl, FALSE);
  g_assert_cmpuint (g_strv_length (urls), ==, 1);
  g_assert_cmpstr (urls[0], ==, "http://127.0.0.1:9/getproduct/caom2ops/data/fits/CFHT/2400121/2400121o.fits");
}

static void
test_astroquery_vector (void)
{
  /* astroquery test_get_data_urls: #this, #aux, #preview, caom2#pkg, #package */
  const char doc[] =
    "<VOTABLE><RESOURCE type='results'><TABLE>"
    "<FIELD name='semantics' datatype='char' arraysize='*'/>"
    "<FIELD name='access_url' datatype='char' arraysize='*'/>"
    "<FIELD name='ID' datatype='char' arraysize='*'/>"
    "<DATA><TABLEDATA>"
    "<TR><TD>#this</TD><TD>https://get.your.data/path</TD><TD>ivo://cadc.nrc.ca/foo</TD></TR>"
    "<TR><TD>#aux</TD><TD>https://get.your.data/auxpath</TD><TD>ivo://cadc.nrc.ca/foo</TD></TR>"
    "<TR><TD>#preview</TD><TD>https://get.your.data/previewpath</TD><TD>ivo://cadc.nrc.ca/foo</TD></TR>"
    "<TR><TD>http://www.opencadc.org/caom2#pkg</TD><TD>https://get.your.data/pkg</TD><TD>ivo://cadc.nrc.ca/foo</TD></TR>"
    "<TR><TD>#package</TD><TD>https://get.your.data/package</TD><TD>ivo://cadc.nrc.ca/foo</TD></TR>"
    "</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>";
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDatalink) dl = vo_datalink_parse (doc, strlen (doc), &error);
  g_assert_no_error (error);
  g_assert_cmpint (dl->query_status, ==, VO_QUERY_STATUS_NONE);
  g_auto (GStrv) a = vo_datalink_dup_data_urls (dl, FALSE);
  g_autofree char *sa = join (a);
  g_assert_cmpstr (sa, ==, "https://get.your.data/path");
  g_auto (GStrv) b = vo_datalink_dup_data_urls (dl, TRUE);
  g_autofree char *sb = join (b);
  g_assert_cmpstr (sb, ==, "https://get.your.data/path\nhttps://get.your.data/auxpath\n"
                   "https://get.your.data/previewpath");
}

static void
test_overflow (void)
{
  const char doc[] =
    "<VOTABLE><RESOURCE type='results'><INFO name='QUERY_STATUS' value='OK'/><TABLE>"
    "<FIELD name='ID' datatype='char' arraysize='*'/>"
    "<FIELD name='access_url' datatype='char' arraysize='*'/>"
    "<FIELD name='semantics' datatype='char' arraysize='*'/>"
    "<DATA><TABLEDATA><TR><TD>a</TD><TD>http://x/a</TD><TD>#this</TD></TR></TABLEDATA></DATA>"
    "</TABLE><INFO name='QUERY_STATUS' value='OVERFLOW'/></RESOURCE></VOTABLE>";
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDatalink) dl = vo_datalink_parse (doc, strlen (doc), &error);
  g_assert_no_error (error);
  g_assert_cmpint (dl->query_status, ==, VO_QUERY_STATUS_OVERFLOW);   /* the last one */
  g_assert_cmpuint (dl->rows->len, ==, 1);
}

static void
test_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_assert_null (load_dl ("datalink-error.xml", &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_QUERY);
  g_assert_nonnull (strstr (error->message, "IllegalArgumentException: invalid ID: not-a-uri"));
  g_clear_error (&error);

  const char nosem[] =
    "<VOTABLE><RESOURCE type='results'><TABLE>"
    "<FIELD name='ID' datatype='char' arraysize='*'/>"
    "<FIELD name='access_url' datatype='char' arraysize='*'/>"
    "<DATA><TABLEDATA><TR><TD>a</TD><TD>b</TD></TR></TABLEDATA></DATA>"
    "</TABLE></RESOURCE></VOTABLE>";
  g_assert_null (vo_datalink_parse (nosem, strlen (nosem), &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "semantics"));
  g_clear_error (&error);

  const char *bad[] = { "", "<VOTABLE><RESOURCE>", "<html><body>503</body></html>" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_null (vo_datalink_parse (bad[i], strlen (bad[i]), &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == VO_ERROR);
      g_clear_error (&error);
    }
}

static void
test_tap_descriptor (void)
{
  g_autofree char *path = cs_test_data_path ("datalink-tapresult.xml");
  g_autoptr (GError) error = NULL;
  g_autoptr (VoTable) t = vo_table_load_file (path, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) descs = vo_service_descriptors_from_table (t);
  g_assert_cmpuint (descs->len, ==, 2);
  const VoServiceDescriptor *d = descs->pdata[0];
  g_assert_cmpstr (d->standard_id, ==, "ivo://ivoa.net/std/DataLink#links-1.1");
  g_assert_cmpstr (d->access_url, ==, "https://ws.example.test/caom2ops/datalink");
  const VoServiceParam *id = vo_service_descriptor_find_param (d, "ID");
  g_assert_cmpstr (id->ref, ==, "caomPublisherID");
  g_assert_cmpstr (id->value, ==, "");

  g_autoptr (VoServiceDescriptor) r1 = vo_service_descriptor_resolve (d, t, 1);
  g_assert_cmpstr (vo_service_descriptor_find_param (r1, "ID")->value, ==,
                   "ivo://cadc.nrc.ca/CFHT?2376828/2376828p");
  g_assert_cmpstr (r1->access_url, ==, d->access_url);
  g_autoptr (VoServiceDescriptor) r9 = vo_service_descriptor_resolve (d, t, 9);  /* no such row */
  g_assert_cmpstr (vo_service_descriptor_find_param (r9, "ID")->value, ==, "");
}

static void
test_quote_plus (void)
{
  g_autofree char *a = vo_url_quote_plus ("ivo://cadc.nrc.ca/CFHT?282502/282502o");
  g_assert_cmpstr (a, ==, "ivo%3A%2F%2Fcadc.nrc.ca%2FCFHT%3F282502%2F282502o");
  g_autofree char *b = vo_url_quote_plus ("CIRCLE 1.5 -2 0.1");
  g_assert_cmpstr (b, ==, "CIRCLE+1.5+-2+0.1");
  g_autofree char *c = vo_url_quote_plus ("a&b=c+d~_.\xc3\xa9%");
  g_assert_cmpstr (c, ==, "a%26b%3Dc%2Bd~_.%C3%A9%25");
}

static void
test_requests (void)
{
  const char *ids[] = { "ivo://cadc.nrc.ca/CFHT?282502/282502o",
                        "ivo://cadc.nrc.ca/CFHT?2376828/2376828p" };
  g_autofree char *q = vo_datalink_build_query (ids, 2, TRUE);
  g_assert_cmpstr (q, ==,
      "ID=ivo%3A%2F%2Fcadc.nrc.ca%2FCFHT%3F282502%2F282502o"
      "&ID=ivo%3A%2F%2Fcadc.nrc.ca%2FCFHT%3F2376828%2F2376828p&REQUEST=downloads-only");
  g_autofree char *q2 = vo_datalink_build_query (ids, 1, FALSE);
  g_assert_cmpstr (q2, ==, "ID=ivo%3A%2F%2Fcadc.nrc.ca%2FCFHT%3F282502%2F282502o");

  /* 45 IDs -> batches of 20, 20, 5, order kept */
  GPtrArray *many = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; i < 45; i++)
    g_ptr_array_add (many, g_strdup_printf ("id%d", i));
  g_auto (GStrv) urls = vo_datalink_build_urls ("https://h.test/caom2ops/datalink",
                                                (const char *const *) many->pdata, many->len,
                                                0, TRUE);
  g_assert_cmpuint (g_strv_length (urls), ==, 3);
  g_assert_true (g_str_has_prefix (urls[0], "https://h.test/caom2ops/datalink?ID=id0&ID=id1&"));
  g_assert_true (g_str_has_suffix (urls[0], "&ID=id19&REQUEST=downloads-only"));
  g_assert_true (g_str_has_prefix (urls[1], "https://h.test/caom2ops/datalink?ID=id20&"));
  g_assert_cmpstr (urls[2], ==, "https://h.test/caom2ops/datalink?ID=id40&ID=id41&ID=id42&ID=id43&ID=id44&REQUEST=downloads-only");
  for (int k = 0; k < 2; k++)
    {
      int n = 0;
      for (const char *p = urls[k]; (p = strstr (p, "ID=id")); p++)
        n++;
      g_assert_cmpint (n, ==, 20);
    }
  g_ptr_array_unref (many);

  g_auto (GStrv) one = vo_datalink_build_urls ("http://h.test/dl?x=1", ids, 1, 20, FALSE);
  g_assert_cmpstr (one[0], ==, "http://h.test/dl?x=1&ID=ivo%3A%2F%2Fcadc.nrc.ca%2FCFHT%3F282502%2F282502o");
  g_auto (GStrv) none = vo_datalink_build_urls ("http://h.test/dl", ids, 0, 20, FALSE);
  g_assert_cmpuint (g_strv_length (none), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/datalink/parse/cadc", test_cadc);
  g_test_add_func ("/datalink/parse/dachs", test_dachs);
  g_test_add_func ("/datalink/data-urls/astroquery", test_astroquery_vector);
  g_test_add_func ("/datalink/parse/overflow", test_overflow);
  g_test_add_func ("/datalink/parse/errors", test_errors);
  g_test_add_func ("/datalink/tap-descriptor", test_tap_descriptor);
  g_test_add_func ("/datalink/quote-plus", test_quote_plus);
  g_test_add_func ("/datalink/requests", test_requests);
  return g_test_run ();
}

/* test-bridge-sky.c: the result tables `cadc-samp listen` broadcasts can be
 * drawn on the sky: RA/Dec of the footprint's centre with the meta.main
 * UCDs, the footprint as STC-S (adql:REGION), the columns people scan
 * first, a DataLink URL per row, and everything else (other columns, the
 * DataLink service descriptor, QUERY_STATUS) kept.  Files only. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "bridge-sky.h"
#include "bridge-table.h"
#include "vo-region.h"
#include "vo-error.h"
#include "vo-votable.h"

/* A CAOM result as DaCHS writes it (two rows; the second has no footprint),
 * with the DataLink service descriptor, plus the uploaded ra/dec columns a
 * crossmatch carries. */
static const char caom_result[] =
  "<?xml version='1.0' encoding='utf-8'?>\n"
  "<VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\">"
  "<RESOURCE type=\"results\"><INFO name=\"QUERY_STATUS\" value=\"OK\">Query successful</INFO>"
  "<TABLE name=\"o_p\">"
  "<FIELD name=\"ra\" datatype=\"double\" unit=\"deg\" ucd=\"pos.eq.ra;meta.main\"/>"
  "<FIELD name=\"dec\" datatype=\"double\" unit=\"deg\" ucd=\"pos.eq.dec;meta.main\"/>"
  "<FIELD ID=\"publisherID\" name=\"publisherID\" datatype=\"char\" arraysize=\"*\"/>"
  "<FIELD name=\"calibrationLevel\" datatype=\"int\"><VALUES null=\"-1\"/></FIELD>"
  "<FIELD name=\"position_bounds\" datatype=\"double\" arraysize=\"*\" unit=\"deg\" xtype=\"polygon\"/>"
  "<FIELD name=\"instrument_name\" datatype=\"char\" arraysize=\"*\"><DESCRIPTION>name &amp; "
  "instrument</DESCRIPTION></FIELD>"
  "<FIELD name=\"collection\" datatype=\"char\" arraysize=\"*\"/>"
  "<DATA><TABLEDATA>"
  "<TR><TD>1.5</TD><TD>2.5</TD><TD>ivo://cadc.nrc.ca/CFHT?24/24p</TD><TD>2</TD>"
  "<TD>359.9 1 0.1 1 0.1 2 359.9 2</TD><TD>MegaPrime &lt;1&gt;</TD><TD>CFHT</TD></TR>"
  "<TR><TD>3</TD><TD>4</TD><TD></TD><TD>-1</TD><TD></TD><TD>WIRCam</TD><TD>CFHT</TD></TR>"
  "</TABLEDATA></DATA></TABLE></RESOURCE>"
  "<RESOURCE name=\"links\" type=\"meta\" utype=\"adhoc:service\">"
  "<GROUP name=\"inputParams\"><PARAM arraysize=\"*\" datatype=\"char\" name=\"ID\" "
  "ref=\"publisherID\" ucd=\"meta.id;meta.main\" value=\"\"/></GROUP>"
  "<PARAM arraysize=\"*\" datatype=\"char\" name=\"standardID\" "
  "value=\"ivo://ivoa.net/std/DataLink#links-1.0\"/>"
  "<PARAM arraysize=\"*\" datatype=\"char\" name=\"accessURL\" "
  "value=\"http://127.0.0.1:18080/caom2ops/q/sync/dlmeta\"/>"
  "</RESOURCE></VOTABLE>\n";

static void
test_rewrite (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bridge-sky-XXXXXX", NULL);
  g_autofree char *in = g_build_filename (dir, "in.xml", NULL);
  g_autofree char *out = g_build_filename (dir, "out.xml", NULL);
  g_autoptr(GError) error = NULL;
  g_assert_true (g_file_set_contents (in, caom_result, -1, NULL));

  g_assert_true (cs_bridge_sky_rewrite (in, out, &error));
  g_assert_no_error (error);
  g_autoptr(VoTable) t = vo_table_load_file (out, &error);
  g_assert_no_error (error);

  /* the columns people scan first, then the new ones, then the rest */
  const char *want[] = { "collection", "instrument_name", "calibrationLevel", "datalink",
                         "ra", "dec", "s_region", "peer_ra", "peer_dec", "publisherID",
                         "position_bounds" };
  g_assert_cmpuint (vo_table_get_n_fields (t), ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    g_assert_cmpstr (vo_table_get_field (t, i)->name, ==, want[i]);

  /* one main position: ours, ICRS degrees; the peer's lost meta.main */
  const VoField *ra = vo_table_get_field (t, 4), *dec = vo_table_get_field (t, 5);
  g_assert_cmpstr (ra->ucd, ==, "pos.eq.ra;meta.main");
  g_assert_cmpstr (dec->ucd, ==, "pos.eq.dec;meta.main");
  g_assert_cmpstr (ra->unit, ==, "deg");
  g_assert_cmpstr (ra->datatype_str, ==, "double");
  g_assert_cmpstr (vo_table_get_field (t, 7)->ucd, ==, "pos.eq.ra");
  g_assert_cmpstr (vo_table_get_field (t, 8)->ucd, ==, "pos.eq.dec");
  int rc, dc;
  g_assert_true (cs_bridge_table_find_position (t, &rc, &dc, NULL));
  g_assert_cmpint (rc, ==, 4);
  g_assert_cmpint (dc, ==, 5);

  /* row 0: the centre of a polygon across RA 0 is the highlight's centre */
  double r, d, hr, hd;
  g_assert_true (vo_table_get_double (t, 0, 4, &r));
  g_assert_true (vo_table_get_double (t, 0, 5, &d));
  g_autoptr(VoRegion) reg = vo_region_parse ("359.9 1 0.1 1 0.1 2 359.9 2");
  g_assert_nonnull (reg);
  vo_region_center (reg, &hr, &hd);
  g_assert_cmpfloat_with_epsilon (r, hr, 1e-7);
  g_assert_cmpfloat_with_epsilon (d, 1.5, 1e-9);
  g_assert_true (r < 1e-6 || r > 359.999999);
  const VoField *sr = vo_table_get_field (t, 6);
  g_assert_cmpstr (sr->xtype, ==, "adql:REGION");
  g_assert_cmpstr (sr->ucd, ==, "pos.outline;obs.field");
  g_assert_cmpstr (vo_table_get_string (t, 0, 6), ==, "Polygon ICRS 359.9 1 0.1 1 0.1 2 359.9 2");
  g_assert_cmpstr (vo_table_get_string (t, 0, 3), ==,
                   "http://127.0.0.1:18080/caom2ops/q/sync/dlmeta"
                   "?ID=ivo%3A%2F%2Fcadc.nrc.ca%2FCFHT%3F24%2F24p");
  /* values, escapes and metadata of the other columns are kept */
  g_assert_cmpstr (vo_table_get_string (t, 0, 1), ==, "MegaPrime <1>");
  g_assert_cmpstr (vo_table_get_field (t, 1)->description, ==, "name & instrument");
  g_assert_cmpstr (vo_table_get_field (t, 2)->null_value, ==, "-1");
  g_assert_cmpstr (vo_table_get_string (t, 0, 9), ==, "ivo://cadc.nrc.ca/CFHT?24/24p");
  g_assert_cmpstr (vo_table_get_string (t, 0, 7), ==, "1.5");

  /* row 1: no footprint, no position, no DataLink URL; still a row */
  g_assert_cmpuint (vo_table_get_n_rows (t), ==, 2);
  g_assert_false (vo_table_get_double (t, 1, 4, &r) && isfinite (r));
  g_assert_null (vo_table_get_string (t, 1, 6));
  g_assert_null (vo_table_get_string (t, 1, 3));
  g_assert_cmpstr (vo_table_get_string (t, 1, 1), ==, "WIRCam");

  /* QUERY_STATUS and the DataLink service descriptor survive */
  g_assert_cmpint (vo_table_get_query_status (t, NULL), ==, VO_QUERY_STATUS_OK);
  gboolean have_sd = FALSE;
  for (guint i = 0; i < vo_table_get_n_resources (t); i++)
    {
      const VoResource *res = vo_table_get_resource (t, i);
      if (g_strcmp0 (res->utype, "adhoc:service") != 0)
        continue;
      const VoParam *id = vo_resource_find_param (res, "ID", NULL);
      const VoParam *url = vo_resource_find_param (res, "accessURL", NULL);
      have_sd = id && url && g_strcmp0 (id->field.ref, "publisherID") == 0
                && g_strcmp0 (id->group, "inputParams") == 0
                && g_strcmp0 (url->value, "http://127.0.0.1:18080/caom2ops/q/sync/dlmeta") == 0;
    }
  g_assert_true (have_sd);
  g_assert_cmpstr (vo_table_get_field (t, 9)->id, ==, "publisherID");

  g_unlink (in);
  g_unlink (out);
  g_rmdir (dir);
}

/* An ObsCore result (as DaCHS writes it: s_ra/s_dec without meta.main):
 * s_ra/s_dec become the one main position, ObsCore's main columns come
 * first, nothing is added and no column is renamed. */
static void
test_rewrite_obscore (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bridge-sky-XXXXXX", NULL);
  g_autofree char *in = g_build_filename (dir, "in.xml", NULL);
  g_autofree char *out = g_build_filename (dir, "out.xml", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (in,
    "<VOTABLE version=\"1.3\"><RESOURCE type=\"results\">"
    "<INFO name=\"QUERY_STATUS\" value=\"OK\"/><TABLE>"
    "<FIELD name=\"dataproduct_type\" datatype=\"char\" arraysize=\"*\"/>"
    "<FIELD name=\"s_ra\" datatype=\"double\" unit=\"deg\" ucd=\"pos.eq.ra\"/>"
    "<FIELD name=\"s_dec\" datatype=\"double\" unit=\"deg\" ucd=\"pos.eq.dec\"/>"
    "<FIELD name=\"obs_id\" datatype=\"char\" arraysize=\"*\"/>"
    "<FIELD name=\"ra\" datatype=\"double\" ucd=\"pos.eq.ra;meta.main\"/>"
    "<FIELD name=\"obs_collection\" datatype=\"char\" arraysize=\"*\"/>"
    "<DATA><TABLEDATA>"
    "<TR><TD>image</TD><TD>131.3</TD><TD>54.3</TD><TD>vt &amp; 1</TD><TD>1</TD><TD>VOTEST</TD></TR>"
    "</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>", -1, NULL));
  g_assert_true (cs_bridge_sky_rewrite (in, out, &error));
  g_assert_no_error (error);
  g_autoptr(VoTable) t = vo_table_load_file (out, &error);
  g_assert_no_error (error);
  const char *want[] = { "obs_collection", "obs_id", "dataproduct_type", "s_ra", "s_dec", "ra" };
  g_assert_cmpuint (vo_table_get_n_fields (t), ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    g_assert_cmpstr (vo_table_get_field (t, i)->name, ==, want[i]);
  g_assert_cmpstr (vo_table_get_field (t, 3)->ucd, ==, "pos.eq.ra;meta.main");
  g_assert_cmpstr (vo_table_get_field (t, 4)->ucd, ==, "pos.eq.dec;meta.main");
  g_assert_cmpstr (vo_table_get_field (t, 5)->ucd, ==, "pos.eq.ra");
  g_assert_cmpstr (vo_table_get_string (t, 0, 1), ==, "vt & 1");
  g_assert_cmpstr (vo_table_get_string (t, 0, 3), ==, "131.3");
  g_assert_cmpint (vo_table_get_query_status (t, NULL), ==, VO_QUERY_STATUS_OK);
  int rc = -1, dc = -1;
  g_assert_true (cs_bridge_table_find_position (t, &rc, &dc, NULL));
  g_assert_cmpint (rc, ==, 3);
  g_assert_cmpint (dc, ==, 4);

  g_unlink (in);
  g_unlink (out);
  g_rmdir (dir);
}

static void
test_rewrite_not_caom (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bridge-sky-XXXXXX", NULL);
  g_autofree char *in = g_build_filename (dir, "in.xml", NULL);
  g_autofree char *out = g_build_filename (dir, "out.xml", NULL);
  g_autoptr(GError) error = NULL;

  /* a table without position_bounds or s_ra/s_dec (cadc.query.adql): left alone */
  g_assert_true (g_file_set_contents (in,
    "<VOTABLE version=\"1.3\"><RESOURCE type=\"results\"><TABLE>"
    "<FIELD name=\"n\" datatype=\"int\"/><DATA><TABLEDATA><TR><TD>1</TD></TR>"
    "</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>", -1, NULL));
  g_assert_false (cs_bridge_sky_rewrite (in, out, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* not a VOTable: a parse error, nothing written */
  g_assert_true (g_file_set_contents (in, "<html>oops</html>", -1, NULL));
  g_assert_false (cs_bridge_sky_rewrite (in, out, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

  g_unlink (in);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bridge/sky/rewrite", test_rewrite);
  g_test_add_func ("/bridge/sky/obscore", test_rewrite_obscore);
  g_test_add_func ("/bridge/sky/not-caom", test_rewrite_not_caom);
  return g_test_run ();
}

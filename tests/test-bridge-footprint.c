/* test-bridge-footprint: what the bridge shows in image viewers, without a
 * viewer: the ds9 region file of a result's footprints, product names, and
 * the [listen] keys footprints, viewer-frames and viewer-timeout. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "bridge-config.h"
#include "bridge-footprint.h"
#include "vo-coords.h"
#include "vo-error.h"

static void
test_product_name (void)
{
  const char *cases[][2] = {
    { "ivo://cadc.nrc.ca/CFHT?2401766/2401766p", "CFHT/2401766/2401766p" },
    { "ivo://cadc.nrc.ca/HST?j8pu0x010/j8pu0x010_drz", "HST/j8pu0x010/j8pu0x010_drz" },
    { "ivo://cadc.nrc.ca/CFHT?2401766", "ivo://cadc.nrc.ca/CFHT?2401766" },
    { "ivo://cadc.nrc.ca/CFHT", "ivo://cadc.nrc.ca/CFHT" },
    { "caom:CFHT/2401766/2401766p", "caom:CFHT/2401766/2401766p" },
    { "", "" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *n = cs_bridge_product_name (cases[i][0]);
      g_assert_cmpstr (n, ==, cases[i][1]);
    }
  g_autofree char *none = cs_bridge_product_name (NULL);
  g_assert_cmpstr (none, ==, "");
}

static const char votable[] =
  "<?xml version=\"1.0\"?><VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\">"
  "<RESOURCE type=\"results\"><TABLE>"
  "<FIELD name=\"collection\" datatype=\"char\" arraysize=\"*\"/>"
  "<FIELD name=\"observationID\" datatype=\"char\" arraysize=\"*\"/>"
  "<FIELD name=\"position_bounds\" datatype=\"double\" arraysize=\"*\" xtype=\"polygon\"/>"
  "<DATA><TABLEDATA>"
  "<TR><TD>CFHT</TD><TD>2401766</TD><TD>131.4 54.1 131.5 54.3 131.1 54.4</TD></TR>"
  "<TR><TD>HST</TD><TD>j8{x}</TD><TD>10 20 11 20 11 21 10 21</TD></TR>"
  "<TR><TD>CFHT</TD><TD>none</TD><TD></TD></TR>"
  "<TR><TD>CFHT</TD><TD>2402463</TD><TD>1 2 3 4 5 6</TD></TR>"
  "</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>";

static void
test_regions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VoTable) t = vo_table_load_bytes (votable, strlen (votable), &error);
  g_assert_no_error (error);
  g_autoptr(GHashTable) colours = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n = 0;
  g_autofree char *text = cs_bridge_footprint_regions (t, colours, &n);

  /* one polygon per row with a footprint, in FK5, labelled, tagged */
  g_assert_cmpuint (n, ==, 3);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint polys = 0;
  for (guint i = 0; lines[i]; i++)
    polys += g_str_has_prefix (lines[i], "polygon(");
  g_assert_cmpuint (polys, ==, 3);
  g_assert_nonnull (strstr (text, "\nfk5\n"));
  double ra5, dec5;
  vo_coords_icrs_to_fk5 (131.4, 54.1, &ra5, &dec5);
  g_autofree char *first = g_strdup_printf ("polygon(%.7f,%.7f,", ra5, dec5);
  g_assert_nonnull (strstr (text, first));
  g_assert_nonnull (strstr (text, "# color=cyan text={2401766} tag={cadc-samp}\n"));
  /* the second collection gets the second colour; braces leave the label */
  g_assert_nonnull (strstr (text, "# color=magenta text={j8(x)} tag={cadc-samp}\n"));
  g_assert_nonnull (strstr (text, "# color=cyan text={2402463} tag={cadc-samp}\n"));
  g_assert_null (strstr (text, "none"));

  /* colours stay with their collection in the next table */
  g_autoptr(GHashTable) again = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_insert (again, g_strdup ("HST"), GUINT_TO_POINTER (1));
  g_autofree char *text2 = cs_bridge_footprint_regions (t, again, &n);
  g_assert_nonnull (strstr (text2, "# color=cyan text={j8(x)}"));
  g_assert_nonnull (strstr (text2, "# color=magenta text={2401766}"));

  /* a table without a footprint column: a file without polygons */
  static const char plain[] =
    "<VOTABLE version=\"1.4\"><RESOURCE><TABLE><FIELD name=\"x\" datatype=\"int\"/>"
    "<DATA><TABLEDATA><TR><TD>1</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>";
  g_autoptr(VoTable) p = vo_table_load_bytes (plain, strlen (plain), &error);
  g_assert_no_error (error);
  g_autofree char *empty = cs_bridge_footprint_regions (p, colours, &n);
  g_assert_cmpuint (n, ==, 0);
  g_assert_null (strstr (empty, "polygon"));
}

static void
test_config_keys (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bridge-fp-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "config", NULL);
  g_autoptr(CsBridgeConfig) c = cs_bridge_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (c->footprints);
  g_assert_true (c->viewer_frames_reuse);
  g_assert_cmpuint (c->viewer_timeout_s, ==, 60);
  g_assert_true (g_file_set_contents (path, "[listen]\nfootprints=false\nviewer-frames=new\n"
                                            "viewer-timeout=5\n", -1, NULL));
  g_assert_true (cs_bridge_config_load (c, path, TRUE, &error));
  g_assert_no_error (error);
  g_assert_false (c->footprints);
  g_assert_false (c->viewer_frames_reuse);
  g_assert_cmpuint (c->viewer_timeout_s, ==, 5);
  const char *bad[] = { "[listen]\nviewer-frames=recycle\n", "[listen]\nfootprints=perhaps\n",
                        "[listen]\nviewer-timeout=forever\n" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_true (g_file_set_contents (path, bad[i], -1, NULL));
      g_assert_false (cs_bridge_config_load (c, path, TRUE, &error));
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, i == 0 ? "viewer-frames" : i == 1 ? "footprints"
                                                                             : "viewer-timeout"));
      g_clear_error (&error);
    }
  gboolean reuse = FALSE;
  g_assert_true (cs_bridge_config_parse_viewer_frames ("reuse", &reuse, NULL));
  g_assert_true (reuse);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bridge/footprint/product-name", test_product_name);
  g_test_add_func ("/bridge/footprint/regions", test_regions);
  g_test_add_func ("/bridge/footprint/config-keys", test_config_keys);
  return g_test_run ();
}

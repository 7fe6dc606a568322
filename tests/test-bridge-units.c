/* test-bridge-units.c: the pure parts of `cadc-samp listen`: config file,
 * result cache, position columns, crossmatch upload, and
 * table names.  No hub, no network. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "bridge-cache.h"
#include "bridge-config.h"
#include "bridge-table.h"
#include "vo-error.h"

static char *
write_tmp (const char *dir, const char *name, const char *text)
{
  char *p = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (p, text, -1, NULL));
  return p;
}

static void
test_config_defaults_and_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bridge-cfg-XXXXXX", NULL);
  g_autoptr(CsBridgeConfig) c = cs_bridge_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpfloat_with_epsilon (c->radius_deg, 1.0 / 60, 1e-12);
  g_assert_true (c->cutouts && c->on_pointat && c->on_table);
  g_assert_cmpint (c->hub_mode, ==, CS_BRIDGE_HUB_AUTO);

  /* a missing file is fine unless required */
  g_autofree char *missing = g_build_filename (dir, "nope", NULL);
  g_assert_true (cs_bridge_config_load (c, missing, FALSE, &error));
  g_assert_false (cs_bridge_config_load (c, missing, TRUE, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  g_autofree char *p = write_tmp (dir, "config",
                                  "[listen]\nradius=0.3deg\ncollection=CFHT\ncutouts=false\n"
                                  "max-cutouts=5\non-table=false\nhub=never\n"
                                  "cache-max-mb=7\ntap=http://x/tap\n");
  g_assert_true (cs_bridge_config_load (c, p, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (c->radius_deg, 0.3, 1e-12);
  g_assert_cmpstr (c->collection, ==, "CFHT");
  g_assert_false (c->cutouts);
  g_assert_cmpuint (c->max_cutouts, ==, 5);
  g_assert_false (c->on_table);
  g_assert_true (c->on_pointat);
  g_assert_cmpint (c->hub_mode, ==, CS_BRIDGE_HUB_NEVER);
  g_assert_cmpuint (c->cache_max_bytes, ==, 7 * 1024 * 1024);
  g_assert_cmpstr (c->tap, ==, "http://x/tap");

  const char *bad[] = { "[listen]\nradius=abc\n", "[listen]\ncutouts=maybe\n",
                        "[listen]\nmax-cutouts=-3\n", "[listen]\nhub=sometimes\n",
                        "not a key file\x01\n" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *bp = write_tmp (dir, "bad", bad[i]);
      g_assert_false (cs_bridge_config_load (c, bp, TRUE, &error));
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "bad"));   /* names the file */
      g_clear_error (&error);
      g_unlink (bp);
    }
  g_unlink (p);
  g_rmdir (dir);
}

static void
write_part (const char *final, gsize size)
{
  g_autofree char *part = cs_bridge_cache_part_path (final);
  g_autofree char *data = g_malloc0 (size);
  g_assert_true (g_file_set_contents (part, data, (gssize) size, NULL));
}

static void
test_cache (void)
{
  g_autofree char *parent = g_dir_make_tmp ("bridge-cache-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  CsBridgeCache *cache = cs_bridge_cache_new (parent, 2500, &error);
  g_assert_no_error (error);
  const char *dir = cs_bridge_cache_get_dir (cache);
  GStatBuf st;
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  g_autofree char *a = cs_bridge_cache_new_path (cache, "query", "xml");
  g_autofree char *b = cs_bridge_cache_new_path (cache, "query", "xml");
  g_autofree char *c = cs_bridge_cache_new_path (cache, "query", "xml");
  g_assert_cmpstr (a, !=, b);
  write_part (a, 1000);
  g_assert_false (g_file_test (a, G_FILE_TEST_EXISTS));   /* only the .part */
  g_assert_true (cs_bridge_cache_commit (cache, a, &error));
  g_assert_true (g_file_test (a, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_stat (a, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  write_part (b, 1000);
  g_assert_true (cs_bridge_cache_commit (cache, b, &error));
  g_assert_cmpuint (cs_bridge_cache_get_size (cache), ==, 2000);
  write_part (c, 1000);   /* 3000 > 2500: the oldest goes */
  g_assert_true (cs_bridge_cache_commit (cache, c, &error));
  g_assert_false (g_file_test (a, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (b, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (c, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (cs_bridge_cache_get_size (cache), ==, 2000);

  /* committing without a .part fails cleanly */
  g_autofree char *d = cs_bridge_cache_new_path (cache, "query", "xml");
  g_assert_false (cs_bridge_cache_commit (cache, d, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  g_autofree char *url = cs_bridge_cache_url (c);
  g_assert_true (g_str_has_prefix (url, "file:///"));

  /* a leftover partial download is removed with everything else */
  g_autofree char *e = cs_bridge_cache_new_path (cache, "query", "xml");
  write_part (e, 10);
  g_autofree char *dir_copy = g_strdup (dir);
  cs_bridge_cache_free (cache);
  g_assert_false (g_file_test (dir_copy, G_FILE_TEST_EXISTS));
  g_rmdir (parent);
}

static const char votable_ucd[] =
  "<?xml version=\"1.0\"?><VOTABLE version=\"1.3\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\">"
  "<RESOURCE><TABLE>"
  "<FIELD name=\"id\" datatype=\"char\" arraysize=\"*\"/>"
  "<FIELD name=\"ra_other\" datatype=\"double\" ucd=\"pos.eq.ra\"/>"
  "<FIELD name=\"x\" datatype=\"double\" ucd=\"pos.eq.ra;meta.main\"/>"
  "<FIELD name=\"y\" datatype=\"double\" ucd=\"POS.EQ.DEC;META.MAIN\"/>"
  "<DATA><TABLEDATA>"
  "<TR><TD>a</TD><TD>1</TD><TD>131.28</TD><TD>54.3</TD></TR>"
  "<TR><TD>b</TD><TD>1</TD><TD></TD><TD>54.3</TD></TR>"
  "<TR><TD>c</TD><TD>1</TD><TD>10.5</TD><TD>-41.25</TD></TR>"
  "</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>";

static void
test_table_position_and_upload (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VoTable) t = vo_table_load_bytes (votable_ucd, sizeof votable_ucd - 1, &error);
  g_assert_no_error (error);
  int ra, dec;
  g_assert_true (cs_bridge_table_find_position (t, &ra, &dec, &error));
  g_assert_cmpint (ra, ==, 2);
  g_assert_cmpint (dec, ==, 3);

  g_autofree char *dir = g_dir_make_tmp ("bridge-up-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "up.xml", NULL);
  guint n = 0;
  g_assert_true (cs_bridge_table_write_upload (t, ra, dec, path, &n, &error));
  g_assert_cmpuint (n, ==, 2);   /* the row without RA is skipped */
  g_autoptr(VoTable) up = vo_table_load_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vo_table_get_n_rows (up), ==, 2);
  g_assert_cmpstr (vo_table_get_string (up, 1, 0), ==, "2");
  double v;
  g_assert_true (vo_table_get_double (up, 1, 2, &v));
  g_assert_cmpfloat (v, ==, -41.25);
  g_unlink (path);
  g_rmdir (dir);

  static const char by_name[] =
    "<VOTABLE><RESOURCE><TABLE><FIELD name=\"RAJ2000\" datatype=\"double\"/>"
    "<FIELD name=\"DEJ2000\" datatype=\"double\"/><DATA><TABLEDATA>"
    "<TR><TD>1</TD><TD>2</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>";
  g_autoptr(VoTable) t2 = vo_table_load_bytes (by_name, sizeof by_name - 1, &error);
  g_assert_no_error (error);
  g_assert_true (cs_bridge_table_find_position (t2, &ra, &dec, &error));
  g_assert_cmpint (ra, ==, 0);
  g_assert_cmpint (dec, ==, 1);

  static const char none[] =
    "<VOTABLE><RESOURCE><TABLE><FIELD name=\"mag\" datatype=\"double\"/><DATA><TABLEDATA>"
    "<TR><TD>1</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>";
  g_autoptr(VoTable) t3 = vo_table_load_bytes (none, sizeof none - 1, &error);
  g_assert_false (cs_bridge_table_find_position (t3, &ra, &dec, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
}

static void
test_table_name (void)
{
  g_autofree char *a = cs_bridge_table_name_for_position ("CADC", 131.2813, 54.3, 1.0 / 60, NULL);
  g_assert_cmpstr (a, ==, "CADC 131.28+54.30 r1'");
  g_autofree char *b = cs_bridge_table_name_for_position ("CADC", 10, -30.5, 0.3, "CFHT");
  g_assert_cmpstr (b, ==, "CADC CFHT 10.00-30.50 r18'");
  g_autofree char *c = cs_bridge_table_name_for_position ("votest", 10, 0, 5.0 / 3600, NULL);
  g_assert_cmpstr (c, ==, "votest 10.00+0.00 r5\"");
  /* what is sent: row count and sequence number make it unique */
  g_autofree char *d = cs_bridge_table_name_finish (b, 9, FALSE, 3);
  g_assert_cmpstr (d, ==, "CADC CFHT 10.00-30.50 r18' 9 rows #3");
  g_autofree char *e = cs_bridge_table_name_finish ("CADC in img.fits", 1, FALSE, 12);
  g_assert_cmpstr (e, ==, "CADC in img.fits 1 row #12");
  g_autofree char *f = cs_bridge_table_name_finish ("CADC target M31", 2000, TRUE, 1);
  g_assert_cmpstr (f, ==, "CADC target M31 2000+ rows #1");
}

/* viewer-frames = reuse|new: reuse by default, anything else is an error */
static void
test_config_viewer_frames (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bridge-cfg-XXXXXX", NULL);
  g_autoptr(CsBridgeConfig) c = cs_bridge_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (c->viewer_frames_reuse);
  g_autofree char *p = write_tmp (dir, "config", "[listen]\nviewer-frames = new\n");
  g_assert_true (cs_bridge_config_load (c, p, TRUE, &error));
  g_assert_no_error (error);
  g_assert_false (c->viewer_frames_reuse);
  g_autofree char *q = write_tmp (dir, "config2", "[listen]\nviewer-frames=reuse\n");
  g_assert_true (cs_bridge_config_load (c, q, TRUE, &error));
  g_assert_true (c->viewer_frames_reuse);
  g_autofree char *r = write_tmp (dir, "config3", "[listen]\nviewer-frames=sometimes\n");
  g_assert_false (cs_bridge_config_load (c, r, TRUE, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "viewer-frames"));
  g_unlink (p);
  g_unlink (q);
  g_unlink (r);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bridge/config", test_config_defaults_and_file);
  g_test_add_func ("/bridge/cache", test_cache);
  g_test_add_func ("/bridge/table/position-upload", test_table_position_and_upload);
  g_test_add_func ("/bridge/config/viewer-frames", test_config_viewer_frames);
  g_test_add_func ("/bridge/table/name", test_table_name);
  return g_test_run ();
}

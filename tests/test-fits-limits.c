/* test-fits-limits.c: the cap on what a .fits.gz may unpack to
 * (vo-fits.h) and its [limits] max-unpacked-fits setting (cadc-limits.h).
 *
 * A 4 MiB FITS image is gzipped to a few KB (what a hostile peer sends
 * for image.load.fits): under a 1 MiB cap it is refused with
 * VO_FITS_ERROR_TOO_LARGE and the partial temporary file is gone from
 * $TMPDIR (a private directory here); under an 8 MiB cap it is read.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "vo-fits.h"
#include "cadc-limits.h"
#include "test-util.h"

static char *tmpdir;    /* $TMPDIR of this process, checked to stay empty */
static char *workdir;   /* the test's own files */

static guint
n_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* A 2048x2048 8-bit FITS image of zeros, gzipped, in @dir.
 * Returns: (transfer full): its path. */
static char *
write_bomb (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "bomb.fits.gz", NULL);
  GString *hdr = g_string_new (NULL);
  const char *cards[] = { "SIMPLE  =                    T", "BITPIX  =                    8",
                          "NAXIS   =                    2", "NAXIS1  =                 2048",
                          "NAXIS2  =                 2048", "END" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) f = g_file_new_for_path (path);
  g_autoptr(GOutputStream) raw = G_OUTPUT_STREAM (g_file_replace (f, NULL, FALSE, 0, NULL,
                                                                  &error));
  g_autoptr(GConverter) gz = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP,
                                                                 9));
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (raw, gz);
  g_autofree char *zeros = g_malloc0 (65536);

  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (cards); i++)
    g_string_append_printf (hdr, "%-80s", cards[i]);
  while (hdr->len % 2880 != 0)
    g_string_append_c (hdr, ' ');
  g_assert_true (g_output_stream_write_all (out, hdr->str, hdr->len, NULL, NULL, &error));
  for (int i = 0; i < 2048 * 2048 / 65536; i++)
    g_assert_true (g_output_stream_write_all (out, zeros, 65536, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (out, NULL, &error));
  g_string_free (hdr, TRUE);
  return g_steal_pointer (&path);
}

static void
test_gzip_bomb (void)
{
  g_autofree char *bomb = write_bomb (workdir);
  g_autoptr(GError) error = NULL;
  GStatBuf st;
  long nx = 0, ny = 0;

  g_assert_cmpint (g_stat (bomb, &st), ==, 0);
  g_assert_cmpint (st.st_size, <, 64 * 1024);   /* ~4 KB for 4 MiB of image */
  g_assert_cmpuint (vo_fits_get_max_unpacked (), ==, (guint64) 2 << 30);   /* the default */

  vo_fits_set_max_unpacked (1 << 20);
  g_assert_false (vo_fits_image_get_size (bomb, &nx, &ny, &error));
  g_assert_error (error, VO_FITS_ERROR, VO_FITS_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, bomb));
  g_assert_nonnull (strstr (error->message, "more than 1048576 bytes"));
  g_assert_nonnull (strstr (error->message, "max-unpacked-fits"));
  g_assert_cmpuint (n_entries (tmpdir), ==, 0);   /* the partial file is gone */
  g_clear_error (&error);

  vo_fits_set_max_unpacked (8 << 20);
  g_assert_true (vo_fits_image_get_size (bomb, &nx, &ny, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nx, ==, 2048);
  g_assert_cmpint (ny, ==, 2048);
  g_assert_cmpuint (n_entries (tmpdir), ==, 0);   /* unlinked once opened */

  vo_fits_set_max_unpacked (VO_FITS_DEFAULT_MAX_UNPACKED);
  g_unlink (bomb);
}

static void
test_parse_size (void)
{
  static const struct { const char *text; guint64 bytes; } good[] = {
    { "4G", (guint64) 4 << 30 }, { "4GiB", (guint64) 4 << 30 }, { "4096M", (guint64) 4 << 30 },
    { "512k", 512 << 10 }, { " 2 G ", (guint64) 2 << 30 }, { "1T", (guint64) 1 << 40 },
    { "1000000", 1000000 }, { "3MB", 3 << 20 },
  };
  static const char *const bad[] = { "", "G", "-1G", "0", "4X", "4 GB extra", "1.5G",
                                     "99999999999T", NULL };
  guint64 v;

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_assert_true (cadc_limits_parse_size (good[i].text, &v));
      g_assert_cmpuint (v, ==, good[i].bytes);
    }
  for (gsize i = 0; bad[i] != NULL; i++)
    g_assert_false (cadc_limits_parse_size (bad[i], &v));
}

static char *
write_config (const char *text)
{
  char *path = g_build_filename (workdir, "config", NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
remove_config (char *path)
{
  g_unlink (path);
  g_free (path);
}

static void
test_config (void)
{
  char *conf = write_config ("[archive]\ntap=http://x\n\n[limits]\nmax-unpacked-fits = 3M\n");

  cadc_limits_load (conf);
  g_assert_cmpuint (vo_fits_get_max_unpacked (), ==, 3 << 20);
  vo_fits_set_max_unpacked (VO_FITS_DEFAULT_MAX_UNPACKED);
  remove_config (conf);
}

/* A bad value is warned about (naming the file) and the default stays. */
static void
test_config_bad (void)
{
  if (g_test_subprocess ())
    {
      char *conf = write_config ("[limits]\nmax-unpacked-fits = lots\n");
      g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL);
      cadc_limits_load (conf);
      g_assert_cmpuint (vo_fits_get_max_unpacked (), ==, VO_FITS_DEFAULT_MAX_UNPACKED);
      remove_config (conf);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*max-unpacked-fits=lots is not a size such as 4G*");
}

int
main (int argc, char **argv)
{
  int ret;

  /* g_get_tmp_dir() caches $TMPDIR on its first call: set it first */
  const char *base = g_getenv ("TMPDIR") != NULL ? g_getenv ("TMPDIR") : "/tmp";
  tmpdir = g_build_filename (base, "test-fits-limits-tmp-XXXXXX", NULL);
  workdir = g_build_filename (base, "test-fits-limits-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (tmpdir));
  g_assert_nonnull (g_mkdtemp (workdir));
  g_setenv ("TMPDIR", tmpdir, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fits/limits/gzip-bomb", test_gzip_bomb);
  g_test_add_func ("/fits/limits/parse-size", test_parse_size);
  g_test_add_func ("/fits/limits/config", test_config);
  g_test_add_func ("/fits/limits/config-bad", test_config_bad);
  ret = g_test_run ();
  cs_test_remove_tree (tmpdir);
  cs_test_remove_tree (workdir);
  g_free (tmpdir);
  g_free (workdir);
  return ret;
}

/* test-fits.c: the cfitsio wrapper (vo-fits) on FITS files written here,
 * byte by byte, into a private temporary directory: an image with a TAN WCS,
 * an image in an extension, a binary table, a file that is not FITS. */
#include "config.h"

#include "test-util.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vo-fits.h"
#include "vo-votable.h"

static char *tmpdir;

/* ------------------------------------------------------------------------ */
/* A tiny FITS writer                                                        */

static void
card (GString *h, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
card (GString *h, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *s = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_assert_cmpuint (strlen (s), <=, 80);
  g_string_append_printf (h, "%-80s", s);
}

static void
end_header (GString *h)
{
  card (h, "END");
  while (h->len % 2880)
    g_string_append_c (h, ' ');
}

static void
add_data (GString *h, const void *data, gsize len)
{
  g_string_append_len (h, data, (gssize) len);
  while (h->len % 2880)
    g_string_append_c (h, '\0');
}

static char *
write_file (const char *name, GString *content)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_assert_true (g_file_set_contents (path, content->str, (gssize) content->len, NULL));
  g_string_free (content, TRUE);
  return path;
}

static void
be (guint8 *p, guint64 v, guint size)
{
  for (guint k = 0; k < size; k++)
    p[k] = (guint8) (v >> (8 * (size - 1 - k)));
}

static char *
make_wcs_image (void)
{
  GString *f = g_string_new (NULL);
  card (f, "SIMPLE  =                    T");
  card (f, "BITPIX  =                   16");
  card (f, "NAXIS   =                    2");
  card (f, "NAXIS1  =                  100");
  card (f, "NAXIS2  =                   50");
  card (f, "CTYPE1  = 'RA---TAN'");
  card (f, "CTYPE2  = 'DEC--TAN'");
  card (f, "CRVAL1  =                180.0");
  card (f, "CRVAL2  =                 45.0");
  card (f, "CRPIX1  =                 50.5");
  card (f, "CRPIX2  =                 25.5");
  card (f, "CDELT1  =               -0.001");
  card (f, "CDELT2  =                0.001");
  end_header (f);
  g_autofree guint8 *data = g_malloc0 (100 * 50 * 2);
  add_data (f, data, 100 * 50 * 2);
  return write_file ("wcs.fits", f);
}

/* ------------------------------------------------------------------------ */
/* Images                                                                    */

static void
test_image_size (void)
{
  g_autofree char *path = make_wcs_image ();
  long n1 = 0, n2 = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (vo_fits_image_get_size (path, &n1, &n2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n1, ==, 100);
  g_assert_cmpint (n2, ==, 50);

  /* empty primary HDU, image in the first extension */
  GString *f = g_string_new (NULL);
  card (f, "SIMPLE  =                    T");
  card (f, "BITPIX  =                    8");
  card (f, "NAXIS   =                    0");
  card (f, "EXTEND  =                    T");
  end_header (f);
  card (f, "XTENSION= 'IMAGE   '");
  card (f, "BITPIX  =                  -32");
  card (f, "NAXIS   =                    2");
  card (f, "NAXIS1  =                   10");
  card (f, "NAXIS2  =                   20");
  card (f, "PCOUNT  =                    0");
  card (f, "GCOUNT  =                    1");
  end_header (f);
  g_autofree guint8 *data = g_malloc0 (10 * 20 * 4);
  add_data (f, data, 10 * 20 * 4);
  g_autofree char *ext = write_file ("ext.fits", f);
  g_assert_true (vo_fits_image_get_size (ext, &n1, &n2, &error));
  g_assert_cmpint (n1, ==, 10);
  g_assert_cmpint (n2, ==, 20);

  /* no WCS in that one */
  double ra[4], dec[4];
  g_assert_false (vo_fits_image_get_footprint (ext, ra, dec, &error));
  g_assert_error (error, VO_FITS_ERROR, VO_FITS_ERROR_NO_WCS);
}

/* A table header announcing 10^8 columns after a small image (found by
 * tests/fuzz: cfitsio allocated and initialised a column struct for each,
 * gigabytes for a 8640-byte file).  Refused before cfitsio reads it. */
static char *
make_tfields_file (void)
{
  GString *f = g_string_new (NULL);
  card (f, "SIMPLE  =                    T");
  card (f, "BITPIX  =                   16");
  card (f, "NAXIS   =                    2");
  card (f, "NAXIS1  =                   10");
  card (f, "NAXIS2  =                   10");
  card (f, "EXTEND  =                    T");
  end_header (f);
  guint8 data[200] = { 0 };
  add_data (f, data, sizeof data);
  card (f, "XTENSION= 'BINTABLE'");
  card (f, "BITPIX  =                    8");
  card (f, "NAXIS   =                    2");
  card (f, "NAXIS1  =                    0");
  card (f, "NAXIS2  =                    0");
  card (f, "PCOUNT  =                    0");
  card (f, "GCOUNT  =                    1");
  card (f, "TFIELDS =            100000000");
  end_header (f);
  return write_file ("tfields.fits", f);
}

static void
test_huge_tfields (void)
{
  g_autofree char *path = make_tfields_file ();

  long n1, n2;
  double ra[4], dec[4];
  VoTableCallbacks cb = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_false (vo_fits_image_get_size (path, &n1, &n2, &error));
  g_assert_error (error, VO_FITS_ERROR, VO_FITS_ERROR_NOT_FITS);
  g_assert_nonnull (strstr (error->message, "TFIELDS = 100000000"));
  g_clear_error (&error);
  g_assert_false (vo_fits_image_get_footprint (path, ra, dec, &error));
  g_assert_error (error, VO_FITS_ERROR, VO_FITS_ERROR_NOT_FITS);
  g_clear_error (&error);
  g_assert_false (vo_fits_table_read (path, &cb, NULL, &error));
  g_assert_error (error, VO_FITS_ERROR, VO_FITS_ERROR_NOT_FITS);
}

/* An unquoted 70-character TTYPEn (found by tests/fuzz: cfitsio copies it
 * with its NUL into a 70-byte buffer, and glibc aborts the program). */
static void
test_unquoted_ttype (void)
{
  GString *f = g_string_new (NULL);
  card (f, "SIMPLE  =                    T");
  card (f, "BITPIX  =                    8");
  card (f, "NAXIS   =                    0");
  card (f, "EXTEND  =                    T");
  end_header (f);
  card (f, "XTENSION= 'BINTABLE'");
  card (f, "BITPIX  =                    8");
  card (f, "NAXIS   =                    2");
  card (f, "NAXIS1  =                    4");
  card (f, "NAXIS2  =                    1");
  card (f, "PCOUNT  =                    0");
  card (f, "GCOUNT  =                    1");
  card (f, "TFIELDS =                    1");
  g_autofree char *name = g_strnfill (70, 'x');
  card (f, "TTYPE1  = %s", name);
  card (f, "TFORM1  = 'J'");
  end_header (f);
  guint8 row[4] = { 0, 0, 0, 7 };
  add_data (f, row, sizeof row);
  g_autofree char *path = write_file ("ttype.fits", f);

  VoTableCallbacks cb = { 0 };
  long n1, n2;
  g_autoptr (GError) error = NULL;
  g_assert_false (vo_fits_table_read (path, &cb, NULL, &error));
  g_assert_error (error, VO_FITS_ERROR, VO_FITS_ERROR_NOT_FITS);
  g_assert_nonnull (strstr (error->message, "TTYPE1 is not a quoted string"));
  g_clear_error (&error);
  g_assert_false (vo_fits_image_get_size (path, &n1, &n2, &error));
  g_assert_error (error, VO_FITS_ERROR, VO_FITS_ERROR_NOT_FITS);
}

static gboolean
count_row (const VoCell *cells, guint n_cells, gpointer user_data)
{
  GString *out = user_data;
  for (guint i = 0; i < n_cells; i++)
    vo_cell_to_string (&cells[i], out);
  return TRUE;
}

/* A TNULLn that is a long string (found by tests/fuzz: cfitsio's integer
 * conversion overflowed its message buffer and glibc aborted).  Not an
 * integer, so not a null value: the table reads normally. */
static void
test_long_tnull (void)
{
  GString *f = g_string_new (NULL);
  card (f, "SIMPLE  =                    T");
  card (f, "BITPIX  =                    8");
  card (f, "NAXIS   =                    0");
  card (f, "EXTEND  =                    T");
  end_header (f);
  card (f, "XTENSION= 'BINTABLE'");
  card (f, "BITPIX  =                    8");
  card (f, "NAXIS   =                    2");
  card (f, "NAXIS1  =                    4");
  card (f, "NAXIS2  =                    1");
  card (f, "PCOUNT  =                    0");
  card (f, "GCOUNT  =                    1");
  card (f, "TFIELDS =                    1");
  card (f, "TTYPE1  = 'n'");
  card (f, "TFORM1  = 'J'");
  g_autofree char *junk = g_strnfill (68, 'x');
  card (f, "TNULL1  = '%s'", junk);
  end_header (f);
  guint8 row[4] = { 0, 0, 0, 7 };
  add_data (f, row, sizeof row);
  g_autofree char *path = write_file ("tnull.fits", f);

  VoTableCallbacks cb = { 0 };
  cb.row = count_row;
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (vo_fits_table_read (path, &cb, out, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (out->str, ==, "7");
}

static void
test_not_fits (void)
{
  GString *f = g_string_new ("<html><body>This is not FITS, it is an HTML "
                             "error page from a proxy.</body></html>\n");
  for (int i = 0; i < 100; i++)
    g_string_append (f, "padding padding padding padding padding\n");
  g_autofree char *path = write_file ("not.fits", f);
  long n1, n2;
  g_autoptr (GError) error = NULL;
  g_assert_false (vo_fits_image_get_size (path, &n1, &n2, &error));
  g_assert_error (error, VO_FITS_ERROR, VO_FITS_ERROR_NOT_FITS);
  g_clear_error (&error);

  g_autofree char *missing = g_build_filename (tmpdir, "missing.fits", NULL);
  g_assert_false (vo_fits_image_get_size (missing, &n1, &n2, &error));
  g_assert_error (error, VO_FITS_ERROR, VO_FITS_ERROR_OPEN);
  g_clear_error (&error);

  /* extended file-name syntax is not interpreted */
  g_autofree char *wcs = make_wcs_image ();
  g_autofree char *ext_syntax = g_strconcat (wcs, "[0]", NULL);
  g_assert_false (vo_fits_image_get_size (ext_syntax, &n1, &n2, &error));
  g_assert_error (error, VO_FITS_ERROR, VO_FITS_ERROR_OPEN);
  g_clear_error (&error);

  /* an image is not a table */
  VoTableCallbacks cb = { 0 };
  g_assert_false (vo_fits_table_read (wcs, &cb, NULL, &error));
  g_assert_error (error, VO_FITS_ERROR, VO_FITS_ERROR_NO_TABLE);
}

static void
test_footprint (void)
{
  g_autofree char *path = make_wcs_image ();
  double ra[4], dec[4];
  g_autoptr (GError) error = NULL;
  g_assert_true (vo_fits_image_get_footprint (path, ra, dec, &error));
  g_assert_no_error (error);

  /* gnomonic (TAN) inverse, by hand */
  const double px[4] = { 0.5, 100.5, 100.5, 0.5 };
  const double py[4] = { 0.5, 0.5, 50.5, 50.5 };
  const double d2r = G_PI / 180.0;
  const double a0 = 180.0 * d2r, d0 = 45.0 * d2r;
  for (int i = 0; i < 4; i++)
    {
      double x = (px[i] - 50.5) * -0.001 * d2r;
      double y = (py[i] - 25.5) * 0.001 * d2r;
      double den = cos (d0) - y * sin (d0);
      double a = a0 + atan2 (x, den);
      double d = atan ((y * cos (d0) + sin (d0)) * cos (a - a0) / den);
      g_assert_cmpfloat_with_epsilon (ra[i], a / d2r, 1e-7);
      g_assert_cmpfloat_with_epsilon (dec[i], d / d2r, 1e-7);
    }
  /* east is left: the first corner has the larger RA */
  g_assert_cmpfloat (ra[0], >, 180.07);
  g_assert_cmpfloat (ra[1], <, 179.93);
  g_assert_cmpfloat (dec[2], >, 45.02);
}

/* ------------------------------------------------------------------------ */
/* Tables                                                                    */

#define ROWBYTES (12 + 8 + 1 + 4 + 4 + 6)

static char *
make_table (void)
{
  GString *f = g_string_new (NULL);
  card (f, "SIMPLE  =                    T");
  card (f, "BITPIX  =                    8");
  card (f, "NAXIS   =                    0");
  card (f, "EXTEND  =                    T");
  end_header (f);
  card (f, "XTENSION= 'BINTABLE'");
  card (f, "BITPIX  =                    8");
  card (f, "NAXIS   =                    2");
  card (f, "NAXIS1  =                   %d", ROWBYTES);
  card (f, "NAXIS2  =                    2");
  card (f, "PCOUNT  =                    0");
  card (f, "GCOUNT  =                    1");
  card (f, "TFIELDS =                    6");
  card (f, "EXTNAME = 'sources'");
  card (f, "TTYPE1  = 'ID'");
  card (f, "TFORM1  = '12A'");
  card (f, "TTYPE2  = 'RA'");
  card (f, "TFORM2  = '1D'");
  card (f, "TUNIT2  = 'deg'");
  card (f, "TUCD2   = 'pos.eq.ra;meta.main'");
  card (f, "TTYPE3  = 'FLAG'");
  card (f, "TFORM3  = '1L'");
  card (f, "TTYPE4  = 'N'");
  card (f, "TFORM4  = '1J'");
  card (f, "TNULL4  =                  -99");
  card (f, "TTYPE5  = 'MAG'");
  card (f, "TFORM5  = '1E'");
  card (f, "TTYPE6  = 'V'");
  card (f, "TFORM6  = '3I'");
  end_header (f);

  guint8 rows[2][ROWBYTES];
  memset (rows, 0, sizeof rows);
  const char *ids[2] = { "src1", "src2 & <x>" };
  const double ras[2] = { 10.5, -0.125 };
  const char flags[2] = { 'T', 'F' };
  const gint32 ns[2] = { 7, -99 };
  const float mags[2] = { 1.25f, NAN };
  const gint16 vs[2][3] = { { 1, 2, 3 }, { -1, 0, 1 } };
  for (int r = 0; r < 2; r++)
    {
      guint8 *p = rows[r];
      memcpy (p, ids[r], strlen (ids[r]));
      guint64 u64;
      memcpy (&u64, &ras[r], 8);
      be (p + 12, u64, 8);
      p[20] = (guint8) flags[r];
      be (p + 21, (guint32) ns[r], 4);
      guint32 u32;
      memcpy (&u32, &mags[r], 4);
      be (p + 25, u32, 4);
      for (int k = 0; k < 3; k++)
        be (p + 29 + 2 * k, (guint16) vs[r][k], 2);
    }
  add_data (f, rows, sizeof rows);
  return write_file ("table.fits", f);
}

typedef struct {
  GString *out;
  guint n_fields;
  const VoField *fields;
  gboolean ended;
} Collect;

static void
on_table_start (const char *name, const VoField *fields, guint n, gpointer ud)
{
  Collect *c = ud;
  g_assert_cmpstr (name, ==, "sources");
  c->n_fields = n;
  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpstr (fields[0].name, ==, "ID");
  g_assert_cmpint (fields[0].datatype, ==, VO_DATATYPE_CHAR);
  g_assert_cmpstr (fields[1].unit, ==, "deg");
  g_assert_cmpstr (fields[1].ucd, ==, "pos.eq.ra;meta.main");
  g_assert_cmpint (fields[1].datatype, ==, VO_DATATYPE_DOUBLE);
  g_assert_cmpint (fields[2].datatype, ==, VO_DATATYPE_BOOLEAN);
  g_assert_cmpint (fields[3].datatype, ==, VO_DATATYPE_INT);
  g_assert_cmpstr (fields[3].null_value, ==, "-99");
  g_assert_cmpint (fields[4].datatype, ==, VO_DATATYPE_FLOAT);
  g_assert_cmpint (fields[5].datatype, ==, VO_DATATYPE_SHORT);
  g_assert_cmpstr (fields[5].arraysize, ==, "3");
}

static gboolean
on_row (const VoCell *cells, guint n, gpointer ud)
{
  Collect *c = ud;
  for (guint i = 0; i < n; i++)
    {
      if (i)
        g_string_append_c (c->out, '|');
      if (cells[i].is_null)
        g_string_append (c->out, "<null>");
      else
        vo_cell_to_string (&cells[i], c->out);
    }
  g_string_append_c (c->out, '\n');
  return TRUE;
}

static void
on_table_end (gpointer ud)
{
  ((Collect *) ud)->ended = TRUE;
}

static const char *const want_rows =
  "src1|10.5|T|7|1.25|1 2 3\n"
  "src2 & <x>|-0.125|F|<null>|<null>|-1 0 1\n";

static void
test_table_read (void)
{
  g_autofree char *path = make_table ();
  static const VoTableCallbacks cb = { .table_start = on_table_start,
                                       .row = on_row,
                                       .table_end = on_table_end };
  Collect c = { g_string_new (NULL), 0, NULL, FALSE };
  g_autoptr (GError) error = NULL;
  g_assert_true (vo_fits_table_read (path, &cb, &c, &error));
  g_assert_no_error (error);
  g_assert_true (c.ended);
  g_assert_cmpstr (c.out->str, ==, want_rows);
  g_string_free (c.out, TRUE);
}

/* ------------------------------------------------------------------------ */
/* Compressed files: gzip is unpacked to a temporary file (never in memory,
 * and the header checks apply to what is inside); other packers refused. */

static char *
gzip_copy (const char *path, const char *name)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_autoptr (GConverter) z = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9));
  g_autoptr (GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr (GOutputStream) out = g_converter_output_stream_new (mem, z);
  g_assert_true (g_output_stream_write_all (out, data, len, NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  GMemoryOutputStream *m = G_MEMORY_OUTPUT_STREAM (mem);
  GString *gz = g_string_new_len (g_memory_output_stream_get_data (m),
                                  (gssize) g_memory_output_stream_get_data_size (m));
  g_assert_cmpuint (gz->len, <, len);
  return write_file (name, gz);
}

static guint
count_temps (void)
{
  g_autoptr (GDir) d = g_dir_open (g_get_tmp_dir (), 0, NULL);
  const char *n;
  guint count = 0;
  while (d != NULL && (n = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (n, "cadc-samp-") && g_str_has_suffix (n, ".fits"))
      count++;
  return count;
}

static void
test_gzip (void)
{
  guint temps = count_temps ();
  g_autoptr (GError) error = NULL;

  /* an image: the same footprint as the plain file */
  g_autofree char *img = make_wcs_image ();
  g_autofree char *img_gz = gzip_copy (img, "wcs.fits.gz");
  double ra[4], dec[4], ra_gz[4], dec_gz[4];
  g_assert_true (vo_fits_image_get_footprint (img, ra, dec, &error));
  g_assert_true (vo_fits_image_get_footprint (img_gz, ra_gz, dec_gz, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 4; i++)
    {
      g_assert_cmpfloat (ra_gz[i], ==, ra[i]);
      g_assert_cmpfloat (dec_gz[i], ==, dec[i]);
    }

  /* a table: the same rows */
  g_autofree char *tab = make_table ();
  g_autofree char *tab_gz = gzip_copy (tab, "table.fits.gz");
  static const VoTableCallbacks cb = { .table_start = on_table_start,
                                       .row = on_row,
                                       .table_end = on_table_end };
  Collect c = { g_string_new (NULL), 0, NULL, FALSE };
  g_assert_true (vo_fits_table_read (tab_gz, &cb, &c, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (c.out->str, ==, want_rows);
  g_string_free (c.out, TRUE);

  /* the header guards see the unpacked headers (cfitsio would have
   * allocated gigabytes for these columns) */
  g_autofree char *tf = make_tfields_file ();
  g_autofree char *tf_gz = gzip_copy (tf, "tfields.fits.gz");
  long n1, n2;
  g_assert_false (vo_fits_image_get_size (tf_gz, &n1, &n2, &error));
  g_assert_error (error, VO_FITS_ERROR, VO_FITS_ERROR_NOT_FITS);
  g_assert_nonnull (strstr (error->message, "TFIELDS = 100000000"));
  g_assert_nonnull (strstr (error->message, tf_gz));   /* names the user's file */
  g_clear_error (&error);

  /* a damaged gzip stream, and a zip archive */
  GString *bad = g_string_new_len ("\x1f\x8b\x08\x00garbage, not deflate data", 30);
  g_autofree char *bad_gz = write_file ("bad.fits.gz", bad);
  g_assert_false (vo_fits_image_get_size (bad_gz, &n1, &n2, &error));
  g_assert_error (error, VO_FITS_ERROR, VO_FITS_ERROR_NOT_FITS);
  g_assert_nonnull (strstr (error->message, "gzip"));
  g_clear_error (&error);
  GString *zip = g_string_new_len ("PK\x03\x04\x14\x00\x00\x00", 8);
  g_autofree char *zip_path = write_file ("img.zip", zip);
  g_assert_false (vo_fits_image_get_size (zip_path, &n1, &n2, &error));
  g_assert_error (error, VO_FITS_ERROR, VO_FITS_ERROR_NOT_FITS);
  g_assert_nonnull (strstr (error->message, "compressed with zip"));
  g_clear_error (&error);

  /* no temporary file is left behind, whatever happened */
  g_assert_cmpuint (count_temps (), ==, temps);
  const char *names[] = { img_gz, tab_gz, tf_gz, bad_gz, zip_path, tf };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_unlink (names[i]);
}

static void
test_table_to_votable (void)
{
  g_autofree char *path = make_table ();
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;
  g_assert_true (vo_fits_table_to_votable (path, out, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  GMemoryOutputStream *m = G_MEMORY_OUTPUT_STREAM (out);
  g_autoptr (VoTable) t = vo_table_load_bytes (g_memory_output_stream_get_data (m),
                                               g_memory_output_stream_get_data_size (m),
                                               &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vo_table_get_n_fields (t), ==, 6);
  g_assert_cmpuint (vo_table_get_n_rows (t), ==, 2);
  g_assert_cmpstr (vo_table_get_field (t, 1)->ucd, ==, "pos.eq.ra;meta.main");
  g_assert_cmpstr (vo_table_get_string (t, 0, 0), ==, "src1");
  g_assert_cmpstr (vo_table_get_string (t, 1, 0), ==, "src2 & <x>");
  g_assert_cmpstr (vo_table_get_string (t, 1, 1), ==, "-0.125");
  g_assert_cmpstr (vo_table_get_string (t, 0, 2), ==, "T");
  g_assert_null (vo_table_get_string (t, 1, 3));
  g_assert_null (vo_table_get_string (t, 1, 4));
  g_assert_cmpstr (vo_table_get_string (t, 1, 5), ==, "-1 0 1");
  double v;
  g_assert_true (vo_table_get_double (t, 0, 4, &v));
  g_assert_cmpfloat (v, ==, 1.25);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("test-fits-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);
  g_test_add_func ("/fits/image/size", test_image_size);
  g_test_add_func ("/fits/image/not-fits", test_not_fits);
  g_test_add_func ("/fits/huge-tfields", test_huge_tfields);
  g_test_add_func ("/fits/unquoted-ttype", test_unquoted_ttype);
  g_test_add_func ("/fits/long-tnull", test_long_tnull);
  g_test_add_func ("/fits/image/footprint", test_footprint);
  g_test_add_func ("/fits/table/read", test_table_read);
  g_test_add_func ("/fits/table/to-votable", test_table_to_votable);
  g_test_add_func ("/fits/gzip", test_gzip);
  int rc = g_test_run ();
  cs_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return rc;
}

/* vo-fits.c: the cfitsio wrapper (the only file that includes fitsio.h).
 *
 * Three jobs: read the first table HDU of a file as VoFields plus text rows
 * (through VoTableCallbacks, so FITS and VOTable tables are consumed the
 * same way, and a FITS table can be uploaded as a VOTable); prove a file is
 * a FITS image and give its size; compute an image's sky footprint from its
 * WCS keywords.  cfitsio's status and error-message stack are turned into a
 * GError here and the stack is cleared.  Owns: each fitsfile, opened and
 * closed within one call.  Never touches: the network, extended file-name
 * syntax (fits_open_diskfile), other threads' files.  A gzip-compressed
 * file is unpacked as a stream to a 0600 temporary file first (cfitsio
 * would unpack it wholly in memory); other compressions are refused.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib/gstdio.h>

#include <fitsio.h>

#include "vo-fits.h"
#include "vo-cleanup.h"
#include "vo-votable-private.h"
#include "vo-votable-writer.h"

G_DEFINE_QUARK (vo-fits-error-quark, vo_fits_error)

/* fits_close_file takes a status pointer: a one-line wrapper for autoptr. */
static void
fitsfile_close (fitsfile *f)
{
  int status = 0;
  if (f != NULL)
    fits_close_file (f, &status);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (fitsfile, fitsfile_close)

/* Turns a cfitsio status (and its message stack) into a GError. */
static gboolean
fail (int status, const char *path, GError **error)
{
  char text[FLEN_STATUS] = "";
  char msg[FLEN_ERRMSG] = "";
  VoFitsError code;

  fits_get_errstatus (status, text);
  /* the first stacked message is the most specific one */
  gboolean have_msg = fits_read_errmsg (msg) != 0;
  fits_clear_errmsg ();
  switch (status)
    {
    case FILE_NOT_OPENED:
      code = VO_FITS_ERROR_OPEN;
      break;
    case NO_SIMPLE:
    case BAD_SIMPLE:
    case UNKNOWN_REC:
    case BAD_HEADER_FILL:
    case NO_XTENSION:
    case END_OF_FILE:
      code = VO_FITS_ERROR_NOT_FITS;
      break;
    case NOT_TABLE:
      code = VO_FITS_ERROR_NO_TABLE;
      break;
    case NOT_IMAGE:
      code = VO_FITS_ERROR_NO_IMAGE;
      break;
    case NO_WCS_KEY:
    case BAD_WCS_PROJ:
    case BAD_WCS_VAL:
      code = VO_FITS_ERROR_NO_WCS;
      break;
    default:
      code = VO_FITS_ERROR_FAILED;
    }
  g_strchomp (msg);
  g_set_error (error, VO_FITS_ERROR, code, "%s: %s%s (cfitsio status %d)%s%s",
               path,
               code == VO_FITS_ERROR_NOT_FITS ? "not a FITS file: " : "",
               text, status, have_msg && *msg ? ": " : "",
               have_msg ? msg : "");
  return FALSE;
}

/* The integer value of a header card "KEY     = value", else FALSE. */
static gboolean
card_int (const char *card, char key[9], gint64 *value)
{
  memcpy (key, card, 8);
  key[8] = '\0';
  g_strchomp (key);
  if (card[8] != '=' || card[9] != ' ')
    return FALSE;
  char text[71];
  memcpy (text, card + 10, 70);
  text[70] = '\0';
  char *end = NULL;
  *value = g_ascii_strtoll (g_strchug (text), &end, 10);
  return end != text;
}

/* TRUE when the value of @card (80 bytes, no NUL) is a quoted string or
 * empty. */
static gboolean
card_is_quoted (const char *card)
{
  for (guint i = 10; i < 80; i++)
    if (card[i] != ' ')
      return card[i] == '\'';
  return TRUE;
}

/* cfitsio allocates and initialises one column struct per TFIELDS as soon as
 * it reads (or walks past) a table header, so a few-KB file announcing
 * TFIELDS = 100000000 costs gigabytes; and it overflows a buffer on an
 * unquoted 70-character TTYPEn.  Walk the headers first and refuse a
 * TFIELDS outside the standard's 0..999 and an unquoted TTYPEn.  Anything else odd
 * (truncation, sizes that overflow) just ends the walk: cfitsio reports it. */
static gboolean
check_headers (const char *file, const char *path, GError **error)
{
  FILE *fp = fopen (file, "rb");
  char block[2880];
  gboolean ok = TRUE;

  if (fp == NULL)
    return TRUE;
  for (guint hdu = 1; ok; hdu++)
    {
      gint64 bitpix = 0, naxis = 0, pcount = 0, gcount = 1, tfields = 0;
      guint64 axes = 1;
      gboolean end = FALSE, first = TRUE;
      while (!end && fread (block, 1, sizeof block, fp) == sizeof block)
        for (guint i = 0; i < sizeof block / 80 && !end; i++)
          {
            const char *card = block + 80 * i;
            char key[9];
            gint64 v = 0;
            if (first && hdu > 1 && strncmp (card, "XTENSION", 8) != 0)
              goto out;
            first = FALSE;
            if (strncmp (card, "TTYPE", 5) == 0 && card[8] == '='
                && !card_is_quoted (card))
              {
                /* cfitsio copies an unquoted 70-character TTYPEn value
                 * into a 70-byte buffer with its NUL: a buffer overflow
                 * (glibc aborts the program).  A TTYPEn is a string. */
                g_autofree char *name = g_strchomp (g_strndup (card, 8));
                g_set_error (error, VO_FITS_ERROR, VO_FITS_ERROR_NOT_FITS,
                             "%s: not a FITS file: HDU %u: %s is not a "
                             "quoted string", path, hdu, name);
                ok = FALSE;
                goto out;
              }
            if (strncmp (card, "END     ", 8) == 0)
              end = TRUE;
            else if (!card_int (card, key, &v))
              continue;
            else if (strcmp (key, "BITPIX") == 0)
              bitpix = v;
            else if (strcmp (key, "NAXIS") == 0)
              naxis = v;
            else if (strcmp (key, "PCOUNT") == 0)
              pcount = v;
            else if (strcmp (key, "GCOUNT") == 0)
              gcount = v;
            else if (strcmp (key, "TFIELDS") == 0)
              tfields = v;
            else if (g_str_has_prefix (key, "NAXIS") && g_ascii_isdigit (key[5]))
              {
                gint64 k = g_ascii_strtoll (key + 5, NULL, 10);
                if (k == 1 && v == 0 && naxis > 1)
                  continue;  /* random groups: NAXIS1 = 0 is not an axis */
                if (k >= 1 && k <= naxis
                    && (v < 0 || !g_uint64_checked_mul (&axes, axes, v)))
                  goto out;
              }
          }
      if (!end)
        break;
      if (tfields < 0 || tfields > 999)
        {
          g_set_error (error, VO_FITS_ERROR, VO_FITS_ERROR_NOT_FITS,
                       "%s: not a FITS file: HDU %u has TFIELDS = %" G_GINT64_FORMAT
                       " (at most 999 columns)", path, hdu, tfields);
          ok = FALSE;
          break;
        }
      guint64 bits = 0;
      if (naxis <= 0)
        axes = 0;
      if (pcount < 0 || gcount < 0
          || !g_uint64_checked_add (&bits, axes, pcount)
          || !g_uint64_checked_mul (&bits, bits, gcount)
          || !g_uint64_checked_mul (&bits, bits, ABS (bitpix))
          || bits / 8 / sizeof block > G_MAXINT64 / sizeof block - 1)
        break;
      guint64 blocks = (bits / 8 + sizeof block - 1) / sizeof block;
      if (fseeko (fp, (off_t) (blocks * sizeof block), SEEK_CUR) != 0)
        break;
    }
out:
  fclose (fp);
  return ok;
}

/* cfitsio unpacks a compressed file wholly into memory (fuzzing showed a
 * 0.5 MB .fits.gz costing 500 MB), and check_headers would see only
 * compressed bytes.  So a gzip file is unpacked here as a stream into a
 * 0600 temporary file, which cfitsio then reads from disk; the other
 * compressions cfitsio would accept are refused with a clear error. */
#define UNPACK_CHUNK (256 * 1024)
static guint64 max_unpacked = VO_FITS_DEFAULT_MAX_UNPACKED;

static const char *
compression_of (const char *path)
{
  guint8 m[4] = { 0 };
  FILE *fp = fopen (path, "rb");
  size_t n = fp ? fread (m, 1, sizeof m, fp) : 0;

  if (fp)
    fclose (fp);
  if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
    return "gzip";
  if (n >= 2 && m[0] == 0x1f && (m[1] == 0x9d || m[1] == 0x1e || m[1] == 0xa0))
    return "compress";
  if (n >= 4 && memcmp (m, "PK\3\4", 4) == 0)
    return "zip";
  if (n >= 3 && memcmp (m, "BZh", 3) == 0)
    return "bzip2";
  return NULL;
}

static char *
gunzip_to_temp (const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *tmp = NULL;
  int in_fd = open (path, O_RDONLY | O_CLOEXEC);
  int out_fd;

  if (in_fd < 0)
    {
      g_set_error (error, VO_FITS_ERROR, VO_FITS_ERROR_OPEN, "%s: %s", path,
                   g_strerror (errno));
      return NULL;
    }
  out_fd = g_file_open_tmp ("cadc-samp-XXXXXX.fits", &tmp, &local);
  if (out_fd < 0)
    {
      close (in_fd);
      g_set_error (error, VO_FITS_ERROR, VO_FITS_ERROR_OPEN,
                   "%s: cannot unpack it: %s", path, local->message);
      return NULL;
    }
  vo_cleanup_add (tmp);         /* removed if a signal ends the process */
  g_autoptr (GInputStream) raw = g_unix_input_stream_new (in_fd, TRUE);
  g_autoptr (GConverter) gz = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
  g_autoptr (GInputStream) in = g_converter_input_stream_new (raw, gz);
  g_autoptr (GOutputStream) out = g_unix_output_stream_new (out_fd, TRUE);
  g_autofree char *buf = g_malloc (UNPACK_CHUNK);
  guint64 total = 0;
  gboolean ok = TRUE, too_large = FALSE;

  for (;;)
    {
      gssize n = g_input_stream_read (in, buf, UNPACK_CHUNK, NULL, &local);
      if (n <= 0)
        {
          ok = n == 0;
          break;
        }
      if ((guint64) n > max_unpacked - MIN (total, max_unpacked))
        {
          /* a gzip bomb (1000:1 is easy) must not fill $TMPDIR */
          ok = FALSE;
          too_large = TRUE;
          break;
        }
      total += (guint64) n;
      if (!g_output_stream_write_all (out, buf, (gsize) n, NULL, NULL, &local))
        {
          ok = FALSE;
          break;
        }
    }
  if (ok)
    ok = g_output_stream_close (out, NULL, &local);
  if (!ok)
    {
      g_unlink (tmp);
      vo_cleanup_remove (tmp);
      if (too_large)
        g_set_error (error, VO_FITS_ERROR, VO_FITS_ERROR_TOO_LARGE,
                     "%s: unpacks to more than %" G_GUINT64_FORMAT " bytes, the limit "
                     "(max-unpacked-fits in [limits] of the config file); not read",
                     path, max_unpacked);
      else if (local->domain == G_IO_ERROR && local->code != G_IO_ERROR_INVALID_DATA
               && local->code != G_IO_ERROR_PARTIAL_INPUT)
        g_set_error (error, VO_FITS_ERROR, VO_FITS_ERROR_OPEN,
                     "%s: cannot unpack it: %s", path, local->message);
      else
        g_set_error (error, VO_FITS_ERROR, VO_FITS_ERROR_NOT_FITS,
                     "%s: not a readable gzip file: %s", path, local->message);
      return NULL;
    }
  vo_cleanup_remove (tmp);      /* the caller unlinks it at once after opening */
  return g_steal_pointer (&tmp);
}

void
vo_fits_set_max_unpacked (guint64 max_bytes)
{
  max_unpacked = max_bytes;
}

guint64
vo_fits_get_max_unpacked (void)
{
  return max_unpacked;
}

static fitsfile *
open_file (const char *path, GError **error)
{
  fitsfile *f = NULL;
  int status = 0;
  const char *packed = compression_of (path);
  g_autofree char *tmp = NULL;
  const char *file = path;

  if (packed != NULL && strcmp (packed, "gzip") != 0)
    {
      g_set_error (error, VO_FITS_ERROR, VO_FITS_ERROR_NOT_FITS,
                   "%s: compressed with %s; only gzip-compressed FITS is read "
                   "(unpack it first)", path, packed);
      return NULL;
    }
  if (packed != NULL)
    {
      tmp = gunzip_to_temp (path, error);
      if (tmp == NULL)
        return NULL;
      file = tmp;
    }
  if (check_headers (file, path, error)
      && fits_open_diskfile (&f, file, READONLY, &status))
    fail (status, path, error);
  if (tmp != NULL)
    g_unlink (tmp);   /* cfitsio keeps it open; gone from the directory */
  return f;
}

/* Moves to the first HDU of one of the wanted kinds; FALSE if none. */
static gboolean
move_to_first (fitsfile *f, gboolean tables, int *status)
{
  int n = 0;

  if (fits_get_num_hdus (f, &n, status))
    return FALSE;
  for (int i = 1; i <= n; i++)
    {
      int type = 0;
      if (fits_movabs_hdu (f, i, &type, status))
        return FALSE;
      if (tables && (type == BINARY_TBL || type == ASCII_TBL))
        return TRUE;
      if (!tables && type == IMAGE_HDU)
        {
          int naxis = 0;
          if (fits_get_img_dim (f, &naxis, status))
            return FALSE;
          if (naxis >= 1)
            return TRUE;
        }
    }
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Tables                                                                    */

typedef struct {
  int typecode;       /* cfitsio type of the stored data */
  gboolean variable;
  long repeat, width;
  gboolean scaled;
  gboolean has_tnull;
  LONGLONG tnull;
  LONGLONG heap_size;  /* PCOUNT: bounds a variable-length descriptor */
} Column;

/* An optional string keyword "<root><col>"; NULL when absent. */
static char *
col_key (fitsfile *f, const char *root, int col, int *status)
{
  char key[FLEN_KEYWORD], value[FLEN_VALUE];

  if (*status)
    return NULL;
  g_snprintf (key, sizeof key, "%s%d", root, col);
  if (fits_read_key (f, TSTRING, key, value, NULL, status))
    {
      if (*status == KEY_NO_EXIST)
        {
          *status = 0;
          fits_clear_errmsg ();
        }
      return NULL;
    }
  return g_strdup (value);
}

static void
describe_column (fitsfile *f, int c, VoField *field, Column *col, int *status)
{
  double tscal = 1.0, tzero = 0.0;
  char key[FLEN_KEYWORD];

  field->name = col_key (f, "TTYPE", c, status);
  if (field->name == NULL)
    field->name = g_strdup_printf ("col%d", c);
  field->unit = col_key (f, "TUNIT", c, status);
  field->ucd = col_key (f, "TUCD", c, status);
  field->utype = col_key (f, "TUTYP", c, status);
  field->description = col_key (f, "TCOMM", c, status);
  if (fits_get_coltype (f, c, &col->typecode, &col->repeat, &col->width,
                        status))
    return;
  col->variable = col->typecode < 0;
  col->typecode = ABS (col->typecode);
  g_snprintf (key, sizeof key, "TSCAL%d", c);
  if (fits_read_key (f, TDOUBLE, key, &tscal, NULL, status) == KEY_NO_EXIST)
    *status = 0;
  g_snprintf (key, sizeof key, "TZERO%d", c);
  if (fits_read_key (f, TDOUBLE, key, &tzero, NULL, status) == KEY_NO_EXIST)
    *status = 0;
  g_snprintf (key, sizeof key, "TNULL%d", c);
  /* read as text and converted here: cfitsio's own conversion overflows a
   * message buffer on a long non-integer value (glibc aborts) */
  char tnull[FLEN_VALUE] = "";
  if (fits_read_keyword (f, key, tnull, NULL, status) == KEY_NO_EXIST)
    *status = 0;
  else if (*status == 0)
    {
      gint64 v = 0;
      if (g_ascii_string_to_signed (g_strstrip (tnull), 10, G_MININT64,
                                    G_MAXINT64, &v, NULL))
        {
          col->tnull = v;
          col->has_tnull = TRUE;
        }
      /* else not an integer (an ASCII table's string null): ignored */
    }
  fits_clear_errmsg ();
  col->scaled = tscal != 1.0 || tzero != 0.0;
  if (fits_read_key (f, TLONGLONG, "PCOUNT", &col->heap_size, NULL, status))
    {
      *status = 0;
      col->heap_size = 0;
      fits_clear_errmsg ();
    }

  VoDatatype dt;
  switch (col->typecode)
    {
    case TLOGICAL: dt = VO_DATATYPE_BOOLEAN; break;
    case TBIT: dt = VO_DATATYPE_BIT; break;
    case TBYTE:
      dt = !col->scaled ? VO_DATATYPE_UNSIGNED_BYTE
           : (tscal == 1.0 && tzero == -128.0) ? VO_DATATYPE_SHORT
                                               : VO_DATATYPE_DOUBLE;
      break;
    case TSHORT:
      dt = !col->scaled ? VO_DATATYPE_SHORT
           : (tscal == 1.0 && tzero == 32768.0) ? VO_DATATYPE_INT
                                                : VO_DATATYPE_DOUBLE;
      break;
    case TLONG:
      dt = !col->scaled ? VO_DATATYPE_INT
           : (tscal == 1.0 && tzero == 2147483648.0) ? VO_DATATYPE_LONG
                                                     : VO_DATATYPE_DOUBLE;
      break;
    case TLONGLONG:
      dt = col->scaled ? VO_DATATYPE_DOUBLE : VO_DATATYPE_LONG;
      break;
    case TSTRING: dt = VO_DATATYPE_CHAR; break;
    case TFLOAT: dt = VO_DATATYPE_FLOAT; break;
    case TCOMPLEX: dt = VO_DATATYPE_FLOAT_COMPLEX; break;
    case TDBLCOMPLEX: dt = VO_DATATYPE_DOUBLE_COMPLEX; break;
    case TDOUBLE:
    default:
      dt = VO_DATATYPE_DOUBLE;
    }
  field->datatype = dt;
  field->datatype_str = g_strdup (vo_datatype_to_string (dt));
  if (col->has_tnull && !col->scaled
      && (dt == VO_DATATYPE_UNSIGNED_BYTE || dt == VO_DATATYPE_SHORT
          || dt == VO_DATATYPE_INT || dt == VO_DATATYPE_LONG))
    field->null_value = g_strdup_printf ("%lld", (long long) col->tnull);
  else
    col->has_tnull = FALSE;

  g_autofree char *arraysize = NULL;
  if (dt == VO_DATATYPE_CHAR || col->variable)
    arraysize = g_strdup ("*");
  else if (col->repeat > 1)
    arraysize = g_strdup_printf ("%ld", col->repeat);
  vo_field_set_arraysize (field, arraysize, NULL);
}

/* Appends the text of one cell to @out; returns FALSE for a null. */
static gboolean
read_cell (fitsfile *f, int c, LONGLONG row, const VoField *field,
           const Column *col, GByteArray *tmp, GString *out, int *status)
{
  LONGLONG n = col->repeat;
  int anynul = 0;

  if (col->variable)
    {
      LONGLONG offset = 0;
      if (fits_read_descriptll (f, c, row, &n, &offset, status))
        return FALSE;
      /* a corrupt descriptor must not make us allocate gigabytes: the
       * array lives in the heap, so it cannot be larger than PCOUNT */
      if (n < 0 || n > col->heap_size || n > G_MAXINT / 16)
        {
          *status = BAD_DIMEN;
          fits_write_errmsg ("variable-length array descriptor exceeds "
                             "the heap");
          return FALSE;
        }
    }
  if (field->datatype == VO_DATATYPE_CHAR)
    {
      LONGLONG len = col->variable ? n : MAX (col->width, col->repeat);
      g_byte_array_set_size (tmp, (guint) len + 2);
      char *s = (char *) tmp->data;
      s[0] = '\0';
      if (len > 0 && fits_read_col_str (f, c, row, 1, 1, "", &s, &anynul,
                                        status))
        return FALSE;
      g_strchomp (s);
      g_string_append (out, s);
      return !anynul && *s != '\0';
    }
  if (n == 0)
    return FALSE;

  guint per = (field->datatype == VO_DATATYPE_FLOAT_COMPLEX
               || field->datatype == VO_DATATYPE_DOUBLE_COMPLEX) ? 2 : 1;
  gboolean scalar = n == 1 && per == 1;
  switch (field->datatype)
    {
    case VO_DATATYPE_BOOLEAN:
      {
        g_byte_array_set_size (tmp, (guint) n);
        char nulval = 2;
        if (fits_read_col (f, TLOGICAL, c, row, 1, n, &nulval, tmp->data,
                           &anynul, status))
          return FALSE;
        for (LONGLONG i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ' ');
            g_string_append_c (out, tmp->data[i] == 1   ? 'T'
                                    : tmp->data[i] == 0 ? 'F'
                                                        : '?');
          }
        return !(scalar && tmp->data[0] == 2);
      }
    case VO_DATATYPE_BIT:
      {
        g_byte_array_set_size (tmp, (guint) n);
        if (fits_read_col_bit (f, c, row, 1, n, (char *) tmp->data, status))
          return FALSE;
        for (LONGLONG i = 0; i < n; i++)
          g_string_append_c (out, tmp->data[i] ? '1' : '0');
        return TRUE;
      }
    case VO_DATATYPE_UNSIGNED_BYTE:
    case VO_DATATYPE_SHORT:
    case VO_DATATYPE_INT:
    case VO_DATATYPE_LONG:
      {
        g_byte_array_set_size (tmp, (guint) (n * sizeof (LONGLONG)));
        LONGLONG *v = (LONGLONG *) tmp->data;
        if (fits_read_col (f, TLONGLONG, c, row, 1, n, NULL, v, &anynul,
                           status))
          return FALSE;
        if (scalar && col->has_tnull && v[0] == col->tnull)
          return FALSE;
        for (LONGLONG i = 0; i < n; i++)
          g_string_append_printf (out, i > 0 ? " %lld" : "%lld",
                                  (long long) v[i]);
        return TRUE;
      }
    default:
      {
        int type = field->datatype == VO_DATATYPE_FLOAT_COMPLEX ? TCOMPLEX
                   : field->datatype == VO_DATATYPE_DOUBLE_COMPLEX
                       ? TDBLCOMPLEX
                       : TDOUBLE;
        g_byte_array_set_size (tmp, (guint) (n * per * sizeof (double)));
        double *v = (double *) tmp->data;
        float *fv = (float *) tmp->data;
        if (fits_read_col (f, type, c, row, 1, n, NULL, tmp->data, &anynul,
                           status))
          return FALSE;
        if (scalar && isnan (v[0]))
          return FALSE;
        for (LONGLONG i = 0; i < n * per; i++)
          {
            if (i > 0)
              g_string_append_c (out, ' ');
            if (type == TCOMPLEX
                || (field->datatype == VO_DATATYPE_FLOAT))
              vo_votable_format_float (out, type == TCOMPLEX ? fv[i]
                                                             : (float) v[i]);
            else
              vo_votable_format_double (out, v[i]);
          }
        return TRUE;
      }
    }
}

gboolean
vo_fits_table_read (const char *path, const VoTableCallbacks *cb,
                    gpointer user_data, GError **error)
{
  g_autoptr (fitsfile) f = open_file (path, error);
  int status = 0;
  long nrows = 0;
  int ncols = 0;

  if (f == NULL)
    return FALSE;
  if (!move_to_first (f, TRUE, &status))
    {
      if (status)
        return fail (status, path, error);
      g_set_error (error, VO_FITS_ERROR, VO_FITS_ERROR_NO_TABLE,
                   "%s: no table HDU in this FITS file", path);
      return FALSE;
    }
  if (fits_get_num_rows (f, &nrows, &status)
      || fits_get_num_cols (f, &ncols, &status))
    return fail (status, path, error);

  g_autofree char *extname = NULL;
  {
    char value[FLEN_VALUE];
    if (fits_read_key (f, TSTRING, "EXTNAME", value, NULL, &status) == 0)
      extname = g_strdup (value);
    status = 0;
    fits_clear_errmsg ();
  }

  VoField *fields = g_new0 (VoField, MAX (ncols, 1));
  Column *cols = g_new0 (Column, MAX (ncols, 1));
  VoCell *cells = g_new0 (VoCell, MAX (ncols, 1));
  gsize *offs = g_new0 (gsize, MAX (ncols, 1));
  GByteArray *tmp = g_byte_array_new ();
  GString *text = g_string_new (NULL);
  gboolean ok = TRUE;

  for (int c = 0; c < ncols && !status; c++)
    describe_column (f, c + 1, &fields[c], &cols[c], &status);
  if (status)
    ok = fail (status, path, error);
  else
    {
      if (cb->table_start)
        cb->table_start (extname, fields, (guint) ncols, user_data);
      for (long row = 1; row <= nrows && ok; row++)
        {
          g_string_truncate (text, 0);
          for (int c = 0; c < ncols; c++)
            {
              offs[c] = text->len;
              cells[c].field = &fields[c];
              cells[c].is_null = !read_cell (f, c + 1, row, &fields[c],
                                             &cols[c], tmp, text, &status);
              if (status)
                break;
              g_string_append_c (text, '\0');
            }
          if (status)
            {
              ok = fail (status, path, error);
              break;
            }
          for (int c = 0; c < ncols; c++)
            {
              cells[c].text = text->str + offs[c];
              cells[c].text_len = strlen (cells[c].text);
            }
          if (cb->row && !cb->row (cells, (guint) ncols, user_data))
            break;
        }
      if (ok && cb->table_end)
        cb->table_end (user_data);
    }

  for (int c = 0; c < ncols; c++)
    vo_field_clear (&fields[c]);
  g_free (fields);
  g_free (cols);
  g_free (cells);
  g_free (offs);
  g_byte_array_unref (tmp);
  g_string_free (text, TRUE);
  return ok;
}

/* ------------------------------------------------------------------------ */
/* FITS table → VOTable                                                      */

typedef struct {
  VoTableWriter *w;
  GError *error;
} ToVot;

static void
tv_table_start (const char *name, const VoField *fields, guint n,
                gpointer user_data)
{
  ToVot *t = user_data;
  vo_table_writer_start_table (t->w, name, fields, n, &t->error);
}

static gboolean
tv_row (const VoCell *cells, guint n, gpointer user_data)
{
  ToVot *t = user_data;
  return t->error == NULL
         && vo_table_writer_write_cells (t->w, cells, n, &t->error);
}

gboolean
vo_fits_table_to_votable (const char *path, GOutputStream *out,
                          GError **error)
{
  static const VoTableCallbacks cb = { .table_start = tv_table_start,
                                       .row = tv_row };
  g_autoptr (VoTableWriter) w = vo_table_writer_new (out, VO_FORMAT_VOTABLE);
  ToVot t = { w, NULL };

  if (!vo_fits_table_read (path, &cb, &t, error))
    {
      g_clear_error (&t.error);
      return FALSE;
    }
  if (t.error != NULL)
    {
      g_propagate_error (error, t.error);
      return FALSE;
    }
  return vo_table_writer_finish (w, error);
}

/* ------------------------------------------------------------------------ */
/* Images                                                                    */

static fitsfile *
open_image (const char *path, long naxes[2], GError **error)
{
  g_autoptr (fitsfile) f = open_file (path, error);
  int status = 0, naxis = 0, bitpix = 0;
  long n[9] = { 0 };

  if (f == NULL)
    return NULL;
  if (!move_to_first (f, FALSE, &status))
    {
      if (status)
        fail (status, path, error);
      else
        g_set_error (error, VO_FITS_ERROR, VO_FITS_ERROR_NO_IMAGE,
                     "%s: no image HDU in this FITS file", path);
      return NULL;
    }
  if (fits_get_img_param (f, 9, &bitpix, &naxis, n, &status))
    {
      fail (status, path, error);
      return NULL;
    }
  naxes[0] = n[0];
  naxes[1] = naxis >= 2 ? n[1] : 1;
  return g_steal_pointer (&f);
}

gboolean
vo_fits_image_get_size (const char *path, long *naxis1, long *naxis2,
                        GError **error)
{
  long n[2];
  g_autoptr (fitsfile) f = open_image (path, n, error);

  if (f == NULL)
    return FALSE;
  *naxis1 = n[0];
  *naxis2 = n[1];
  return TRUE;
}

gboolean
vo_fits_image_get_footprint (const char *path, double ra[4], double dec[4],
                             GError **error)
{
  long n[2];
  g_autoptr (fitsfile) f = open_image (path, n, error);
  double xrval, yrval, xrpix, yrpix, xinc, yinc, rot;
  char ctype[FLEN_VALUE] = "";
  int status = 0;

  if (f == NULL)
    return FALSE;
  if (fits_read_img_coord (f, &xrval, &yrval, &xrpix, &yrpix, &xinc, &yinc,
                           &rot, ctype, &status))
    {
      if (status != APPROX_WCS_KEY)
        return fail (status, path, error);
      status = 0;   /* a skewed CD matrix, approximated: good enough */
      fits_clear_errmsg ();
    }
  const double px[4] = { 0.5, n[0] + 0.5, n[0] + 0.5, 0.5 };
  const double py[4] = { 0.5, 0.5, n[1] + 0.5, n[1] + 0.5 };
  for (int i = 0; i < 4; i++)
    if (fits_pix_to_world (px[i], py[i], xrval, yrval, xrpix, yrpix, xinc,
                           yinc, rot, ctype, &ra[i], &dec[i], &status))
      return fail (status, path, error);
  return TRUE;
}

/* ffvers gives MAJOR + MINOR/100 + MICRO/10000 (4.2.0 is 4.020) */
char *
vo_fits_library_version (void)
{
  float f = 0;
  long n;

  ffvers (&f);
  n = lround ((double) f * 10000.0);
  return g_strdup_printf ("%ld.%ld.%ld", n / 10000, n / 100 % 100, n % 100);
}

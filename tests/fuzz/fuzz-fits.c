/* fuzz-fits.c: FITS headers, WCS and tables through cfitsio (vo-fits.c).
 * The public API takes a path, so each input is written to one private
 * temporary file (made once per process) and read back by
 * vo_fits_image_get_size, vo_fits_image_get_footprint, vo_fits_table_read
 * and vo_fits_table_to_votable.  Seeds: small files made by
 * make-fits-seeds.py (astropy), see build.sh. */
#include "fuzz-common.h"
#include "vo-fits.h"
#include <stdio.h>
#include <unistd.h>

static char *tmp_path;

static void
remove_tmp (void)
{
  if (tmp_path != NULL)
    unlink (tmp_path);
}

static gboolean
on_row (const VoCell *cells, guint n_cells, gpointer user_data)
{
  GString *out = user_data;
  for (guint i = 0; i < n_cells; i++)
    {
      g_string_truncate (out, 0);
      vo_cell_to_string (&cells[i], out);
    }
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init_once ();
  if (tmp_path == NULL)
    {
      GError *error = NULL;
      int fd = g_file_open_tmp ("fuzz-fits-XXXXXX.fits", &tmp_path, &error);
      if (fd < 0)
        abort ();
      close (fd);
      atexit (remove_tmp);
    }
  if (!g_file_set_contents (tmp_path, (const char *) data, size, NULL))
    abort ();

  long n1 = 0, n2 = 0;
  g_autoptr (GError) e1 = NULL;
  gboolean ok = vo_fits_image_get_size (tmp_path, &n1, &n2, &e1);
  fuzz_check_result (ok, e1);

  double ra[4], dec[4];
  g_autoptr (GError) e2 = NULL;
  ok = vo_fits_image_get_footprint (tmp_path, ra, dec, &e2);
  fuzz_check_result (ok, e2);

  g_autoptr (GString) out = g_string_new (NULL);
  VoTableCallbacks cb = { 0 };
  cb.row = on_row;
  g_autoptr (GError) e3 = NULL;
  ok = vo_fits_table_read (tmp_path, &cb, out, &e3);
  fuzz_check_result (ok, e3);

  if (ok)
    {
      g_autoptr (GOutputStream) mem = g_memory_output_stream_new_resizable ();
      g_autoptr (GError) e4 = NULL;
      ok = vo_fits_table_to_votable (tmp_path, mem, &e4);
      fuzz_check_result (ok, e4);
    }
  return 0;
}

/* cmd-data.c: getting at the data of a result: DataLink, SODA, downloads.
 *
 * data-urls (the data URLs of a result VOTable's rows: DataLink #this for
 * CAOM2 publisherIDs, access_url or its DataLink document for ObsCore
 * rows; cadc_client_result_urls), cutout-urls (SODA CIRCLE cutouts for
 * them) and cutouts (an image query around a position in the archive's
 * data model, its cutout URLs, then the downloads: up to 32
 * at a time on the client's main context (a SODA cutout is mostly the
 * server's latency, so they overlap; bench/bench-cutouts.sh), each to a temporary name
 * renamed when complete, with one progress line on a terminal (stderr a
 * tty, not -q): files, bytes and rate, rewritten with \r at most ten
 * times a second and ended by a newline; nothing when piped; every file
 * is then checked to be a FITS image and removed if not).  Shared
 * plumbing: cmd-archive.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

#include "cmd-archive-private.h"
#include "vo-fits.h"
#include "vo-coords.h"
#include "vo-error.h"
#include "vo-sync.h"

static void
print_list (char **urls)
{
  for (guint i = 0; urls[i] != NULL; i++)
    {
      g_autofree char *u = cs_safe (urls[i]);
      printf ("%s\n", u);
    }
}

/* POSITION RADIUS, ICRS degrees (cadc_client_result_urls converts for
 * CAOM2). */
static gboolean
parse_circle (const char *pos_text, const char *radius_text, double *ra, double *dec,
              double *r, GError **error)
{
  return vo_coords_parse_position (pos_text, ra, dec, error)
         && vo_coords_parse_radius (radius_text, r, error);
}

/* The URLs of @kind for the result file @path, printed one per line. */
static int
print_result_urls (CsGlobalOptions *g, const char *path, CadcUrlKind kind, double ra,
                   double dec, double r)
{
  GError *error = NULL;
  g_autoptr(CadcClient) c = NULL;
  g_auto(GStrv) urls = NULL;
  VoTable *t = cadc_result_load (path, &error);

  if (t == NULL)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  c = cmd_archive_make_client (g, &error);
  if (c == NULL)
    {
      vo_table_free (t);
      return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
    }
  urls = cadc_client_result_urls (c, t, kind, ra, dec, r, &error);
  if (urls == NULL)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  print_list (urls);
  return CS_EXIT_OK;
}

static int
cmd_data_urls (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  gboolean aux = FALSE;
  int rc;
  GOptionEntry entries[] = {
    { "aux", 0, 0, G_OPTION_ARG_NONE, &aux, "also the other links (previews, auxiliary files)", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };

  static const CliCommandLine cl = {
    "Usage: cadc-samp data-urls [--aux] RESULT\n\n"
      "Data URLs (with --aux also previews etc.) for the rows of a result\n"
      "VOTable (file, or - for stdin): a CAOM2 result's publisherIDs through\n"
      "the archive's DataLink service (#this); an ObsCore result's access_url,\n"
      "or the #this links of the DataLink document it points to.\n",
    1, 1, "give one RESULT file",
  };

  if (!cmd_archive_parse_command (g, argc, argv, &cl, entries, pos, &rc))
    return rc;
  return print_result_urls (g, pos->pdata[0], aux ? CADC_URLS_AUX : CADC_URLS_DATA, 0, 0, 0);
}

static int
cmd_cutout_urls (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  int rc;
  GError *error = NULL;
  g_autofree char *ptext = NULL;
  double ra, dec, r;

  static const CliCommandLine cl = {
    "Usage: cadc-samp cutout-urls RESULT POSITION RADIUS\n\n"
      "SODA cutout URLs (CIRCLE) for the rows of a result VOTable: from the\n"
      "DataLink service (CAOM2) or the DataLink document of each ObsCore row;\n"
      "a row that is a direct download has a cutout only when the result\n"
      "offers a SODA service, else it is reported.\n",
    3, G_MAXUINT, "RESULT POSITION RADIUS expected",
  };

  if (!cmd_archive_parse_command (g, argc, argv, &cl, NULL, pos, &rc))
    return rc;
  ptext = cmd_archive_join_args (pos, 1, pos->len - 1);
  if (!parse_circle (ptext, pos->pdata[pos->len - 1], &ra, &dec, &r, &error))
    return cmd_archive_usage_error ("cutout-urls", error);
  return print_result_urls (g, pos->pdata[0], CADC_URLS_CUTOUT, ra, dec, r);
}

/* Each cutout costs the archive's latency (SODA computes it on request)
 * more than bandwidth: with 4 at a time, 20 cutouts at 100 ms each took
 * 6 rounds, 4x curl --parallel (which runs 50).  32 keeps a burst of
 * cutouts in one or two rounds; libcurl's connection pool reuses them.
 * --parallel N lowers it (a slow link, an archive's fair-use policy) or
 * raises it up to PARALLEL_MAX. */
#define PARALLEL_DOWNLOADS 32
#define PARALLEL_MAX 64

typedef struct {
  CadcClient *client;
  char **urls;
  char *dir;
  guint next, running, done, failed, total;
  guint parallel;         /* downloads at a time */
  guint io_failed;        /* failed writing here, not in the archive */
  guint64 bytes;          /* of the files done */
  guint64 live;           /* received so far by the downloads running */
  gboolean tty;
  GPtrArray *paths;
  gint64 start, shown;    /* monotonic µs: the first request, the last line */
  int width;              /* of the last line, to blank what it leaves */
} Downloads;

static void start_next (Downloads *d);

/* The progress line: "cutouts: 3/20 files, 1.2 MB, 850.0 kB/s", at most
 * every 100 ms unless @force (a file finished). */
static void
show_progress (Downloads *d, gboolean force)
{
  gint64 now = g_get_monotonic_time ();
  guint64 bytes = d->bytes + d->live;
  double secs = (double) (now - d->start) / G_USEC_PER_SEC;
  g_autofree char *size = g_format_size (bytes);
  g_autofree char *rate = g_format_size (secs > 0.05 ? (guint64) ((double) bytes / secs) : 0);
  g_autofree char *line = NULL;
  int n;

  if (!d->tty || (!force && now - d->shown < 100000))
    return;
  d->shown = now;
  if (d->failed > 0)
    line = g_strdup_printf ("cutouts: %u/%u files (%u failed), %s, %s/s", d->done, d->total,
                            d->failed, size, rate);
  else
    line = g_strdup_printf ("cutouts: %u/%u files, %s, %s/s", d->done, d->total, size, rate);
  n = (int) g_utf8_strlen (line, -1);
  fprintf (stderr, "\r%s%*s", line, d->width > n ? d->width - n : 0, "");
  d->width = n;
  fflush (stderr);
}

typedef struct {
  Downloads *d;
  char *path;
  char *url;
  guint64 seen;           /* bytes received so far */
} One;

static void
on_bytes (guint64 bytes, gpointer data)
{
  One *o = data;

  o->d->live += bytes - MIN (bytes, o->seen);
  o->seen = MAX (bytes, o->seen);
  show_progress (o->d, FALSE);
}

static void
one_done (GObject *src, GAsyncResult *res, gpointer data)
{
  One *o = data;
  Downloads *d = o->d;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  (void) src;
  d->running--;
  d->done++;
  d->live -= MIN (d->live, o->seen);
  if (!cadc_client_download_finish (d->client, res, &error))
    {
      d->failed++;
      if (cli_exit_code (CLI_STAGE_ARCHIVE, error) == CS_EXIT_IO)
        d->io_failed++;
      if (d->tty && d->width > 0)
        fprintf (stderr, "\n");
      d->width = 0;
      cs_print_error ("%s", error->message);
    }
  else
    {
      if (g_stat (o->path, &st) == 0)
        d->bytes += (guint64) st.st_size;
      g_ptr_array_add (d->paths, g_strdup (o->path));
    }
  show_progress (d, TRUE);
  g_free (o->path);
  g_free (o->url);
  g_free (o);
  start_next (d);
}

static void
start_next (Downloads *d)
{
  while (d->running < d->parallel && d->urls[d->next] != NULL)
    {
      One *o = g_new0 (One, 1);
      g_autofree char *name = g_strdup_printf ("cutout-%03u.fits", d->next + 1);
      o->d = d;
      o->url = g_strdup (d->urls[d->next]);
      o->path = g_build_filename (d->dir, name, NULL);
      d->next++;
      d->running++;
      cadc_client_download_async (d->client, o->url, o->path, on_bytes, o, NULL, one_done, o);
    }
}

static void
start_downloads (gpointer data)
{
  start_next (data);
}

static gboolean
all_done (gpointer data)
{
  Downloads *d = data;

  return d->done >= d->total;
}

/* Opens each downloaded file as FITS (cfitsio through vo-fits when
 * available): a file that is not FITS counts as failed and is removed. */
static gboolean
check_fits (const char *path, GError **error)
{
  long nx = 0, ny = 0;

  if (!vo_fits_image_get_size (path, &nx, &ny, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  if (nx <= 0 || ny <= 0)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE, "%s: empty FITS image", path);
      return FALSE;
    }
  return TRUE;
}

/* The download directory, made and checked writable before any request
 * (a file is made and removed): a directory that cannot take the files is
 * a local I/O error (exit 5), found before the archive is asked. */
static gboolean
prepare_dir (const char *dir, GError **error)
{
  g_autofree char *probe = g_build_filename (dir, ".cadc-samp-probe-XXXXXX", NULL);
  int fd;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "cannot create %s: %s",
                   dir, g_strerror (e));
      return FALSE;
    }
  fd = g_mkstemp_full (probe, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   "cannot write into %s: %s", dir, g_strerror (e));
      return FALSE;
    }
  close (fd);
  g_unlink (probe);
  return TRUE;
}

static int
cmd_cutouts (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  g_autofree char *collection = NULL, *dir_opt = NULL, *conf_collection = NULL;
  gboolean urls_only = FALSE;
  gint parallel = PARALLEL_DOWNLOADS;
  int rc;
  GOptionEntry entries[] = {
    { "collection", 0, 0, G_OPTION_ARG_FILENAME, &collection, "only images of this collection", "C" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir_opt, "download into D (default: here)", "D" },
    { "parallel", 0, 0, G_OPTION_ARG_INT, &parallel,
      "download N at a time (1-" G_STRINGIFY (PARALLEL_MAX) ", default "
      G_STRINGIFY (PARALLEL_DOWNLOADS) ")", "N" },
    { "urls-only", 0, 0, G_OPTION_ARG_NONE, &urls_only, "print the cutout URLs, download nothing", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  const char *dir;
  GError *error = NULL;
  g_autoptr(CadcClient) c = NULL;
  g_autofree char *ptext = NULL;
  g_autofree char *adql = NULL;
  VoTable *t = NULL;
  g_auto(GStrv) urls = NULL;
  CadcModel model;
  double ra, dec, r;
  guint bad = 0;

  static const CliCommandLine cl = {
    "Usage: cadc-samp cutouts POSITION RADIUS [--collection C] [--dir D] [--parallel N]\n"
      "                         [--urls-only]\n\n"
      "Find images around POSITION (in the archive's data model), compute\n"
      "SODA cutout URLs (see cutout-urls) and download them (N at a time,\n"
      "32 by default) into D as cutout-NNN.fits; each file is checked to be\n"
      "FITS.  A cutout that fails (e.g. no overlap) is reported and the\n"
      "others continue.\n",
    2, G_MAXUINT, "POSITION RADIUS expected",
  };

  if (!cmd_archive_parse_command (g, argc, argv, &cl, entries, pos, &rc))
    return rc;
  if (parallel < 1 || parallel > PARALLEL_MAX)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--parallel takes 1 to %d downloads at a time, not %d", PARALLEL_MAX, parallel);
      return cmd_archive_usage_error ("cutouts", error);
    }
  dir = dir_opt != NULL ? dir_opt : ".";
  ptext = cmd_archive_join_args (pos, 0, pos->len - 1);
  if (!parse_circle (ptext, pos->pdata[pos->len - 1], &ra, &dec, &r, &error))
    return cmd_archive_usage_error ("cutouts", error);
  if (!urls_only && !prepare_dir (dir, &error))
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  c = cmd_archive_make_client (g, &error);
  if (c == NULL || !cmd_archive_model (g, c, &model, &error))
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  adql = cadc_model_adql_region (&model, ra, dec, r,
                                 cmd_archive_collection (g, collection, &conf_collection),
                                 "image");
  t = cmd_archive_query_table (c, adql, &error);
  if (t == NULL)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  if (vo_table_get_n_rows (t) == 0)
    {
      vo_table_free (t);
      fprintf (stderr, "cadc-samp: no images found\n");
      return CS_EXIT_OK;
    }
  urls = cadc_client_result_urls (c, t, CADC_URLS_CUTOUT, ra, dec, r, &error);
  if (urls == NULL)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  if (urls_only)
    {
      print_list (urls);
      return CS_EXIT_OK;
    }
  {
    Downloads d = { 0 };
    d.client = c;
    d.urls = urls;
    d.dir = (char *) dir;
    d.total = g_strv_length (urls);
    d.parallel = (guint) parallel;
    d.tty = isatty (2) && g->verbosity >= 0;
    d.paths = g_ptr_array_new_with_free_func (g_free);
    d.start = d.shown = g_get_monotonic_time ();
    vo_sync_wait (vo_http_get_context (cadc_client_get_http (c)),
                  start_downloads, all_done, &d);
    if (d.tty && d.width > 0)
      fprintf (stderr, "\n");
    for (guint i = 0; i < d.paths->len; i++)
      {
        g_autoptr(GError) e = NULL;
        if (!check_fits (d.paths->pdata[i], &e))
          {
            cs_print_error ("%s", e->message);
            g_unlink (d.paths->pdata[i]);
            bad++;
          }
        else
          {
            long nx = 0, ny = 0;
            vo_fits_image_get_size (d.paths->pdata[i], &nx, &ny, NULL);
            printf ("%s\t%ldx%ld\n", (char *) d.paths->pdata[i], nx, ny);
          }
      }
    bad += d.failed;
    g_ptr_array_unref (d.paths);
    if (bad > 0)
      {
        cs_print_error ("%u of %u cutouts failed", bad, d.total);
        if (bad < d.total)
          return CS_EXIT_FAILED;
        return d.io_failed == bad ? CS_EXIT_IO : CS_EXIT_ARCHIVE;
      }
  }
  return CS_EXIT_OK;
}

const CsCommand cs_command_data_urls = { "data-urls", "DataLink download URLs for a result", cmd_data_urls };
const CsCommand cs_command_cutout_urls = { "cutout-urls", "SODA cutout URLs for a result", cmd_cutout_urls };
const CsCommand cs_command_cutouts = { "cutouts", "find and download image cutouts", cmd_cutouts };

/* cadc-client-data.c: VOSI tables, DataLink/SODA URLs and downloads.
 *
 * Tables: {tap}/tables or {tap}/tables/NAME, returned raw for vo-vosi
 * (the data model's lookup reads them in cadc-client-discover.c).
 * DataLink: the publisherIDs of a result (a file or stdin) are sent in
 * batches to the DataLink endpoint; each answer is parsed by vo-datalink
 * and gives either the data URLs (#this, with --aux the rest) or, through
 * vo-soda, SODA CIRCLE cutout URLs; per-ID errors are warned about, not
 * fatal.  Downloads go to "NAME.part-XXXXXX" in the target directory and
 * are renamed when complete; a failed download (HTTP error, 204 "no
 * overlap", write error) leaves nothing behind.
 */
#include "config.h"

#include "cadc-client-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "vo-cleanup.h"
#include "vo-datalink.h"
#include "vo-error.h"
#include "vo-soda.h"
#include "vo-sync.h"

GBytes *
cadc_client_get_tables (CadcClient *c, const char *name, GError **error)
{
  g_autofree char *tap = cadc_client_get_tap_url (c, error);
  g_autofree char *url = NULL;

  if (tap == NULL)
    return NULL;
  if (name != NULL)
    {
      g_autofree char *esc = vo_http_escape (name);
      url = g_strconcat (tap, "/tables/", esc, NULL);
    }
  else
    url = g_strconcat (tap, "/tables", NULL);
  return cadc_client_fetch (c, url, VO_LIMIT_VOSI_TABLES, "a VOSI tables document", error);
}

char **
cadc_publisher_ids_from_file (const char *path, GError **error)
{
  g_autoptr(VoTable) t = cadc_result_load (path, error);
  char **ids;

  if (t == NULL)
    return NULL;
  ids = cadc_result_column (t, "publisherID");
  if (ids == NULL)
    g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
                 "publisherID column missing from %s", strcmp (path, "-") == 0 ? "stdin" : path);
  return ids;
}

/* A DataLink look-up: the IDs' batches fetched one after the other, the
 * URLs asked for collected from each answer. */
typedef struct {
  CadcClient *client;
  GCancellable *closed;
  char **ids;
  gboolean cutouts;       /* SODA cutouts, else DataLink data URLs */
  gboolean aux;
  double ra, dec, radius;
  char **batches;         /* request URLs */
  guint next;
  GPtrArray *out;
} UrlCollect;

static void
url_collect_free (UrlCollect *u)
{
  g_object_unref (u->closed);
  g_strfreev (u->ids);
  g_strfreev (u->batches);
  g_clear_pointer (&u->out, g_ptr_array_unref);
  g_free (u);
}

static void next_batch (GTask *task);

/* The URLs asked for, from one DataLink answer; per-ID errors warned. */
static void
batch_done (GObject *src, GAsyncResult *res, gpointer data)
{
  GTask *task = data;
  UrlCollect *u = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(VoDatalink) dl = NULL;
  g_auto(GStrv) urls = NULL;
  const char *d;
  gsize n;

  (void) src;
  if (cadc_client_task_closed (u->closed, task))
    {
      g_object_unref (task);
      return;
    }
  body = cadc_client_fetch_finish (u->client, res, &error);
  if (body != NULL)
    {
      d = g_bytes_get_data (body, &n);
      dl = vo_datalink_parse (d, n, &error);
    }
  if (dl == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  urls = u->cutouts ? vo_soda_cutout_urls (dl, u->ra, u->dec, u->radius)
                    : vo_datalink_dup_data_urls (dl, u->aux);
  for (guint i = 0; urls[i] != NULL; i++)
    g_ptr_array_add (u->out, g_strdup (urls[i]));
  for (guint k = 0; k < dl->errors->len; k++)
    {
      VoDatalinkRow *row = dl->errors->pdata[k];
      g_warning ("DataLink: %s: %s", row->id ? row->id : "?",
                 row->error_message ? row->error_message : "no link");
    }
  next_batch (task);
}

static void
next_batch (GTask *task)
{
  UrlCollect *u = g_task_get_task_data (task);
  const char *url = u->batches[u->next];

  if (url == NULL)
    {
      g_ptr_array_add (u->out, NULL);
      g_task_return_pointer (task, g_ptr_array_free (g_steal_pointer (&u->out), FALSE),
                             (GDestroyNotify) g_strfreev);
      g_object_unref (task);
      return;
    }
  u->next++;
  cadc_client_fetch_async (u->client, url, VO_LIMIT_DATALINK, "a DataLink document",
                           g_task_get_cancellable (task), batch_done, task);
}

static void
collect_datalink_ready (GObject *src, GAsyncResult *res, gpointer data)
{
  GTask *task = data;
  UrlCollect *u = g_task_get_task_data (task);
  GError *error = NULL;

  (void) src;
  if (!cadc_client_datalink_ready_finish (u->client, res, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (cadc_client_task_closed (u->closed, task))
    {
      g_object_unref (task);
      return;
    }
  u->batches = vo_datalink_build_urls (u->client->datalink, (const char *const *) u->ids,
                                       g_strv_length (u->ids), 0, !u->cutouts);
  next_batch (task);
}

/* @u: (transfer full) */
static void
collect_async (CadcClient *c, const char *const *ids, UrlCollect *u, gpointer tag,
               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  u->client = c;
  u->closed = g_object_ref (c->closed);
  u->ids = g_strdupv ((char **) ids);
  u->out = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, u, (GDestroyNotify) url_collect_free);
  cadc_client_datalink_ready_async (c, cancellable, collect_datalink_ready, task);
}

void
cadc_client_data_urls_async (CadcClient *c, const char *const *ids, gboolean aux,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  UrlCollect *u = g_new0 (UrlCollect, 1);

  u->aux = aux;
  collect_async (c, ids, u, cadc_client_data_urls_async, cancellable, callback, user_data);
}

char **
cadc_client_data_urls_finish (CadcClient *c, GAsyncResult *result, GError **error)
{
  (void) c;
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
cadc_client_cutout_urls_async (CadcClient *c, const char *const *ids, double ra, double dec,
                               double radius, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  UrlCollect *u = g_new0 (UrlCollect, 1);

  u->cutouts = TRUE;
  u->ra = ra;
  u->dec = dec;
  u->radius = radius;
  collect_async (c, ids, u, cadc_client_cutout_urls_async, cancellable, callback, user_data);
}

char **
cadc_client_cutout_urls_finish (CadcClient *c, GAsyncResult *result, GError **error)
{
  return cadc_client_data_urls_finish (c, result, error);
}

/* The blocking forms. */
typedef struct {
  CadcClient *client;
  const char *const *ids;
  gboolean cutouts, aux;
  double ra, dec, radius;
} UrlArgs;

static void
urls_start (gpointer data, GAsyncReadyCallback callback, gpointer user_data)
{
  UrlArgs *a = data;

  if (a->cutouts)
    cadc_client_cutout_urls_async (a->client, a->ids, a->ra, a->dec, a->radius, NULL, callback,
                                   user_data);
  else
    cadc_client_data_urls_async (a->client, a->ids, a->aux, NULL, callback, user_data);
}

static char **
urls_sync (UrlArgs *a, GError **error)
{
  g_autoptr(GAsyncResult) res = vo_sync_run (vo_http_get_context (a->client->http), urls_start,
                                             a);

  return cadc_client_data_urls_finish (a->client, res, error);
}

char **
cadc_client_data_urls (CadcClient *c, const char *const *ids, gboolean aux, GError **error)
{
  UrlArgs a = { c, ids, FALSE, aux, 0, 0, 0 };

  return urls_sync (&a, error);
}

char **
cadc_client_cutout_urls (CadcClient *c, const char *const *ids, double ra, double dec,
                         double radius, GError **error)
{
  UrlArgs a = { c, ids, TRUE, FALSE, ra, dec, radius };

  return urls_sync (&a, error);
}

typedef struct {
  CadcClient *client;
  GCancellable *closed;
  char *path;
  char *tmp;
  int fd;
  guint64 bytes, max_bytes;   /* max_bytes 0: no cap */
  char *url;
  CadcProgressFunc progress;
  gpointer progress_data;
} Download;

static void
download_free (Download *d)
{
  g_object_unref (d->closed);
  if (d->fd >= 0)
    close (d->fd);
  if (d->tmp != NULL)
    {
      g_unlink (d->tmp);
      vo_cleanup_remove (d->tmp);
    }
  g_free (d->path);
  g_free (d->tmp);
  g_free (d->url);
  g_free (d);
}

static gboolean
download_sink (const char *data, gsize len, gpointer user_data, GError **error)
{
  Download *d = user_data;

  if (d->max_bytes > 0 && len > d->max_bytes - MIN (d->bytes, d->max_bytes))
    {
      g_autofree char *cap = g_format_size_full (d->max_bytes, G_FORMAT_SIZE_IEC_UNITS);
      g_set_error (error, VO_HTTP_ERROR, VO_HTTP_ERROR_TOO_LARGE,
                   "GET %s: the file is larger than the limit of %s; transfer aborted",
                   d->url, cap);
      return FALSE;
    }
  while (len > 0)
    {
      ssize_t w = write (d->fd, data, len);
      if (w < 0)
        {
          int e = errno;
          if (e == EINTR)
            continue;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "writing %s: %s",
                       d->tmp, g_strerror (e));
          return FALSE;
        }
      data += w;
      len -= (gsize) w;
      d->bytes += (guint64) w;
    }
  if (d->progress != NULL)
    d->progress (d->bytes, d->progress_data);
  return TRUE;
}

static void
download_done (GObject *src, GAsyncResult *res, gpointer data)
{
  GTask *task = data;
  Download *d = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(VoHttpResponse) resp = NULL;

  (void) src;
  if (cadc_client_task_closed (d->closed, task))
    {
      g_object_unref (task);
      return;
    }
  resp = vo_http_send_finish (d->client->http, res, &error);
  if (resp != NULL && vo_http_response_get_status (resp) == 204)
    error = g_error_new (VO_HTTP_ERROR, 204, "%s: HTTP 204 No Content (no overlap)",
                         vo_http_response_get_url (resp));
  if (error == NULL && (fsync (d->fd) != 0 || close (d->fd) != 0))
    {
      int e = errno;
      error = g_error_new (G_FILE_ERROR, g_file_error_from_errno (e), "writing %s: %s", d->tmp,
                           g_strerror (e));
    }
  d->fd = -1;
  if (error == NULL && g_rename (d->tmp, d->path) != 0)
    {
      int e = errno;
      error = g_error_new (G_FILE_ERROR, g_file_error_from_errno (e), "renaming to %s: %s",
                           d->path, g_strerror (e));
    }
  else if (error == NULL)
    {
      vo_cleanup_remove (d->tmp);
      g_clear_pointer (&d->tmp, g_free);
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

void
cadc_client_download_async (CadcClient *c, const char *url, const char *path,
                            CadcProgressFunc progress, gpointer progress_data,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  cadc_client_download_max_async (c, url, path, 0, progress, progress_data, cancellable,
                                  callback, user_data);
}

void
cadc_client_download_max_async (CadcClient *c, const char *url, const char *path,
                                guint64 max_bytes, CadcProgressFunc progress,
                                gpointer progress_data, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Download *d = g_new0 (Download, 1);
  VoHttpRequest *req;

  d->client = c;
  d->closed = g_object_ref (c->closed);
  d->path = g_strdup (path);
  d->tmp = g_strconcat (path, ".part-XXXXXX", NULL);
  d->url = g_strdup (url);
  d->max_bytes = max_bytes;
  d->progress = progress;
  d->progress_data = progress_data;
  d->fd = g_mkstemp_full (d->tmp, O_WRONLY | O_CLOEXEC, 0644);
  g_task_set_task_data (task, d, (GDestroyNotify) download_free);
  if (d->fd < 0)
    {
      int e = errno;
      g_clear_pointer (&d->tmp, g_free);
      g_task_return_new_error (task, G_FILE_ERROR, g_file_error_from_errno (e),
                               "cannot create a file next to %s: %s", path, g_strerror (e));
      g_object_unref (task);
      return;
    }
  vo_cleanup_add (d->tmp);      /* removed if a signal ends the process */
  req = vo_http_request_new (VO_HTTP_GET, url);
  vo_http_request_set_sink (req, download_sink, d);
  vo_http_send_async (c->http, req, cancellable, download_done, task);
}

gboolean
cadc_client_download_finish (CadcClient *c, GAsyncResult *result, GError **error)
{
  (void) c;
  return g_task_propagate_boolean (G_TASK (result), error);
}

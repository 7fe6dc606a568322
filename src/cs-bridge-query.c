/* cs-bridge-query.c: TAP /sync into a cache file, counting rows on the way.
 *
 * The body is never held in memory: each chunk goes both to the ".part"
 * file and to a VoTableReader that only counts rows and remembers the
 * QUERY_STATUS.  A malformed answer or an ERROR status fails the query and
 * the partial file is discarded.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cs-bridge-query.h"
#include "vo-votable.h"

typedef struct {
  CsBridgeCache *cache;
  char *final_path;
  FILE *out;
  VoTableReader *reader;
  gint64 start_us;
} QueryData;

void
cs_bridge_result_free (CsBridgeResult *r)
{
  if (r == NULL)
    return;
  g_free (r->path);
  g_free (r->url);
  g_free (r);
}

static void
query_data_free (QueryData *q)
{
  if (q->out)
    fclose (q->out);
  if (q->final_path)
    cs_bridge_cache_discard (q->cache, q->final_path);   /* no-op once committed */
  g_clear_pointer (&q->reader, vo_table_reader_free);
  g_free (q->final_path);
  g_free (q);
}

static gboolean
on_data (const char *data, gsize len, gpointer user_data, GError **error)
{
  QueryData *q = user_data;
  if (fwrite (data, 1, len, q->out) != len)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   "cannot write %s: %s", q->final_path, g_strerror (e));
      return FALSE;
    }
  return vo_table_reader_feed (q->reader, data, len, error);
}

static void
on_sent (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  QueryData *q = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(VoHttpResponse) resp = vo_http_send_finish ((VoHttp *) source, res, &error);

  if (resp == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!vo_table_reader_finish (q->reader, &error)
      || !vo_table_reader_check_query_status (q->reader, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  int rc = fclose (q->out);
  q->out = NULL;
  if (rc != 0)
    {
      int e = errno;
      g_task_return_new_error (task, G_FILE_ERROR, g_file_error_from_errno (e),
                               "cannot write %s: %s", q->final_path, g_strerror (e));
      return;
    }
  if (!cs_bridge_cache_commit (q->cache, q->final_path, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  CsBridgeResult *r = g_new0 (CsBridgeResult, 1);
  r->path = g_steal_pointer (&q->final_path);
  r->url = cs_bridge_cache_url (r->path);
  r->rows = vo_table_reader_get_n_rows (q->reader);
  r->overflow = vo_table_reader_get_query_status (q->reader, NULL) == VO_QUERY_STATUS_OVERFLOW;
  r->seconds = (g_get_monotonic_time () - q->start_us) / 1e6;
  g_task_return_pointer (task, r, (GDestroyNotify) cs_bridge_result_free);
}

void
cs_bridge_query_async (VoHttp *http, CsBridgeCache *cache, const char *tap_base,
                       const char *adql, guint maxrec,
                       const char *upload_name, const char *upload_path,
                       GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_bridge_query_async);
  QueryData *q = g_new0 (QueryData, 1);
  q->cache = cache;
  q->start_us = g_get_monotonic_time ();
  q->final_path = cs_bridge_cache_new_path (cache, upload_name ? "xmatch" : "query", "xml");
  g_task_set_task_data (task, q, (GDestroyNotify) query_data_free);

  g_autofree char *part = cs_bridge_cache_part_path (q->final_path);
  int fd = open (part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 || (q->out = fdopen (fd, "wb")) == NULL)
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      g_task_return_new_error (task, G_FILE_ERROR, g_file_error_from_errno (e),
                               "cannot create %s: %s", part, g_strerror (e));
      g_object_unref (task);
      return;
    }
  q->reader = vo_table_reader_new (&(VoTableCallbacks) { 0 }, NULL);

  g_autofree char *base = g_strdup (tap_base);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  g_autofree char *url = g_strconcat (base, "/sync", NULL);
  VoHttpRequest *req = vo_http_request_new (VO_HTTP_POST, url);
  vo_http_request_add_field (req, "LANG", "ADQL");
  vo_http_request_add_field (req, "REQUEST", "doQuery");
  vo_http_request_add_field (req, "FORMAT", "votable");
  vo_http_request_add_field (req, "QUERY", adql);
  if (maxrec > 0)
    {
      g_autofree char *m = g_strdup_printf ("%u", maxrec);
      vo_http_request_add_field (req, "MAXREC", m);
    }
  if (upload_name && upload_path)
    {
      /* The part must not be called "upload": TAP parameter names are
       * case-insensitive, and DaCHS then reads the file as UPLOAD. */
      g_autofree char *spec = g_strconcat (upload_name, ",param:table1", NULL);
      vo_http_request_add_field (req, "UPLOAD", spec);
      vo_http_request_add_file (req, "table1", upload_path, "table1.xml");
    }
  vo_http_request_set_sink (req, on_data, q);
  vo_http_send_async (http, req, cancellable, on_sent, task);
}

CsBridgeResult *
cs_bridge_query_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

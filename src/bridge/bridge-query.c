/* bridge-query.c: TAP /sync through CadcClient into a cache file.
 *
 * The body is never held in memory: cadc_client_query_async streams the
 * VOTable to the ".part" file while counting rows and keeping the last
 * QUERY_STATUS.  A malformed answer or an ERROR status fails the query and
 * the partial file is discarded; a complete one is made drawable by sky
 * tools (bridge-sky: a main position, STC-S) and renamed into place.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixoutputstream.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <stdio.h>

#include "bridge-query.h"
#include "bridge-sky.h"
#include "vo-error.h"

typedef struct {
  CadcClient *client;
  CsBridgeCache *cache;
  char *final_path;
  GOutputStream *out;
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
    g_output_stream_close (q->out, NULL, NULL);
  g_clear_object (&q->out);
  if (q->final_path)
    cs_bridge_cache_discard (q->cache, q->final_path);   /* no-op once committed */
  g_free (q->final_path);
  g_free (q);
}

/* Make a CAOM or ObsCore result drawable (bridge-sky) in place of
 * its ".part" file; any other table (cadc.query.adql without
 * position_bounds or s_ra/s_dec) is left as it came. */
static void
drawable (const char *final_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *part = cs_bridge_cache_part_path (final_path);
  g_autofree char *sky = g_strconcat (part, ".sky", NULL);

  if (cs_bridge_sky_rewrite (part, sky, &error))
    {
      if (rename (sky, part) != 0)
        g_warning ("cannot rename %s: %s", sky, g_strerror (errno));
    }
  else if (!g_error_matches (error, VO_ERROR, VO_ERROR_NOT_FOUND))
    g_warning ("result %s sent without RA/Dec columns: %s", final_path, error->message);
  g_unlink (sky);
}

static void
on_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  QueryData *q = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(CadcQueryResult) qr = cadc_client_query_finish (q->client, res, &error);
  (void) source;

  if (qr == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  gboolean closed = g_output_stream_close (q->out, NULL, &error);
  g_clear_object (&q->out);
  if (!closed)
    {
      g_prefix_error (&error, "cannot write %s: ", q->final_path);
      g_task_return_error (task, error);
      return;
    }
  drawable (q->final_path);
  if (!cs_bridge_cache_commit (q->cache, q->final_path, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  CsBridgeResult *r = g_new0 (CsBridgeResult, 1);
  r->path = g_steal_pointer (&q->final_path);
  r->url = cs_bridge_cache_url (r->path);
  r->rows = qr->n_rows;
  r->overflow = qr->status == VO_QUERY_STATUS_OVERFLOW;
  r->seconds = (g_get_monotonic_time () - q->start_us) / 1e6;
  g_task_return_pointer (task, r, (GDestroyNotify) cs_bridge_result_free);
}

void
cs_bridge_query_async (CadcClient *client, CsBridgeCache *cache, const char *adql,
                       guint maxrec, const char *upload_name, const char *upload_path,
                       GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_bridge_query_async);
  QueryData *q = g_new0 (QueryData, 1);
  q->client = client;
  q->cache = cache;
  q->start_us = g_get_monotonic_time ();
  q->final_path = cs_bridge_cache_new_path (cache, upload_name ? "xmatch" : "query", "xml");
  g_task_set_task_data (task, q, (GDestroyNotify) query_data_free);

  g_autofree char *part = cs_bridge_cache_part_path (q->final_path);
  int fd = open (part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int e = errno;
      g_task_return_new_error (task, G_FILE_ERROR, g_file_error_from_errno (e),
                               "cannot create %s: %s", part, g_strerror (e));
      g_object_unref (task);
      return;
    }
  q->out = g_unix_output_stream_new (fd, TRUE);

  g_autofree char *upload = upload_name && upload_path
                              ? g_strconcat (upload_name, "=", upload_path, NULL) : NULL;
  const char *uploads[] = { upload, NULL };
  CadcQueryOptions options = { maxrec > 0 ? (gint64) maxrec : -1,
                               upload ? uploads : NULL, VO_FORMAT_VOTABLE };
  cadc_client_query_async (client, adql, &options, q->out, cancellable, on_done, task);
}

CsBridgeResult *
cs_bridge_query_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* bridge-datalink.c: CadcClient DataLink calls in a worker thread.
 *
 * The CadcClient is created on a private GMainContext (its VoHttp binds to
 * the thread-default context at creation), so its synchronous calls
 * iterate only that context, whichever thread runs them.  A mutex keeps
 * one look-up at a time on the client; each GTask holds a reference to the
 * resolver so a look-up that outlives the bridge still has its client.
 * GTask's return-on-cancel lets a stopping bridge stop waiting at once.
 */
#include "config.h"

#include "bridge-datalink.h"

struct _CsBridgeDatalink {
  gint ref;
  GMutex lock;
  GMainContext *context;
  CadcClient *client;
};

static CsBridgeDatalink *
resolver_ref (CsBridgeDatalink *d)
{
  g_atomic_int_inc (&d->ref);
  return d;
}

void
cs_bridge_datalink_unref (CsBridgeDatalink *d)
{
  if (d == NULL || !g_atomic_int_dec_and_test (&d->ref))
    return;
  cadc_client_free (d->client);
  g_main_context_unref (d->context);
  g_mutex_clear (&d->lock);
  g_free (d);
}

CsBridgeDatalink *
cs_bridge_datalink_new (const CadcClientConfig *config, CadcAuth *auth)
{
  CsBridgeDatalink *d = g_new0 (CsBridgeDatalink, 1);
  d->ref = 1;
  g_mutex_init (&d->lock);
  d->context = g_main_context_new ();
  g_main_context_push_thread_default (d->context);
  d->client = cadc_client_new (config, auth);
  g_main_context_pop_thread_default (d->context);
  return d;
}

typedef struct {
  CsBridgeDatalink *resolver;
  char **ids;
  gboolean cutouts;
  double ra, dec, radius;
} Lookup;

static void
lookup_free (Lookup *l)
{
  cs_bridge_datalink_unref (l->resolver);
  g_strfreev (l->ids);
  g_free (l);
}

static void
run_lookup (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Lookup *l = task_data;
  CsBridgeDatalink *d = l->resolver;
  GError *error = NULL;
  char **urls;
  (void) source;
  (void) cancellable;

  g_mutex_lock (&d->lock);
  if (l->cutouts)
    urls = cadc_client_cutout_urls (d->client, (const char *const *) l->ids, l->ra, l->dec,
                                    l->radius, &error);
  else
    urls = cadc_client_data_urls (d->client, (const char *const *) l->ids, FALSE, &error);
  g_mutex_unlock (&d->lock);
  if (urls == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, urls, (GDestroyNotify) g_strfreev);
}

static void
start (CsBridgeDatalink *d, Lookup *l, GCancellable *cancellable,
       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  l->resolver = resolver_ref (d);
  g_task_set_source_tag (task, start);
  g_task_set_task_data (task, l, (GDestroyNotify) lookup_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, run_lookup);
}

void
cs_bridge_datalink_data_urls_async (CsBridgeDatalink *d, const char *const *ids,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  Lookup *l = g_new0 (Lookup, 1);
  l->ids = g_strdupv ((char **) ids);
  start (d, l, cancellable, callback, user_data);
}

void
cs_bridge_datalink_cutout_urls_async (CsBridgeDatalink *d, const char *const *ids,
                                      double ra, double dec, double radius,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  Lookup *l = g_new0 (Lookup, 1);
  l->ids = g_strdupv ((char **) ids);
  l->cutouts = TRUE;
  l->ra = ra;
  l->dec = dec;
  l->radius = radius;
  start (d, l, cancellable, callback, user_data);
}

char **
cs_bridge_datalink_urls_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

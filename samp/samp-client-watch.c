/* samp-client-watch.c: auto-reconnect, i.e. noticing hubs come and go.
 *
 * A file: lockfile is watched with a GFileMonitor on its directory (the
 * local VFS, so no GVfs module is ever loaded; inotify on Linux).  Any
 * event naming the lockfile (written, replaced by a rename, removed)
 * schedules a check after a short debounce: unregistered, we connect;
 * registered, we re-read the lockfile and, if a new hub replaced ours or
 * it is gone, drop the connection and connect again at once.  A lockfile
 * event that arrives while a connect or check is under way is remembered
 * and handled when it ends, and a connect that fails right after an event
 * (a hub that wrote its lockfile a moment before listening) is retried a
 * few times with growing delays.
 *
 * The periodic tick (WATCH_INTERVAL_MS, or $LIBSAMP_WATCH_INTERVAL_MS /
 * samp_client_set_watch_interval() for tests) pings the hub, since a hub
 * killed outright leaves its lockfile unchanged; unregistered, it retries
 * a hub whose lockfile exists.  Only when the lockfile cannot be
 * monitored (an http: lockfile, or no monitor on that filesystem) does the
 * tick also read the lockfile, asynchronously, so the main loop never
 * blocks on an http: lockfile.
 */
#include "config.h"

#include <stdlib.h>

#include "samp-client.h"
#include "samp-client-private.h"
#include "samp-error.h"
#include "samp-lockfile.h"

#define DEBOUNCE_MS 100       /* after a lockfile event: let the writer finish */
#define RETRY_FIRST_MS 250    /* connect retry after an event: 250, 500, ... */
#define RETRY_MAX 5

static void check (SampClient *self);

/* ------------------------------------------------------------ connecting */

static void schedule_check (SampClient *self, guint delay_ms);

static void
connect_done (GObject *source, GAsyncResult *res, gpointer data)
{
  SampClient *self = SAMP_CLIENT (source);
  g_autoptr(GError) error = NULL;
  gboolean ok = samp_client_connect_finish (self, res, &error);

  (void) data;
  if (ok)
    self->retries = RETRY_MAX;
  else
    g_debug ("reconnect: %s", error->message);
  if (!self->auto_reconnect)
    return;
  if (self->check_again)
    schedule_check (self, 0);   /* the lockfile changed meanwhile: look again */
  else if (!ok && self->retries < RETRY_MAX)
    {
      /* started by a lockfile event: the hub may not listen yet */
      schedule_check (self, RETRY_FIRST_MS << self->retries);
      self->retries++;
    }
}

static void
start_connect (SampClient *self)
{
  self->check_again = FALSE;
  samp_client_connect_async (self, NULL, connect_done, NULL);
}

/* ------------------------------------------------------------ lockfile checks */

static void
lockfile_read (GObject *source, GAsyncResult *res, gpointer data)
{
  SampClient *self = data;    /* a reference */
  g_autoptr(GError) error = NULL;
  g_autoptr(SampLockfile) lf = samp_lockfile_load_finish (res, &error);

  (void) source;
  self->checking = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->auto_reconnect)
    {
      /* a watch restarted meanwhile may have left a check for us */
      if (self->auto_reconnect && self->check_again)
        check (self);
      g_object_unref (self);
      return;
    }
  if (self->connected
      && (lf == NULL || g_strcmp0 (lf->secret, self->lockfile->secret) != 0
          || g_strcmp0 (lf->hub_url, self->lockfile->hub_url) != 0))
    {
      samp_client_hub_lost (self, lf ? "a new hub replaced ours" : "hub lockfile removed");
      if (lf != NULL)
        self->check_again = TRUE;   /* register with the new hub now */
    }
  if (self->check_again)
    check (self);
  g_object_unref (self);
}

/* Act on the lockfile: connect if we are not, else verify it is still
 * our hub's.  Never blocks. */
static void
check (SampClient *self)
{
  if (self->connecting || self->checking)
    {
      self->check_again = TRUE;
      return;
    }
  self->check_again = FALSE;
  if (!self->connected)
    {
      start_connect (self);
      return;
    }
  self->checking = TRUE;
  samp_lockfile_load_async (self->lockfile_url, PING_TIMEOUT_MS, self->watch_cancel,
                            lockfile_read, g_object_ref (self));
}

static gboolean
check_cb (gpointer data)
{
  SampClient *self = data;

  self->check_id = 0;
  check (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_check (SampClient *self, guint delay_ms)
{
  GSource *src;

  if (self->check_id != 0)
    {
      src = g_main_context_find_source_by_id (self->context, self->check_id);
      if (src)
        g_source_destroy (src);
    }
  src = g_timeout_source_new (delay_ms);
  g_source_set_callback (src, check_cb, self, NULL);
  self->check_id = g_source_attach (src, self->context);
  g_source_unref (src);
}

static void
on_dir_changed (GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event,
                gpointer data)
{
  SampClient *self = data;

  (void) monitor;
  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_MOVED:
    case G_FILE_MONITOR_EVENT_RENAMED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
      break;
    default:
      return;
    }
  if (!g_file_equal (file, self->watched) && !(other && g_file_equal (other, self->watched)))
    return;
  g_debug ("lockfile event %d", (int) event);
  self->retries = 0;
  schedule_check (self, DEBOUNCE_MS);
}

/* ------------------------------------------------------------ the tick */

static void
ping_done (GObject *source, GAsyncResult *res, gpointer data)
{
  SampClient *self = SAMP_CLIENT (source);
  guint generation = GPOINTER_TO_UINT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) v = samp_client_hub_call_finish (res, &error);

  self->ping_in_flight = FALSE;
  if (v == NULL && self->connected && generation == self->generation)
    samp_client_hub_lost (self, error->message);
}

static gboolean
tick (gpointer data)
{
  SampClient *self = data;

  if (self->connecting || self->checking)
    return G_SOURCE_CONTINUE;
  if (!self->connected)
    {
      /* monitored: only a hub whose lockfile exists is worth a try */
      if (self->monitor == NULL || g_file_query_exists (self->watched, NULL))
        start_connect (self);
      return G_SOURCE_CONTINUE;
    }
  if (self->monitor == NULL)
    check (self);               /* poll the lockfile (async) */
  if (!self->ping_in_flight)
    {
      self->ping_in_flight = TRUE;
      samp_client_hub_call_async (self, self->hub_url, "samp.hub.ping", NULL, PING_TIMEOUT_MS,
                                  NULL, ping_done, GUINT_TO_POINTER (self->generation));
    }
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------ start / stop */

static guint
interval_ms (SampClient *self)
{
  const char *env = g_getenv (WATCH_INTERVAL_ENV);

  if (self->watch_interval_ms)
    return self->watch_interval_ms;
  if (env && *env)
    {
      guint64 v = g_ascii_strtoull (env, NULL, 10);
      if (v > 0 && v <= G_MAXUINT)
        return (guint) v;
      g_debug ("ignoring %s=%s", WATCH_INTERVAL_ENV, env);
    }
  return WATCH_INTERVAL_MS;
}

/* The monitor on the lockfile's directory, or NULL (http:, or none possible). */
static void
start_monitor (SampClient *self)
{
  g_autofree char *url = self->lockfile_url ? g_strdup (self->lockfile_url)
                                            : samp_lockfile_locate ();
  g_autofree char *path = samp_lockfile_url_to_path (url);
  g_autofree char *dirname = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GError) error = NULL;
  GVfs *local;

  if (path == NULL)
    {
      g_debug ("lockfile %s cannot be monitored: polling it", url);
      return;
    }
  /* the local VFS: g_file_new_for_path() would load the default VFS
   * (GVfs's module when installed) for nothing */
  local = g_vfs_get_local ();
  dirname = g_path_get_dirname (path);
  dir = g_vfs_get_file_for_path (local, dirname);
  self->monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (self->monitor == NULL)
    {
      g_debug ("cannot monitor %s (%s): polling the lockfile", dirname, error->message);
      return;
    }
  self->watched = g_vfs_get_file_for_path (local, path);
  g_signal_connect (self->monitor, "changed", G_CALLBACK (on_dir_changed), self);
}

void
samp_client_watch_start (SampClient *self)
{
  GSource *src;

  if (self->watch_id != 0)
    return;
  self->watch_cancel = g_cancellable_new ();
  self->retries = RETRY_MAX;
  self->check_again = FALSE;
  start_monitor (self);
  src = g_timeout_source_new (interval_ms (self));
  g_source_set_callback (src, tick, self, NULL);
  self->watch_id = g_source_attach (src, self->context);
  g_source_unref (src);
  if (!self->connected && !self->connecting)
    schedule_check (self, 0);   /* not registered yet: try now, not after a tick */
}

static void
remove_source (SampClient *self, guint *id)
{
  if (*id != 0)
    {
      GSource *src = g_main_context_find_source_by_id (self->context, *id);
      if (src)
        g_source_destroy (src);
      *id = 0;
    }
}

void
samp_client_watch_stop (SampClient *self)
{
  remove_source (self, &self->watch_id);
  remove_source (self, &self->check_id);
  if (self->monitor)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  g_clear_object (&self->watched);
  if (self->watch_cancel)
    {
      g_cancellable_cancel (self->watch_cancel);
      g_clear_object (&self->watch_cancel);
    }
  self->check_again = FALSE;
}

void
samp_client_set_auto_reconnect (SampClient *self, gboolean enable)
{
  g_return_if_fail (SAMP_IS_CLIENT (self));
  self->auto_reconnect = enable;
  if (enable)
    samp_client_watch_start (self);
  else
    samp_client_watch_stop (self);
}

void
samp_client_set_watch_interval (SampClient *self, guint interval_ms)
{
  g_return_if_fail (SAMP_IS_CLIENT (self));
  self->watch_interval_ms = interval_ms;
  if (self->watch_id != 0)
    {
      samp_client_watch_stop (self);
      samp_client_watch_start (self);
    }
}

gboolean
samp_client_is_monitoring_lockfile (SampClient *self)
{
  g_return_val_if_fail (SAMP_IS_CLIENT (self), FALSE);
  return self->monitor != NULL;
}

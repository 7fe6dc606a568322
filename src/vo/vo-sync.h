/* vo-sync.h: the one place where a synchronous call waits for async work.
 *
 * Everything that talks to the network is asynchronous (GIO style
 * _async/_finish on a GMainContext).  The command-line programs want plain
 * blocking calls; each of those is a thin wrapper that starts the async
 * operation through vo_sync_run() and hands the result to the operation's
 * _finish.  The waiting loop exists once, here (samp/ has its own: it
 * cannot depend on src/).
 *
 * The context iterated must be the one the operation's I/O runs on (a
 * VoHttp runs on the context it was created under, vo_http_get_context):
 * it is pushed as the thread-default context while the operation starts
 * and runs, so the GTasks it creates report there too.  Nothing else
 * should be running a GMainLoop on that context meanwhile: the wrappers
 * are for programs without a main loop (the CLI) and for threads that own
 * their context; code on a main loop uses the _async calls.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Starts one asynchronous operation that reports to @callback/@user_data. */
typedef void (*VoSyncStartFunc) (gpointer data, GAsyncReadyCallback callback,
                                 gpointer user_data);

/* Runs the operation @start begins to completion on @context (NULL = the
 * global default context).  Returns: (transfer full): the result to pass
 * to the operation's _finish. */
GAsyncResult *vo_sync_run (GMainContext *context, VoSyncStartFunc start, gpointer data);

/* For work that is several operations at once (parallel downloads):
 * pushes @context as thread-default, calls @start (@data) (nullable), then
 * iterates @context until @done (@data) holds. */
void vo_sync_wait (GMainContext *context, void (*start) (gpointer data),
                   gboolean (*done) (gpointer data), gpointer data);

G_END_DECLS

/* samp-client.h: a callable SAMP Standard Profile client on the GLib main loop.
 *
 * SampClient is a GObject (ref-counted; samp_client_ref/unref are
 * g_object_ref/unref).  Everything happens on the GMainContext that was
 * thread-default when the client was created; handlers and async
 * callbacks run there.  The _sync variants iterate that context while they
 * wait, so incoming messages are still served.
 *
 * Life cycle:
 *   c = samp_client_new ("name");  samp_client_set_metadata (c, "samp.description.text", "...");
 *   samp_client_subscribe (c, "table.load.votable", handler, data);
 *   samp_client_connect (c, &error);     register → declareMetadata → callback
 *                                        server → setXmlrpcCallback → declareSubscriptions
 *   ... run the main loop ...
 *   samp_client_disconnect (c);          unregister (also done by finalize)
 *
 * Signals: unregister on SIGINT/SIGTERM yourself, e.g.
 *   g_unix_signal_add (SIGTERM, on_term, loop);   on_term: samp_client_disconnect (c);
 *                                                 g_main_loop_quit (loop);
 * (samp_client_quit_on_signals() installs exactly that for SIGINT+SIGTERM.)
 *
 * Incoming calls: the HTTP request is acknowledged at once; the handler
 * then runs from the main loop and answers with samp_client_reply()
 * whenever it likes (several calls can be outstanding).  A handler that
 * returns without replying may reply later; samp.app.ping and the
 * samp.hub.event.* / samp.hub.disconnect MTypes are handled internally
 * (they still reach user handlers subscribed to them).  Callbacks whose
 * private key is not ours are refused with an XML-RPC fault.
 *
 * Signals (GObject): "hub-connected" (), "hub-lost" (const char *reason),
 * "clients-changed" (const char *client_id) after the client table
 * changed (register/unregister/metadata/subscriptions events).
 *
 * With samp_client_set_auto_reconnect (c, TRUE) the client watches the
 * lockfile (a file monitor on its directory; polled only for http:
 * lockfiles or where no monitor can be made) and pings the hub every few
 * seconds; when the hub goes away it emits "hub-lost" and re-registers
 * (same metadata and subscriptions) as soon as a hub writes its lockfile.
 * The watch runs on the client's context: enable it from that thread.
 */
#pragma once

#include "samp-api.h"
#include <gio/gio.h>

G_BEGIN_DECLS

/* SampClient's GType; SAMP_CLIENT() and SAMP_IS_CLIENT() cast and check. */
#define SAMP_TYPE_CLIENT (samp_client_get_type ())
SAMP_API GType samp_client_get_type (void);
G_DECLARE_FINAL_TYPE (SampClient, samp_client, SAMP, CLIENT, GObject)

/* @msg_id is NULL for a notification; @params is the a{sv} samp.params. */
typedef void (*SampMessageHandler) (SampClient *client, const char *sender_id,
                                    const char *msg_id, const char *mtype,
                                    GVariant *params, gpointer user_data);

/* Returns: (transfer full): an unconnected client with samp.name = @name. */
SAMP_API SampClient *samp_client_new (const char *name);
SAMP_API SampClient *samp_client_ref (SampClient *client);
SAMP_API void samp_client_unref (SampClient *client);

/* Set one metadata item (declared again at once if connected). */
SAMP_API void samp_client_set_metadata (SampClient *client, const char *key, const char *value);

/* Use this lockfile URL instead of SAMP_HUB/$HOME/.samp (tests). */
SAMP_API void samp_client_set_lockfile_url (SampClient *client, const char *url);

/* Subscribe @pattern (MType or wildcard) to @handler.  Several handlers
 * may match; each one runs.  Redeclared at once if connected. */
SAMP_API void samp_client_subscribe (SampClient *client, const char *pattern,
                            SampMessageHandler handler, gpointer user_data);

/* Find the hub, register and declare everything.  SAMP_ERROR_NO_HUB if
 * there is no lockfile or its hub does not answer (quickly: the hub is
 * pinged with a short timeout first). */
SAMP_API gboolean samp_client_connect (SampClient *client, GError **error);
SAMP_API void samp_client_connect_async (SampClient *client, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
SAMP_API gboolean samp_client_connect_finish (SampClient *client, GAsyncResult *result, GError **error);

/* Unregister (best effort, bounded by a short timeout) and stop the
 * callback server; turns auto-reconnect off.  Safe when not connected. */
SAMP_API void samp_client_disconnect (SampClient *client);

/* Install SIGINT/SIGTERM handlers that disconnect @client and quit @loop
 * (@loop may be NULL). */
SAMP_API void samp_client_quit_on_signals (SampClient *client, GMainLoop *loop);

/* Turn auto-reconnect on or off (off by default; the opening comment says
 * what it does). */
SAMP_API void samp_client_set_auto_reconnect (SampClient *client, gboolean enable);
/* The auto-reconnect period (hub ping; lockfile poll when it is not
 * monitored), in ms; 0 = the default (5000, or the environment variable
 * LIBSAMP_WATCH_INTERVAL_MS, meant for tests). */
SAMP_API void samp_client_set_watch_interval (SampClient *client, guint interval_ms);
/* TRUE when auto-reconnect watches the lockfile with a file monitor
 * (rather than polling it). */
SAMP_API gboolean samp_client_is_monitoring_lockfile (SampClient *client);

/* TRUE while registered with a hub. */
SAMP_API gboolean samp_client_is_connected (SampClient *client);
/* Returns: (transfer none) (nullable): our client id / the hub id / hub URL. */
SAMP_API const char *samp_client_get_self_id (SampClient *client);
SAMP_API const char *samp_client_get_hub_id (SampClient *client);
SAMP_API const char *samp_client_get_hub_url (SampClient *client);
/* Returns: (transfer none) (nullable): our XML-RPC callback URL. */
SAMP_API const char *samp_client_get_callback_url (SampClient *client);

/* Answer call @msg_id with @response (samp_response_new_ok/error; consumed,
 * full or floating).  Sent asynchronously; failures are logged. */
SAMP_API void samp_client_reply (SampClient *client, const char *msg_id, GVariant *response);

/* ---- messaging: @params is an a{sv} map (consumed: transfer full or floating; NULL = {}) ---- */

/* samp.hub.notify; completes when the hub has taken the message. */
SAMP_API void samp_client_notify_async (SampClient *client, const char *recipient_id,
                               const char *mtype, GVariant *params,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
SAMP_API gboolean samp_client_notify_finish (SampClient *client, GAsyncResult *result, GError **error);
SAMP_API gboolean samp_client_notify (SampClient *client, const char *recipient_id,
                             const char *mtype, GVariant *params, GError **error);
/* samp.hub.notifyAll.  _finish returns: (transfer full): the ids notified. */
SAMP_API void samp_client_notify_all_async (SampClient *client, const char *mtype, GVariant *params,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
SAMP_API char **samp_client_notify_all_finish (SampClient *client, GAsyncResult *result,
                                      GError **error);
/* Returns: (transfer full): the ids notified. */
SAMP_API char **samp_client_notify_all (SampClient *client, const char *mtype, GVariant *params,
                               GError **error);

/* samp.hub.callAndWait: Returns: (transfer full): the response map (any
 * status).  SAMP_ERROR_TIMEOUT after @timeout_s (0 = hub default: none). */
SAMP_API GVariant *samp_client_call_and_wait (SampClient *client, const char *recipient_id,
                                     const char *mtype, GVariant *params,
                                     guint timeout_s, GError **error);
SAMP_API void samp_client_call_and_wait_async (SampClient *client, const char *recipient_id,
                                      const char *mtype, GVariant *params, guint timeout_s,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
SAMP_API GVariant *samp_client_call_and_wait_finish (SampClient *client, GAsyncResult *result,
                                            GError **error);

/* samp.hub.call with our own msg-tag; completes when the recipient's
 * samp.client.receiveResponse arrives.  Returns the response map;
 * SAMP_ERROR_TIMEOUT after @timeout_s (0 = wait forever). */
SAMP_API void samp_client_call_async (SampClient *client, const char *recipient_id,
                             const char *mtype, GVariant *params, guint timeout_s,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
SAMP_API GVariant *samp_client_call_finish (SampClient *client, GAsyncResult *result, GError **error);
SAMP_API GVariant *samp_client_call (SampClient *client, const char *recipient_id, const char *mtype,
                            GVariant *params, guint timeout_s, GError **error);

/* samp.hub.callAll; completes when every recipient answered or
 * @timeout_s passed.  Returns: an a{sv} map recipient-id → response map;
 * recipients that did not answer in time get a samp.error response
 * "timed out". */
SAMP_API void samp_client_call_all_async (SampClient *client, const char *mtype, GVariant *params,
                                 guint timeout_s, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
SAMP_API GVariant *samp_client_call_all_finish (SampClient *client, GAsyncResult *result,
                                       GError **error);
SAMP_API GVariant *samp_client_call_all (SampClient *client, const char *mtype, GVariant *params,
                                guint timeout_s, GError **error);

/* samp.hub.ping (works unregistered too). */
SAMP_API gboolean samp_client_ping (SampClient *client, GError **error);

/* ---- hub queries (blocking; results come from the hub, not the cache) ---- */

/* Returns: (transfer full): ids of the other registered clients (hub included). */
SAMP_API char **samp_client_get_registered_clients (SampClient *client, GError **error);
/* Returns: (transfer full): a{sv} map id → annotation map. */
SAMP_API GVariant *samp_client_get_subscribed_clients (SampClient *client, const char *mtype,
                                              GError **error);
/* Returns: (transfer full): metadata map of @client_id. */
SAMP_API GVariant *samp_client_get_metadata (SampClient *client, const char *client_id,
                                    GError **error);
/* Returns: (transfer full): subscriptions map of @client_id. */
SAMP_API GVariant *samp_client_get_subscriptions (SampClient *client, const char *client_id,
                                         GError **error);

/* ---- the live client table (kept up to date from samp.hub.event.*) ---- */

/* Returns: (transfer full): ids of the known other clients, sorted. */
SAMP_API char **samp_client_list_known_clients (SampClient *client);
/* Returns: (transfer full) (nullable): cached metadata / subscriptions. */
SAMP_API GVariant *samp_client_dup_known_metadata (SampClient *client, const char *client_id);
SAMP_API GVariant *samp_client_dup_known_subscriptions (SampClient *client, const char *client_id);
/* Returns: (transfer full) (nullable): the id of the known client whose id
 * or samp.name equals @id_or_name (ids win; names compare case-insensitively). */
SAMP_API char *samp_client_find_client (SampClient *client, const char *id_or_name);


G_END_DECLS

/* samp-hub-private.h: the seam between the hub's routing logic
 * (samp-hub.c) and its transport (samp-hub-net.c).
 *
 * The routing side sees only SAMP values as GVariant ("s", "av", "a{sv}").
 * An incoming XML-RPC call becomes a HubRequest that the routing side
 * answers at once or later (callAndWait); an outgoing delivery is a method
 * name plus parameters handed to hub_net_post(), which reports back through
 * hub_delivery_done().
 */
#pragma once

#include <gio/gio.h>
#include "samp-hub.h"

G_BEGIN_DECLS

typedef struct _HubRequest HubRequest;
typedef struct _HubNet HubNet;
typedef struct _HubClient HubClient;

/* ---- transport, implemented in samp-hub-net.c ---- */

/* Listen on 127.0.0.1:0; @on_call is invoked for each well-formed call. */
typedef void (*HubCallFunc) (SampHub *hub, const char *method,
                             GVariant *params, HubRequest *request);
HubNet *hub_net_new (SampHub *hub, HubCallFunc on_call, GError **error);
const char *hub_net_get_url (HubNet *net);

/* Another profile's server (samp-hub-web.c): listen on 127.0.0.1:@port
 * (0: any); @on_http sees each request first (its start line, headers,
 * body) and returns TRUE when it takes it (answers with
 * hub_request_respond, now or later); otherwise the body is parsed as
 * XML-RPC and handed to @on_call as usual.  @data: hub_request_get_data. */
typedef gboolean (*HubHttpFunc) (gpointer data, HubRequest *request);
HubNet *hub_net_new_full (SampHub *hub, guint16 port, HubCallFunc on_call,
                          HubHttpFunc on_http, gpointer data, GError **error);
gpointer hub_request_get_data (HubRequest *request);
/* valid until the request is answered */
const char *hub_request_get_start_line (HubRequest *request);
const char *hub_request_get_header (HubRequest *request, const char *name);
const char *hub_request_get_body (HubRequest *request, gsize *len);
gboolean hub_request_from_loopback (HubRequest *request);
/* A header line for the response, whichever it is (CORS). */
void hub_request_add_header (HubRequest *request, const char *name, const char *value);
/* Answer @request (consumed) in plain HTTP; @body (consumed, nullable). */
void hub_request_respond (HubRequest *request, guint status, const char *content_type,
                          GBytes *body);
void hub_net_free (HubNet *net);

/* Answer @request (consumed) with @result (floating refs sunk) or a fault. */
void hub_request_return (HubRequest *request, GVariant *result);
void hub_request_fault (HubRequest *request, const GError *error);

/* Post a call to @url; @done runs later on the hub's context with the
 * transport-level error (NULL on success; an XML-RPC fault from the client
 * is reported in @fault, not as a transport error). */
typedef void (*HubPostDone) (gpointer user_data, const GError *transport_error,
                             const GError *fault);
void hub_net_post (HubNet *net, const char *url, const char *method,
                   GVariant *params, guint timeout_s,
                   HubPostDone done, gpointer user_data);
/* Close the kept-alive connections to @url (its client unregistered or
 * changed its callback URL); a post under way closes its own when done. */
void hub_net_forget (HubNet *net, const char *url);

/* ---- routing, implemented in samp-hub.c, for other profiles ---- */

/* The routing of every samp.hub.* call (as the Standard Profile's).
 * @params must be SAMP values: the caller checks them (not checked again). */
void hub_handle_call (SampHub *hub, const char *method, GVariant *params,
                      HubRequest *request);
gboolean hub_is_running (SampHub *hub);
GMainContext *hub_get_context (SampHub *hub);
const char *hub_get_id (SampHub *hub);

/* A client whose callbacks are not HTTP posts (the Web Profile's). */
typedef struct {
  /* Take a callback: @method "receiveNotification", "receiveCall" or
   * "receiveResponse", @params ("av") its arguments without the private
   * key.  FALSE: cannot take more; the client is then unregistered. */
  gboolean (*deliver) (gpointer data, const char *method, GVariant *params);
  /* May the client send @mtype to a client subscribed with @annotation
   * (it sees only such subscriptions)?  NULL: everything. */
  gboolean (*permit_send) (gpointer data, const char *mtype, GVariant *annotation);
  /* The client was unregistered (by request, by the hub, hub stopped):
   * the HubClient must not be used after this returns. */
  void (*gone) (gpointer data);
} HubSinkFuncs;

/* Register a client (the others are told); it is not callable until
 * hub_client_set_callable().  Returns: (transfer none) (nullable) */
HubClient *hub_register_sink (SampHub *hub, const HubSinkFuncs *funcs, gpointer data,
                              GError **error);
const char *hub_client_get_id (HubClient *client);
const char *hub_client_get_key (HubClient *client);
void hub_client_set_sink_data (HubClient *client, gpointer data);
void hub_client_set_callable (HubClient *client, gboolean callable);
void hub_client_unregister (HubClient *client, const char *why);

/* ---- the Web Profile, implemented in samp-hub-web.c ---- */

typedef struct _HubWeb HubWeb;
/* NULL (and a warning logged) when its port cannot be had. */
HubWeb *hub_web_new (SampHub *hub, const SampHubWebOptions *options, GError **error);
void hub_web_free (HubWeb *web);
const char *hub_web_get_url (HubWeb *web);

/* ---- lockfile, implemented in samp-hub-lockfile.c ---- */

/* Write @lockfile (0600, atomically) naming @url with @secret: linked into
 * place when there is none, renamed over a stale one; G_IO_ERROR_EXISTS
 * if a live hub owns it. */
gboolean hub_lockfile_write (const char *lockfile, const char *secret,
                             const char *url, GError **error);
/* Remove @lockfile if it still names @url. */
void hub_lockfile_remove (const char *lockfile, const char *url);

/* Synchronous samp.hub.ping against @url, for samp_hub_is_live(). */
gboolean hub_net_ping_sync (const char *url, guint timeout_ms, GError **error);

G_END_DECLS

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

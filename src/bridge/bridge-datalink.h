/* bridge-datalink.h: DataLink look-ups of the bridge, off the main loop.
 *
 * CadcClient's DataLink calls (cadc_client_data_urls, _cutout_urls) are
 * synchronous: they iterate their client's main context until the answer
 * is in.  Called from a SAMP handler on the main loop they would either
 * re-enter every other handler or block the hub's calls to us.  A
 * CsBridgeDatalink therefore owns a second CadcClient (same registry,
 * endpoint overrides and credentials as the bridge's) on a private
 * GMainContext and runs each look-up in a worker thread, one at a time
 * (a mutex), with the archive commands' code: same discovery, same URLs.
 * Results come back on the caller's thread-default main context.
 */
#pragma once

#include <gio/gio.h>

#include "cadc-client.h"

G_BEGIN_DECLS

typedef struct _CsBridgeDatalink CsBridgeDatalink;

/* @config: copied.  @auth: (transfer full) (nullable): NULL = anonymous.
 * Returns: (transfer full).  Discovery happens on the first look-up, in
 * the worker. */
CsBridgeDatalink *cs_bridge_datalink_new (const CadcClientConfig *config, CadcAuth *auth);
/* Drops the caller's reference; a look-up still running keeps its own
 * and the client is freed when it ends. */
void cs_bridge_datalink_unref (CsBridgeDatalink *datalink);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsBridgeDatalink, cs_bridge_datalink_unref)

/* DataLink #this URLs of @ids, in order (cadc_client_data_urls).  When
 * @cancellable is cancelled the callback runs at once with
 * G_IO_ERROR_CANCELLED. */
void cs_bridge_datalink_data_urls_async (CsBridgeDatalink *datalink,
                                         const char *const *ids,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
/* SODA cutout URLs (CIRCLE @ra @dec @radius, FK5 degrees) of @ids
 * (cadc_client_cutout_urls). */
void cs_bridge_datalink_cutout_urls_async (CsBridgeDatalink *datalink,
                                           const char *const *ids, double ra, double dec,
                                           double radius, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
/* Returns: (transfer full) (nullable): NULL-terminated URLs. */
char **cs_bridge_datalink_urls_finish (GAsyncResult *result, GError **error);

G_END_DECLS

/* samp-hub.h: an embedded SAMP Standard Profile hub (SAMP 1.3).
 *
 * A SampHub runs on the thread-default GMainContext of the thread that
 * calls samp_hub_start(): an XML-RPC server on 127.0.0.1 (ephemeral port)
 * implements every samp.hub.* method, and deliveries to clients are
 * asynchronous HTTP posts, queued per client, so one slow client never
 * delays the others.  The lockfile is written 0600 and atomically where
 * SAMP says (SAMP_HUB=std-lockurl:file:... or $HOME/.samp) and removed by
 * samp_hub_stop().
 */
#pragma once

#include "samp-api.h"
#include <glib.h>

G_BEGIN_DECLS

/* An embedded hub (opaque; samp_hub_free() frees it, g_autoptr works). */
typedef struct _SampHub SampHub;

/* Returns: (transfer full): a hub that is not yet running. */
SAMP_API SampHub *samp_hub_new (void);

/* Use @path as the lockfile instead of the standard location (tests).
 * Must be called before samp_hub_start(). */
SAMP_API void samp_hub_set_lockfile (SampHub *hub, const char *path);

/* Seconds after which a delivery to a client that does not answer counts
 * as failed and the client is unregistered (default 30). */
SAMP_API void samp_hub_set_delivery_timeout (SampHub *hub, guint seconds);

/* Start listening and write the lockfile.  Fails (G_IO_ERROR_EXISTS) if a
 * live hub already owns the lockfile; a stale lockfile is replaced. */
SAMP_API gboolean samp_hub_start (SampHub *hub, GError **error);

/* Send samp.hub.event.shutdown to every client (iterating the hub's
 * context for at most a couple of seconds while the deliveries go out),
 * remove the lockfile, close the server.  Safe to call twice, and on a
 * hub that never started. */
SAMP_API void samp_hub_stop (SampHub *hub);

/* Returns: (transfer none) (nullable): the hub's XML-RPC URL once started. */
SAMP_API const char *samp_hub_get_url (SampHub *hub);

/* Returns: (transfer none) (nullable): the lockfile path once started. */
SAMP_API const char *samp_hub_get_lockfile (SampHub *hub);

/* Number of registered clients, the hub itself excluded. */
SAMP_API guint samp_hub_get_n_clients (SampHub *hub);

/* Stops the hub if needed, then frees it. */
SAMP_API void samp_hub_free (SampHub *hub);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SampHub, samp_hub_free)

/* Path of the Standard Profile lockfile: the file named by
 * SAMP_HUB=std-lockurl:file:..., else $HOME/.samp.  Returns NULL with
 * @error set when SAMP_HUB names a non-file lockurl.
 * Returns: (transfer full) (nullable) */
SAMP_API char *samp_hub_lockfile_path (GError **error);

/* TRUE if the lockfile at @lockfile (NULL: the standard one) names a hub
 * that answers samp.hub.ping within @timeout_ms.  Blocks at most that long. */
SAMP_API gboolean samp_hub_is_live (const char *lockfile, guint timeout_ms);

G_END_DECLS

/* cs-bridge.h: the SAMP <-> CADC bridge behind `cadc-samp listen`.
 *
 * A CsBridge registers with the hub as "cadc-samp", subscribes to the
 * MTypes listed in doc/MTYPES.md and answers them by querying the TAP
 * service; result tables are written to a private cache and offered to the
 * other peers as file:// URLs with table.load.votable.  Everything runs on
 * the thread-default main context.
 */
#pragma once

#include <glib.h>

#include "cs-bridge-config.h"

G_BEGIN_DECLS

typedef struct _CsBridge CsBridge;

/* @config: (transfer full).  @tap_base: TAP base URL.  @lockfile_url:
 * (nullable) lockfile URL for tests, NULL = SAMP_HUB / ~/.samp.
 * Returns: (transfer full) (nullable). */
CsBridge *cs_bridge_new (CsBridgeConfig *config, const char *tap_base, GError **error);
void cs_bridge_free (CsBridge *bridge);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsBridge, cs_bridge_free)

/* Connect to the hub (starting one in-process when the hub mode says so),
 * register and subscribe.  @loop is quit when --once is done.
 * SAMP_ERROR_NO_HUB when there is no hub and the mode is "never". */
gboolean cs_bridge_start (CsBridge *bridge, GMainLoop *loop, GError **error);

/* Handle a position as if a peer had pointed at it (for `listen POSITION`). */
void cs_bridge_point_at (CsBridge *bridge, double ra, double dec);

/* Cancel queries in flight, unregister, stop our hub if we run one. */
void cs_bridge_stop (CsBridge *bridge);

/* Number of TAP queries started so far (for logs and tests). */
guint cs_bridge_get_n_queries (CsBridge *bridge);

G_END_DECLS

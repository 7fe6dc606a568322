/* bridge.h: the SAMP <-> CADC bridge behind `cadc-samp listen`.
 *
 * A CsBridge registers with the hub as "cadc-samp", subscribes to the
 * MTypes listed in doc/MTYPES.md and answers them by querying the TAP
 * service; result tables are written to a private cache and offered to the
 * other peers as file:// URLs with table.load.votable.  Everything runs on
 * the thread-default main context.
 */
#pragma once

#include <glib.h>

#include "cadc-client.h"
#include "bridge-config.h"

G_BEGIN_DECLS

typedef struct _CsBridge CsBridge;

/* One archive to query: @name as `listen --archive` takes it ("cadc"),
 * @label what its tables are named after ("CADC"), @collection its own
 * default collection (nullable: listen's), @client its endpoints and data
 * model (as the archive commands take them). */
typedef struct {
  const char *name;
  const char *label;
  const char *collection;
  gboolean anonymous;       /* no credentials (a named archive's default) */
  CadcClientConfig client;
} CsBridgeArchiveSpec;

/* @config: (transfer full).  @archives: the @n_archives (at least one)
 * archives every position, table and image is sent to, each its own
 * query, at once; the user's credentials (cadc_auth_load) go to each
 * that is not @anonymous.  Returns: (transfer full) (nullable). */
CsBridge *cs_bridge_new (CsBridgeConfig *config, const CsBridgeArchiveSpec *archives,
                         guint n_archives, GError **error);
void cs_bridge_free (CsBridge *bridge);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsBridge, cs_bridge_free)

/* Discover the TAP service (registry lookup unless overridden), connect to
 * the hub (starting one in-process when the hub mode says so), register
 * and subscribe.  @loop is quit when --once is done.  SAMP_ERROR_NO_HUB
 * when there is no hub and the mode is "never"; the CadcClient's errors
 * when the TAP service cannot be found. */
gboolean cs_bridge_start (CsBridge *bridge, GMainLoop *loop, GError **error);

/* The first discovery of each archive, as it goes (for a progress line on
 * a terminal).  With a function set before cs_bridge_start, a failed
 * first discovery is tried again in the background after the client's
 * wait (2 s doubling to 60 s) until it succeeds or the bridge stops, and
 * the function is told each attempt, each second of each wait, and the
 * end; without one, a failure is one log line and the next request looks
 * the archive up again. */
typedef struct {
  const char *archive;      /* its label: "CADC" */
  const char *contact;      /* "registry URL" or "TAP service URL" */
  guint attempt;            /* 1, 2, ... */
  guint next_in_s;          /* 0: attempt running; else: failed, next in N s */
  gboolean unreachable;     /* (waiting) the last attempt could not reach it */
  gboolean done;            /* found: nothing more for this archive */
} CsBridgeDiscoveryProgress;
typedef void (*CsBridgeDiscoveryFunc) (const CsBridgeDiscoveryProgress *progress,
                                       gpointer user_data);
void cs_bridge_set_discovery_func (CsBridge *bridge, CsBridgeDiscoveryFunc func,
                                   gpointer user_data);

/* Handle a position as if a peer had pointed at it (for `listen POSITION`). */
void cs_bridge_point_at (CsBridge *bridge, double ra, double dec);

/* Query the footprint of the FITS image @path as if a peer had sent it
 * with image.load.fits (for `listen --image FILE`). */
void cs_bridge_load_image (CsBridge *bridge, const char *path);

/* Cancel queries in flight, unregister, stop our hub if we run one. */
void cs_bridge_stop (CsBridge *bridge);

/* Number of TAP queries started so far (for logs and tests). */
guint cs_bridge_get_n_queries (CsBridge *bridge);
/* Number of requests that failed so far (a query, a DataLink look-up, a
 * peer's or --image's file): `listen --once` exits non-zero when any did. */
guint cs_bridge_get_n_failures (CsBridge *bridge);

G_END_DECLS

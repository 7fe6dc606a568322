/* bridge-core.h: the core of the bridge, which every flow calls.
 *
 * The bridge is cut along what a peer can ask of it.  Calls go one way:
 *
 *   bridge.c (life cycle: new, start, stop; subscribes each flow)
 *     -> flows: bridge-positions.c   coord.pointAt.sky, coalesced
 *               bridge-calls.c       cadc.query.region/.name/.adql
 *               bridge-peer-tables.c table.load.votable/.fits: crossmatch
 *               bridge-peer-images.c image.load.fits, --image: footprint
 *               bridge-rows.c        table.highlight.row/.select.rowList
 *               bridge-cutouts.c     cadc.cutouts, cutouts of a result
 *     -> core:  bridge-core.c        the state below, SAMP replies, the
 *                                    registry of our tables, broadcasts
 *     -> services that know no CsBridge: bridge-query (one TAP query into
 *        the cache), bridge-viewers (queues to image viewers; -> bridge-ds9 -> bridge-viewer-jobs),
 *        bridge-cache, bridge-config, bridge-table, bridge-sky,
 *        bridge-footprint.
 * A flow may call a flow below it in that list's sense (positions and
 * rows use cutouts); no file calls back up.
 */
#pragma once

#include <gio/gio.h>

#include "bridge.h"
#include "cadc-client.h"
#include "bridge-cache.h"
#include "bridge-query.h"
#include "bridge-table.h"
#include "bridge-viewers.h"
#include "samp-client.h"
#include "samp-hub.h"
#include "vo-votable.h"

G_BEGIN_DECLS

/* A result table we sent with table.load.votable. */
typedef struct {
  char *table_id;
  char *url;
  char *path;
  char *name;
  VoTable *table;   /* loaded on first highlight/select */
} CsBridgeTable;

struct _CsBridge {
  CsBridgeConfig *config;
  CadcClient *cadc;           /* every archive request, on the main loop */
  SampClient *client;
  SampHub *hub;               /* NULL unless we run the hub */
  CsViewers *viewers;         /* queues of calls to the image viewers */
  GHashTable *colours;        /* collection → footprint colour index */
  CsBridgeCache *cache;
  GMainLoop *loop;
  GCancellable *cancel;       /* cancelled at stop: every query but positions */
  GHashTable *tables;         /* table-id → CsBridgeTable */
  guint n_tables;
  char *last_position_name;   /* the latest position result (viewer-frames=reuse) */
  guint n_queries;
  guint n_inflight;           /* requests whose callback has not run yet */
  guint n_failures;           /* failed queries and look-ups (--once exit status) */
  char *tap;                  /* the TAP base URL, once discovered */
  /* coalesced positions (bridge-positions.c) */
  GCancellable *position_cancel;  /* non-NULL while a position query runs */
  gboolean have_pending;
  guint settle_id;                /* quiet-period timer after a cancel */
  double pending_ra, pending_dec;
};

/* The core's part of the state (cancel, tables, colours): made by
 * cs_bridge_new, cleared by cs_bridge_free. */
void cs_bridge_core_init (CsBridge *b);
void cs_bridge_core_clear (CsBridge *b);

/* ---- our tables ---- */

CsBridgeTable *cs_bridge_find_table (CsBridge *b, const char *table_id, const char *url);
/* Record @r as one of our tables and send table.load.votable to all, as a
 * call whose replies are logged (who loaded it, who failed), named @base
 * plus its row count and sequence number.  @position: a pointAt result,
 * which replaces the previous one where a viewer can (viewer-frames). */
void cs_bridge_broadcast_table (CsBridge *b, CsBridgeResult *r, const char *base,
                                gboolean position);
/* Draw the footprints of result @r in ds9 (replacing ours), when
 * footprints=true. */
void cs_bridge_show_footprints (CsBridge *b, CsBridgeResult *r, const char *what);
/* Set the cadc-samp.last-activity metadata ("<UTC time> @what"), which
 * `cadc-samp status` shows. */
void cs_bridge_note_activity (CsBridge *b, const char *what);

/* ---- answering peers ---- */

/* @result: (nullable) (transfer floating/full). */
void cs_bridge_reply_ok (CsBridge *b, const char *msg_id, GVariant *result);
void cs_bridge_reply_error (CsBridge *b, const char *msg_id, const char *mtype,
                            const char *sender, const GError *error);
/* A non-empty string parameter, or NULL. */
const char *cs_bridge_opt_string (GVariant *params, const char *key);
/* A required string parameter; when missing, replies samp.error
 * "parameter KEY (@what) is required" (without the parenthesis when @what
 * is NULL) to @msg_id and returns NULL. */
const char *cs_bridge_require_string (CsBridge *b, GVariant *params, const char *key,
                                      const char *what, const char *msg_id,
                                      const char *mtype, const char *sender);
/* ra/dec of a SAMP params map, validated; RA normalised to [0, 360). */
gboolean cs_bridge_parse_position (GVariant *params, double *ra, double *dec,
                                   GError **error);
/* The {ra, dec, radius, collection} parameters of cadc.query.region and
 * cadc.cutouts; radius and collection default to the configuration. */
gboolean cs_bridge_parse_region_params (CsBridge *b, GVariant *params, double *ra,
                                        double *dec, double *radius,
                                        const char **collection, GError **error);
char *cs_bridge_region_adql (CsBridge *b, double ra, double dec, double radius,
                             const char *collection);

/* ---- queries ---- */

/* What a query of a peer's request does next with its result @r, which
 * was broadcast as @name.  Not called on failure (already replied to and
 * logged) nor when the bridge stops. */
typedef void (*CsBridgeQueryThen) (CsBridge *b, CsBridgeResult *r, const char *name);

/* Run @adql (with one uploaded VOTable when @upload_name is set) for a
 * peer's request: reply {url, rows} to @msg_id (nullable: already
 * answered), broadcast the result as @name, then call @then (nullable). */
void cs_bridge_run_query (CsBridge *b, const char *msg_id, const char *mtype,
                          const char *sender, const char *name, const char *adql,
                          guint maxrec, const char *upload_name, const char *upload_path,
                          CsBridgeQueryThen then);

/* ---- a peer's file ---- */

/* What to do with a peer's file once it is on disk: @path is a local file. */
typedef void (*CsBridgePeerFileFunc) (CsBridge *b, const char *sender, const char *msg_id,
                                      const char *mtype, const char *path,
                                      const char *name);
/* A file: URL or absolute path is handed to @then at once; an http(s) URL
 * is downloaded into the cache (as *.@ext) first.  @what ("table",
 * "image") names it in errors, which are replied to @msg_id. */
void cs_bridge_fetch_peer_file (CsBridge *b, const char *sender, const char *msg_id,
                                const char *mtype, const char *url, const char *name,
                                const char *ext, const char *what,
                                CsBridgePeerFileFunc then);

/* A request to the archive succeeded: the first time (when the archive
 * was unreachable at start), log the TAP service found. */
void cs_bridge_archive_answered (CsBridge *b);
/* @error of a failed archive request, prefixed with what failed for the
 * person reading it ("the CADC archive is unreachable: ..." when it could
 * not be reached). */
void cs_bridge_prefix_archive_error (GError **error, const char *what);

/* With --once, quit the loop when nothing is left to do. */
void cs_bridge_check_once (CsBridge *b);

G_END_DECLS

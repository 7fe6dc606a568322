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

/* One archive the bridge queries (listen --archive; at least one). */
typedef struct {
  char *name;                 /* "cadc", or the config section's NAME */
  char *label;                /* what its tables are named after: "CADC" */
  char *collection;           /* its own default collection, or NULL */
  CadcModel model;            /* what its tables say, once known */
  gboolean model_known;
  CadcClient *cadc;           /* its requests, on the main loop */
  char *tap;                  /* its TAP base URL, once discovered */
  char *last_position_name;   /* its latest position result (viewer-frames=reuse) */
  char *contact;              /* "registry URL" or "TAP service URL" (progress) */
  guint discovery_attempt;    /* first discovery: attempts so far */
  guint discovery_timer;      /* first discovery: the wait's 1 s ticks */
} CsBridgeArchive;

/* A result table we sent with table.load.votable. */
typedef struct {
  CsBridgeArchive *archive;   /* the archive it came from */
  char *table_id;
  char *url;
  char *path;
  char *name;
  VoTable *table;   /* loaded on first highlight/select */
} CsBridgeTable;

struct _CsBridge {
  CsBridgeConfig *config;
  GPtrArray *archives;        /* CsBridgeArchive, in order; [0] fetches peers' files */
  SampClient *client;
  SampHub *hub;               /* NULL unless we run the hub */
  CsViewers *viewers;         /* queues of calls to the image viewers */
  GHashTable *colours;        /* collection → footprint colour index */
  CsBridgeCache *cache;
  GMainLoop *loop;
  GCancellable *cancel;       /* cancelled at stop: every query but positions */
  void (*discovery_func) (const CsBridgeDiscoveryProgress *p, gpointer data);
  gpointer discovery_data;
  GHashTable *tables;         /* table-id → CsBridgeTable */
  guint n_tables;
  guint n_queries;
  guint n_inflight;           /* requests whose callback has not run yet */
  guint n_failures;           /* failed queries and look-ups (--once exit status) */
  /* coalesced positions (bridge-positions.c) */
  GCancellable *position_cancel;  /* non-NULL while position queries run */
  guint n_position_queries;       /* of them, not finished yet */
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
void cs_bridge_broadcast_table (CsBridge *b, CsBridgeArchive *a, CsBridgeResult *r,
                                const char *base, gboolean position);
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

/* ---- queries ---- */

/* What a flow asks an archive, whatever its data model: the archive's
 * model (CAOM2 or ObsCore, cadc_client_get_model_async) writes the ADQL. */
typedef enum {
  CS_BRIDGE_ASK_REGION,     /* ra, dec, radius, collection */
  CS_BRIDGE_ASK_NAME,       /* text: the target */
  CS_BRIDGE_ASK_ADQL,       /* text: the query as given */
  CS_BRIDGE_ASK_CROSSMATCH, /* upload_path (columns ra, dec), radius, collection */
  CS_BRIDGE_ASK_FOOTPRINT,  /* vertices, collection */
} CsBridgeAskKind;

typedef struct {
  CsBridgeAskKind kind;
  double ra, dec, radius;   /* ICRS degrees */
  const char *collection;   /* NULL: the archive's own, else listen's */
  const char *text;
  double vertices[8];       /* 4 corners, ICRS degrees */
  const char *upload_path;  /* a VOTable sent as TAP_UPLOAD.peer */
  guint maxrec;             /* 0: the service default */
} CsBridgeAsk;

/* Ask archive @a (@ask is copied): its model first (known after the first
 * time), then the query into the cache (bridge-query.c).  _finish
 * returns the result or NULL with the error, as cs_bridge_query_finish. */
void cs_bridge_ask_async (CsBridge *b, CsBridgeArchive *a, const CsBridgeAsk *ask,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data);
CsBridgeResult *cs_bridge_ask_finish (GAsyncResult *result, GError **error);

/* What a query of a peer's request does next with its result @r, which
 * was broadcast as @name.  Not called on failure (already replied to and
 * logged) nor when the bridge stops. */
typedef void (*CsBridgeQueryThen) (CsBridge *b, CsBridgeArchive *a, CsBridgeResult *r,
                                   const char *name);

/* Ask every archive @ask at once for a peer's request, broadcast each archive's result as
 * "LABEL @base" as soon as it is in, call @then (nullable) on it, and when
 * all are done reply to @msg_id (nullable: already answered): with one
 * archive {url, rows}, or its error; with several, samp.ok {url, rows} of
 * the first archive that answered plus "archives" (one map per archive:
 * archive, and url and rows or error), samp.warning when some failed (its
 * text names them), samp.error when all did.  A slow or failing archive
 * never delays the others' tables. */
void cs_bridge_run_query (CsBridge *b, const char *msg_id, const char *mtype,
                          const char *sender, const char *base, const CsBridgeAsk *ask,
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

/* A request to archive @a succeeded: the first time (when it was
 * unreachable at start), log the TAP service found. */
void cs_bridge_archive_answered (CsBridge *b, CsBridgeArchive *a);
/* @error of a failed request to @a, prefixed with @what failed for the
 * person reading it (NULL: "LABEL query failed", or "NAME: query failed"
 * when there are several archives) and "the LABEL archive is unreachable"
 * when it could not be reached. */
void cs_bridge_prefix_archive_error (CsBridge *b, CsBridgeArchive *a, GError **error,
                                     const char *what);

/* With --once, quit the loop when nothing is left to do. */
void cs_bridge_check_once (CsBridge *b);

G_END_DECLS

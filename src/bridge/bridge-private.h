/* bridge-private.h: the state shared by bridge.c (life cycle,
 * positions, broadcasts) and bridge-handlers.c (the other MTypes). */
#pragma once

#include <gio/gio.h>

#include "bridge.h"
#include "cadc-client.h"
#include "bridge-cache.h"
#include "bridge-datalink.h"
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
  CadcClient *cadc;           /* TAP queries and downloads, on the main loop */
  CsBridgeDatalink *datalink; /* DataLink look-ups, in a worker thread */
  char *tap;                  /* the TAP base URL, discovered at start */
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
  guint n_inflight;           /* queries whose callback has not run yet */
  guint n_cutout_jobs;        /* cutout resolutions under way */
  guint n_failures;           /* failed queries and look-ups (--once exit status) */
  /* coalesced positions */
  GCancellable *position_cancel;  /* non-NULL while a position query runs */
  gboolean have_pending;
  guint settle_id;                /* quiet-period timer after a cancel */
  double pending_ra, pending_dec;
};

CsBridgeTable *cs_bridge_find_table (CsBridge *b, const char *table_id, const char *url);
/* Record @r as one of our tables and send table.load.votable to all, as a
 * call whose replies are logged (who loaded it, who failed), named @base
 * plus its row count and sequence number.  @position: a pointAt result,
 * which replaces the previous one where a viewer can (viewer-frames). */
void cs_bridge_broadcast_table (CsBridge *b, CsBridgeResult *r, const char *base,
                                gboolean position);
/* Set the cadc-samp.last-activity metadata ("<UTC time> @what"), which
 * `cadc-samp status` shows. */
void cs_bridge_note_activity (CsBridge *b, const char *what);
/* @result: (nullable) (transfer floating/full). */
void cs_bridge_reply_ok (CsBridge *b, const char *msg_id, GVariant *result);
void cs_bridge_reply_error (CsBridge *b, const char *msg_id, const char *mtype,
                            const char *sender, const GError *error);
/* ra/dec of a SAMP params map, validated; RA normalised to [0, 360). */
gboolean cs_bridge_parse_position (GVariant *params, double *ra, double *dec,
                                   GError **error);
char *cs_bridge_region_adql (CsBridge *b, double ra, double dec, double radius,
                             const char *collection);

/* With --once, quit the loop when nothing is left to do. */
void cs_bridge_check_once (CsBridge *b);

/* bridge-handlers.c */
void cs_bridge_subscribe_handlers (CsBridge *b);
/* Send image.load.fits of cutouts of the best image planes of @r. */
void cs_bridge_send_cutouts (CsBridge *b, CsBridgeResult *r, double ra, double dec,
                             double radius);
/* The observations overlapping the footprint of the FITS image at @path,
 * broadcast as "CADC in @name".  @msg_id (nullable) is replied to. */
void cs_bridge_footprint_query (CsBridge *b, const char *sender, const char *msg_id,
                                const char *mtype, const char *path, const char *name);

/* bridge-viewers.c: draw the footprints of result @r in ds9 (replacing
 * ours), when footprints=true. */
void cs_bridge_show_footprints (CsBridge *b, CsBridgeResult *r, const char *what);

G_END_DECLS

/* bridge-flows.h: what the flows of the bridge offer each other and
 * bridge.c (the order of calls is in bridge-core.h).  Only bridge.c and
 * the flow files include it; the core never calls a flow.
 */
#pragma once

#include "bridge-core.h"

G_BEGIN_DECLS

/* Each flow subscribes its MTypes. */

void cs_bridge_positions_subscribe (CsBridge *b);
void cs_bridge_calls_subscribe (CsBridge *b);
void cs_bridge_peer_tables_subscribe (CsBridge *b);
void cs_bridge_peer_images_subscribe (CsBridge *b);
void cs_bridge_rows_subscribe (CsBridge *b);
void cs_bridge_cutouts_subscribe (CsBridge *b);

/* bridge-positions.c: stop the coalescing (cancel, forget the pending one). */
void cs_bridge_positions_stop (CsBridge *b);
/* bridge-peer-images.c: the observations overlapping the footprint of
 * the FITS image at @path, broadcast as "CADC in @name".  @msg_id
 * (nullable) is replied to. */
void cs_bridge_footprint_query (CsBridge *b, const char *sender, const char *msg_id,
                                const char *mtype, const char *path, const char *name);
/* bridge-cutouts.c: send image.load.fits of cutouts of the best image
 * planes of @r. */
void cs_bridge_send_cutouts (CsBridge *b, CsBridgeArchive *a, CsBridgeResult *r, double ra,
                             double dec, double radius);
/* bridge-cutouts.c: resolve, through archive @a, the @what ("cutout":
 * SODA circle @ra @dec @radius, ICRS degrees; "data": DataLink #this or
 * the file itself) URLs of the rows of @rows (consumed: a result's table
 * cut to those rows, vo_table_keep_rows); reply {urls} to @msg_id
 * (nullable) or send at most @max (0: all) of them to the image viewers. */
void cs_bridge_resolve_rows (CsBridge *b, CsBridgeArchive *a, VoTable *rows, const char *what,
                             double ra, double dec, double radius, guint max,
                             const char *msg_id, const char *sender);

G_END_DECLS

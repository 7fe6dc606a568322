/* bridge-footprint.h: what an image viewer is shown of a result table.
 *
 * Pure text helpers of the bridge's viewer path (no SAMP, no network),
 * tested by test-bridge-units: the ds9 region file of the
 * observations' footprints (one FK5 polygon or circle per row that has one, coloured
 * by collection, labelled with the observation ID, all in one region group
 * so they can be deleted without touching the user's regions), and the
 * human name of a product ("CFHT/2401766/2401766p").
 */
#pragma once

#include <glib.h>

#include "vo-votable.h"

G_BEGIN_DECLS

/* The ds9 region group (tag) of every footprint the bridge draws. */
#define CS_BRIDGE_REGION_TAG "cadc-samp"

/* "COLLECTION/OBSERVATION/PRODUCT" of a CAOM publisherID
 * (ivo://cadc.nrc.ca/CFHT?2401766/2401766p); a copy of @publisher_id when
 * it has another form.  Returns: (transfer full). */
char *cs_bridge_product_name (const char *publisher_id);

/* The ds9 region file of the footprints of @table: an "fk5" line, then for
 * each row whose footprint column (position_bounds, else s_region, else
 * footprint) holds a region (vo_region_parse), polygon(...) or
 * circle(ra,dec,r") in FK5 J2000 degrees with
 * color= by collection (collection / obs_collection; the first collection
 * seen gets the first colour of a fixed palette, remembered in
 * @colours: collection → GUINT_TO_POINTER (index + 1)), text={observation
 * ID} (observationID / obs_id) and tag={CS_BRIDGE_REGION_TAG}.
 * @n_polygons: (out): how many rows had a footprint.
 * Returns: (transfer full): the file text (never NULL; a table without a
 * footprint column gives a file with no region). */
char *cs_bridge_footprint_regions (const VoTable *table, GHashTable *colours,
                                   guint *n_polygons);

G_END_DECLS

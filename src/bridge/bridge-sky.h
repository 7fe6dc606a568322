/* bridge-sky.h: result tables every sky tool can draw.
 *
 * A CAOM result carries its footprint only as position_bounds (a DALI
 * polygon: "ra1 dec1 ra2 dec2 ..."), which Aladin and TOPCAT do not read
 * as a position.  cs_bridge_sky_rewrite() writes the table again with
 *   - ra, dec: the footprint's centre (deg, ICRS, UCD pos.eq.ra;meta.main /
 *     pos.eq.dec;meta.main), the same centre a highlight points at
 *     (vo_region_center);
 *   - s_region: the footprint as STC-S ("Polygon ICRS ..."), xtype
 *     adql:REGION, UCD pos.outline;obs.field;
 *   - datalink: the row's DataLink URL, when the result carries a DataLink
 *     service descriptor (meta.ref.url);
 * and the columns people scan first (collection, observationID, target,
 * instrument, band, time, calibration level, datalink, ra, dec, s_region)
 * in front; every other column follows unchanged, as do the INFOs and the
 * other RESOURCEs (the DataLink service descriptor keeps working).
 * An ObsCore result (s_ra, s_dec, no position_bounds) keeps its columns;
 * s_ra/s_dec become the main position (pos.eq.ra;meta.main, ...) and
 * ObsCore's columns people scan first (obs_collection, obs_id,
 * target_name, ...) come first.
 * Pure file-to-file: no SAMP, no network.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Names of the columns placed first, in order (those the table has). */
extern const char *const cs_bridge_sky_front_columns[];

/* Read the VOTable @in_path and write the drawable table to @out_path
 * (0600).  VO_ERROR_NOT_FOUND when it has neither a position_bounds
 * column nor s_ra and s_dec (the caller keeps @in_path as it is); VO_ERROR_PARSE, G_FILE_ERROR. */
gboolean cs_bridge_sky_rewrite (const char *in_path, const char *out_path, GError **error);

G_END_DECLS

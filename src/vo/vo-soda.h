/* vo-soda.h: SODA sync cutout URLs from DataLink service descriptors.
 *
 * astroquery get_image_list (§5.5): for every #cutout link (or #proc,
 * DaCHS's semantics for its SODA descriptor row) whose service
 * is SODA sync (standardID ivo://ivoa.net/std/SODA#sync-1.0, or "/sync"
 * in its accessURL), the URL is accessURL ? ID=..&RUNID=.. (the
 * descriptor's ID and RUNID input params, in descriptor order, non-empty
 * only) &POS=CIRCLE ra dec r, quote_plus encoded.  Other input params
 * (DaCHS lists POS, CIRCLE, POLYGON, PIXEL_n... with empty values) are not
 * copied.  Pure string building.
 */
#pragma once

#include <glib.h>

#include "vo-datalink.h"

G_BEGIN_DECLS

/* TRUE when @desc is a synchronous SODA service. */
gboolean vo_soda_descriptor_is_sync (const VoServiceDescriptor *desc);

/* "CIRCLE 131.2812539293342 54.29999417826929 0.1" (Python repr numbers).
 * Returns: (transfer full). */
char *vo_soda_circle (double ra_deg, double dec_deg, double radius_deg);

/* The cutout URL for one descriptor.  Errors: VO_ERROR_NOT_FOUND when the
 * descriptor has no accessURL or no non-empty ID param.
 * Returns: (transfer full) (nullable). */
char *vo_soda_cutout_url (const VoServiceDescriptor *desc,
                          double ra_deg, double dec_deg, double radius_deg,
                          GError **error);

/* Cutout URLs for every #cutout or #proc row of @dl with a sync descriptor, in row
 * order; rows whose descriptor lacks an ID are skipped.
 * Returns: (transfer full): NULL-terminated list (maybe empty). */
char **vo_soda_cutout_urls (const VoDatalink *dl,
                            double ra_deg, double dec_deg, double radius_deg);

G_END_DECLS

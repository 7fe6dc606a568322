/* vo-adql.h: the ADQL strings the archive client sends (CAOM2 and ObsCore).
 *
 * query_region / query_name / collections reproduce astroquery.cadc's
 * templates byte for byte (reference/cadc-protocol.md §4.1-4.3), except
 * that string literals are escaped ('' for ').  Coordinates are printed
 * with vo_format_double (Python repr); callers pass FK5 degrees as
 * astroquery does (vo_coords_icrs_to_fk5).  The crossmatch and footprint
 * queries are this project's own.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 'text' with every ' doubled.  Returns: (transfer full). */
char *vo_adql_quote (const char *text);

/* §4.1: Observation JOIN Plane within a circle; @collection and
 * @data_product_type are optional (NULL or "" = omitted).
 * Returns: (transfer full). */
char *vo_adql_query_region (double      ra_deg,
                            double      dec_deg,
                            double      radius_deg,
                            const char *collection,
                            const char *data_product_type);

/* §4.2: case-insensitive substring match on target_name. */
char *vo_adql_query_name (const char *name);

/* §4.3: "select distinct collection, energy_emBand from caom2.EnumField". */
const char *vo_adql_collections (void);

/* Crossmatch of an uploaded table: every CADC plane whose position_bounds
 * intersects a circle of @radius_deg around (u.@ra_column, u.@dec_column)
 * of tap_upload.@upload_name.  Selects u.* plus the identifying Plane and
 * Observation columns people scan (instrument, band, start time) and the
 * footprint (position_bounds), publisherID among them.  @collection optional.
 * Names must be ADQL regular identifiers (else VO_ERROR_QUERY).
 * Returns: (transfer full) (nullable). */
char *vo_adql_crossmatch (const char *upload_name,
                          const char *ra_column,
                          const char *dec_column,
                          double      radius_deg,
                          const char *collection,
                          GError    **error);

/* Observations whose position_bounds intersect the polygon of @n_vertices
 * (ra, dec) pairs in @vertices (degrees, ICRS).  At least 3 vertices.
 * Returns: (transfer full) (nullable). */
char *vo_adql_footprint (const double *vertices,
                         gsize         n_vertices,
                         const char   *collection,
                         GError      **error);

/* --- ObsCore 1.1: ivoa.obscore ---------------------------------------
 * The same queries for a service that publishes the IVOA ObsCore table.
 * Coordinates are ICRS degrees.  The position test is
 * INTERSECTS(shape, s_region) = 1, or with @point_only (a service whose
 * s_region is not an ADQL geometry) CONTAINS(POINT('ICRS', s_ra, s_dec),
 * shape) = 1.  ObsCore has no quality flag: nothing is filtered out. */

/* SELECT * within a circle; @collection (obs_collection) and
 * @data_product_type (dataproduct_type) optional.  Returns: (transfer full). */
char *vo_adql_obscore_region (double      ra_deg,
                              double      dec_deg,
                              double      radius_deg,
                              const char *collection,
                              const char *data_product_type,
                              gboolean    point_only);

/* Case-insensitive substring match on target_name. */
char *vo_adql_obscore_name (const char *name);

/* Each obs_collection (sorted) with each distinct em_min..em_max of its
 * rows: its wavebands (vo-waveband.h), as CAOM2 lists energy_emBand. */
const char *vo_adql_obscore_collections (void);

/* As vo_adql_crossmatch: u.* plus obs_collection, obs_id, target_name,
 * instrument_name, dataproduct_type, calib_level, t_min,
 * obs_publisher_did, access_url, access_format, s_ra, s_dec, s_region.
 * Returns: (transfer full) (nullable). */
char *vo_adql_obscore_crossmatch (const char *upload_name,
                                  const char *ra_column,
                                  const char *dec_column,
                                  double      radius_deg,
                                  const char *collection,
                                  gboolean    point_only,
                                  GError    **error);

/* As vo_adql_footprint, the same columns as the crossmatch.
 * Returns: (transfer full) (nullable). */
char *vo_adql_obscore_footprint (const double *vertices,
                                 gsize         n_vertices,
                                 const char   *collection,
                                 gboolean      point_only,
                                 GError      **error);

/* TRUE when @name is an ADQL regular identifier ([A-Za-z][A-Za-z0-9_]*). */
gboolean vo_adql_is_identifier (const char *name);

G_END_DECLS

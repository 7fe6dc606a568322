/* cadc-model.h: which data model a TAP service's observations follow.
 *
 * The region, name, collections, crossmatch and footprint queries exist
 * for two models (vo-adql.h): CAOM2 (CADC's caom2.Observation/Plane,
 * astroquery's queries byte for byte) and IVOA ObsCore 1.1
 * (ivoa.obscore).  A service's model is forced (--model, model= in the
 * config) or read from its VOSI tables: a caom2 schema -> CAOM2, else an
 * ivoa.obscore table -> ObsCore, else neither (an error: such a service
 * is queried with `query`).  For ObsCore the same document says whether
 * s_region is an ADQL geometry (an xtype/extendedType such as adql:REGION
 * or polygon, or no columns listed at all); if it is listed without one,
 * positions are matched on s_ra/s_dec instead.
 *
 * cadc_model_adql_* pick the writer: callers pass ICRS degrees, converted
 * to FK5 for CAOM2 as astroquery does.  Pure functions: the discovery's
 * HTTP is CadcClient's (cadc_client_get_model, cadc-client.h).
 */
#pragma once

#include <glib.h>

#include "vo-vosi.h"

G_BEGIN_DECLS

typedef enum {
  CADC_MODEL_UNKNOWN = 0,   /* not forced: discover */
  CADC_MODEL_CAOM2,
  CADC_MODEL_OBSCORE,
} CadcModelKind;

typedef struct {
  CadcModelKind kind;
  gboolean point_only;      /* ObsCore: match s_ra/s_dec, s_region is no geometry */
} CadcModel;

/* "caom2" or "obscore" (any case); NULL or "" gives CADC_MODEL_UNKNOWN.
 * Errors: G_OPTION_ERROR_BAD_VALUE naming the allowed values. */
gboolean cadc_model_parse (const char *text, CadcModelKind *kind, GError **error);
/* "caom2", "obscore" or "unknown".  (transfer none) */
const char *cadc_model_name (CadcModelKind kind);

/* The model a VOSI tableset describes (see above).  Errors:
 * VO_ERROR_NOT_FOUND when it has neither caom2 nor ivoa.obscore. */
gboolean cadc_model_from_tables (const VoVosiTableset *ts, CadcModel *model, GError **error);

/* The queries of vo-adql.h for @model (CAOM2 or ObsCore; ICRS degrees).
 * Returns: (transfer full). */
char *cadc_model_adql_region (const CadcModel *model, double ra, double dec, double radius,
                              const char *collection, const char *data_product_type);
char *cadc_model_adql_name (const CadcModel *model, const char *name);
/* (transfer none) */
const char *cadc_model_adql_collections (const CadcModel *model);
/* Returns: (transfer full) (nullable). */
char *cadc_model_adql_crossmatch (const CadcModel *model, const char *upload_name,
                                  const char *ra_column, const char *dec_column,
                                  double radius, const char *collection, GError **error);
char *cadc_model_adql_footprint (const CadcModel *model, const double *vertices,
                                 gsize n_vertices, const char *collection, GError **error);

G_END_DECLS

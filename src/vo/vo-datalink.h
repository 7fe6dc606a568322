/* vo-datalink.h: DataLink {links} responses and service descriptors.
 *
 * A DataLink response is a VOTable (read with vo-votable's VoTable): one
 * table of links, located column by column BY NAME, plus RESOURCEs
 * type="meta" utype="adhoc:service" describing services (SODA cutouts)
 * that rows point to through service_def.  Rows carrying an error_message
 * (or pointing nowhere) are kept apart as errors, for reporting.  The same
 * descriptors appear in TAP results (input PARAMs with ref= to a FIELD);
 * vo_service_descriptor_resolve fills those from a result row.
 * Request building follows astroquery: batches of IDs, quote_plus.
 */
#pragma once

#include <glib.h>

#include "vo-votable.h"

G_BEGIN_DECLS

#define VO_DATALINK_BATCH_SIZE 20

#define VO_SEMANTICS_THIS     "#this"
#define VO_SEMANTICS_CUTOUT   "#cutout"
#define VO_SEMANTICS_PROC     "#proc"     /* DaCHS's SODA descriptor row */
#define VO_SEMANTICS_PACKAGE  "#package"
#define VO_SEMANTICS_CAOM_PKG "http://www.opencadc.org/caom2#pkg"

typedef struct {
  char *name;
  char *value;     /* "" when empty; resolved from the row when ref= is set */
  char *ref;       /* nullable */
} VoServiceParam;

typedef struct {
  char      *id;                   /* RESOURCE ID (service_def target) */
  char      *access_url;           /* nullable */
  char      *standard_id;          /* nullable */
  char      *resource_identifier;  /* nullable */
  char      *content_type;         /* nullable */
  GPtrArray *input_params;         /* VoServiceParam*, descriptor order */
} VoServiceDescriptor;

void vo_service_descriptor_free (VoServiceDescriptor *desc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoServiceDescriptor, vo_service_descriptor_free)

/* The adhoc:service descriptors of any loaded VOTable (DataLink response or
 * TAP result), document order.  Returns: (transfer full). */
GPtrArray *vo_service_descriptors_from_table (const VoTable *table);

/* A copy of @desc whose input params with ref= and an empty value take
 * the value of the referenced FIELD (by ID, else name) in @row of @table.
 * Returns: (transfer full). */
VoServiceDescriptor *vo_service_descriptor_resolve (const VoServiceDescriptor *desc,
                                                    const VoTable *table,
                                                    guint row);

/* Input param by exact name.  (transfer none) (nullable) */
const VoServiceParam *vo_service_descriptor_find_param (const VoServiceDescriptor *desc,
                                                        const char *name);

typedef struct {
  char   *id;
  char   *access_url;          /* nullable, like all optional columns */
  char   *service_def;
  char   *error_message;
  char   *semantics;
  char   *local_semantics;
  char   *description;
  char   *content_type;
  gint64  content_length;      /* -1 when unknown */
  char   *content_qualifier;
  char   *link_auth;
  const VoServiceDescriptor *service;  /* resolved service_def (borrowed) */
} VoDatalinkRow;

typedef struct {
  GPtrArray     *rows;         /* VoDatalinkRow*: usable links, in order */
  GPtrArray     *errors;       /* VoDatalinkRow*: error rows, in order */
  GPtrArray     *services;     /* VoServiceDescriptor* */
  VoQueryStatus  query_status; /* last QUERY_STATUS (OK / OVERFLOW / NONE) */
} VoDatalink;

/* Parses a DataLink response.  Errors: VO_ERROR_PARSE (not a VOTable, no
 * ID / semantics / access_url column), VO_ERROR_QUERY (QUERY_STATUS=ERROR,
 * message = its text).  Returns: (transfer full) (nullable). */
VoDatalink *vo_datalink_parse (const char *data, gsize len, GError **error);
void vo_datalink_free (VoDatalink *dl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoDatalink, vo_datalink_free)

/* astroquery get_data_urls (§5.4): rows in order; #package and caom2#pkg
 * dropped; only #this unless @include_auxiliaries; rows with service_def
 * skipped (descriptor URLs are not downloads).
 * Returns: (transfer full): NULL-terminated list (maybe empty). */
char **vo_datalink_dup_data_urls (const VoDatalink *dl,
                                  gboolean include_auxiliaries);

/* "ID=<id1>&ID=<id2>...[&REQUEST=downloads-only]" (quote_plus).
 * Returns: (transfer full). */
char *vo_datalink_build_query (const char *const *ids, gsize n_ids,
                               gboolean downloads_only);

/* One request URL per batch of @batch_size IDs (0 = VO_DATALINK_BATCH_SIZE)
 * on @endpoint (which may already have a query string).
 * Returns: (transfer full): NULL-terminated list. */
char **vo_datalink_build_urls (const char *endpoint,
                               const char *const *ids, gsize n_ids,
                               gsize batch_size, gboolean downloads_only);

/* Python urllib.parse.quote_plus: unreserved A-Z a-z 0-9 _.-~ kept, space
 * -> '+', every other byte %XX (upper case).  Returns: (transfer full). */
char *vo_url_quote_plus (const char *text);

G_END_DECLS

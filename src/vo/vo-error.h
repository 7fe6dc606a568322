/* vo-error.h: the VO_ERROR domain shared by every src/vo-* module.
 *
 * A recoverable failure talking to, or reading the answer of, a VO service
 * (TAP, DataLink, SODA, VOTable parsing) is reported as a GError in this
 * domain.  HTTP and transport failures have their own domains (vo-http.h).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VO_ERROR (vo_error_quark ())

/**
 * VoError:
 * @VO_ERROR_PARSE: a document (VOTable, XML, coordinates...) is malformed.
 * @VO_ERROR_QUERY: the service reported a query failure (QUERY_STATUS=ERROR),
 *   or the query given to us is unusable.
 * @VO_ERROR_JOB_ABORTED: an asynchronous job ended ABORTED or ERROR.
 * @VO_ERROR_NOT_FOUND: a requested item (column, resource, capability) does
 *   not exist.
 * @VO_ERROR_FAILED: any other failure.
 *
 * Overflow (QUERY_STATUS=OVERFLOW) is a status, not an error: see
 * vo_table_reader_get_query_status().
 */
typedef enum {
  VO_ERROR_PARSE,
  VO_ERROR_QUERY,
  VO_ERROR_JOB_ABORTED,
  VO_ERROR_NOT_FOUND,
  VO_ERROR_FAILED,
} VoError;

GQuark vo_error_quark (void);

G_END_DECLS

/* cs-bridge-query.h: one TAP query of the bridge, streamed into the cache.
 *
 * POSTs an ADQL query (optionally with one uploaded VOTable) to TAP /sync,
 * writes the answer to a ".part" file of the cache while counting its rows
 * with the streaming VOTable reader, checks QUERY_STATUS and commits the
 * file.  Cancelling the GCancellable aborts the transfer and removes the
 * partial file.
 */
#pragma once

#include <gio/gio.h>

#include "cs-bridge-cache.h"
#include "vo-http.h"

G_BEGIN_DECLS

typedef struct {
  char *path;         /* committed file in the cache */
  char *url;          /* its file:// URL */
  guint64 rows;
  gboolean overflow;  /* QUERY_STATUS=OVERFLOW: truncated at MAXREC */
  double seconds;     /* wall time of the query */
} CsBridgeResult;

void cs_bridge_result_free (CsBridgeResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsBridgeResult, cs_bridge_result_free)

/* @upload_name/@upload_path: (nullable): a VOTable file sent as
 * UPLOAD=@upload_name,param:upload.  @maxrec 0 = the service default. */
void cs_bridge_query_async (VoHttp *http, CsBridgeCache *cache, const char *tap_base,
                            const char *adql, guint maxrec,
                            const char *upload_name, const char *upload_path,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
/* Returns: (transfer full) (nullable): the result, or NULL with @error
 * (VO_HTTP_ERROR, VO_CURL_ERROR, VO_ERROR_QUERY, VO_ERROR_PARSE,
 * G_IO_ERROR_CANCELLED, G_FILE_ERROR). */
CsBridgeResult *cs_bridge_query_finish (GAsyncResult *result, GError **error);

G_END_DECLS

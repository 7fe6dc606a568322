/* bridge-query.h: one TAP query of the bridge, streamed into the cache.
 *
 * Runs an ADQL query (optionally with one uploaded VOTable) through
 * CadcClient's TAP /sync (so endpoints, credentials and QUERY_STATUS
 * handling are the archive commands'), writing the answer to a ".part"
 * file of the cache and committing it when complete.  Cancelling the
 * GCancellable aborts the transfer and removes the partial file.
 */
#pragma once

#include <gio/gio.h>

#include "cadc-client.h"
#include "bridge-cache.h"

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
 * UPLOAD=@upload_name,param:@upload_name (the ADQL names it
 * TAP_UPLOAD.@upload_name; never "upload": DaCHS reads a part of that name
 * as the UPLOAD parameter).  @maxrec 0 = the service default.  The TAP
 * endpoint is discovered first when needed (cadc_client_query_async). */
void cs_bridge_query_async (CadcClient *client, CsBridgeCache *cache, const char *adql,
                            guint maxrec, const char *upload_name, const char *upload_path,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
/* Returns: (transfer full) (nullable): the result, or NULL with @error
 * (VO_HTTP_ERROR, VO_CURL_ERROR, VO_ERROR_QUERY, VO_ERROR_PARSE,
 * G_IO_ERROR_CANCELLED, G_FILE_ERROR). */
CsBridgeResult *cs_bridge_query_finish (GAsyncResult *result, GError **error);

G_END_DECLS

/* cadc-client-private.h: what the parts of CadcClient share.
 *
 * CadcClient is implemented in four files: cadc-client.c (construction,
 * endpoints and discovery, credentials per URL), cadc-client-tap.c (TAP
 * sync queries and the result stream), cadc-client-uws.c (async jobs)
 * and cadc-client-data.c (VOSI tables, DataLink/SODA, downloads).  This
 * header holds the struct and the few helpers that cross those files.
 * Only those files include it; everyone else uses cadc-client.h.
 */
#pragma once

#include "cadc-client.h"
#include "vo-caps.h"
#include "vo-limits.h"

G_BEGIN_DECLS

struct _CadcClient {
  VoHttp *http;
  CadcAuth *auth;
  char *registry_url;         /* NULL: try registry_fallbacks */
  char **registry_fallbacks;
  char **cookie_domains;      /* NULL: CadcAuth's default */
  char *tap;
  char *tap_caps_url;         /* from the registry, else {tap}/capabilities */
  char *datalink;
  char *login;
  VoRegistry *registry;
  GPtrArray *security;        /* SecDoc: capabilities that drive §6.3 */
  gboolean tap_security_loaded;
  gboolean verbose;
};

/* GET @url and return the body, a document held whole: the transfer is
 * aborted past @max bytes (a cap of vo-limits.h; @what names the
 * document in the error).  Returns: (transfer full) (nullable). */
GBytes *cadc_client_fetch (CadcClient *c, const char *url, gsize max, const char *what,
                           GError **error);

/* Loads the TAP capabilities for the credential choice, once, and only
 * when a token or certificate is held.  Cannot fail: an unreadable
 * document leaves TAP URLs undescribed. */
void cadc_client_ensure_tap_security (CadcClient *c);

/* A query result on its way to an output (cadc-client-tap.c): parsed
 * while it arrives, copied raw (VOTable) or re-serialised. */
typedef struct _CadcStream CadcStream;

/* @out: (nullable): NULL = parse only.  Returns: (transfer full). */
CadcStream *cadc_stream_new (GOutputStream *out, VoFormat format);
void cadc_stream_free (CadcStream *s);
/* The VoHttpDataFunc that feeds a CadcStream. */
gboolean cadc_stream_sink (const char *data, gsize len, gpointer user_data, GError **error);
/* At the end of the body: finishes parsing and writing and checks
 * QUERY_STATUS.  Returns: (transfer full) (nullable). */
CadcQueryResult *cadc_stream_finish (CadcStream *s, GError **error);

/* The TAP query parameters (REQUEST, LANG, MAXREC, QUERY, UPLOAD and the
 * upload files) on @req.  FITS tables are converted to temporary VOTables
 * whose paths are added to @temps. */
gboolean cadc_client_add_query_fields (VoHttpRequest *req, const char *adql,
                                       const CadcQueryOptions *o, GPtrArray *temps,
                                       GError **error);
/* Removes the files in @temps and frees it.  @temps: (transfer full) (nullable). */
void cadc_client_unlink_temps (GPtrArray *temps);

G_END_DECLS

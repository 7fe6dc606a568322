/* cadc-client-private.h: what the parts of CadcClient share.
 *
 * CadcClient is implemented in six files: cadc-client.c (construction,
 * credentials per URL), cadc-client-discover.c (finding the endpoints,
 * asynchronously, shared and retried), cadc-client-tap.c (TAP
 * sync queries and the result stream), cadc-client-uws.c (async jobs),
 * cadc-client-data.c (VOSI tables, the data model, DataLink/SODA,
 * downloads) and cadc-client-access.c (URLs of a result's rows).  This
 * header holds the struct and the few helpers that cross those files.
 * Only those files include it; everyone else uses cadc-client.h.
 */
#pragma once

#include "cadc-client.h"
#include "vo-caps.h"
#include "vo-limits.h"

G_BEGIN_DECLS

/* One thing to find (registry, TAP, ...): cadc-client-discover.c. */
typedef struct _CadcLookup CadcLookup;

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
  gboolean verbose;
  guint retry_ms;             /* the wait after a failed lookup, doubling */
  guint retry_max_ms;         /* ... up to this */
  CadcLookup *registry_lookup;
  CadcLookup *tap_lookup;
  CadcLookup *security_lookup;  /* the TAP capabilities, for the credentials */
  CadcLookup *datalink_lookup;
  CadcLookup *login_lookup;
  CadcLookup *model_lookup;   /* {tap}/tables, unless the model is configured */
  GCancellable *closed;       /* cancelled by cadc_client_free */
  CadcModel model;            /* kind UNKNOWN until configured or discovered */
};

/* An async step that resumes after a main-loop hop checks, through a
 * reference to c->closed taken when it started, that its client still
 * exists; if not it answers @task G_IO_ERROR_CANCELLED and returns TRUE
 * (and touches nothing else). */
gboolean cadc_client_task_closed (GCancellable *closed, GTask *task);

void cadc_client_lookups_init (CadcClient *c);
/* Lookups in flight outlive the client (their callers are told). */
void cadc_client_lookups_free (CadcClient *c);

/* Keeps @caps (transfer full) for the credential choice; @standard_id
 * NULL = every capability of the document. */
void cadc_client_add_security (CadcClient *c, VoCapabilities *caps, const char *standard_id);

/* GET @url and return the body, a document held whole: the transfer is
 * aborted past @max bytes (a cap of vo-limits.h; @what names the
 * document in the error).  Returns: (transfer full) (nullable). */
GBytes *cadc_client_fetch (CadcClient *c, const char *url, gsize max, const char *what,
                           GError **error);
void cadc_client_fetch_async (CadcClient *c, const char *url, gsize max, const char *what,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data);
GBytes *cadc_client_fetch_finish (CadcClient *c, GAsyncResult *res, GError **error);

/* TAP found (c->tap set) and, when a token or certificate is held, its
 * capabilities loaded for the credential choice (that part cannot fail:
 * an unreadable document leaves TAP URLs undescribed). */
void cadc_client_tap_ready_async (CadcClient *c, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean cadc_client_tap_ready_finish (CadcClient *c, GAsyncResult *res, GError **error);
/* TRUE when cadc_client_tap_ready_async has nothing left to do. */
gboolean cadc_client_tap_is_ready (CadcClient *c);
/* DataLink found (c->datalink set). */
void cadc_client_datalink_ready_async (CadcClient *c, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
gboolean cadc_client_datalink_ready_finish (CadcClient *c, GAsyncResult *res, GError **error);

/* The blocking form of the TAP capabilities' loading, for a TAP URL given
 * (--tap); nothing when no token or certificate is held. */
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

/* cadc-client.h: the CADC archive client (astroquery.cadc in C).
 *
 * A CadcClient knows the endpoints (TAP, DataLink, login), the credentials
 * (CadcAuth) and the HTTP session (VoHttp, one GMainContext).  Endpoints
 * come from overrides (--tap/--datalink/--login URL) or from the registry
 * (resource-caps: --registry, CADC_REGISTRY_URL, default CADC's) and each
 * service's VOSI capabilities, as CADC's own clients do; URLs are
 * normalised (no "//").  What is found is kept for the client's life;
 * failures are not (see "Asynchronous").
 *
 * Queries stream: the result VOTable is parsed while it arrives (rows
 * counted, the LAST QUERY_STATUS kept) and written to a GOutputStream as
 * the server sent it (format VOTABLE) or re-serialised (csv/tsv/table).
 * A QUERY_STATUS of ERROR fails with VO_ERROR_QUERY whose message is the
 * server's text; OVERFLOW succeeds and is reported in CadcQueryResult.
 *
 * Asynchronous: discovery, queries, DataLink/SODA URLs and downloads have
 * _async/_finish forms that only use vo_http_send_async: they never block
 * and never iterate a context, so a program with a GMainLoop (listen)
 * calls them from its callbacks.  Call them on the thread and context the
 * client was created under (its VoHttp runs there); callbacks come on the
 * caller's thread-default context.  Discovery happens on the first call
 * that needs an endpoint; callers arriving meanwhile share that lookup.
 * Found endpoints are kept; a failed lookup is tried again by a later
 * call, after a wait (2 s doubling to 60 s; a call during the wait fails
 * at once, "(next attempt in N s)"), so a client started while the
 * archive is unreachable works once it is back.  Freeing the client
 * ends the calls still running with G_IO_ERROR_CANCELLED.
 *
 * Blocking: every other call, and the blocking forms of the above (for
 * the command line), run the async code to completion with vo_sync_run,
 * iterating the client's context: never from a main loop running on it.
 * One client per process holds the credentials; nothing needs a second.
 */
#pragma once

#include <gio/gio.h>

#include "cadc-auth.h"
#include "cadc-model.h"
#include "vo-http.h"
#include "vo-uws.h"
#include "vo-votable-writer.h"
#include "vo-votable.h"

G_BEGIN_DECLS

#define CADC_DEFAULT_REGISTRY "https://cadc-west-01.canfar.net/reg/resource-caps"
/* Registries tried in order when none is configured (§1.1): the next one
 * only after a connection failure or a 5xx answer.  https only: whoever
 * answers the registry chooses every service URL, so an http fallback
 * would let anyone who blocks the https ones pick where the token goes. */
#define CADC_REGISTRY_FALLBACKS \
  CADC_DEFAULT_REGISTRY, \
  "https://ws.cadc-ccda.hia-iha.nrc-cnrc.gc.ca/reg/resource-caps"

typedef struct _CadcClient CadcClient;

typedef struct {
  const char *registry;    /* nullable: $CADC_REGISTRY_URL, else the fallbacks */
  const char *tap;         /* nullable: TAP base URL override */
  const char *datalink;    /* nullable: DataLink endpoint override */
  const char *login;       /* nullable: login endpoint override */
  gboolean verbose;        /* log each HTTP request (never credentials) */
  const char *const *cookie_domains;      /* nullable: CadcAuth's default */
  /* nullable: registries to try when @registry is NULL; default
   * $CADC_SAMP_REGISTRY_FALLBACKS (comma-separated; meant for tests), else
   * CADC_REGISTRY_FALLBACKS */
  const char *const *registry_fallbacks;
  /* The wait after a failed discovery, in ms, doubling up to
   * @retry_max_ms; 0 = $CADC_SAMP_DISCOVERY_RETRY ("MIN_MS[,MAX_MS]";
   * meant for tests), else 2000 and 60000. */
  guint retry_ms;
  guint retry_max_ms;
  /* The data model of the TAP service's observations (cadc-model.h):
   * CADC_MODEL_UNKNOWN (0) = read from its VOSI tables when first needed. */
  CadcModelKind model;
  /* Whole-exchange timeout of every request, seconds (0 = none): for
   * short look-ups such as `archives`. */
  guint timeout;
} CadcClientConfig;

/* @auth: (transfer full) (nullable): NULL = anonymous.
 * Returns: (transfer full). */
CadcClient *cadc_client_new (const CadcClientConfig *config, CadcAuth *auth);
void cadc_client_free (CadcClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CadcClient, cadc_client_free)

/* (transfer none) */
VoHttp *cadc_client_get_http (CadcClient *client);
CadcAuth *cadc_client_get_auth (CadcClient *client);
/* Replaces the credentials (@auth: transfer full, NULL = anonymous) and
 * drops every pooled connection (§6.2).  The cookie domains given at
 * creation stay in force. */
void cadc_client_set_auth (CadcClient *client, CadcAuth *auth);

/* Credential choice per URL (§6.3): the TAP capabilities (all of them) and
 * the DataLink capability of the DataLink service say, per access URL,
 * which security methods it accepts; the client sends only a credential
 * the URL allows and that it holds (cadc_auth_choose).  They are loaded
 * when the endpoints are discovered, for TAP only when a token or
 * certificate is held ({tap}/capabilities with --tap).  Returns: (transfer
 * full) (nullable): the methods allowed for @url, NULL when no loaded
 * capability describes it. */
char **cadc_client_allowed_methods (CadcClient *client, const char *url);

/* --- Discovery ------------------------------------------------------------ */

/* Finds the TAP endpoint (--tap, else the registry's argus capabilities)
 * and, when a token or certificate is held, loads its capabilities for
 * the credential choice; then, when the registry lists DataLink
 * (caom2ops), its endpoint too (a DataLink failure does not fail this:
 * the DataLink calls report it).  Only async HTTP; concurrent callers
 * share one lookup; success is kept; after a failure see "Asynchronous"
 * above.  Errors keep the domain and code of their cause (VO_CURL_ERROR,
 * VO_HTTP_ERROR ...), messages as the blocking calls' ("registry: no
 * registry answered; last: ..."). */
void cadc_client_discover_async (CadcClient *client, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean cadc_client_discover_finish (CadcClient *client, GAsyncResult *result,
                                      GError **error);

/* After a failed discovery: how long until it may be tried again (ms,
 * rounded up; 0 when it may run now, runs, has succeeded or never failed).
 * For progress lines ("next attempt in N s"). */
guint cadc_client_discovery_retry_in (CadcClient *client);

/* TRUE when @error says the archive could not be reached: no connection,
 * a transport failure or timeout (VO_CURL_ERROR), or an HTTP 5xx; the
 * same rule moves discovery on to the next fallback registry.  (A call
 * during a discovery's wait fails with its cause's domain and code.) */
gboolean cadc_client_is_unreachable_error (const GError *error);

/* Endpoints, blocking (discovery as above); once discovery succeeded,
 * cadc_client_get_tap_url returns at once without touching the context
 * (so a main loop may call it then, e.g. to log the URL).  Returns:
 * (transfer full) (nullable). */
char *cadc_client_get_tap_url (CadcClient *client, GError **error);
char *cadc_client_get_datalink_url (CadcClient *client, GError **error);
char *cadc_client_get_login_url (CadcClient *client, GError **error);

/* --- TAP queries -------------------------------------------------------- */

typedef struct {
  gint64 maxrec;            /* < 0: not sent */
  const char *const *uploads;   /* nullable, NULL-terminated "NAME=FILE" */
  VoFormat format;          /* what to write to the output stream */
} CadcQueryOptions;

typedef struct {
  guint64 n_rows;
  VoQueryStatus status;     /* OK, OVERFLOW or NONE */
  char *status_text;        /* nullable */
} CadcQueryResult;

void cadc_query_result_free (CadcQueryResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CadcQueryResult, cadc_query_result_free)

/* TAP sync: POST {tap}/sync (LANG=ADQL, REQUEST=doQuery, [MAXREC], QUERY,
 * [UPLOAD multipart]); the result goes to @out (not closed).  @options may
 * be NULL (VOTable, no MAXREC).  An upload file that does not exist fails
 * before the query is sent.  The async form discovers TAP first when
 * needed (cadc_client_discover_async); @adql and @options are copied. */
void cadc_client_query_async (CadcClient *client, const char *adql,
                              const CadcQueryOptions *options, GOutputStream *out,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data);
/* Returns: (transfer full) (nullable). */
CadcQueryResult *cadc_client_query_finish (CadcClient *client, GAsyncResult *result,
                                           GError **error);
CadcQueryResult *cadc_client_query (CadcClient *client, const char *adql,
                                    const CadcQueryOptions *options, GOutputStream *out,
                                    GCancellable *cancellable, GError **error);

/* --- UWS async jobs ----------------------------------------------------- */

/* POST {tap}/async, then PHASE=RUN unless @run is FALSE.
 * Returns: (transfer full): the job URL. */
char *cadc_client_job_create (CadcClient *client, const char *adql,
                              const CadcQueryOptions *options, gboolean run,
                              GError **error);
/* The job URL for a job id or URL.  (transfer full) */
char *cadc_client_job_url (CadcClient *client, const char *id_or_url, GError **error);
/* GET the job; with @wait, poll (WAIT=…) until the phase is final or
 * @timeout_seconds pass (0 = no limit).  Returns: (transfer full). */
VoUwsJob *cadc_client_job_get (CadcClient *client, const char *job_url, gboolean wait,
                               guint timeout_seconds, GError **error);
gboolean cadc_client_job_abort (CadcClient *client, const char *job_url, GError **error);
/* DELETE {job}, not following the 303 to the job list. */
gboolean cadc_client_job_delete (CadcClient *client, const char *job_url, GError **error);
/* Streams the job's result (id "result", else the first http one) to @out;
 * fails with the job's error summary when its phase is ERROR/ABORTED. */
CadcQueryResult *cadc_client_job_fetch (CadcClient *client, const char *job_url,
                                        VoFormat format, GOutputStream *out,
                                        GError **error);
/* GET {tap}/async?PHASE=…&LAST=…&AFTER=…  Returns: (transfer full) the
 * VoUwsJobRef list of vo_uws_job_list_parse. */
GPtrArray *cadc_client_job_list (CadcClient *client, const char *const *phases,
                                 gint last, const char *after, GError **error);

/* --- VOSI, DataLink, SODA ----------------------------------------------- */

/* GET {tap}/tables or {tap}/tables/NAME.  Returns: (transfer full). */
GBytes *cadc_client_get_tables (CadcClient *client, const char *table_name, GError **error);

/* The data model for the region/name/collections/crossmatch/footprint
 * queries (cadc_model_adql_*): the configured one, else found from
 * {tap}/tables (cadc_model_from_tables) on the first call and kept for
 * the client's life; a lookup like the endpoints' (see "Asynchronous":
 * concurrent callers share it, a failure is retried after a wait).  The
 * async form only uses async HTTP. */
void cadc_client_get_model_async (CadcClient *client, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean cadc_client_get_model_finish (CadcClient *client, GAsyncResult *result,
                                       CadcModel *model, GError **error);
gboolean cadc_client_get_model (CadcClient *client, CadcModel *model, GError **error);

/* The publisherID column of a result VOTable file ("-" = stdin).
 * Returns: (transfer full): NULL-terminated. */
char **cadc_publisher_ids_from_file (const char *path, GError **error);

/* DataLink #this (and with @aux the auxiliary) URLs for @ids, in order,
 * the DataLink endpoint discovered first when needed.  @ids are copied.
 * Returns: (transfer full): NULL-terminated. */
void cadc_client_data_urls_async (CadcClient *client, const char *const *ids, gboolean aux,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
char **cadc_client_data_urls_finish (CadcClient *client, GAsyncResult *result,
                                     GError **error);
char **cadc_client_data_urls (CadcClient *client, const char *const *ids, gboolean aux,
                              GError **error);
/* SODA sync cutout URLs (CIRCLE @ra @dec @radius, FK5 degrees). */
void cadc_client_cutout_urls_async (CadcClient *client, const char *const *ids, double ra,
                                    double dec, double radius, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
char **cadc_client_cutout_urls_finish (CadcClient *client, GAsyncResult *result,
                                       GError **error);
char **cadc_client_cutout_urls (CadcClient *client, const char *const *ids, double ra,
                                double dec, double radius, GError **error);

/* A result VOTable read whole from @path ("-" = stdin).
 * Returns: (transfer full) (nullable). */
VoTable *cadc_result_load (const char *path, GError **error);
/* The non-empty values of @column, in row order; NULL when the table has
 * no such column.  Returns: (transfer full) (nullable): NULL-terminated. */
char **cadc_result_column (const VoTable *table, const char *column);

typedef enum {
  CADC_URLS_DATA,       /* the data: DataLink #this, or the file itself */
  CADC_URLS_AUX,        /* ... and the other links (previews, auxiliary files) */
  CADC_URLS_CUTOUT,     /* SODA sync CIRCLE cutouts */
} CadcUrlKind;

/* URLs for the rows of a result (cadc-client-access.c): a CAOM2 result
 * (publisherID column) as cadc_client_data_urls / cadc_client_cutout_urls
 * (the cutout circle converted to FK5 as astroquery does); an ObsCore
 * result (access_url, access_format) row by row: a DataLink access_format
 * -> the DataLink document at access_url (#this; SODA from its #cutout or
 * #proc service descriptor), any other -> access_url itself, cut out only
 * through a SODA descriptor the result carries.  Rows that give nothing
 * are warned about; when no row gives a URL, the first failed DataLink
 * request's error, else their reasons (VO_ERROR_NOT_FOUND), is the error.
 * @ra @dec @radius: ICRS degrees (cutouts only).
 * @table: (transfer full).  Returns: (transfer full): NULL-terminated. */
void cadc_client_result_urls_async (CadcClient *client, VoTable *table, CadcUrlKind kind,
                                    double ra, double dec, double radius,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
char **cadc_client_result_urls_finish (CadcClient *client, GAsyncResult *result,
                                       GError **error);
char **cadc_client_result_urls (CadcClient *client, VoTable *table, CadcUrlKind kind,
                                double ra, double dec, double radius, GError **error);

/* Downloads @url to @path (temp name in the same directory, renamed when
 * complete).  @progress (nullable) gets the bytes received so far. */
typedef void (*CadcProgressFunc) (guint64 bytes, gpointer user_data);
void cadc_client_download_async (CadcClient *client, const char *url, const char *path,
                                 CadcProgressFunc progress, gpointer progress_data,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean cadc_client_download_finish (CadcClient *client, GAsyncResult *result,
                                      GError **error);
/* cadc_client_download_async with a cap: a body past @max_bytes (0: none)
 * aborts the transfer with VO_HTTP_ERROR_TOO_LARGE naming the URL and the
 * cap, and nothing is kept.  Finish with cadc_client_download_finish. */
void cadc_client_download_max_async (CadcClient *client, const char *url, const char *path,
                                     guint64 max_bytes, CadcProgressFunc progress,
                                     gpointer progress_data, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);

G_END_DECLS

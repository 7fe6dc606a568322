/* vo-http.h: HTTP for cadc-samp, on libcurl's multi interface inside a
 * GMainContext.
 *
 * A VoHttp is a session: one curl multi handle (so connections are reused),
 * a User-Agent, retry policy and a credentials callback that is asked, for
 * every request URL (including every redirect hop), which credentials to
 * send.  A VoHttpRequest describes one exchange (method, URL, form fields,
 * multipart files, where the body goes); sending it is asynchronous
 * (vo_http_send_async / _finish, GIO style) or synchronous (vo_http_send,
 * which iterates the session's main context until the answer is in,
 * through vo-sync).
 *
 * Behaviour, in one place:
 *  - Redirects are followed by this module (not by curl) so credentials are
 *    chosen again for each hop: 303 (and 301/302 after POST) turn into GET,
 *    307/308 repeat the method.  DELETE never follows (UWS answers DELETE
 *    with a 303 to the job list, which may be forbidden).
 *    vo_http_request_set_follow (req, FALSE) disables following.
 *  - 503, 504 and 429 are retried with exponential backoff (1 s, 2 s, 4 s)
 *    or the server's Retry-After (seconds or HTTP date), each delay capped
 *    at VoHttp's max delay (default 30 s), at most max_retries times
 *    (default 3).
 *  - A status >= 400 fails with VO_HTTP_ERROR whose code is the status; the
 *    message names the method, URL and status, and carries the server's
 *    explanation (an error VOTable's QUERY_STATUS text verbatim, or the
 *    first line of a text body).  Transport failures fail with
 *    VO_CURL_ERROR whose code is the CURLcode.
 *  - Server certificates are verified against curl's default CA bundle,
 *    or the file named by $CURL_CA_BUNDLE (as the curl tool does).
 *  - Success bodies go either to a data callback as they arrive (streaming;
 *    for VOTable parsing and downloads) or into the response's GBytes.
 *  - A collected body is capped while it arrives: past the request's cap
 *    (vo_http_request_set_max_body; default VO_HTTP_DEFAULT_MAX_BODY) the
 *    transfer is aborted with VO_HTTP_ERROR_TOO_LARGE naming the URL, what
 *    was expected and the cap.  An error body (status >= 300) keeps its
 *    first VO_HTTP_MAX_ERROR_BODY bytes; the rest is not received.
 *  - Text quoted from an error body is passed through vo_text_sanitize
 *    (no terminal control sequences reach a message).
 *
 * This is the only file of the project that includes curl.h.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VO_HTTP_ERROR (vo_http_error_quark ())
#define VO_CURL_ERROR (vo_curl_error_quark ())
GQuark vo_http_error_quark (void);
GQuark vo_curl_error_quark (void);

/* VO_HTTP_ERROR codes are HTTP statuses, except this one: a collected
 * body went past its cap (the transfer was aborted). */
#define VO_HTTP_ERROR_TOO_LARGE 1

/* Cap of a collected 2xx body when the request sets none (the per-document
 * caps are in vo-limits.h), and what is kept of an error body. */
#define VO_HTTP_DEFAULT_MAX_BODY ((gsize) 16 << 20)
#define VO_HTTP_MAX_ERROR_BODY ((gsize) 64 << 10)

typedef enum {
  VO_HTTP_GET,
  VO_HTTP_POST,
  VO_HTTP_DELETE,
} VoHttpMethod;

/* Credentials for one request URL (all fields optional, owned). */
typedef struct {
  char *cookie;           /* value of a Cookie: header, e.g. CADC_SSO="…" */
  char *bearer;           /* token for Authorization: Bearer */
  char *basic_user;       /* HTTP Basic, sent only when the server asks (401) */
  char *basic_password;
  char *cert_file;        /* PEM with certificate chain and private key */
  gboolean direct;        /* never through a proxy (credentials over plain
                           * http to loopback must not reach one) */
} VoHttpCredentials;

void vo_http_credentials_free (VoHttpCredentials *creds);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoHttpCredentials, vo_http_credentials_free)

/* Returns: (transfer full) (nullable): the credentials to use for @url. */
typedef VoHttpCredentials *(*VoHttpCredentialsFunc) (const char *url, gpointer user_data);

/* Called with each chunk of a successful (2xx) body.  Return FALSE with
 * @error set to abort the transfer with that error. */
typedef gboolean (*VoHttpDataFunc) (const char *data, gsize len, gpointer user_data,
                                    GError **error);

typedef struct _VoHttp VoHttp;
typedef struct _VoHttpRequest VoHttpRequest;
typedef struct _VoHttpResponse VoHttpResponse;

/* --- the session --------------------------------------------------------- */

/* @context: (nullable): the main context to run in; NULL = the thread-default
 * context at creation time.  Returns: (transfer full). */
VoHttp *vo_http_new (GMainContext *context);
/* Requests still running end with G_IO_ERROR_CANCELLED (their callbacks
 * run from here, or from a later iteration of their context). */
void vo_http_free (VoHttp *http);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoHttp, vo_http_free)

void vo_http_set_credentials_func (VoHttp *http, VoHttpCredentialsFunc func,
                                   gpointer user_data, GDestroyNotify destroy);
/* Closes every pooled connection (call after the credentials change: a
 * TLS connection made with another client certificate, or none, must not
 * be reused).  With transfers in flight the pool is dropped as soon as the
 * session is idle, and transfers started meanwhile use fresh connections. */
void vo_http_reset_connections (VoHttp *http);
/* Retry policy for 503/504/429 (defaults: 3 retries, 30 s max delay). */
void vo_http_set_retries (VoHttp *http, guint max_retries, guint max_delay_seconds);
/* Log every request at g_debug / g_message level (never credentials). */
void vo_http_set_verbose (VoHttp *http, gboolean verbose);
/* Whole-exchange timeout in seconds for every request that sets none
 * (vo_http_request_set_timeout), and the connect timeout when shorter
 * than the default 30 s; 0 (the default) = none. */
void vo_http_set_timeout (VoHttp *http, guint seconds);
GMainContext *vo_http_get_context (VoHttp *http);
/* "cadc-samp/VERSION libcurl/VERSION". Returns: (transfer none). */
const char *vo_http_get_user_agent (VoHttp *http);

/* --- requests ------------------------------------------------------------- */

/* Returns: (transfer full). */
VoHttpRequest *vo_http_request_new (VoHttpMethod method, const char *url);
void vo_http_request_free (VoHttpRequest *req);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoHttpRequest, vo_http_request_free)

/* A form field: for POST the body (urlencoded, or a multipart part when a
 * file was added), for GET/DELETE a query parameter appended to the URL.
 * Fields keep their order; a name may repeat (ID=a&ID=b). */
void vo_http_request_add_field (VoHttpRequest *req, const char *name, const char *value);
/* A multipart file part named @name whose content is the file @path and
 * whose filename is the basename of @filename (or of @path when NULL).
 * Makes the POST body multipart/form-data. */
void vo_http_request_add_file (VoHttpRequest *req, const char *name, const char *path,
                               const char *filename);
/* An extra request header, "Name: value". */
void vo_http_request_add_header (VoHttpRequest *req, const char *header);
void vo_http_request_set_follow (VoHttpRequest *req, gboolean follow);
/* Stream 2xx bodies to @func instead of collecting them. */
void vo_http_request_set_sink (VoHttpRequest *req, VoHttpDataFunc func, gpointer user_data);
/* Cap the collected (not streamed) 2xx body at @max_bytes; @what names
 * the document in the error ("a UWS job document").  Streamed bodies
 * (set_sink) are not capped here. */
void vo_http_request_set_max_body (VoHttpRequest *req, gsize max_bytes, const char *what);
/* Whole-exchange timeout in seconds (0 = none; the default aborts only a
 * transfer stalled for 120 s). */
void vo_http_request_set_timeout (VoHttpRequest *req, guint seconds);
/* Do not retry on 503/504/429 (e.g. non-idempotent POSTs). */
void vo_http_request_set_retry (VoHttpRequest *req, gboolean retry);
/* Accept these statuses >= 400 as answers rather than errors (0-terminated
 * list, e.g. 204 is always accepted; 404 for probing). */
void vo_http_request_accept_status (VoHttpRequest *req, guint status);

/* --- responses ------------------------------------------------------------ */

guint vo_http_response_get_status (VoHttpResponse *resp);
/* The URL of the last hop (after redirects).  Returns: (transfer none). */
const char *vo_http_response_get_url (VoHttpResponse *resp);
/* Returns: (transfer none) (nullable). */
const char *vo_http_response_get_content_type (VoHttpResponse *resp);
/* The Location header of the last response (set when not following).
 * Returns: (transfer none) (nullable). */
const char *vo_http_response_get_location (VoHttpResponse *resp);
/* The collected body (empty when streamed).  Returns: (transfer none). */
GBytes *vo_http_response_get_body (VoHttpResponse *resp);
/* Number of retries made. */
guint vo_http_response_get_retries (VoHttpResponse *resp);
void vo_http_response_free (VoHttpResponse *resp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoHttpResponse, vo_http_response_free)

/* --- sending -------------------------------------------------------------- */

/* Takes ownership of @req.  @callback runs in the session's context. */
void vo_http_send_async (VoHttp *http, VoHttpRequest *req, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data);
/* Returns: (transfer full) (nullable): the response, or NULL with @error. */
VoHttpResponse *vo_http_send_finish (VoHttp *http, GAsyncResult *result, GError **error);

/* Synchronous: sends @req (taking ownership) and iterates the session's
 * context until done (vo_sync_run: not from code running a main loop on
 * that context).  Returns: (transfer full) (nullable). */
VoHttpResponse *vo_http_send (VoHttp *http, VoHttpRequest *req, GCancellable *cancellable,
                              GError **error);

/* --- helpers -------------------------------------------------------------- */

/* Percent-encode @s for a query string or form (space as %20). */
char *vo_http_escape (const char *s);
/* Resolve @ref against @base (absolute refs returned as they are).
 * Returns: (transfer full). */
char *vo_http_resolve_url (const char *base, const char *ref);
/* The lower-cased host of @url, or NULL.  Returns: (transfer full). */
char *vo_http_url_host (const char *url);

/* Hook used to turn an error body into a message (set by the layer that
 * knows VOTable, to keep libxml2 out of this file).  Returns: (transfer full)
 * (nullable): the message, or NULL when the body is not understood. */
typedef char *(*VoHttpErrorBodyFunc) (GBytes *body, const char *content_type);
void vo_http_set_error_body_func (VoHttpErrorBodyFunc func);

/* For --version: "libcurl/X.Y.Z" and what that libcurl runs with
 * ("OpenSSL/3.0.17 zlib/1.2.13 nghttp2/1.52.0"), and its features we use
 * (" HTTPS HTTP2 IPv6 gzip", each with a leading space).  Run-time
 * values.  (transfer full) */
char *vo_http_library_versions (void);
char *vo_http_library_features (void);

G_END_DECLS

/* samp-http.h: the minimal HTTP/1.1 that SAMP's Standard Profile needs.
 *
 * Server: listens on 127.0.0.1, port chosen by the kernel, on the
 * GMainContext that was thread-default when the server was created: no
 * thread per connection, everything (accepts, reads, the handler, the
 * writes of answers) runs on that context, through the hub's own
 * asynchronous transport (samp-hub-net.c).  The handler may answer at
 * once or later (keep a ref, call samp_http_request_respond() from that
 * context), so any number of requests can be outstanding and a slow one
 * never blocks the others.  A request dropped unanswered gets a 500.
 * HTTP/1.1 connections are kept alive between requests (closed after
 * 120 s idle, or when the server is freed).  Limits on a request: the
 * header section 64 KiB (431), the body SAMP_HTTP_MAX_BODY bytes (413,
 * said before the body is read), the whole request 30 s from its first
 * byte however it trickles in (408); a POST needs a Content-Length (411);
 * chunked and other transfer codings are refused (501).
 *
 * Client: samp_http_post_async is asynchronous on the caller's
 * thread-default context (no thread), on kept-alive connections; the
 * blocking calls (samp_http_post_sync, samp_http_get_sync) never iterate
 * a main loop; samp_http_get_async (lockfiles) runs a blocking GET on a
 * worker thread.  Errors: SAMP_ERROR_TIMEOUT when @timeout_ms passes,
 * G_IO_ERROR (CONNECTION_REFUSED, CANCELLED, ...) for socket failures,
 * SAMP_ERROR_PROTOCOL for malformed HTTP or a non-2xx status.
 * Only http:// URLs (SAMP hubs and clients are local).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SAMP_HTTP_MAX_BODY ((gsize) 64 * 1024 * 1024)

typedef struct _SampHttpServer SampHttpServer;
typedef struct _SampHttpRequest SampHttpRequest;

/* Called on the server's main context.  @request is borrowed: take a ref
 * with samp_http_request_ref() to answer after returning. */
typedef void (*SampHttpHandler) (SampHttpServer *server, SampHttpRequest *request,
                                 gpointer user_data);

/* Returns: (transfer full): a listening server, or NULL and an error. */
SampHttpServer *samp_http_server_new (SampHttpHandler handler, gpointer user_data,
                                      GError **error);

/* Returns: (transfer none): "http://127.0.0.1:PORT/". */
const char *samp_http_server_get_url (SampHttpServer *server);
guint16 samp_http_server_get_port (SampHttpServer *server);

/* Stop listening; outstanding requests are answered 503.  No handler is
 * called after this returns. */
void samp_http_server_free (SampHttpServer *server);

const char *samp_http_request_get_method (SampHttpRequest *request);
const char *samp_http_request_get_path (SampHttpRequest *request);
/* Returns: (transfer none) (nullable): a header value (name
 * case-insensitive); NULL once the request is answered. */
const char *samp_http_request_get_header (SampHttpRequest *request, const char *name);
/* Returns: (transfer none): the body, NUL-terminated for convenience,
 * valid as long as the request (also after the answer). */
const char *samp_http_request_get_body (SampHttpRequest *request, gsize *len);

SampHttpRequest *samp_http_request_ref (SampHttpRequest *request);
void samp_http_request_unref (SampHttpRequest *request);

/* Send the response (once; later calls are ignored).  @body may be NULL. */
void samp_http_request_respond (SampHttpRequest *request, guint status,
                                const char *content_type, const char *body, gssize len);

/* POST @body to @url, asynchronously on the thread-default context
 * (never completing inside this call).  @timeout_ms 0 = no timeout.
 * Responses need a Content-Length (no chunked or until-EOF bodies). */
void samp_http_post_async (const char *url, const char *content_type, GBytes *body,
                           guint timeout_ms, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
/* Returns: (transfer full): the response body. */
GBytes *samp_http_post_finish (GAsyncResult *result, GError **error);

/* Blocking POST in the calling thread (does not iterate any main loop). */
GBytes *samp_http_post_sync (const char *url, const char *content_type, GBytes *body,
                             guint timeout_ms, GCancellable *cancellable, GError **error);

/* GET (std-lockurl:http: lockfiles) on a worker thread; completes on
 * the caller's thread-default context. */
void samp_http_get_async (const char *url, guint timeout_ms, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data);
/* Returns: (transfer full): the response body. */
GBytes *samp_http_get_finish (GAsyncResult *result, GError **error);

/* Blocking GET (lockfiles). */
GBytes *samp_http_get_sync (const char *url, guint timeout_ms, GCancellable *cancellable,
                            GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SampHttpServer, samp_http_server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SampHttpRequest, samp_http_request_unref)

G_END_DECLS

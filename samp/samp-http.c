/* samp-http.c: minimal HTTP/1.1 client and server for the Standard Profile.
 *
 * Both sides use blocking GIO on worker threads and hand plain data to
 * the main context; no xmlrpc_value or GVariant crosses a thread here.
 *
 * Server: a GThreadedSocketService (no thread cap) on 127.0.0.1:0.  A
 * worker reads one request, queues it to the server's GMainContext, and
 * sleeps until someone answers it (samp_http_request_respond from the
 * main context), then writes the answer; an HTTP/1.1 peer that did not
 * say "Connection: close" may send the next request on the same
 * connection (a hub delivering many messages pays for no new connection
 * and no new thread each time), within SERVER_IDLE_TIMEOUT_S; an error
 * answer or the server's end closes it.  Requests are
 * refcounted; the last unref of an unanswered one answers 500, and
 * samp_http_server_free() answers every outstanding one 503.  Reading is
 * bounded: header lines are read byte by byte from the buffer up to
 * HEADER_LIMIT in all, and the socket timeout is re-armed before every
 * blocking read with the time left until the request's deadline.
 *
 * Client: POSTs (hub calls) reuse kept-alive connections, a few per
 * peer, shared by the worker threads (see pool_take); one that the peer
 * closed while idle (no byte of an answer) is retried once on a new
 * connection; GETs use a connection each ("Connection: close").  Response
 * bodies by Content-Length, chunked, or EOF.  A deadline bounds the whole
 * exchange; the socket timeout is re-armed before each blocking step.
 */
#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "samp-error.h"
#include "samp-http.h"

/* Longest header section we read (start line, headers; chunk-size lines
 * and trailers count too), against garbage and endless lines: 431. */
#define HEADER_LIMIT (64 * 1024)
/* A peer has this long to send its whole request once connected, however
 * it trickles it in: 408 after. */
#define SERVER_READ_TIMEOUT_S 30
/* A kept-alive connection with no request under way is closed after this. */
#define SERVER_IDLE_TIMEOUT_S 120

/* ============================================================ shared */

/* One side of a connection being read: the buffered stream, the socket
 * whose timeout is re-armed before every blocking read, and the deadline
 * (monotonic µs, 0 = none) of the whole exchange.  A peer that trickles
 * bytes gets nothing more than the deadline. */
typedef struct {
  GDataInputStream *in;
  GSocket *sock;
  gint64 deadline;
  GCancellable *cancellable;
} Reader;

/* Seconds left until @deadline (µs, 0 = none), at least 1; FALSE if past. */
static gboolean
arm_timeout (GSocket *sock, gint64 deadline, GError **error)
{
  gint64 left;

  if (deadline == 0)
    return TRUE;
  left = deadline - g_get_monotonic_time ();
  if (left <= 0)
    {
      g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_TIMEOUT, "HTTP request timed out");
      return FALSE;
    }
  g_socket_set_timeout (sock, (guint) ((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
  return TRUE;
}

/* Before a read that may block: the time left, as the socket timeout. */
static gboolean
reader_arm (Reader *r, GError **error)
{
  if (g_buffered_input_stream_get_available (G_BUFFERED_INPUT_STREAM (r->in)) > 0)
    return TRUE;
  return arm_timeout (r->sock, r->deadline, error);
}

/* One header line (LF or CRLF), counted into *total: a line never grows
 * past HEADER_LIMIT, however long the peer goes without a newline. */
static gboolean
read_line (Reader *r, char **line, gsize *total, guint *status, GError **error)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (;;)
    {
      GError *local = NULL;
      guchar c;
      if (!reader_arm (r, error))
        {
          *status = 408;
          return FALSE;
        }
      c = g_data_input_stream_read_byte (r->in, r->cancellable, &local);
      if (local != NULL)
        {
          if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            *status = 408;
          if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_FAILED))
            {
              /* GDataInputStream's "Unexpected early end-of-stream" */
              g_clear_error (&local);
              g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL,
                                   "connection closed in HTTP header");
            }
          else
            g_propagate_error (error, local);
          return FALSE;
        }
      if (c == '\n')
        break;
      if (++*total > HEADER_LIMIT)
        {
          *status = 431;
          g_set_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL,
                       "HTTP header over %d bytes", HEADER_LIMIT);
          return FALSE;
        }
      g_string_append_c (s, (char) c);
    }
  if (s->len > 0 && s->str[s->len - 1] == '\r')
    g_string_truncate (s, s->len - 1);
  *line = g_string_free (g_steal_pointer (&s), FALSE);
  return TRUE;
}

/* Read the start line and headers (names lower-cased) up to the blank line. */
static gboolean
read_head (Reader *r, char **start, GHashTable *headers, guint *status, GError **error)
{
  gsize total = 0;

  if (!read_line (r, start, &total, status, error))
    return FALSE;
  for (;;)
    {
      g_autofree char *line = NULL;
      char *colon;
      if (!read_line (r, &line, &total, status, error))
        return FALSE;
      if (*line == '\0')
        return TRUE;
      colon = strchr (line, ':');
      if (colon == NULL)
        continue;                     /* tolerate junk header lines */
      *colon = '\0';
      g_hash_table_replace (headers, g_ascii_strdown (g_strstrip (line), -1),
                            g_strdup (g_strstrip (colon + 1)));
    }
}

static void
set_too_large (GError **error, guint *status)
{
  *status = 413;
  g_set_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL,
               "HTTP body over the %" G_GSIZE_FORMAT "-byte limit", SAMP_HTTP_MAX_BODY);
}

static gboolean
read_exact (Reader *r, GByteArray *buf, gsize n, guint *status, GError **error)
{
  gsize old = buf->len, got = 0;

  if (n == 0)
    return TRUE;
  if (buf->len + n > SAMP_HTTP_MAX_BODY)
    {
      set_too_large (error, status);
      return FALSE;
    }
  /* the buffer grows with what arrives, not with what was announced */
  while (got < n)
    {
      GError *local = NULL;
      gsize want = MIN (n - got, (gsize) 65536);
      gssize k;
      if (!reader_arm (r, error))
        {
          *status = 408;
          return FALSE;
        }
      g_byte_array_set_size (buf, (guint) (old + got + want));
      k = g_input_stream_read (G_INPUT_STREAM (r->in), buf->data + old + got, want,
                               r->cancellable, &local);
      if (k < 0)
        {
          if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            *status = 408;
          g_propagate_error (error, local);
          return FALSE;
        }
      if (k == 0)
        {
          g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "HTTP body truncated");
          return FALSE;
        }
      got += (gsize) k;
      g_byte_array_set_size (buf, (guint) (old + got));
    }
  return TRUE;
}

/* Body per RFC 7230 §3.3.3: chunked, Content-Length, or (responses) EOF. */
static GBytes *
read_body (Reader *r, GHashTable *headers, gboolean until_eof, guint *status, GError **error)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  const char *te = g_hash_table_lookup (headers, "transfer-encoding");
  const char *cl = g_hash_table_lookup (headers, "content-length");

  if (te != NULL && g_ascii_strcasecmp (te, "identity") != 0)
    {
      gsize total = 0;       /* chunk-size lines and trailers count as header */
      if (g_ascii_strcasecmp (te, "chunked") != 0)
        {
          *status = 501;
          g_set_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL,
                       "unsupported Transfer-Encoding %s", te);
          return NULL;
        }
      for (;;)
        {
          g_autofree char *line = NULL;
          guint64 size;
          char *end = NULL;
          if (!read_line (r, &line, &total, status, error))
            return NULL;
          size = g_ascii_strtoull (line, &end, 16);
          if (end == line)
            {
              g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "bad HTTP chunk size");
              return NULL;
            }
          if (size > SAMP_HTTP_MAX_BODY)
            {
              set_too_large (error, status);
              return NULL;
            }
          if (size == 0)
            {
              /* trailers, up to the blank line */
              for (;;)
                {
                  g_autofree char *t = NULL;
                  if (!read_line (r, &t, &total, status, error))
                    return NULL;
                  if (*t == '\0')
                    break;
                }
              break;
            }
          if (!read_exact (r, buf, size, status, error))
            return NULL;
          g_free (g_steal_pointer (&line));
          if (!read_line (r, &line, &total, status, error))
            return NULL;
        }
    }
  else if (cl != NULL)
    {
      guint64 n;
      if (!g_ascii_string_to_unsigned (cl, 10, 0, G_MAXUINT64, &n, NULL))
        {
          g_set_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "bad Content-Length \"%s\"", cl);
          return NULL;
        }
      if (n > SAMP_HTTP_MAX_BODY)
        {
          set_too_large (error, status);
          return NULL;
        }
      if (!read_exact (r, buf, (gsize) n, status, error))
        return NULL;
    }
  else if (until_eof)
    {
      guint8 chunk[16384];
      for (;;)
        {
          gssize k;
          if (!reader_arm (r, error))
            return NULL;
          k = g_input_stream_read (G_INPUT_STREAM (r->in), chunk, sizeof chunk,
                                   r->cancellable, error);
          if (k < 0)
            return NULL;
          if (k == 0)
            break;
          if (buf->len + (gsize) k > SAMP_HTTP_MAX_BODY)
            {
              set_too_large (error, status);
              return NULL;
            }
          g_byte_array_append (buf, chunk, (guint) k);
        }
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

static const char *
reason_phrase (guint status)
{
  switch (status)
    {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

/* ============================================================ server */

struct _SampHttpServer {
  gint ref;                    /* atomic: owner + workers + queued dispatches */
  GSocketService *service;
  GMainContext *context;
  SampHttpHandler handler;
  gpointer user_data;
  char *url;
  guint16 port;
  gboolean closing;            /* main context only */
  GCancellable *cancel;        /* cancelled when the server goes: idle workers end */
  GHashTable *live;            /* requests handed to the handler (main context only) */
};

/* Where a worker waits for its answer; shared by the worker and the request. */
typedef struct {
  gint ref;
  GMutex lock;
  GCond cond;
  gboolean done;
  guint status;
  char *content_type;
  GBytes *body;
} Exchange;

struct _SampHttpRequest {
  gint ref;
  SampHttpServer *server;      /* NULL once the server is gone */
  Exchange *ex;
  char *method;
  char *path;
  GHashTable *headers;
  GBytes *body;
};

static void
exchange_unref (Exchange *ex)
{
  if (!g_atomic_int_dec_and_test (&ex->ref))
    return;
  g_mutex_clear (&ex->lock);
  g_cond_clear (&ex->cond);
  g_free (ex->content_type);
  g_clear_pointer (&ex->body, g_bytes_unref);
  g_free (ex);
}

static void
exchange_finish (Exchange *ex, guint status, const char *content_type, GBytes *body)
{
  g_mutex_lock (&ex->lock);
  if (!ex->done)
    {
      ex->done = TRUE;
      ex->status = status;
      ex->content_type = g_strdup (content_type);
      ex->body = body ? g_bytes_ref (body) : NULL;
      g_cond_signal (&ex->cond);
    }
  g_mutex_unlock (&ex->lock);
}

static SampHttpServer *
server_ref (SampHttpServer *s)
{
  g_atomic_int_inc (&s->ref);
  return s;
}

static void
server_unref (SampHttpServer *s)
{
  if (!g_atomic_int_dec_and_test (&s->ref))
    return;
  g_clear_object (&s->service);
  g_clear_object (&s->cancel);
  g_main_context_unref (s->context);
  g_hash_table_unref (s->live);
  g_free (s->url);
  g_free (s);
}

const char *
samp_http_request_get_method (SampHttpRequest *r)
{
  return r->method;
}

const char *
samp_http_request_get_path (SampHttpRequest *r)
{
  return r->path;
}

const char *
samp_http_request_get_header (SampHttpRequest *r, const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_hash_table_lookup (r->headers, lower);
}

const char *
samp_http_request_get_body (SampHttpRequest *r, gsize *len)
{
  /* bodies are stored with a trailing NUL not counted in the size */
  gsize n = g_bytes_get_size (r->body);

  if (len)
    *len = n - 1;
  return g_bytes_get_data (r->body, NULL);
}

SampHttpRequest *
samp_http_request_ref (SampHttpRequest *r)
{
  g_atomic_int_inc (&r->ref);
  return r;
}

void
samp_http_request_unref (SampHttpRequest *r)
{
  if (!g_atomic_int_dec_and_test (&r->ref))
    return;
  exchange_finish (r->ex, 500, "text/plain", NULL);   /* no-op if answered */
  if (r->server != NULL)
    {
      /* a live request holds a server ref until it goes away */
      g_hash_table_remove (r->server->live, r);
      server_unref (r->server);
    }
  exchange_unref (r->ex);
  g_free (r->method);
  g_free (r->path);
  g_hash_table_unref (r->headers);
  g_bytes_unref (r->body);
  g_free (r);
}

void
samp_http_request_respond (SampHttpRequest *r, guint status, const char *content_type,
                           const char *body, gssize len)
{
  g_autoptr(GBytes) b = NULL;

  if (body != NULL)
    b = g_bytes_new (body, len < 0 ? strlen (body) : (gsize) len);
  exchange_finish (r->ex, status, content_type ? content_type : "text/plain", b);
}

/* Main context: give the request to the handler (or refuse if closing). */
static gboolean
dispatch (gpointer data)
{
  SampHttpRequest *r = data;
  SampHttpServer *s = r->server;

  if (s->closing)
    {
      samp_http_request_respond (r, 503, "text/plain", "server closing", -1);
      r->server = NULL;
      server_unref (s);
      return G_SOURCE_REMOVE;
    }
  g_hash_table_add (s->live, r);
  s->handler (s, r, s->user_data);
  return G_SOURCE_REMOVE;
}

static void
dispatch_done (gpointer data)
{
  samp_http_request_unref (data);
}

/* One write for head and body (no Nagle, so two writes would be two
 * segments).  FALSE if the peer did not take it. */
static gboolean
write_response (GOutputStream *out, guint status, const char *ctype, GBytes *body,
                gboolean keep)
{
  gsize n = body ? g_bytes_get_size (body) : 0;
  g_autoptr(GString) msg = g_string_sized_new (160 + n);

  g_string_printf (msg, "HTTP/1.1 %u %s\r\nContent-Type: %s\r\n"
                   "Content-Length: %" G_GSIZE_FORMAT "\r\n%s\r\n",
                   status, reason_phrase (status), ctype ? ctype : "text/plain", n,
                   keep ? "" : "Connection: close\r\n");
  if (n > 0)
    g_string_append_len (msg, g_bytes_get_data (body, NULL), (gssize) n);
  return g_output_stream_write_all (out, msg->str, msg->len, NULL, NULL, NULL);
}

/* After an error answer the peer may still be sending its request: a
 * close with unread input would reset the connection, losing our answer
 * on its side.  So: no more output, then discard input until it ends, for
 * at most 10 s and 128 MiB. */
static void
refuse_and_linger (Reader *rd, GSocketConnection *conn, guint status)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  guint8 scratch[16384];
  gsize left = 2 * SAMP_HTTP_MAX_BODY;

  write_response (out, status, "text/plain", NULL, FALSE);
  g_socket_shutdown (rd->sock, FALSE, TRUE, NULL);
  rd->deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (left > 0 && reader_arm (rd, NULL))
    {
      gssize k = g_input_stream_read (G_INPUT_STREAM (rd->in), scratch, sizeof scratch,
                                      NULL, NULL);
      if (k <= 0)
        break;
      left -= MIN (left, (gsize) k);
    }
}

/* Worker thread: read one request, hand it to the main context, write
 * its answer.  FALSE when the connection must close after it. */
static gboolean
serve_one (SampHttpServer *s, GSocketConnection *conn, GDataInputStream *in)
{
  g_autoptr(GHashTable) headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *start = NULL;
  g_auto(GStrv) parts = NULL;
  Reader rd = { 0 };
  guint status = 400;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  g_autoptr(GBytes) body = NULL;
  SampHttpRequest *r;
  Exchange *ex;
  gboolean keep;

  rd.in = in;
  rd.sock = g_socket_connection_get_socket (conn);
  /* the whole request, however it trickles in */
  rd.deadline = g_get_monotonic_time () + SERVER_READ_TIMEOUT_S * G_USEC_PER_SEC;
  if (!read_head (&rd, &start, headers, &status, &error))
    {
      g_debug ("http server: bad request head: %s", error->message);
      refuse_and_linger (&rd, conn, status);
      return FALSE;
    }
  parts = g_strsplit (start, " ", 3);
  if (g_strv_length (parts) < 2)
    {
      refuse_and_linger (&rd, conn, 400);
      return FALSE;
    }
  body = read_body (&rd, headers, FALSE, &status, &error);
  if (body == NULL)
    {
      g_debug ("http server: bad request body: %s", error->message);
      refuse_and_linger (&rd, conn, status);
      return FALSE;
    }
  {
    /* keep a NUL after the data so handlers may treat it as a C string */
    gsize n = g_bytes_get_size (body);
    char *copy = g_malloc (n + 1);
    if (n > 0)                  /* an empty GBytes may hold NULL data */
      memcpy (copy, g_bytes_get_data (body, NULL), n);
    copy[n] = '\0';
    g_bytes_unref (body);
    body = g_bytes_new_take (copy, n + 1);
  }
  /* HTTP/1.1 without "Connection: close": the peer may send more */
  {
    const char *c = g_hash_table_lookup (headers, "connection");
    keep = parts[2] != NULL && strcmp (parts[2], "HTTP/1.1") == 0
           && (c == NULL || g_ascii_strcasecmp (c, "close") != 0);
  }

  ex = g_new0 (Exchange, 1);
  ex->ref = 2;                                  /* worker + request */
  g_mutex_init (&ex->lock);
  g_cond_init (&ex->cond);
  r = g_new0 (SampHttpRequest, 1);
  r->ref = 1;
  r->server = server_ref (s);
  r->ex = ex;
  r->method = g_strdup (parts[0]);
  r->path = g_strdup (parts[1]);
  r->headers = g_steal_pointer (&headers);
  r->body = g_steal_pointer (&body);
  /* Always through a source of the server's context, so the handler runs
   * in the thread that iterates it.  (g_main_context_invoke would run it
   * right here, in this worker, whenever the context is free, e.g. once
   * the program's main loop has ended and it is freeing the handler's
   * data: a use-after-free ASan showed in `listen --once`.) */
  GSource *src = g_idle_source_new ();
  g_source_set_priority (src, G_PRIORITY_DEFAULT);
  g_source_set_callback (src, dispatch, r, dispatch_done);
  g_source_set_static_name (src, "samp-http dispatch");
  g_source_attach (src, s->context);
  g_source_unref (src);

  g_mutex_lock (&ex->lock);
  while (!ex->done)
    g_cond_wait (&ex->cond, &ex->lock);
  g_mutex_unlock (&ex->lock);
  /* an error status, or a server going away, ends the connection */
  keep = keep && ex->status < 400 && !g_cancellable_is_cancelled (s->cancel);
  /* The answer may come long after the read: no timeout for writing it
   * other than the kernel's. */
  g_socket_set_timeout (g_socket_connection_get_socket (conn), SERVER_READ_TIMEOUT_S);
  keep = write_response (out, ex->status, ex->content_type, ex->body, keep) && keep;
  exchange_unref (ex);
  return keep;
}

/* Worker thread: the requests of one connection, while the peer keeps
 * it open (HTTP/1.1 keep-alive) and sends the next one within
 * SERVER_IDLE_TIMEOUT_S; the server's end cancels the wait. */
static gboolean
on_run (GThreadedSocketService *service, GSocketConnection *conn, GObject *source,
        gpointer data)
{
  SampHttpServer *s = data;
  g_autoptr(GDataInputStream) in = NULL;
  GSocket *sock = g_socket_connection_get_socket (conn);

  (void) service;
  (void) source;
  g_socket_set_option (sock, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_LF);
  while (serve_one (s, conn, in))
    {
      /* idle: wait for the first byte of the next request */
      if (g_buffered_input_stream_get_available (G_BUFFERED_INPUT_STREAM (in)) > 0)
        continue;
      g_socket_set_timeout (sock, SERVER_IDLE_TIMEOUT_S);
      if (g_buffered_input_stream_fill (G_BUFFERED_INPUT_STREAM (in), -1, s->cancel, NULL) <= 0)
        break;                  /* closed, idle too long, or the server is gone */
    }
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  return TRUE;
}

SampHttpServer *
samp_http_server_new (SampHttpHandler handler, gpointer user_data, GError **error)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  SampHttpServer *s;

  g_return_val_if_fail (handler != NULL, NULL);
  s = g_new0 (SampHttpServer, 1);
  s->ref = 1;
  s->handler = handler;
  s->user_data = user_data;
  s->context = g_main_context_ref_thread_default ();
  s->live = g_hash_table_new (NULL, NULL);
  s->cancel = g_cancellable_new ();
  s->service = g_threaded_socket_service_new (-1);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (s->service), addr,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &effective, error))
    {
      g_prefix_error (error, "cannot listen on 127.0.0.1: ");
      server_unref (s);
      return NULL;
    }
  s->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  s->url = g_strdup_printf ("http://127.0.0.1:%u/", s->port);
  /* each worker holds a server ref while it runs */
  g_signal_connect_data (s->service, "run", G_CALLBACK (on_run), server_ref (s),
                         (GClosureNotify) (void (*) (void)) server_unref, 0);
  g_socket_service_start (s->service);
  return s;
}

const char *
samp_http_server_get_url (SampHttpServer *s)
{
  return s->url;
}

guint16
samp_http_server_get_port (SampHttpServer *s)
{
  return s->port;
}

void
samp_http_server_free (SampHttpServer *s)
{
  GHashTableIter it;
  gpointer key;

  if (s == NULL)
    return;
  s->closing = TRUE;
  g_cancellable_cancel (s->cancel);
  g_socket_service_stop (s->service);
  g_socket_listener_close (G_SOCKET_LISTENER (s->service));
  g_hash_table_iter_init (&it, s->live);
  while (g_hash_table_iter_next (&it, &key, NULL))
    {
      SampHttpRequest *r = key;
      samp_http_request_respond (r, 503, "text/plain", "server closing", -1);
      r->server = NULL;
      server_unref (s);          /* the ref taken for this request */
      g_hash_table_iter_remove (&it);
    }
  g_signal_handlers_disconnect_by_func (s->service, on_run, s);
  server_unref (s);
}

/* ============================================================ client */

typedef struct {
  char *method;
  char *url;
  char *content_type;
  GBytes *body;
  guint timeout_ms;
} ClientJob;

static void
client_job_free (ClientJob *j)
{
  g_free (j->method);
  g_free (j->url);
  g_free (j->content_type);
  g_clear_pointer (&j->body, g_bytes_unref);
  g_free (j);
}

/* Kept-alive connections of POSTs (hub calls), per "host:port", shared
 * by the worker threads.  One idle over CLIENT_IDLE_REUSE_S is closed
 * rather than reused; at most CLIENT_MAX_IDLE are kept per peer. */
#define CLIENT_IDLE_REUSE_S 30
#define CLIENT_MAX_IDLE 8

typedef struct {
  GSocketConnection *conn;
  gint64 since;             /* monotonic µs */
} PooledConn;

static GMutex pool_lock;
static GHashTable *pool;    /* "host:port" -> GQueue of PooledConn */

static void
pooled_free (PooledConn *pc)
{
  g_io_stream_close (G_IO_STREAM (pc->conn), NULL, NULL);
  g_object_unref (pc->conn);
  g_free (pc);
}

/* Returns: (transfer full) (nullable): an idle connection to @key. */
static GSocketConnection *
pool_take (const char *key)
{
  GSocketConnection *conn = NULL;
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func ((GDestroyNotify) pooled_free);
  gint64 now = g_get_monotonic_time ();
  GQueue *q;
  PooledConn *pc;

  g_mutex_lock (&pool_lock);
  q = pool ? g_hash_table_lookup (pool, key) : NULL;
  while (q != NULL && conn == NULL && (pc = g_queue_pop_head (q)) != NULL)
    {
      if (now - pc->since < CLIENT_IDLE_REUSE_S * G_USEC_PER_SEC)
        {
          conn = pc->conn;
          g_free (pc);
        }
      else
        g_ptr_array_add (stale, pc);
    }
  g_mutex_unlock (&pool_lock);
  return conn;
}

static void
pool_put (const char *key, GSocketConnection *conn)
{
  PooledConn *pc = g_new0 (PooledConn, 1);
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func ((GDestroyNotify) pooled_free);
  GQueue *q;

  pc->conn = g_object_ref (conn);
  pc->since = g_get_monotonic_time ();
  g_mutex_lock (&pool_lock);
  if (pool == NULL)
    pool = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* connections to peers nobody calls any more (a hub that went away)
   * are closed here, not kept until the process ends */
  {
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init (&it, pool);
    while (g_hash_table_iter_next (&it, &k, &v))
      {
        GQueue *old = v;
        PooledConn *last;
        while ((last = g_queue_peek_tail (old)) != NULL
               && pc->since - last->since >= CLIENT_IDLE_REUSE_S * G_USEC_PER_SEC)
          g_ptr_array_add (stale, g_queue_pop_tail (old));
        if (g_queue_is_empty (old))
          {
            g_queue_free (old);
            g_hash_table_iter_remove (&it);
          }
      }
  }
  q = g_hash_table_lookup (pool, key);
  if (q == NULL)
    {
      q = g_queue_new ();
      g_hash_table_insert (pool, g_strdup (key), q);
    }
  if (q->length < CLIENT_MAX_IDLE)
    {
      g_queue_push_head (q, pc);
      pc = NULL;
    }
  g_mutex_unlock (&pool_lock);
  if (pc != NULL)
    pooled_free (pc);
}

/* One request and its response on @conn.  *stale: @conn failed before
 * any byte of the response (a kept-alive connection the peer had
 * closed: the request was not seen, it may be sent again); *keep: the
 * connection may carry another request. */
static GBytes *
client_exchange (ClientJob *j, GUri *uri, int port, GSocketConnection *conn, gboolean pooled,
                 gboolean reused, gint64 deadline, GCancellable *cancellable,
                 gboolean *stale, gboolean *keep, GError **error)
{
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GHashTable) headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *start = NULL;
  g_autoptr(GString) req = g_string_sized_new (256);
  g_autoptr(GError) local = NULL;
  GSocket *sock = g_socket_connection_get_socket (conn);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  const char *path = g_uri_get_path (uri);
  const char *query = g_uri_get_query (uri);
  const char *conn_hdr;
  GBytes *body;
  Reader rd = { 0 };
  guint ignored = 0;
  guint status = 0;
  gsize blen = j->body ? g_bytes_get_size (j->body) : 0;

  *stale = FALSE;
  *keep = FALSE;
  g_string_printf (req, "%s %s%s%s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: libsamp (cadc-samp)\r\n"
                   "Content-Type: %s\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n%s\r\n",
                   j->method, *path ? path : "/", query ? "?" : "", query ? query : "",
                   g_uri_get_host (uri), port,
                   j->content_type ? j->content_type : "text/xml", blen,
                   pooled ? "" : "Connection: close\r\n");
  if (blen > 0)
    g_string_append_len (req, g_bytes_get_data (j->body, NULL), (gssize) blen);
  if (deadline == 0)
    g_socket_set_timeout (sock, 0);   /* a reused socket may carry an old one */
  if (!arm_timeout (sock, deadline, error))
    return NULL;
  if (!g_output_stream_write_all (out, req->str, req->len, NULL, cancellable, &local))
    {
      *stale = reused;
      goto io_error;
    }
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_LF);
  rd.in = in;
  rd.sock = sock;
  rd.deadline = deadline;
  rd.cancellable = cancellable;
  if (reused)
    {
      /* the first bytes of the answer, or the end of a connection that
       * the peer closed while it was idle */
      if (!reader_arm (&rd, error))
        return NULL;
      if (g_buffered_input_stream_fill (G_BUFFERED_INPUT_STREAM (in), -1, cancellable,
                                        &local) <= 0)
        {
          *stale = !g_cancellable_is_cancelled (cancellable)
                   && !g_error_matches (local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
          if (local == NULL)
            local = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                         "connection closed");
          goto io_error;
        }
    }
  /* skip any 1xx interim responses */
  do
    {
      g_clear_pointer (&start, g_free);
      g_hash_table_remove_all (headers);
      if (!read_head (&rd, &start, headers, &ignored, &local))
        goto io_error;
      if (!g_str_has_prefix (start, "HTTP/1.") || strlen (start) < 12
          || !g_ascii_isdigit (start[9]))
        {
          g_set_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL,
                       "malformed HTTP status line from %s", j->url);
          return NULL;
        }
      status = (guint) g_ascii_strtoull (start + 9, NULL, 10);
    }
  while (status >= 100 && status < 200);
  body = read_body (&rd, headers, TRUE, &ignored, &local);
  if (body == NULL)
    goto io_error;
  if (status < 200 || status > 299)
    {
      g_bytes_unref (body);
      g_set_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "HTTP %u from %s", status, j->url);
      return NULL;
    }
  /* reusable: HTTP/1.1, not "close", a delimited body wholly consumed */
  conn_hdr = g_hash_table_lookup (headers, "connection");
  *keep = pooled && g_str_has_prefix (start, "HTTP/1.1")
          && (conn_hdr == NULL || g_ascii_strcasecmp (conn_hdr, "close") != 0)
          && (g_hash_table_contains (headers, "content-length")
              || g_hash_table_contains (headers, "transfer-encoding"))
          && g_buffered_input_stream_get_available (G_BUFFERED_INPUT_STREAM (in)) == 0;
  return body;

io_error:
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
      || g_error_matches (local, SAMP_ERROR, SAMP_ERROR_TIMEOUT))
    g_set_error (error, SAMP_ERROR, SAMP_ERROR_TIMEOUT, "no answer from %s in time", j->url);
  else
    {
      g_propagate_error (error, g_steal_pointer (&local));
      g_prefix_error (error, "%s: ", j->url);
    }
  return NULL;
}

static GBytes *
client_run (ClientJob *j, GCancellable *cancellable, GError **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *key = NULL;
  gint64 deadline = j->timeout_ms ? g_get_monotonic_time () + (gint64) j->timeout_ms * 1000 : 0;
  gboolean pooled = strcmp (j->method, "POST") == 0;
  int port;

  uri = g_uri_parse (j->url, G_URI_FLAGS_NONE, &local);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
      || g_uri_get_host (uri) == NULL)
    {
      g_set_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "not an http:// URL: %s", j->url);
      return NULL;
    }
  port = g_uri_get_port (uri);
  if (port <= 0)
    port = 80;
  key = g_strdup_printf ("%s:%d", g_uri_get_host (uri), port);
  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(GSocketConnection) conn = pooled && attempt == 0 ? pool_take (key) : NULL;
      gboolean reused = conn != NULL, stale = FALSE, keep = FALSE;
      GError *err = NULL;
      GBytes *body;

      if (conn == NULL)
        {
          g_autoptr(GSocketClient) sc = g_socket_client_new ();
          if (j->timeout_ms)
            g_socket_client_set_timeout (sc, (j->timeout_ms + 999) / 1000);
          /* SAMP endpoints are the hub and clients on this desktop: never
           * through an HTTP proxy.  (GSocketClient would otherwise ask the
           * default GProxyResolver, loading GIO modules such as
           * glib-networking's libproxy into every SAMP process, and could
           * route hub calls to a proxy.) */
          g_socket_client_set_enable_proxy (sc, FALSE);
          conn = g_socket_client_connect_to_host (sc, g_uri_get_host (uri), (guint16) port,
                                                  cancellable, &local);
          if (conn == NULL)
            {
              if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
                g_set_error (error, SAMP_ERROR, SAMP_ERROR_TIMEOUT, "no answer from %s in time",
                             j->url);
              else
                {
                  g_propagate_error (error, g_steal_pointer (&local));
                  g_prefix_error (error, "%s: ", j->url);
                }
              return NULL;
            }
          g_socket_set_option (g_socket_connection_get_socket (conn), IPPROTO_TCP, TCP_NODELAY,
                               1, NULL);
        }
      body = client_exchange (j, uri, port, conn, pooled, reused, deadline, cancellable,
                              &stale, &keep, &err);
      if (body == NULL && stale)
        {
          g_debug ("kept-alive connection to %s was closed: %s; reconnecting", key,
                   err->message);
          g_error_free (err);
          g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
          continue;
        }
      if (keep)
        pool_put (key, conn);
      else
        g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
      if (body == NULL)
        g_propagate_error (error, err);
      return body;
    }
}

static void
client_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GBytes *body;

  (void) source;
  body = client_run (data, cancellable, &error);
  if (body == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, body, (GDestroyNotify) g_bytes_unref);
}

static ClientJob *
client_job_new (const char *method, const char *url, const char *ctype, GBytes *body,
                guint timeout_ms)
{
  ClientJob *j = g_new0 (ClientJob, 1);

  j->method = g_strdup (method);
  j->url = g_strdup (url);
  j->content_type = g_strdup (ctype);
  j->body = body ? g_bytes_ref (body) : NULL;
  j->timeout_ms = timeout_ms;
  return j;
}

void
samp_http_post_async (const char *url, const char *content_type, GBytes *body,
                      guint timeout_ms, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, samp_http_post_async);
  g_task_set_task_data (task, client_job_new ("POST", url, content_type, body, timeout_ms),
                        (GDestroyNotify) client_job_free);
  g_task_run_in_thread (task, client_thread);
}

GBytes *
samp_http_post_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GBytes *
samp_http_post_sync (const char *url, const char *content_type, GBytes *body,
                     guint timeout_ms, GCancellable *cancellable, GError **error)
{
  ClientJob *j = client_job_new ("POST", url, content_type, body, timeout_ms);
  GBytes *out = client_run (j, cancellable, error);

  client_job_free (j);
  return out;
}

void
samp_http_get_async (const char *url, guint timeout_ms, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, samp_http_get_async);
  g_task_set_task_data (task, client_job_new ("GET", url, NULL, NULL, timeout_ms),
                        (GDestroyNotify) client_job_free);
  g_task_run_in_thread (task, client_thread);
}

GBytes *
samp_http_get_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GBytes *
samp_http_get_sync (const char *url, guint timeout_ms, GCancellable *cancellable,
                    GError **error)
{
  ClientJob *j = client_job_new ("GET", url, NULL, NULL, timeout_ms);
  GBytes *out = client_run (j, cancellable, error);

  client_job_free (j);
  return out;
}

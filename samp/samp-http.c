/* samp-http.c: minimal HTTP/1.1 client and server for the Standard Profile.
 *
 * Server: a thin wrapper over the hub's transport (samp-hub-net.c,
 * hub_net_new_full with an on_http hook that takes every request), which
 * accepts, reads (samp-hub-reader: incremental, with all the limits),
 * keeps connections alive and writes answers asynchronously on the
 * context that was thread-default at samp_http_server_new().  A request
 * is refcounted; the last unref of an unanswered one answers 500, and
 * samp_http_server_free() answers every outstanding one 503 before the
 * transport goes (no handler runs after that).  The body is copied into
 * the request, so a worker thread may parse it while it is held.
 *
 * Client, asynchronous POST (hub calls): connect, write and read are GIO
 * asynchronous operations on the caller's thread-default context; the
 * response is read by samp-hub-reader too.  Blocking calls
 * (samp_http_post_sync, samp_http_get_*) use blocking GIO in the calling
 * thread with the readers below (header lines byte by byte up to
 * HEADER_LIMIT; Content-Length, chunked or until-EOF bodies; the socket
 * timeout re-armed before every blocking read with the time left until
 * the exchange's deadline); samp_http_get_async runs one on a GTask
 * thread.  Both kinds of POST reuse kept-alive connections from one pool
 * (a few per peer, see pool_take); one that the peer closed while idle (no
 * byte of an answer) is retried once on a new connection; GETs use a
 * connection each ("Connection: close").
 */
#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "samp-error.h"
#include "samp-http.h"
#include "samp-hub-private.h"
#include "samp-hub-reader.h"

/* Longest header section we read (start line, headers; chunk-size lines
 * and trailers count too), against garbage and endless lines: 431. */
#define HEADER_LIMIT (64 * 1024)

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

/* ============================================================ server */

/* The hub's transport (samp-hub-net.c) does the HTTP: asynchronous
 * accepts and reads on the context that is thread-default at
 * samp_http_server_new(), keep-alive, the limits, refusals and the write
 * of each answer.  Every request goes to on_http, which wraps it. */
struct _SampHttpServer {
  HubNet *net;
  SampHttpHandler handler;
  gpointer user_data;
  char *url;
  guint16 port;
  GHashTable *live;            /* unanswered requests handed out (main context) */
};

struct _SampHttpRequest {
  gint ref;                    /* atomic: a large body may be parsed on a worker */
  SampHttpServer *server;      /* NULL once answered or the server is gone */
  HubRequest *hreq;            /* NULL once answered */
  char *method;
  char *path;
  char *body;                  /* a copy, NUL-terminated: valid for the request's life */
  gsize len;
};

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
  return r->hreq != NULL ? hub_request_get_header (r->hreq, name) : NULL;
}

const char *
samp_http_request_get_body (SampHttpRequest *r, gsize *len)
{
  if (len)
    *len = r->len;
  return r->body;
}

SampHttpRequest *
samp_http_request_ref (SampHttpRequest *r)
{
  g_atomic_int_inc (&r->ref);
  return r;
}

void
samp_http_request_respond (SampHttpRequest *r, guint status, const char *content_type,
                           const char *body, gssize len)
{
  HubRequest *hreq = g_steal_pointer (&r->hreq);

  if (hreq == NULL)
    return;                                     /* answered already */
  if (r->server != NULL)
    g_hash_table_remove (r->server->live, r);
  r->server = NULL;
  hub_request_respond (hreq, status, content_type ? content_type : "text/plain",
                       body != NULL ? g_bytes_new (body, len < 0 ? strlen (body) : (gsize) len)
                                    : NULL);
}

void
samp_http_request_unref (SampHttpRequest *r)
{
  if (!g_atomic_int_dec_and_test (&r->ref))
    return;
  samp_http_request_respond (r, 500, "text/plain", NULL, 0);   /* no-op if answered */
  g_free (r->method);
  g_free (r->path);
  g_free (r->body);
  g_free (r);
}

/* Main context, from the transport's read of a whole request. */
static gboolean
on_http (gpointer data, HubRequest *hreq)
{
  SampHttpServer *s = data;
  const char *start = hub_request_get_start_line (hreq);
  const char *sp1 = strchr (start, ' ');
  const char *sp2 = sp1 != NULL ? strchr (sp1 + 1, ' ') : NULL;
  SampHttpRequest *r;
  const char *body;

  if (sp1 == NULL || sp1 == start || sp1[1] == '\0' || sp1[1] == ' ')
    {
      hub_request_respond (hreq, 400, "text/plain", NULL);
      return TRUE;
    }
  r = g_new0 (SampHttpRequest, 1);
  r->ref = 1;
  r->server = s;
  r->hreq = hreq;
  r->method = g_strndup (start, (gsize) (sp1 - start));
  r->path = sp2 != NULL ? g_strndup (sp1 + 1, (gsize) (sp2 - sp1 - 1)) : g_strdup (sp1 + 1);
  body = hub_request_get_body (hreq, &r->len);
  r->body = g_malloc (r->len + 1);
  if (r->len > 0)
    memcpy (r->body, body, r->len);
  r->body[r->len] = '\0';
  g_hash_table_add (s->live, r);
  s->handler (s, r, s->user_data);     /* may free the server: s is not used after */
  samp_http_request_unref (r);
  return TRUE;
}

SampHttpServer *
samp_http_server_new (SampHttpHandler handler, gpointer user_data, GError **error)
{
  SampHttpServer *s;
  const char *url;
  const char *colon;

  g_return_val_if_fail (handler != NULL, NULL);
  s = g_new0 (SampHttpServer, 1);
  s->net = hub_net_new_full (NULL, 0, NULL, on_http, s, error);
  if (s->net == NULL)
    {
      g_free (s);
      return NULL;
    }
  s->handler = handler;
  s->user_data = user_data;
  s->live = g_hash_table_new (NULL, NULL);
  /* "http://127.0.0.1:PORT/xmlrpc": the port is what we need */
  url = hub_net_get_url (s->net);
  colon = strrchr (url, ':');
  s->port = (guint16) g_ascii_strtoull (colon + 1, NULL, 10);
  s->url = g_strdup_printf ("http://127.0.0.1:%u/", s->port);
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
  GList *live;

  if (s == NULL)
    return;
  live = g_hash_table_get_keys (s->live);
  g_hash_table_steal_all (s->live);
  for (GList *l = live; l != NULL; l = l->next)
    {
      SampHttpRequest *r = l->data;
      r->server = NULL;
      samp_http_request_respond (r, 503, "text/plain", "server closing", -1);
    }
  g_list_free (live);
  hub_net_free (s->net);          /* no handler runs after this */
  g_hash_table_unref (s->live);
  g_free (s->url);
  g_free (s);
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
 * by the asynchronous POSTs and the blocking ones (of any thread).  One
 * idle over CLIENT_IDLE_REUSE_S is closed rather than reused; at most
 * CLIENT_MAX_IDLE are kept per peer (a process of a few clients, each
 * with a few calls in flight, keeps them all). */
#define CLIENT_IDLE_REUSE_S 30
#define CLIENT_MAX_IDLE 16

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

/* ---- asynchronous POST, on the caller's thread-default context ----
 *
 * No thread: the connect, the write and the read (samp-hub-reader, the
 * hub's incremental reader, with its limits) are GIO asynchronous
 * operations on the context that was thread-default when
 * samp_http_post_async() was called; the idle connections are the same
 * pool as the blocking calls'.  One GCancellable per POST is cancelled
 * by the caller's or by the timeout's timer (SAMP_ERROR_TIMEOUT then). */

/* What an asynchronous POST needs of a connection, kept with it (as
 * object data) while it is pooled: its reader (its buffer is not made
 * again for every POST) and the cancellable of every operation on it
 * (once cancelled, by a timeout or the caller, the connection is not
 * reused).  The blocking calls ignore it: a pooled connection's reader
 * never holds unread bytes. */
typedef struct {
  GCancellable *cancel;
  HubReader reader;
  struct AsyncPost *post;      /* the one under way */
} AsyncConn;

typedef struct AsyncPost {
  GTask *task;
  char *url;
  char *key;                   /* "host:port" of the pool */
  char *host;
  int port;
  GString *request;
  GSocketConnection *conn;
  AsyncConn *ac;               /* conn's, borrowed */
  gboolean reused;             /* conn came from the pool */
  gboolean reading;            /* a response is being read */
  gboolean timed_out;
  GCancellable *cancel;        /* the phase's: ac->cancel, or the connect's */
  GCancellable *caller;
  gulong caller_handler;
  GSource *timer;
} AsyncPost;

static void apost_connected (GObject *src, GAsyncResult *res, gpointer data);
static void apost_read (gpointer owner, GError *error);

static void
async_conn_free (gpointer data)
{
  AsyncConn *ac = data;

  hub_reader_clear (&ac->reader);
  g_object_unref (ac->cancel);
  g_free (ac);
}

static AsyncConn *
async_conn_get (GSocketConnection *conn)
{
  static GQuark quark;
  AsyncConn *ac;

  if (quark == 0)
    quark = g_quark_from_static_string ("samp-http-async-conn");
  ac = g_object_get_qdata (G_OBJECT (conn), quark);
  if (ac == NULL)
    {
      ac = g_new0 (AsyncConn, 1);
      ac->cancel = g_cancellable_new ();
      hub_reader_init (&ac->reader, G_IO_STREAM (conn), ac->cancel, 0, 0, apost_read, ac);
      g_object_set_qdata_full (G_OBJECT (conn), quark, ac, async_conn_free);
    }
  return ac;
}

static void
apost_cancel_cb (GCancellable *caller, gpointer data)
{
  (void) caller;
  g_cancellable_cancel (data);
}

/* The caller's cancellable cancels the phase's (at once if it is already). */
static void
apost_set_cancel (AsyncPost *p, GCancellable *cancel)
{
  if (p->caller != NULL && p->cancel != NULL)
    g_cancellable_disconnect (p->caller, p->caller_handler);
  g_clear_object (&p->cancel);
  p->cancel = g_object_ref (cancel);
  if (p->caller != NULL)
    p->caller_handler = g_cancellable_connect (p->caller, G_CALLBACK (apost_cancel_cb),
                                               g_object_ref (cancel), g_object_unref);
}

static gboolean
apost_timeout_cb (gpointer data)
{
  AsyncPost *p = data;

  p->timed_out = TRUE;
  g_source_unref (p->timer);
  p->timer = NULL;
  g_cancellable_cancel (p->cancel);     /* the operation under way fails */
  return G_SOURCE_REMOVE;
}

static void
apost_close_conn (AsyncPost *p, gboolean keep)
{
  if (p->conn == NULL)
    return;
  /* bytes after the answer: not a connection to reuse */
  keep = keep && !g_cancellable_is_cancelled (p->ac->cancel)
         && hub_reader_buffered (&p->ac->reader) == 0;
  p->ac->post = NULL;
  p->ac = NULL;
  p->reading = FALSE;
  if (keep)
    pool_put (p->key, p->conn);
  else
    g_io_stream_close (G_IO_STREAM (p->conn), NULL, NULL);
  g_clear_object (&p->conn);          /* the last ref frees its AsyncConn */
}

/* Complete with @body (success) or @error, both consumed. */
static void
apost_finish (AsyncPost *p, GBytes *body, GError *error, gboolean keep)
{
  GTask *task = p->task;

  apost_close_conn (p, keep && error == NULL);
  if (p->timer != NULL)
    {
      g_source_destroy (p->timer);
      g_source_unref (p->timer);
    }
  if (p->caller != NULL)
    {
      g_cancellable_disconnect (p->caller, p->caller_handler);
      g_object_unref (p->caller);
    }
  if (error != NULL)
    {
      if (p->timed_out)
        {
          g_error_free (error);
          error = g_error_new (SAMP_ERROR, SAMP_ERROR_TIMEOUT, "no answer from %s in time",
                               p->url);
        }
      else if (!g_error_matches (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL))
        g_prefix_error (&error, "%s: ", p->url);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, body, (GDestroyNotify) g_bytes_unref);
  g_clear_object (&p->cancel);
  g_string_free (p->request, TRUE);
  g_free (p->url);
  g_free (p->key);
  g_free (p->host);
  g_free (p);
  g_object_unref (task);
}

static void
apost_connect (AsyncPost *p)
{
  g_autoptr(GSocketClient) sc = g_socket_client_new ();
  g_autoptr(GCancellable) cancel = g_cancellable_new ();

  apost_set_cancel (p, cancel);
  /* never through an HTTP proxy (see client_run) */
  g_socket_client_set_enable_proxy (sc, FALSE);
  g_socket_client_connect_to_host_async (sc, p->host, (guint16) p->port, p->cancel,
                                         apost_connected, p);
}

/* A reused connection failed before any byte of the answer: the peer
 * had closed it while idle and never saw the request.  Once more on a
 * new connection. */
static gboolean
apost_retry (AsyncPost *p, GError *error)
{
  if (!p->reused || (p->reading && p->ac->reader.started) || g_cancellable_is_cancelled (p->cancel))
    return FALSE;
  g_debug ("kept-alive connection to %s was closed: %s; reconnecting", p->key, error->message);
  g_error_free (error);
  apost_close_conn (p, FALSE);
  p->reused = FALSE;
  apost_connect (p);
  return TRUE;
}

static void
apost_read (gpointer owner, GError *error)
{
  AsyncConn *ac = owner;
  AsyncPost *p = ac->post;
  const char *line = ac->reader.start_line;
  guint status;
  GBytes *body;

  if (error != NULL)
    {
      if (ac->reader.refuse_status != 0)
        {
          /* a malformed answer (no length, chunked, too large ...) */
          GError *e = g_error_new (SAMP_ERROR, SAMP_ERROR_PROTOCOL, "bad HTTP answer from %s: %s",
                                   p->url, error->message);
          g_error_free (error);
          apost_finish (p, NULL, e, FALSE);
        }
      else if (!apost_retry (p, error))
        apost_finish (p, NULL, error, FALSE);
      return;
    }
  if (!g_str_has_prefix (line, "HTTP/1.") || strlen (line) < 12 || !g_ascii_isdigit (line[9]))
    {
      apost_finish (p, NULL, g_error_new (SAMP_ERROR, SAMP_ERROR_PROTOCOL,
                                          "malformed HTTP status line from %s", p->url), FALSE);
      return;
    }
  status = (guint) g_ascii_strtoull (line + 9, NULL, 10);
  if (status < 200 || status > 299)
    {
      apost_finish (p, NULL, g_error_new (SAMP_ERROR, SAMP_ERROR_PROTOCOL, "HTTP %u from %s",
                                          status, p->url), FALSE);
      return;
    }
  body = g_bytes_new (ac->reader.body, (gsize) ac->reader.content_length);
  /* reusable: HTTP/1.1 and not "Connection: close" */
  apost_finish (p, body, NULL, g_str_has_prefix (line, "HTTP/1.1") && !ac->reader.close);
}

static void
apost_read_response (AsyncPost *p)
{
  p->reading = TRUE;
  hub_reader_start (&p->ac->reader);
}

static void
apost_written (GObject *src, GAsyncResult *res, gpointer data)
{
  AsyncPost *p = data;
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (src), res, NULL, &error))
    {
      if (!apost_retry (p, error))
        apost_finish (p, NULL, error, FALSE);
      return;
    }
  apost_read_response (p);
}

/* A request is a few hundred bytes: the socket usually takes it at once,
 * without an asynchronous write; the rest, and any error, go the
 * asynchronous way (never a completion inside samp_http_post_async). */
static void
apost_send (AsyncPost *p)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (p->conn));
  gssize n = 0;

  if (G_IS_POLLABLE_OUTPUT_STREAM (out)
      && g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (out)))
    n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (out),
                                                    p->request->str, p->request->len,
                                                    p->cancel, NULL);
  if (n == (gssize) p->request->len)
    {
      apost_read_response (p);
      return;
    }
  n = MAX (n, 0);
  g_output_stream_write_all_async (out, p->request->str + n, p->request->len - (gsize) n,
                                   G_PRIORITY_DEFAULT, p->cancel, apost_written, p);
}

static void
apost_connected (GObject *src, GAsyncResult *res, gpointer data)
{
  AsyncPost *p = data;
  GError *error = NULL;

  p->conn = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (src), res, &error);
  if (p->conn == NULL)
    {
      apost_finish (p, NULL, error, FALSE);
      return;
    }
  g_socket_set_option (g_socket_connection_get_socket (p->conn), IPPROTO_TCP, TCP_NODELAY, 1,
                       NULL);
  p->ac = async_conn_get (p->conn);
  p->ac->post = p;
  apost_set_cancel (p, p->ac->cancel);
  apost_send (p);
}

void
samp_http_post_async (const char *url, const char *content_type, GBytes *body,
                      guint timeout_ms, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  gsize blen = body ? g_bytes_get_size (body) : 0;
  const char *path, *query;
  AsyncPost *p;

  g_task_set_source_tag (task, samp_http_post_async);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
      || g_uri_get_host (uri) == NULL)
    {
      g_task_return_new_error (task, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "not an http:// URL: %s",
                               url);
      g_object_unref (task);
      return;
    }
  p = g_new0 (AsyncPost, 1);
  p->task = task;
  p->url = g_strdup (url);
  p->host = g_strdup (g_uri_get_host (uri));
  p->port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 80;
  p->key = g_strdup_printf ("%s:%d", p->host, p->port);
  path = g_uri_get_path (uri);
  query = g_uri_get_query (uri);
  p->request = g_string_sized_new (256 + blen);
  g_string_printf (p->request, "POST %s%s%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: libsamp (cadc-samp)\r\n"
                   "Content-Type: %s\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                   *path ? path : "/", query ? "?" : "", query ? query : "", p->key,
                   content_type ? content_type : "text/xml", blen);
  if (blen > 0)
    g_string_append_len (p->request, g_bytes_get_data (body, NULL), (gssize) blen);
  if (cancellable != NULL)
    p->caller = g_object_ref (cancellable);
  if (timeout_ms > 0)
    {
      p->timer = g_timeout_source_new (timeout_ms);
      g_source_set_callback (p->timer, apost_timeout_cb, p, NULL);
      g_source_set_static_name (p->timer, "samp-http post timeout");
      g_source_attach (p->timer, g_main_context_get_thread_default ());
    }
  p->conn = pool_take (p->key);
  if (p->conn != NULL)
    {
      p->reused = TRUE;
      p->ac = async_conn_get (p->conn);
      p->ac->post = p;
      apost_set_cancel (p, p->ac->cancel);
      /* a blocking call may have left its socket timeout */
      g_socket_set_timeout (g_socket_connection_get_socket (p->conn), 0);
      apost_send (p);
      return;
    }
  apost_connect (p);
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

/* samp-hub-net.c: the hub's XML-RPC over HTTP/1.1, on the GLib main loop.
 *
 * Server: a GSocketService bound to 127.0.0.1 port 0.  Each connection
 * reads requests (Content-Length bodies, keep-alive, pipelining), parses
 * the XML-RPC call into SAMP values as GVariant and hands it to the
 * routing code, which may answer much later (callAndWait): the connection
 * simply waits, nothing blocks.  All connection I/O is samp-hub-reader's:
 * one persistent GSource per connection, non-blocking recv()/sendmsg() on
 * its socket, deadlines as fields (no GTask, GCancellable or timer source
 * per message), so a peer that trickles a request or sends nothing costs
 * the main loop nothing; limits (HUB_HEADER_LIMIT 64 KiB -> 431, body
 * SAMP_XMLRPC_MAX_SIZE -> 413 before it is read, REQUEST_TIMEOUT_S -> 408,
 * IDLE_TIMEOUT_S, and WRITE_TIMEOUT_S for a peer that does not read)
 * bound what one connection can hold; after a refusal the connection
 * lingers (reads and discards) before it closes.  A connection has one
 * request under way at most (HubRequest lives in it).  The XML-RPC is
 * checked (samp-xmlguard) before the secret is: a hostile document gets a
 * fault, never a crash.  Bodies over 64 KiB are parsed on a worker
 * thread, so a huge one does not stall the main loop either.  Client:
 * each delivery is one POST written straight to a connection kept alive
 * to the client's callback server between deliveries (see "client:
 * deliveries": reuse, retry, when one is dropped); the result (transport
 * error, fault or success) comes back through a callback, never from
 * inside hub_net_post().  XML-RPC documents are made and read by
 * samp-xmlrpc (no DTDs, no entities) in its strict mode: the hub refuses
 * non-SAMP scalar types (<int>, <double>, ...) the way JSAMP does.
 *
 * The other way round, samp-http (libsamp's client side) builds on this
 * file: its callback server is a HubNet whose on_http hook takes every
 * request, and its asynchronous POST reads with samp-hub-reader; so both
 * sides of a SAMP exchange run the same asynchronous transport.  The
 * blocking liveness ping (hub_net_ping_sync) uses samp-http's blocking
 * POST.
 */
#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "samp-error.h"
#include "samp-http.h"
#include "samp-hub-private.h"
#include "samp-hub-reader.h"
#include "samp-xmlrpc.h"

struct _HubNet {
  SampHub *hub;
  HubCallFunc on_call;
  HubHttpFunc on_http;      /* another profile's server: sees each request first */
  gpointer data;
  GSocketService *service;
  GCancellable *cancel;
  GHashTable *conns;        /* ServerConn set, borrowed */
  char *url;
  GSocketClient *socket_client;   /* deliveries' connects */
  GHashTable *dests;        /* callback URL -> Dest (kept-alive connections) */
};

static void dest_forget (gpointer data);

/* ================== XML-RPC, through samp-xmlrpc ================== */

/* The hub builds outgoing parameters as tuples of "v"; samp-xmlrpc wants
 * a SAMP list.  The tuple's children are already "v" (each is used as
 * is unless it boxes another "v").  Returns: (transfer full) */
static GVariant *
params_to_list (GVariant *params)
{
  /* type checks by type string / class: g_variant_is_of_type walks type
   * strings, a few times per delivery */
  if (strcmp (g_variant_get_type_string (params), "av") == 0)
    return g_variant_ref (params);
  gsize n = g_variant_n_children (params);
  GVariant *stack[8];
  g_autofree GVariant **heap = n > G_N_ELEMENTS (stack) ? g_new (GVariant *, n) : NULL;
  GVariant **items = heap != NULL ? heap : stack;
  for (gsize i = 0; i < n; i++)
    {
      GVariant *child = g_variant_get_child_value (params, i);
      if (g_variant_classify (child) == G_VARIANT_CLASS_VARIANT)
        {
          GVariant *inner = g_variant_get_variant (child);
          if (g_variant_classify (inner) != G_VARIANT_CLASS_VARIANT)
            {
              items[i] = child;           /* a "v" around a value: as is */
              g_variant_unref (inner);
              continue;
            }
          g_variant_unref (child);
          while (g_variant_classify (inner) == G_VARIANT_CLASS_VARIANT)
            {
              GVariant *next = g_variant_get_variant (inner);
              g_variant_unref (inner);
              inner = next;
            }
          child = inner;
        }
      items[i] = g_variant_ref_sink (g_variant_new_variant (child));
      g_variant_unref (child);
    }
  GVariant *list = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE_VARIANT, items, n));
  for (gsize i = 0; i < n; i++)
    g_variant_unref (items[i]);
  return list;
}

/* Returns: (transfer full) (nullable): params as "av".  Strict: a hub
 * refuses <int>, <double>, ... as JSAMP does; the fault names the first
 * such value by its path (the check is on parsed values, so string text
 * that looks like markup is just text). */
static GVariant *
parse_call (const char *body, gsize len, char **method, GError **error)
{
  GVariant *args = NULL;
  if (!samp_xmlrpc_parse_call_full (body, len, SAMP_XMLRPC_STRICT, method, &args, error))
    return NULL;
  return args;
}

/* Parse a delivery's response into *fault (unset when all is well). */
static void
parse_response (const char *body, gsize len, GError **fault)
{
  /* a fault, or a malformed answer, still means the client is alive */
  g_autoptr(GVariant) v = samp_xmlrpc_parse_response (body, len, fault);
}

/* ================== HTTP ================== */

/* Limits on what a peer may send the hub (see doc/SECURITY-samp.md); the
 * header and body limits are the reader's (samp-hub-reader.h). */
#define REQUEST_TIMEOUT_S 30          /* first byte to last byte of a request */
#define IDLE_TIMEOUT_S 120            /* an open connection with no request under way */
#define WRITE_TIMEOUT_S 30            /* to take one response off our hands */
#define LISTEN_BACKLOG 128            /* connections the kernel accepts before we do */

/* Small request/response exchanges: no Nagle, no delayed ACKs (a peer
 * that writes headers and body separately would otherwise stall ~40 ms). */
static void
tune_socket (GSocketConnection *conn)
{
  GSocket *sock = g_socket_connection_get_socket (conn);
  g_socket_set_option (sock, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  g_socket_set_option (sock, IPPROTO_TCP, TCP_QUICKACK, 1, NULL);
}

/* ================== server ================== */

/* A connection: the read loop owns one reference while it runs (it is
 * paused while a request is being answered), the request under way one
 * more.  A connection has at most one request under way (its reader is
 * paused until the answer is written), so the request lives inside it. */
struct _HubRequest {
  struct _ServerConn *sc;
  gboolean close_after;
  gboolean refused;         /* an HTTP error: linger before closing */
  GString *extra;           /* response header lines (hub_request_add_header) */
  gboolean head_only;       /* a HEAD request: the headers, no body */
};

typedef struct _ServerConn {
  guint refcount;
  HubNet *net;              /* NULL once the server is gone */
  GSocketConnection *conn;
  HubReader reader;         /* reads requests, writes responses */
  gboolean closed;
  HubRequest req;
} ServerConn;

static void
sc_unref (ServerConn *sc)
{
  if (--sc->refcount > 0)
    return;
  if (sc->net != NULL)
    g_hash_table_remove (sc->net->conns, sc);
  hub_reader_clear (&sc->reader);
  g_io_stream_close (G_IO_STREAM (sc->conn), NULL, NULL);
  g_object_unref (sc->conn);
  if (sc->req.extra != NULL)
    g_string_free (sc->req.extra, TRUE);
  g_free (sc);
}

static void
sc_close (ServerConn *sc)
{
  if (sc->closed)
    return;
  sc->closed = TRUE;
  hub_reader_close (&sc->reader);   /* closes the stream */
}

static HubRequest *
request_new (ServerConn *sc)
{
  HubRequest *req = &sc->req;
  req->sc = sc;
  req->close_after = FALSE;
  req->refused = FALSE;
  req->head_only = FALSE;
  if (req->extra != NULL)
    g_string_truncate (req->extra, 0);
  sc->refcount++;
  return req;
}

static void
request_free (HubRequest *req)
{
  sc_unref (req->sc);
}

/* After a refusal (413 ...) the peer may still be sending the request: a
 * close with unread input would reset the connection and lose our answer
 * on its side.  So: no more output, then discard input until it ends, up
 * to LINGER_BYTES or LINGER_TIMEOUT_S, then close. */
#define LINGER_BYTES ((gsize) 2 * SAMP_XMLRPC_MAX_SIZE)
#define LINGER_TIMEOUT_S 10

static void
sc_drained (gpointer owner)
{
  ServerConn *sc = owner;
  sc_close (sc);
  sc_unref (sc);                /* the read loop's reference */
}

static void
sc_linger (ServerConn *sc)
{
  g_socket_shutdown (g_socket_connection_get_socket (sc->conn), FALSE, TRUE, NULL);
  hub_reader_drain (&sc->reader, LINGER_BYTES, LINGER_TIMEOUT_S, sc_drained);
}

/* The response of the request under way is written (or failed): go on
 * reading, linger or close. */
static void
sc_response_done (ServerConn *sc, gboolean written)
{
  HubRequest *req = &sc->req;
  if (written && req->refused && sc->net != NULL && !sc->closed)
    sc_linger (sc);
  else if (!written || req->close_after || sc->net == NULL)
    {
      sc_close (sc);
      sc_unref (sc);                /* the paused read loop ends */
    }
  else
    hub_reader_start (&sc->reader);   /* next request on this connection */
  request_free (req);
}

static void
sc_written (gpointer owner, GError *error)
{
  ServerConn *sc = owner;
  if (error != NULL)
    g_debug ("hub: response not written: %s", error->message);
  sc_response_done (sc, error == NULL);
  g_clear_error (&error);
}

static const char *
reason_phrase (guint status)
{
  switch (status)
    {
    case 200: return "OK";
    case 204: return "No Content";
    case 307: return "Temporary Redirect";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 502: return "Bad Gateway";
    case 400: return "Bad Request";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    default: return "Error";
    }
}

static char *
put_str (char *p, const char *s)
{
  gsize n = strlen (s);
  memcpy (p, s, n);
  return p + n;
}

static char *
put_uint (char *p, guint64 v)
{
  char digits[24];
  int n = 0;
  do
    digits[n++] = (char) ('0' + v % 10);
  while ((v /= 10) > 0);
  while (n > 0)
    *p++ = digits[--n];
  return p;
}

/* Send @status with @body (consumed) of @ctype, then go on reading or
 * close.  The socket usually takes the response at once (sendmsg of the
 * header and the body, no copy); the reader queues what it does not. */
static void
request_send_full (HubRequest *req, guint status, const char *ctype, GBytes *body)
{
  ServerConn *sc = req->sc;
  if (sc->closed)
    {
      g_bytes_unref (body);
      request_free (req);
      return;
    }
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);
  const char *reason = reason_phrase (status);
  const char *conn_close = req->close_after ? "Connection: close\r\n" : "";
  gsize extra_len = req->extra ? req->extra->len : 0;
  gsize need = 96 + strlen (reason) + strlen (ctype) + strlen (conn_close) + extra_len;
  char stack[512];
  g_autofree char *heap = need > sizeof stack ? g_malloc (need) : NULL;
  char *head = heap != NULL ? heap : stack;
  char *p = head;
  /* no printf: it was most of the cost of answering */
  p = put_str (p, "HTTP/1.1 ");
  p = put_uint (p, status);
  *p++ = ' ';
  p = put_str (p, reason);
  p = put_str (p, "\r\nContent-Type: ");
  p = put_str (p, ctype);
  p = put_str (p, "\r\nContent-Length: ");
  p = put_uint (p, len);
  p = put_str (p, "\r\n");
  p = put_str (p, conn_close);
  if (extra_len > 0)
    {
      memcpy (p, req->extra->str, extra_len);
      p += extra_len;
    }
  p = put_str (p, "\r\n");
  gsize hlen = (gsize) (p - head);
  GOutputVector v[2] = { { head, hlen }, { data, req->head_only ? 0 : len } };
  gboolean now = hub_reader_send (&sc->reader, v, 2, WRITE_TIMEOUT_S, sc_written);
  g_bytes_unref (body);
  if (now)
    sc_response_done (sc, TRUE);
  /* else sc_written follows */
}

static void
request_send (HubRequest *req, GBytes *xml)
{
  request_send_full (req, 200, "text/xml", xml);
}

void
hub_request_return (HubRequest *request, GVariant *result)
{
  g_variant_take_ref (result);
  GVariant *value = result;
  while (g_variant_is_of_type (value, G_VARIANT_TYPE_VARIANT))
    {
      GVariant *inner = g_variant_get_variant (value);
      g_variant_unref (value);
      value = inner;
    }
  g_autoptr(GError) error = NULL;
  GBytes *xml = samp_xmlrpc_serialize_response (value, &error);
  g_variant_unref (value);
  if (xml == NULL)   /* the hub built a non-SAMP value: a bug, but answer */
    xml = samp_xmlrpc_serialize_fault (1, error->message);
  request_send (request, xml);
}

void
hub_request_fault (HubRequest *request, const GError *error)
{
  request_send (request, samp_xmlrpc_serialize_fault (error->code == 0 ? 1 : error->code,
                                                      error->message));
}

/* Documents larger than this are parsed on a worker thread: a 60 MB
 * call of small values keeps xmlrpc-c busy for 10-20 s, and the hub's
 * main loop must go on serving everyone else meanwhile.  Below it the
 * parse takes a few ms at most and a thread would cost more. */
#define INLINE_PARSE_MAX (64 * 1024)

typedef struct {
  const char *body;
  gsize len;
  char *method;
  GVariant *params;
  GError *error;
} ParseJob;

/* Main context: hand the parsed call to the routing code, or fault. */
static void
request_parsed (HubRequest *req, ParseJob *job)
{
  ServerConn *sc = req->sc;
  if (sc->net == NULL || sc->closed)
    {
      /* the hub went away meanwhile: end the paused read loop too */
      sc_close (sc);
      sc_unref (sc);
      request_free (req);
    }
  else if (job->params == NULL)
    hub_request_fault (req, job->error);
  else
    sc->net->on_call (sc->net->hub, job->method, job->params, req);
  g_free (job->method);
  g_clear_pointer (&job->params, g_variant_unref);
  g_clear_error (&job->error);
}

static void
parse_task (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ParseJob *job = data;
  (void) source;
  (void) cancellable;
  job->params = parse_call (job->body, job->len, &job->method, &job->error);
  g_task_return_boolean (task, TRUE);
}

static void
parse_task_done (GObject *source, GAsyncResult *res, gpointer data)
{
  (void) source;
  request_parsed (data, g_task_get_task_data (G_TASK (res)));
}

static void
sc_request_read (gpointer owner, GError *error)
{
  ServerConn *sc = owner;
  guint status = sc->reader.refuse_status;
  if (error != NULL && status != 0 && sc->net != NULL && !sc->closed)
    {
      /* refuse in HTTP, then close: the rest of the stream is unusable */
      g_debug ("hub: HTTP %u to a request: %s", status, error->message);
      HubRequest *req = request_new (sc);
      req->close_after = TRUE;
      req->refused = TRUE;
      g_autofree char *text = g_strdup_printf ("%u %s: %s\n", status, reason_phrase (status),
                                               error->message);
      g_clear_error (&error);
      request_send_full (req, status, "text/plain", g_bytes_new (text, strlen (text)));
      return;
    }
  if (error != NULL || sc->net == NULL || sc->closed)
    {
      g_clear_error (&error);
      sc_close (sc);
      sc_unref (sc);   /* the read loop's reference */
      return;
    }
  HubRequest *req = request_new (sc);
  req->close_after = sc->reader.close;
  if (sc->net->on_http != NULL && sc->net->on_http (sc->net->data, req))
    return;   /* taken (answered now or later) by the other profile */
  /* the body stays put: the reader is paused */
  gsize len = (gsize) sc->reader.content_length;
  if (len <= INLINE_PARSE_MAX)
    {
      ParseJob job = { sc->reader.body, len, NULL, NULL, NULL };
      job.params = parse_call (job.body, job.len, &job.method, &job.error);
      request_parsed (req, &job);
      return;
    }
  ParseJob *job = g_new0 (ParseJob, 1);
  job->body = sc->reader.body;
  job->len = len;
  g_autoptr(GTask) task = g_task_new (NULL, NULL, parse_task_done, req);
  g_task_set_task_data (task, job, g_free);
  g_task_run_in_thread (task, parse_task);
}

static gboolean
on_incoming (GSocketService *service, GSocketConnection *conn,
             GObject *source, gpointer data)
{
  HubNet *net = data;
  (void) service;
  (void) source;
  ServerConn *sc = g_new0 (ServerConn, 1);
  sc->refcount = 1;
  sc->net = net;
  sc->conn = g_object_ref (conn);
  tune_socket (conn);
  g_hash_table_add (net->conns, sc);
  hub_reader_init (&sc->reader, G_IO_STREAM (conn), net->cancel, IDLE_TIMEOUT_S,
                   REQUEST_TIMEOUT_S, sc_request_read, sc);
  hub_reader_start (&sc->reader);
  return TRUE;
}

HubNet *
hub_net_new (SampHub *hub, HubCallFunc on_call, GError **error)
{
  return hub_net_new_full (hub, 0, on_call, NULL, NULL, error);
}

HubNet *
hub_net_new_full (SampHub *hub, guint16 port, HubCallFunc on_call,
                  HubHttpFunc on_http, gpointer data, GError **error)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, port);
  g_autoptr(GSocketAddress) effective = NULL;
  GSocketService *service = g_socket_service_new ();
  /* GIO listens with a backlog of 10: a burst of new connections (a
   * client opening one per call it has in flight, a hub its deliveries)
   * beyond that had its SYNs dropped by the kernel and retried a second
   * later, a stall seen at the end of every bench run */
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (service), LISTEN_BACKLOG);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), addr,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &effective, error))
    {
      g_prefix_error (error, "Cannot listen on 127.0.0.1:%u: ", port);
      g_object_unref (service);
      return NULL;
    }
  HubNet *net = g_new0 (HubNet, 1);
  net->hub = hub;
  net->on_call = on_call;
  net->on_http = on_http;
  net->data = data;
  net->service = service;
  net->cancel = g_cancellable_new ();
  net->conns = g_hash_table_new (NULL, NULL);
  net->socket_client = g_socket_client_new ();
  g_socket_client_set_enable_proxy (net->socket_client, FALSE);
  net->dests = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, dest_forget);
  net->url = g_strdup_printf ("http://127.0.0.1:%u/xmlrpc",
                              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  g_signal_connect (service, "incoming", G_CALLBACK (on_incoming), net);
  g_socket_service_start (service);
  return net;
}

const char *
hub_net_get_url (HubNet *net)
{
  return net->url;
}

void
hub_net_free (HubNet *net)
{
  if (net == NULL)
    return;
  g_cancellable_cancel (net->cancel);
  GHashTableIter iter;
  gpointer sc;
  g_hash_table_iter_init (&iter, net->conns);
  while (g_hash_table_iter_next (&iter, &sc, NULL))
    {
      ServerConn *c = sc;
      c->net = NULL;
      /* an idle one (no request read or answered) ends now, not when the
       * loop next runs: a peer's next request on it fails at once */
      if (c->refcount == 1 && !c->reader.started)
        g_socket_shutdown (g_socket_connection_get_socket (c->conn), TRUE, TRUE, NULL);
    }
  g_hash_table_destroy (net->conns);
  g_hash_table_destroy (net->dests);
  g_object_unref (net->socket_client);
  g_socket_service_stop (net->service);
  g_socket_listener_close (G_SOCKET_LISTENER (net->service));
  g_signal_handlers_disconnect_by_data (net->service, net);
  g_object_unref (net->service);
  g_object_unref (net->cancel);
  g_free (net->url);
  g_free (net);
}

/* ---- for another profile's server (hub_net_new_full) ---- */

gpointer
hub_request_get_data (HubRequest *request)
{
  return request->sc->net != NULL ? request->sc->net->data : NULL;
}

const char *
hub_request_get_start_line (HubRequest *request)
{
  return request->sc->reader.start_line;
}

const char *
hub_request_get_header (HubRequest *request, const char *name)
{
  return hub_reader_get_header (&request->sc->reader, name);
}

const char *
hub_request_get_body (HubRequest *request, gsize *len)
{
  *len = (gsize) request->sc->reader.content_length;
  return request->sc->reader.body;
}

gboolean
hub_request_from_loopback (HubRequest *request)
{
  g_autoptr(GSocketAddress) peer = g_socket_connection_get_remote_address (request->sc->conn, NULL);
  if (peer == NULL || !G_IS_INET_SOCKET_ADDRESS (peer))
    return FALSE;
  GInetAddress *a = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (peer));
  return g_inet_address_get_is_loopback (a);
}

void
hub_request_add_header (HubRequest *request, const char *name, const char *value)
{
  if (request->extra == NULL)
    request->extra = g_string_new (NULL);
  g_string_append_printf (request->extra, "%s: %s\r\n", name, value);
}

void
hub_request_respond (HubRequest *request, guint status, const char *content_type, GBytes *body)
{
  request->head_only = g_str_has_prefix (request->sc->reader.start_line, "HEAD ");
  request_send_full (request, status, content_type,
                     body != NULL ? body : g_bytes_new_static ("", 0));
}

/* ================== client: deliveries ================== */

/* Connections to callback servers are kept alive between deliveries, a
 * few per callback URL (a Dest); a delivery takes an idle one, or opens
 * one if there is none.  An idle connection's reader stays on: the peer
 * closing it, or any byte it sends, drops it from the pool at once, and
 * so does IDLE_REUSE_S without use (the peer may have dropped it).  A
 * reused connection that fails before any byte of the answer arrived
 * (the peer closed it while it was idle, so it never saw the request) is
 * retried once on a new connection, unless it timed out; every other
 * failure, and any failure of a new connection, is the delivery's.  A
 * connection is dropped after an error, a timeout, an answer other than
 * 200, "Connection: close" or HTTP/1.0, and when hub_net_forget() forgets
 * its URL (the client unregistered or changed its callback). */
#define IDLE_REUSE_S 50
#define MAX_IDLE_PER_DEST 4

typedef struct _Post Post;

typedef struct {
  guint refcount;
  char *url;
  char *head;               /* "POST ... Content-Length: " */
  GQueue idle;              /* DConn */
  gboolean forgotten;       /* not in net->dests any more */
} Dest;

/* A connection to a callback server, for its life: its reader stays on
 * while it is idle in its Dest's pool too, so a peer's close is seen
 * (and the connection dropped) at once; IDLE_REUSE_S is its idle timeout. */
typedef struct {
  Dest *dest;               /* borrowed: a Post's reference, or the pool's owner */
  GSocketConnection *conn;
  HubReader reader;
  Post *post;               /* the delivery under way; NULL: idle in dest->idle */
} DConn;

struct _Post {
  HubNet *net;
  Dest *dest;
  GCancellable *cancel;
  DConn *dc;
  gboolean reused;          /* dc came from the idle pool */
  GBytes *body;
  char length[32];          /* "<body length>\r\n\r\n" */
  guint timeout_s;
  HubPostDone done;
  gpointer user_data;
};

static void
dconn_free (DConn *dc)
{
  hub_reader_clear (&dc->reader);
  g_io_stream_close (G_IO_STREAM (dc->conn), NULL, NULL);
  g_object_unref (dc->conn);
  g_free (dc);
}

static void
dest_unref (Dest *d)
{
  if (--d->refcount > 0)
    return;
  g_queue_clear_full (&d->idle, (GDestroyNotify) dconn_free);
  g_free (d->url);
  g_free (d->head);
  g_free (d);
}

/* The part of every request to @url before the body's length. */
static char *
request_head (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *path = uri && *g_uri_get_path (uri) ? g_uri_get_path (uri) : "/";
  const char *query = uri ? g_uri_get_query (uri) : NULL;
  const char *host = uri && g_uri_get_host (uri) ? g_uri_get_host (uri) : "127.0.0.1";
  int port = uri ? g_uri_get_port (uri) : -1;
  g_autofree char *hostport = port > 0 ? g_strdup_printf ("%s:%d", host, port) : g_strdup (host);
  return g_strdup_printf ("POST %s%s%s HTTP/1.1\r\n"
                          "Host: %s\r\n"
                          "User-Agent: cadc-samp-hub\r\n"
                          "Content-Type: text/xml\r\n"
                          "Content-Length: ", path, query ? "?" : "", query ? query : "",
                          hostport);
}

static Dest *
dest_lookup (HubNet *net, const char *url)
{
  Dest *d = g_hash_table_lookup (net->dests, url);
  if (d == NULL)
    {
      d = g_new0 (Dest, 1);
      d->refcount = 1;          /* the table's */
      d->url = g_strdup (url);
      d->head = request_head (url);
      g_queue_init (&d->idle);
      g_hash_table_insert (net->dests, d->url, d);
    }
  return d;
}

static void
dest_forget (gpointer data)
{
  Dest *d = data;
  d->forgotten = TRUE;
  g_queue_clear_full (&d->idle, (GDestroyNotify) dconn_free);
  dest_unref (d);
}

void
hub_net_forget (HubNet *net, const char *url)
{
  if (net != NULL && url != NULL)
    g_hash_table_remove (net->dests, url);
}

static void post_connected (GObject *src, GAsyncResult *res, gpointer data);
static void post_send (Post *p);
static void post_response_read (Post *p, GError *error);
static gboolean post_retry (Post *p, GError *error);
static void post_finish (Post *p, GError *transport_error, GError *fault, gboolean keep);

/* The connection's reader: the answer of the delivery under way, or,
 * idle, the peer closed it, it timed out or sent what nobody asked for. */
static void
dconn_read (gpointer owner, GError *error)
{
  DConn *dc = owner;
  if (dc->post != NULL)
    {
      post_response_read (dc->post, error);
      return;
    }
  g_clear_error (&error);
  g_queue_remove (&dc->dest->idle, dc);
  dconn_free (dc);
}

static void
dconn_sent (gpointer owner, GError *error)
{
  DConn *dc = owner;
  Post *p = dc->post;
  if (error == NULL || p == NULL)
    {
      g_clear_error (&error);
      if (p != NULL)
        hub_reader_start (&dc->reader);   /* the answer comes through dconn_read */
      return;
    }
  if (!post_retry (p, error))
    post_finish (p, error, NULL, FALSE);
}

static DConn *
dconn_new (HubNet *net, Dest *dest, GSocketConnection *conn)
{
  DConn *dc = g_new0 (DConn, 1);
  dc->dest = dest;
  dc->conn = conn;
  hub_reader_init (&dc->reader, G_IO_STREAM (conn), net->cancel, 0, 0, dconn_read, dc);
  /* a client that takes a large delivery slowly but steadily is alive */
  dc->reader.write_timeout_idle = TRUE;
  return dc;
}

static void
post_close_conn (Post *p, gboolean keep)
{
  DConn *dc = g_steal_pointer (&p->dc);
  if (dc == NULL)
    return;
  dc->post = NULL;
  /* bytes after the answer, or a request not all sent: not a connection to reuse */
  if (keep && !p->dest->forgotten && p->dest->idle.length < MAX_IDLE_PER_DEST
      && !g_cancellable_is_cancelled (p->cancel)
      && hub_reader_buffered (&dc->reader) == 0 && !dc->reader.writing)
    {
      hub_reader_set_timeouts (&dc->reader, IDLE_REUSE_S, 0);
      hub_reader_start (&dc->reader);   /* watch it while idle */
      g_queue_push_head (&p->dest->idle, dc);
      return;
    }
  dconn_free (dc);
}

static void
post_finish (Post *p, GError *transport_error, GError *fault, gboolean keep)
{
  post_close_conn (p, keep && transport_error == NULL);
  p->done (p->user_data, transport_error, fault);
  g_clear_error (&transport_error);
  g_clear_error (&fault);
  dest_unref (p->dest);
  g_object_unref (p->cancel);
  g_bytes_unref (p->body);
  g_free (p);
}

/* A reused connection failed before the answer began: the peer had
 * closed it.  Try once more on a new connection (not after a timeout:
 * the peer is there, just slow). */
static gboolean
post_retry (Post *p, GError *error)
{
  if (!p->reused || (p->dc != NULL && p->dc->reader.started)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
      || g_cancellable_is_cancelled (p->cancel))
    return FALSE;
  g_debug ("hub: kept-alive connection to %s was closed (%s); reconnecting",
           p->dest->url, error->message);
  g_error_free (error);
  post_close_conn (p, FALSE);
  p->reused = FALSE;
  g_socket_client_set_timeout (p->net->socket_client, p->timeout_s);
  g_socket_client_connect_to_uri_async (p->net->socket_client, p->dest->url, 80, p->cancel,
                                        post_connected, p);
  return TRUE;
}

static void
post_response_read (Post *p, GError *error)
{
  if (error != NULL)
    {
      if (!post_retry (p, error))
        post_finish (p, error, NULL, FALSE);
      return;
    }
  /* "HTTP/1.1 200 OK" */
  HubReader *r = &p->dc->reader;
  const char *line = r->start_line;
  const char *sp = strchr (line, ' ');
  if (!g_str_has_prefix (line, "HTTP/") || sp == NULL || strncmp (sp + 1, "200", 3) != 0)
    {
      /* the client answered, just not with XML-RPC: a fault, not death */
      post_finish (p, NULL, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                         "HTTP error: %s", line), FALSE);
      return;
    }
  GError *fault = NULL;
  parse_response (r->body, (gsize) r->content_length, &fault);
  post_finish (p, NULL, fault, !r->close);
}

/* A request is a few hundred bytes: the socket usually takes it at once
 * (one sendmsg of the head, the length and the body); the reader queues
 * what it does not.  Failures come through dconn_sent, from the main
 * loop, so the outcome is never reported from inside hub_net_post().
 * The delivery timeout bounds each wait for the client to take more of
 * the request, the wait for the answer and the answer's reading. */
static void
post_send (Post *p)
{
  DConn *dc = p->dc;
  dc->post = p;
  /* no read deadline while the request goes out: a large one may take
   * the client longer than the delivery timeout as a whole */
  hub_reader_stop_timer (&dc->reader);
  hub_reader_set_timeouts (&dc->reader, p->timeout_s, p->timeout_s);
  gsize blen = 0;
  const char *bdata = g_bytes_get_data (p->body, &blen);
  GOutputVector v[3] = {
    { p->dest->head, strlen (p->dest->head) },
    { p->length, strlen (p->length) },
    { bdata, blen },
  };
  if (hub_reader_send (&dc->reader, v, 3, p->timeout_s, dconn_sent))
    hub_reader_start (&dc->reader);    /* the answer (else after dconn_sent) */
}

static void
post_connected (GObject *src, GAsyncResult *res, gpointer data)
{
  Post *p = data;
  GError *error = NULL;
  GSocketConnection *conn = g_socket_client_connect_to_uri_finish (G_SOCKET_CLIENT (src), res,
                                                                   &error);
  if (conn == NULL)
    {
      post_finish (p, error, NULL, FALSE);
      return;
    }
  tune_socket (conn);
  p->dc = dconn_new (p->net, p->dest, conn);
  post_send (p);
}

void
hub_net_post (HubNet *net, const char *url, const char *method,
              GVariant *params, guint timeout_s, HubPostDone done,
              gpointer user_data)
{
  Post *p = g_new0 (Post, 1);
  p->net = net;
  p->dest = dest_lookup (net, url);
  p->dest->refcount++;
  p->cancel = g_object_ref (net->cancel);
  p->timeout_s = timeout_s;
  p->done = done;
  p->user_data = user_data;
  g_autoptr(GVariant) args = params_to_list (params);
  g_autoptr(GError) error = NULL;
  p->body = samp_xmlrpc_serialize_call (method, args, &error);
  g_assert_no_error (error);   /* the hub only builds SAMP values */
  strcpy (put_uint (p->length, g_bytes_get_size (p->body)), "\r\n\r\n");

  /* the pool holds live connections only (a closed or timed-out one
   * leaves it at once); one with unread bytes is not reused */
  DConn *dc;
  while ((dc = g_queue_pop_head (&p->dest->idle)) != NULL)
    {
      if (hub_reader_buffered (&dc->reader) == 0 && !dc->reader.started)
        break;
      dconn_free (dc);
    }
  if (dc != NULL)
    {
      p->reused = TRUE;
      p->dc = dc;
      post_send (p);
      return;
    }
  g_socket_client_set_timeout (net->socket_client, timeout_s);
  g_socket_client_connect_to_uri_async (net->socket_client, url, 80, p->cancel,
                                        post_connected, p);
}

/* ================== synchronous ping ================== */

gboolean
hub_net_ping_sync (const char *url, guint timeout_ms, GError **error)
{
  g_autoptr(GBytes) body = samp_xmlrpc_serialize_call ("samp.hub.ping", NULL, error);
  if (body == NULL)
    return FALSE;
  g_autoptr(GBytes) resp = samp_http_post_sync (url, "text/xml", body, timeout_ms, NULL, error);
  if (resp == NULL)
    return FALSE;
  gsize len = 0;
  const char *data = g_bytes_get_data (resp, &len);
  g_autoptr(GVariant) v = samp_xmlrpc_parse_response (data, len, error);
  return v != NULL;
}

/* samp-hub-net.c: the hub's XML-RPC over HTTP/1.1, on the GLib main loop.
 *
 * Server: a GSocketService bound to 127.0.0.1 port 0.  Each connection
 * reads requests (Content-Length bodies, keep-alive), parses the XML-RPC
 * call into SAMP values as GVariant and hands it to the routing code,
 * which may answer much later (callAndWait): the connection simply waits,
 * nothing blocks.  Client: each delivery is one asynchronous POST with a
 * socket timeout; the result (transport error, fault or success) comes
 * back through a callback.  XML-RPC documents are made and read by
 * samp-xmlrpc (no DTDs, no entities) in its strict mode: the hub refuses
 * non-SAMP scalar types (<int>, <double>, ...) the way JSAMP does.
 *
 * Why not samp-http here: its client runs each POST on a GTask worker
 * thread, so a few dead clients that hang until their timeout would
 * exhaust the shared pool and delay deliveries to healthy ones; the hub
 * needs fully asynchronous posts on its own context.  Its server closes
 * every connection and spends a thread on each; the hub keeps HTTP/1.1
 * connections alive.  The blocking liveness ping does use samp-http.
 */
#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "samp-error.h"
#include "samp-http.h"
#include "samp-hub-private.h"
#include "samp-xmlrpc.h"

struct _HubNet {
  SampHub *hub;
  HubCallFunc on_call;
  GSocketService *service;
  GCancellable *cancel;
  GHashTable *conns;        /* ServerConn set, borrowed */
  char *url;
};

/* ================== XML-RPC, through samp-xmlrpc ================== */

/* The hub builds outgoing parameters as tuples of "v"; samp-xmlrpc wants
 * a SAMP list.  Returns: (transfer full) */
static GVariant *
params_to_list (GVariant *params)
{
  if (g_variant_is_of_type (params, G_VARIANT_TYPE ("av")))
    return g_variant_ref (params);
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("av"));
  gsize n = g_variant_n_children (params);
  for (gsize i = 0; i < n; i++)
    {
      GVariant *inner = g_variant_get_child_value (params, i);
      while (g_variant_is_of_type (inner, G_VARIANT_TYPE_VARIANT))
        {
          GVariant *next = g_variant_get_variant (inner);
          g_variant_unref (inner);
          inner = next;
        }
      g_variant_builder_add (&b, "v", inner);
      g_variant_unref (inner);
    }
  return g_variant_ref_sink (g_variant_builder_end (&b));
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

/* ================== HTTP message reading ================== */

/* Reads a start line, headers and a Content-Length body from @in. */
typedef struct {
  GDataInputStream *in;
  GCancellable *cancel;
  char *start_line;
  gssize content_length;
  gboolean close;
  char *body;
  void (*done) (gpointer owner, GError *error);
  gpointer owner;
} HttpReader;

static void reader_line_cb (GObject *src, GAsyncResult *res, gpointer data);

static void
reader_reset (HttpReader *r)
{
  g_clear_pointer (&r->start_line, g_free);
  g_clear_pointer (&r->body, g_free);
  r->content_length = -1;
  r->close = FALSE;
}

static void
reader_start (HttpReader *r)
{
  reader_reset (r);
  g_data_input_stream_read_line_async (r->in, G_PRIORITY_DEFAULT, r->cancel,
                                       reader_line_cb, r);
}

static void
reader_body_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  HttpReader *r = data;
  GError *error = NULL;
  gsize got = 0;
  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (src), res, &got, &error))
    {
      r->done (r->owner, error);
      return;
    }
  if ((gssize) got != r->content_length)
    {
      r->done (r->owner, g_error_new (G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                      "Connection closed in the middle of a body"));
      return;
    }
  r->body[got] = '\0';
  r->done (r->owner, NULL);
}

static void
reader_line_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  HttpReader *r = data;
  GError *error = NULL;
  gsize len = 0;
  g_autofree char *line = g_data_input_stream_read_line_finish (r->in, res, &len, &error);
  (void) src;
  if (line == NULL)
    {
      if (error == NULL)
        error = g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "Connection closed");
      r->done (r->owner, error);
      return;
    }
  if (len > 0 && line[len - 1] == '\r')
    line[--len] = '\0';
  if (r->start_line == NULL)
    {
      if (len == 0)   /* tolerate a stray CRLF between messages */
        {
          reader_start (r);
          return;
        }
      r->start_line = g_steal_pointer (&line);
    }
  else if (len > 0)
    {
      char *colon = strchr (line, ':');
      if (colon != NULL)
        {
          *colon = '\0';
          char *value = g_strstrip (colon + 1);
          if (g_ascii_strcasecmp (line, "Content-Length") == 0)
            {
              char *end = NULL;
              guint64 n = g_ascii_strtoull (value, &end, 10);
              if (end == value || *end != '\0')
                {
                  r->done (r->owner, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                                  "Bad Content-Length"));
                  return;
                }
              /* samp-xmlrpc refuses larger documents anyway: do not
               * allocate for them */
              if (n > SAMP_XMLRPC_MAX_SIZE)
                {
                  r->done (r->owner, g_error_new (G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                                  "Body of %" G_GUINT64_FORMAT " bytes is too large", n));
                  return;
                }
              r->content_length = (gssize) n;
            }
          else if (g_ascii_strcasecmp (line, "Connection") == 0)
            r->close = g_ascii_strcasecmp (value, "close") == 0;
          else if (g_ascii_strcasecmp (line, "Transfer-Encoding") == 0)
            {
              r->done (r->owner, g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                              "Chunked bodies are not supported"));
              return;
            }
        }
    }
  else   /* end of headers */
    {
      if (g_str_has_suffix (r->start_line, "HTTP/1.0"))
        r->close = TRUE;
      if (r->content_length < 0)
        {
          r->done (r->owner, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                          "Missing Content-Length"));
          return;
        }
      r->body = g_malloc ((gsize) r->content_length + 1);
      if (r->content_length == 0)
        {
          r->body[0] = '\0';
          r->done (r->owner, NULL);
          return;
        }
      g_input_stream_read_all_async (G_INPUT_STREAM (r->in), r->body,
                                     (gsize) r->content_length, G_PRIORITY_DEFAULT,
                                     r->cancel, reader_body_cb, r);
      return;
    }
  g_data_input_stream_read_line_async (r->in, G_PRIORITY_DEFAULT, r->cancel,
                                       reader_line_cb, r);
}

static void
reader_init (HttpReader *r, GIOStream *io, GCancellable *cancel,
             void (*done) (gpointer, GError *), gpointer owner)
{
  r->in = g_data_input_stream_new (g_io_stream_get_input_stream (io));
  g_data_input_stream_set_newline_type (r->in, G_DATA_STREAM_NEWLINE_TYPE_LF);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (r->in), FALSE);
  r->cancel = g_object_ref (cancel);
  r->done = done;
  r->owner = owner;
  r->content_length = -1;
}

static void
reader_clear (HttpReader *r)
{
  reader_reset (r);
  g_clear_object (&r->in);
  g_clear_object (&r->cancel);
}

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
 * paused while a request is being answered), each request one more. */
typedef struct {
  guint refcount;
  HubNet *net;              /* NULL once the server is gone */
  GSocketConnection *conn;
  HttpReader reader;
  gboolean closed;
} ServerConn;

struct _HubRequest {
  ServerConn *sc;
  gboolean close_after;
  char *out;
};

static void
sc_unref (ServerConn *sc)
{
  if (--sc->refcount > 0)
    return;
  if (sc->net != NULL)
    g_hash_table_remove (sc->net->conns, sc);
  reader_clear (&sc->reader);
  g_io_stream_close (G_IO_STREAM (sc->conn), NULL, NULL);
  g_object_unref (sc->conn);
  g_free (sc);
}

static void
sc_close (ServerConn *sc)
{
  if (sc->closed)
    return;
  sc->closed = TRUE;
  g_io_stream_close (G_IO_STREAM (sc->conn), NULL, NULL);
}

static void
request_free (HubRequest *req)
{
  g_free (req->out);
  sc_unref (req->sc);
  g_free (req);
}

static void
sc_written (GObject *src, GAsyncResult *res, gpointer data)
{
  HubRequest *req = data;
  ServerConn *sc = req->sc;
  g_autoptr(GError) error = NULL;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (src), res, NULL, &error)
      || req->close_after || sc->net == NULL)
    {
      sc_close (sc);
      sc_unref (sc);                /* the paused read loop ends */
    }
  else
    reader_start (&sc->reader);   /* next request on this connection */
  request_free (req);
}

static void
request_send (HubRequest *req, GBytes *xml)
{
  ServerConn *sc = req->sc;
  if (sc->closed)
    {
      g_bytes_unref (xml);
      request_free (req);
      return;
    }
  gsize len = 0;
  const char *data = g_bytes_get_data (xml, &len);
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\n"
                                           "Content-Type: text/xml\r\n"
                                           "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                           "%s\r\n", len,
                                           req->close_after ? "Connection: close\r\n" : "");
  gsize hlen = strlen (head);
  req->out = g_malloc (hlen + len);
  memcpy (req->out, head, hlen);
  memcpy (req->out + hlen, data, len);
  g_bytes_unref (xml);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (sc->conn));
  g_output_stream_write_all_async (out, req->out, hlen + len, G_PRIORITY_DEFAULT,
                                   NULL, sc_written, req);
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

static void
sc_request_read (gpointer owner, GError *error)
{
  ServerConn *sc = owner;
  if (error != NULL || sc->net == NULL || sc->closed)
    {
      g_clear_error (&error);
      sc_close (sc);
      sc_unref (sc);   /* the read loop's reference */
      return;
    }
  HubRequest *req = g_new0 (HubRequest, 1);
  req->sc = sc;
  sc->refcount++;
  req->close_after = sc->reader.close;
  g_autofree char *method = NULL;
  g_autoptr(GError) perr = NULL;
  g_autoptr(GVariant) params = parse_call (sc->reader.body,
                                           (gsize) sc->reader.content_length,
                                           &method, &perr);
  if (params == NULL)
    {
      hub_request_fault (req, perr);
      return;
    }
  sc->net->on_call (sc->net->hub, method, params, req);
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
  reader_init (&sc->reader, G_IO_STREAM (conn), net->cancel, sc_request_read, sc);
  reader_start (&sc->reader);
  return TRUE;
}

HubNet *
hub_net_new (SampHub *hub, HubCallFunc on_call, GError **error)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  GSocketService *service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), addr,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &effective, error))
    {
      g_prefix_error (error, "Cannot listen on 127.0.0.1: ");
      g_object_unref (service);
      return NULL;
    }
  HubNet *net = g_new0 (HubNet, 1);
  net->hub = hub;
  net->on_call = on_call;
  net->service = service;
  net->cancel = g_cancellable_new ();
  net->conns = g_hash_table_new (NULL, NULL);
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
    ((ServerConn *) sc)->net = NULL;
  g_hash_table_destroy (net->conns);
  g_socket_service_stop (net->service);
  g_socket_listener_close (G_SOCKET_LISTENER (net->service));
  g_signal_handlers_disconnect_by_data (net->service, net);
  g_object_unref (net->service);
  g_object_unref (net->cancel);
  g_free (net->url);
  g_free (net);
}

/* ================== client: deliveries ================== */

typedef struct {
  GSocketClient *client;
  GCancellable *cancel;
  GSocketConnection *conn;
  HttpReader reader;
  char *request;
  gsize request_len;
  HubPostDone done;
  gpointer user_data;
} Post;

static void
post_finish (Post *p, GError *transport_error, GError *fault)
{
  p->done (p->user_data, transport_error, fault);
  g_clear_error (&transport_error);
  g_clear_error (&fault);
  reader_clear (&p->reader);
  if (p->conn)
    {
      g_io_stream_close (G_IO_STREAM (p->conn), NULL, NULL);
      g_object_unref (p->conn);
    }
  g_object_unref (p->client);
  g_object_unref (p->cancel);
  g_free (p->request);
  g_free (p);
}

static void
post_response_read (gpointer owner, GError *error)
{
  Post *p = owner;
  if (error != NULL)
    {
      post_finish (p, error, NULL);
      return;
    }
  /* "HTTP/1.1 200 OK" */
  const char *sp = strchr (p->reader.start_line, ' ');
  if (!g_str_has_prefix (p->reader.start_line, "HTTP/") || sp == NULL
      || strncmp (sp + 1, "200", 3) != 0)
    {
      /* the client answered, just not with XML-RPC: a fault, not death */
      post_finish (p, NULL, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                         "HTTP error: %s", p->reader.start_line));
      return;
    }
  GError *fault = NULL;
  parse_response (p->reader.body, (gsize) p->reader.content_length, &fault);
  post_finish (p, NULL, fault);
}

static void
post_written (GObject *src, GAsyncResult *res, gpointer data)
{
  Post *p = data;
  GError *error = NULL;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (src), res, NULL, &error))
    {
      post_finish (p, error, NULL);
      return;
    }
  reader_init (&p->reader, G_IO_STREAM (p->conn), p->cancel, post_response_read, p);
  reader_start (&p->reader);
}

static void
post_connected (GObject *src, GAsyncResult *res, gpointer data)
{
  Post *p = data;
  GError *error = NULL;
  p->conn = g_socket_client_connect_to_uri_finish (G_SOCKET_CLIENT (src), res, &error);
  if (p->conn == NULL)
    {
      post_finish (p, error, NULL);
      return;
    }
  tune_socket (p->conn);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (p->conn));
  g_output_stream_write_all_async (out, p->request, p->request_len, G_PRIORITY_DEFAULT,
                                   p->cancel, post_written, p);
}

/* Returns: (transfer full): the full HTTP request posting @body to @url. */
static char *
http_request (const char *url, GBytes *body, gsize *len)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *path = uri && *g_uri_get_path (uri) ? g_uri_get_path (uri) : "/";
  const char *query = uri ? g_uri_get_query (uri) : NULL;
  const char *host = uri && g_uri_get_host (uri) ? g_uri_get_host (uri) : "127.0.0.1";
  int port = uri ? g_uri_get_port (uri) : -1;
  g_autofree char *hostport = port > 0 ? g_strdup_printf ("%s:%d", host, port) : g_strdup (host);
  gsize blen = 0;
  const char *bdata = g_bytes_get_data (body, &blen);
  g_autofree char *head = g_strdup_printf ("POST %s%s%s HTTP/1.1\r\n"
                                           "Host: %s\r\n"
                                           "User-Agent: cadc-samp-hub\r\n"
                                           "Content-Type: text/xml\r\n"
                                           "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                           "Connection: close\r\n\r\n",
                                           path, query ? "?" : "", query ? query : "",
                                           hostport, blen);
  gsize hlen = strlen (head);
  char *req = g_malloc (hlen + blen);
  memcpy (req, head, hlen);
  memcpy (req + hlen, bdata, blen);
  *len = hlen + blen;
  return req;
}

void
hub_net_post (HubNet *net, const char *url, const char *method,
              GVariant *params, guint timeout_s, HubPostDone done,
              gpointer user_data)
{
  Post *p = g_new0 (Post, 1);
  p->client = g_socket_client_new ();
  g_socket_client_set_timeout (p->client, timeout_s);
  g_socket_client_set_enable_proxy (p->client, FALSE);
  p->cancel = g_object_ref (net->cancel);
  p->done = done;
  p->user_data = user_data;
  g_autoptr(GVariant) args = params_to_list (params);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = samp_xmlrpc_serialize_call (method, args, &error);
  g_assert_no_error (error);   /* the hub only builds SAMP values */
  p->request = http_request (url, body, &p->request_len);
  g_socket_client_connect_to_uri_async (p->client, url, 80, p->cancel,
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

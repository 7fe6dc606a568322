/* samp-hub-net.c: the hub's XML-RPC over HTTP/1.1, on the GLib main loop.
 *
 * Server: a GSocketService bound to 127.0.0.1 port 0.  Each connection
 * reads requests (Content-Length bodies, keep-alive), parses the XML-RPC
 * call into SAMP values as GVariant and hands it to the routing code,
 * which may answer much later (callAndWait): the connection simply waits,
 * nothing blocks.  Client: each delivery is one asynchronous POST with a
 * socket timeout; the result (transport error, fault or success) comes
 * back through a callback.  Parsing of XML-RPC uses xmlrpc-c with DOCTYPE
 * declarations refused up front (no entities at all).
 *
 * NOTE: the samp helper's samp-xmlrpc/samp-http modules were not in the
 * tree when the hub was written; this file is the hub's own small
 * transport and should move onto them once they exist.
 */
#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <xmlrpc-c/base.h>

#include "samp-hub-private.h"

struct _HubNet {
  SampHub *hub;
  HubCallFunc on_call;
  GSocketService *service;
  GCancellable *cancel;
  GHashTable *conns;        /* ServerConn set, borrowed */
  char *url;
};

/* ================== XML-RPC encoding ================== */

static void
encode_value (GString *out, GVariant *v)
{
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_VARIANT))
    {
      g_autoptr(GVariant) inner = g_variant_get_variant (v);
      encode_value (out, inner);
      return;
    }
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
    {
      g_autofree char *esc = g_markup_escape_text (g_variant_get_string (v, NULL), -1);
      g_string_append_printf (out, "<value><string>%s</string></value>", esc);
    }
  else if (g_variant_is_of_type (v, G_VARIANT_TYPE ("a{sv}")))
    {
      GVariantIter iter;
      const char *key;
      GVariant *val;
      g_string_append (out, "<value><struct>");
      g_variant_iter_init (&iter, v);
      while (g_variant_iter_loop (&iter, "{&sv}", &key, &val))
        {
          g_autofree char *esc = g_markup_escape_text (key, -1);
          g_string_append_printf (out, "<member><name>%s</name>", esc);
          encode_value (out, val);
          g_string_append (out, "</member>");
        }
      g_string_append (out, "</struct></value>");
    }
  else if (g_variant_is_container (v))
    {
      gsize n = g_variant_n_children (v);
      g_string_append (out, "<value><array><data>");
      for (gsize i = 0; i < n; i++)
        {
          g_autoptr(GVariant) child = g_variant_get_child_value (v, i);
          encode_value (out, child);
        }
      g_string_append (out, "</data></array></value>");
    }
  else
    g_assert_not_reached ();   /* the hub only builds SAMP values */
}

static char *
encode_call (const char *method, GVariant *params)
{
  GString *out = g_string_new ("<?xml version=\"1.0\"?>\n<methodCall><methodName>");
  g_string_append (out, method);
  g_string_append (out, "</methodName><params>");
  gsize n = g_variant_n_children (params);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (params, i);
      g_string_append (out, "<param>");
      encode_value (out, child);
      g_string_append (out, "</param>");
    }
  g_string_append (out, "</params></methodCall>\n");
  return g_string_free (out, FALSE);
}

static char *
encode_response (GVariant *result)
{
  GString *out = g_string_new ("<?xml version=\"1.0\"?>\n<methodResponse><params><param>");
  encode_value (out, result);
  g_string_append (out, "</param></params></methodResponse>\n");
  return g_string_free (out, FALSE);
}

static char *
encode_fault (const GError *error)
{
  g_autofree char *esc = g_markup_escape_text (error->message, -1);
  return g_strdup_printf ("<?xml version=\"1.0\"?>\n<methodResponse><fault><value><struct>"
                          "<member><name>faultCode</name><value><int>%d</int></value></member>"
                          "<member><name>faultString</name><value><string>%s</string></value></member>"
                          "</struct></value></fault></methodResponse>\n",
                          error->code == 0 ? 1 : error->code, esc);
}

/* ================== XML-RPC decoding ================== */

/* xmlrpc_value -> GVariant.  Non-SAMP types (int, double, ...) become a
 * "u" marker, which the routing code rejects with a fault. */
static GVariant *
decode_value (xmlrpc_env *env, xmlrpc_value *v)
{
  switch (xmlrpc_value_type (v))
    {
    case XMLRPC_TYPE_STRING:
      {
        const char *s = NULL;
        xmlrpc_read_string (env, v, &s);
        if (env->fault_occurred)
          return NULL;
        GVariant *r = g_utf8_validate (s, -1, NULL)
          ? g_variant_new_string (s) : g_variant_new_uint32 (0);
        free ((void *) s);
        return r;
      }
    case XMLRPC_TYPE_ARRAY:
      {
        int n = xmlrpc_array_size (env, v);
        GVariantBuilder b;
        g_variant_builder_init (&b, G_VARIANT_TYPE ("av"));
        for (int i = 0; i < n && !env->fault_occurred; i++)
          {
            xmlrpc_value *item = NULL;
            xmlrpc_array_read_item (env, v, i, &item);
            if (env->fault_occurred)
              break;
            GVariant *g = decode_value (env, item);
            xmlrpc_DECREF (item);
            if (g)
              g_variant_builder_add (&b, "v", g);
          }
        GVariant *r = g_variant_builder_end (&b);
        if (env->fault_occurred)
          {
            g_variant_unref (g_variant_ref_sink (r));
            return NULL;
          }
        return r;
      }
    case XMLRPC_TYPE_STRUCT:
      {
        int n = xmlrpc_struct_size (env, v);
        GVariantBuilder b;
        g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
        for (int i = 0; i < n && !env->fault_occurred; i++)
          {
            xmlrpc_value *key = NULL, *val = NULL;
            xmlrpc_struct_read_member (env, v, (unsigned) i, &key, &val);
            if (env->fault_occurred)
              break;
            const char *k = NULL;
            xmlrpc_read_string (env, key, &k);
            GVariant *g = env->fault_occurred ? NULL : decode_value (env, val);
            if (g && g_utf8_validate (k, -1, NULL))
              g_variant_builder_add (&b, "{sv}", k, g);
            else if (g)
              g_variant_builder_add (&b, "{sv}", "", g_variant_new_uint32 (0)),
                g_variant_unref (g_variant_ref_sink (g));
            free ((void *) k);
            xmlrpc_DECREF (key);
            xmlrpc_DECREF (val);
          }
        GVariant *r = g_variant_builder_end (&b);
        if (env->fault_occurred)
          {
            g_variant_unref (g_variant_ref_sink (r));
            return NULL;
          }
        return r;
      }
    default:
      return g_variant_new_uint32 (0);
    }
}

static gboolean
has_doctype (const char *body, gsize len)
{
  return g_strstr_len (body, (gssize) len, "<!DOCTYPE") != NULL
    || g_strstr_len (body, (gssize) len, "<!ENTITY") != NULL;
}

/* Returns: (transfer full) (nullable): params as "av". */
static GVariant *
parse_call (const char *body, gsize len, char **method, GError **error)
{
  if (has_doctype (body, len))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "XML-RPC call with a DOCTYPE refused");
      return NULL;
    }
  xmlrpc_env env;
  xmlrpc_env_init (&env);
  const char *name = NULL;
  xmlrpc_value *params = NULL;
  xmlrpc_parse_call (&env, body, len, &name, &params);
  if (env.fault_occurred)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Bad XML-RPC call: %s", env.fault_string);
      xmlrpc_env_clean (&env);
      return NULL;
    }
  GVariant *r = decode_value (&env, params);
  xmlrpc_DECREF (params);
  if (env.fault_occurred || r == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Bad XML-RPC call: %s", env.fault_string ? env.fault_string : "?");
      xmlrpc_env_clean (&env);
      free ((void *) name);
      return NULL;
    }
  xmlrpc_env_clean (&env);
  *method = g_strdup (name);
  free ((void *) name);
  return g_variant_ref_sink (r);
}

/* Parse a response; TRUE with *fault set for an XML-RPC fault. */
static gboolean
parse_response (const char *body, gsize len, GError **fault, GError **error)
{
  if (has_doctype (body, len))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "XML-RPC response with a DOCTYPE refused");
      return FALSE;
    }
  xmlrpc_env env;
  xmlrpc_env_init (&env);
  xmlrpc_value *result = NULL;
  int code = 0;
  const char *fstr = NULL;
  xmlrpc_parse_response2 (&env, body, len, &result, &code, &fstr);
  if (env.fault_occurred)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Bad XML-RPC response: %s", env.fault_string);
      xmlrpc_env_clean (&env);
      return FALSE;
    }
  xmlrpc_env_clean (&env);
  if (fstr != NULL)
    {
      g_set_error (fault, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", fstr);
      free ((void *) fstr);
    }
  if (result)
    xmlrpc_DECREF (result);
  return TRUE;
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
              if (end == value || *end != '\0' || n > G_MAXSSIZE - 1)
                {
                  r->done (r->owner, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                                  "Bad Content-Length"));
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
request_send (HubRequest *req, char *xml)
{
  ServerConn *sc = req->sc;
  if (sc->closed)
    {
      g_free (xml);
      request_free (req);
      return;
    }
  gsize len = strlen (xml);
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\n"
                                           "Content-Type: text/xml\r\n"
                                           "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                           "%s\r\n", len,
                                           req->close_after ? "Connection: close\r\n" : "");
  gsize hlen = strlen (head);
  req->out = g_malloc (hlen + len);
  memcpy (req->out, head, hlen);
  memcpy (req->out + hlen, xml, len);
  g_free (xml);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (sc->conn));
  g_output_stream_write_all_async (out, req->out, hlen + len, G_PRIORITY_DEFAULT,
                                   NULL, sc_written, req);
}

void
hub_request_return (HubRequest *request, GVariant *result)
{
  g_variant_take_ref (result);
  request_send (request, encode_response (result));
  g_variant_unref (result);
}

void
hub_request_fault (HubRequest *request, const GError *error)
{
  request_send (request, encode_fault (error));
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
  xmlrpc_limit_set (XMLRPC_XML_SIZE_LIMIT_ID, G_MAXSSIZE);
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
  GError *fault = NULL, *perr = NULL;
  if (!parse_response (p->reader.body, (gsize) p->reader.content_length, &fault, &perr))
    {
      post_finish (p, NULL, perr);
      return;
    }
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

/* Returns: (transfer full): the full HTTP request for @body to @url. */
static char *
http_request (const char *url, const char *body, gsize *len)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *path = uri && *g_uri_get_path (uri) ? g_uri_get_path (uri) : "/";
  const char *query = uri ? g_uri_get_query (uri) : NULL;
  const char *host = uri && g_uri_get_host (uri) ? g_uri_get_host (uri) : "127.0.0.1";
  int port = uri ? g_uri_get_port (uri) : -1;
  g_autofree char *hostport = port > 0 ? g_strdup_printf ("%s:%d", host, port) : g_strdup (host);
  char *req = g_strdup_printf ("POST %s%s%s HTTP/1.1\r\n"
                               "Host: %s\r\n"
                               "User-Agent: cadc-samp-hub\r\n"
                               "Content-Type: text/xml\r\n"
                               "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                               "Connection: close\r\n\r\n%s",
                               path, query ? "?" : "", query ? query : "",
                               hostport, strlen (body), body);
  *len = strlen (req);
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
  g_autofree char *body = encode_call (method, params);
  p->request = http_request (url, body, &p->request_len);
  g_socket_client_connect_to_uri_async (p->client, url, 80, p->cancel,
                                        post_connected, p);
}

/* ================== synchronous ping ================== */

gboolean
hub_net_ping_sync (const char *url, guint timeout_ms, GError **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_socket_client_set_timeout (client, MAX (1, (timeout_ms + 999) / 1000));
  g_socket_client_set_enable_proxy (client, FALSE);
  g_autoptr(GSocketConnection) conn = g_socket_client_connect_to_uri (client, url, 80, NULL, error);
  if (conn == NULL)
    return FALSE;
  g_autoptr(GVariant) params = g_variant_ref_sink (g_variant_new ("()"));
  g_autofree char *body = encode_call ("samp.hub.ping", params);
  gsize len = 0;
  g_autofree char *req = http_request (url, body, &len);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  if (!g_output_stream_write_all (out, req, len, NULL, NULL, error))
    return FALSE;
  g_autoptr(GDataInputStream) in =
    g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
  gssize clen = -1;
  g_autofree char *status = NULL;
  for (;;)
    {
      gsize n = 0;
      g_autofree char *line = g_data_input_stream_read_line (in, &n, NULL, error);
      if (line == NULL)
        {
          if (error && *error == NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "Connection closed");
          return FALSE;
        }
      g_strchomp (line);
      if (status == NULL)
        {
          status = g_steal_pointer (&line);
          continue;
        }
      if (*line == '\0')
        break;
      if (g_ascii_strncasecmp (line, "Content-Length:", 15) == 0)
        clen = (gssize) g_ascii_strtoll (line + 15, NULL, 10);
    }
  if (!g_str_has_prefix (status, "HTTP/") || strstr (status, " 200") == NULL || clen < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Hub answered: %s", status);
      return FALSE;
    }
  g_autofree char *rbody = g_malloc ((gsize) clen + 1);
  gsize got = 0;
  if (!g_input_stream_read_all (G_INPUT_STREAM (in), rbody, (gsize) clen, &got, NULL, error))
    return FALSE;
  rbody[got] = '\0';
  GError *fault = NULL;
  if (!parse_response (rbody, got, &fault, error))
    return FALSE;
  if (fault != NULL)
    {
      g_propagate_error (error, fault);
      return FALSE;
    }
  return TRUE;
}

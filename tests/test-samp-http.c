/* test-samp-http.c: libsamp's HTTP transport on loopback: several
 * outstanding requests answered out of order, a request dropped
 * unanswered (500), client timeouts, connection refused, oversize and
 * malformed requests, std-lockurl:http: lockfiles (also fetched
 * without blocking the loop), kept-alive connections, and asynchronous
 * POSTs reusing them and cancelled by the caller. */
#include "config.h"

#include <string.h>

#include "samp.h"
#include "samp-http.h"      /* private: the tests use libsamp's internals too */
#include "samp-lockfile.h"
#include "samp-xmlrpc.h"

typedef struct {
  GPtrArray *held;         /* requests kept for a later answer */
  gboolean hold;
} Server;

static void
handler (SampHttpServer *server, SampHttpRequest *req, gpointer data)
{
  Server *s = data;
  const char *path = samp_http_request_get_path (req);

  (void) server;
  if (strcmp (path, "/lock") == 0)
    {
      samp_http_request_respond (req, 200, "text/plain",
                                 "# served\nsamp.secret=s3\nsamp.hub.xmlrpc.url=http://127.0.0.1:1/x\n", -1);
      return;
    }
  if (strcmp (path, "/drop") == 0)
    return;                              /* never answered: 500 on unref */
  if (strcmp (path, "/missing") == 0)
    {
      samp_http_request_respond (req, 404, "text/plain", "no", -1);
      return;
    }
  if (strcmp (path, "/silent") == 0 || s->hold)
    {
      g_ptr_array_add (s->held, samp_http_request_ref (req));
      return;
    }
  {
    gsize len;
    const char *body = samp_http_request_get_body (req, &len);
    g_autofree char *echo = g_strdup_printf ("%s %s %" G_GSIZE_FORMAT ":%s",
                                             samp_http_request_get_method (req), path, len, body);
    samp_http_request_respond (req, 200, "text/plain", echo, -1);
  }
}

typedef struct {
  GBytes *body;
  GError *error;
  gboolean done;
} Result;

static void
post_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  (void) src;
  r->body = samp_http_post_finish (res, &r->error);
  r->done = TRUE;
}

static void
wait_done (Result *r)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!r->done)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static char *
url_for (SampHttpServer *srv, const char *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", samp_http_server_get_port (srv), path);
}

static void
test_out_of_order (void)
{
  Server s = { g_ptr_array_new (), TRUE };
  g_autoptr(GError) error = NULL;
  SampHttpServer *srv = samp_http_server_new (handler, &s, &error);
  g_autofree char *u1 = NULL, *u2 = NULL;
  g_autoptr(GBytes) b1 = g_bytes_new_static ("one", 3);
  g_autoptr(GBytes) b2 = g_bytes_new_static ("two", 3);
  Result r1 = { 0 }, r2 = { 0 };
  gint64 end;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (samp_http_server_get_url (srv), "http://127.0.0.1:"));
  u1 = url_for (srv, "/a");
  u2 = url_for (srv, "/b");
  samp_http_post_async (u1, "text/plain", b1, 10000, NULL, post_cb, &r1);
  samp_http_post_async (u2, "text/plain", b2, 10000, NULL, post_cb, &r2);
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (s.held->len < 2)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  /* answer the later one first */
  for (gint i = 1; i >= 0; i--)
    {
      SampHttpRequest *req = g_ptr_array_index (s.held, i);
      g_autofree char *ans = g_strdup_printf ("answer %s", samp_http_request_get_path (req));
      samp_http_request_respond (req, 200, "text/plain", ans, -1);
      samp_http_request_unref (req);
    }
  wait_done (&r1);
  wait_done (&r2);
  g_assert_no_error (r1.error);
  g_assert_no_error (r2.error);
  g_assert_cmpmem (g_bytes_get_data (r1.body, NULL), g_bytes_get_size (r1.body), "answer /a", 9);
  g_assert_cmpmem (g_bytes_get_data (r2.body, NULL), g_bytes_get_size (r2.body), "answer /b", 9);
  g_bytes_unref (r1.body);
  g_bytes_unref (r2.body);
  samp_http_server_free (srv);
  g_ptr_array_unref (s.held);
}

static void
test_errors (void)
{
  Server s = { g_ptr_array_new (), FALSE };
  g_autoptr(GError) error = NULL;
  SampHttpServer *srv = samp_http_server_new (handler, &s, &error);
  g_autoptr(GBytes) body = g_bytes_new_static ("x", 1);
  g_autofree char *u_drop = url_for (srv, "/drop");
  g_autofree char *u_missing = url_for (srv, "/missing");
  g_autofree char *u_silent = url_for (srv, "/silent");
  g_autofree char *u_echo = url_for (srv, "/echo?q=1");
  Result r = { 0 };
  gint64 t0;

  samp_http_post_async (u_drop, NULL, body, 5000, NULL, post_cb, &r);
  wait_done (&r);
  g_assert_error (r.error, SAMP_ERROR, SAMP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (r.error->message, "500"));
  g_clear_error (&r.error);

  memset (&r, 0, sizeof r);
  samp_http_post_async (u_missing, NULL, body, 5000, NULL, post_cb, &r);
  wait_done (&r);
  g_assert_error (r.error, SAMP_ERROR, SAMP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (r.error->message, "404"));
  g_clear_error (&r.error);

  /* timeout: the server holds the request */
  memset (&r, 0, sizeof r);
  t0 = g_get_monotonic_time ();
  samp_http_post_async (u_silent, NULL, body, 1000, NULL, post_cb, &r);
  wait_done (&r);
  g_assert_error (r.error, SAMP_ERROR, SAMP_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 5 * G_USEC_PER_SEC);
  g_clear_error (&r.error);

  /* query strings and bodies reach the handler intact */
  memset (&r, 0, sizeof r);
  samp_http_post_async (u_echo, NULL, body, 5000, NULL, post_cb, &r);
  wait_done (&r);
  g_assert_no_error (r.error);
  g_assert_cmpmem (g_bytes_get_data (r.body, NULL), g_bytes_get_size (r.body),
                   "POST /echo?q=1 1:x", 18);
  g_bytes_unref (r.body);

  /* closing the server answers held requests 503; no handler runs after */
  samp_http_server_free (srv);
  for (guint i = 0; i < s.held->len; i++)
    samp_http_request_unref (g_ptr_array_index (s.held, i));
  g_ptr_array_unref (s.held);

  /* nobody listening */
  {
    g_autoptr(GBytes) none = samp_http_post_sync (u_echo, NULL, body, 2000, NULL, &error);
    g_assert_null (none);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  }
}

static gint lock_done;

static gpointer
load_lockfile_thread (gpointer url)
{
  GError *error = NULL;
  SampLockfile *lf = samp_lockfile_load (url, 5000, &error);

  g_assert_no_error (error);
  g_atomic_int_set (&lock_done, 1);
  return lf;
}

static void
test_http_lockfile (void)
{
  Server s = { g_ptr_array_new (), FALSE };
  g_autoptr(GError) error = NULL;
  SampHttpServer *srv = samp_http_server_new (handler, &s, &error);
  g_autofree char *url = url_for (srv, "/lock");
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  SampLockfile *lf;
  GThread *t;

  /* the server answers on this thread's loop, so load from another thread */
  t = g_thread_new ("lock", load_lockfile_thread, url);
  while (!g_atomic_int_get (&lock_done))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  lf = g_thread_join (t);
  g_assert_nonnull (lf);
  g_assert_cmpstr (lf->secret, ==, "s3");
  g_assert_cmpstr (lf->hub_url, ==, "http://127.0.0.1:1/x");
  g_assert_cmpstr (lf->location, ==, url);
  samp_lockfile_free (lf);
  samp_http_server_free (srv);
  g_ptr_array_unref (s.held);
}

typedef struct {
  SampLockfile *lf;
  GError *error;
  gboolean done;
} LockResult;

static void
lock_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  LockResult *r = data;

  (void) src;
  r->lf = samp_lockfile_load_finish (res, &r->error);
  r->done = TRUE;
}

static gboolean
count_tick (gpointer data)
{
  (*(int *) data)++;
  return G_SOURCE_CONTINUE;
}

/* The async load never blocks the caller's loop: here the serving loop
 * is the caller's own, so a blocking GET could only time out.  A silent
 * server gives NO_HUB after the timeout while the loop keeps running.
 * And SampClient fetches its http: lockfile the same way: connecting
 * reaches the (dead) hub the lockfile names, so the fetch succeeded. */
static void
test_http_lockfile_async (void)
{
  Server s = { g_ptr_array_new (), FALSE };
  g_autoptr(GError) error = NULL;
  SampHttpServer *srv = samp_http_server_new (handler, &s, &error);
  g_autofree char *url = url_for (srv, "/lock");
  g_autofree char *silent = url_for (srv, "/silent");
  LockResult r = { 0 };
  int ticks = 0;
  guint tick_id;

  samp_lockfile_load_async (url, 5000, NULL, lock_cb, &r);
  g_assert_false (r.done);              /* never completes inside the call */
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.lf->secret, ==, "s3");
  g_assert_cmpstr (r.lf->location, ==, url);
  g_clear_pointer (&r.lf, samp_lockfile_free);

  memset (&r, 0, sizeof r);
  tick_id = g_timeout_add (20, count_tick, &ticks);
  samp_lockfile_load_async (silent, 600, NULL, lock_cb, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick_id);
  g_assert_null (r.lf);
  g_assert_error (r.error, SAMP_ERROR, SAMP_ERROR_NO_HUB);
  g_assert_cmpint (ticks, >, 3);        /* the loop ran during the fetch */
  g_clear_error (&r.error);

  {
    g_autoptr(SampClient) c = samp_client_new ("http-lock");
    samp_client_set_lockfile_url (c, url);
    g_assert_false (samp_client_connect (c, &error));
    g_assert_error (error, SAMP_ERROR, SAMP_ERROR_NO_HUB);
    g_assert_nonnull (strstr (error->message, "not answering"));
    g_assert_nonnull (strstr (error->message, "http://127.0.0.1:1/x"));
  }

  samp_http_server_free (srv);
  for (guint i = 0; i < s.held->len; i++)
    samp_http_request_unref (g_ptr_array_index (s.held, i));
  g_ptr_array_unref (s.held);
}

/* ---- kept-alive connections (issue 14) ---- */

/* Read one request or response from @sock (blocking; the socket timeout
 * bounds it).  Returns: (transfer full) (nullable): its start line and
 * headers and body; NULL at a clean end of the connection. */
static char *
read_message (GSocket *sock)
{
  g_autoptr(GString) in = g_string_new (NULL);
  char buf[4096];

  for (;;)
    {
      const char *end = strstr (in->str, "\r\n\r\n");
      if (end != NULL)
        {
          const char *cl = strstr (in->str, "Content-Length: ");
          gsize len = cl ? (gsize) g_ascii_strtoull (cl + 16, NULL, 10) : 0;
          if (in->len - (gsize) (end + 4 - in->str) >= len)
            return g_strdup (in->str);
        }
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (sock, buf, sizeof buf, NULL, &error);
      g_assert_no_error (error);
      if (n == 0)
        {
          g_assert_cmpuint (in->len, ==, 0);
          return NULL;
        }
      g_string_append_len (in, buf, n);
    }
}

static void
send_text (GSocket *sock, const char *text)
{
  g_autoptr(GError) error = NULL;
  g_assert_cmpint (g_socket_send (sock, text, strlen (text), NULL, &error), ==, (gssize) strlen (text));
  g_assert_no_error (error);
}

static gint raw_done;

/* Two requests on one connection to our server, each answered on it. */
static gpointer
two_requests_thread (gpointer data)
{
  guint16 port = GPOINTER_TO_UINT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, port);

  g_assert_true (g_socket_connect (sock, addr, NULL, &error));
  g_socket_set_timeout (sock, 10);
  for (int i = 1; i <= 2; i++)
    {
      g_autofree char *req = g_strdup_printf ("POST /n%d HTTP/1.1\r\nHost: x\r\n"
                                              "Content-Length: 2\r\n\r\nhi", i);
      g_autofree char *want = g_strdup_printf ("POST /n%d 2:hi", i);
      send_text (sock, req);
      g_autofree char *resp = read_message (sock);
      g_assert_nonnull (resp);
      g_assert_true (g_str_has_prefix (resp, "HTTP/1.1 200"));
      g_assert_null (strstr (resp, "Connection: close"));
      g_assert_nonnull (strstr (resp, want));
    }
  g_atomic_int_set (&raw_done, 1);
  return NULL;
}

typedef struct {
  GSocket *listener;
  guint served[2];          /* requests answered on the 1st and 2nd connection */
} RawPeer;

/* A peer that answers one request on its first connection and then
 * closes it (as an idle timeout would), then two on the second. */
static gpointer
closing_peer_thread (gpointer data)
{
  RawPeer *peer = data;
  static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                               "Content-Length: 2\r\n\r\nok";

  for (guint c = 0; c < 2; c++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) conn = g_socket_accept (peer->listener, NULL, &error);
      g_assert_no_error (error);
      g_socket_set_timeout (conn, 10);
      while (peer->served[c] < c + 1)
        {
          g_autofree char *req = read_message (conn);
          g_assert_nonnull (req);
          send_text (conn, answer);
          peer->served[c]++;
        }
      g_socket_close (conn, NULL);
    }
  return NULL;
}

/* The server keeps an HTTP/1.1 connection for the next request; the
 * client reuses its connection, and when the peer closed it while idle,
 * sends the request again on a new one: the caller sees no error. */
static void
test_keep_alive (void)
{
  Server s = { g_ptr_array_new (), FALSE };
  g_autoptr(GError) error = NULL;
  SampHttpServer *srv = samp_http_server_new (handler, &s, &error);
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  GThread *t;

  g_assert_no_error (error);
  t = g_thread_new ("raw", two_requests_thread,
                    GUINT_TO_POINTER (samp_http_server_get_port (srv)));
  while (!g_atomic_int_get (&raw_done))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_thread_join (t);
  samp_http_server_free (srv);
  g_ptr_array_unref (s.held);

  RawPeer peer = { 0 };
  peer.listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_assert_true (g_socket_bind (peer.listener, addr, TRUE, &error));
  g_assert_true (g_socket_listen (peer.listener, &error));
  g_socket_set_timeout (peer.listener, 10);   /* a client that never comes fails, not hangs */
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (peer.listener, &error);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/",
                                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
  g_autoptr(GBytes) body = g_bytes_new_static ("x", 1);
  t = g_thread_new ("peer", closing_peer_thread, &peer);
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) r = samp_http_post_sync (url, "text/plain", body, 10000, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (r, NULL), g_bytes_get_size (r), "ok", 2);
    }
  g_thread_join (t);
  g_assert_cmpuint (peer.served[0], ==, 1);
  g_assert_cmpuint (peer.served[1], ==, 2);   /* the second connection was reused */
  g_object_unref (peer.listener);
}

/* ---- asynchronous POSTs on the caller's context (issue 14) ---- */

/* Like test_keep_alive's second half, through samp_http_post_async: the
 * connection is reused, and one the peer closed while idle is replaced
 * without the caller seeing an error. */
static void
test_async_keep_alive (void)
{
  g_autoptr(GError) error = NULL;
  RawPeer peer = { 0 };
  peer.listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_assert_true (g_socket_bind (peer.listener, addr, TRUE, &error));
  g_assert_true (g_socket_listen (peer.listener, &error));
  g_socket_set_timeout (peer.listener, 10);
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (peer.listener, &error);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/",
                                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
  g_autoptr(GBytes) body = g_bytes_new_static ("x", 1);
  GThread *t = g_thread_new ("peer", closing_peer_thread, &peer);

  for (int i = 0; i < 3; i++)
    {
      Result r = { 0 };
      samp_http_post_async (url, "text/plain", body, 10000, NULL, post_cb, &r);
      g_assert_false (r.done);            /* never completes inside the call */
      wait_done (&r);
      g_assert_no_error (r.error);
      g_assert_cmpmem (g_bytes_get_data (r.body, NULL), g_bytes_get_size (r.body), "ok", 2);
      g_bytes_unref (r.body);
    }
  g_thread_join (t);
  g_assert_cmpuint (peer.served[0], ==, 1);
  g_assert_cmpuint (peer.served[1], ==, 2);   /* the second connection was reused */
  g_object_unref (peer.listener);
}

/* The caller's GCancellable ends a POST whose answer is not coming; the
 * server still holds the request, and answers it 503 when freed. */
static void
test_async_cancel (void)
{
  Server s = { g_ptr_array_new (), FALSE };
  g_autoptr(GError) error = NULL;
  SampHttpServer *srv = samp_http_server_new (handler, &s, &error);
  g_autofree char *u_silent = url_for (srv, "/silent");
  g_autoptr(GBytes) body = g_bytes_new_static ("x", 1);
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  Result r = { 0 };

  g_assert_no_error (error);
  samp_http_post_async (u_silent, NULL, body, 0, cancel, post_cb, &r);
  while (s.held->len < 1)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_false (r.done);
  g_cancellable_cancel (cancel);
  wait_done (&r);
  g_assert_null (r.body);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
  samp_http_server_free (srv);
  for (guint i = 0; i < s.held->len; i++)
    samp_http_request_unref (g_ptr_array_index (s.held, i));
  g_ptr_array_unref (s.held);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/samp/http/out-of-order", test_out_of_order);
  g_test_add_func ("/samp/http/errors", test_errors);
  g_test_add_func ("/samp/http/lockfile-over-http", test_http_lockfile);
  g_test_add_func ("/samp/http/lockfile-over-http-async", test_http_lockfile_async);
  g_test_add_func ("/samp/http/keep-alive", test_keep_alive);
  g_test_add_func ("/samp/http/async-keep-alive", test_async_keep_alive);
  g_test_add_func ("/samp/http/async-cancel", test_async_cancel);
  return g_test_run ();
}

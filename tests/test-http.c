/* test-http.c: vo-http against a local HTTP server (http-test-server.py)
 * started by this test on 127.0.0.1 port 0: redirects (303 after POST turns
 * into GET; DELETE does not follow), retries on 503 with Retry-After, error
 * VOTables, HTTP Basic on a 401 challenge, cookies, streaming, multipart
 * uploads, cancellation, URL helpers.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "test-util.h"
#include "vo-http.h"

static CsTestServer *server;

static char *
url (const char *path)
{
  return cs_test_server_url (server, path);
}

static char *
body_str (VoHttpResponse *resp)
{
  gsize n;
  const char *d = g_bytes_get_data (vo_http_response_get_body (resp), &n);
  return g_strndup (d, n);
}

static void
test_get_ok (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *u = url ("/ok");
  g_autoptr(GError) error = NULL;
  g_autoptr(VoHttpResponse) resp = vo_http_send (http, vo_http_request_new (VO_HTTP_GET, u),
                                                 NULL, &error);
  g_autofree char *b = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (vo_http_response_get_status (resp), ==, 200);
  b = body_str (resp);
  g_assert_cmpstr (b, ==, "hello");
  g_assert_cmpstr (vo_http_response_get_content_type (resp), ==, "text/plain");
  g_assert_true (g_str_has_prefix (vo_http_get_user_agent (http), "cadc-samp/"));
  g_assert_nonnull (strstr (vo_http_get_user_agent (http), "libcurl/"));
}

static void
test_fields (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *u = url ("/echo");
  g_autoptr(GError) error = NULL;
  VoHttpRequest *req = vo_http_request_new (VO_HTTP_GET, u);
  g_autoptr(VoHttpResponse) resp = NULL;
  g_autofree char *b = NULL;

  vo_http_request_add_field (req, "ID", "ivo://cadc.nrc.ca/CFHT?1/1p");
  vo_http_request_add_field (req, "ID", "a b");
  resp = vo_http_send (http, req, NULL, &error);
  g_assert_no_error (error);
  b = body_str (resp);
  g_assert_true (g_str_has_prefix (b, "GET ID=ivo%3A%2F%2Fcadc.nrc.ca%2FCFHT%3F1%2F1p&ID=a%20b "));

  req = vo_http_request_new (VO_HTTP_POST, u);
  vo_http_request_add_field (req, "QUERY", "select * from t where a='x&y'");
  g_clear_pointer (&resp, vo_http_response_free);
  g_clear_pointer (&b, g_free);
  resp = vo_http_send (http, req, NULL, &error);
  g_assert_no_error (error);
  b = body_str (resp);
  g_assert_nonnull (strstr (b, "body=QUERY=select%20%2A%20from%20t%20where%20a%3D%27x%26y%27"));
}

static void
test_redirect_303 (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *u = url ("/see-other");
  g_autoptr(GError) error = NULL;
  VoHttpRequest *req = vo_http_request_new (VO_HTTP_POST, u);
  g_autoptr(VoHttpResponse) resp = NULL;
  g_autofree char *b = NULL;

  vo_http_request_add_field (req, "PHASE", "RUN");
  resp = vo_http_send (http, req, NULL, &error);
  g_assert_no_error (error);
  b = body_str (resp);
  /* followed with GET, body not resent */
  g_assert_true (g_str_has_prefix (b, "GET from=303 "));
  g_assert_nonnull (strstr (b, "body="));
  g_assert_true (g_str_has_suffix (vo_http_response_get_url (resp), "/echo?from=303"));
}

static void
test_delete_not_followed (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *u = url ("/job");
  g_autoptr(GError) error = NULL;
  g_autoptr(VoHttpResponse) resp = vo_http_send (http, vo_http_request_new (VO_HTTP_DELETE, u),
                                                 NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (vo_http_response_get_status (resp), ==, 303);
  g_assert_true (g_str_has_suffix (vo_http_response_get_location (resp), "/joblist"));
}

static void
test_retry_503 (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *u = url ("/flaky?key=a");
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr(VoHttpResponse) resp = vo_http_send (http, vo_http_request_new (VO_HTTP_GET, u),
                                                 NULL, &error);
  g_autofree char *b = NULL;
  gint64 elapsed = g_get_monotonic_time () - t0;

  g_assert_no_error (error);
  b = body_str (resp);
  g_assert_cmpstr (b, ==, "recovered after 2");
  g_assert_cmpuint (vo_http_response_get_retries (resp), ==, 2);
  /* Retry-After: 1 honoured twice */
  g_assert_cmpint (elapsed, >=, 2 * G_USEC_PER_SEC - 100000);
}

static void
test_retry_bounded (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *u = url ("/always-429");
  g_autoptr(GError) error = NULL;
  g_autoptr(VoHttpResponse) resp = NULL;

  vo_http_set_retries (http, 2, 1);
  resp = vo_http_send (http, vo_http_request_new (VO_HTTP_GET, u), NULL, &error);
  g_assert_null (resp);
  g_assert_error (error, VO_HTTP_ERROR, 429);
  g_assert_nonnull (strstr (error->message, "slow down"));
}

static void
test_error_votable (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *u = url ("/error-votable");
  g_autoptr(GError) error = NULL;
  g_autoptr(VoHttpResponse) resp = vo_http_send (http, vo_http_request_new (VO_HTTP_POST, u),
                                                 NULL, &error);

  g_assert_null (resp);
  g_assert_error (error, VO_HTTP_ERROR, 400);
  g_assert_nonnull (strstr (error->message, "IllegalArgumentException: bad <query> at line 1"));
  g_assert_nonnull (strstr (error->message, "/error-votable"));
}

static void
test_error_text (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *u = url ("/notfound");
  g_autoptr(GError) error = NULL;
  g_autoptr(VoHttpResponse) resp = vo_http_send (http, vo_http_request_new (VO_HTTP_GET, u),
                                                 NULL, &error);
  VoHttpRequest *req;

  g_assert_error (error, VO_HTTP_ERROR, 404);
  g_assert_nonnull (strstr (error->message, "HTTP 404 Not Found: no such thing"));
  g_assert_null (strstr (error->message, "second line"));
  g_clear_error (&error);

  req = vo_http_request_new (VO_HTTP_GET, u);
  vo_http_request_accept_status (req, 404);
  resp = vo_http_send (http, req, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vo_http_response_get_status (resp), ==, 404);
}

static void
test_curl_error (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autoptr(GError) error = NULL;
  /* port 1 on loopback: connection refused */
  g_autoptr(VoHttpResponse) resp =
    vo_http_send (http, vo_http_request_new (VO_HTTP_GET, "http://127.0.0.1:1/x"), NULL, &error);

  g_assert_null (resp);
  g_assert_true (error->domain == VO_CURL_ERROR);
  g_assert_nonnull (strstr (error->message, "http://127.0.0.1:1/x"));
}

static VoHttpCredentials *
creds_for (const char *u, gpointer data)
{
  VoHttpCredentials *c = g_new0 (VoHttpCredentials, 1);

  (void) data;
  if (strstr (u, "/headers") != NULL)
    c->cookie = g_strdup ("CADC_SSO=\"tok\"");
  if (strstr (u, "/basic") != NULL)
    {
      c->basic_user = g_strdup ("cadcauthtest");
      c->basic_password = g_strdup ("test-password");
    }
  return c;
}

static void
test_credentials (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *u1 = url ("/headers");
  g_autofree char *u2 = url ("/basic");
  g_autoptr(GError) error = NULL;
  g_autoptr(VoHttpResponse) r1 = NULL, r2 = NULL, r0 = NULL;
  g_autofree char *b1 = NULL, *b2 = NULL;
  g_autoptr(VoHttp) anon = vo_http_new (NULL);

  r0 = vo_http_send (anon, vo_http_request_new (VO_HTTP_GET, u2), NULL, &error);
  g_assert_error (error, VO_HTTP_ERROR, 401);
  g_clear_error (&error);

  vo_http_set_credentials_func (http, creds_for, NULL, NULL);
  r1 = vo_http_send (http, vo_http_request_new (VO_HTTP_GET, u1), NULL, &error);
  g_assert_no_error (error);
  b1 = body_str (r1);
  g_assert_cmpstr (b1, ==, "cookie=CADC_SSO=\"tok\" auth=None");
  r2 = vo_http_send (http, vo_http_request_new (VO_HTTP_GET, u2), NULL, &error);
  g_assert_no_error (error);
  b2 = body_str (r2);
  g_assert_cmpstr (b2, ==, "secret data");
}

static char *
get_text (VoHttp *http, const char *path)
{
  g_autofree char *u = url (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(VoHttpResponse) r = vo_http_send (http, vo_http_request_new (VO_HTTP_GET, u), NULL,
                                              &error);

  g_assert_no_error (error);
  return body_str (r);
}

/* Connections are pooled until vo_http_reset_connections (a credential
 * change) drops them: the server sees a new client port afterwards. */
static void
test_reset_connections (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *p1 = get_text (http, "/peer");
  g_autofree char *p2 = get_text (http, "/peer");
  g_autofree char *p3 = NULL, *p4 = NULL;

  g_assert_cmpstr (p1, ==, p2);
  vo_http_reset_connections (http);
  p3 = get_text (http, "/peer");
  g_assert_cmpstr (p3, !=, p2);
  p4 = get_text (http, "/peer");
  g_assert_cmpstr (p4, ==, p3);
}

typedef struct {
  gsize total;
  guint calls;
} Sink;

static gboolean
sink_cb (const char *data, gsize len, gpointer user_data, GError **error)
{
  Sink *s = user_data;

  (void) data;
  (void) error;
  s->total += len;
  s->calls++;
  return TRUE;
}

static gboolean
sink_abort (const char *data, gsize len, gpointer user_data, GError **error)
{
  (void) data;
  (void) len;
  (void) user_data;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "disk full (test)");
  return FALSE;
}

static void
test_streaming (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *u = url ("/big?n=3000000");
  g_autoptr(GError) error = NULL;
  VoHttpRequest *req = vo_http_request_new (VO_HTTP_GET, u);
  g_autoptr(VoHttpResponse) resp = NULL;
  Sink s = { 0, 0 };

  vo_http_request_set_sink (req, sink_cb, &s);
  resp = vo_http_send (http, req, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s.total, ==, 3000000);
  g_assert_cmpuint (s.calls, >, 1);
  g_assert_cmpuint (g_bytes_get_size (vo_http_response_get_body (resp)), ==, 0);
  g_clear_pointer (&resp, vo_http_response_free);

  req = vo_http_request_new (VO_HTTP_GET, u);
  vo_http_request_set_sink (req, sink_abort, NULL);
  resp = vo_http_send (http, req, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
}

static void
test_multipart (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *u = url ("/upload");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-http-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "t.vot", NULL);
  VoHttpRequest *req = vo_http_request_new (VO_HTTP_POST, u);
  g_autoptr(VoHttpResponse) resp = NULL;
  g_autofree char *b = NULL;

  g_assert_true (g_file_set_contents (path, "<VOTABLE/>", -1, &error));
  vo_http_request_add_field (req, "UPLOAD", "t,param:t");
  vo_http_request_add_file (req, "t", path, "tab.xml");
  resp = vo_http_send (http, req, NULL, &error);
  g_assert_no_error (error);
  b = body_str (resp);
  g_assert_true (g_str_has_prefix (b, "ctype=multipart/form-data; boundary="));
  g_assert_nonnull (strstr (b, "has_name=True"));
  g_unlink (path);
  g_rmdir (dir);
}

static gboolean
do_cancel (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *u = url ("/slow");
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) c = g_cancellable_new ();
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr(VoHttpResponse) resp = NULL;

  g_timeout_add (200, do_cancel, c);
  resp = vo_http_send (http, vo_http_request_new (VO_HTTP_GET, u), c, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 3 * G_USEC_PER_SEC);
}

typedef struct {
  guint pending;
  guint ok;
} Multi;

static void
freed_done (GObject *src, GAsyncResult *res, gpointer data)
{
  GError **error = data;
  g_autoptr(VoHttpResponse) resp = vo_http_send_finish (NULL, res, error);

  (void) src;
  g_assert_null (resp);
}

static gboolean
error_set (gpointer data)
{
  return *(GError **) data != NULL;
}

/* How many requests /slow got (the server's /hits). */
static guint64
slow_hits (void)
{
  g_autofree char *u = url ("/hits?path=/slow");
  g_autoptr(VoHttp) probe = vo_http_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VoHttpResponse) r = vo_http_send (probe, vo_http_request_new (VO_HTTP_GET, u),
                                              NULL, &error);
  GBytes *body;
  g_autofree char *n = NULL;

  g_assert_no_error (error);
  body = vo_http_response_get_body (r);
  n = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return g_ascii_strtoull (n, NULL, 10);
}

static gboolean
slow_requested (gpointer data)
{
  return slow_hits () > *(guint64 *) data;
}

/* A session freed with a request on the wire and one just sent: both
 * end, cancelled. */
static void
test_free_in_flight (void)
{
  VoHttp *http = vo_http_new (NULL);
  g_autofree char *slow = url ("/slow");
  g_autofree char *ok = url ("/ok");
  GError *e1 = NULL, *e2 = NULL;
  guint64 before = slow_hits ();

  vo_http_send_async (http, vo_http_request_new (VO_HTTP_GET, slow), NULL, freed_done, &e1);
  g_assert_true (cs_test_wait_until (slow_requested, &before, 10000));
  vo_http_send_async (http, vo_http_request_new (VO_HTTP_GET, ok), NULL, freed_done, &e2);
  vo_http_free (http);
  g_assert_true (cs_test_wait_until (error_set, &e1, 10000));
  g_assert_true (cs_test_wait_until (error_set, &e2, 10000));
  g_assert_error (e1, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_error (e2, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (e1->message, "/slow"));
  g_clear_error (&e1);
  g_clear_error (&e2);
}

static void
parallel_done (GObject *src, GAsyncResult *res, gpointer data)
{
  Multi *m = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VoHttpResponse) resp = vo_http_send_finish (NULL, res, &error);

  (void) src;
  if (resp != NULL && vo_http_response_get_status (resp) == 200)
    m->ok++;
  m->pending--;
}

static void
test_parallel (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *u = url ("/big?n=200000");
  Multi m = { 8, 0 };

  for (int i = 0; i < 8; i++)
    vo_http_send_async (http, vo_http_request_new (VO_HTTP_GET, u), NULL, parallel_done, &m);
  while (m.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (m.ok, ==, 8);
}

static void
test_urls (void)
{
  g_autofree char *b = vo_http_resolve_url ("http://h/tap/async", "/tap/async/123");
  g_autofree char *c = vo_http_resolve_url ("http://h/tap/async/1", "results/result");
  g_autofree char *d = vo_http_url_host ("https://WS.Example.org:443/x");
  g_autofree char *e = vo_http_escape ("a b/c?");

  g_assert_cmpstr (b, ==, "http://h/tap/async/123");
  g_assert_cmpstr (c, ==, "http://h/tap/async/results/result");
  g_assert_cmpstr (d, ==, "ws.example.org");
  g_assert_cmpstr (e, ==, "a%20b%2Fc%3F");
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  server = cs_test_server_start ();

  g_test_add_func ("/http/get", test_get_ok);
  g_test_add_func ("/http/fields", test_fields);
  g_test_add_func ("/http/redirect-303", test_redirect_303);
  g_test_add_func ("/http/delete-not-followed", test_delete_not_followed);
  g_test_add_func ("/http/retry-503", test_retry_503);
  g_test_add_func ("/http/retry-bounded", test_retry_bounded);
  g_test_add_func ("/http/error-votable", test_error_votable);
  g_test_add_func ("/http/error-text", test_error_text);
  g_test_add_func ("/http/curl-error", test_curl_error);
  g_test_add_func ("/http/credentials", test_credentials);
  g_test_add_func ("/http/reset-connections", test_reset_connections);
  g_test_add_func ("/http/streaming", test_streaming);
  g_test_add_func ("/http/multipart", test_multipart);
  g_test_add_func ("/http/cancel", test_cancel);
  g_test_add_func ("/http/parallel", test_parallel);
  g_test_add_func ("/http/free-in-flight", test_free_in_flight);
  g_test_add_func ("/http/urls", test_urls);
  ret = g_test_run ();

  cs_test_server_stop (server);
  return ret;
}

/* test-cadc-client.c: CadcClient's own logic against tests/http-test-server.py
 * (127.0.0.1, port 0): registry fallbacks (dead port and 5xx skipped, 404
 * final), the TAP capabilities loaded for the credential choice, and
 * cadc_client_set_auth swapping the token and dropping pooled connections.
 */
#include "config.h"

#include <string.h>

#include "cadc-client.h"
#include "test-util.h"
#include "vo-caps.h"

static CsTestServer *server;
static const char *base;
static char *dead;     /* a URL on a port nobody listens on */

static char *
url (const char *path)
{
  return cs_test_server_url (server, path);
}

/* GET @path with the client's session: "cookie=… auth=… peer=PORT". */
static char *
headers_peer (CadcClient *c)
{
  g_autofree char *u = url ("/headers-peer");
  g_autoptr(GError) error = NULL;
  g_autoptr(VoHttpResponse) r =
    vo_http_send (cadc_client_get_http (c), vo_http_request_new (VO_HTTP_GET, u), NULL, &error);
  gsize n;
  const char *d;

  g_assert_no_error (error);
  d = g_bytes_get_data (vo_http_response_get_body (r), &n);
  return g_strndup (d, n);
}

static CadcAuth *
auth_with_token (const char *token)
{
  CadcAuth *a = cadc_auth_new_anonymous ();
  cadc_auth_set_token (a, token);
  return a;
}

static void
test_fallbacks (void)
{
  g_autofree char *bad = url ("/status500");
  g_autofree char *good = url ("/registry");
  const char *list[] = { dead, bad, good, NULL };
  CadcClientConfig cfg = { .registry_fallbacks = list };
  g_autoptr(CadcClient) c = cadc_client_new (&cfg, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *tap = cadc_client_get_tap_url (c, &error);
  g_autofree char *want = url ("/caps-tap");

  g_assert_no_error (error);
  /* argus = {base}/caps-tap: not a ".../capabilities" URL, so kept whole */
  g_assert_cmpstr (tap, ==, want);
}

static void
test_fallbacks_stop (void)
{
  g_autofree char *missing = url ("/notfound");
  g_autofree char *good = url ("/registry");
  const char *list[] = { missing, good, NULL };
  const char *all_dead[] = { dead, dead, NULL };
  CadcClientConfig cfg = { .registry_fallbacks = list };
  CadcClientConfig cfg2 = { .registry_fallbacks = all_dead };
  g_autoptr(CadcClient) c = cadc_client_new (&cfg, NULL);
  g_autoptr(CadcClient) c2 = cadc_client_new (&cfg2, NULL);
  g_autoptr(GError) error = NULL;
  char *tap = cadc_client_get_tap_url (c, &error);

  g_assert_null (tap);
  g_assert_error (error, VO_HTTP_ERROR, 404);
  g_clear_error (&error);
  tap = cadc_client_get_tap_url (c2, &error);
  g_assert_null (tap);
  g_assert_nonnull (error);
  g_assert_true (error->domain == VO_CURL_ERROR);
  g_assert_nonnull (strstr (error->message, "no registry answered"));
}

static void
test_tap_security (void)
{
  g_autofree char *reg = url ("/registry");
  const char *domains[] = { "127.0.0.1", NULL };
  CadcClientConfig cfg = { .registry = reg, .cookie_domains = domains };
  g_autoptr(CadcClient) anon = cadc_client_new (&cfg, NULL);
  g_autoptr(CadcClient) c = cadc_client_new (&cfg, auth_with_token ("tA"));
  g_autoptr(GError) error = NULL;
  g_autofree char *t1 = cadc_client_get_tap_url (anon, &error);
  g_autofree char *t2 = cadc_client_get_tap_url (c, &error);
  g_autofree char *sync = url ("/tapx/sync");
  g_auto(GStrv) m_anon = cadc_client_allowed_methods (anon, sync);
  g_auto(GStrv) m = cadc_client_allowed_methods (c, sync);
  g_auto(GStrv) other = NULL;

  g_assert_no_error (error);
  /* anonymous: the capabilities are not even fetched */
  g_assert_null (m_anon);
  g_assert_nonnull (m);
  g_assert_cmpuint (g_strv_length (m), ==, 1);
  g_assert_cmpstr (m[0], ==, VO_SECURITY_COOKIE);
  other = cadc_client_allowed_methods (c, base);
  g_assert_null (other);
}

static void
test_set_auth (void)
{
  const char *domains[] = { "127.0.0.1", NULL };
  CadcClientConfig cfg = { .tap = "http://127.0.0.1:1/tap", .cookie_domains = domains };
  g_autoptr(CadcClient) c = cadc_client_new (&cfg, auth_with_token ("tA"));
  g_autofree char *a1 = headers_peer (c);
  g_autofree char *a2 = headers_peer (c);
  g_autofree char *b1 = NULL;
  const char *pa1, *pa2, *pb1;

  g_assert_nonnull (strstr (a1, "cookie=CADC_SSO=\"tA\""));
  pa1 = strstr (a1, "peer=");
  pa2 = strstr (a2, "peer=");
  g_assert_cmpstr (pa1, ==, pa2);       /* one pooled connection */

  cadc_client_set_auth (c, auth_with_token ("tB"));
  b1 = headers_peer (c);
  g_assert_nonnull (strstr (b1, "cookie=CADC_SSO=\"tB\""));
  g_assert_null (strstr (b1, "tA"));
  pb1 = strstr (b1, "peer=");
  g_assert_cmpstr (pb1, !=, pa1);       /* a new connection */

  /* the configured cookie domains survive the swap; NULL = anonymous */
  cadc_client_set_auth (c, NULL);
  {
    g_autofree char *n = headers_peer (c);
    g_assert_nonnull (strstr (n, "cookie=None auth=None"));
  }
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_unsetenv ("CADC_REGISTRY_URL");
  g_unsetenv ("CADC_SAMP_REGISTRY_FALLBACKS");
  g_unsetenv ("CADC_SAMP_COOKIE_DOMAINS");
  g_setenv ("NETRC", "/nonexistent/netrc", TRUE);
  server = cs_test_server_start ();
  base = cs_test_server_base (server);
  dead = cs_test_dead_url ("/reg");

  g_test_add_func ("/client/registry-fallbacks", test_fallbacks);
  g_test_add_func ("/client/registry-fallbacks-stop", test_fallbacks_stop);
  g_test_add_func ("/client/tap-security", test_tap_security);
  g_test_add_func ("/client/set-auth", test_set_auth);
  ret = g_test_run ();

  cs_test_server_stop (server);
  g_free (dead);
  return ret;
}

/* test-cadc-async.c: CadcClient's asynchronous discovery and DataLink.
 *
 * Against tests/http-test-server.py (its /registry-dl archive: TAP /tapx,
 * DataLink /dl; /hits counts requests) and, where it is installed, the
 * local DaCHS:
 * - discovery against a registry that does not answer runs while the main
 *   loop goes on dispatching, fails as "unreachable", is not tried again
 *   before its wait ends (the server, back meanwhile, sees no request),
 *   and succeeds once the wait is over;
 * - concurrent queries and a discover share one registry lookup;
 * - cadc_client_data_urls_async / cutout_urls_async give the URLs (and
 *   the errors) of the blocking calls.
 */
#include "config.h"

#include <string.h>

#include "cadc-client.h"
#include "test-util.h"
#include "vo-adql.h"
#include "vo-error.h"

static CsTestServer *server;

typedef struct {
  gboolean done;
  GAsyncResult *res;
} Wait;

static void
wait_done (GObject *src, GAsyncResult *res, gpointer data)
{
  Wait *w = data;

  (void) src;
  w->res = g_object_ref (res);
  w->done = TRUE;
}

static gboolean
is_done (gpointer data)
{
  return ((Wait *) data)->done;
}

static void
wait_clear (Wait *w)
{
  g_clear_object (&w->res);
  w->done = FALSE;
}

/* How many requests @path got from anyone. */
static guint
hits (CsTestServer *srv, const char *path)
{
  g_autofree char *u = g_strdup_printf ("%s/hits?path=%s", cs_test_server_base (srv), path);
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VoHttpResponse) r = vo_http_send (http, vo_http_request_new (VO_HTTP_GET, u), NULL,
                                              &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  text = g_strndup (g_bytes_get_data (vo_http_response_get_body (r), NULL),
                    g_bytes_get_size (vo_http_response_get_body (r)));
  return (guint) g_ascii_strtoull (text, NULL, 10);
}

static gboolean
tick (gpointer data)
{
  (*(int *) data)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
five_ticks (gpointer data)
{
  return *(int *) data >= 5;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* A registry that accepts connections but never answers, then goes away;
 * the server appears on its port afterwards. */
static void
test_unreachable_then_back (void)
{
  guint port = cs_test_free_port ();
  g_autofree char *reg = g_strdup_printf ("http://127.0.0.1:%u/registry-dl", port);
  g_autofree char *want_tap = g_strdup_printf ("http://127.0.0.1:%u/tapx", port);
  CadcClientConfig long_wait = { .registry = reg, .retry_ms = 600000 };
  CadcClientConfig short_wait = { .registry = reg, .retry_ms = 200 };
  g_autoptr(CadcClient) patient = cadc_client_new (&long_wait, NULL);
  g_autoptr(CadcClient) eager = cadc_client_new (&short_wait, NULL);
  g_autoptr(GSocket) mute = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new_from_string ("127.0.0.1", port);
  g_autoptr(GError) error = NULL;
  CsTestServer *back;
  Wait w1 = { 0 }, w2 = { 0 };
  int ticks = 0;
  guint tick_id;
  gboolean waited = FALSE;
  g_autofree char *tap = NULL;

  g_assert_true (g_socket_bind (mute, addr, TRUE, &error));
  g_assert_true (g_socket_listen (mute, &error));

  /* both look the registry up; the loop keeps dispatching meanwhile */
  cadc_client_discover_async (patient, NULL, wait_done, &w1);
  cadc_client_discover_async (eager, NULL, wait_done, &w2);
  tick_id = g_timeout_add (20, tick, &ticks);
  g_assert_true (cs_test_wait_until (five_ticks, &ticks, 20000));
  g_assert_false (w1.done);
  g_assert_false (w2.done);

  /* the registry goes away: both fail, as "unreachable" */
  g_socket_close (mute, NULL);
  g_assert_true (cs_test_wait_until (is_done, &w1, 30000));
  g_assert_true (cs_test_wait_until (is_done, &w2, 30000));
  g_source_remove (tick_id);
  g_assert_false (cadc_client_discover_finish (patient, w1.res, &error));
  g_assert_true (cadc_client_is_unreachable_error (error));
  g_assert_true (g_str_has_prefix (error->message, "registry: "));
  g_assert_null (strstr (error->message, "next attempt"));
  g_clear_error (&error);
  g_assert_false (cadc_client_discover_finish (eager, w2.res, &error));
  g_assert_true (cadc_client_is_unreachable_error (error));
  g_clear_error (&error);
  wait_clear (&w1);
  wait_clear (&w2);

  /* the archive is back; within its wait a client does not ask again:
   * the same error at once, saying when it will */
  back = cs_test_server_start_on (port);
  cadc_client_discover_async (patient, NULL, wait_done, &w1);
  g_assert_true (cs_test_wait_until (is_done, &w1, 10000));
  g_assert_false (cadc_client_discover_finish (patient, w1.res, &error));
  g_assert_true (cadc_client_is_unreachable_error (error));
  g_assert_true (g_str_has_prefix (error->message, "registry: "));
  g_assert_nonnull (strstr (error->message, "(next attempt in "));
  g_clear_error (&error);
  /* the blocking call says the same */
  tap = cadc_client_get_tap_url (patient, &error);
  g_assert_null (tap);
  g_assert_nonnull (strstr (error->message, "(next attempt in "));
  g_clear_error (&error);
  g_assert_cmpuint (hits (back, "/registry-dl"), ==, 0);

  /* once the short wait is over, the next request finds the archive */
  g_timeout_add (300, set_flag, &waited);
  g_assert_true (cs_test_wait_until (flag_set, &waited, 10000));
  cadc_client_discover_async (eager, NULL, wait_done, &w2);
  g_assert_true (cs_test_wait_until (is_done, &w2, 20000));
  g_assert_true (cadc_client_discover_finish (eager, w2.res, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hits (back, "/registry-dl"), ==, 1);
  tap = cadc_client_get_tap_url (eager, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tap, ==, want_tap);
  /* the registry listed DataLink: found as well */
  g_assert_cmpuint (hits (back, "/dl/capabilities"), ==, 1);

  wait_clear (&w1);
  wait_clear (&w2);
  cs_test_server_stop (back);
}

static gboolean
all_done (gpointer data)
{
  Wait *w = data;

  return w[0].done && w[1].done && w[2].done;
}

/* Two queries and a discover at once: one registry request. */
static void
test_shared_lookup (void)
{
  g_autofree char *reg = cs_test_server_url (server, "/registry-dl");
  CadcClientConfig cfg = { .registry = reg };
  g_autoptr(CadcClient) c = cadc_client_new (&cfg, NULL);
  guint before = hits (server, "/registry-dl");
  guint caps_before = hits (server, "/dl/capabilities");
  g_autoptr(GError) error = NULL;
  Wait w[3] = { { 0 } };

  cadc_client_query_async (c, "SELECT publisherID FROM caom2.Plane", NULL, NULL, NULL,
                           wait_done, &w[0]);
  cadc_client_query_async (c, "SELECT publisherID FROM caom2.Plane", NULL, NULL, NULL,
                           wait_done, &w[1]);
  cadc_client_discover_async (c, NULL, wait_done, &w[2]);
  g_assert_true (cs_test_wait_until (all_done, w, 20000));
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(CadcQueryResult) r = cadc_client_query_finish (c, w[i].res, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (r->n_rows, ==, 2);
    }
  g_assert_true (cadc_client_discover_finish (c, w[2].res, &error));
  g_assert_cmpuint (hits (server, "/registry-dl") - before, ==, 1);
  g_assert_cmpuint (hits (server, "/dl/capabilities") - caps_before, ==, 1);
  for (guint i = 0; i < 3; i++)
    wait_clear (&w[i]);
}

/* A caller that gives up while discovery is in flight is answered at
 * once; the lookup goes on for the others. */
static void
test_cancel_one_waiter (void)
{
  g_autofree char *reg = cs_test_server_url (server, "/registry-dl?hold=cancel");
  g_autofree char *release = cs_test_server_url (server, "/release?key=cancel");
  CadcClientConfig cfg = { .registry = reg };
  g_autoptr(CadcClient) c = cadc_client_new (&cfg, NULL);
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autoptr(VoHttpResponse) resp = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CadcQueryResult) ra = NULL;
  g_autoptr(CadcQueryResult) rb = NULL;
  Wait a = { 0 }, b = { 0 };

  cadc_client_query_async (c, "SELECT 1", NULL, NULL, cancel, wait_done, &a);
  cadc_client_query_async (c, "SELECT 1", NULL, NULL, NULL, wait_done, &b);
  g_cancellable_cancel (cancel);
  g_assert_true (cs_test_wait_until (is_done, &a, 10000));
  ra = cadc_client_query_finish (c, a.res, &error);
  g_assert_null (ra);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (b.done);      /* the registry has not answered yet */

  resp = vo_http_send (http, vo_http_request_new (VO_HTTP_GET, release), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cs_test_wait_until (is_done, &b, 20000));
  rb = cadc_client_query_finish (c, b.res, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rb->n_rows, ==, 2);
  wait_clear (&a);
  wait_clear (&b);
}

/* A client freed while answers are on their way from its lookups: its
 * callers hear "cancelled", nothing touches the freed client. */
static void
test_client_freed (void)
{
  g_autofree char *reg = cs_test_server_url (server, "/registry-dl");
  CadcClientConfig cfg = { .registry = reg };
  CadcClient *c = cadc_client_new (&cfg, NULL);
  const char *ids[] = { "ivo://cadc.nrc.ca/TEST?1/1p", NULL };
  g_autoptr(GError) error = NULL;
  Wait w[2] = { { 0 } };

  cadc_client_discover_async (c, NULL, wait_done, &w[0]);
  g_assert_true (cs_test_wait_until (is_done, &w[0], 20000));
  g_assert_true (cadc_client_discover_finish (c, w[0].res, &error));
  wait_clear (&w[0]);

  /* everything is found: these answer from the next iteration on */
  cadc_client_discover_async (c, NULL, wait_done, &w[0]);
  cadc_client_data_urls_async (c, ids, FALSE, NULL, wait_done, &w[1]);
  cadc_client_free (c);
  g_assert_true (cs_test_wait_until (is_done, &w[0], 20000));
  g_assert_true (cs_test_wait_until (is_done, &w[1], 20000));
  g_assert_false (cadc_client_discover_finish (NULL, w[0].res, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_null (cadc_client_data_urls_finish (NULL, w[1].res, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  wait_clear (&w[0]);
  wait_clear (&w[1]);
}

static gboolean
both_requested (gpointer data)
{
  guint *before = data;

  return hits (server, "/registry-dl") > before[0] && hits (server, "/trickle/sync") > before[1];
}

/* ... and while its requests are on the wire: a discovery waiting for the
 * registry, a query whose result is still arriving. */
static void
test_client_freed_in_flight (void)
{
  g_autofree char *reg = cs_test_server_url (server, "/registry-dl?hold=freed");
  g_autofree char *release = cs_test_server_url (server, "/release?key=freed");
  g_autofree char *tap = cs_test_server_url (server, "/trickle");
  CadcClientConfig cfg1 = { .registry = reg };
  CadcClientConfig cfg2 = { .tap = tap };
  CadcClient *c1 = cadc_client_new (&cfg1, NULL);
  CadcClient *c2 = cadc_client_new (&cfg2, NULL);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autoptr(VoHttpResponse) resp = NULL;
  g_autoptr(GError) error = NULL;
  guint before[2] = { hits (server, "/registry-dl"), hits (server, "/trickle/sync") };
  Wait w[2] = { { 0 } };

  cadc_client_discover_async (c1, NULL, wait_done, &w[0]);
  cadc_client_query_async (c2, "SELECT a FROM t", NULL, out, NULL, wait_done, &w[1]);
  g_assert_true (cs_test_wait_until (both_requested, before, 20000));
  cadc_client_free (c1);
  cadc_client_free (c2);
  g_assert_true (cs_test_wait_until (is_done, &w[0], 20000));
  g_assert_true (cs_test_wait_until (is_done, &w[1], 20000));
  g_assert_false (cadc_client_discover_finish (NULL, w[0].res, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_null (cadc_client_query_finish (NULL, w[1].res, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  wait_clear (&w[0]);
  wait_clear (&w[1]);
  resp = vo_http_send (http, vo_http_request_new (VO_HTTP_GET, release), NULL, &error);
  g_assert_no_error (error);
}

/* The async DataLink calls against the blocking ones, each on its own
 * client (so each discovers DataLink itself). */
static char **
urls_async (const char *reg, const char *const *ids, gboolean cutouts, gboolean aux,
            GError **error)
{
  CadcClientConfig cfg = { .registry = reg };
  g_autoptr(CadcClient) c = cadc_client_new (&cfg, NULL);
  Wait w = { 0 };
  char **urls;

  if (cutouts)
    cadc_client_cutout_urls_async (c, ids, 131.28, 54.3, 0.01, NULL, wait_done, &w);
  else
    cadc_client_data_urls_async (c, ids, aux, NULL, wait_done, &w);
  g_assert_true (cs_test_wait_until (is_done, &w, 60000));
  urls = cutouts ? cadc_client_cutout_urls_finish (c, w.res, error)
                 : cadc_client_data_urls_finish (c, w.res, error);
  wait_clear (&w);
  return urls;
}

static char **
urls_sync (const char *reg, const char *const *ids, gboolean cutouts, gboolean aux,
           GError **error)
{
  CadcClientConfig cfg = { .registry = reg };
  g_autoptr(CadcClient) c = cadc_client_new (&cfg, NULL);

  return cutouts ? cadc_client_cutout_urls (c, ids, 131.28, 54.3, 0.01, error)
                 : cadc_client_data_urls (c, ids, aux, error);
}

static void
assert_same_urls (const char *reg, const char *const *ids, gboolean cutouts, gboolean aux,
                  guint n_want)
{
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_auto(GStrv) a = urls_async (reg, ids, cutouts, aux, &e1);
  g_auto(GStrv) s = urls_sync (reg, ids, cutouts, aux, &e2);

  g_assert_no_error (e1);
  g_assert_no_error (e2);
  if (n_want > 0)
    g_assert_cmpuint (g_strv_length (a), ==, n_want);
  else
    g_assert_cmpuint (g_strv_length (a), >, 0);
  g_assert_cmpstrv (a, s);
}

static void
test_datalink_same_as_sync (void)
{
  g_autofree char *reg = cs_test_server_url (server, "/registry-dl");
  g_autofree char *no_dl = cs_test_server_url (server, "/registry");
  g_autofree char *this1 = cs_test_server_url (server, "/files/1-1p.fits");
  const char *ids[] = { "ivo://cadc.nrc.ca/TEST?1/1p", "ivo://cadc.nrc.ca/TEST?2/2p", NULL };
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_auto(GStrv) urls = urls_async (reg, ids, FALSE, FALSE, &e1);
  g_auto(GStrv) none1 = NULL;
  g_auto(GStrv) none2 = NULL;

  g_assert_no_error (e1);
  g_assert_cmpuint (g_strv_length (urls), ==, 2);
  g_assert_cmpstr (urls[0], ==, this1);
  assert_same_urls (reg, ids, FALSE, FALSE, 2);
  assert_same_urls (reg, ids, FALSE, TRUE, 4);  /* with the previews */
  assert_same_urls (reg, ids, TRUE, FALSE, 2);  /* SODA cutouts */

  /* a registry without DataLink: the same error both ways */
  none1 = urls_async (no_dl, ids, FALSE, FALSE, &e1);
  none2 = urls_sync (no_dl, ids, FALSE, FALSE, &e2);
  g_assert_null (none1);
  g_assert_null (none2);
  g_assert_error (e1, VO_ERROR, VO_ERROR_NOT_FOUND);
  g_assert_error (e2, VO_ERROR, VO_ERROR_NOT_FOUND);
  g_assert_cmpstr (e1->message, ==, e2->message);
}

/* DaCHS: the publisherIDs of the 9-row CFHT region of the archive tests. */
static void
test_datalink_dachs (void)
{
  const char *reg = "http://127.0.0.1:18080/static/reg/resource-caps";
  CadcClientConfig cfg = { .registry = reg };
  g_autoptr(CadcClient) c = cadc_client_new (&cfg, NULL);
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CadcQueryResult) r = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(VoTable) t = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  CadcClientConfig probe_cfg = { .tap = "http://127.0.0.1:18080/tap" };
  g_autoptr(CadcClient) probe = cadc_client_new (&probe_cfg, NULL);
  g_autoptr(GBytes) avail = NULL;
  g_autofree char *adql = NULL;
  int col;

  avail = cadc_client_get_tables (probe, "caom2.Plane", &error);
  if (avail == NULL)
    {
      g_test_skip ("DaCHS is not running on 127.0.0.1:18080 (tests/harness/dachs/start.sh)");
      return;
    }
  adql = vo_adql_query_region (131.28125, 54.3, 0.3, "CFHT", "image");
  r = cadc_client_query (c, adql,
                         NULL, mem, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (mem, NULL, NULL);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
  t = vo_table_load_bytes (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  col = vo_table_find_field (t, "publisherID");
  g_assert_cmpint (col, >=, 0);
  for (guint i = 0; i < vo_table_get_n_rows (t); i++)
    g_ptr_array_add (ids, (gpointer) vo_table_get_string (t, i, (guint) col));
  g_ptr_array_add (ids, NULL);
  g_assert_cmpuint (ids->len - 1, ==, 9);
  /* one #this file per plane; a cutout where the plane covers the circle */
  assert_same_urls (reg, (const char *const *) ids->pdata, FALSE, FALSE, 9);
  assert_same_urls (reg, (const char *const *) ids->pdata, TRUE, FALSE, 0);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_unsetenv ("CADC_REGISTRY_URL");
  g_unsetenv ("CADC_SAMP_REGISTRY_FALLBACKS");
  g_unsetenv ("CADC_SAMP_DISCOVERY_RETRY");
  g_setenv ("NETRC", "/nonexistent/netrc", TRUE);
  server = cs_test_server_start ();

  g_test_add_func ("/async/discover/unreachable-then-back", test_unreachable_then_back);
  g_test_add_func ("/async/discover/shared", test_shared_lookup);
  g_test_add_func ("/async/discover/cancel-one-waiter", test_cancel_one_waiter);
  g_test_add_func ("/async/discover/client-freed", test_client_freed);
  g_test_add_func ("/async/discover/client-freed-in-flight", test_client_freed_in_flight);
  g_test_add_func ("/async/datalink/same-as-sync", test_datalink_same_as_sync);
  g_test_add_func ("/async/datalink/dachs", test_datalink_dachs);
  ret = g_test_run ();

  cs_test_server_stop (server);
  return ret;
}

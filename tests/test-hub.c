/* test-hub.c: the embedded SAMP hub, driven over raw XML-RPC.
 *
 * The hub runs in a worker thread on its own GMainContext; the test talks
 * to it with blocking HTTP posts of hand-written XML-RPC, so the strict
 * typing (no <int>/<double>), the faults and the lockfile rules are
 * checked byte for byte.  Delivery behaviour against real clients is in
 * test-hub-astropy.sh and test-hub-jsamp.sh.
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "samp.h"
#include "samp-http.h"      /* private: the tests use libsamp's internals too */
#include "samp-lockfile.h"
#include "samp-xmlrpc.h"
#include "samp-hub.h"
#include "test-util.h"

typedef struct {
  char *dir;
  char *lockfile;
  SampHub *hub;
  GMainContext *ctx;
  GMainLoop *loop;
  GThread *thread;
  GMutex lock;
  GCond cond;
  gboolean ready;
  GError *error;
  char *url;
  char *secret;
  gint finished;            /* the hub thread is about to return */
} Fixture;

static gpointer
hub_thread (gpointer data)
{
  Fixture *f = data;
  g_main_context_push_thread_default (f->ctx);
  gboolean ok = samp_hub_start (f->hub, &f->error);
  g_mutex_lock (&f->lock);
  f->ready = TRUE;
  g_cond_signal (&f->cond);
  g_mutex_unlock (&f->lock);
  if (ok)
    {
      g_main_loop_run (f->loop);
      samp_hub_stop (f->hub);
    }
  g_main_context_pop_thread_default (f->ctx);
  g_atomic_int_set (&f->finished, 1);
  return NULL;
}

static gboolean
start_hub (Fixture *f, const char *lockfile, guint delivery_timeout)
{
  f->hub = samp_hub_new ();
  samp_hub_set_lockfile (f->hub, lockfile);
  if (delivery_timeout)
    samp_hub_set_delivery_timeout (f->hub, delivery_timeout);
  f->ctx = g_main_context_new ();
  f->loop = g_main_loop_new (f->ctx, FALSE);
  f->ready = FALSE;
  g_atomic_int_set (&f->finished, 0);
  f->thread = g_thread_new ("hub", hub_thread, f);
  g_mutex_lock (&f->lock);
  while (!f->ready)
    g_cond_wait (&f->cond, &f->lock);
  g_mutex_unlock (&f->lock);
  return f->error == NULL;
}

static gboolean
quit_idle (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* Stop the hub; @serve: keep this thread's default context running
 * meanwhile (its SampClients answer the hub's shutdown event). */
static void
stop_hub_full (Fixture *f, gboolean serve)
{
  if (f->thread == NULL)
    return;
  g_main_context_invoke (f->ctx, quit_idle, f->loop);
  while (serve && !g_atomic_int_get (&f->finished))
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_thread_join (f->thread);
  f->thread = NULL;
  g_clear_pointer (&f->hub, samp_hub_free);
  g_clear_pointer (&f->loop, g_main_loop_unref);
  g_clear_pointer (&f->ctx, g_main_context_unref);
  g_clear_error (&f->error);
}

static void
stop_hub (Fixture *f)
{
  stop_hub_full (f, FALSE);
}

static char *
lockfile_value (const char *path, const char *key)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *prefix = g_strconcat (key, "=", NULL);
  for (char **l = lines; *l; l++)
    if (g_str_has_prefix (*l, prefix))
      return g_strdup (*l + strlen (prefix));
  return NULL;
}

static void
setup (Fixture *f, gconstpointer data)
{
  (void) data;
  g_mutex_init (&f->lock);
  g_cond_init (&f->cond);
  f->dir = g_dir_make_tmp ("test-hub-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->lockfile = g_build_filename (f->dir, "lock", NULL);
  g_assert_true (start_hub (f, f->lockfile, 2));
  f->url = lockfile_value (f->lockfile, "samp.hub.xmlrpc.url");
  f->secret = lockfile_value (f->lockfile, "samp.secret");
  g_assert_nonnull (f->url);
  g_assert_nonnull (f->secret);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  (void) data;
  stop_hub (f);
  g_unlink (f->lockfile);
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->lockfile);
  g_free (f->url);
  g_free (f->secret);
  g_mutex_clear (&f->lock);
  g_cond_clear (&f->cond);
}

/* POST @body to @url and return the response body. */
static char *
post (const char *url, const char *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_set_timeout (client, 10);
  g_autoptr(GSocketConnection) conn = g_socket_client_connect_to_uri (client, url, 80, NULL, &error);
  g_assert_no_error (error);
  g_autofree char *req = g_strdup_printf ("POST /xmlrpc HTTP/1.1\r\nHost: x\r\n"
                                          "Content-Type: text/xml\r\nContent-Length: %zu\r\n"
                                          "Connection: close\r\n\r\n%s", strlen (body), body);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                             req, strlen (req), NULL, NULL, &error);
  g_assert_no_error (error);
  GString *all = g_string_new (NULL);
  char buf[4096];
  gssize n;
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)),
                                   buf, sizeof buf, NULL, &error)) > 0)
    g_string_append_len (all, buf, n);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (all->str, "HTTP/1.1 200"));
  char *sep = strstr (all->str, "\r\n\r\n");
  g_assert_nonnull (sep);
  char *res = g_strdup (sep + 4);
  g_string_free (all, TRUE);
  return res;
}

static char *
call (Fixture *f, const char *method, const char *params_xml)
{
  g_autofree char *body = g_strdup_printf ("<?xml version=\"1.0\"?><methodCall>"
                                           "<methodName>%s</methodName><params>%s</params>"
                                           "</methodCall>", method, params_xml);
  return post (f->url, body);
}

#define S(x) "<param><value><string>" x "</string></value></param>"

static gboolean
is_fault (const char *resp)
{
  return strstr (resp, "<fault>") != NULL;
}

/* Register and return the private key and id. */
static void
do_register (Fixture *f, char **key, char **id)
{
  g_autofree char *p = g_strdup_printf (S ("%s"), f->secret);
  g_autofree char *r = call (f, "samp.hub.register", p);
  g_assert_false (is_fault (r));
  g_autoptr(GRegex) re = g_regex_new ("<name>samp.private-key</name>\\s*<value><string>([^<]+)<", 0, 0, NULL);
  g_autoptr(GMatchInfo) mi = NULL;
  g_assert_true (g_regex_match (re, r, 0, &mi));
  *key = g_match_info_fetch (mi, 1);
  g_autoptr(GRegex) re2 = g_regex_new ("<name>samp.self-id</name>\\s*<value><string>([^<]+)<", 0, 0, NULL);
  g_autoptr(GMatchInfo) mi2 = NULL;
  g_assert_true (g_regex_match (re2, r, 0, &mi2));
  *id = g_match_info_fetch (mi2, 1);
  g_assert_true (g_regex_match_simple ("<name>samp.hub-id</name>\\s*<value><string>hub<", r, 0, 0));
}

static void
test_lockfile (Fixture *f, gconstpointer data)
{
  (void) data;
  GStatBuf st;
  g_assert_cmpint (g_stat (f->lockfile, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_autofree char *version = lockfile_value (f->lockfile, "samp.profile.version");
  g_assert_cmpstr (version, ==, "1.3");
  g_assert_true (g_str_has_prefix (f->url, "http://127.0.0.1:"));
  g_assert_cmpuint (strlen (f->secret), >=, 16);
  g_assert_true (samp_hub_is_live (f->lockfile, 2000));

  /* a second hub refuses to start over the live one */
  g_autoptr(SampHub) second = samp_hub_new ();
  samp_hub_set_lockfile (second, f->lockfile);
  g_autoptr(GError) error = NULL;
  g_assert_false (samp_hub_start (second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_autofree char *url2 = lockfile_value (f->lockfile, "samp.hub.xmlrpc.url");
  g_assert_cmpstr (url2, ==, f->url);

  /* stopping removes the lockfile */
  stop_hub (f);
  g_assert_false (g_file_test (f->lockfile, G_FILE_TEST_EXISTS));
  g_assert_false (samp_hub_is_live (f->lockfile, 500));

  /* a stale lockfile (dead URL) is replaced */
  g_assert_true (g_file_set_contents (f->lockfile,
                                      "samp.secret=x\nsamp.hub.xmlrpc.url=http://127.0.0.1:1/xmlrpc\n"
                                      "samp.profile.version=1.3\n", -1, NULL));
  g_assert_true (start_hub (f, f->lockfile, 0));
  g_autofree char *url3 = lockfile_value (f->lockfile, "samp.hub.xmlrpc.url");
  g_assert_cmpstr (url3, !=, "http://127.0.0.1:1/xmlrpc");
  g_assert_true (samp_hub_is_live (f->lockfile, 2000));
}

static void
test_lockfile_path (void)
{
  g_autofree char *old = g_strdup (g_getenv ("SAMP_HUB"));
  g_autoptr(GError) error = NULL;
  g_setenv ("SAMP_HUB", "std-lockurl:file:///tmp/some%20dir/lock", TRUE);
  g_autofree char *a = samp_hub_lockfile_path (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (a, ==, "/tmp/some dir/lock");
  g_setenv ("SAMP_HUB", "std-lockurl:file://localhost/tmp/lock2", TRUE);
  g_autofree char *b = samp_hub_lockfile_path (&error);
  g_assert_cmpstr (b, ==, "/tmp/lock2");
  g_setenv ("SAMP_HUB", "std-lockurl:http://example.org/lock", TRUE);
  g_autofree char *c = samp_hub_lockfile_path (&error);
  g_assert_null (c);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_unsetenv ("SAMP_HUB");
  g_autofree char *d = samp_hub_lockfile_path (&error);
  g_autofree char *want = g_build_filename (g_get_home_dir (), ".samp", NULL);
  g_assert_cmpstr (d, ==, want);
  if (old)
    g_setenv ("SAMP_HUB", old, TRUE);
}

static void
test_typing (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autofree char *r1 = call (f, "samp.hub.register", S ("wrong-secret"));
  g_assert_true (is_fault (r1));
  g_autofree char *r2 = call (f, "samp.hub.register", "<param><value><int>3</int></value></param>");
  g_assert_true (is_fault (r2));
  g_assert_true (strstr (r2, "SAMP type") != NULL);
  g_autofree char *r3 = call (f, "samp.hub.getRegisteredClients", S ("no-such-key"));
  g_assert_true (is_fault (r3));
  g_autofree char *r4 = call (f, "samp.hub.ping", "");
  g_assert_false (is_fault (r4));
  g_autofree char *r5 = post (f->url, "<methodCall><methodName>samp.hub.ping");
  g_assert_true (is_fault (r5));
  g_autofree char *r6 = post (f->url, "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]>"
                              "<methodCall><methodName>samp.hub.ping</methodName></methodCall>");
  g_assert_true (is_fault (r6));
  g_autofree char *r7 = call (f, "samp.hub.noSuchMethod", "");
  g_assert_true (is_fault (r7));
  g_autofree char *r8 = call (f, "system.listMethods", "");
  g_assert_true (is_fault (r8));

  g_autofree char *key = NULL, *id = NULL;
  do_register (f, &key, &id);
  g_assert_cmpuint (samp_hub_get_n_clients (f->hub), ==, 1);

  /* <double> inside a message */
  g_autofree char *p9 = g_strdup_printf (S ("%s") S ("hub")
                                         "<param><value><struct><member><name>samp.mtype</name>"
                                         "<value><string>samp.app.ping</string></value></member>"
                                         "<member><name>samp.params</name><value><struct>"
                                         "<member><name>x</name><value><double>1.5</double></value></member>"
                                         "</struct></value></member></struct></value></param>", key);
  g_autofree char *r9 = call (f, "samp.hub.notify", p9);
  g_assert_true (is_fault (r9));

  /* the hub is a client: listed, with metadata, pingable */
  g_autofree char *p10 = g_strdup_printf (S ("%s"), key);
  g_autofree char *r10 = call (f, "samp.hub.getRegisteredClients", p10);
  g_assert_false (is_fault (r10));
  g_assert_true (strstr (r10, "<string>hub</string>") != NULL);
  g_assert_true (strstr (r10, id) == NULL);   /* excludes the caller */
  g_autofree char *p11 = g_strdup_printf (S ("%s") S ("hub"), key);
  g_autofree char *r11 = call (f, "samp.hub.getMetadata", p11);
  g_assert_true (strstr (r11, "samp.name") != NULL);
  g_autofree char *p12 = g_strdup_printf (S ("%s") S ("hub")
                                          "<param><value><struct><member><name>samp.mtype</name>"
                                          "<value><string>samp.app.ping</string></value></member>"
                                          "<member><name>samp.params</name><value><struct></struct></value></member>"
                                          "</struct></value></param>" S ("5"), key);
  g_autofree char *r12 = call (f, "samp.hub.callAndWait", p12);
  g_assert_false (is_fault (r12));
  g_assert_true (strstr (r12, "samp.ok") != NULL);

  /* a timeout given as <int> is not a SAMP type */
  g_autofree char *p13 = g_strdup_printf (S ("%s") S ("hub")
                                          "<param><value><struct><member><name>samp.mtype</name>"
                                          "<value><string>samp.app.ping</string></value></member>"
                                          "</struct></value></param><param><value><int>5</int></value></param>", key);
  g_autofree char *r13 = call (f, "samp.hub.callAndWait", p13);
  g_assert_true (is_fault (r13));

  /* unsubscribed target, unknown target, non-callable caller */
  g_autofree char *p14 = g_strdup_printf (S ("%s") S ("hub")
                                          "<param><value><struct><member><name>samp.mtype</name>"
                                          "<value><string>foo.bar</string></value></member>"
                                          "</struct></value></param>", key);
  g_autofree char *r14 = call (f, "samp.hub.notify", p14);
  g_assert_true (is_fault (r14));
  g_assert_true (strstr (r14, "not subscribed") != NULL);
  g_autofree char *p15 = g_strdup_printf (S ("%s") S ("c999")
                                          "<param><value><struct><member><name>samp.mtype</name>"
                                          "<value><string>samp.app.ping</string></value></member>"
                                          "</struct></value></param>", key);
  g_autofree char *r15 = call (f, "samp.hub.notify", p15);
  g_assert_true (is_fault (r15));
  g_autofree char *p16 = g_strdup_printf (S ("%s") S ("tag")
                                          "<param><value><struct><member><name>samp.mtype</name>"
                                          "<value><string>samp.app.ping</string></value></member>"
                                          "</struct></value></param>", key);
  g_autofree char *r16 = call (f, "samp.hub.callAll", p16);
  g_assert_true (is_fault (r16));
  g_assert_true (strstr (r16, "not callable") != NULL);

  /* reply to a msg-id that does not exist */
  g_autofree char *p17 = g_strdup_printf (S ("%s") S ("m42")
                                          "<param><value><struct><member><name>samp.status</name>"
                                          "<value><string>samp.ok</string></value></member>"
                                          "</struct></value></param>", key);
  g_autofree char *r17 = call (f, "samp.hub.reply", p17);
  g_assert_true (is_fault (r17));

  g_autofree char *r18 = call (f, "samp.hub.unregister", p10);
  g_assert_false (is_fault (r18));
  g_assert_cmpuint (samp_hub_get_n_clients (f->hub), ==, 0);
  g_autofree char *r19 = call (f, "samp.hub.getRegisteredClients", p10);
  g_assert_true (is_fault (r19));
}

/* Records the one message a SampClient receives. */
typedef struct {
  int count;
  char *mtype;
  GVariant *params;
} Received;

static void
on_received (SampClient *c, const char *sender, const char *msg_id, const char *mtype,
             GVariant *params, gpointer data)
{
  Received *r = data;
  (void) c;
  (void) sender;
  (void) msg_id;
  r->count++;
  g_free (r->mtype);
  r->mtype = g_strdup (mtype);
  g_clear_pointer (&r->params, g_variant_unref);
  r->params = g_variant_ref (params);
}

/* Strict typing looks at values, not at text: strings whose content is
 * "<int>" (escaped, or in CDATA) are delivered intact to a real client,
 * while a real <int> anywhere is refused with a fault naming its path. */
static void
test_typing_values (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SampClient) b = samp_client_new ("typing-receiver");
  g_autofree char *lock_url = g_filename_to_uri (f->lockfile, NULL, NULL);
  Received got = { 0 };
  samp_client_set_lockfile_url (b, lock_url);
  samp_client_subscribe (b, "test.adql", on_received, &got);
  g_assert_true (samp_client_connect (b, &error));
  g_assert_no_error (error);

  g_autofree char *key = NULL, *id = NULL;
  do_register (f, &key, &id);
  static const char *const cases[][2] = {
    { "<![CDATA[SELECT <int>5</int> FROM t WHERE a < 1]]>", "SELECT <int>5</int> FROM t WHERE a < 1" },
    { "&lt;int&gt;5&lt;/int&gt; &lt;double&gt;", "<int>5</int> <double>" },
    { "<![CDATA[<FIELD datatype=\"int\"><VALUES><int>]]>", "<FIELD datatype=\"int\"><VALUES><int>" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      got.count = 0;
      g_autofree char *p = g_strdup_printf (S ("%s") S ("%s")
                                            "<param><value><struct><member><name>samp.mtype</name>"
                                            "<value><string>test.adql</string></value></member>"
                                            "<member><name>samp.params</name><value><struct>"
                                            "<member><name>query</name><value><string>%s</string></value></member>"
                                            "<member><name>bare</name><value>%s</value></member>"
                                            "</struct></value></member></struct></value></param>",
                                            key, samp_client_get_self_id (b), cases[i][0], cases[i][0]);
      g_autofree char *r = call (f, "samp.hub.notify", p);
      if (is_fault (r))
        g_test_message ("fault: %s", r);
      g_assert_false (is_fault (r));
      cs_test_wait_for_count (&got.count, 10000);
      g_assert_cmpint (got.count, ==, 1);
      g_assert_cmpstr (got.mtype, ==, "test.adql");
      g_assert_cmpstr (samp_map_lookup_string (got.params, "query"), ==, cases[i][1]);
      g_assert_cmpstr (samp_map_lookup_string (got.params, "bare"), ==, cases[i][1]);
    }

  /* real non-SAMP values, each named by its path */
  static const char *const bad[][2] = {
    { "<value><int>5</int></value>", "params[2]['samp.params']['n'] is an <int>" },
    { "<value><i4>5</i4></value>", "params[2]['samp.params']['n'] is an <int>" },
    { "<value><double>0.5</double></value>", "params[2]['samp.params']['n'] is a <double>" },
    { "<value><boolean>1</boolean></value>", "params[2]['samp.params']['n'] is a <boolean>" },
    { "<value><array><data><value><string>a</string></value><value><nil/></value></data></array></value>",
      "params[2]['samp.params']['n'][1] is a <nil>" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      got.count = 0;
      g_autofree char *p = g_strdup_printf (S ("%s") S ("%s")
                                            "<param><value><struct><member><name>samp.mtype</name>"
                                            "<value><string>test.adql</string></value></member>"
                                            "<member><name>samp.params</name><value><struct>"
                                            "<member><name>query</name><value><string>&lt;int&gt;</string></value></member>"
                                            "<member><name>n</name>%s</member>"
                                            "</struct></value></member></struct></value></param>",
                                            key, samp_client_get_self_id (b), bad[i][0]);
      g_autofree char *r = call (f, "samp.hub.notify", p);
      g_autoptr(GError) fault = NULL;
      g_autoptr(GVariant) v = samp_xmlrpc_parse_response (r, strlen (r), &fault);
      g_assert_null (v);
      g_assert_error (fault, SAMP_ERROR, SAMP_ERROR_HUB_FAULT);
      g_test_message ("fault: %s", fault->message);
      g_assert_true (g_str_has_prefix (fault->message, bad[i][1]));
      g_assert_nonnull (strstr (fault->message, "SAMP type"));
    }
  /* nothing refused was delivered */
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (5000);
  g_assert_cmpint (got.count, ==, 0);

  samp_client_disconnect (b);
  g_free (got.mtype);
  g_clear_pointer (&got.params, g_variant_unref);
}

/* Serves the fixture's lockfile over http (404 while there is none). */
static void
serve_lockfile (SampHttpServer *srv, SampHttpRequest *req, gpointer data)
{
  g_autofree char *text = NULL;
  gsize len = 0;

  (void) srv;
  if (g_file_get_contents (data, &text, &len, NULL))
    samp_http_request_respond (req, 200, "text/plain", text, (gssize) len);
  else
    samp_http_request_respond (req, 404, "text/plain", "no hub", -1);
}

static void
count_signal (SampClient *c, gpointer data)
{
  (void) c;
  (*(int *) data)++;
}

static void
count_lost (SampClient *c, const char *reason, gpointer data)
{
  (void) c;
  g_test_message ("hub-lost: %s", reason);
  (*(int *) data)++;
}

/* A std-lockurl:http: lockfile cannot be monitored: auto-reconnect polls
 * it, asynchronously (it is served from this very thread, so a blocking
 * fetch could only time out), and follows the hub through a restart. */
static void
test_http_lockfile_poll (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SampHttpServer) srv = samp_http_server_new (serve_lockfile, f->lockfile, &error);
  g_assert_no_error (error);
  g_autofree char *lock_url = g_strconcat (samp_http_server_get_url (srv), "lock", NULL);
  g_autoptr(SampClient) c = samp_client_new ("http-lock-client");
  int lost = 0, connected = 0;

  samp_client_set_lockfile_url (c, lock_url);
  samp_client_set_watch_interval (c, 200);
  g_signal_connect (c, "hub-lost", G_CALLBACK (count_lost), &lost);
  g_signal_connect (c, "hub-connected", G_CALLBACK (count_signal), &connected);
  g_assert_true (samp_client_connect (c, &error));
  g_assert_no_error (error);
  samp_client_set_auto_reconnect (c, TRUE);
  g_assert_false (samp_client_is_monitoring_lockfile (c));
  g_autofree char *first = g_strdup (samp_client_get_hub_url (c));
  connected = 0;

  stop_hub_full (f, TRUE);
  g_assert_true (cs_test_wait_for_count (&lost, 10000));
  g_assert_false (samp_client_is_connected (c));
  g_assert_true (start_hub (f, f->lockfile, 2));
  g_assert_true (cs_test_wait_for_count (&connected, 10000));
  g_assert_true (samp_client_is_connected (c));
  g_assert_cmpstr (samp_client_get_hub_url (c), !=, first);
  g_assert_cmpuint (samp_hub_get_n_clients (f->hub), ==, 1);
  samp_client_disconnect (c);
  g_assert_cmpuint (samp_hub_get_n_clients (f->hub), ==, 0);
}

static gboolean
at_most_one_client (gpointer data)
{
  return samp_hub_get_n_clients (((Fixture *) data)->hub) <= 1;
}

/* A TCP socket listening on 127.0.0.1 (a port of its own), for a callee
 * the test plays by hand. */
static GSocket *
listen_loopback (guint *port)
{
  g_autoptr(GError) error = NULL;
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                             &error);
  g_assert_no_error (error);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_assert_true (g_socket_bind (s, addr, TRUE, &error));
  g_assert_true (g_socket_listen (s, &error));
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (s, &error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  return s;
}

/* A client registered with its callback at 127.0.0.1:@port, subscribed
 * to test.*. */
static void
register_callee (Fixture *f, guint port, char **key, char **id)
{
  do_register (f, key, id);
  g_autofree char *p1 = g_strdup_printf (S ("%s") S ("http://127.0.0.1:%u/"), *key, port);
  g_autofree char *r1 = call (f, "samp.hub.setXmlrpcCallback", p1);
  g_assert_false (is_fault (r1));
  g_autofree char *p2 = g_strdup_printf (S ("%s") "<param><value><struct><member><name>test.*</name>"
                                         "<value><struct></struct></value></member></struct></value></param>", *key);
  g_autofree char *r2 = call (f, "samp.hub.declareSubscriptions", p2);
  g_assert_false (is_fault (r2));
}

/* A callee that accepts TCP connections (kernel backlog) but never
 * answers: callAndWait times out with a fault, and after the delivery
 * timeout the callee is unregistered. */
static void
test_call_timeout (Fixture *f, gconstpointer data)
{
  (void) data;
  guint port;
  g_autoptr(GSocket) mute = listen_loopback (&port);

  g_autofree char *ka = NULL, *ia = NULL, *kb = NULL, *ib = NULL;
  do_register (f, &ka, &ia);
  register_callee (f, port, &kb, &ib);

  /* wildcard subscription seen by getSubscribedClients */
  g_autofree char *p3 = g_strdup_printf (S ("%s") S ("test.echo"), ka);
  g_autofree char *r3 = call (f, "samp.hub.getSubscribedClients", p3);
  g_autofree char *want = g_strdup_printf ("<name>%s</name>", ib);
  g_assert_true (strstr (r3, want) != NULL);
  g_autofree char *p3b = g_strdup_printf (S ("%s") S ("other.echo"), ka);
  g_autofree char *r3b = call (f, "samp.hub.getSubscribedClients", p3b);
  g_assert_true (strstr (r3b, want) == NULL);

  gint64 t0 = g_get_monotonic_time ();
  g_autofree char *p4 = g_strdup_printf (S ("%s") S ("%s")
                                         "<param><value><struct><member><name>samp.mtype</name>"
                                         "<value><string>test.echo</string></value></member>"
                                         "<member><name>samp.params</name><value><struct></struct></value></member>"
                                         "</struct></value></param>" S ("1"), ka, ib);
  g_autofree char *r4 = call (f, "samp.hub.callAndWait", p4);
  double dt = (g_get_monotonic_time () - t0) / 1e6;
  g_assert_true (is_fault (r4));
  g_assert_true (strstr (r4, "timeout") != NULL);
  g_assert_cmpfloat (dt, >=, 0.9);
  g_assert_cmpfloat (dt, <, 5.0);

  /* delivery timeout (2 s in this fixture): B is dropped */
  cs_test_wait_until (at_most_one_client, f, 10000);
  g_assert_cmpuint (samp_hub_get_n_clients (f->hub), ==, 1);
  g_autofree char *p5 = g_strdup_printf (S ("%s"), ka);
  g_autofree char *r5 = call (f, "samp.hub.getRegisteredClients", p5);
  g_assert_true (strstr (r5, ib) == NULL || strstr (r5, "<string>hub</string>") != NULL);
  g_autofree char *want2 = g_strdup_printf ("<string>%s</string>", ib);
  g_assert_true (strstr (r5, want2) == NULL);
}

/* ---- kept-alive delivery connections (issue 14) ---- */

/* Read one HTTP request from @conn (blocking, the socket timeout bounds
 * it).  Returns: (transfer full) (nullable): its body; NULL at EOF. */
static char *
read_request (GSocket *conn)
{
  g_autoptr(GString) in = g_string_new (NULL);
  char buf[4096];
  for (;;)
    {
      const char *end = strstr (in->str, "\r\n\r\n");
      if (end != NULL)
        {
          const char *cl = strstr (in->str, "Content-Length: ");
          g_assert_nonnull (cl);
          gsize len = (gsize) g_ascii_strtoull (cl + 16, NULL, 10);
          gsize have = in->len - (gsize) (end + 4 - in->str);
          if (have >= len)
            return g_strndup (end + 4, len);
        }
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (conn, buf, sizeof buf, NULL, &error);
      g_assert_no_error (error);
      if (n == 0)
        {
          g_assert_cmpuint (in->len, ==, 0);   /* closed between requests only */
          return NULL;
        }
      g_string_append_len (in, buf, n);
    }
}

static void
answer_ok (GSocket *conn)
{
  static const char body[] = "<?xml version=\"1.0\"?><methodResponse><params><param>"
                             "<value><string></string></value></param></params></methodResponse>";
  g_autofree char *resp = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
                                           "Content-Length: %zu\r\n\r\n%s", strlen (body), body);
  g_autoptr(GError) error = NULL;
  g_assert_cmpint (g_socket_send (conn, resp, strlen (resp), NULL, &error), ==, (gssize) strlen (resp));
  g_assert_no_error (error);
}

static GSocket *
accept_one (GSocket *listener)
{
  g_autoptr(GError) error = NULL;
  GSocket *conn = g_socket_accept (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (conn, 10);   /* a hub that never sends fails the test, not hangs it */
  return conn;
}

static void
notify_n (Fixture *f, const char *key, const char *to, int n)
{
  g_autofree char *p = g_strdup_printf (S ("%s") S ("%s")
                                        "<param><value><struct><member><name>samp.mtype</name>"
                                        "<value><string>test.seq</string></value></member>"
                                        "<member><name>samp.params</name><value><struct><member>"
                                        "<name>n</name><value><string>%d</string></value></member>"
                                        "</struct></value></member></struct></value></param>",
                                        key, to, n);
  g_autofree char *r = call (f, "samp.hub.notify", p);
  g_assert_false (is_fault (r));
}

static void
assert_delivery (GSocket *conn, int n)
{
  g_autofree char *body = read_request (conn);
  g_autofree char *want = g_strdup_printf ("<name>n</name>\r\n<value><string>%d</string>", n);
  g_assert_nonnull (body);
  g_assert_nonnull (strstr (body, "samp.client.receiveNotification"));
  if (strstr (body, want) == NULL)
    g_test_message ("delivery %d: %s", n, body);
  g_assert_nonnull (strstr (body, want));
  answer_ok (conn);
}

/* Deliveries to one client share one connection; when the client drops
 * it while idle, the next delivery arrives on a new one (nothing lost);
 * when the client unregisters, the hub closes its connection. */
static void
test_keep_alive (Fixture *f, gconstpointer data)
{
  (void) data;
  guint port;
  g_autoptr(GSocket) listener = listen_loopback (&port);

  g_autofree char *ka = NULL, *ia = NULL, *kb = NULL, *ib = NULL;
  do_register (f, &ka, &ia);
  register_callee (f, port, &kb, &ib);

  /* three notifications, one connection */
  for (int n = 1; n <= 3; n++)
    notify_n (f, ka, ib, n);
  g_autoptr(GSocket) first = accept_one (listener);
  for (int n = 1; n <= 3; n++)
    assert_delivery (first, n);

  /* the client drops the idle connection: the 4th comes on a new one */
  g_socket_close (first, NULL);
  notify_n (f, ka, ib, 4);
  g_autoptr(GSocket) second = accept_one (listener);
  assert_delivery (second, 4);

  /* the client unregisters: the hub closes the connection to it */
  g_autofree char *p3 = g_strdup_printf (S ("%s"), kb);
  g_autofree char *r3 = call (f, "samp.hub.unregister", p3);
  g_assert_false (is_fault (r3));
  g_assert_null (read_request (second));
  g_assert_cmpuint (samp_hub_get_n_clients (f->hub), ==, 1);
}

/* A kept-alive connection on which the client takes a delivery and then
 * says nothing: the delivery fails after the delivery timeout and is not
 * tried again on a new connection (a retry is only for a connection the
 * client had closed while idle); the client is dropped. */
static void
test_keep_alive_timeout (Fixture *f, gconstpointer data)
{
  (void) data;
  guint port;
  g_autoptr(GSocket) listener = listen_loopback (&port);

  g_autofree char *ka = NULL, *ia = NULL, *kb = NULL, *ib = NULL;
  do_register (f, &ka, &ia);
  register_callee (f, port, &kb, &ib);

  notify_n (f, ka, ib, 1);
  g_autoptr(GSocket) conn = accept_one (listener);
  assert_delivery (conn, 1);
  notify_n (f, ka, ib, 2);
  g_autofree char *body = read_request (conn);     /* taken, never answered */
  g_assert_nonnull (body);

  /* delivery timeout (2 s in this fixture): B is dropped */
  cs_test_wait_until (at_most_one_client, f, 10000);
  g_assert_cmpuint (samp_hub_get_n_clients (f->hub), ==, 1);
  g_assert_cmpint (g_socket_condition_check (listener, G_IO_IN), ==, 0);   /* no second connection */
  g_assert_null (read_request (conn));             /* and the hub closed this one */
}

/* Requests pipelined on one connection (all sent at once, a stray CRLF
 * between two) are answered one after the other, in order; the one with
 * "Connection: close" is answered, then the hub closes. */
static void
test_pipelining (Fixture *f, gconstpointer data)
{
  (void) data;
  static const char ping[] = "<?xml version=\"1.0\"?><methodCall><methodName>samp.hub.ping"
                             "</methodName><params></params></methodCall>";
  static const char bad[] = "<?xml version=\"1.0\"?><methodCall><methodName>"
                            "samp.hub.getRegisteredClients</methodName><params>"
                            S ("no-such-key") "</params></methodCall>";
  g_autofree char *reqs = g_strdup_printf (
      "POST /xmlrpc HTTP/1.1\r\nContent-Length: %zu\r\n\r\n%s\r\n"
      "POST /xmlrpc HTTP/1.1\r\nContent-Length: %zu\r\n\r\n%s"
      "POST /xmlrpc HTTP/1.1\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
      strlen (ping), ping, strlen (bad), bad, strlen (ping), ping);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_set_timeout (client, 10);
  g_autoptr(GSocketConnection) conn = g_socket_client_connect_to_uri (client, f->url, 80, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                             reqs, strlen (reqs), NULL, NULL, &error);
  g_assert_no_error (error);
  g_autoptr(GString) all = g_string_new (NULL);
  char buf[4096];
  gssize n;
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)),
                                   buf, sizeof buf, NULL, &error)) > 0)
    g_string_append_len (all, buf, n);
  g_assert_no_error (error);   /* ended: the hub closed after the third */

  /* three whole responses, in order: ping, fault, ping + close */
  const char *r1 = all->str;
  g_assert_true (g_str_has_prefix (r1, "HTTP/1.1 200 OK\r\n"));
  const char *r2 = strstr (r1 + 1, "HTTP/1.1 200 OK\r\n");
  g_assert_nonnull (r2);
  const char *r3 = strstr (r2 + 1, "HTTP/1.1 200 OK\r\n");
  g_assert_nonnull (r3);
  g_assert_null (strstr (r3 + 1, "HTTP/1.1"));
  g_autofree char *first = g_strndup (r1, (gsize) (r2 - r1));
  g_autofree char *second = g_strndup (r2, (gsize) (r3 - r2));
  g_assert_false (is_fault (first));
  g_assert_nonnull (strstr (first, "</methodResponse>"));
  g_assert_null (strstr (first, "Connection: close"));
  g_assert_true (is_fault (second));
  g_assert_nonnull (strstr (second, "</methodResponse>"));
  g_assert_false (is_fault (r3));
  g_assert_nonnull (strstr (r3, "Connection: close\r\n"));
  g_assert_true (g_str_has_suffix (r3, "</methodResponse>\r\n"));
}

/* Messages larger than a socket takes at once arrive whole, both ways:
 * an 8 MB answer to a client's call (getMetadata of a client that
 * declared 8 MB of metadata), and an 8 MB notification delivered to a
 * client's callback server. */
static void
test_large_messages (Fixture *f, gconstpointer data)
{
  (void) data;
  guint port;
  g_autoptr(GSocket) listener = listen_loopback (&port);
  g_autofree char *ka = NULL, *ia = NULL, *kb = NULL, *ib = NULL;
  do_register (f, &ka, &ia);
  register_callee (f, port, &kb, &ib);

  gsize big = 8 * 1024 * 1024;   /* over what a loopback socket takes at once (~4 MB) */
  g_autofree char *text = g_malloc (big + 1);
  for (gsize i = 0; i < big; i++)
    text[i] = (char) ('a' + i % 26);
  text[big] = '\0';
  g_autofree char *p1 = g_strdup_printf (S ("%s") "<param><value><struct><member>"
                                         "<name>samp.description.text</name><value><string>%s"
                                         "</string></value></member></struct></value></param>", ka, text);
  g_autofree char *r1 = call (f, "samp.hub.declareMetadata", p1);
  g_assert_false (is_fault (r1));
  g_autofree char *p2 = g_strdup_printf (S ("%s") S ("%s"), kb, ia);
  g_autofree char *r2 = call (f, "samp.hub.getMetadata", p2);
  g_assert_false (is_fault (r2));
  g_assert_nonnull (strstr (r2, text));

  g_autofree char *p3 = g_strdup_printf (S ("%s") S ("%s")
                                         "<param><value><struct><member><name>samp.mtype</name>"
                                         "<value><string>test.big</string></value></member>"
                                         "<member><name>samp.params</name><value><struct><member>"
                                         "<name>text</name><value><string>%s</string></value></member>"
                                         "</struct></value></member></struct></value></param>",
                                         ka, ib, text);
  g_autofree char *r3 = call (f, "samp.hub.notify", p3);
  g_assert_false (is_fault (r3));
  g_autoptr(GSocket) conn = accept_one (listener);
  g_autofree char *body = read_request (conn);
  g_assert_nonnull (body);
  g_assert_nonnull (strstr (body, "samp.client.receiveNotification"));
  g_assert_nonnull (strstr (body, text));
  answer_ok (conn);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub/lockfile-path", test_lockfile_path);   /* before any thread */
  g_test_add ("/hub/lockfile", Fixture, NULL, setup, test_lockfile, teardown);
  g_test_add ("/hub/typing", Fixture, NULL, setup, test_typing, teardown);
  g_test_add ("/hub/typing-values", Fixture, NULL, setup, test_typing_values, teardown);
  g_test_add ("/hub/http-lockfile-poll", Fixture, NULL, setup, test_http_lockfile_poll, teardown);
  g_test_add ("/hub/call-timeout", Fixture, NULL, setup, test_call_timeout, teardown);
  g_test_add ("/hub/keep-alive", Fixture, NULL, setup, test_keep_alive, teardown);
  g_test_add ("/hub/keep-alive-timeout", Fixture, NULL, setup, test_keep_alive_timeout, teardown);
  g_test_add ("/hub/pipelining", Fixture, NULL, setup, test_pipelining, teardown);
  g_test_add ("/hub/large-messages", Fixture, NULL, setup, test_large_messages, teardown);
  return g_test_run ();
}

/* test-samp-hubs.c: SampClient against real hubs (JSAMP and astropy).
 *
 * Each test starts its own hub through tests/harness/samp/hub.sh in a
 * private directory (HOME, SAMP_HUB lockfile, -Duser.home), so tests can
 * run in parallel with others and never touch the real ~/.samp.  Peers are
 * astropy clients (samp_listen.py, samp_send.py), `jsamp messagesender`
 * and `jsamp hubtester`, and the built cadc-samp binary.  A hub kind whose
 * program is missing is skipped with a message.  Every wait is bounded.
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "samp.h"
#include "samp-http.h"      /* private: the tests use libsamp's internals too */
#include "samp-lockfile.h"
#include "samp-xmlrpc.h"
#include "test-util.h"

typedef struct {
  const char *kind;         /* "jsamp" or "astropy" */
  char *run;                /* private run dir */
  char *hub_sh;
  char *lock_url;           /* file:// URL of the private lockfile */
  char **envp;              /* environment for child processes */
  gboolean skip;
} Fixture;

/* Tests never setenv() (threads are running): clients get the lockfile
 * URL directly, children get f->envp. */
static SampClient *
new_client (Fixture *f, const char *name)
{
  SampClient *c = samp_client_new (name);

  samp_client_set_lockfile_url (c, f->lock_url);
  return c;
}

/* ------------------------------------------------------------ helpers */

static gboolean
run_cmd (char **argv, char **envp, char **out, int *status)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = g_spawn_sync (NULL, argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL, out, NULL,
                              status, &error);
  if (!ok)
    g_test_message ("spawn %s: %s", argv[0], error->message);
  return ok;
}

static gboolean
hub_ctl (Fixture *f, const char *verb)
{
  g_autofree char *parent = g_strdup_printf ("%d", (int) getpid ());
  char *argv[] = { f->hub_sh, (char *) verb, (char *) (strcmp (verb, "start") == 0 ? f->kind : f->run),
                   strcmp (verb, "start") == 0 ? f->run : NULL, parent, NULL };
  int status = -1;

  return run_cmd (argv, NULL, NULL, &status) && g_spawn_check_wait_status (status, NULL);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *lock = NULL;
  g_autofree char *home = NULL;
  g_autofree char *env = NULL;
  g_autofree char *jto = NULL;
  g_autofree char *java = g_find_program_in_path ("java");
  const char *harness = g_getenv ("CS_HARNESS");

  f->kind = data;
  if (strcmp (f->kind, "jsamp") == 0 && java == NULL)
    {
      f->skip = TRUE;
      g_test_skip ("java (JSAMP hub) not installed");
      return;
    }
  if (strcmp (f->kind, "astropy") == 0
      && !g_spawn_command_line_sync ("/usr/bin/python3 -c 'import astropy.samp'", NULL, NULL,
                                     NULL, NULL))
    {
      f->skip = TRUE;
      g_test_skip ("astropy not installed");
      return;
    }
  g_assert_nonnull (harness);
  f->hub_sh = g_build_filename (harness, "samp", "hub.sh", NULL);
  f->run = g_dir_make_tmp ("cs-samp-hubs-XXXXXX", NULL);
  home = g_build_filename (f->run, "home", NULL);
  lock = g_build_filename (home, ".samp", NULL);
  env = g_strconcat ("std-lockurl:file://", lock, NULL);
  jto = g_strdup_printf ("-Duser.home=%s -Djava.io.tmpdir=%s", home, f->run);
  g_mkdir_with_parents (home, 0700);
  f->lock_url = g_strconcat ("file://", lock, NULL);
  f->envp = g_get_environ ();
  f->envp = g_environ_setenv (f->envp, "HOME", home, TRUE);
  f->envp = g_environ_setenv (f->envp, "SAMP_HUB", env, TRUE);
  f->envp = g_environ_setenv (f->envp, "JAVA_TOOL_OPTIONS", jto, TRUE);
  g_assert_true (hub_ctl (f, "start"));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  (void) data;
  if (f->skip)
    return;
  hub_ctl (f, "stop");
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->run);
    g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  }
  g_free (f->run);
  g_free (f->hub_sh);
  g_free (f->lock_url);
  g_strfreev (f->envp);
}

/* A handler that records the last message and answers calls (unless told not to). */
typedef struct {
  int count;
  char *mtype;
  char *sender;
  GVariant *params;
  gboolean no_reply;
} Inbox;

static void
inbox_clear (Inbox *in)
{
  g_clear_pointer (&in->mtype, g_free);
  g_clear_pointer (&in->sender, g_free);
  g_clear_pointer (&in->params, g_variant_unref);
}

static void
on_message (SampClient *c, const char *sender, const char *msg_id, const char *mtype,
            GVariant *params, gpointer data)
{
  Inbox *in = data;

  inbox_clear (in);
  in->count++;
  in->mtype = g_strdup (mtype);
  in->sender = g_strdup (sender);
  in->params = g_variant_ref (params);
  if (msg_id && !in->no_reply)
    {
      const char *x = samp_map_lookup_string (params, "x");
      samp_client_reply (c, msg_id, samp_response_new_ok (samp_map_new_strings ("echo", x ? x : "",
                                                                                NULL)));
    }
}

static gboolean
inbox_has (gpointer data)
{
  return ((Inbox *) data)->count > 0;
}

typedef struct {
  SampClient *c;
  const char *name;
} FindData;

static gboolean
known_by_name (gpointer data)
{
  FindData *d = data;
  g_autofree char *id = samp_client_find_client (d->c, d->name);
  return id != NULL;
}

static gboolean
file_nonempty (gpointer path)
{
  struct stat st;
  return g_stat (path, &st) == 0 && st.st_size > 0;
}

static SampClient *
new_connected (Fixture *f, const char *name)
{
  g_autoptr(GError) error = NULL;
  SampClient *c = new_client (f, name);

  g_assert_true (samp_client_connect (c, &error));
  g_assert_no_error (error);
  return c;
}

/* ------------------------------------------------------------ tests */

static void
test_register (Fixture *f, gconstpointer data)
{
  g_autoptr(SampClient) a = NULL;
  g_autoptr(SampClient) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) md = NULL;
  g_autoptr(GVariant) subs = NULL;
  g_autoptr(GVariant) subscribed = NULL;
  g_auto(GStrv) ids = NULL;
  Inbox in = { 0 };
  FindData fd;

  (void) data;
  if (f->skip)
    return;
  a = new_client (f, "test-a");
  samp_client_set_metadata (a, "x-test.key", "value 1");
  samp_client_subscribe (a, "test.*", on_message, &in);
  g_assert_true (samp_client_connect (a, &error));
  g_assert_no_error (error);
  g_assert_nonnull (samp_client_get_self_id (a));
  g_assert_nonnull (samp_client_get_hub_id (a));
  g_assert_true (g_str_has_prefix (samp_client_get_hub_url (a), "http://127.0.0.1:"));

  b = new_connected (f, "test-b");
  md = samp_client_get_metadata (b, samp_client_get_self_id (a), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (samp_map_lookup_string (md, "samp.name"), ==, "test-a");
  g_assert_cmpstr (samp_map_lookup_string (md, "x-test.key"), ==, "value 1");
  subs = samp_client_get_subscriptions (b, samp_client_get_self_id (a), &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (subs, "test.*", "*", NULL));
  g_assert_true (g_variant_lookup (subs, "samp.app.ping", "*", NULL));
  subscribed = samp_client_get_subscribed_clients (b, "test.foo", &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (subscribed, samp_client_get_self_id (a), "*", NULL));
  ids = samp_client_get_registered_clients (b, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char *const *) ids, samp_client_get_self_id (a)));
  g_assert_true (g_strv_contains ((const char *const *) ids, samp_client_get_hub_id (b)));

  /* a's live table learns about b from samp.hub.event.* */
  fd.c = a;
  fd.name = "test-b";
  g_assert_true (cs_test_wait_until (known_by_name, &fd, 10000));

  /* metadata change after connect reaches the others */
  samp_client_set_metadata (a, "x-test.key", "value 2");
  {
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    for (;;)
      {
        g_autoptr(GVariant) m2 = samp_client_dup_known_metadata (b, samp_client_get_self_id (a));
        if (g_strcmp0 (samp_map_lookup_string (m2, "x-test.key"), "value 2") == 0)
          break;
        g_assert_cmpint (g_get_monotonic_time (), <, end);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (20000);
      }
  }
  g_assert_true (samp_client_ping (a, NULL));
  samp_client_disconnect (b);
  g_assert_false (samp_client_is_connected (b));
  inbox_clear (&in);
}

static void
call_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  GError *error = NULL;
  GVariant **out = data;

  *out = samp_client_call_finish (SAMP_CLIENT (src), res, &error);
  if (*out == NULL)
    {
      g_test_message ("call failed: %s", error->message);
      *out = samp_response_new_error (error->message);
      g_error_free (error);
    }
}

static gboolean
ptr_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static void
test_messaging (Fixture *f, gconstpointer data)
{
  g_autoptr(SampClient) a = NULL;
  g_autoptr(SampClient) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) resp = NULL;
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GVariant) async_resp = NULL;
  g_autoptr(GVariant) all = NULL;
  g_auto(GStrv) notified = NULL;
  Inbox in = { 0 };
  const char *aid;

  (void) data;
  if (f->skip)
    return;
  a = new_client (f, "test-a");
  samp_client_subscribe (a, "test.*", on_message, &in);
  g_assert_true (samp_client_connect (a, &error));
  aid = samp_client_get_self_id (a);
  b = new_connected (f, "test-b");

  /* notify one */
  g_assert_true (samp_client_notify (b, aid, "test.note", samp_map_new_strings ("x", "1", NULL),
                                     &error));
  g_assert_no_error (error);
  g_assert_true (cs_test_wait_until (inbox_has, &in, 10000));
  g_assert_cmpstr (in.mtype, ==, "test.note");
  g_assert_cmpstr (in.sender, ==, samp_client_get_self_id (b));
  g_assert_cmpstr (samp_map_lookup_string (in.params, "x"), ==, "1");

  /* callAndWait: answered from a's handler via samp.hub.reply */
  resp = samp_client_call_and_wait (b, aid, "test.echo", samp_map_new_strings ("x", "hi & <bye>", NULL),
                                    10, &error);
  g_assert_no_error (error);
  g_assert_true (samp_response_is_ok (resp));
  result = samp_response_get_result (resp);
  g_assert_cmpstr (samp_map_lookup_string (result, "echo"), ==, "hi & <bye>");

  /* call with our msg-tag, answered through receiveResponse */
  samp_client_call_async (b, aid, "test.echo", samp_map_new_strings ("x", "tagged", NULL), 10,
                          NULL, call_cb, &async_resp);
  g_assert_true (cs_test_wait_until (ptr_set, &async_resp, 15000));
  g_assert_true (samp_response_is_ok (async_resp));
  {
    g_autoptr(GVariant) r = samp_response_get_result (async_resp);
    g_assert_cmpstr (samp_map_lookup_string (r, "echo"), ==, "tagged");
  }

  /* callAll collects every subscriber's response */
  all = samp_client_call_all (b, "test.echo", samp_map_new_strings ("x", "everyone", NULL), 10,
                              &error);
  g_assert_no_error (error);
  {
    g_autoptr(GVariant) ra = samp_map_lookup_map (all, aid);
    g_autoptr(GVariant) r = samp_response_get_result (ra);
    g_assert_nonnull (ra);
    g_assert_cmpstr (samp_map_lookup_string (r, "echo"), ==, "everyone");
  }

  /* notifyAll reports the recipients */
  in.count = 0;
  notified = samp_client_notify_all (b, "test.broadcast", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char *const *) notified, aid));
  g_assert_true (cs_test_wait_until (inbox_has, &in, 10000));
  g_assert_cmpstr (in.mtype, ==, "test.broadcast");

  /* MType nobody subscribes to: JSAMP faults, astropy may not; never a crash */
  {
    g_autoptr(GError) e2 = NULL;
    gboolean ok = samp_client_notify (a, samp_client_get_self_id (b), "test.unsubscribed",
                                      NULL, &e2);
    g_test_message ("notify to unsubscribed client: %s", ok ? "accepted" : e2->message);
    if (strcmp (f->kind, "jsamp") == 0)
      g_assert_error (e2, SAMP_ERROR, SAMP_ERROR_HUB_FAULT);
  }
  inbox_clear (&in);
}

static void
test_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr(SampClient) a = NULL;
  g_autoptr(SampClient) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) resp = NULL;
  g_autoptr(GVariant) async_resp = NULL;
  Inbox in = { .no_reply = TRUE };
  gint64 t0;

  (void) data;
  if (f->skip)
    return;
  b = new_client (f, "test-silent");
  samp_client_subscribe (b, "test.slow", on_message, &in);
  g_assert_true (samp_client_connect (b, &error));
  a = new_connected (f, "test-a");

  t0 = g_get_monotonic_time ();
  resp = samp_client_call_and_wait (a, samp_client_get_self_id (b), "test.slow", NULL, 2, &error);
  g_test_message ("callAndWait(2 s) to a silent client: %s after %.1f s",
                  error ? error->message : "response",
                  (g_get_monotonic_time () - t0) / 1e6);
  g_assert_null (resp);
  g_assert_nonnull (error);
  g_assert_true (error->domain == SAMP_ERROR);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 15 * G_USEC_PER_SEC);
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 1 * G_USEC_PER_SEC);
  g_assert_cmpint (in.count, >=, 1);

  /* our own call(): times out by itself */
  samp_client_call_async (a, samp_client_get_self_id (b), "test.slow", NULL, 1, NULL, call_cb,
                          &async_resp);
  g_assert_true (cs_test_wait_until (ptr_set, &async_resp, 10000));
  g_assert_false (samp_response_is_ok (async_resp));
  g_assert_cmpstr (samp_response_get_errortxt (async_resp), ==, "no response in time");
  inbox_clear (&in);
}

static void
post_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  GError *error = NULL;
  GBytes *body = samp_http_post_finish (res, &error);

  (void) src;
  g_assert_no_error (error);
  *(GBytes **) data = body;
}

static void
test_wrong_key (Fixture *f, gconstpointer data)
{
  g_autoptr(SampClient) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) args = NULL;
  g_autoptr(GBytes) doc = NULL;
  g_autoptr(GBytes) body = NULL;
  GVariant *v;
  Inbox in = { 0 };

  (void) data;
  if (f->skip)
    return;
  a = new_client (f, "test-a");
  samp_client_subscribe (a, "test.*", on_message, &in);
  g_assert_true (samp_client_connect (a, &error));
  args = samp_xmlrpc_args_new (g_variant_new_string ("not-the-key"), g_variant_new_string ("intruder"),
                               samp_message_new ("test.note", NULL), NULL);
  doc = samp_xmlrpc_serialize_call ("samp.client.receiveNotification", args, &error);
  g_assert_no_error (error);
  samp_http_post_async (samp_client_get_callback_url (a), "text/xml", doc, 5000, NULL, post_cb,
                        &body);
  g_assert_true (cs_test_wait_until (ptr_set, &body, 10000));
  v = samp_xmlrpc_parse_response (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_null (v);
  g_assert_error (error, SAMP_ERROR, SAMP_ERROR_HUB_FAULT);
  g_assert_nonnull (strstr (error->message, "private key"));
  g_clear_error (&error);
  g_clear_pointer (&body, g_bytes_unref);

  /* garbage instead of XML-RPC: a fault, and the client keeps working */
  {
    g_autoptr(GBytes) junk = g_bytes_new_static ("<methodCall><oops", 17);
    samp_http_post_async (samp_client_get_callback_url (a), "text/xml", junk, 5000, NULL, post_cb,
                          &body);
    g_assert_true (cs_test_wait_until (ptr_set, &body, 10000));
    v = samp_xmlrpc_parse_response (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
    g_assert_null (v);
    g_assert_error (error, SAMP_ERROR, SAMP_ERROR_HUB_FAULT);
  }
  g_assert_cmpint (in.count, ==, 0);
  g_assert_true (samp_client_ping (a, NULL));
}

/* Start a background program in its own session; returns its pid. */
static GPid
spawn_bg (char **argv, char **envp, const char *log)
{
  g_autoptr(GError) error = NULL;
  GPid pid = 0;
  int fd = g_open (log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  g_assert_cmpint (fd, >=, 0);
  g_assert_true (g_spawn_async_with_fds (NULL, argv, envp,
                                         G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                         (GSpawnChildSetupFunc) (void (*) (void)) setsid, NULL,
                                         &pid, -1, fd, fd, &error));
  g_assert_no_error (error);
  close (fd);
  return pid;
}

/* SIGTERM @pid's process group and reap it (≤10 s, then SIGKILL). */
static int
stop_bg (GPid pid)
{
  int status = -1;

  kill (-pid, SIGTERM);
  for (int i = 0; i < 100; i++)
    {
      if (waitpid (pid, &status, WNOHANG) == pid)
        return status;
      g_usleep (100000);
    }
  kill (-pid, SIGKILL);
  waitpid (pid, &status, 0);
  return status;
}

static gboolean
file_has_notify (gpointer path)
{
  g_autofree char *text = NULL;

  return g_file_get_contents (path, &text, NULL, NULL)
         && strstr (text, "\"kind\": \"notify\"") != NULL;
}

static void
test_astropy_peers (Fixture *f, gconstpointer data)
{
  const char *harness = g_getenv ("CS_HARNESS");
  g_autofree char *listen_py = g_build_filename (harness, "samp", "samp_listen.py", NULL);
  g_autofree char *send_py = g_build_filename (harness, "samp", "samp_send.py", NULL);
  g_autofree char *ready = NULL, *out = NULL, *log = NULL, *text = NULL, *sent = NULL;
  g_autoptr(SampClient) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) resp = NULL;
  g_autofree char *pyid = NULL;
  Inbox in = { 0 };
  FindData fd;
  GPid pid;
  int status = -1;

  (void) data;
  if (f->skip)
    return;
  ready = g_build_filename (f->run, "listen.ready", NULL);
  out = g_build_filename (f->run, "listen.jsonl", NULL);
  log = g_build_filename (f->run, "listen.log", NULL);
  {
    char *argv[] = { "/usr/bin/python3", listen_py, "--name", "pylisten", "--mtype", "test.echo",
                     "--duration", "120", "--ready", ready, "--out", out, NULL };
    pid = spawn_bg (argv, f->envp, log);
  }
  a = new_client (f, "test-a");
  samp_client_subscribe (a, "test.ping.*", on_message, &in);
  g_assert_true (samp_client_connect (a, &error));
  g_assert_true (cs_test_wait_until (file_nonempty, ready, 60000));
  fd.c = a;
  fd.name = "pylisten";
  g_assert_true (cs_test_wait_until (known_by_name, &fd, 15000));
  pyid = samp_client_find_client (a, "pylisten");

  /* we → astropy peer: notify and callAndWait */
  g_assert_true (samp_client_notify (a, pyid, "test.echo", samp_map_new_strings ("n", "1", NULL),
                                     &error));
  g_assert_no_error (error);
  resp = samp_client_call_and_wait (a, pyid, "test.echo", samp_map_new_strings ("n", "2", NULL), 20,
                                    &error);
  g_assert_no_error (error);
  g_assert_true (samp_response_is_ok (resp));
  /* a hub may deliver the notification after the call (JSAMP delivers on
   * separate threads): wait for both lines */
  g_assert_true (cs_test_wait_until (file_has_notify, out, 10000));
  g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"kind\": \"notify\""));
  g_assert_nonnull (strstr (text, "\"kind\": \"call\""));
  g_assert_nonnull (strstr (text, "\"n\": \"2\""));

  /* astropy peer → us: callAndWait answered from our handler (reply later) */
  {
    char *argv[] = { "/usr/bin/python3", send_py, "test.ping.me", "x=from-python", "--to", "test-a",
                     "--timeout", "20", NULL };
    g_autoptr(GError) e = NULL;
    /* samp_send blocks on us: serve our callbacks from a thread-free loop by
     * running it asynchronously and iterating until it exits */
    g_autofree char *slog = g_build_filename (f->run, "send.log", NULL);
    GPid spid = spawn_bg (argv, f->envp, slog);
    gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
    while (waitpid (spid, &status, WNOHANG) != spid)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, end);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10000);
      }
    g_assert_true (g_file_get_contents (slog, &sent, NULL, NULL));
    g_test_message ("samp_send.py: %s", sent);
    g_assert_true (g_spawn_check_wait_status (status, &e));
    g_assert_nonnull (strstr (sent, "from-python"));
    g_assert_cmpstr (in.mtype, ==, "test.ping.me");
  }

  /* jsamp messagesender → us, as a synchronous call and as a notification */
  g_autofree char *java = g_find_program_in_path ("java");
  if (java != NULL)
    {
      const char *modes[] = { "sync", "notify" };
      for (gsize m = 0; m < G_N_ELEMENTS (modes); m++)
        {
          char *argv[] = { "java", "-classpath", "/usr/share/java/jsamp.jar",
                           "org.astrogrid.samp.JSamp", "messagesender", "-mtype", "test.ping.js",
                           "-param", "x", (char *) modes[m], "-mode", (char *) modes[m],
                           "-targetname", "test-a", NULL };
          g_autofree char *jlog = g_build_filename (f->run, "msgsender.log", NULL);
          g_autofree char *jout = NULL;
          GPid jpid;
          gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
          g_autoptr(GError) e = NULL;
          in.count = 0;
          jpid = spawn_bg (argv, f->envp, jlog);
          while (waitpid (jpid, &status, WNOHANG) != jpid)
            {
              g_assert_cmpint (g_get_monotonic_time (), <, end);
              g_main_context_iteration (NULL, FALSE);
              g_usleep (10000);
            }
          g_file_get_contents (jlog, &jout, NULL, NULL);
          g_test_message ("messagesender -mode %s: %s", modes[m], jout);
          g_assert_true (g_spawn_check_wait_status (status, &e));
          g_assert_true (cs_test_wait_until (inbox_has, &in, 10000));
          g_assert_cmpstr (in.mtype, ==, "test.ping.js");
          g_assert_cmpstr (samp_map_lookup_string (in.params, "x"), ==, modes[m]);
        }
    }
  samp_client_disconnect (a);
  status = stop_bg (pid);
  g_assert_true (WIFEXITED (status));
  inbox_clear (&in);
}

static void
on_lost (SampClient *c, const char *reason, gpointer data)
{
  (void) c;
  g_test_message ("hub-lost: %s", reason);
  (*(int *) data)++;
}

static void
on_connected (SampClient *c, gpointer data)
{
  (void) c;
  (*(int *) data)++;
}

static void
test_reconnect (Fixture *f, gconstpointer data)
{
  g_autoptr(SampClient) a = NULL;
  g_autoptr(GError) error = NULL;
  int lost = 0, connected = 0;
  g_autofree char *first_url = NULL;

  (void) data;
  if (f->skip)
    return;
  a = new_client (f, "test-reconnect");
  g_signal_connect (a, "hub-lost", G_CALLBACK (on_lost), &lost);
  g_signal_connect (a, "hub-connected", G_CALLBACK (on_connected), &connected);
  samp_client_connect (a, &error);
  g_assert_no_error (error);
  samp_client_set_auto_reconnect (a, TRUE);
  connected = 0;
  first_url = g_strdup (samp_client_get_hub_url (a));

  /* clean shutdown (samp.hub.event.shutdown), then a new hub */
  g_assert_true (hub_ctl (f, "stop"));
  g_assert_true (cs_test_wait_for_count (&lost, 15000));
  g_assert_false (samp_client_is_connected (a));
  g_assert_true (hub_ctl (f, "start"));
  g_assert_true (cs_test_wait_for_count (&connected, 20000));
  g_assert_true (samp_client_is_connected (a));
  g_assert_cmpstr (samp_client_get_hub_url (a), !=, first_url);

  /* hub killed outright (no event, stale lockfile): found by the ping */
  lost = connected = 0;
  g_assert_true (hub_ctl (f, "kill"));
  g_assert_true (cs_test_wait_for_count (&lost, 15000));
  g_assert_true (hub_ctl (f, "start"));
  g_assert_true (cs_test_wait_for_count (&connected, 20000));
  {
    g_autoptr(SampClient) b = new_connected (f, "test-observer");
    g_autofree char *id = NULL;
    FindData fd = { b, "test-reconnect" };
    g_assert_true (cs_test_wait_until (known_by_name, &fd, 5000));
    id = samp_client_find_client (b, "test-reconnect");
    g_assert_cmpstr (id, ==, samp_client_get_self_id (a));
  }
}

/* No /proc/self/maps line names a GVfs module. */
static gboolean
no_gvfs_mapped (void)
{
  g_autofree char *maps = NULL;

  if (!g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL))
    return TRUE;              /* not Linux: nothing to check */
  return strstr (maps, "gvfs") == NULL;
}

/* The same hub restarts as test_reconnect, with the periodic tick (ping,
 * connect retries) pushed out to an hour: re-registration can only come
 * from the lockfile monitor.  Nothing here is measured by time; every
 * wait is just bounded. */
static void
test_reconnect_monitor (Fixture *f, gconstpointer data)
{
  g_autoptr(SampClient) a = NULL;
  g_autoptr(GError) error = NULL;
  int lost = 0, connected = 0;
  g_autofree char *first_url = NULL, *second_url = NULL;

  (void) data;
  if (f->skip)
    return;
  a = new_client (f, "test-monitor");
  samp_client_set_watch_interval (a, 3600 * 1000);
  g_signal_connect (a, "hub-lost", G_CALLBACK (on_lost), &lost);
  g_signal_connect (a, "hub-connected", G_CALLBACK (on_connected), &connected);
  g_assert_true (samp_client_connect (a, &error));
  samp_client_set_auto_reconnect (a, TRUE);
  g_assert_true (samp_client_is_monitoring_lockfile (a));
  g_assert_true (no_gvfs_mapped ());
  connected = 0;
  first_url = g_strdup (samp_client_get_hub_url (a));

  /* clean shutdown, lockfile removed, a new hub writes a new one */
  g_assert_true (hub_ctl (f, "stop"));
  g_assert_true (cs_test_wait_for_count (&lost, 15000));
  g_assert_true (hub_ctl (f, "start"));
  g_assert_true (cs_test_wait_for_count (&connected, 20000));
  g_assert_true (samp_client_is_connected (a));
  second_url = g_strdup (samp_client_get_hub_url (a));
  g_assert_cmpstr (second_url, !=, first_url);

  /* hub killed (stale lockfile, no event, no ping for an hour) and a new
   * one started over it: its lockfile tells us */
  lost = connected = 0;
  g_assert_true (hub_ctl (f, "kill"));
  g_assert_true (hub_ctl (f, "start"));
  g_assert_true (cs_test_wait_for_count (&connected, 20000));
  g_assert_cmpint (lost, ==, 1);
  g_assert_true (samp_client_is_connected (a));
  g_assert_cmpstr (samp_client_get_hub_url (a), !=, second_url);
  {
    g_autoptr(SampClient) b = new_connected (f, "test-observer");
    g_autofree char *id = NULL;
    FindData fd = { b, "test-monitor" };
    g_assert_true (cs_test_wait_until (known_by_name, &fd, 5000));
    id = samp_client_find_client (b, "test-monitor");
    g_assert_cmpstr (id, ==, samp_client_get_self_id (a));
  }
  g_assert_true (no_gvfs_mapped ());
}

/* SIGTERM to a cadc-samp that is waiting on a call: it unregisters. */
static void
test_sigterm (Fixture *f, gconstpointer data)
{
  const char *bin = g_getenv ("CADC_SAMP");
  g_autoptr(SampClient) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  Inbox in = { .no_reply = TRUE };
  FindData fd;
  GPid pid;
  int status;

  (void) data;
  if (f->skip)
    return;
  g_assert_nonnull (bin);
  b = new_client (f, "test-silent");
  samp_client_subscribe (b, "test.slow", on_message, &in);
  g_assert_true (samp_client_connect (b, &error));
  log = g_build_filename (f->run, "cli.log", NULL);
  {
    char *argv[] = { (char *) bin, "send", "mtype", "test.slow", "--call", "--to", "test-silent",
                     "--timeout", "60", NULL };
    pid = spawn_bg (argv, f->envp, log);
  }
  /* the CLI's call reaches our silent handler: it is registered and waiting */
  {
    gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    while (in.count == 0)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, end);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10000);
      }
  }
  fd.c = b;
  fd.name = "cadc-samp send";   /* the bridge alone is "cadc-samp" */
  g_assert_true (known_by_name (&fd));
  kill (pid, SIGTERM);
  {
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    while (waitpid (pid, &status, WNOHANG) != pid)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, end);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10000);
      }
  }
  /* the hub told us it left */
  {
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    while (known_by_name (&fd))
      {
        g_assert_cmpint (g_get_monotonic_time (), <, end);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10000);
      }
  }
  {
    g_auto(GStrv) ids = samp_client_get_registered_clients (b, &error);
    g_assert_no_error (error);
    for (guint i = 0; ids[i]; i++)
      {
        g_autoptr(GVariant) md = samp_client_get_metadata (b, ids[i], NULL);
        g_assert_cmpstr (samp_map_lookup_string (md, "samp.name"), !=, "cadc-samp send");
      }
  }
  samp_client_disconnect (b);
  inbox_clear (&in);

  /* JSAMP's own conformance test still passes after our clients came and went */
  if (strcmp (f->kind, "jsamp") == 0)
    {
      char *argv[] = { "timeout", "120", "java", "-classpath", "/usr/share/java/jsamp.jar",
                       "org.astrogrid.samp.JSamp", "hubtester", NULL };
      g_autofree char *out = NULL;
      g_autoptr(GError) e = NULL;
      g_assert_true (run_cmd (argv, f->envp, &out, &status));
      if (!g_spawn_check_wait_status (status, &e))
        g_test_message ("hubtester output: %s", out);
      g_assert_no_error (e);
    }
}

int
main (int argc, char **argv)
{
  static const char *const kinds[] = { HUB_KIND };

  g_test_init (&argc, &argv, NULL);
  signal (SIGPIPE, SIG_IGN);
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *p1 = g_strdup_printf ("/samp/%s/register-metadata-subscriptions", kinds[i]);
      g_autofree char *p2 = g_strdup_printf ("/samp/%s/notify-call-reply", kinds[i]);
      g_autofree char *p3 = g_strdup_printf ("/samp/%s/call-timeouts", kinds[i]);
      g_autofree char *p4 = g_strdup_printf ("/samp/%s/wrong-private-key", kinds[i]);
      g_autofree char *p5 = g_strdup_printf ("/samp/%s/astropy-peers", kinds[i]);
      g_autofree char *p6 = g_strdup_printf ("/samp/%s/auto-reconnect", kinds[i]);
      g_autofree char *p7 = g_strdup_printf ("/samp/%s/sigterm-unregisters", kinds[i]);
      g_autofree char *p8 = g_strdup_printf ("/samp/%s/reconnect-by-lockfile-monitor", kinds[i]);
      g_test_add (p1, Fixture, kinds[i], fixture_setup, test_register, fixture_teardown);
      g_test_add (p2, Fixture, kinds[i], fixture_setup, test_messaging, fixture_teardown);
      g_test_add (p3, Fixture, kinds[i], fixture_setup, test_timeout, fixture_teardown);
      g_test_add (p4, Fixture, kinds[i], fixture_setup, test_wrong_key, fixture_teardown);
      g_test_add (p5, Fixture, kinds[i], fixture_setup, test_astropy_peers, fixture_teardown);
      g_test_add (p6, Fixture, kinds[i], fixture_setup, test_reconnect, fixture_teardown);
      g_test_add (p7, Fixture, kinds[i], fixture_setup, test_sigterm, fixture_teardown);
      g_test_add (p8, Fixture, kinds[i], fixture_setup, test_reconnect_monitor, fixture_teardown);
    }
  return g_test_run ();
}

/* test-auth.c: cadc-auth — cookie domain restriction, netrc parsing, the
 * 0600 state file and the credentials chosen per URL.  Runs with a private
 * HOME / XDG_CONFIG_HOME / NETRC in a temp dir.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cadc-auth.h"

static char *tmpdir;

static void
write_file (const char *name, const char *text, char **path_out)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  *path_out = g_steal_pointer (&path);
}

static void
test_domains (void)
{
  g_autoptr(CadcAuth) auth = cadc_auth_new_anonymous ();

  g_assert_true (cadc_auth_host_in_domains (auth, "ws-cadc.canfar.net"));
  g_assert_true (cadc_auth_host_in_domains (auth, "canfar.net"));
  g_assert_true (cadc_auth_host_in_domains (auth, "ws.cadc-ccda.hia-iha.nrc-cnrc.gc.ca"));
  g_assert_true (cadc_auth_host_in_domains (auth, "WS.CADC.DAO.NRC.CA"));
  g_assert_false (cadc_auth_host_in_domains (auth, "evilcanfar.net"));
  g_assert_false (cadc_auth_host_in_domains (auth, "canfar.net.evil.org"));
  g_assert_false (cadc_auth_host_in_domains (auth, "127.0.0.1"));
  g_assert_false (cadc_auth_host_in_domains (auth, NULL));
}

static void
test_cookie_only_to_domains (void)
{
  g_autoptr(CadcAuth) auth = cadc_auth_new_anonymous ();
  g_autoptr(VoHttpCredentials) a = NULL, b = NULL, c = NULL;

  cadc_auth_set_token (auth, "sekrit");
  a = cadc_auth_credentials_for_url ("https://ws-cadc.canfar.net/ac/whoami", auth);
  g_assert_cmpstr (a->cookie, ==, "CADC_SSO=\"sekrit\"");
  b = cadc_auth_credentials_for_url ("https://example.org/tap/sync", auth);
  g_assert_null (b->cookie);
  g_assert_null (b->bearer);
  c = cadc_auth_credentials_for_url ("https://canfar.net.evil.org/x", auth);
  g_assert_null (c->cookie);
}

static void
test_domains_env (void)
{
  g_autoptr(CadcAuth) auth = NULL;
  g_autoptr(VoHttpCredentials) a = NULL;

  g_setenv ("CADC_SAMP_COOKIE_DOMAINS", "example.org, .test.net", TRUE);
  auth = cadc_auth_new_anonymous ();
  g_unsetenv ("CADC_SAMP_COOKIE_DOMAINS");
  g_assert_true (cadc_auth_host_in_domains (auth, "a.test.net"));
  g_assert_true (cadc_auth_host_in_domains (auth, "example.org"));
  g_assert_false (cadc_auth_host_in_domains (auth, "ws.canfar.net"));
  cadc_auth_set_token (auth, "t");
  a = cadc_auth_credentials_for_url ("http://example.org/", auth);
  g_assert_cmpstr (a->cookie, ==, "CADC_SSO=\"t\"");
}

static void
test_netrc (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char *login = NULL, *pw = NULL;

  write_file ("netrc",
              "# comment\n"
              "machine other.org login a password b\n"
              "macdef init\ncd /pub\nls\n\n"
              "machine ws-cadc.canfar.net\n  login alice\n  password \"p w\\\"x\"\n"
              "machine 127.0.0.1 login cadcauthtest password test-password account z\n",
              &path);
  g_assert_true (cadc_netrc_lookup (path, "127.0.0.1", FALSE, &login, &pw, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (login, ==, "cadcauthtest");
  g_assert_cmpstr (pw, ==, "test-password");
  g_clear_pointer (&login, g_free);
  g_clear_pointer (&pw, g_free);

  g_assert_true (cadc_netrc_lookup (path, "canfar.net", TRUE, &login, &pw, &error));
  g_assert_cmpstr (login, ==, "alice");
  g_assert_cmpstr (pw, ==, "p w\"x");
  g_clear_pointer (&login, g_free);
  g_clear_pointer (&pw, g_free);

  /* exact match does not accept substrings */
  g_assert_false (cadc_netrc_lookup (path, "canfar.net", FALSE, &login, &pw, &error));
  g_assert_no_error (error);
  g_assert_null (login);
  /* missing file: not found, no error */
  g_assert_false (cadc_netrc_lookup ("/nonexistent/netrc", "x", FALSE, &login, &pw, &error));
  g_assert_no_error (error);
}

static void
test_netrc_bad (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char *login = NULL, *pw = NULL;

  write_file ("netrc-bad", "machine h login \"unterminated\n", &path);
  g_assert_false (cadc_netrc_lookup (path, "h", FALSE, &login, &pw, &error));
  g_assert_error (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_BAD_FILE);
}

static void
test_basic_from_netrc (void)
{
  g_autofree char *path = NULL;
  g_autoptr(CadcAuth) auth = cadc_auth_new_anonymous ();
  g_autoptr(VoHttpCredentials) a = NULL, b = NULL;

  write_file ("netrc2", "machine 127.0.0.1 login u password p\n", &path);
  g_setenv ("NETRC", path, TRUE);
  a = cadc_auth_credentials_for_url ("http://127.0.0.1:18080/getproduct/x", auth);
  b = cadc_auth_credentials_for_url ("http://127.0.0.2/x", auth);
  g_unsetenv ("NETRC");
  g_assert_cmpstr (a->basic_user, ==, "u");
  g_assert_cmpstr (a->basic_password, ==, "p");
  g_assert_null (b->basic_user);
}

static void
test_state_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CadcAuth) auth = cadc_auth_new_anonymous ();
  g_autoptr(CadcAuth) again = NULL;
  g_autoptr(CadcAuth) gone = NULL;
  g_autofree char *path = cadc_auth_state_path ();
  GStatBuf st;

  g_assert_true (g_str_has_prefix (path, tmpdir));
  cadc_auth_set_user (auth, "alice");
  cadc_auth_set_token (auth, "tok=en");
  cadc_auth_set_cert (auth, "/x/cadcproxy.pem");
  g_assert_true (cadc_auth_save (auth, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  again = cadc_auth_load (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (cadc_auth_get_user (again), ==, "alice");
  g_assert_true (cadc_auth_has_token (again));
  g_assert_cmpstr (cadc_auth_get_cert (again), ==, "/x/cadcproxy.pem");

  g_assert_true (cadc_auth_forget (&error));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  gone = cadc_auth_load (&error);
  g_assert_no_error (error);
  g_assert_false (cadc_auth_has_token (gone));
  g_assert_null (cadc_auth_get_user (gone));
  /* forgetting twice is fine */
  g_assert_true (cadc_auth_forget (&error));
}

static void
test_state_file_corrupt (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = cadc_auth_state_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(CadcAuth) auth = NULL;

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (path, "not [an ini\n=", -1, NULL));
  auth = cadc_auth_load (&error);
  g_assert_null (auth);
  g_assert_error (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_BAD_FILE);
  g_unlink (path);
}

int
main (int argc, char **argv)
{
  g_autofree char *cfg = NULL;
  int ret;

  tmpdir = g_dir_make_tmp ("test-auth-XXXXXX", NULL);
  cfg = g_build_filename (tmpdir, "config", NULL);
  g_setenv ("HOME", tmpdir, TRUE);
  g_setenv ("XDG_CONFIG_HOME", cfg, TRUE);
  g_unsetenv ("NETRC");
  g_unsetenv ("CADC_SAMP_COOKIE_DOMAINS");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/auth/domains", test_domains);
  g_test_add_func ("/auth/cookie-only-to-domains", test_cookie_only_to_domains);
  g_test_add_func ("/auth/domains-env", test_domains_env);
  g_test_add_func ("/auth/netrc", test_netrc);
  g_test_add_func ("/auth/netrc-bad", test_netrc_bad);
  g_test_add_func ("/auth/basic-from-netrc", test_basic_from_netrc);
  g_test_add_func ("/auth/state-file", test_state_file);
  g_test_add_func ("/auth/state-file-corrupt", test_state_file_corrupt);
  ret = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  g_free (tmpdir);
  return ret;
}

/* test-auth.c: cadc-auth — cookie domain restriction, netrc parsing, the
 * 0600 state file and the credentials chosen per URL.  Runs with a private
 * HOME / XDG_CONFIG_HOME / NETRC in a temp dir.
 */
#include "config.h"

#include "test-util.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cadc-auth.h"
#include "vo-caps.h"

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
  a = cadc_auth_credentials_for_url ("https://example.org/", auth);
  g_assert_cmpstr (a->cookie, ==, "CADC_SSO=\"t\"");
}

/* lookup PATH MACHINE: "login password", or NULL when not found */
static char *
netrc_pair (const char *path, const char *machine)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *login = NULL;
  g_autofree char *pw = NULL;
  gboolean found = cadc_netrc_lookup (path, machine, &login, &pw, &error);

  g_assert_no_error (error);
  if (!found)
    {
      g_assert_null (login);
      g_assert_null (pw);
      return NULL;
    }
  return g_strdup_printf ("%s %s", login, pw);
}

static void
test_netrc (void)
{
  g_autofree char *path = NULL;
  g_autofree char *p = NULL;

  write_file ("netrc",
              "# comment\n"
              "machine other.org login a password b\n"
              "macdef init\ncd /pub\nmachine 127.0.0.1 login macro password leaked\n\n"
              "machine ws-cadc.canfar.net\n  login alice\n  password \"p w\\\"x\\t\"\n"
              "machine 127.0.0.1 login cadcauthtest password test-password account z\n"
              "machine 127.0.0.1 login second password not-the-first\n",
              &path);
  p = netrc_pair (path, "127.0.0.1");
  g_assert_cmpstr (p, ==, "cadcauthtest test-password");
  g_clear_pointer (&p, g_free);
  /* quoted values keep spaces and escapes; host names are case-insensitive */
  p = netrc_pair (path, "WS-CADC.canfar.net");
  g_assert_cmpstr (p, ==, "alice p w\"x\t");
  g_clear_pointer (&p, g_free);
  /* exact: a machine name that contains the host, or the other way, is not it */
  g_assert_null (netrc_pair (path, "canfar.net"));
  g_assert_null (netrc_pair (path, "127.0.0"));
  g_assert_null (netrc_pair (path, NULL));
  /* missing file: not found, no error */
  g_assert_null (netrc_pair ("/nonexistent/netrc", "x"));
}

/* Issue #10: "machine my-127.0.0.1-host.example" matched 127.0.0.1 */
static void
test_netrc_no_substring (void)
{
  g_autofree char *path = NULL;
  g_autofree char *p = NULL;

  write_file ("netrc-sub", "machine my-127.0.0.1-host.example login alice password pw\n", &path);
  g_assert_null (netrc_pair (path, "127.0.0.1"));
  g_assert_null (netrc_pair (path, "host.example"));
  p = netrc_pair (path, "my-127.0.0.1-host.example");
  g_assert_cmpstr (p, ==, "alice pw");
}

/* "default" serves only hosts no machine entry names, wherever it stands */
static void
test_netrc_default (void)
{
  g_autofree char *path = NULL;
  g_autofree char *path2 = NULL;
  g_autofree char *p = NULL;

  write_file ("netrc-def",
              "default login anon password guest\n"
              "machine a.example login u password p\n"
              "machine b.example login only-login\n", &path);
  p = netrc_pair (path, "a.example");
  g_assert_cmpstr (p, ==, "u p");
  g_clear_pointer (&p, g_free);
  p = netrc_pair (path, "elsewhere.example");
  g_assert_cmpstr (p, ==, "anon guest");
  g_clear_pointer (&p, g_free);
  /* the matching entry decides even when incomplete: no fall-back to default */
  g_assert_null (netrc_pair (path, "b.example"));
  write_file ("netrc-nodef", "machine a.example login u password p\n", &path2);
  g_assert_null (netrc_pair (path2, "elsewhere.example"));
}

static void
test_netrc_bad (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char *login = NULL, *pw = NULL;

  write_file ("netrc-bad", "machine h login \"unterminated\n", &path);
  g_assert_false (cadc_netrc_lookup (path, "h", &login, &pw, &error));
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

/* §6.3 decision table: (allowed, held, in_domains, https) -> sent */
/* §6.3 decision table: (allowed, held, in_domains, https, trustworthy) -> sent */
static void
test_choose (void)
{
  const char *anon[] = { VO_SECURITY_ANONYMOUS, NULL };
  const char *argus[] = { VO_SECURITY_ANONYMOUS, VO_SECURITY_COOKIE, VO_SECURITY_CERT, NULL };
  const char *cookie_only[] = { VO_SECURITY_COOKIE, NULL };
  const char *token_only[] = { VO_SECURITY_TOKEN, NULL };
  const char *basic[] = { VO_SECURITY_BASIC, NULL };
  const char *tok_cookie[] = { VO_SECURITY_TOKEN, VO_SECURITY_COOKIE, NULL };
  const guint TOK = CADC_CRED_COOKIE | CADC_CRED_TOKEN;
  const guint ALL = TOK | CADC_CRED_CERT | CADC_CRED_BASIC;
  struct {
    const char *const *allowed;
    guint held;
    gboolean in_domains, https, trustworthy;
    guint expect;
  } t[] = {
    /* anonymous-only URL: nothing, whatever we hold */
    { anon, ALL, TRUE, TRUE, TRUE, CADC_CRED_NONE },
    /* argus: cert preferred over cookie (cadcutils order) */
    { argus, ALL, TRUE, TRUE, TRUE, CADC_CRED_CERT },
    { argus, TOK, TRUE, TRUE, TRUE, CADC_CRED_COOKIE },
    /* cert over http is useless: the cookie then */
    { argus, TOK | CADC_CRED_CERT, TRUE, FALSE, TRUE, CADC_CRED_COOKIE },
    /* the token never leaves the cookie domains, even where allowed */
    { argus, TOK, FALSE, TRUE, TRUE, CADC_CRED_NONE },
    { cookie_only, TOK, FALSE, TRUE, TRUE, CADC_CRED_NONE },
    { cookie_only, CADC_CRED_CERT, TRUE, TRUE, TRUE, CADC_CRED_NONE },
    /* bearer only where the capability says token */
    { token_only, TOK, TRUE, TRUE, TRUE, CADC_CRED_TOKEN },
    { tok_cookie, TOK, TRUE, TRUE, TRUE, CADC_CRED_COOKIE },
    { basic, ALL, TRUE, TRUE, TRUE, CADC_CRED_BASIC },
    { basic, TOK, TRUE, TRUE, TRUE, CADC_CRED_NONE },
    /* undescribed URL: cookie (+cert on https) inside the domains, Basic on 401 */
    { NULL, ALL, TRUE, TRUE, TRUE, CADC_CRED_COOKIE | CADC_CRED_CERT | CADC_CRED_BASIC },
    { NULL, ALL, FALSE, TRUE, TRUE, CADC_CRED_BASIC },
    { NULL, ALL, TRUE, FALSE, TRUE, CADC_CRED_COOKIE | CADC_CRED_BASIC },
    { NULL, CADC_CRED_NONE, TRUE, TRUE, TRUE, CADC_CRED_NONE },
    /* plain http off loopback (not trustworthy): nothing at all, ever */
    { NULL, ALL, TRUE, FALSE, FALSE, CADC_CRED_NONE },
    { NULL, CADC_CRED_BASIC, FALSE, FALSE, FALSE, CADC_CRED_NONE },
    { argus, TOK, TRUE, FALSE, FALSE, CADC_CRED_NONE },
    { cookie_only, TOK, TRUE, FALSE, FALSE, CADC_CRED_NONE },
    { token_only, TOK, TRUE, FALSE, FALSE, CADC_CRED_NONE },
    { basic, ALL, TRUE, FALSE, FALSE, CADC_CRED_NONE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (t); i++)
    {
      guint got = cadc_auth_choose (t[i].allowed, t[i].held, t[i].in_domains, t[i].https,
                                    t[i].trustworthy);
      if (got != t[i].expect)
        g_error ("case %" G_GSIZE_FORMAT ": got %#x, expected %#x", i, got, t[i].expect);
    }
}

static void
test_credentials_for (void)
{
  g_autoptr(CadcAuth) auth = cadc_auth_new_anonymous ();
  const char *domains[] = { "127.0.0.1", NULL };
  const char *cookie[] = { VO_SECURITY_ANONYMOUS, VO_SECURITY_COOKIE, NULL };
  const char *anon[] = { VO_SECURITY_ANONYMOUS, NULL };
  const char *token[] = { VO_SECURITY_TOKEN, NULL };
  g_autoptr(VoHttpCredentials) a = NULL, b = NULL, c = NULL, d = NULL;

  cadc_auth_set_cookie_domains (auth, domains);
  cadc_auth_set_token (auth, "tk");
  a = cadc_auth_credentials_for (auth, "http://127.0.0.1:9/tap/sync", cookie);
  g_assert_cmpstr (a->cookie, ==, "CADC_SSO=\"tk\"");
  g_assert_null (a->bearer);
  b = cadc_auth_credentials_for (auth, "http://127.0.0.1:9/tap/tables", anon);
  g_assert_null (b->cookie);
  g_assert_null (b->bearer);
  c = cadc_auth_credentials_for (auth, "http://127.0.0.1:9/x", token);
  g_assert_null (c->cookie);
  g_assert_cmpstr (c->bearer, ==, "tk");
  d = cadc_auth_credentials_for (auth, "http://localhost:9/tap/sync", cookie);
  g_assert_null (d->cookie);
  /* NULL restores the default (CADC's realms) */
  cadc_auth_set_cookie_domains (auth, NULL);
  g_assert_false (cadc_auth_host_in_domains (auth, "127.0.0.1"));
  g_assert_true (cadc_auth_host_in_domains (auth, "ws-cadc.canfar.net"));
}

/* The Secure Contexts rule (cadc_auth_url_trustworthy) */
static void
test_url_trustworthy (void)
{
  const char *yes[] = {
    "https://ws.cadc-ccda.hia-iha.nrc-cnrc.gc.ca/tap", "HTTPS://evil.example/",
    "https://127.0.0.1@evil.example/",   /* encrypted: fine (the token has its domains) */
    "http://127.0.0.1", "http://127.0.0.1:18080/tap/sync?x=1", "http://127.255.3.4/",
    "http://localhost", "http://LocalHost:8080/x", "http://[::1]", "http://[::1]:9/x#f",
    "http://[0:0:0:0:0:0:0:1]/", "HTTP://127.0.0.1/",
  };
  const char *no[] = {
    "http://127.0.0.1.evil.example/", "http://ws.cadc-ccda.hia-iha.nrc-cnrc.gc.ca/tap",
    "http://localhost.example/", "http://127.0.0.1@evil.example/",
    "http://user:pw@127.0.0.1/", "http://127.0.0.1:80@evil.example/",
    "http://evil.example#@127.0.0.1/", "http://evil.example\\@127.0.0.1/",
    "http://127.1/", "http://0x7f.0.0.1/", "http://0177.0.0.1/", "http://127.0.0.1./",
    "http://127.0.0.256/", "http://127.0.0.1.1/", "http://128.0.0.1/", "http://10.0.0.1/",
    "http://localhost./", "http://sub.localhost/", "http://[::2]/", "http://[::1/",
    "http://[::ffff:127.0.0.1]/", "http://[::1]x/", "http://127.0.0.1:8o/",
    "http://%31%32%37.0.0.1/", "http://", "ftp://127.0.0.1/", "127.0.0.1", "", NULL,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (yes); i++)
    if (!cadc_auth_url_trustworthy (yes[i]))
      g_error ("%s should be trustworthy", yes[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (no); i++)
    if (cadc_auth_url_trustworthy (no[i]))
      g_error ("%s should not be trustworthy", no[i]);
}

static void
record_warning (const char *message, gpointer user_data)
{
  g_ptr_array_add (user_data, g_strdup (message));
}

/* Issue #10: the cookie went over plain http inside the cookie domains */
static void
test_http_withheld (void)
{
  g_autoptr(CadcAuth) auth = cadc_auth_new_anonymous ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *path = NULL;
  const char *cookie[] = { VO_SECURITY_COOKIE, NULL };
  const char *token[] = { VO_SECURITY_TOKEN, NULL };
  const char *domains[] = { ".cadc-ccda.hia-iha.nrc-cnrc.gc.ca", "127.0.0.1", NULL };
  VoHttpCredentials *c;

  cadc_auth_set_cookie_domains (auth, domains);
  cadc_auth_set_token (auth, "tk");
  cadc_auth_set_warn_func (auth, record_warning, warnings);
  write_file ("netrc-http", "machine www.cadc-ccda.hia-iha.nrc-cnrc.gc.ca login u password p\n"
              "machine 127.0.0.1 login u password p\n", &path);
  g_setenv ("NETRC", path, TRUE);

  /* the old http registry fallback, undescribed and described URLs: nothing */
  c = cadc_auth_credentials_for_url ("http://www.cadc-ccda.hia-iha.nrc-cnrc.gc.ca/reg/resource-caps", auth);
  g_assert_true (c->cookie == NULL && c->bearer == NULL && c->basic_user == NULL
                 && c->basic_password == NULL && c->cert_file == NULL && !c->direct);
  vo_http_credentials_free (c);
  c = cadc_auth_credentials_for (auth, "http://www.cadc-ccda.hia-iha.nrc-cnrc.gc.ca/tap/sync", cookie);
  g_assert_true (c->cookie == NULL && c->bearer == NULL && c->basic_user == NULL);
  vo_http_credentials_free (c);
  c = cadc_auth_credentials_for (auth, "http://ws.cadc-ccda.hia-iha.nrc-cnrc.gc.ca/x", token);
  g_assert_true (c->cookie == NULL && c->bearer == NULL);
  vo_http_credentials_free (c);
  /* one line per host, naming it, never the token */
  g_assert_cmpuint (warnings->len, ==, 2);
  g_assert_nonnull (strstr (warnings->pdata[0], "http://www.cadc-ccda.hia-iha.nrc-cnrc.gc.ca"));
  g_assert_nonnull (strstr (warnings->pdata[1], "http://ws.cadc-ccda.hia-iha.nrc-cnrc.gc.ca"));
  for (guint i = 0; i < warnings->len; i++)
    {
      g_assert_null (strchr (warnings->pdata[i], '\n'));
      g_assert_null (strstr (warnings->pdata[i], "tk"));
    }

  /* the same over https: sent, no warning */
  c = cadc_auth_credentials_for_url ("https://www.cadc-ccda.hia-iha.nrc-cnrc.gc.ca/reg/resource-caps", auth);
  g_assert_cmpstr (c->cookie, ==, "CADC_SSO=\"tk\"");
  g_assert_cmpstr (c->basic_user, ==, "u");
  g_assert_false (c->direct);
  vo_http_credentials_free (c);
  /* http on loopback: sent, directly (no proxy), no warning */
  c = cadc_auth_credentials_for_url ("http://127.0.0.1:18080/x", auth);
  g_assert_cmpstr (c->cookie, ==, "CADC_SSO=\"tk\"");
  g_assert_cmpstr (c->basic_password, ==, "p");
  g_assert_true (c->direct);
  vo_http_credentials_free (c);
  g_assert_cmpuint (warnings->len, ==, 2);
  /* nothing held for an http host: no warning either */
  c = cadc_auth_credentials_for_url ("http://example.org/x", auth);
  g_assert_null (c->cookie);
  vo_http_credentials_free (c);
  g_assert_cmpuint (warnings->len, ==, 2);
  g_unsetenv ("NETRC");
}

/* DER builders for the certificate walker (no openssl needed here). */
static void
der_put (GByteArray *out, guint8 tag, const guint8 *content, gsize len)
{
  guint8 hdr[6];
  gsize h = 0;

  hdr[h++] = tag;
  if (len < 0x80)
    hdr[h++] = (guint8) len;
  else if (len < 0x100)
    {
      hdr[h++] = 0x81;
      hdr[h++] = (guint8) len;
    }
  else
    {
      hdr[h++] = 0x82;
      hdr[h++] = (guint8) (len >> 8);
      hdr[h++] = (guint8) len;
    }
  g_byte_array_append (out, hdr, (guint) h);
  g_byte_array_append (out, content, (guint) len);
}

static GByteArray *
make_cert (gboolean with_version, guint8 time_tag, const char *not_after)
{
  g_autoptr(GByteArray) tbs = g_byte_array_new ();
  g_autoptr(GByteArray) validity = g_byte_array_new ();
  g_autoptr(GByteArray) cert = g_byte_array_new ();
  GByteArray *out = g_byte_array_new ();
  const guint8 v3[] = { 0x02, 0x01, 0x02 }, serial[] = { 0x05 }, oid[] = { 0x05, 0x00 };
  const char *nb = "200101000000Z";

  if (with_version)
    der_put (tbs, 0xa0, v3, sizeof v3);
  der_put (tbs, 0x02, serial, sizeof serial);
  der_put (tbs, 0x30, oid, sizeof oid);
  der_put (tbs, 0x30, oid, sizeof oid);     /* issuer (content irrelevant) */
  der_put (validity, 0x17, (const guint8 *) nb, strlen (nb));
  der_put (validity, time_tag, (const guint8 *) not_after, strlen (not_after));
  der_put (tbs, 0x30, validity->data, validity->len);
  der_put (tbs, 0x30, oid, sizeof oid);     /* subject */
  der_put (cert, 0x30, tbs->data, tbs->len);
  der_put (cert, 0x30, oid, sizeof oid);    /* signatureAlgorithm */
  der_put (out, 0x30, cert->data, cert->len);
  return out;
}

static void
assert_not_after (GByteArray *der, const char *iso)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) t = cadc_x509_not_after (der->data, der->len, &error);
  g_autofree char *s = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (t);
  s = g_date_time_format_iso8601 (t);
  g_assert_cmpstr (s, ==, iso);
  g_byte_array_unref (der);
}

static void
test_x509_not_after (void)
{
  g_autoptr(GByteArray) good = make_cert (TRUE, 0x17, "491231235959Z");
  g_autoptr(GError) error = NULL;

  assert_not_after (make_cert (TRUE, 0x17, "300102030405Z"), "2030-01-02T03:04:05Z");
  assert_not_after (make_cert (FALSE, 0x17, "991231235959Z"), "1999-12-31T23:59:59Z");
  assert_not_after (make_cert (TRUE, 0x18, "20600101000000Z"), "2060-01-01T00:00:00Z");
  assert_not_after (make_cert (TRUE, 0x18, "20600101000000.5Z"), "2060-01-01T00:00:00Z");

  /* every truncation fails cleanly */
  for (guint n = 0; n < good->len; n++)
    {
      GDateTime *t = cadc_x509_not_after (good->data, n, &error);
      g_assert_null (t);
      g_assert_error (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_BAD_CERT);
      g_clear_error (&error);
    }
  /* garbage, a non-Z time, an impossible date */
  {
    const guint8 junk[] = { 0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00 };
    g_autoptr(GByteArray) local = make_cert (TRUE, 0x17, "300102030405+0100");
    g_autoptr(GByteArray) bad_date = make_cert (TRUE, 0x17, "301302030405Z");
    g_assert_null (cadc_x509_not_after (junk, sizeof junk, &error));
    g_assert_error (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_BAD_CERT);
    g_clear_error (&error);
    g_assert_null (cadc_x509_not_after (local->data, local->len, &error));
    g_assert_error (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_BAD_CERT);
    g_clear_error (&error);
    g_assert_null (cadc_x509_not_after (bad_date->data, bad_date->len, &error));
    g_assert_error (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_BAD_CERT);
    g_clear_error (&error);
  }
}

static void
write_pem (const char *name, GByteArray *der, gboolean with_key, char **path)
{
  g_autofree char *b64 = g_base64_encode (der->data, der->len);
  g_autoptr(GString) pem = g_string_new ("-----BEGIN CERTIFICATE-----\n");

  for (gsize i = 0, n = strlen (b64); i < n; i += 64)
    g_string_append_printf (pem, "%.64s\n", b64 + i);
  g_string_append (pem, "-----END CERTIFICATE-----\n");
  if (with_key)
    g_string_append (pem, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  write_file (name, pem->str, path);
}

static void
test_check_cert (void)
{
  g_autoptr(GByteArray) der = make_cert (TRUE, 0x17, "300102030405Z");
  g_autofree char *ok = NULL, *nokey = NULL, *junk = NULL;
  g_autoptr(GDateTime) before = g_date_time_new_utc (2029, 12, 31, 0, 0, 0);
  g_autoptr(GDateTime) after = g_date_time_new_utc (2030, 1, 3, 0, 0, 0);
  g_autoptr(GDateTime) expiry = NULL;
  g_autoptr(GError) error = NULL;

  write_pem ("ok.pem", der, TRUE, &ok);
  write_pem ("nokey.pem", der, FALSE, &nokey);
  write_file ("junk.pem", "hello\n", &junk);

  g_assert_true (cadc_auth_check_cert (ok, before, &expiry, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_date_time_get_year (expiry), ==, 2030);
  g_assert_false (cadc_auth_check_cert (ok, after, NULL, &error));
  g_assert_error (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_CERT_EXPIRED);
  g_assert_nonnull (strstr (error->message, "expired on 2030-01-02 03:04:05 UTC. Run: cadc-get-cert"));
  g_clear_error (&error);
  g_assert_false (cadc_auth_check_cert (nokey, before, NULL, &error));
  g_assert_error (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_BAD_CERT);
  g_clear_error (&error);
  g_assert_false (cadc_auth_check_cert (junk, before, NULL, &error));
  g_assert_error (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_BAD_CERT);
  g_clear_error (&error);
  g_assert_false (cadc_auth_check_cert ("/nonexistent/x.pem", before, NULL, &error));
  g_assert_error (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_BAD_CERT);
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
  g_test_add_func ("/auth/netrc-no-substring", test_netrc_no_substring);
  g_test_add_func ("/auth/netrc-default", test_netrc_default);
  g_test_add_func ("/auth/url-trustworthy", test_url_trustworthy);
  g_test_add_func ("/auth/http-withheld", test_http_withheld);
  g_test_add_func ("/auth/basic-from-netrc", test_basic_from_netrc);
  g_test_add_func ("/auth/state-file", test_state_file);
  g_test_add_func ("/auth/state-file-corrupt", test_state_file_corrupt);
  g_test_add_func ("/auth/choose", test_choose);
  g_test_add_func ("/auth/credentials-for", test_credentials_for);
  g_test_add_func ("/auth/x509-not-after", test_x509_not_after);
  g_test_add_func ("/auth/check-cert", test_check_cert);
  ret = g_test_run ();
  cs_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}

/* test-caps.c: registry list, VOSI capabilities, access-URL rules. */
#include "config.h"

#include <string.h>
#include "test-util.h"
#include "vo-caps.h"
#include "vo-error.h"


static VoCapabilities *
load_caps (const char *name)
{
  gsize len;
  g_autofree char *data = cs_test_load_data (name, &len);
  g_autoptr (GError) error = NULL;
  VoCapabilities *caps = vo_caps_parse (data, len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (caps);
  return caps;
}

static void
test_registry (void)
{
  gsize len;
  g_autofree char *text = cs_test_load_data ("registry-cadc.txt", &len);
  g_autoptr (GError) error = NULL;
  g_autoptr (VoRegistry) reg = vo_registry_parse (text, len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reg->resource_ids->len, ==, 5);
  g_assert_cmpstr (reg->resource_ids->pdata[0], ==, "ivo://cadc.nrc.ca/argus");
  g_assert_cmpstr (reg->resource_ids->pdata[2], ==, "ivo://cadc.nrc.ca/gms");

  g_autofree char *a = vo_registry_lookup (reg, "argus", &error);
  g_assert_cmpstr (a, ==, "https://example.cadc.test/argus2/capabilities"); /* later line wins */
  g_autofree char *b = vo_registry_lookup (reg, "ivo://cadc.nrc.ca/caom2ops", &error);
  g_assert_cmpstr (b, ==, "https://example.cadc.test/caom2ops/capabilities");
  g_autofree char *c = vo_registry_lookup (reg, "gms", &error);
  g_assert_cmpstr (c, ==, "https://example.cadc.test/ac/capabilities");
  g_autofree char *d = vo_registry_lookup (reg, "mytap", &error);
  g_assert_cmpstr (d, ==, "http://my.org/mytap");             /* astroquery test vector */
  g_autofree char *e = vo_registry_lookup (reg, "ivo://example.test/odd", &error);
  g_assert_cmpstr (e, ==, "https://example.test/caps?a=b");
  g_autofree char *f = vo_registry_lookup (reg, "https://x.test/capabilities", &error);
  g_assert_cmpstr (f, ==, "https://x.test/capabilities");
  g_assert_no_error (error);

  g_assert_null (vo_registry_lookup (reg, "nosuch", &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "Cannot find the capabilities of service nosuch"));

  g_autofree char *id = vo_registry_resource_id ("argus");
  g_assert_cmpstr (id, ==, "ivo://cadc.nrc.ca/argus");
  g_autofree char *id2 = vo_registry_resource_id ("ivo://other/x");
  g_assert_cmpstr (id2, ==, "ivo://other/x");
}

static void
test_registry_bad (void)
{
  const char *files[] = { "registry-noeq.txt", "registry-empty-value.txt" };
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      gsize len;
      g_autofree char *text = cs_test_load_data (files[i], &len);
      g_autoptr (GError) error = NULL;
      g_assert_null (vo_registry_parse (text, len, &error));
      g_assert_error (error, VO_ERROR, VO_ERROR_PARSE);
      g_assert_nonnull (strstr (error->message, "line"));
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (VoRegistry) empty = vo_registry_parse ("", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (empty->resource_ids->len, ==, 0);
}

static void
test_parse_argus (void)
{
  g_autoptr (VoCapabilities) caps = load_caps ("caps-argus.xml");
  g_assert_cmpuint (caps->capabilities->len, ==, 5);
  const VoCapability *tap = vo_caps_find (caps, VO_STD_TAP);
  g_assert_nonnull (tap);
  g_assert_cmpuint (tap->interfaces->len, ==, 1);
  const VoInterface *i = tap->interfaces->pdata[0];
  g_assert_cmpstr (i->access_url, ==, "https://example.cadc.test/argus");  /* stripped, CRLF gone */
  g_assert_cmpstr (i->use, ==, "base");
  g_assert_cmpstr (i->role, ==, "std");
  g_assert_cmpstr (i->version, ==, "1.1");
  g_assert_cmpuint (i->security_methods->len, ==, 3);
  g_assert_cmpstr (i->security_methods->pdata[0], ==, VO_SECURITY_ANONYMOUS);
  g_assert_cmpstr (i->security_methods->pdata[1], ==, VO_SECURITY_COOKIE);
  g_assert_cmpstr (i->security_methods->pdata[2], ==, VO_SECURITY_CERT);
  g_assert_null (vo_caps_find (caps, VO_STD_DATALINK_10));
}

static void
test_astroquery_rule (void)
{
  g_autoptr (VoCapabilities) caps = load_caps ("caps-argus.xml");
  g_autoptr (GError) error = NULL;
  struct { const char *std, *url; } v[] = {
    { VO_STD_VOSI_TABLES, "https://example.cadc.test/argus/tables" },
    { VO_STD_TAP, "https://example.cadc.test/argus" },
    { VO_STD_VOSI_CAPS, "https://example.cadc.test/argus/capabilities" },
    { "http://www.opencadc.org/std/Logging#control-1.0",
      "https://example.cadc.test/argus/logControl" },   /* single interface: any security */
  };
  for (gsize k = 0; k < G_N_ELEMENTS (v); k++)
    {
      g_autofree char *url = vo_caps_access_url (caps, v[k].std, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (url, ==, v[k].url);
    }
  g_assert_null (vo_caps_access_url (caps, VO_STD_DATALINK_10, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "not found or not working with anonymous or cookie access"));
  g_clear_error (&error);

  g_autoptr (VoCapabilities) multi = load_caps ("caps-multi.xml");
  g_autofree char *soda = vo_caps_access_url (multi, VO_STD_SODA_SYNC, &error);
  g_assert_cmpstr (soda, ==, "http://example.cadc.test/data/pub");  /* first anon-or-cookie-first */
  g_assert_null (vo_caps_access_url (multi, VO_STD_LOGIN, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
}

static void
test_cadcutils_rule (void)
{
  g_autoptr (VoCapabilities) multi = load_caps ("caps-multi.xml");
  g_autoptr (GError) error = NULL;
  const char *pref[] = { VO_SECURITY_CERT, VO_SECURITY_COOKIE, VO_SECURITY_BASIC,
                         VO_SECURITY_TOKEN, NULL };
  const char *cookie_only[] = { VO_SECURITY_COOKIE, NULL };
  const char *token_only[] = { VO_SECURITY_TOKEN, NULL };
  const char *chosen = NULL;

  g_autofree char *a = vo_caps_access_url_for_methods (multi, VO_STD_SODA_SYNC, pref, &chosen, &error);
  g_assert_cmpstr (a, ==, "https://example.cadc.test/data/auth");
  g_assert_cmpstr (chosen, ==, VO_SECURITY_CERT);
  g_autofree char *b = vo_caps_access_url_for_methods (multi, VO_STD_SODA_SYNC, cookie_only, &chosen, &error);
  g_assert_cmpstr (b, ==, "https://example.cadc.test/data/auth");
  g_assert_cmpstr (chosen, ==, VO_SECURITY_COOKIE);
  g_autofree char *c = vo_caps_access_url_for_methods (multi, VO_STD_SODA_SYNC, token_only, &chosen, &error);
  g_assert_cmpstr (c, ==, "https://example.cadc.test/data/token-only");
  /* anonymous fallback: of the two anonymous interfaces the https one */
  g_autofree char *d = vo_caps_access_url_for_methods (multi, VO_STD_SODA_SYNC, NULL, &chosen, &error);
  g_assert_cmpstr (d, ==, "https://example.cadc.test/data/pub");
  g_assert_cmpstr (chosen, ==, VO_SECURITY_ANONYMOUS);
  g_assert_no_error (error);
  /* login: basic first in cadcutils' order after cert */
  g_autofree char *e = vo_caps_access_url_for_methods (multi, VO_STD_LOGIN, pref, &chosen, &error);
  g_assert_cmpstr (e, ==, "https://example.cadc.test/ac/login2");
  g_assert_null (vo_caps_access_url_for_methods (multi, VO_STD_LOGIN, cookie_only, NULL, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "Please authenticate first"));
  g_clear_error (&error);
  g_assert_null (vo_caps_access_url_for_methods (multi, "ivo://nope", pref, NULL, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
}

static void
test_datalink (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoCapabilities) multi = load_caps ("caps-multi.xml");
  g_autofree char *a = vo_caps_datalink_url (multi, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a, ==, "https://example.cadc.test/caom2ops/datalink");  /* 1.1 preferred */

  const char doc10[] =
    "<capabilities><capability standardID='ivo://ivoa.net/std/DataLink#links-1.0'>"
    "<interface><accessURL>https://x.test/dl10</accessURL></interface>"
    "</capability></capabilities>";
  g_autoptr (VoCapabilities) c10 = vo_caps_parse (doc10, strlen (doc10), &error);
  g_assert_no_error (error);
  g_autofree char *b = vo_caps_datalink_url (c10, &error);
  g_assert_cmpstr (b, ==, "https://x.test/dl10");

  g_autoptr (VoCapabilities) argus = load_caps ("caps-argus.xml");
  g_assert_null (vo_caps_datalink_url (argus, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
}

static void
assert_methods (const VoCapabilities *caps, const char *url, const char *expected)
{
  g_auto (GStrv) m = vo_caps_security_methods_for_url (caps, url);
  g_autofree char *joined = g_strjoinv (" ", m);
  g_assert_cmpstr (joined, ==, expected);
}

static void
test_methods_for_url (void)
{
  g_autoptr (VoCapabilities) argus = load_caps ("caps-argus.xml");
  const char *all = "anonymous ivo://ivoa.net/sso#cookie ivo://ivoa.net/sso#tls-with-certificate";
  assert_methods (argus, "https://example.cadc.test/argus/sync", all);
  assert_methods (argus, "https://example.cadc.test/argus", all);
  assert_methods (argus, "https://example.cadc.test//argus//async/abc", all);
  assert_methods (argus, "https://example.cadc.test/argus?x=1", all);
  assert_methods (argus, "https://example.cadc.test/argus/tables/caom2.Plane", "anonymous");
  assert_methods (argus, "https://example.cadc.test/argus/logControl", "ivo://ivoa.net/sso#BasicAA");
  assert_methods (argus, "https://example.cadc.test/argusX/sync", "anonymous");
  assert_methods (argus, "https://elsewhere.test/argus/sync", "anonymous");

  g_autoptr (VoCapabilities) multi = load_caps ("caps-multi.xml");
  assert_methods (multi, "https://example.cadc.test/data/auth/CFHT/x.fits",
                  "ivo://ivoa.net/sso#tls-with-certificate ivo://ivoa.net/sso#cookie");
  assert_methods (multi, "https://example.cadc.test/data/pub/CFHT/x.fits", "anonymous");
  assert_methods (multi, "https://example.cadc.test/data/other", "anonymous");
  assert_methods (multi, "https://example.cadc.test/ac/login", "ivo://ivoa.net/sso#BasicAA");
  /* use="full": no prefix matching */
  assert_methods (multi, "https://example.cadc.test/ac/login/more", "anonymous");
}

static void
test_methods_match (void)
{
  g_autoptr (VoCapabilities) argus = load_caps ("caps-argus.xml");
  g_autoptr (VoCapabilities) multi = load_caps ("caps-multi.xml");
  gsize rank = 7, rank2 = 0;
  char **m;

  /* not described: NULL (for_url says anonymous) */
  g_assert_null (vo_caps_security_methods_match (argus, NULL, "https://elsewhere.test/argus/sync", &rank));
  g_assert_cmpuint (rank, ==, 0);
  /* the TAP prefix; restricted to the TAP capability the same */
  m = vo_caps_security_methods_match (argus, NULL, "https://example.cadc.test/argus/sync", &rank);
  g_assert_nonnull (m);
  g_assert_cmpuint (g_strv_length (m), ==, 3);
  g_assert_cmpuint (rank, ==, strlen ("https://example.cadc.test/argus"));
  g_strfreev (m);
  m = vo_caps_security_methods_match (argus, "ivo://ivoa.net/std/TAP",
                                      "https://example.cadc.test/argus/sync", &rank2);
  g_assert_nonnull (m);
  g_assert_cmpuint (rank2, ==, rank);
  g_strfreev (m);
  /* another capability only: the TAP URL is then undescribed */
  g_assert_null (vo_caps_security_methods_match (argus, "ivo://ivoa.net/std/DataLink#links-1.1",
                                                 "https://example.cadc.test/argus/sync", NULL));
  /* an exact (use="full") match outranks any prefix */
  m = vo_caps_security_methods_match (multi, NULL, "https://example.cadc.test/ac/login", &rank);
  g_assert_nonnull (m);
  g_assert_cmpuint (rank, ==, G_MAXSIZE);
  g_assert_cmpstr (m[0], ==, VO_SECURITY_BASIC);
  g_strfreev (m);
}

/* Issue #10: a use="full" DataLink endpoint called with ?ID=... did not
 * match, so the URL counted as undescribed and got the cookie although
 * the interface allowed only a certificate or anonymous access. */
static void
test_methods_per_use (void)
{
  static const char doc[] =
    "<capabilities>"
    "<capability standardID='ivo://ivoa.net/std/DataLink#links-1.1'>"
    " <interface><accessURL use='full'>https://dl.test/caom2ops/auth-links</accessURL>"
    "  <securityMethod standardID='ivo://ivoa.net/sso#tls-with-certificate'/></interface>"
    " <interface><accessURL use='full'>https://dl.test/caom2ops/links</accessURL>"
    "  <securityMethod/></interface>"
    " <interface><accessURL use='full'>https://dl.test/q?FORMAT=x</accessURL>"
    "  <securityMethod standardID='ivo://ivoa.net/sso#cookie'/></interface>"
    "</capability>"
    "<capability standardID='ivo://example.test/std/Files'>"
    " <interface><accessURL use='dir'>https://dl.test/files/</accessURL>"
    "  <securityMethod standardID='ivo://ivoa.net/sso#cookie'/></interface>"
    " <interface><accessURL use='base'>https://dl.test/api</accessURL>"
    "  <securityMethod standardID='ivo://ivoa.net/sso#token'/></interface>"
    "</capability></capabilities>";
  g_autoptr (GError) error = NULL;
  g_autoptr (VoCapabilities) caps = vo_caps_parse (doc, strlen (doc), &error);
  gsize rank = 0;
  char **m;

  g_assert_no_error (error);
  /* full: same scheme, host and path; the query does not matter */
  assert_methods (caps, "https://dl.test/caom2ops/auth-links?ID=ivo%3A%2F%2Fx%3Fy",
                  "ivo://ivoa.net/sso#tls-with-certificate");
  assert_methods (caps, "https://dl.test/caom2ops/links?ID=a&RESPONSEFORMAT=x", "anonymous");
  assert_methods (caps, "https://DL.TEST/caom2ops//links#frag", "anonymous");
  assert_methods (caps, "https://dl.test/q?ID=1", "ivo://ivoa.net/sso#cookie");
  assert_methods (caps, "https://dl.test/q", "ivo://ivoa.net/sso#cookie");
  m = vo_caps_security_methods_match (caps, NULL, "https://dl.test/caom2ops/links?ID=a", &rank);
  g_assert_nonnull (m);
  g_assert_cmpuint (rank, ==, G_MAXSIZE);
  g_strfreev (m);
  /* full is never a prefix, and another scheme, host or port is another URL */
  g_assert_null (vo_caps_security_methods_match (caps, NULL, "https://dl.test/caom2ops/links/x", NULL));
  g_assert_null (vo_caps_security_methods_match (caps, NULL, "https://dl.test/caom2ops/linksX?ID=a", NULL));
  g_assert_null (vo_caps_security_methods_match (caps, NULL, "http://dl.test/caom2ops/links?ID=a", NULL));
  g_assert_null (vo_caps_security_methods_match (caps, NULL, "https://dl.test:8443/caom2ops/links", NULL));
  g_assert_null (vo_caps_security_methods_match (caps, NULL, "https://dl.test.evil/caom2ops/links", NULL));
  /* dir: the directory and what is in it, by whole segments */
  assert_methods (caps, "https://dl.test/files/a/b.fits", "ivo://ivoa.net/sso#cookie");
  assert_methods (caps, "https://dl.test/files", "ivo://ivoa.net/sso#cookie");
  g_assert_null (vo_caps_security_methods_match (caps, NULL, "https://dl.test/filesX/a", NULL));
  /* base: the endpoint and below, whatever the query */
  assert_methods (caps, "https://dl.test/api/sync?x=1", "ivo://ivoa.net/sso#token");
  assert_methods (caps, "https://dl.test/api?x=1", "ivo://ivoa.net/sso#token");
  g_assert_null (vo_caps_security_methods_match (caps, NULL, "https://dl.test/apix", NULL));
  /* not a URL */
  g_assert_null (vo_caps_security_methods_match (caps, NULL, "dl.test/api", NULL));
}

static void
test_urls (void)
{
  struct { const char *in, *out; } n[] = {
    { "https://h.test/argus//sync", "https://h.test/argus/sync" },
    { "https://h.test//a///b/", "https://h.test/a/b/" },
    { "https://h.test/a?x=http://y//z", "https://h.test/a?x=http://y//z" },
    { "https://h.test", "https://h.test" },
    { "http://h:1/tap//async///x?q=a//b", "http://h:1/tap/async/x?q=a//b" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (n); i++)
    {
      g_autofree char *s = vo_url_normalize (n[i].in);
      g_assert_cmpstr (s, ==, n[i].out);
    }
  struct { const char *in, *out; } t[] = {
    { "https://h.test/argus/capabilities", "https://h.test/argus" },
    { "https://h.test/argus/capabilities/", "https://h.test/argus" },
    /* rstrip('capabilities') would eat "...tap" -> "...t"; a suffix strip must not */
    { "https://h.test/tap/capabilities", "https://h.test/tap" },
    { "https://h.test/capabilities-service/capabilities", "https://h.test/capabilities-service" },
    { "https://h.test/tap", "https://h.test/tap" },
    { "https://h.test//tap//capabilities", "https://h.test/tap" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (t); i++)
    {
      g_autofree char *s = vo_url_tap_base (t[i].in);
      g_assert_cmpstr (s, ==, t[i].out);
    }
}

static void
test_bad_documents (void)
{
  const char *bad[] = {
    "", "<capabilities", "not xml at all", "<other/>",
    "<capabilities><capability></capabilities>",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_null (vo_caps_parse (bad[i], strlen (bad[i]), &error));
      g_assert_error (error, VO_ERROR, VO_ERROR_PARSE);
    }
  const char *files[] = { "caps-bomb.xml", "caps-xxe.xml" };
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      gsize len;
      g_autofree char *data = cs_test_load_data (files[i], &len);
      g_autoptr (GError) error = NULL;
      g_assert_null (vo_caps_parse (data, len, &error));
      g_assert_error (error, VO_ERROR, VO_ERROR_PARSE);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/caps/registry", test_registry);
  g_test_add_func ("/caps/registry/bad", test_registry_bad);
  g_test_add_func ("/caps/parse/argus", test_parse_argus);
  g_test_add_func ("/caps/access-url/astroquery", test_astroquery_rule);
  g_test_add_func ("/caps/access-url/cadcutils", test_cadcutils_rule);
  g_test_add_func ("/caps/access-url/datalink", test_datalink);
  g_test_add_func ("/caps/methods-for-url", test_methods_for_url);
  g_test_add_func ("/caps/methods-match", test_methods_match);
  g_test_add_func ("/caps/methods-per-use", test_methods_per_use);
  g_test_add_func ("/caps/urls", test_urls);
  g_test_add_func ("/caps/bad-documents", test_bad_documents);
  return g_test_run ();
}

/* test-samp-unit.c: pure-code tests of libsamp: lockfile parsing, SAMP
 * values (strict out, lenient in, float round trip), MType wildcards,
 * responses, and malformed/hostile XML-RPC. */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "samp.h"
#include "samp-http.h"      /* private: the tests use libsamp's internals too */
#include "samp-lockfile.h"
#include "samp-xmlrpc.h"
#include "samp-xmlrpc-fast.h"

static void
test_lockfile_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SampLockfile) lf = NULL;
  const char *text = "# SAMP lockfile\r\n"
                     "# comment with = sign\r\n"
                     "\r\n"
                     "samp.secret=abc123\r\n"
                     "garbage line without equals\r\n"
                     "samp.hub.xmlrpc.url = http\\://127.0.0.1:4567/xmlrpc \r\n"
                     "samp.profile.version=1.3\r\n"
                     "hub.impl=x=y\r\n";

  lf = samp_lockfile_parse (text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lf->secret, ==, "abc123");
  g_assert_cmpstr (lf->hub_url, ==, "http://127.0.0.1:4567/xmlrpc");
  g_assert_cmpstr (lf->profile_version, ==, "1.3");
  g_assert_cmpstr (g_hash_table_lookup (lf->keys, "hub.impl"), ==, "x=y");
}

static void
test_lockfile_bad (void)
{
  g_autoptr(GError) error = NULL;
  SampLockfile *lf;

  lf = samp_lockfile_parse ("samp.hub.xmlrpc.url=http://127.0.0.1:1/\n", -1, &error);
  g_assert_null (lf);
  g_assert_error (error, SAMP_ERROR, SAMP_ERROR_BAD_LOCKFILE);
  g_clear_error (&error);
  lf = samp_lockfile_parse ("samp.secret=x\nno url here\n", -1, &error);
  g_assert_null (lf);
  g_assert_error (error, SAMP_ERROR, SAMP_ERROR_BAD_LOCKFILE);
  g_clear_error (&error);
  lf = samp_lockfile_parse ("samp.secret=x\nsamp.hub.xmlrpc.url=ftp://h/\n", -1, &error);
  g_assert_null (lf);
  g_assert_error (error, SAMP_ERROR, SAMP_ERROR_BAD_LOCKFILE);
}

static void
test_lockfile_locate (void)
{
  g_autofree char *dir = g_dir_make_tmp ("samp-unit-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "lock", NULL);
  g_autofree char *url = g_filename_to_uri (path, NULL, NULL);
  g_autofree char *env = g_strconcat ("std-lockurl:", url, NULL);
  g_autoptr(GError) error = NULL;
  SampLockfile *lf;
  char *loc;

  g_setenv ("SAMP_HUB", env, TRUE);
  loc = samp_lockfile_locate ();
  g_assert_cmpstr (loc, ==, url);
  g_free (loc);
  /* missing lockfile = no hub */
  lf = samp_lockfile_load (NULL, 1000, &error);
  g_assert_null (lf);
  g_assert_error (error, SAMP_ERROR, SAMP_ERROR_NO_HUB);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (path, "samp.secret=s\nsamp.hub.xmlrpc.url=http://127.0.0.1:9/\n",
                                      -1, NULL));
  lf = samp_lockfile_load (NULL, 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lf->hub_url, ==, "http://127.0.0.1:9/");
  samp_lockfile_free (lf);
  /* non-standard SAMP_HUB prefixes are ignored: $HOME/.samp */
  g_setenv ("SAMP_HUB", "jsamp-class:foo", TRUE);
  g_setenv ("HOME", dir, TRUE);
  loc = samp_lockfile_locate ();
  g_assert_true (g_str_has_suffix (loc, "/.samp"));
  g_assert_true (g_str_has_prefix (loc, "file://"));
  g_free (loc);
  g_unsetenv ("SAMP_HUB");
  g_remove (path);
  g_rmdir (dir);
}

static void
test_float_roundtrip (void)
{
  const double values[] = { 0.0, 1.0, -30.0, 0.1, 10.684708, 41.26875, 1.0 / 3.0, 1e-300,
                            -2.5e17, 359.99999999999994, G_MAXDOUBLE, 5e-324 };

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *s = samp_format_float (values[i]);
      double back = 0;
      g_autoptr(GError) error = NULL;
      g_assert_true (samp_parse_float (s, &back, &error));
      g_assert_no_error (error);
      g_assert_true (back == values[i]);
      g_assert_null (strchr (s, ','));
    }
  {
    g_autofree char *s = samp_format_float (0.1);
    g_assert_cmpstr (s, ==, "0.1");
  }
  {
    g_autofree char *s = samp_format_float (NAN);
    g_assert_cmpstr (s, ==, "NaN");
  }
}

static void
test_parse_numbers (void)
{
  gint64 i = 0;
  double d = 0;
  gboolean b = FALSE;
  g_autoptr(GError) error = NULL;

  g_assert_true (samp_parse_int (" -42 ", &i, NULL));
  g_assert_cmpint (i, ==, -42);
  g_assert_false (samp_parse_int ("4.2", &i, &error));
  g_assert_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (samp_parse_int ("", &i, NULL));
  g_assert_false (samp_parse_int ("99999999999999999999999", &i, NULL));
  g_assert_true (samp_parse_float ("-3.5e2", &d, NULL));
  g_assert_cmpfloat (d, ==, -350.0);
  g_assert_false (samp_parse_float ("0x10", &d, NULL));
  g_assert_false (samp_parse_float ("12abc", &d, NULL));
  g_assert_false (samp_parse_float ("", &d, NULL));
  g_assert_true (samp_parse_bool ("1", &b, NULL) && b);
  g_assert_true (samp_parse_bool ("0", &b, NULL) && !b);
  g_assert_true (samp_parse_bool ("17", &b, NULL) && b);
  g_assert_true (samp_parse_bool ("TRUE", &b, NULL) && b);
  g_assert_false (samp_parse_bool ("yes", &b, NULL));
}

static void
test_mtype (void)
{
  g_assert_true (samp_mtype_is_valid ("table.load.votable"));
  g_assert_true (samp_mtype_is_valid ("x-samp.affiliation_name"));
  /* the standard MTypes themselves have capitals */
  g_assert_true (samp_mtype_is_valid ("coord.pointAt.sky"));
  g_assert_true (samp_mtype_is_valid ("table.select.rowList"));
  g_assert_true (samp_mtype_pattern_is_valid ("coord.pointAt.sky"));
  g_assert_false (samp_mtype_is_valid ("table load"));
  g_assert_false (samp_mtype_is_valid ("table.load/votable"));
  g_assert_false (samp_mtype_matches ("coord.pointat.sky", "coord.pointAt.sky"));
  g_assert_false (samp_mtype_is_valid ("table..load"));
  g_assert_false (samp_mtype_is_valid ("table."));
  g_assert_false (samp_mtype_is_valid ("*"));
  g_assert_false (samp_mtype_is_valid (""));
  g_assert_true (samp_mtype_pattern_is_valid ("*"));
  g_assert_true (samp_mtype_pattern_is_valid ("table.*"));
  g_assert_false (samp_mtype_pattern_is_valid ("table*"));
  g_assert_false (samp_mtype_pattern_is_valid ("*.load"));
  g_assert_true (samp_mtype_matches ("*", "anything.at.all"));
  g_assert_true (samp_mtype_matches ("table.*", "table.load.votable"));
  g_assert_true (samp_mtype_matches ("table.load.*", "table.load.fits"));
  g_assert_false (samp_mtype_matches ("table.*", "table"));
  g_assert_false (samp_mtype_matches ("table.*", "tablex.load"));
  g_assert_true (samp_mtype_matches ("samp.app.ping", "samp.app.ping"));
  g_assert_false (samp_mtype_matches ("samp.app.ping", "samp.app.pingx"));
}

static void
test_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) map = samp_map_new_va ("a", g_variant_new_string ("x"),
                                             "skip", NULL,
                                             "l", samp_list_new_strv ((const char *[]) { "1", "2", NULL }),
                                             NULL);
  g_auto(GStrv) items = NULL;
  g_autoptr(GVariant) l = NULL;
  g_autoptr(GVariant) bad = g_variant_ref_sink (g_variant_new_int32 (3));
  g_autofree char *json = NULL;

  g_assert_true (samp_value_check (map, &error));
  g_assert_cmpstr (samp_map_lookup_string (map, "a"), ==, "x");
  g_assert_null (samp_map_lookup_string (map, "skip"));
  g_assert_null (samp_map_lookup_string (map, "l"));
  l = samp_map_lookup (map, "l");
  items = samp_list_dup_strv (l);
  g_assert_cmpuint (g_strv_length (items), ==, 2);
  g_assert_cmpstr (items[1], ==, "2");
  g_assert_false (samp_value_check (bad, &error));
  g_assert_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL);
  json = samp_value_to_json (map);
  g_assert_cmpstr (json, ==, "{\"a\": \"x\", \"l\": [\"1\", \"2\"]}");
}

static void
test_responses (void)
{
  g_autoptr(GVariant) ok = samp_response_new_ok (samp_map_new_strings ("k", "v", NULL));
  g_autoptr(GVariant) err = samp_response_new_error ("it broke");
  g_autoptr(GVariant) warn = samp_response_new_warning (NULL, "careful");
  g_autoptr(GVariant) result = samp_response_get_result (ok);
  g_autoptr(GVariant) junk = samp_map_new_strings ("samp.status", "samp.maybe", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (samp_response_is_ok (ok));
  g_assert_cmpstr (samp_map_lookup_string (result, "k"), ==, "v");
  g_assert_true (samp_response_check (ok, NULL));
  g_assert_false (samp_response_is_ok (err));
  g_assert_cmpstr (samp_response_get_errortxt (err), ==, "it broke");
  g_assert_false (samp_response_check (err, &error));
  g_assert_error (error, SAMP_ERROR, SAMP_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "it broke"));
  g_clear_error (&error);
  g_assert_true (samp_response_check (warn, NULL));
  g_assert_cmpstr (samp_response_get_status (warn), ==, "samp.warning");
  g_assert_false (samp_response_check (junk, &error));
  g_assert_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL);
}

/* An error text for people reaches the caller as a SAMP string (ASCII):
 * JSAMP's hub refuses a reply with anything else, and the caller then
 * waits for a reply that never comes. */
static void
test_response_text_ascii (void)
{
  g_autoptr(GVariant) err = samp_response_new_error ("4.0\xc2\xa0KiB limit; caf\xc3\xa9 \xce\xa9\x01");
  g_autoptr(GVariant) warn = samp_response_new_warning (NULL, "r\xc3\xa9sum\xc3\xa9\ttab\nline");
  g_autofree char *bad = samp_text_to_ascii ("not \xff UTF-8");

  g_assert_cmpstr (samp_response_get_errortxt (err), ==, "4.0 KiB limit; cafe ??");
  g_assert_cmpstr (samp_response_get_errortxt (warn), ==, "resume\ttab\nline");
  g_assert_cmpstr (bad, ==, "not ? UTF-8");
}

static void
test_xmlrpc_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) msg = samp_message_new ("coord.pointAt.sky",
                                              samp_map_new_strings ("ra", "10.5", "dec", "-30 & <x>", NULL));
  g_autoptr(GVariant) args = samp_xmlrpc_args_new (g_variant_new_string ("pk"), g_variant_ref (msg), NULL);
  g_autoptr(GBytes) doc = samp_xmlrpc_serialize_call ("samp.hub.notifyAll", args, &error);
  g_autofree char *method = NULL;
  g_autoptr(GVariant) back = NULL;
  gsize len;
  const char *xml;

  g_assert_no_error (error);
  xml = g_bytes_get_data (doc, &len);
  /* strict output: only string/array/struct */
  g_assert_null (g_strstr_len (xml, (gssize) len, "<int>"));
  g_assert_null (g_strstr_len (xml, (gssize) len, "<double>"));
  g_assert_nonnull (g_strstr_len (xml, (gssize) len, "&amp;"));
  g_assert_true (samp_xmlrpc_parse_call (xml, len, &method, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (method, ==, "samp.hub.notifyAll");
  g_assert_true (g_variant_equal (back, args));
}

static void
test_xmlrpc_lenient (void)
{
  const char *xml =
    "<?xml version=\"1.0\"?><methodCall><methodName>samp.client.receiveNotification</methodName>"
    "<params><param><value>bare</value></param>"
    "<param><value><int>42</int></value></param>"
    "<param><value><double>0.5</double></value></param>"
    "<param><value><boolean>1</boolean></value></param>"
    "<param><value><struct><member><name>k</name><value><i4>-7</i4></value></member></struct></value></param>"
    "</params></methodCall>";
  g_autoptr(GError) error = NULL;
  g_autofree char *method = NULL;
  g_autoptr(GVariant) args = NULL;
  g_autofree char *json = NULL;

  g_assert_true (samp_xmlrpc_parse_call (xml, strlen (xml), &method, &args, &error));
  g_assert_no_error (error);
  json = samp_value_to_json (args);
  g_assert_cmpstr (json, ==, "[\"bare\", \"42\", \"0.5\", \"1\", {\"k\": \"-7\"}]");
  g_assert_true (samp_value_check (args, NULL));
}

#define CALL(params) "<?xml version=\"1.0\"?><methodCall><methodName>m</methodName><params>" \
  params "</params></methodCall>"

/* Strict mode: each non-SAMP XML-RPC type is refused, wherever it is,
 * with its path; lenient mode reads the same documents. */
static void
test_xmlrpc_strict_types (void)
{
  static const struct { const char *value, *element; } types[] = {
    { "<int>42</int>", "an <int>" },
    { "<i4>-7</i4>", "an <int>" },
    { "<i8>9000000000</i8>", "an <i8>" },
    { "<double>0.5</double>", "a <double>" },
    { "<boolean>1</boolean>", "a <boolean>" },
    { "<dateTime.iso8601>20260101T12:00:00</dateTime.iso8601>", "a <dateTime.iso8601>" },
    { "<nil/>", "a <nil>" },
    { "<base64>AAAA</base64>", "a <base64>" },
  };
  /* @V@ = the value; the path it must be reported at */
  static const struct { const char *doc, *path; } places[] = {
    { CALL ("<param><value>@V@</value></param>"), "params[0]" },
    { CALL ("<param><value><string>pk</string></value></param><param><value>@V@</value></param>"),
      "params[1]" },
    { CALL ("<param><value><string>pk</string></value></param><param><value><string>c1</string></value></param>"
            "<param><value><struct><member><name>samp.mtype</name><value><string>x.y</string></value></member>"
            "<member><name>samp.params</name><value><struct>"
            "<member><name>ok</name><value><string>&lt;int&gt;</string></value></member>"
            "<member><name>n</name><value>@V@</value></member></struct></value></member>"
            "</struct></value></param>"),
      "params[2]['samp.params']['n']" },
    { CALL ("<param><value><array><data><value><string>a</string></value>"
            "<value><array><data><value>b</value><value><struct><member><name>it's</name>"
            "<value>@V@</value></member></struct></value></data></array></value>"
            "</data></array></value></param>"),
      "params[0][1][1]['it\\'s']" },
  };

  for (gsize t = 0; t < G_N_ELEMENTS (types); t++)
    for (gsize p = 0; p < G_N_ELEMENTS (places); p++)
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *method = NULL;
        g_autoptr(GVariant) args = NULL;
        g_auto(GStrv) parts = g_strsplit (places[p].doc, "@V@", -1);
        g_autofree char *xml = g_strjoinv (types[t].value, parts);
        g_autofree char *want = g_strdup_printf ("%s is %s: not a SAMP type", places[p].path,
                                                 types[t].element);

        g_assert_false (samp_xmlrpc_parse_call_full (xml, strlen (xml), SAMP_XMLRPC_STRICT,
                                                     &method, &args, &error));
        g_assert_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL);
        if (!g_str_has_prefix (error->message, want))
          g_test_message ("got \"%s\", want \"%s...\"", error->message, want);
        g_assert_true (g_str_has_prefix (error->message, want));
        g_assert_null (method);
        g_assert_null (args);
        g_clear_error (&error);
        /* lenient reads all but base64 */
        if (strcmp (types[t].value, "<base64>AAAA</base64>") == 0)
          g_assert_false (samp_xmlrpc_parse_call (xml, strlen (xml), &method, &args, &error));
        else
          {
            g_assert_true (samp_xmlrpc_parse_call (xml, strlen (xml), &method, &args, &error));
            g_assert_no_error (error);
            g_assert_true (samp_value_check (args, NULL));
          }
      }
}

/* Strict mode accepts every SAMP document, including strings whose text
 * is XML-RPC markup, escaped or in CDATA, and keeps their content. */
static void
test_xmlrpc_strict_strings (void)
{
  const char *xml =
    CALL ("<param><value><string>&lt;int&gt;5&lt;/int&gt;</string></value></param>"
          "<param><value><string><![CDATA[<int>5</int>]]></string></value></param>"
          "<param><value><![CDATA[<double>1.5</double> & <boolean>]]></value></param>"
          "<param><value>a &lt;i4&gt; b</value></param>"
          "<param><value><struct><member><name>&lt;int&gt;</name>"
          "<value><array><data><value><string><![CDATA[<FIELD datatype=\"int\"/><nil/>]]></string></value>"
          "</data></array></value></member></struct></value></param>"
          "<param><value><string></string></value></param>"
          "<param><value><array><data></data></array></value></param>"
          "<param><value><struct></struct></value></param>"
          "<!-- <int>1</int> -->");
  g_autoptr(GError) error = NULL;
  g_autofree char *method = NULL;
  g_autoptr(GVariant) args = NULL;
  g_autofree char *json = NULL;

  g_assert_true (samp_xmlrpc_parse_call_full (xml, strlen (xml), SAMP_XMLRPC_STRICT, &method,
                                              &args, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (method, ==, "m");
  json = samp_value_to_json (args);
  g_assert_cmpstr (json, ==, "[\"<int>5</int>\", \"<int>5</int>\", \"<double>1.5</double> & <boolean>\", "
                   "\"a <i4> b\", {\"<int>\": [\"<FIELD datatype=\\\"int\\\"/><nil/>\"]}, \"\", [], {}]");

  /* and a serialized SAMP call with such strings round-trips strictly */
  {
    g_autoptr(GVariant) msg = samp_message_new ("table.load.votable",
                                                samp_map_new_strings ("q", "<int>1</int>]]><![CDATA[x",
                                                                      NULL));
    g_autoptr(GVariant) sent = samp_xmlrpc_args_new (g_variant_new_string ("pk"),
                                                     g_variant_ref (msg), NULL);
    g_autoptr(GBytes) doc = samp_xmlrpc_serialize_call ("samp.hub.notifyAll", sent, &error);
    g_autofree char *m2 = NULL;
    g_autoptr(GVariant) back = NULL;
    gsize len;
    const char *d = g_bytes_get_data (doc, &len);
    g_assert_true (samp_xmlrpc_parse_call_full (d, len, SAMP_XMLRPC_STRICT, &m2, &back, &error));
    g_assert_no_error (error);
    g_assert_true (g_variant_equal (back, sent));
  }
}

static void
test_xmlrpc_fault (void)
{
  g_autoptr(GBytes) doc = samp_xmlrpc_serialize_fault (3, "Client c9 is not subscribed to foo.bar");
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *xml = g_bytes_get_data (doc, &len);
  GVariant *v = samp_xmlrpc_parse_response (xml, len, &error);

  g_assert_null (v);
  g_assert_error (error, SAMP_ERROR, SAMP_ERROR_HUB_FAULT);
  g_assert_cmpstr (error->message, ==, "Client c9 is not subscribed to foo.bar");
}

static void
test_xmlrpc_malformed (void)
{
  const char *bad[] = {
    "",
    "not xml at all",
    "<methodResponse><params><param><value><string>x</string>",
    "<methodCall><params></params></methodCall>",
    "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>"
    "<methodCall><methodName>x</methodName><params><param><value>&lol2;</value></param></params></methodCall>",
    "<methodCall><methodName>x</methodName><params><param><value><base64>AAAA</base64></value></param></params></methodCall>",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *method = NULL;
      g_autoptr(GVariant) args = NULL;
      g_assert_false (samp_xmlrpc_parse_call (bad[i], strlen (bad[i]), &method, &args, &error));
      g_assert_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL);
      g_assert_null (method);
      g_clear_error (&error);
      g_assert_null (samp_xmlrpc_parse_response (bad[i], strlen (bad[i]), &error));
      g_assert_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL);
    }
}

/* ---- samp-xmlrpc-fast: which documents skip libxml2, and that both
 * paths read every document the same.  A document in the subset SAMP
 * peers write is read by the fast reader; any other is declined and
 * read by libxml2 (samp-xmlguard), which gives its result or error.
 * Either way the three entry points (call lenient, call strict,
 * response) give the same method, the same GVariant and the same error
 * (domain, code, message) as with SAMP_XMLRPC_NO_FAST. */

/* The outcome of one entry point, as text: "ok METHOD TYPE JSON",
 * "protocol error: MESSAGE", "fault: MESSAGE" (SAMP_ERROR_HUB_FAULT) or
 * "error DOMAIN CODE MESSAGE". */
static char *
xmlrpc_outcome (const char *xml, int entry, SampXmlrpcFlags flags)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *method = NULL;
  g_autoptr(GVariant) v = NULL;
  g_autofree char *json = NULL;

  if (entry < 2)
    samp_xmlrpc_parse_call_full (xml, strlen (xml), flags | (entry ? SAMP_XMLRPC_STRICT : 0),
                                 &method, &v, &error);
  else
    v = samp_xmlrpc_parse_response_full (xml, strlen (xml), flags, &error);
  if (g_error_matches (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL))
    return g_strdup_printf ("protocol error: %s", error->message);
  if (g_error_matches (error, SAMP_ERROR, SAMP_ERROR_HUB_FAULT))
    return g_strdup_printf ("fault: %s", error->message);
  if (error != NULL)
    return g_strdup_printf ("error %s %d %s", g_quark_to_string (error->domain), error->code,
                            error->message);
  json = samp_value_to_json (v);
  return g_strdup_printf ("ok %s %s %s", method ? method : "-", g_variant_get_type_string (v),
                          json);
}

/* Asserts whether @xml takes the fast path, that every entry point
 * reads it as libxml2's path does, and returns the lenient call's
 * outcome (or the response's, for a methodResponse). */
static char *
xmlrpc_both_paths (const char *xml, gboolean fast)
{
  char *first = NULL;

  if (fast)
    g_assert_true (samp_xmlfast_parse (xml, strlen (xml), NULL, NULL));
  else
    g_assert_false (samp_xmlfast_parse (xml, strlen (xml), NULL, NULL));
  for (int entry = 0; entry < 3; entry++)
    {
      g_autofree char *with = xmlrpc_outcome (xml, entry, 0);
      g_autofree char *without = xmlrpc_outcome (xml, entry, SAMP_XMLRPC_NO_FAST);
      g_assert_cmpstr (with, ==, without);
      if (entry == 0 || (entry == 2 && strstr (xml, "<methodResponse") != NULL))
        {
          g_free (first);
          first = g_steal_pointer (&with);
        }
    }
  return first;
}

#define RESPONSE(value) "<methodResponse><params><param><value>" value \
  "</value></param></params></methodResponse>"
#define NOT_SAMP "protocol error: "

/* What SAMP peers write: read without libxml2. */
static void
test_xmlrpc_fast_path (void)
{
  static const struct { const char *xml, *outcome; } docs[] = {
    /* libsamp's own writing: declaration, CRLF between elements */
    { "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<methodCall>\r\n<methodName>samp.hub.notify"
      "</methodName>\r\n<params>\r\n<param><value><string>sk</string></value></param>\r\n"
      "</params>\r\n</methodCall>\r\n", "ok samp.hub.notify av [\"sk\"]" },
    /* Python's xmlrpc.client: single quotes, newlines, bare and typed values */
    { "<?xml version='1.0'?>\n<methodCall>\n<methodName>m</methodName>\n<params>\n<param>\n"
      "<value><int>1</int></value>\n</param>\n<param>\n<value><nil/></value></param>\n"
      "</params>\n</methodCall>\n", "ok m av [\"1\", \"\"]" },
    /* no declaration; "utf-8" and "US-ASCII" declared; space before '>' */
    { CALL ("<param><value>x</value></param>"), "ok m av [\"x\"]" },
    { "<?xml version=\"1.0\" encoding=\"utf-8\" ?>" RESPONSE ("<string >x</string\n>"),
      "ok - s \"x\"" },
    { "<?xml version=\"1.0\" encoding=\"US-ASCII\"?>" RESPONSE ("<array><data/></array>"),
      "ok - av []" },
    /* text: the five entities, character references, CR LF and CR as LF
     * (a CR written as &#13; stays), UTF-8 beyond the BMP */
    { RESPONSE ("&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;\xc3\xa9"),
      "ok - s \"<>&\\\"'AB\xf0\x9f\x98\x80\xc3\xa9\"" },
    { RESPONSE ("a\r\nb\rc&#13;d"), "ok - s \"a\\nb\\nc\\rd\"" },
    /* structs and arrays; the later of two equal names wins */
    { RESPONSE ("<struct><member><name>k</name><value>1</value></member>"
                "<member><name>k</name><value><array><data><value>2</value></data></array>"
                "</value></member></struct>"), "ok - a{sv} {\"k\": [\"2\"]}" },
    /* a fault */
    { "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>4"
      "</int></value></member><member><name>faultString</name><value>no &amp; such</value>"
      "</member></struct></value></fault></methodResponse>",
      "fault: no & such" },
    /* XML-RPC errors of well-formed documents are the reader's, on both paths */
    { "<methodCall><params></params></methodCall>",
      NOT_SAMP "malformed XML-RPC call: no <methodName>" },
    { CALL ("<param><value><base64>AAAA</base64></value></param>"),
      NOT_SAMP "malformed XML-RPC call: XML-RPC type base64 is not SAMP" },
  };

  g_autoptr(GBytes) fault = samp_xmlrpc_serialize_fault (2, "no <such> client");  /* xmlrpc-c's */
  g_autofree char *fault_xml = g_strndup (g_bytes_get_data (fault, NULL), g_bytes_get_size (fault));
  g_autofree char *fault_outcome = xmlrpc_both_paths (fault_xml, TRUE);

  g_assert_cmpstr (fault_outcome, ==, "fault: no <such> client");
  for (gsize i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autofree char *outcome = xmlrpc_both_paths (docs[i].xml, TRUE);
      g_assert_cmpstr (outcome, ==, docs[i].outcome);
    }
}

/* Anything else is declined and read by libxml2: the same results. */
static void
test_xmlrpc_fast_declines (void)
{
  static const char *const docs[] = {
    "\xef\xbb\xbf" CALL ("<param><value>bom</value></param>"),          /* UTF-8 BOM */
    " <?xml version=\"1.0\"?>" RESPONSE ("x"),                          /* space first */
    "<?xml version=\"1.1\"?>" RESPONSE ("x"),
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" RESPONSE ("caf\xe9"),
    "<?xml version=\"1.0\" standalone=\"yes\"?>" RESPONSE ("x"),
    "<?xml version=\"1.0\" encoding=\"US-ASCII\"?>" RESPONSE ("caf\xc3\xa9"),
    "<!DOCTYPE methodResponse>" RESPONSE ("x"),
    RESPONSE ("<!-- comment -->x"),
    RESPONSE ("<![CDATA[<int>1</int>]]>"),
    RESPONSE ("<?pi x?>x"),
    RESPONSE ("&nbsp;"),                                                /* named entity */
    RESPONSE ("&#0;"), RESPONSE ("&#xD800;"), RESPONSE ("&#;"),
    RESPONSE ("a]]>b"),
    RESPONSE ("ctl\x01"), RESPONSE ("bad\xc3\x28utf8"), RESPONSE ("\xef\xbf\xbe"),
    RESPONSE ("<string lang=\"en\">x</string>"),                        /* attribute */
    RESPONSE ("<x:string>x</x:string>"),                                /* prefix */
    RESPONSE ("<blob>x</blob>"),                                        /* unknown element */
    RESPONSE ("<string>x</value>"),                                     /* mismatched */
    "<methodResponse><params><param><value>cut",                        /* truncated */
    RESPONSE ("x") "trailing",
  };

  /* found by fuzz-xmlrpc: a NUL after "UTF-8" in the declared encoding */
  static const char nul[] = "<?xml version='1.0' encoding='UTF-8\0<'?>" RESPONSE ("x");
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autofree char *outcome = xmlrpc_both_paths (docs[i], FALSE);
      g_assert_nonnull (outcome);
    }
  g_assert_false (samp_xmlfast_parse (nul, sizeof nul - 1, NULL, NULL));
  g_assert_null (samp_xmlrpc_parse_response (nul, sizeof nul - 1, &error));
  g_assert_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL);
}

/* samp-xmlguard's limits: at the limit the fast reader reads, past it
 * libxml2's pass refuses (with its message). */
static void
test_xmlrpc_fast_limits (void)
{
  for (int depth = SAMP_XMLRPC_MAX_DEPTH; depth <= SAMP_XMLRPC_MAX_DEPTH + 1; depth++)
    {
      g_autoptr(GString) xml = g_string_new ("<methodResponse><params><param><value>");
      g_autofree char *outcome = NULL;
      for (int i = 0; i < depth; i++)
        g_string_append (xml, "<array><data><value>");
      g_string_append (xml, "x");
      for (int i = 0; i < depth; i++)
        g_string_append (xml, "</value></data></array>");
      g_string_append (xml, "</value></param></params></methodResponse>");
      outcome = xmlrpc_both_paths (xml->str, depth <= SAMP_XMLRPC_MAX_DEPTH);
      if (depth > SAMP_XMLRPC_MAX_DEPTH)
        g_assert_cmpstr (outcome, ==, NOT_SAMP "XML-RPC value nests lists/maps more than 64 deep");
      else
        g_assert_true (g_str_has_prefix (outcome, "ok - av [[[["));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/samp/lockfile/parse", test_lockfile_parse);
  g_test_add_func ("/samp/lockfile/bad", test_lockfile_bad);
  g_test_add_func ("/samp/lockfile/locate", test_lockfile_locate);
  g_test_add_func ("/samp/value/float-roundtrip", test_float_roundtrip);
  g_test_add_func ("/samp/value/parse-numbers", test_parse_numbers);
  g_test_add_func ("/samp/value/maps-lists", test_values);
  g_test_add_func ("/samp/value/responses", test_responses);
  g_test_add_func ("/samp/value/response-text-ascii", test_response_text_ascii);
  g_test_add_func ("/samp/mtype/wildcards", test_mtype);
  g_test_add_func ("/samp/xmlrpc/roundtrip", test_xmlrpc_roundtrip);
  g_test_add_func ("/samp/xmlrpc/lenient-input", test_xmlrpc_lenient);
  g_test_add_func ("/samp/xmlrpc/strict-types", test_xmlrpc_strict_types);
  g_test_add_func ("/samp/xmlrpc/strict-strings", test_xmlrpc_strict_strings);
  g_test_add_func ("/samp/xmlrpc/fault", test_xmlrpc_fault);
  g_test_add_func ("/samp/xmlrpc/malformed", test_xmlrpc_malformed);
  g_test_add_func ("/samp/xmlrpc/fast-path", test_xmlrpc_fast_path);
  g_test_add_func ("/samp/xmlrpc/fast-declines", test_xmlrpc_fast_declines);
  g_test_add_func ("/samp/xmlrpc/fast-limits", test_xmlrpc_fast_limits);
  return g_test_run ();
}

/* test-samp-hostile.c: XML-RPC documents an attacker on the desktop can
 * send to a hub, to a client's callback URL, or as a hub's response.
 * Each is refused by samp-xmlrpc with SAMP_ERROR_PROTOCOL before xmlrpc-c
 * sees it (issue 10): deep nesting (xmlrpc-c recursed and crashed at
 * ~100 000 levels), DTDs in any encoding (entities were expanded when
 * the document was UTF-16), and encodings other than UTF-8.  The same
 * checks run for lenient calls, strict calls and responses.  And the
 * HTTP client reading a hostile hub's answer: endless header line,
 * announced and unannounced over-size bodies. */
#include "config.h"

#include <string.h>

#include "samp.h"
#include "samp-http.h"      /* private: the tests use libsamp's internals too */
#include "samp-lockfile.h"
#include "samp-xmlrpc.h"

#define SECRET "s3cr3t-hub-secret"

/* How a document is checked: every entry point, one after the other. */
typedef enum { AS_LENIENT_CALL, AS_STRICT_CALL, AS_RESPONSE } EntryPoint;

static gboolean
parse_as (EntryPoint how, const char *xml, gsize len, GError **error)
{
  g_autofree char *method = NULL;
  g_autoptr(GVariant) args = NULL;

  if (how == AS_RESPONSE)
    {
      g_autoptr(GVariant) v = samp_xmlrpc_parse_response (xml, len, error);
      return v != NULL;
    }
  if (!samp_xmlrpc_parse_call_full (xml, len, how == AS_STRICT_CALL ? SAMP_XMLRPC_STRICT
                                    : SAMP_XMLRPC_LENIENT, &method, &args, error))
    {
      g_assert_null (method);
      g_assert_null (args);
      return FALSE;
    }
  return TRUE;
}

/* The document (a call with one argument) is accepted by all three
 * entry points (as a response, with that argument as result). */
static void
assert_accepted (const char *xml, gsize len)
{
  for (EntryPoint how = AS_LENIENT_CALL; how <= AS_RESPONSE; how++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *doc = NULL;
      const char *d = xml;
      gsize n = len;
      if (how == AS_RESPONSE)
        {
          /* the same value as a methodResponse */
          g_autoptr(GString) s = g_string_new_len (xml, (gssize) len);
          g_string_replace (s, "<methodCall><methodName>samp.hub.notifyAll</methodName>",
                            "<methodResponse>", 1);
          g_string_replace (s, "</methodCall>", "</methodResponse>", 1);
          n = s->len;
          d = doc = g_string_free (g_steal_pointer (&s), FALSE);
        }
      gboolean ok = parse_as (how, d, n, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
    }
}

/* Refused by all three entry points with a message containing @words. */
static void
assert_refused (const char *xml, gsize len, const char *words)
{
  for (EntryPoint how = AS_LENIENT_CALL; how <= AS_RESPONSE; how++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (parse_as (how, xml, len, &error));
      g_assert_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL);
      if (strstr (error->message, words) == NULL)
        g_error ("refusal \"%s\" does not say \"%s\"", error->message, words);
      g_assert_null (strstr (error->message, SECRET));
    }
}

/* A call whose one argument is @depth levels of @kind ("array"
 * or "struct" or "mixed") around a string. */
static char *
nested_call (const char *kind, int depth)
{
  GString *s = g_string_new ("<?xml version=\"1.0\"?><methodCall>"
                             "<methodName>samp.hub.notifyAll</methodName><params>"
                             "<param><value>");
  for (int i = 0; i < depth; i++)
    {
      gboolean array = strcmp (kind, "array") == 0 || (strcmp (kind, "mixed") == 0 && i % 2);
      g_string_append (s, array ? "<array><data><value>" : "<struct><member><name>k</name><value>");
    }
  g_string_append (s, "<string>leaf</string>");
  for (int i = depth - 1; i >= 0; i--)
    {
      gboolean array = strcmp (kind, "array") == 0 || (strcmp (kind, "mixed") == 0 && i % 2);
      g_string_append (s, array ? "</value></data></array>" : "</value></member></struct>");
    }
  g_string_append (s, "</value></param></params></methodCall>");
  return g_string_free (s, FALSE);
}

static void
test_depth (gconstpointer data)
{
  const char *kind = data;
  g_autofree char *limit = nested_call (kind, SAMP_XMLRPC_MAX_DEPTH);
  g_autofree char *over = nested_call (kind, SAMP_XMLRPC_MAX_DEPTH + 1);
  g_autofree char *attack = nested_call (kind, 100000);   /* ~2.6 MB: crashed the hub */

  assert_accepted (limit, strlen (limit));
  assert_refused (over, strlen (over), "more than 64 deep");
  assert_refused (attack, strlen (attack), "more than 64 deep");
}

/* Elements that are not arrays or structs nest too (xmlrpc-c builds a
 * tree of every element before it looks at the names). */
static void
test_element_depth (void)
{
  g_autoptr(GString) s = g_string_new ("<methodCall><methodName>x</methodName><params><param>");

  for (int i = 0; i < 50000; i++)
    g_string_append (s, "<value>");
  assert_refused (s->str, s->len, "elements more than");
}

/* Re-encode @utf8 into @charset with an optional byte order mark. */
static char *
encode (const char *utf8, const char *charset, const char *bom, gsize bom_len, gsize *len)
{
  g_autoptr(GError) error = NULL;
  gsize n = 0;
  g_autofree char *body = g_convert (utf8, -1, charset, "UTF-8", NULL, &n, &error);
  char *out;

  g_assert_no_error (error);
  out = g_malloc (bom_len + n);
  memcpy (out, bom, bom_len);
  memcpy (out + bom_len, body, n);
  *len = bom_len + n;
  return out;
}

/* The reproduction of issue 10: an entity holding the hub secret, in a
 * UTF-16 document, registered.  Every non-UTF-8 form is refused, with or
 * without DTD, and the refusal names the encoding. */
static void
test_encodings (void)
{
#define WITH_DTD "<?xml version=\"1.0\" encoding=\"%s\"?>" \
                 "<!DOCTYPE methodCall [<!ENTITY s \"" SECRET "\">]>" \
                 "<methodCall><methodName>samp.hub.register</methodName><params>" \
                 "<param><value>&s;</value></param></params></methodCall>"
#define PLAIN "<?xml version=\"1.0\" encoding=\"%s\"?>" \
              "<methodCall><methodName>samp.hub.register</methodName><params>" \
              "<param><value>" SECRET "</value></param></params></methodCall>"
  static const struct {
    const char *charset, *declared, *bom;
    gsize bom_len;
    const char *named;
  } forms[] = {
    { "UTF-16LE", "UTF-16", "\xff\xfe", 2, "UTF-16" },
    { "UTF-16BE", "UTF-16", "\xfe\xff", 2, "UTF-16" },
    { "UTF-16LE", "UTF-16", "", 0, "UTF-16" },
    { "UTF-16BE", "UTF-16", "", 0, "UTF-16" },
    { "UTF-32LE", "UTF-32", "\xff\xfe\0\0", 4, "UTF-" },
    { "UTF-32BE", "UTF-32", "\0\0\xfe\xff", 4, "UTF-" },
    { "UTF-32LE", "UTF-32", "", 0, "UTF-" },
    { "UTF-32BE", "UTF-32", "", 0, "UTF-" },
    { "ISO-8859-1", "ISO-8859-1", "", 0, "ISO-8859-1" },
    { "UTF-8", "ISO-8859-1", "", 0, "ISO-8859-1" },   /* a lie is refused too */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      for (int dtd = 0; dtd <= 1; dtd++)
        {
          g_autofree char *utf8 = dtd ? g_strdup_printf (WITH_DTD, forms[i].declared)
                                   : g_strdup_printf (PLAIN, forms[i].declared);
          gsize len = 0;
          g_autofree char *doc = encode (utf8, forms[i].charset, forms[i].bom, forms[i].bom_len,
                                         &len);
          g_test_message ("%s%s %s", forms[i].charset, forms[i].bom_len ? " with BOM" : "",
                          dtd ? "with DTD" : "");
          assert_refused (doc, len, "only UTF-8 is accepted");
          assert_refused (doc, len, forms[i].named);
        }
    }
}

/* UTF-8 in every spelling a peer may use is accepted. */
static void
test_utf8_forms (void)
{
  const char *body = "<methodCall><methodName>samp.hub.notifyAll</methodName><params>"
                     "<param><value><string>caf\xc3\xa9"
                     "</string></value></param></params></methodCall>";
  const char *prefixes[] = {
    "", "\xef\xbb\xbf", "<?xml version=\"1.0\"?>", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>", "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autofree char *doc = g_strconcat (prefixes[i], body, NULL);
      assert_accepted (doc, strlen (doc));
    }
  {
    /* US-ASCII is UTF-8 */
    const char *ascii = "<?xml version=\"1.0\" encoding=\"US-ASCII\"?>"
                        "<methodCall><methodName>samp.hub.notifyAll</methodName><params>"
                        "<param><value>pk</value></param></params></methodCall>";
    assert_accepted (ascii, strlen (ascii));
  }
}

/* Any DOCTYPE is refused in UTF-8 too: internal subsets, external ids
 * (never fetched), the "billion laughs", behind a comment or a PI; markup
 * that merely looks like one inside CDATA or a comment is fine. */
static void
test_dtd (void)
{
#define CALL "<methodCall><methodName>samp.hub.notifyAll</methodName><params>" \
             "<param><value>%s</value></param></params></methodCall>"
  g_autoptr(GString) bomb = g_string_new ("<?xml version=\"1.0\"?><!DOCTYPE methodCall [<!ENTITY a0 \"lol\">");
  const char *prefixes[] = {
    "<!DOCTYPE methodCall [<!ENTITY s \"" SECRET "\">]>",
    "<!DOCTYPE methodCall SYSTEM \"http://127.0.0.1:9/samp.dtd\">",
    "<!DOCTYPE methodCall PUBLIC \"-//x//y\" \"file:///etc/passwd\">",
    "<!-- hello --><?pi x?><!DOCTYPE methodCall>",
    "<?xml version=\"1.0\" standalone=\"yes\"?>\n<!DOCTYPE methodCall [\n]>",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autofree char *c = g_strdup_printf (CALL, "&s;");
      g_autofree char *doc = g_strconcat (prefixes[i], c, NULL);
      assert_refused (doc, strlen (doc), "DOCTYPE");
    }
  for (int i = 1; i < 10; i++)
    g_string_append_printf (bomb, "<!ENTITY a%d \"&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;\">",
                            i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
  g_string_append (bomb, "]>");
  g_string_append_printf (bomb, CALL, "&a9;");
  assert_refused (bomb->str, bomb->len, "DOCTYPE");
  {
    g_autofree char *cdata = g_strdup_printf (CALL, "<string><![CDATA[<!DOCTYPE x [<!ENTITY y \"z\">]>]]></string>");
    g_autofree char *comment = g_strdup_printf (CALL, "<!-- <!DOCTYPE x> --><string>a</string>");
    assert_accepted (cdata, strlen (cdata));
    assert_accepted (comment, strlen (comment));
  }
  {
    /* without a DTD an entity is undefined: malformed, not expanded */
    g_autofree char *undeclared = g_strdup_printf (CALL, "&s;");
    assert_refused (undeclared, strlen (undeclared), "malformed XML-RPC");
  }
}

/* ---- a hostile HTTP server answering our client (a hub we call) ---- */

typedef struct {
  GSocketListener *listener;
  const char *answer;       /* written after the request's head */
  gsize answer_len;
  gsize repeat;             /* then this many 'a' bytes (no newline) */
} Hostile;

static gpointer
hostile_serve (gpointer data)
{
  Hostile *h = data;
  g_autoptr(GSocketConnection) conn = g_socket_listener_accept (h->listener, NULL, NULL, NULL);
  GOutputStream *out;
  char buf[4096];
  g_autofree char *junk = g_malloc (65536);

  g_autoptr(GString) request = g_string_new (NULL);
  GInputStream *in;
  gssize n;

  if (conn == NULL)
    return NULL;
  /* Read the whole request (it ends with the body "<methodCall/>"): data
   * left unread when we close would make the kernel answer with a reset,
   * and the client would see "connection reset" instead of our answer. */
  in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  while (strstr (request->str, "<methodCall/>") == NULL
         && (n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
    g_string_append_len (request, buf, n);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  g_output_stream_write_all (out, h->answer, h->answer_len, NULL, NULL, NULL);
  memset (junk, 'a', 65536);
  for (gsize sent = 0; sent < h->repeat; sent += 65536)
    if (!g_output_stream_write_all (out, junk, 65536, NULL, NULL, NULL))
      break;                /* the client gave up: what we want */
  /* Close only after the client has: it must read all we sent first. */
  while (g_input_stream_read (in, buf, sizeof buf, NULL, NULL) > 0)
    ;
  return NULL;
}

/* POST to a server that answers @answer then @repeat bytes of 'a'. */
static GError *
post_to_hostile (const char *answer, gsize repeat)
{
  Hostile h = { g_socket_listener_new (), answer, strlen (answer), repeat };
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("<methodCall/>", 13);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  GThread *t;
  GBytes *resp;

  g_assert_true (g_socket_listener_add_address (h.listener, addr, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error));
  url = g_strdup_printf ("http://127.0.0.1:%u/xmlrpc",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  t = g_thread_new ("hostile", hostile_serve, &h);
  resp = samp_http_post_sync (url, "text/xml", body, 20000, NULL, &error);
  g_assert_null (resp);
  g_socket_listener_close (h.listener);
  g_thread_join (t);
  g_object_unref (h.listener);
  return g_steal_pointer (&error);
}

/* A header line that never ends is cut off at 64 KiB, not buffered. */
static void
test_http_client_endless_header (void)
{
  g_autoptr(GError) error = post_to_hostile ("HTTP/1.1 200 OK\r\nX-Endless: ", 64 * 1024 * 1024);

  g_assert_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "HTTP header over 65536 bytes"));
}

/* A body announced over the limit is refused before it is read. */
static void
test_http_client_huge_body (void)
{
  g_autoptr(GError) error = post_to_hostile ("HTTP/1.1 200 OK\r\nContent-Length: 67108865\r\n\r\n", 0);

  g_assert_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "over the 67108864-byte limit"));
}

/* A body delivered without Content-Length, until EOF, stops at the limit. */
static void
test_http_client_endless_body (void)
{
  g_autoptr(GError) error = post_to_hostile ("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",
                                             SAMP_HTTP_MAX_BODY + 65536);

  g_assert_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "over the 67108864-byte limit"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/samp/hostile/depth/arrays", "array", test_depth);
  g_test_add_data_func ("/samp/hostile/depth/structs", "struct", test_depth);
  g_test_add_data_func ("/samp/hostile/depth/mixed", "mixed", test_depth);
  g_test_add_func ("/samp/hostile/depth/elements", test_element_depth);
  g_test_add_func ("/samp/hostile/encodings", test_encodings);
  g_test_add_func ("/samp/hostile/utf8-forms", test_utf8_forms);
  g_test_add_func ("/samp/hostile/dtd", test_dtd);
  g_test_add_func ("/samp/hostile/http-client/endless-header", test_http_client_endless_header);
  g_test_add_func ("/samp/hostile/http-client/huge-body", test_http_client_huge_body);
  g_test_add_func ("/samp/hostile/http-client/endless-body", test_http_client_endless_body);
  return g_test_run ();
}

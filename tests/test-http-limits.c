/* test-http-limits.c: what vo-http does with answers too big to hold and
 * with error bodies that attack the terminal, against http-test-server.py
 * on 127.0.0.1 port 0 (started and stopped by this test).
 *
 * A collected body is capped while it arrives (the transfer stops: the
 * server could not send the whole 64 MiB), an error body keeps only its
 * start, a streamed body has no cap, and the text quoted from an error
 * body carries no control characters.
 */
#include "config.h"

#include <string.h>

#include "test-util.h"
#include "vo-http.h"

static CsTestServer *server;
static const char *base;

static char *
url (const char *path)
{
  return cs_test_server_url (server, path);
}

/* What /huge could send under @key before the client hung up. */
static guint64
bytes_sent (VoHttp *http, const char *key)
{
  g_autofree char *u = g_strdup_printf ("%s/sent?key=%s", base, key);
  g_autoptr(GError) error = NULL;
  g_autoptr(VoHttpResponse) resp = vo_http_send (http, vo_http_request_new (VO_HTTP_GET, u),
                                                 NULL, &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  text = g_strndup (g_bytes_get_data (vo_http_response_get_body (resp), NULL),
                    g_bytes_get_size (vo_http_response_get_body (resp)));
  return g_ascii_strtoull (text, NULL, 10);
}

static void
test_body_cap (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *u = url ("/huge?n=67108864&key=cap");
  g_autoptr(GError) error = NULL;
  VoHttpRequest *req = vo_http_request_new (VO_HTTP_GET, u);
  g_autoptr(VoHttpResponse) resp = NULL;

  vo_http_request_set_max_body (req, 1 << 20, "a UWS job document");
  resp = vo_http_send (http, req, NULL, &error);
  g_assert_null (resp);
  g_assert_error (error, VO_HTTP_ERROR, VO_HTTP_ERROR_TOO_LARGE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, u));
  g_assert_nonnull (strstr (error->message, "a UWS job document is larger than the limit of 1 MiB"));
  /* aborted while arriving: most of the 64 MiB was never sent */
  g_assert_cmpuint (bytes_sent (http, "cap"), <, 16 << 20);
}

static void
test_default_cap (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *under = url ("/huge?n=1000000");
  g_autofree char *over = g_strdup_printf ("%s/huge?n=%" G_GSIZE_FORMAT "&key=dflt", base,
                                           VO_HTTP_DEFAULT_MAX_BODY + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(VoHttpResponse) ok = vo_http_send (http, vo_http_request_new (VO_HTTP_GET, under),
                                               NULL, &error);
  g_autoptr(VoHttpResponse) resp = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (vo_http_response_get_body (ok)), ==, 1000000);
  resp = vo_http_send (http, vo_http_request_new (VO_HTTP_GET, over), NULL, &error);
  g_assert_null (resp);
  g_assert_error (error, VO_HTTP_ERROR, VO_HTTP_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "the answer is larger than the limit of 16 MiB"));
}

static gboolean
count_sink (const char *data, gsize len, gpointer user_data, GError **error)
{
  (void) data;
  (void) error;
  *(guint64 *) user_data += len;
  return TRUE;
}

/* A streamed answer (TAP results, downloads) is not capped. */
static void
test_stream_uncapped (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *u = g_strdup_printf ("%s/huge?n=%" G_GSIZE_FORMAT, base,
                                        VO_HTTP_DEFAULT_MAX_BODY * 2);
  g_autoptr(GError) error = NULL;
  VoHttpRequest *req = vo_http_request_new (VO_HTTP_GET, u);
  g_autoptr(VoHttpResponse) resp = NULL;
  guint64 got = 0;

  vo_http_request_set_max_body (req, 1024, "ignored when streaming");
  vo_http_request_set_sink (req, count_sink, &got);
  resp = vo_http_send (http, req, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got, ==, VO_HTTP_DEFAULT_MAX_BODY * 2);
}

/* A 64 MiB error body: the HTTP error is reported with the start of the
 * body, and the rest is not received. */
static void
test_error_body_cap (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *u = url ("/huge?n=67108864&status=500&key=err");
  g_autoptr(GError) error = NULL;
  g_autoptr(VoHttpResponse) resp = vo_http_send (http, vo_http_request_new (VO_HTTP_GET, u),
                                                 NULL, &error);

  g_assert_null (resp);
  g_assert_error (error, VO_HTTP_ERROR, 500);
  g_assert_nonnull (strstr (error->message, "HTTP 500"));
  g_assert_nonnull (strstr (error->message, ": xxxxxxxxxx"));
  g_assert_cmpuint (strlen (error->message), <, 1000);
  g_assert_cmpuint (bytes_sent (http, "err"), <, 16 << 20);
}

/* The first line of a text/plain error body full of escape sequences
 * (retitle, clear screen, colours, 8-bit CSI, bare CR, DEL). */
static void
test_error_body_escapes (void)
{
  g_autoptr(VoHttp) http = vo_http_new (NULL);
  g_autofree char *u = url ("/hostile/sync");
  g_autoptr(GError) error = NULL;
  VoHttpRequest *req = vo_http_request_new (VO_HTTP_POST, u);
  g_autoptr(VoHttpResponse) resp = NULL;

  vo_http_request_add_field (req, "QUERY", "select 1");
  resp = vo_http_send (http, req, NULL, &error);
  g_assert_null (resp);
  g_assert_error (error, VO_HTTP_ERROR, 400);
  g_assert_nonnull (strstr (error->message, "bad query"));
  g_assert_nonnull (strstr (error->message, "FAKE OK"));
  for (const guchar *p = (const guchar *) error->message; *p != '\0'; p++)
    {
      g_assert_cmpuint (*p, >=, 0x20);
      g_assert_cmpuint (*p, !=, 0x7f);
      if (*p == 0xc2)
        g_assert_cmpuint (p[1], >=, 0xa0);    /* no C1 */
    }
  g_assert_null (strstr (error->message, "pwned"));   /* the OSC went whole */
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  server = cs_test_server_start ();
  base = cs_test_server_base (server);

  g_test_add_func ("/http/limits/body-cap", test_body_cap);
  g_test_add_func ("/http/limits/default-cap", test_default_cap);
  g_test_add_func ("/http/limits/stream-uncapped", test_stream_uncapped);
  g_test_add_func ("/http/limits/error-body-cap", test_error_body_cap);
  g_test_add_func ("/http/limits/error-body-escapes", test_error_body_escapes);
  ret = g_test_run ();
  cs_test_server_stop (server);
  return ret;
}

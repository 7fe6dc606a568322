/* vo-http.c: libcurl's multi interface driven by a GMainContext.
 *
 * The shape follows curl's docs/examples/ghiper.c: curl tells us which
 * sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to wake it up
 * (CURLMOPT_TIMERFUNCTION); we turn those into GLib fd and timeout sources
 * and call curl_multi_socket_action() from them.  Finished transfers are
 * collected with curl_multi_info_read() and complete a GTask.
 *
 * One transfer = one VoHttpRequest, possibly several exchanges: redirect
 * hops (followed here, so credentials are chosen per hop) and retries after
 * 503/504/429 (scheduled with a timeout source).  Every exchange uses a new
 * easy handle on the same multi handle, which keeps the connection cache.
 *
 * Owns: the multi handle, its sources, the easy handles.  Never logs
 * credentials (the credentials callback's answer goes into headers and curl
 * options only) and never puts them into URLs.
 */
#include "config.h"

#include "vo-http.h"
#include "vo-sync.h"
#include "vo-text.h"

#include <curl/curl.h>
#include <glib-unix.h>
#include <string.h>

G_DEFINE_QUARK (vo-http-error-quark, vo_http_error)
G_DEFINE_QUARK (vo-curl-error-quark, vo_curl_error)

#define MAX_REDIRECTS 20
#define STALL_SECONDS 120
#define MAX_DETAIL_CHARS 500    /* of an error body's first line, in a message */

struct _VoHttp {
  CURLM *multi;
  GMainContext *context;
  GSource *timer;
  VoHttpCredentialsFunc creds_func;
  gpointer creds_data;
  GDestroyNotify creds_destroy;
  guint max_retries;
  guint max_delay;
  gboolean verbose;
  guint timeout;          /* whole-exchange seconds for requests without their own */
  char *user_agent;
  char *ca_file;          /* $CURL_CA_BUNDLE, else curl's default CAs */
  guint n_easy;           /* easy handles attached to the multi handle */
  GList *transfers;       /* Transfer: every request not finished yet */
  gboolean reset_pending; /* drop the connection cache once idle */
};

typedef struct {
  char *name;
  char *path;
  char *filename;
} FilePart;

struct _VoHttpRequest {
  VoHttpMethod method;
  char *url;
  GPtrArray *fields;      /* name, value, name, value, ... */
  GPtrArray *files;       /* FilePart */
  GPtrArray *headers;
  gboolean follow;
  gboolean retry;
  VoHttpDataFunc sink;
  gpointer sink_data;
  guint timeout;
  GArray *accepted;
  gsize max_body;
  char *max_body_what;
};

struct _VoHttpResponse {
  guint status;
  char *url;
  char *content_type;
  char *location;
  GBytes *body;
  guint retries;
};

typedef struct {
  VoHttp *http;
  VoHttpRequest *req;
  GTask *task;
  CURL *easy;
  char errbuf[CURL_ERROR_SIZE];
  struct curl_slist *headers;
  curl_mime *mime;
  char *url;              /* current hop */
  VoHttpMethod method;    /* current hop */
  GByteArray *body;
  char *reason;
  char *content_type;
  char *location;
  char *retry_after;
  guint hops;
  guint retries;
  gboolean attached;      /* easy is in the multi handle */
  gboolean error_body_cut;  /* an error body reached its cap: receiving stopped */
  GError *sink_error;
  GSource *retry_source;
  GSource *cancel_source;
} Transfer;

static VoHttpErrorBodyFunc error_body_func;

static void start_exchange (Transfer *t);
static char *hop_url (Transfer *t);
static void transfer_finish (Transfer *t, VoHttpResponse *resp, GError *error);

static void
set_str (char **field, const char *value)
{
  char *copy = g_strdup (value);
  g_free (*field);
  *field = copy;
}
static void check_multi_info (VoHttp *http);

/* ======================== small helpers ================================ */

static const char *
method_name (VoHttpMethod m)
{
  switch (m)
    {
    case VO_HTTP_POST: return "POST";
    case VO_HTTP_DELETE: return "DELETE";
    case VO_HTTP_GET:
    default: return "GET";
    }
}

char *
vo_http_escape (const char *s)
{
  return g_uri_escape_string (s, NULL, FALSE);
}

char *
vo_http_resolve_url (const char *base, const char *ref)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *resolved = NULL;

  if (strstr (ref, "://") != NULL)
    return g_strdup (ref);
  resolved = g_uri_resolve_relative (base, ref, G_URI_FLAGS_ENCODED, &error);
  if (resolved == NULL)
    return g_strdup (ref);
  return g_steal_pointer (&resolved);
}

char *
vo_http_url_host (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  return g_ascii_strdown (g_uri_get_host (uri), -1);
}

void
vo_http_set_error_body_func (VoHttpErrorBodyFunc func)
{
  error_body_func = func;
}

void
vo_http_credentials_free (VoHttpCredentials *creds)
{
  if (creds == NULL)
    return;
  g_free (creds->cookie);
  g_free (creds->bearer);
  g_free (creds->basic_user);
  if (creds->basic_password != NULL)
    memset (creds->basic_password, 0, strlen (creds->basic_password));
  g_free (creds->basic_password);
  g_free (creds->cert_file);
  g_free (creds);
}

/* Text of the last INFO name="QUERY_STATUS" of an error VOTable, with the
 * five predefined XML entities decoded; NULL when there is none. */
static char *
votable_query_status_text (const char *s, gsize len)
{
  g_autofree char *doc = g_strndup (s, len);
  const char *last = NULL, *p = doc;
  const char *start, *end;
  GString *out;

  while ((p = strstr (p, "QUERY_STATUS")) != NULL)
    {
      last = p;
      p += 12;
    }
  if (last == NULL)
    return NULL;
  start = strchr (last, '>');
  if (start == NULL || start[-1] == '/')
    return NULL;
  start++;
  end = strstr (start, "</");
  if (end == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (p = start; p < end; p++)
    {
      static const struct { const char *ent; char c; } ents[] = {
        { "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' }, { "&apos;", '\'' },
      };
      gboolean done = FALSE;
      if (*p == '&')
        for (gsize i = 0; i < G_N_ELEMENTS (ents); i++)
          if (strncmp (p, ents[i].ent, strlen (ents[i].ent)) == 0)
            {
              g_string_append_c (out, ents[i].c);
              p += strlen (ents[i].ent) - 1;
              done = TRUE;
              break;
            }
      if (!done)
        g_string_append_c (out, *p);
    }
  g_strstrip (out->str);
  out->len = strlen (out->str);
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* What the server said in an error body, for the message. */
static char *
error_detail (GByteArray *body, const char *content_type)
{
  const char *s = (const char *) body->data;
  gsize len = body->len;
  const char *nl;
  g_autofree char *line = NULL;

  if (len == 0)
    return NULL;
  if (error_body_func != NULL)
    {
      g_autoptr(GBytes) b = g_bytes_new (body->data, body->len);
      g_autofree char *msg = error_body_func (b, content_type);
      if (msg != NULL)
        return vo_text_sanitize (msg, -1, VO_TEXT_ONE_LINE);
    }
  if (memmem (s, len, "QUERY_STATUS", 12) != NULL)
    {
      g_autofree char *msg = votable_query_status_text (s, len);
      if (msg != NULL)
        return vo_text_sanitize (msg, -1, VO_TEXT_ONE_LINE);
    }
  if (content_type != NULL && g_str_has_prefix (content_type, "text/html"))
    return NULL;
  if (!g_utf8_validate (s, len, NULL))
    return NULL;
  while (len > 0 && g_ascii_isspace (*s))
    s++, len--;
  nl = memchr (s, '\n', len);
  line = g_strstrip (vo_text_sanitize (s, nl != NULL ? (gssize) (nl - s) : (gssize) len,
                                       VO_TEXT_ONE_LINE));
  if (g_utf8_strlen (line, -1) > MAX_DETAIL_CHARS)
    {
      /* a message, not a document */
      char *cut = g_utf8_offset_to_pointer (line, MAX_DETAIL_CHARS);
      *cut = '\0';
      return g_strconcat (line, "...", NULL);
    }
  return g_steal_pointer (&line);
}

/* Seconds to wait according to a Retry-After value, or -1. */
static gint64
parse_retry_after (const char *value)
{
  char *end;
  gint64 secs;
  time_t when;

  if (value == NULL)
    return -1;
  secs = g_ascii_strtoll (value, &end, 10);
  if (end != value && *end == '\0' && secs >= 0)
    return secs;
  when = curl_getdate (value, NULL);
  if (when < 0)
    return -1;
  secs = (gint64) when - g_get_real_time () / G_USEC_PER_SEC;
  return MAX (secs, 0);
}

/* ======================== session ====================================== */

static gboolean
socket_ready (gint fd, GIOCondition cond, gpointer data)
{
  VoHttp *http = data;
  int action = 0;
  int running;

  if (cond & G_IO_IN)
    action |= CURL_CSELECT_IN;
  if (cond & G_IO_OUT)
    action |= CURL_CSELECT_OUT;
  if (cond & (G_IO_ERR | G_IO_HUP))
    action |= CURL_CSELECT_ERR;
  curl_multi_socket_action (http->multi, fd, action, &running);
  check_multi_info (http);
  return G_SOURCE_CONTINUE;
}

static int
socket_cb (CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
  VoHttp *http = userp;
  GSource *old = socketp;
  GSource *src;
  GIOCondition cond = 0;

  (void) easy;
  if (old != NULL)
    {
      g_source_destroy (old);
      g_source_unref (old);
      curl_multi_assign (http->multi, s, NULL);
    }
  if (what == CURL_POLL_REMOVE)
    return 0;
  if (what & CURL_POLL_IN)
    cond |= G_IO_IN;
  if (what & CURL_POLL_OUT)
    cond |= G_IO_OUT;
  src = g_unix_fd_source_new (s, cond | G_IO_ERR | G_IO_HUP);
  g_source_set_callback (src, (GSourceFunc) (void (*) (void)) socket_ready, http, NULL);
  g_source_attach (src, http->context);
  curl_multi_assign (http->multi, s, src);
  return 0;
}

static gboolean
timer_fired (gpointer data)
{
  VoHttp *http = data;
  GSource *self = http->timer;
  int running;

  http->timer = NULL;
  curl_multi_socket_action (http->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  check_multi_info (http);
  if (self != NULL)
    g_source_unref (self);
  return G_SOURCE_REMOVE;
}

static int
timer_cb (CURLM *multi, long timeout_ms, void *userp)
{
  VoHttp *http = userp;

  (void) multi;
  if (http->timer != NULL)
    {
      g_source_destroy (http->timer);
      g_source_unref (http->timer);
      http->timer = NULL;
    }
  if (timeout_ms < 0)
    return 0;
  http->timer = g_timeout_source_new ((guint) timeout_ms);
  g_source_set_callback (http->timer, timer_fired, http, NULL);
  g_source_attach (http->timer, http->context);
  return 0;
}

/* libcurl's global state (with libcurl4-openssl: OpenSSL's configuration,
 * providers and error strings, about 2 MiB of touched pages) and the multi
 * handle are made by the first request, not by vo_http_new(): a process
 * that may never fetch anything (listen, idle) does not pay for them. */
static void
multi_setup (VoHttp *http)
{
  static gsize curl_ready;

  if (http->multi != NULL)
    return;
  if (g_once_init_enter (&curl_ready))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&curl_ready, 1);
    }
  http->multi = curl_multi_init ();
  curl_multi_setopt (http->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
  curl_multi_setopt (http->multi, CURLMOPT_SOCKETDATA, http);
  curl_multi_setopt (http->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
  curl_multi_setopt (http->multi, CURLMOPT_TIMERDATA, http);
}

/* Closes every pooled connection: the multi handle owns the connection
 * cache, so it is replaced.  Only when no easy handle is attached. */
static void
multi_reset (VoHttp *http)
{
  g_assert (http->n_easy == 0);
  if (http->timer != NULL)
    {
      g_source_destroy (http->timer);
      g_source_unref (http->timer);
      http->timer = NULL;
    }
  if (http->multi != NULL)
    curl_multi_cleanup (http->multi);
  http->multi = NULL;     /* made again by the next request */
  http->reset_pending = FALSE;
}

VoHttp *
vo_http_new (GMainContext *context)
{
  VoHttp *http = g_new0 (VoHttp, 1);
  /* reads libcurl's static version data; needs no global init */
  const curl_version_info_data *v = curl_version_info (CURLVERSION_NOW);

  http->context = g_main_context_ref (context != NULL ? context
                                      : g_main_context_ref_thread_default ());
  if (context == NULL)
    g_main_context_unref (http->context);   /* ref_thread_default gave one */
  if (g_getenv ("CURL_CA_BUNDLE") != NULL && *g_getenv ("CURL_CA_BUNDLE") != '\0')
    http->ca_file = g_strdup (g_getenv ("CURL_CA_BUNDLE"));
  http->max_retries = 3;
  http->max_delay = 30;
  http->user_agent = g_strdup_printf ("%s/%s libcurl/%s", PACKAGE_NAME, PACKAGE_VERSION,
                                      v->version);
  return http;
}

void
vo_http_free (VoHttp *http)
{
  if (http == NULL)
    return;
  /* requests still running end now, cancelled (their callbacks may run
   * from here or from a later iteration) */
  while (http->transfers != NULL)
    {
      Transfer *t = http->transfers->data;
      transfer_finish (t, NULL, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             "%s %s: cancelled (session closed)",
                                             method_name (t->method), t->url));
    }
  if (http->timer != NULL)
    {
      g_source_destroy (http->timer);
      g_source_unref (http->timer);
    }
  if (http->multi != NULL)
    curl_multi_cleanup (http->multi);
  if (http->creds_destroy != NULL)
    http->creds_destroy (http->creds_data);
  g_main_context_unref (http->context);
  g_free (http->user_agent);
  g_free (http->ca_file);
  g_free (http);
}

void
vo_http_set_credentials_func (VoHttp *http, VoHttpCredentialsFunc func, gpointer user_data,
                              GDestroyNotify destroy)
{
  if (http->creds_destroy != NULL)
    http->creds_destroy (http->creds_data);
  http->creds_func = func;
  http->creds_data = user_data;
  http->creds_destroy = destroy;
}

void
vo_http_reset_connections (VoHttp *http)
{
  if (http->n_easy == 0)
    multi_reset (http);
  else
    http->reset_pending = TRUE;
}

void
vo_http_set_retries (VoHttp *http, guint max_retries, guint max_delay_seconds)
{
  http->max_retries = max_retries;
  http->max_delay = max_delay_seconds;
}

void
vo_http_set_verbose (VoHttp *http, gboolean verbose)
{
  http->verbose = verbose;
}

void
vo_http_set_timeout (VoHttp *http, guint seconds)
{
  http->timeout = seconds;
}

GMainContext *
vo_http_get_context (VoHttp *http)
{
  return http->context;
}

const char *
vo_http_get_user_agent (VoHttp *http)
{
  return http->user_agent;
}

/* ======================== requests and responses ======================= */

VoHttpRequest *
vo_http_request_new (VoHttpMethod method, const char *url)
{
  VoHttpRequest *req = g_new0 (VoHttpRequest, 1);

  req->method = method;
  req->url = g_strdup (url);
  req->fields = g_ptr_array_new_with_free_func (g_free);
  req->files = g_ptr_array_new ();
  req->headers = g_ptr_array_new_with_free_func (g_free);
  req->follow = TRUE;
  req->retry = TRUE;
  req->accepted = g_array_new (FALSE, FALSE, sizeof (guint));
  req->max_body = VO_HTTP_DEFAULT_MAX_BODY;
  return req;
}

static void
file_part_free (FilePart *f)
{
  g_free (f->name);
  g_free (f->path);
  g_free (f->filename);
  g_free (f);
}

void
vo_http_request_free (VoHttpRequest *req)
{
  if (req == NULL)
    return;
  g_free (req->url);
  g_ptr_array_unref (req->fields);
  g_ptr_array_foreach (req->files, (GFunc) (void (*) (void)) file_part_free, NULL);
  g_ptr_array_unref (req->files);
  g_ptr_array_unref (req->headers);
  g_array_unref (req->accepted);
  g_free (req->max_body_what);
  g_free (req);
}

void
vo_http_request_add_field (VoHttpRequest *req, const char *name, const char *value)
{
  g_ptr_array_add (req->fields, g_strdup (name));
  g_ptr_array_add (req->fields, g_strdup (value != NULL ? value : ""));
}

void
vo_http_request_add_file (VoHttpRequest *req, const char *name, const char *path,
                          const char *filename)
{
  FilePart *f = g_new0 (FilePart, 1);

  f->name = g_strdup (name);
  f->path = g_strdup (path);
  f->filename = g_path_get_basename (filename != NULL ? filename : path);
  g_ptr_array_add (req->files, f);
}

void
vo_http_request_add_header (VoHttpRequest *req, const char *header)
{
  g_ptr_array_add (req->headers, g_strdup (header));
}

void
vo_http_request_set_follow (VoHttpRequest *req, gboolean follow)
{
  req->follow = follow;
}

void
vo_http_request_set_sink (VoHttpRequest *req, VoHttpDataFunc func, gpointer user_data)
{
  req->sink = func;
  req->sink_data = user_data;
}

void
vo_http_request_set_max_body (VoHttpRequest *req, gsize max_bytes, const char *what)
{
  req->max_body = max_bytes;
  set_str (&req->max_body_what, what);
}

void
vo_http_request_set_timeout (VoHttpRequest *req, guint seconds)
{
  req->timeout = seconds;
}

void
vo_http_request_set_retry (VoHttpRequest *req, gboolean retry)
{
  req->retry = retry;
}

void
vo_http_request_accept_status (VoHttpRequest *req, guint status)
{
  g_array_append_val (req->accepted, status);
}

guint
vo_http_response_get_status (VoHttpResponse *resp)
{
  return resp->status;
}

const char *
vo_http_response_get_url (VoHttpResponse *resp)
{
  return resp->url;
}

const char *
vo_http_response_get_content_type (VoHttpResponse *resp)
{
  return resp->content_type;
}

const char *
vo_http_response_get_location (VoHttpResponse *resp)
{
  return resp->location;
}

GBytes *
vo_http_response_get_body (VoHttpResponse *resp)
{
  return resp->body;
}

guint
vo_http_response_get_retries (VoHttpResponse *resp)
{
  return resp->retries;
}

void
vo_http_response_free (VoHttpResponse *resp)
{
  if (resp == NULL)
    return;
  g_free (resp->url);
  g_free (resp->content_type);
  g_free (resp->location);
  g_bytes_unref (resp->body);
  g_free (resp);
}

/* ======================== transfers ==================================== */

static void
transfer_reset_exchange (Transfer *t)
{
  if (t->easy != NULL)
    {
      if (t->attached)
        {
          curl_multi_remove_handle (t->http->multi, t->easy);
          t->attached = FALSE;
          t->http->n_easy--;
        }
      curl_easy_cleanup (t->easy);
      t->easy = NULL;
      if (t->http->reset_pending && t->http->n_easy == 0)
        multi_reset (t->http);
    }
  g_clear_pointer (&t->headers, curl_slist_free_all);
  g_clear_pointer (&t->mime, curl_mime_free);
  g_byte_array_set_size (t->body, 0);
  g_clear_pointer (&t->reason, g_free);
  g_clear_pointer (&t->content_type, g_free);
  g_clear_pointer (&t->location, g_free);
  g_clear_pointer (&t->retry_after, g_free);
  t->errbuf[0] = '\0';
  t->error_body_cut = FALSE;
}

static void
transfer_free (Transfer *t)
{
  t->http->transfers = g_list_remove (t->http->transfers, t);
  transfer_reset_exchange (t);
  if (t->retry_source != NULL)
    {
      g_source_destroy (t->retry_source);
      g_source_unref (t->retry_source);
    }
  if (t->cancel_source != NULL)
    {
      g_source_destroy (t->cancel_source);
      g_source_unref (t->cancel_source);
    }
  g_byte_array_unref (t->body);
  g_free (t->url);
  g_clear_error (&t->sink_error);
  vo_http_request_free (t->req);
  g_free (t);
}

/* Complete the task with @error or @resp, then free the transfer. */
static void
transfer_finish (Transfer *t, VoHttpResponse *resp, GError *error)
{
  GTask *task = t->task;

  t->task = NULL;
  transfer_free (t);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, resp, (GDestroyNotify) vo_http_response_free);
  g_object_unref (task);
}

static size_t
header_cb (char *buffer, size_t size, size_t nitems, void *userdata)
{
  Transfer *t = userdata;
  gsize len = size * nitems;
  g_autofree char *line = g_strndup (buffer, len);
  char *colon;

  g_strchomp (line);
  if (g_str_has_prefix (line, "HTTP/"))
    {
      /* a new response (after 100 Continue or an auth round) */
      char *sp = strchr (line, ' ');
      g_clear_pointer (&t->reason, g_free);
      g_clear_pointer (&t->content_type, g_free);
      g_clear_pointer (&t->location, g_free);
      g_clear_pointer (&t->retry_after, g_free);
      g_byte_array_set_size (t->body, 0);
      t->error_body_cut = FALSE;
      if (sp != NULL && (sp = strchr (sp + 1, ' ')) != NULL)
        t->reason = g_strdup (sp + 1);
      return len;
    }
  colon = strchr (line, ':');
  if (colon == NULL)
    return len;
  *colon = '\0';
  g_strstrip (colon + 1);
  if (g_ascii_strcasecmp (line, "Content-Type") == 0)
    set_str (&t->content_type, colon + 1);
  else if (g_ascii_strcasecmp (line, "Location") == 0)
    set_str (&t->location, colon + 1);
  else if (g_ascii_strcasecmp (line, "Retry-After") == 0)
    set_str (&t->retry_after, colon + 1);
  return len;
}

static size_t
write_cb (char *ptr, size_t size, size_t nmemb, void *userdata)
{
  Transfer *t = userdata;
  gsize len = size * nmemb;
  long status = 0;

  curl_easy_getinfo (t->easy, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300 && t->req->sink != NULL)
    {
      if (!t->req->sink (ptr, len, t->req->sink_data, &t->sink_error))
        {
          if (t->sink_error == NULL)
            t->sink_error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "download aborted");
          return CURL_WRITEFUNC_ERROR;
        }
      return len;
    }
  if (status >= 200 && status < 300)
    {
      if (len > t->req->max_body - MIN (t->body->len, t->req->max_body))
        {
          /* held whole in memory: abort instead of growing without bound */
          g_autofree char *url = hop_url (t);
          gsize max = t->req->max_body;
          g_autofree char *cap =
            max % (1 << 20) == 0 ? g_strdup_printf ("%" G_GSIZE_FORMAT " MiB", max >> 20)
            : max % 1024 == 0 ? g_strdup_printf ("%" G_GSIZE_FORMAT " KiB", max >> 10)
            : g_strdup_printf ("%" G_GSIZE_FORMAT " bytes", max);
          t->sink_error = g_error_new (VO_HTTP_ERROR, VO_HTTP_ERROR_TOO_LARGE,
                                       "%s %s: %s is larger than the limit of %s; transfer aborted",
                                       method_name (t->method), url,
                                       t->req->max_body_what != NULL ? t->req->max_body_what
                                                                     : "the answer", cap);
          return CURL_WRITEFUNC_ERROR;
        }
    }
  else if (len > VO_HTTP_MAX_ERROR_BODY - MIN (t->body->len, VO_HTTP_MAX_ERROR_BODY))
    {
      /* an error (or redirect) body: its start is enough for the message */
      g_byte_array_append (t->body, (const guint8 *) ptr,
                           VO_HTTP_MAX_ERROR_BODY - MIN (t->body->len, VO_HTTP_MAX_ERROR_BODY));
      t->error_body_cut = TRUE;
      return CURL_WRITEFUNC_ERROR;
    }
  g_byte_array_append (t->body, (const guint8 *) ptr, len);
  return len;
}

/* The URL of this hop with GET/DELETE fields as query parameters. */
static char *
hop_url (Transfer *t)
{
  GString *u;

  if (t->method == VO_HTTP_POST || t->req->fields->len == 0 || t->hops > 0)
    return g_strdup (t->url);
  u = g_string_new (t->url);
  for (guint i = 0; i + 1 < t->req->fields->len; i += 2)
    {
      g_autofree char *n = vo_http_escape (t->req->fields->pdata[i]);
      g_autofree char *v = vo_http_escape (t->req->fields->pdata[i + 1]);
      g_string_append_c (u, (i == 0 && strchr (t->url, '?') == NULL) ? '?' : '&');
      g_string_append_printf (u, "%s=%s", n, v);
    }
  return g_string_free (u, FALSE);
}

static void
apply_credentials (Transfer *t, const char *url)
{
  g_autoptr(VoHttpCredentials) c = NULL;

  if (t->http->creds_func == NULL)
    return;
  c = t->http->creds_func (url, t->http->creds_data);
  if (c == NULL)
    return;
  if (c->direct)
    curl_easy_setopt (t->easy, CURLOPT_PROXY, "");   /* "" = no proxy, env or not */
  if (c->cookie != NULL)
    {
      g_autofree char *h = g_strdup_printf ("Cookie: %s", c->cookie);
      t->headers = curl_slist_append (t->headers, h);
      memset (h, 0, strlen (h));
    }
  if (c->bearer != NULL)
    {
      g_autofree char *h = g_strdup_printf ("Authorization: Bearer %s", c->bearer);
      t->headers = curl_slist_append (t->headers, h);
      memset (h, 0, strlen (h));
    }
  if (c->basic_user != NULL && c->basic_password != NULL)
    {
      /* Basic|Digest: curl first asks without, and answers a 401 challenge */
      curl_easy_setopt (t->easy, CURLOPT_HTTPAUTH, (long) (CURLAUTH_BASIC | CURLAUTH_DIGEST));
      curl_easy_setopt (t->easy, CURLOPT_USERNAME, c->basic_user);
      curl_easy_setopt (t->easy, CURLOPT_PASSWORD, c->basic_password);
    }
  if (c->cert_file != NULL && g_str_has_prefix (url, "https:"))
    {
      curl_easy_setopt (t->easy, CURLOPT_SSLCERT, c->cert_file);
      curl_easy_setopt (t->easy, CURLOPT_SSLKEY, c->cert_file);
      curl_easy_setopt (t->easy, CURLOPT_SSLCERTTYPE, "PEM");
    }
}

static void
start_exchange (Transfer *t)
{
  VoHttpRequest *req = t->req;
  g_autofree char *url = hop_url (t);
  CURLMcode mc;

  multi_setup (t->http);
  t->easy = curl_easy_init ();
  curl_easy_setopt (t->easy, CURLOPT_URL, url);
  curl_easy_setopt (t->easy, CURLOPT_PRIVATE, t);
  curl_easy_setopt (t->easy, CURLOPT_ERRORBUFFER, t->errbuf);
  curl_easy_setopt (t->easy, CURLOPT_USERAGENT, t->http->user_agent);
  curl_easy_setopt (t->easy, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (t->easy, CURLOPT_WRITEDATA, t);
  curl_easy_setopt (t->easy, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (t->easy, CURLOPT_HEADERDATA, t);
  curl_easy_setopt (t->easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (t->easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (t->easy, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt (t->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (t->easy, CURLOPT_LOW_SPEED_TIME, (long) STALL_SECONDS);
  curl_easy_setopt (t->easy, CURLOPT_PROTOCOLS_STR, "http,https");
  if (t->http->ca_file != NULL)
    curl_easy_setopt (t->easy, CURLOPT_CAINFO, t->http->ca_file);
  if (req->timeout > 0 || t->http->timeout > 0)
    curl_easy_setopt (t->easy, CURLOPT_TIMEOUT,
                      (long) (req->timeout > 0 ? req->timeout : t->http->timeout));
  if (t->http->timeout > 0 && t->http->timeout < 30)
    curl_easy_setopt (t->easy, CURLOPT_CONNECTTIMEOUT, (long) t->http->timeout);

  if (t->method == VO_HTTP_POST)
    {
      if (req->files->len > 0 && t->hops == 0)
        {
          t->mime = curl_mime_init (t->easy);
          for (guint i = 0; i + 1 < req->fields->len; i += 2)
            {
              curl_mimepart *part = curl_mime_addpart (t->mime);
              curl_mime_name (part, req->fields->pdata[i]);
              curl_mime_data (part, req->fields->pdata[i + 1], CURL_ZERO_TERMINATED);
            }
          for (guint i = 0; i < req->files->len; i++)
            {
              FilePart *f = req->files->pdata[i];
              curl_mimepart *part = curl_mime_addpart (t->mime);
              curl_mime_name (part, f->name);
              curl_mime_filedata (part, f->path);
              curl_mime_filename (part, f->filename);
            }
          curl_easy_setopt (t->easy, CURLOPT_MIMEPOST, t->mime);
        }
      else
        {
          GString *body = g_string_new (NULL);
          for (guint i = 0; i + 1 < req->fields->len && t->hops == 0; i += 2)
            {
              g_autofree char *n = vo_http_escape (req->fields->pdata[i]);
              g_autofree char *v = vo_http_escape (req->fields->pdata[i + 1]);
              g_string_append_printf (body, "%s%s=%s", i == 0 ? "" : "&", n, v);
            }
          curl_easy_setopt (t->easy, CURLOPT_POSTFIELDSIZE, (long) body->len);
          curl_easy_setopt (t->easy, CURLOPT_COPYPOSTFIELDS, body->str);
          g_string_free (body, TRUE);
        }
    }
  else if (t->method == VO_HTTP_DELETE)
    curl_easy_setopt (t->easy, CURLOPT_CUSTOMREQUEST, "DELETE");

  for (guint i = 0; i < req->headers->len; i++)
    t->headers = curl_slist_append (t->headers, req->headers->pdata[i]);
  apply_credentials (t, url);
  if (t->headers != NULL)
    curl_easy_setopt (t->easy, CURLOPT_HTTPHEADER, t->headers);
  if (t->http->reset_pending)
    {
      /* credentials changed while other transfers run: no pooled connection */
      curl_easy_setopt (t->easy, CURLOPT_FRESH_CONNECT, 1L);
      curl_easy_setopt (t->easy, CURLOPT_FORBID_REUSE, 1L);
    }

  if (t->http->verbose)
    g_message ("%s %s", method_name (t->method), url);
  else
    g_debug ("%s %s", method_name (t->method), url);
  mc = curl_multi_add_handle (t->http->multi, t->easy);
  if (mc == CURLM_OK)
    {
      t->attached = TRUE;
      t->http->n_easy++;
    }
  else
    transfer_finish (t, NULL, g_error_new (VO_CURL_ERROR, CURLE_FAILED_INIT, "%s %s: %s",
                                           method_name (t->method), url,
                                           curl_multi_strerror (mc)));
}

static gboolean
retry_fired (gpointer data)
{
  Transfer *t = data;

  g_clear_pointer (&t->retry_source, g_source_unref);
  start_exchange (t);
  return G_SOURCE_REMOVE;
}

static gboolean
is_accepted (VoHttpRequest *req, guint status)
{
  for (guint i = 0; i < req->accepted->len; i++)
    if (g_array_index (req->accepted, guint, i) == status)
      return TRUE;
  return FALSE;
}

/* One exchange is over: follow, retry, fail or succeed. */
static void
exchange_done (Transfer *t, CURLcode result)
{
  VoHttpRequest *req = t->req;
  long status = 0;
  char *redirect = NULL;
  g_autofree char *url = hop_url (t);
  const char *m = method_name (t->method);

  curl_easy_getinfo (t->easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo (t->easy, CURLINFO_REDIRECT_URL, &redirect);

  if (t->sink_error != NULL)
    {
      GError *e = g_steal_pointer (&t->sink_error);
      transfer_finish (t, NULL, e);
      return;
    }
  if (result != CURLE_OK && !(result == CURLE_WRITE_ERROR && t->error_body_cut))
    {
      GError *e = g_error_new (VO_CURL_ERROR, result, "%s %s: %s%s%s", m, url,
                               curl_easy_strerror (result),
                               t->errbuf[0] != '\0' ? ": " : "", g_strchomp (t->errbuf));
      transfer_finish (t, NULL, e);
      return;
    }
  if (t->http->verbose)
    g_message ("%s %s -> %ld", m, url, status);

  if (status >= 300 && status < 400 && status != 304 && req->follow
      && t->method != VO_HTTP_DELETE && redirect != NULL)
    {
      if (++t->hops > MAX_REDIRECTS)
        {
          transfer_finish (t, NULL, g_error_new (VO_HTTP_ERROR, status,
                                                 "%s %s: more than %d redirects", m, url,
                                                 MAX_REDIRECTS));
          return;
        }
      set_str (&t->url, redirect);
      if (status == 303 || ((status == 301 || status == 302) && t->method == VO_HTTP_POST))
        t->method = VO_HTTP_GET;
      if (t->method == VO_HTTP_POST && req->files->len > 0)
        {
          /* 307/308 with a multipart body: not supported, say so */
          transfer_finish (t, NULL, g_error_new (VO_HTTP_ERROR, status,
                                                 "%s %s: cannot repeat a multipart upload after "
                                                 "HTTP %ld", m, url, status));
          return;
        }
      transfer_reset_exchange (t);
      start_exchange (t);
      return;
    }

  if ((status == 503 || status == 504 || status == 429) && req->retry
      && t->retries < t->http->max_retries)
    {
      gint64 delay = parse_retry_after (t->retry_after);
      if (delay < 0)
        delay = (gint64) 1 << t->retries;
      delay = MIN (delay, (gint64) t->http->max_delay);
      g_debug ("%s %s: HTTP %ld, retry %u in %" G_GINT64_FORMAT " s", m, url, status,
               t->retries + 1, delay);
      t->retries++;
      transfer_reset_exchange (t);
      t->retry_source = g_timeout_source_new ((guint) (delay * 1000));
      g_source_set_callback (t->retry_source, retry_fired, t, NULL);
      g_source_attach (t->retry_source, t->http->context);
      return;
    }

  if (status >= 400 && !is_accepted (req, (guint) status))
    {
      g_autofree char *detail = error_detail (t->body, t->content_type);
      GError *e = g_error_new (VO_HTTP_ERROR, status, "%s %s: HTTP %ld%s%s%s%s", m, url,
                               status, t->reason != NULL ? " " : "",
                               t->reason != NULL ? t->reason : "",
                               detail != NULL ? ": " : "", detail != NULL ? detail : "");
      transfer_finish (t, NULL, e);
      return;
    }

  {
    VoHttpResponse *resp = g_new0 (VoHttpResponse, 1);
    resp->status = (guint) status;
    resp->url = g_strdup (url);
    resp->content_type = g_strdup (t->content_type);
    resp->location = redirect != NULL ? g_strdup (redirect) : g_strdup (t->location);
    resp->body = g_bytes_new (t->body->data, t->body->len);
    resp->retries = t->retries;
    transfer_finish (t, resp, NULL);
  }
}

static void
check_multi_info (VoHttp *http)
{
  CURLMsg *msg;
  int left;

  while ((msg = curl_multi_info_read (http->multi, &left)) != NULL)
    {
      Transfer *t = NULL;
      if (msg->msg != CURLMSG_DONE)
        continue;
      curl_easy_getinfo (msg->easy_handle, CURLINFO_PRIVATE, (char **) &t);
      exchange_done (t, msg->data.result);
    }
}

static gboolean
cancelled_cb (GCancellable *cancellable, gpointer data)
{
  Transfer *t = data;

  (void) cancellable;
  g_clear_pointer (&t->cancel_source, g_source_unref);
  transfer_finish (t, NULL, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                         "%s %s: cancelled", method_name (t->method), t->url));
  return G_SOURCE_REMOVE;
}

void
vo_http_send_async (VoHttp *http, VoHttpRequest *req, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  Transfer *t = g_new0 (Transfer, 1);

  t->http = http;
  t->req = req;
  http->transfers = g_list_prepend (http->transfers, t);
  t->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (t->task, vo_http_send_async);
  g_task_set_check_cancellable (t->task, FALSE);
  t->body = g_byte_array_new ();
  t->url = g_strdup (req->url);
  t->method = req->method;
  if (cancellable != NULL)
    {
      t->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (t->cancel_source,
                             (GSourceFunc) (void (*) (void)) cancelled_cb, t, NULL);
      g_source_attach (t->cancel_source, http->context);
    }
  start_exchange (t);
}

VoHttpResponse *
vo_http_send_finish (VoHttp *http, GAsyncResult *result, GError **error)
{
  (void) http;
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  VoHttp *http;
  VoHttpRequest *req;
  GCancellable *cancellable;
} SyncSend;

static void
sync_start (gpointer data, GAsyncReadyCallback callback, gpointer user_data)
{
  SyncSend *s = data;

  vo_http_send_async (s->http, s->req, s->cancellable, callback, user_data);
}

VoHttpResponse *
vo_http_send (VoHttp *http, VoHttpRequest *req, GCancellable *cancellable, GError **error)
{
  SyncSend s = { http, req, cancellable };
  g_autoptr(GAsyncResult) res = vo_sync_run (http->context, sync_start, &s);

  return vo_http_send_finish (http, res, error);
}

char *
vo_http_library_versions (void)
{
  const curl_version_info_data *cv = curl_version_info (CURLVERSION_NOW);
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "libcurl/%s", cv->version);
  if (cv->ssl_version != NULL)
    g_string_append_printf (s, " %s", cv->ssl_version);
  if (cv->libz_version != NULL)
    g_string_append_printf (s, " zlib/%s", cv->libz_version);
  if (cv->age >= CURLVERSION_FIFTH && cv->nghttp2_version != NULL)
    g_string_append_printf (s, " nghttp2/%s", cv->nghttp2_version);
  return g_string_free (s, FALSE);
}

char *
vo_http_library_features (void)
{
  const curl_version_info_data *cv = curl_version_info (CURLVERSION_NOW);
  GString *s = g_string_new (NULL);

  if (cv->features & CURL_VERSION_SSL)
    g_string_append (s, " HTTPS");
  if (cv->features & CURL_VERSION_HTTP2)
    g_string_append (s, " HTTP2");
  if (cv->features & CURL_VERSION_IPV6)
    g_string_append (s, " IPv6");
  if (cv->features & CURL_VERSION_LIBZ)
    g_string_append (s, " gzip");
  return g_string_free (s, FALSE);
}

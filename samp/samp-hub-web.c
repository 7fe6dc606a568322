/* samp-hub-web.c: the SAMP Web Profile (SAMP 1.3 section 5) of the hub.
 *
 * A second server of samp-hub-net (hub_net_new_full) on 127.0.0.1:21012.
 * Every request first passes web_http(): a peer that is not loopback gets
 * 403; OPTIONS preflights, /crossdomain.xml, /clientaccesspolicy.xml and
 * the URL translator are answered here; a POST to "/" goes on as XML-RPC
 * to web_call().
 *
 * CORS (as JSAMP's CorsHttpServer): the XML-RPC endpoint grants every
 * Origin, preflight and response, whatever --web-auth says.  That is safe:
 * every samp.webhub.* call but register and ping needs a private key, and
 * only an accepted register hands one out.  Consent is decided at register
 * (samp-hub-web-auth.c, as JSAMP's ClientAuthorizer), whose fault tells a
 * refused page why ("registration refused: origin O is not in [hub]
 * web-origins"); a page refused at the preflight could only say "No hub?".
 * The translator grants CORS only to the Origin its client registered
 * from (see below).
 *
 * samp.webhub.register(identity) asks samp-hub-web-auth.c (consent), then
 * registers a client of the same hub through hub_register_sink(): the
 * routing in samp-hub.c does not know which profile a client speaks.  Its
 * callbacks come to web_deliver() and wait in a queue that
 * samp.webhub.pullCallbacks(key, timeout) drains, as a long poll.  The
 * other samp.webhub.X calls are samp.hub.X of the Standard Profile.
 *
 * Bounds: a queue holds at most WEB_MAX_CALLBACKS callbacks or
 * WEB_MAX_QUEUED_BYTES; a web client over either (it does not pull) is
 * unregistered by the hub, which logs it.  One long poll per client (a
 * new one ends the previous with an empty list), at most WEB_MAX_POLL_S.
 * A page that takes callbacks (allowReverseCallbacks) always has a poll
 * under way but for a moment between two; one with none for the idle
 * timeout (WEB_IDLE_S; a browser throttles a hidden tab's timers to a
 * minute) has gone (its tab closed without unregistering) and is
 * unregistered, so that it does not linger in every tool's client list
 * until its queue fills: a sweep every quarter of it looks.
 *
 * MType restriction (as JSAMP's ListMessageRestriction, by default): a web
 * client may send only MTypes of the safe list, or those a recipient
 * marked (x-)samp.mostly-harmless=1 in its subscription (=0 forbids), and
 * sees only such subscriptions.  --no-web-restrict-mtypes lifts it.
 *
 * URL translator (samp.url-translator = .../translator/TOKEN?, TOKEN a
 * random per-client string, not the private key): as JSAMP's UrlTracker,
 * it serves a URL only if it appeared in a callback to that client and no
 * web client sent it: file: is read (regular files up to WEB_MAX_FILE),
 * http: fetched, https: redirected (307).  Other http(s) URLs of hosts
 * that are not this one are redirected (307), never fetched by the hub;
 * anything else is 403.  Messages reach web clients unchanged (as JSAMP).
 * A request to it with an Origin other than the one its client registered
 * from is 403; the client's own origin gets Access-Control-Allow-Origin; a
 * request without Origin (not a page's fetch) is served without it.
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "samp-http.h"
#include "samp-hub-private.h"
#include "samp-hub-web-auth.h"
#include "samp-mtype.h"
#include "samp-value.h"

#define WEB_MAX_CALLBACKS 4096
#define WEB_MAX_QUEUED_BYTES ((gsize) 64 * 1024 * 1024)
#define WEB_MAX_POLL_S 600
#define WEB_IDLE_S 300
#define WEB_MAX_URLS 10000                 /* per client, and blocked */
#define WEB_MAX_FILE ((goffset) 512 * 1024 * 1024)
#define TRANSLATOR_PATH "/translator/"

static const char *const safe_mtypes[] = {
  "samp.app.*", "samp.msg.progress", "table.*", "image.*", "coord.*",
  "spectrum.*", "bibcode.*", "voresource.*", "coverage.*",
};

typedef struct _WebClient WebClient;

struct _HubWeb {
  SampHub *hub;
  HubNet *net;
  char *url;
  gboolean restrict_mtypes;
  WebAuth *auth;
  GHashTable *by_key;       /* private key -> WebClient (owned) */
  GHashTable *by_token;     /* translator token -> WebClient (borrowed) */
  GHashTable *blocked;      /* URLs web clients sent: never translated */
  GHashTable *registering;  /* Registering set, answered when auth decides */
  guint idle_s;             /* a callable client with no poll this long is gone */
  guint sweep;              /* source id of the sweep for such clients */
};

struct _WebClient {
  HubWeb *web;
  HubClient *client;
  char *key;
  char *token;
  char *origin;             /* Origin of its register, or NULL */
  GQueue callbacks;         /* GVariant a{sv} */
  gsize bytes;
  HubRequest *poll;
  GSource *poll_timer;
  gboolean callable;        /* allowReverseCallbacks: it should be polling */
  gint64 polled;            /* monotonic µs: its last poll began or ended, or it registered */
  GHashTable *urls;         /* URLs mentioned to it */
};

typedef struct {
  HubWeb *web;
  HubRequest *request;
} Registering;

/* ================== URLs in messages ================== */

static gboolean
looks_like_url (const char *s)
{
  return g_str_has_prefix (s, "file:") || g_str_has_prefix (s, "http://")
         || g_str_has_prefix (s, "https://") || g_str_has_prefix (s, "ftp://");
}

static void
scan_urls (GVariant *v, GHashTable *into, GHashTable *except)
{
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_VARIANT))
    {
      g_autoptr(GVariant) inner = g_variant_get_variant (v);
      scan_urls (inner, into, except);
    }
  else if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
    {
      const char *s = g_variant_get_string (v, NULL);
      if (looks_like_url (s) && g_hash_table_size (into) < WEB_MAX_URLS
          && (except == NULL || !g_hash_table_contains (except, s)))
        g_hash_table_add (into, g_strdup (s));
    }
  else if (g_variant_is_container (v))
    {
      gsize n = g_variant_n_children (v);
      for (gsize i = 0; i < n; i++)
        {
          g_autoptr(GVariant) child = g_variant_get_child_value (v, i);
          scan_urls (child, into, except);
        }
    }
}

/* ================== web clients ================== */

static void
poll_answer (WebClient *wc)
{
  if (wc->poll == NULL)
    return;
  if (wc->poll_timer)
    {
      g_source_destroy (wc->poll_timer);
      g_clear_pointer (&wc->poll_timer, g_source_unref);
    }
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("av"));
  GVariant *cb;
  while ((cb = g_queue_pop_head (&wc->callbacks)) != NULL)
    {
      g_variant_builder_add (&b, "v", cb);
      g_variant_unref (cb);
    }
  wc->bytes = 0;
  wc->polled = g_get_monotonic_time ();
  hub_request_return (g_steal_pointer (&wc->poll), g_variant_builder_end (&b));
}

/* Unregister the callable clients with no poll for web->idle_s. */
static gboolean
sweep_gone (gpointer data)
{
  HubWeb *web = data;
  gint64 limit = g_get_monotonic_time () - (gint64) web->idle_s * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) gone = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, web->by_key);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      WebClient *wc = value;
      if (wc->callable && wc->poll == NULL && wc->polled < limit && wc->client != NULL)
        g_ptr_array_add (gone, wc->client);
    }
  for (guint i = 0; i < gone->len; i++)
    {
      g_autofree char *why = g_strdup_printf ("its page stopped pulling its callbacks: "
                                              "none for %u s", web->idle_s);
      g_message ("web client %s unregistered: %s",
                 hub_client_get_id (g_ptr_array_index (gone, i)), why);
      hub_client_unregister (g_ptr_array_index (gone, i), why);   /* frees its WebClient */
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
poll_timeout (gpointer data)
{
  WebClient *wc = data;
  g_clear_pointer (&wc->poll_timer, g_source_unref);
  poll_answer (wc);
  return G_SOURCE_REMOVE;
}

static gboolean
web_deliver (gpointer data, const char *method, GVariant *params)
{
  WebClient *wc = data;
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&b, "{sv}", "samp.methodName", g_variant_new_string (method));
  g_variant_builder_add (&b, "{sv}", "samp.params", params);
  GVariant *cb = g_variant_ref_sink (g_variant_builder_end (&b));
  gsize size = g_variant_get_size (cb);
  if (g_queue_get_length (&wc->callbacks) >= WEB_MAX_CALLBACKS
      || wc->bytes + size > WEB_MAX_QUEUED_BYTES)
    {
      g_variant_unref (cb);
      return FALSE;
    }
  scan_urls (params, wc->urls, wc->web->blocked);
  g_queue_push_tail (&wc->callbacks, cb);
  wc->bytes += size;
  poll_answer (wc);
  return TRUE;
}

static gboolean
web_permit_send (gpointer data, const char *mtype, GVariant *annotation)
{
  (void) data;
  for (guint i = 0; i < 2 && annotation != NULL; i++)
    {
      g_autoptr(GVariant) v = g_variant_lookup_value (annotation, i == 0 ? "samp.mostly-harmless"
                                                      : "x-samp.mostly-harmless",
                                                      G_VARIANT_TYPE_STRING);
      if (v != NULL && strcmp (g_variant_get_string (v, NULL), "1") == 0)
        return TRUE;
      if (v != NULL && strcmp (g_variant_get_string (v, NULL), "0") == 0)
        return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (safe_mtypes); i++)
    if (samp_mtype_matches (safe_mtypes[i], mtype))
      return TRUE;
  return FALSE;
}

static void
web_client_free (WebClient *wc)
{
  poll_answer (wc);   /* a long poll under way ends with what is queued (as JSAMP) */
  g_queue_clear_full (&wc->callbacks, (GDestroyNotify) g_variant_unref);
  g_hash_table_destroy (wc->urls);
  memset (wc->key, 0, strlen (wc->key));
  g_free (wc->key);
  g_free (wc->token);
  g_free (wc->origin);
  g_free (wc);
}

static void
web_gone (gpointer data)
{
  WebClient *wc = data;
  HubWeb *web = wc->web;
  wc->client = NULL;
  g_hash_table_remove (web->by_token, wc->token);
  g_hash_table_remove (web->by_key, wc->key);   /* frees wc */
}

static const HubSinkFuncs web_funcs_restricted = { web_deliver, web_permit_send, web_gone };
static const HubSinkFuncs web_funcs_open = { web_deliver, NULL, web_gone };

static char *
random_hex (guint n)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%08x", g_random_int ());
  return g_string_free (s, FALSE);
}

/* ================== samp.webhub.register ================== */

static void
registered (gpointer data, gboolean accepted, const char *why)
{
  Registering *r = data;
  HubWeb *web = r->web;
  HubRequest *req = r->request;
  g_hash_table_remove (web->registering, r);
  g_autoptr(GError) error = NULL;
  HubClient *c = NULL;
  if (!accepted)
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                         "registration refused: %s", why);
  else
    c = hub_register_sink (web->hub, web->restrict_mtypes ? &web_funcs_restricted
                                                          : &web_funcs_open, NULL, &error);
  if (c == NULL)
    {
      hub_request_fault (req, error);
      return;
    }
  WebClient *wc = g_new0 (WebClient, 1);
  wc->web = web;
  wc->client = c;
  wc->key = g_strdup (hub_client_get_key (c));
  wc->token = random_hex (4);
  wc->origin = g_strdup (hub_request_get_header (req, "Origin"));
  wc->polled = g_get_monotonic_time ();
  g_queue_init (&wc->callbacks);
  wc->urls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* the sink's data is set now that wc exists (no callback before) */
  hub_client_set_sink_data (c, wc);
  g_hash_table_insert (web->by_key, wc->key, wc);
  g_hash_table_insert (web->by_token, wc->token, wc);
  g_autofree char *trans = g_strdup_printf ("%s%s%s?", web->url, TRANSLATOR_PATH + 1, wc->token);
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&b, "{sv}", "samp.private-key", g_variant_new_string (wc->key));
  g_variant_builder_add (&b, "{sv}", "samp.hub-id", g_variant_new_string (hub_get_id (web->hub)));
  g_variant_builder_add (&b, "{sv}", "samp.self-id", g_variant_new_string (hub_client_get_id (c)));
  g_variant_builder_add (&b, "{sv}", "samp.url-translator", g_variant_new_string (trans));
  hub_request_return (req, g_variant_builder_end (&b));
}

static void
registering_free (Registering *r)
{
  g_free (r);
}

/* ================== samp.webhub.* ================== */

static char *
arg_string (GVariant *params, guint i)
{
  if (g_variant_n_children (params) <= i)
    return NULL;
  g_autoptr(GVariant) v = g_variant_get_child_value (params, i);
  while (g_variant_is_of_type (v, G_VARIANT_TYPE_VARIANT))
    {
      GVariant *inner = g_variant_get_variant (v);
      g_variant_unref (v);
      v = inner;
    }
  return g_variant_is_of_type (v, G_VARIANT_TYPE_STRING) ? g_variant_dup_string (v, NULL) : NULL;
}

static void
fault (HubRequest *req, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
fault (HubRequest *req, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_autoptr(GError) e = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, msg);
  hub_request_fault (req, e);
}

static const char *const forwarded[] = {
  "unregister", "declareMetadata", "getMetadata", "declareSubscriptions",
  "getSubscriptions", "getRegisteredClients", "getSubscribedClients", "notify",
  "notifyAll", "call", "callAll", "callAndWait", "reply", NULL
};

static void
web_call (SampHub *hub, const char *method, GVariant *params, HubRequest *req)
{
  HubWeb *web = hub_request_get_data (req);
  if (web == NULL || !g_str_has_prefix (method, "samp.webhub."))
    {
      fault (req, "No such method %s", method);
      return;
    }
  const char *name = method + strlen ("samp.webhub.");
  gsize n = g_variant_n_children (params);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (params, i);
      while (g_variant_is_of_type (child, G_VARIANT_TYPE_VARIANT))
        {
          GVariant *inner = g_variant_get_variant (child);
          g_variant_unref (child);
          child = inner;
        }
      g_autoptr(GError) error = NULL;
      if (!samp_value_check (child, &error))
        {
          fault (req, "Param is not a SAMP type: %s", error->message);
          return;
        }
    }
  if (strcmp (name, "ping") == 0)
    {
      hub_request_return (req, g_variant_new_string (""));
      return;
    }
  if (strcmp (name, "register") == 0)
    {
      g_autoptr(GVariant) id = n == 1 ? g_variant_get_child_value (params, 0) : NULL;
      g_autoptr(GVariant) map = id && g_variant_is_of_type (id, G_VARIANT_TYPE_VARIANT)
                                ? g_variant_get_variant (id) : NULL;
      g_autofree char *appname = NULL;
      if (map != NULL && g_variant_is_of_type (map, G_VARIANT_TYPE ("a{sv}")))
        {
          g_autoptr(GVariant) v = g_variant_lookup_value (map, "samp.name", G_VARIANT_TYPE_STRING);
          appname = v ? g_variant_dup_string (v, NULL) : NULL;
        }
      if (appname == NULL)
        {
          fault (req, "register takes one map with a samp.name string");
          return;
        }
      if (!hub_is_running (hub))
        {
          fault (req, "Hub is shutting down");
          return;
        }
      Registering *r = g_new0 (Registering, 1);
      r->web = web;
      r->request = req;
      g_hash_table_add (web->registering, r);
      web_auth_check (web->auth, hub_request_get_header (req, "Origin"), appname,
                      registered, r);
      return;
    }
  g_autofree char *key = arg_string (params, 0);
  WebClient *wc = key ? g_hash_table_lookup (web->by_key, key) : NULL;
  if (wc == NULL || wc->client == NULL)
    {
      fault (req, "Unknown private key");
      return;
    }
  if (strcmp (name, "allowReverseCallbacks") == 0)
    {
      g_autofree char *allow = arg_string (params, 1);
      if (n != 2 || allow == NULL)
        {
          fault (req, "allowReverseCallbacks takes a key and \"0\" or \"1\"");
          return;
        }
      wc->callable = strcmp (allow, "1") == 0 || g_ascii_strcasecmp (allow, "true") == 0;
      wc->polled = g_get_monotonic_time ();
      hub_client_set_callable (wc->client, wc->callable);
      hub_request_return (req, g_variant_new_string (""));
      return;
    }
  if (strcmp (name, "pullCallbacks") == 0)
    {
      g_autofree char *t = arg_string (params, 1);
      guint64 timeout = 0;
      if (n != 2 || t == NULL || !g_ascii_string_to_unsigned (t, 10, 0, G_MAXUINT32, &timeout, NULL))
        {
          fault (req, "pullCallbacks takes a key and a timeout in seconds");
          return;
        }
      if (wc->poll != NULL)
        poll_answer (wc);               /* the previous poll ends, empty */
      wc->poll = req;
      wc->polled = g_get_monotonic_time ();
      if (!g_queue_is_empty (&wc->callbacks) || timeout == 0)
        {
          poll_answer (wc);
          return;
        }
      wc->poll_timer = g_timeout_source_new_seconds ((guint) MIN (timeout, WEB_MAX_POLL_S));
      g_source_set_callback (wc->poll_timer, poll_timeout, wc, NULL);
      g_source_attach (wc->poll_timer, hub_get_context (hub));
      return;
    }
  if (!g_strv_contains (forwarded, name))
    {
      fault (req, "No such method %s", method);
      return;
    }
  /* URLs a web client sends are never translated for the others */
  if (g_hash_table_size (web->blocked) < WEB_MAX_URLS)
    for (gsize i = 1; i < n; i++)
      {
        g_autoptr(GVariant) child = g_variant_get_child_value (params, i);
        scan_urls (child, web->blocked, NULL);
      }
  g_autofree char *std = g_strconcat ("samp.hub.", name, NULL);
  hub_handle_call (hub, std, params, req);
}

/* ================== URL translator ================== */

static gboolean
host_is_local (const char *host)
{
  if (host == NULL || *host == '\0')
    return TRUE;
  if (g_ascii_strcasecmp (host, "localhost") == 0 || g_ascii_strcasecmp (host, g_get_host_name ()) == 0)
    return TRUE;
  g_autoptr(GInetAddress) a = g_inet_address_new_from_string (host);
  return a != NULL && (g_inet_address_get_is_loopback (a) || g_inet_address_get_is_any (a)
                       || g_inet_address_get_is_link_local (a)
                       || g_inet_address_get_is_site_local (a));
}

static void
file_loaded (GObject *src, GAsyncResult *res, gpointer data)
{
  HubRequest *req = data;
  char *contents = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  if (!g_file_load_contents_finish (G_FILE (src), res, &contents, &len, NULL, &error))
    {
      g_autofree char *msg = g_strdup_printf ("Cannot read the file: %s\n", error->message);
      hub_request_respond (req, 404, "text/plain", g_bytes_new (msg, strlen (msg)));
      return;
    }
  g_autofree char *base = g_file_get_basename (G_FILE (src));
  g_autofree char *ctype = g_content_type_guess (base, (const guchar *) contents, MIN (len, 4096),
                                                 NULL);
  g_autofree char *mime = g_content_type_get_mime_type (ctype);
  hub_request_respond (req, 200, mime ? mime : "application/octet-stream",
                       g_bytes_new_take (contents, len));
}

static void
http_fetched (GObject *src, GAsyncResult *res, gpointer data)
{
  HubRequest *req = data;
  g_autoptr(GError) error = NULL;
  (void) src;
  GBytes *body = samp_http_get_finish (res, &error);
  if (body == NULL)
    {
      g_autofree char *msg = g_strdup_printf ("Cannot fetch: %s\n", error->message);
      hub_request_respond (req, 502, "text/plain", g_bytes_new (msg, strlen (msg)));
      return;
    }
  hub_request_respond (req, 200, "application/octet-stream", body);
}

static void
text_reply (HubRequest *req, guint status, const char *text)
{
  hub_request_respond (req, status, "text/plain", g_bytes_new (text, strlen (text)));
}

static void
translate (HubWeb *web, HubRequest *req, const char *path)
{
  const char *q = strchr (path, '?');
  g_autofree char *token = q ? g_strndup (path + strlen (TRANSLATOR_PATH),
                                          (gsize) (q - path) - strlen (TRANSLATOR_PATH)) : NULL;
  WebClient *wc = token ? g_hash_table_lookup (web->by_token, token) : NULL;
  if (wc == NULL)
    {
      text_reply (req, 403, "Forbidden: not a registered web client's translator\n");
      return;
    }
  const char *origin = hub_request_get_header (req, "Origin");
  if (origin != NULL && g_strcmp0 (origin, wc->origin) != 0)
    {
      text_reply (req, 403, "Forbidden: not the origin of this translator's client\n");
      return;
    }
  if (origin != NULL)
    {
      hub_request_add_header (req, "Access-Control-Allow-Origin", origin);
      hub_request_add_header (req, "Vary", "Origin");
    }
  g_autofree char *target = g_uri_unescape_string (q + 1, NULL);
  g_autoptr(GUri) uri = target ? g_uri_parse (target, G_URI_FLAGS_NONE, NULL) : NULL;
  if (uri == NULL)
    {
      text_reply (req, 400, "Bad Request: not a URL\n");
      return;
    }
  const char *scheme = g_uri_get_scheme (uri);
  gboolean web_scheme = g_ascii_strcasecmp (scheme, "http") == 0
                        || g_ascii_strcasecmp (scheme, "https") == 0;
  gboolean mentioned = g_hash_table_contains (wc->urls, target)
                       && !g_hash_table_contains (web->blocked, target);
  if (!mentioned && web_scheme && !host_is_local (g_uri_get_host (uri)))
    {
      /* not ours to fetch (the hub would then reach whatever the name
       * resolves to): the browser fetches it itself, under its rules */
      hub_request_add_header (req, "Location", target);
      text_reply (req, 307, "Fetch it directly\n");
      return;
    }
  if (!mentioned)
    {
      g_autofree char *shown = web_auth_printable (target);
      g_message ("SAMP Web Profile: translation of %s refused (not sent to client %s)", shown,
                 hub_client_get_id (wc->client));
      text_reply (req, 403, "Forbidden: the hub translates only the URLs sent to this client\n");
      return;
    }
  if (g_ascii_strcasecmp (scheme, "file") == 0)
    {
      g_autofree char *file = g_filename_from_uri (target, NULL, NULL);
      GStatBuf st;
      if (file == NULL || g_stat (file, &st) != 0 || !S_ISREG (st.st_mode))
        {
          text_reply (req, 404, "Not Found: no such regular file\n");
          return;
        }
      if (st.st_size > WEB_MAX_FILE)
        {
          text_reply (req, 413, "File too large for the translator\n");
          return;
        }
      g_autoptr(GFile) f = g_file_new_for_path (file);
      g_file_load_contents_async (f, NULL, file_loaded, req);
    }
  else if (g_ascii_strcasecmp (scheme, "http") == 0)
    samp_http_get_async (target, 60000, NULL, http_fetched, req);
  else if (g_ascii_strcasecmp (scheme, "https") == 0)
    {
      hub_request_add_header (req, "Location", target);
      text_reply (req, 307, "Fetch it directly\n");
    }
  else
    text_reply (req, 501, "Not Implemented: this URL scheme is not translated\n");
}

/* ================== HTTP: CORS, policies ================== */

static const char crossdomain_xml[] =
  "<?xml version=\"1.0\"?>\n"
  "<cross-domain-policy>\n"
  "  <site-control permitted-cross-domain-policies=\"all\"/>\n"
  "  <allow-access-from domain=\"*\"/>\n"
  "  <allow-http-request-headers-from domain=\"*\" headers=\"*\"/>\n"
  "</cross-domain-policy>\n";

static const char clientaccesspolicy_xml[] =
  "<?xml version=\"1.0\"?>\n"
  "<access-policy>\n"
  "  <cross-domain-access>\n"
  "    <policy>\n"
  "      <allow-from><domain uri=\"*\"/></allow-from>\n"
  "      <grant-to><resource path=\"/\" include-subpaths=\"true\"/></grant-to>\n"
  "    </policy>\n"
  "  </cross-domain-access>\n"
  "</access-policy>\n";

static gboolean
web_http (gpointer data, HubRequest *req)
{
  HubWeb *web = data;
  if (!hub_request_from_loopback (req))
    {
      text_reply (req, 403, "Forbidden\n");
      return TRUE;
    }
  g_auto(GStrv) parts = g_strsplit (hub_request_get_start_line (req), " ", 3);
  const char *method = parts[0];
  const char *path = method ? parts[1] : NULL;
  if (path == NULL)
    {
      text_reply (req, 400, "Bad Request\n");
      return TRUE;
    }
  if (g_str_has_prefix (path, TRANSLATOR_PATH)
      && (strcmp (method, "GET") == 0 || strcmp (method, "HEAD") == 0))
    {
      translate (web, req, path);     /* its own CORS rule */
      return TRUE;
    }
  /* every origin: consent is decided at register (see the top) */
  const char *origin = hub_request_get_header (req, "Origin");
  if (origin != NULL)
    {
      hub_request_add_header (req, "Access-Control-Allow-Origin", origin);
      hub_request_add_header (req, "Vary", "Origin");
    }
  if (strcmp (method, "OPTIONS") == 0)
    {
      if (origin == NULL)
        {
          text_reply (req, 403, "Forbidden: a preflight without Origin\n");
          return TRUE;
        }
      const char *hdrs = hub_request_get_header (req, "Access-Control-Request-Headers");
      hub_request_add_header (req, "Access-Control-Allow-Methods", "POST, GET, OPTIONS");
      hub_request_add_header (req, "Access-Control-Allow-Headers",
                              hdrs && strspn (hdrs, "abcdefghijklmnopqrstuvwxyz"
                                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-, ")
                                      == strlen (hdrs) ? hdrs : "Content-Type");
      hub_request_add_header (req, "Access-Control-Max-Age", "600");
      const char *pna = hub_request_get_header (req, "Access-Control-Request-Private-Network");
      if (pna != NULL && g_ascii_strcasecmp (pna, "true") == 0)
        hub_request_add_header (req, "Access-Control-Allow-Private-Network", "true");
      hub_request_respond (req, 204, "text/plain", NULL);
      return TRUE;
    }
  if (strcmp (method, "GET") == 0 || strcmp (method, "HEAD") == 0)
    {
      if (strcmp (path, "/crossdomain.xml") == 0)
        hub_request_respond (req, 200, "text/x-cross-domain-policy",
                             g_bytes_new_static (crossdomain_xml, strlen (crossdomain_xml)));
      else if (strcmp (path, "/clientaccesspolicy.xml") == 0)
        hub_request_respond (req, 200, "text/xml",
                             g_bytes_new_static (clientaccesspolicy_xml,
                                                 strlen (clientaccesspolicy_xml)));
      else
        text_reply (req, 404, "Not Found\n");
      return TRUE;
    }
  if (strcmp (method, "POST") != 0)
    {
      text_reply (req, 405, "Method Not Allowed\n");
      return TRUE;
    }
  if (strcmp (path, "/") != 0 && strcmp (path, "/xmlrpc") != 0)
    {
      text_reply (req, 404, "Not Found\n");
      return TRUE;
    }
  return FALSE;   /* XML-RPC: parsed, then web_call() */
}

/* ================== lifecycle ================== */

HubWeb *
hub_web_new (SampHub *hub, const SampHubWebOptions *options, GError **error)
{
  guint port = options->port ? options->port : SAMP_HUB_WEB_PORT;
  HubWeb *web = g_new0 (HubWeb, 1);
  web->net = hub_net_new_full (hub, (guint16) port, web_call, web_http, web, error);
  if (web->net == NULL)
    {
      g_free (web);
      return NULL;
    }
  web->hub = hub;
  web->url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  web->restrict_mtypes = options->restrict_mtypes;
  web->auth = web_auth_new (options->auth, options->origins, hub_get_context (hub));
  web->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) web_client_free);
  web->by_token = g_hash_table_new (g_str_hash, g_str_equal);
  web->blocked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  web->registering = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) registering_free, NULL);
  web->idle_s = options->idle_timeout ? options->idle_timeout : WEB_IDLE_S;
  g_autoptr(GSource) sweep = g_timeout_source_new_seconds (MAX (web->idle_s / 4, 1));
  g_source_set_callback (sweep, sweep_gone, web, NULL);
  web->sweep = g_source_attach (sweep, hub_get_context (hub));
  static const char *const names[] = { "ask on the terminal", "listed origins only",
                                       "accept all (tests only)" };
  g_message ("SAMP Web Profile running at %s (registrations: %s; MTypes %s)", web->url,
             names[options->auth], web->restrict_mtypes ? "restricted" : "not restricted");
  return web;
}

const char *
hub_web_get_url (HubWeb *web)
{
  return web->url;
}

void
hub_web_free (HubWeb *web)
{
  if (web == NULL)
    return;
  /* questions still open are refused: their requests get a fault */
  g_clear_pointer (&web->auth, web_auth_free);
  GSource *sweep = g_main_context_find_source_by_id (hub_get_context (web->hub), web->sweep);
  if (sweep != NULL)
    g_source_destroy (sweep);
  /* no web client is left: samp_hub_stop() dropped them all before */
  g_warn_if_fail (g_hash_table_size (web->by_key) == 0);
  g_hash_table_destroy (web->by_token);
  g_hash_table_destroy (web->by_key);
  g_hash_table_destroy (web->blocked);
  g_hash_table_destroy (web->registering);
  g_clear_pointer (&web->net, hub_net_free);
  g_free (web->url);
  g_free (web);
}

/* cadc-client.c: the CadcClient itself: construction, endpoints, credentials.
 *
 * Discovery: registry text (resource-caps) -> capabilities URL of
 * ivo://cadc.nrc.ca/argus (TAP; base = capabilities URL minus
 * "/capabilities"), ivo://cadc.nrc.ca/caom2ops (DataLink links-1.1, then
 * 1.0) and ivo://cadc.nrc.ca/gms (UMS#login-0.1).  Parsing is vo-caps';
 * this file only fetches and caches.  With no registry configured the
 * fallback list is walked, moving on only after a transport error or 5xx.
 *
 * Credentials: the client is VoHttp's credentials callback.  It keeps the
 * capabilities documents that describe its URLs (TAP: all capabilities;
 * DataLink: only the links capability, so SODA stays "undescribed") and
 * hands the methods they allow for each request URL to cadc-auth, which
 * decides (cadc_auth_choose).
 *
 * The services are in cadc-client-tap.c (sync queries, result streaming),
 * cadc-client-uws.c (async jobs) and cadc-client-data.c (VOSI tables,
 * DataLink/SODA, downloads); cadc-client-private.h holds the struct.
 */
#include "config.h"

#include "cadc-client-private.h"

#include "vo-error.h"

/* Capabilities consulted for the credential choice; @standard_id NULL =
 * every capability of the document. */
typedef struct {
  VoCapabilities *caps;
  char *standard_id;
} SecDoc;

static void
sec_doc_free (SecDoc *d)
{
  vo_caps_free (d->caps);
  g_free (d->standard_id);
  g_free (d);
}

/* @caps: (transfer full) */
static void
add_security (CadcClient *c, VoCapabilities *caps, const char *standard_id)
{
  SecDoc *d = g_new0 (SecDoc, 1);

  d->caps = caps;
  d->standard_id = g_strdup (standard_id);
  g_ptr_array_add (c->security, d);
}

char **
cadc_client_allowed_methods (CadcClient *c, const char *url)
{
  char **best = NULL;
  gsize best_rank = 0;

  for (guint i = 0; i < c->security->len; i++)
    {
      SecDoc *d = c->security->pdata[i];
      gsize rank = 0;
      char **m = vo_caps_security_methods_match (d->caps, d->standard_id, url, &rank);
      if (m == NULL)
        continue;
      if (best == NULL || rank > best_rank)
        {
          g_strfreev (best);
          best = m;
          best_rank = rank;
        }
      else
        g_strfreev (m);
    }
  return best;
}

static VoHttpCredentials *
client_credentials (const char *url, gpointer user_data)
{
  CadcClient *c = user_data;
  g_auto(GStrv) allowed = cadc_client_allowed_methods (c, url);

  return cadc_auth_credentials_for (c->auth, url, (const char *const *) allowed);
}

static void
use_auth (CadcClient *c, CadcAuth *auth)
{
  g_clear_pointer (&c->auth, cadc_auth_free);
  c->auth = auth != NULL ? auth : cadc_auth_new_anonymous ();
  if (c->cookie_domains != NULL)
    cadc_auth_set_cookie_domains (c->auth, (const char *const *) c->cookie_domains);
}

CadcClient *
cadc_client_new (const CadcClientConfig *config, CadcAuth *auth)
{
  static const char *const fallbacks[] = { CADC_REGISTRY_FALLBACKS, NULL };
  CadcClient *c = g_new0 (CadcClient, 1);
  const char *reg = config != NULL ? config->registry : NULL;
  const char *env_fb = g_getenv ("CADC_SAMP_REGISTRY_FALLBACKS");

  if (reg == NULL)
    reg = g_getenv ("CADC_REGISTRY_URL");
  if (reg != NULL && *reg != '\0')
    c->registry_url = g_strdup (reg);
  if (config != NULL && config->registry_fallbacks != NULL)
    c->registry_fallbacks = g_strdupv ((char **) config->registry_fallbacks);
  else if (env_fb != NULL && *env_fb != '\0')
    c->registry_fallbacks = g_strsplit (env_fb, ",", -1);
  else
    c->registry_fallbacks = g_strdupv ((char **) fallbacks);
  if (config != NULL && config->cookie_domains != NULL)
    c->cookie_domains = g_strdupv ((char **) config->cookie_domains);
  if (config != NULL && config->tap != NULL)
    c->tap = vo_url_tap_base (config->tap);
  if (config != NULL && config->datalink != NULL)
    c->datalink = vo_url_normalize (config->datalink);
  if (config != NULL && config->login != NULL)
    c->login = vo_url_normalize (config->login);
  c->verbose = config != NULL && config->verbose;
  c->security = g_ptr_array_new_with_free_func ((GDestroyNotify) sec_doc_free);
  use_auth (c, auth);
  c->http = vo_http_new (NULL);
  vo_http_set_verbose (c->http, c->verbose);
  vo_http_set_credentials_func (c->http, client_credentials, c, NULL);
  return c;
}

void
cadc_client_free (CadcClient *c)
{
  if (c == NULL)
    return;
  vo_http_free (c->http);
  cadc_auth_free (c->auth);
  g_free (c->registry_url);
  g_strfreev (c->registry_fallbacks);
  g_strfreev (c->cookie_domains);
  g_free (c->tap);
  g_free (c->tap_caps_url);
  g_free (c->datalink);
  g_free (c->login);
  g_clear_pointer (&c->registry, vo_registry_free);
  g_ptr_array_unref (c->security);
  g_free (c);
}

VoHttp *
cadc_client_get_http (CadcClient *c)
{
  return c->http;
}

CadcAuth *
cadc_client_get_auth (CadcClient *c)
{
  return c->auth;
}

void
cadc_client_set_auth (CadcClient *c, CadcAuth *auth)
{
  use_auth (c, auth);
  vo_http_reset_connections (c->http);
}

GBytes *
cadc_client_fetch (CadcClient *c, const char *url, gsize max, const char *what, GError **error)
{
  VoHttpRequest *req = vo_http_request_new (VO_HTTP_GET, url);
  g_autoptr(VoHttpResponse) resp = NULL;

  vo_http_request_set_max_body (req, max, what);
  resp = vo_http_send (c->http, req, NULL, error);
  if (resp == NULL)
    return NULL;
  return g_bytes_ref (vo_http_response_get_body (resp));
}

/* Worth trying the next registry: no connection/transport, or a 5xx. */
static gboolean
registry_unreachable (const GError *e)
{
  return e->domain == VO_CURL_ERROR || (e->domain == VO_HTTP_ERROR && e->code >= 500);
}

static gboolean
ensure_registry (CadcClient *c, GError **error)
{
  g_autoptr(GBytes) text = NULL;
  g_autoptr(GError) last = NULL;
  const char *used = NULL;
  const char *d;
  gsize n;

  if (c->registry != NULL)
    return TRUE;
  if (c->registry_url != NULL)
    {
      used = c->registry_url;
      text = cadc_client_fetch (c, used, VO_LIMIT_REGISTRY, "the registry (resource-caps)",
                                error);
      if (text == NULL)
        {
          g_prefix_error (error, "registry: ");
          return FALSE;
        }
    }
  for (char **u = c->registry_fallbacks; text == NULL && u != NULL && *u != NULL; u++)
    {
      g_autoptr(GError) e = NULL;
      used = g_strstrip (*u);
      text = cadc_client_fetch (c, used, VO_LIMIT_REGISTRY, "the registry (resource-caps)",
                                &e);
      if (text != NULL)
        break;
      if (!registry_unreachable (e))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&e), "registry: ");
          return FALSE;
        }
      if (c->verbose)
        g_message ("registry %s unreachable (%s), trying the next one", used, e->message);
      else
        g_debug ("registry %s unreachable (%s), trying the next one", used, e->message);
      g_clear_error (&last);
      last = g_steal_pointer (&e);
    }
  if (text == NULL)
    {
      if (last != NULL)
        g_propagate_prefixed_error (error, g_steal_pointer (&last),
                                    "registry: no registry answered; last: ");
      else
        g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND, "registry: no registry configured");
      return FALSE;
    }
  d = g_bytes_get_data (text, &n);
  c->registry = vo_registry_parse (d, n, error);
  if (c->registry == NULL)
    {
      g_prefix_error (error, "registry %s: ", used);
      return FALSE;
    }
  return TRUE;
}

static VoCapabilities *
fetch_caps (CadcClient *c, const char *caps_url, GError **error)
{
  g_autoptr(GBytes) body = cadc_client_fetch (c, caps_url, VO_LIMIT_CAPABILITIES,
                                              "a VOSI capabilities document", error);
  const char *d;
  gsize n;

  if (body == NULL)
    return NULL;
  d = g_bytes_get_data (body, &n);
  return vo_caps_parse (d, n, error);
}

/* The normalised capabilities URL of @service from the registry. */
static char *
service_caps_url (CadcClient *c, const char *service, GError **error)
{
  g_autofree char *caps_url = NULL;

  if (!ensure_registry (c, error))
    return NULL;
  caps_url = vo_registry_lookup (c->registry, service, error);
  if (caps_url == NULL)
    return NULL;
  return vo_url_normalize (caps_url);
}

static VoCapabilities *
service_caps (CadcClient *c, const char *service, GError **error)
{
  g_autofree char *caps_url = service_caps_url (c, service, error);

  if (caps_url == NULL)
    return NULL;
  return fetch_caps (c, caps_url, error);
}

static gboolean
holds_credentials (CadcClient *c)
{
  return cadc_auth_has_token (c->auth) || cadc_auth_get_cert (c->auth) != NULL;
}

/* The TAP capabilities drive the credential choice for TAP URLs; fetched
 * only when there is something to choose (see cadc-client-private.h). */
void
cadc_client_ensure_tap_security (CadcClient *c)
{
  g_autoptr(GError) e = NULL;
  g_autofree char *url = NULL;
  VoCapabilities *caps;

  if (c->tap_security_loaded || !holds_credentials (c))
    return;
  c->tap_security_loaded = TRUE;
  url = c->tap_caps_url != NULL ? g_strdup (c->tap_caps_url)
                                : g_strconcat (c->tap, "/capabilities", NULL);
  caps = fetch_caps (c, url, &e);
  if (caps == NULL)
    {
      g_debug ("TAP capabilities %s: %s (credentials as for an undescribed URL)", url,
               e->message);
      return;
    }
  add_security (c, caps, NULL);
}

char *
cadc_client_get_tap_url (CadcClient *c, GError **error)
{
  if (c->tap == NULL)
    {
      g_autofree char *caps_url = service_caps_url (c, "argus", error);
      if (caps_url == NULL)
        return NULL;
      c->tap = vo_url_tap_base (caps_url);
      c->tap_caps_url = g_steal_pointer (&caps_url);
    }
  cadc_client_ensure_tap_security (c);
  return g_strdup (c->tap);
}

char *
cadc_client_get_datalink_url (CadcClient *c, GError **error)
{
  if (c->datalink == NULL)
    {
      VoCapabilities *caps = service_caps (c, "caom2ops", error);
      char *url;
      if (caps == NULL)
        return NULL;
      url = vo_caps_datalink_url (caps, error);
      if (url == NULL)
        {
          vo_caps_free (caps);
          return NULL;
        }
      c->datalink = vo_url_normalize (url);
      g_free (url);
      /* only the DataLink capability: SODA and the rest stay undescribed */
      add_security (c, caps, vo_caps_find (caps, VO_STD_DATALINK_11) != NULL
                                     ? VO_STD_DATALINK_11 : VO_STD_DATALINK_10);
    }
  return g_strdup (c->datalink);
}

char *
cadc_client_get_login_url (CadcClient *c, GError **error)
{
  if (c->login == NULL)
    {
      g_autoptr(VoCapabilities) caps = service_caps (c, "gms", error);
      char *url;
      if (caps == NULL)
        return NULL;
      url = vo_caps_access_url (caps, VO_STD_LOGIN, error);
      if (url == NULL)
        return NULL;
      c->login = vo_url_normalize (url);
      g_free (url);
    }
  return g_strdup (c->login);
}

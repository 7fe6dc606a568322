/* cadc-client.c: the CadcClient itself: construction, credentials.
 *
 * Credentials: the client is VoHttp's credentials callback.  It keeps the
 * capabilities documents that describe its URLs (TAP: all capabilities;
 * DataLink: only the links capability, so SODA stays "undescribed") and
 * hands the methods they allow for each request URL to cadc-auth, which
 * decides (cadc_auth_choose).
 *
 * Finding the services is cadc-client-discover.c; the services are in
 * cadc-client-tap.c (sync queries, result streaming),
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

void
cadc_client_add_security (CadcClient *c, VoCapabilities *caps, const char *standard_id)
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

#define RETRY_MS 2000
#define RETRY_MAX_MS 60000

/* The wait after a failed discovery: config, else
 * $CADC_SAMP_DISCOVERY_RETRY ("MIN_MS[,MAX_MS]"), else 2 s doubling to 60 s. */
static void
retry_config (CadcClient *c, const CadcClientConfig *config)
{
  const char *env = g_getenv ("CADC_SAMP_DISCOVERY_RETRY");

  c->retry_ms = RETRY_MS;
  c->retry_max_ms = RETRY_MAX_MS;
  if (env != NULL && *env != '\0')
    {
      g_auto(GStrv) v = g_strsplit (env, ",", 2);
      guint64 n;
      if (g_ascii_string_to_unsigned (v[0], 10, 1, G_MAXUINT / 2, &n, NULL))
        c->retry_ms = c->retry_max_ms = (guint) n;
      if (v[1] != NULL && g_ascii_string_to_unsigned (v[1], 10, 1, G_MAXUINT / 2, &n, NULL))
        c->retry_max_ms = (guint) n;
    }
  if (config != NULL && config->retry_ms > 0)
    c->retry_ms = c->retry_max_ms = config->retry_ms;
  if (config != NULL && config->retry_max_ms > 0)
    c->retry_max_ms = config->retry_max_ms;
  c->retry_max_ms = MAX (c->retry_max_ms, c->retry_ms);
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
  if (config != NULL)
    c->model.kind = config->model;
  retry_config (c, config);
  c->security = g_ptr_array_new_with_free_func ((GDestroyNotify) sec_doc_free);
  use_auth (c, auth);
  c->http = vo_http_new (NULL);
  vo_http_set_verbose (c->http, c->verbose);
  if (config != NULL && config->timeout > 0)
    {
      vo_http_set_timeout (c->http, config->timeout);
      vo_http_set_retries (c->http, 0, 0);
    }
  vo_http_set_credentials_func (c->http, client_credentials, c, NULL);
  cadc_client_lookups_init (c);
  c->closed = g_cancellable_new ();
  return c;
}

void
cadc_client_free (CadcClient *c)
{
  if (c == NULL)
    return;
  g_cancellable_cancel (c->closed);
  g_object_unref (c->closed);
  cadc_client_lookups_free (c);
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

gboolean
cadc_client_task_closed (GCancellable *closed, GTask *task)
{
  if (!g_cancellable_is_cancelled (closed))
    return FALSE;
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           "the archive client was closed");
  return TRUE;
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

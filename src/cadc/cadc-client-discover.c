/* cadc-client-discover.c: finding the services, asynchronously.
 *
 * Discovery: registry text (resource-caps) -> capabilities URL of
 * ivo://cadc.nrc.ca/argus (TAP; base = capabilities URL minus
 * "/capabilities"), ivo://cadc.nrc.ca/caom2ops (DataLink links-1.1, then
 * 1.0) and ivo://cadc.nrc.ca/gms (UMS#login-0.1).  Parsing is vo-caps';
 * this file only fetches and caches.  With no registry configured the
 * fallback list is walked, moving on only after a transport error or 5xx.
 *
 * Each thing found is a CadcLookup: the registry, TAP, the TAP
 * capabilities (credential choice), DataLink, login and the data model
 * (TAP's {tap}/tables read by cadc_model_from_tables, unless configured).  A lookup runs
 * once for every caller that asks while it is in flight (they wait in its
 * list), and only with vo_http_send_async: nothing here blocks or
 * iterates a context.  Success is kept for the client's life.  A failed
 * service lookup (TAP, DataLink, login, data model) is tried again by the next
 * request, but not before a wait that starts at retry_ms (2 s) and
 * doubles up to retry_max_ms (60 s); a request during the wait fails at
 * once with the last error, its message ending "(next attempt in N s)".
 * The registry itself keeps no failure (the services' waits cover it).
 * Errors keep the domain and code of their cause, so the CLI's exit codes
 * do not change; cadc_client_is_unreachable_error() tells "cannot be
 * reached" apart.
 *
 * The blocking calls of cadc-client.h (cadc_client_get_tap_url ...) run
 * the same lookups through vo_sync_run.
 */
#include "config.h"

#include "cadc-client-private.h"

#include "vo-error.h"
#include "vo-sync.h"
#include "vo-vosi.h"

typedef void (*LookupRunFunc) (CadcLookup *l);

struct _CadcLookup {
  CadcClient *client;     /* NULL once the client is freed */
  const char *name;       /* for logs */
  LookupRunFunc run;      /* starts the work; ends with lookup_done() */
  /* a service (service_run): where its endpoint goes (set already when
   * given on the command line), its registry short name, and what makes
   * the endpoint of its capabilities URL (TAP) or of its capabilities */
  char **endpoint;
  const char *service;
  void (*found_url) (CadcClient *c, char *caps_url);
  gboolean (*found) (CadcClient *c, VoCapabilities *caps, GError **error);
  gboolean backoff;       /* a failure makes the next attempt wait */
  gboolean done;
  gboolean running;
  GList *waiters;         /* Waiter */
  GError *error;          /* the last failure */
  gint64 retry_at;        /* monotonic µs: no attempt before */
  guint delay_ms;         /* the wait after the next failure */
};

typedef struct {
  CadcLookup *lookup;
  GTask *task;
  GSource *cancel_source;
} Waiter;

/* ---- the lookup machinery ----------------------------------------------- */

static void
lookup_free (CadcLookup *l)
{
  g_clear_error (&l->error);
  g_free (l);
}

static void
waiter_free (Waiter *w)
{
  if (w->cancel_source != NULL)
    {
      g_source_destroy (w->cancel_source);
      g_source_unref (w->cancel_source);
    }
  g_object_unref (w->task);
  g_free (w);
}

static gboolean
waiter_cancelled (GCancellable *cancellable, gpointer data)
{
  Waiter *w = data;

  (void) cancellable;
  /* this caller stops waiting; the lookup goes on for the others */
  w->lookup->waiters = g_list_remove (w->lookup->waiters, w);
  g_task_return_error_if_cancelled (w->task);
  g_clear_pointer (&w->cancel_source, g_source_unref);
  waiter_free (w);
  return G_SOURCE_REMOVE;
}

/* Ends a run: @error (transfer full) NULL = found. */
static void
lookup_done (CadcLookup *l, GError *error)
{
  GList *waiters = g_steal_pointer (&l->waiters);
  CadcClient *c = l->client;

  l->running = FALSE;
  if (c == NULL)
    {
      /* the client went away meanwhile (its waiters were told) */
      g_clear_error (&error);
      lookup_free (l);
      return;
    }
  if (error == NULL)
    {
      if (l->error != NULL)
        g_debug ("%s found after all", l->name);
      l->done = TRUE;
      g_clear_error (&l->error);
      l->retry_at = 0;
      l->delay_ms = c->retry_ms;
    }
  else
    {
      g_clear_error (&l->error);
      l->error = error;
      if (l->backoff)
        {
          l->retry_at = g_get_monotonic_time () + (gint64) l->delay_ms * 1000;
          g_debug ("%s lookup failed (%s); next attempt in %u ms", l->name, error->message,
                   l->delay_ms);
          l->delay_ms = MIN (l->delay_ms * 2, c->retry_max_ms);
        }
    }
  for (GList *i = waiters; i != NULL; i = i->next)
    {
      Waiter *w = i->data;
      if (!l->done)
        g_task_return_error (w->task, g_error_copy (l->error));
      else
        g_task_return_boolean (w->task, TRUE);
      waiter_free (w);
    }
  g_list_free (waiters);
}

/* Completes when @l is found (at once if it was), or with its failure.
 * Joins a run in flight; starts one unless a failure is still in its
 * wait, which fails at once. */
static void
lookup_async (CadcLookup *l, GCancellable *cancellable, GAsyncReadyCallback callback,
              gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  gint64 now = g_get_monotonic_time ();
  Waiter *w;

  g_task_set_source_tag (task, lookup_async);
  if (l->done)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  if (!l->running && l->error != NULL && now < l->retry_at)
    {
      guint s = (guint) ((l->retry_at - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
      g_task_return_new_error (task, l->error->domain, l->error->code,
                               "%s (next attempt in %u s)", l->error->message, s);
      g_object_unref (task);
      return;
    }
  w = g_new0 (Waiter, 1);
  w->lookup = l;
  w->task = task;
  if (cancellable != NULL)
    {
      w->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (w->cancel_source,
                             (GSourceFunc) (void (*) (void)) waiter_cancelled, w, NULL);
      g_source_attach (w->cancel_source, g_task_get_context (task));
    }
  l->waiters = g_list_append (l->waiters, w);
  if (!l->running)
    {
      l->running = TRUE;
      l->run (l);
    }
}

static gboolean
lookup_finish (GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

/* A sync-over-async run of a lookup (the blocking wrappers). */
static void
lookup_start (gpointer data, GAsyncReadyCallback callback, gpointer user_data)
{
  lookup_async (data, NULL, callback, user_data);
}

static gboolean
lookup_sync (CadcClient *c, CadcLookup *l, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  if (l->done)
    return TRUE;
  res = vo_sync_run (vo_http_get_context (c->http), lookup_start, l);
  return lookup_finish (res, error);
}

/* ---- fetching ----------------------------------------------------------- */

void
cadc_client_fetch_async (CadcClient *c, const char *url, gsize max, const char *what,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  VoHttpRequest *req = vo_http_request_new (VO_HTTP_GET, url);

  vo_http_request_set_max_body (req, max, what);
  vo_http_send_async (c->http, req, cancellable, callback, user_data);
}

GBytes *
cadc_client_fetch_finish (CadcClient *c, GAsyncResult *res, GError **error)
{
  g_autoptr(VoHttpResponse) resp = vo_http_send_finish (c->http, res, error);

  if (resp == NULL)
    return NULL;
  return g_bytes_ref (vo_http_response_get_body (resp));
}

static void
fetch_caps_async (CadcClient *c, const char *caps_url, GAsyncReadyCallback callback,
                  gpointer user_data)
{
  cadc_client_fetch_async (c, caps_url, VO_LIMIT_CAPABILITIES, "a VOSI capabilities document",
                           NULL, callback, user_data);
}

static VoCapabilities *
fetch_caps_finish (CadcClient *c, GAsyncResult *res, GError **error)
{
  g_autoptr(GBytes) body = cadc_client_fetch_finish (c, res, error);
  const char *d;
  gsize n;

  if (body == NULL)
    return NULL;
  d = g_bytes_get_data (body, &n);
  return vo_caps_parse (d, n, error);
}

/* ---- the registry ------------------------------------------------------- */

guint
cadc_client_discovery_retry_in (CadcClient *c)
{
  CadcLookup *l = c->tap_lookup;
  gint64 now = g_get_monotonic_time ();

  if (l->done || l->running || l->error == NULL || l->retry_at <= now)
    return 0;
  return (guint) ((l->retry_at - now + 999) / 1000);
}

gboolean
cadc_client_is_unreachable_error (const GError *e)
{
  return e != NULL
         && (e->domain == VO_CURL_ERROR || (e->domain == VO_HTTP_ERROR && e->code >= 500));
}

typedef struct {
  CadcLookup *lookup;
  char **next;            /* the fallback to try next */
  const char *used;
  GError *last;           /* the last unreachable registry's error */
} RegistryWalk;

static void registry_try (RegistryWalk *r);

static void
registry_walk_end (RegistryWalk *r, GError *error)
{
  CadcLookup *l = r->lookup;

  g_clear_error (&r->last);
  g_free (r);
  lookup_done (l, error);
}

static void
registry_parse (RegistryWalk *r, GBytes *text)
{
  CadcClient *c = r->lookup->client;
  GError *error = NULL;
  gsize n;
  const char *d = g_bytes_get_data (text, &n);

  c->registry = vo_registry_parse (d, n, &error);
  if (c->registry == NULL)
    g_prefix_error (&error, "registry %s: ", r->used);
  registry_walk_end (r, error);
}

static void
registry_fetched (GObject *src, GAsyncResult *res, gpointer data)
{
  RegistryWalk *r = data;
  CadcClient *c = r->lookup->client;
  GError *e = NULL;
  g_autoptr(GBytes) text = NULL;

  (void) src;
  if (c == NULL)
    {
      registry_walk_end (r, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "client freed"));
      return;
    }
  text = cadc_client_fetch_finish (c, res, &e);
  if (text != NULL)
    {
      registry_parse (r, text);
      return;
    }
  if (r->next == NULL || !cadc_client_is_unreachable_error (e))
    {
      /* the configured registry, or a fallback that answered: final */
      g_prefix_error (&e, "registry: ");
      registry_walk_end (r, e);
      return;
    }
  if (c->verbose)
    g_message ("registry %s unreachable (%s), trying the next one", r->used, e->message);
  else
    g_debug ("registry %s unreachable (%s), trying the next one", r->used, e->message);
  g_clear_error (&r->last);
  r->last = e;
  registry_try (r);
}

static void
registry_try (RegistryWalk *r)
{
  CadcClient *c = r->lookup->client;

  if (r->next == NULL || *r->next == NULL)
    {
      GError *error;
      if (r->last != NULL)
        {
          error = g_steal_pointer (&r->last);
          g_prefix_error (&error, "registry: no registry answered; last: ");
        }
      else
        error = g_error_new (VO_ERROR, VO_ERROR_NOT_FOUND, "registry: no registry configured");
      registry_walk_end (r, error);
      return;
    }
  r->used = g_strstrip (*r->next);
  r->next++;
  cadc_client_fetch_async (c, r->used, VO_LIMIT_REGISTRY, "the registry (resource-caps)", NULL,
                           registry_fetched, r);
}

static void
registry_run (CadcLookup *l)
{
  CadcClient *c = l->client;
  RegistryWalk *r = g_new0 (RegistryWalk, 1);

  r->lookup = l;
  if (c->registry_url != NULL)
    {
      r->used = c->registry_url;
      cadc_client_fetch_async (c, r->used, VO_LIMIT_REGISTRY, "the registry (resource-caps)",
                               NULL, registry_fetched, r);
      return;
    }
  r->next = c->registry_fallbacks;
  registry_try (r);
}

/* The normalised capabilities URL of @service from the loaded registry. */
static char *
service_caps_url (CadcClient *c, const char *service, GError **error)
{
  g_autofree char *caps_url = vo_registry_lookup (c->registry, service, error);

  if (caps_url == NULL)
    return NULL;
  return vo_url_normalize (caps_url);
}

/* ---- the TAP capabilities ------------------------------------------------ */

/* The TAP capabilities drive the credential choice for TAP URLs; fetched
 * only when there is something to choose (see cadc-client-private.h).
 * Cannot fail: an unreadable document leaves TAP URLs undescribed. */
static void
security_fetched (GObject *src, GAsyncResult *res, gpointer data)
{
  CadcLookup *l = data;
  CadcClient *c = l->client;
  g_autoptr(GError) e = NULL;
  VoCapabilities *caps;

  (void) src;
  if (c == NULL)
    {
      lookup_done (l, NULL);
      return;
    }
  caps = fetch_caps_finish (c, res, &e);
  if (caps == NULL)
    g_debug ("TAP capabilities: %s (credentials as for an undescribed URL)", e->message);
  else
    cadc_client_add_security (c, caps, NULL);
  lookup_done (l, NULL);
}

static void
security_run (CadcLookup *l)
{
  CadcClient *c = l->client;
  g_autofree char *url = c->tap_caps_url != NULL ? g_strdup (c->tap_caps_url)
                                                 : g_strconcat (c->tap, "/capabilities", NULL);

  fetch_caps_async (c, url, security_fetched, l);
}

static gboolean
holds_credentials (CadcClient *c)
{
  return cadc_auth_has_token (c->auth) || cadc_auth_get_cert (c->auth) != NULL;
}

/* TAP found, its capabilities loaded when credentials are held, and
 * with @datalink_too (discovery) DataLink looked up when the registry we
 * hold lists it; DataLink's failure is kept by its lookup for the
 * DataLink calls, not reported here. */
typedef struct {
  CadcClient *client;
  GCancellable *closed;
  gboolean datalink_too;
} Ready;

static void
ready_free (Ready *r)
{
  g_object_unref (r->closed);
  g_free (r);
}

static void
ready_datalink_done (GObject *src, GAsyncResult *res, gpointer data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) e = NULL;

  (void) src;
  if (!lookup_finish (res, &e))
    g_debug ("DataLink not found yet: %s", e->message);
  g_task_return_boolean (task, TRUE);
}

/* @task: (transfer full) */
static void
ready_datalink (GTask *task)
{
  Ready *r = g_task_get_task_data (task);
  CadcClient *c = r->client;
  g_autofree char *listed = NULL;

  if (cadc_client_task_closed (r->closed, task))
    g_object_unref (task);
  else if (r->datalink_too && c->datalink == NULL && c->registry != NULL
      && (listed = vo_registry_lookup (c->registry, "caom2ops", NULL)) != NULL)
    lookup_async (c->datalink_lookup, g_task_get_cancellable (task), ready_datalink_done, task);
  else
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

static void
ready_security_done (GObject *src, GAsyncResult *res, gpointer data)
{
  (void) src;
  lookup_finish (res, NULL);    /* cannot fail */
  ready_datalink (data);
}

static void
ready_tap_found (GObject *src, GAsyncResult *res, gpointer data)
{
  GTask *task = data;
  Ready *r = g_task_get_task_data (task);
  GError *error = NULL;

  (void) src;
  if (!lookup_finish (res, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
    }
  else if (cadc_client_task_closed (r->closed, task))
    g_object_unref (task);
  else if (holds_credentials (r->client) && !r->client->security_lookup->done)
    lookup_async (r->client->security_lookup, g_task_get_cancellable (task),
                  ready_security_done, task);
  else
    ready_datalink (task);
}

static void
ready_async (CadcClient *c, gboolean datalink_too, gpointer tag, GCancellable *cancellable,
             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Ready *r = g_new0 (Ready, 1);

  r->client = c;
  r->closed = g_object_ref (c->closed);
  r->datalink_too = datalink_too;
  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, r, (GDestroyNotify) ready_free);
  lookup_async (c->tap_lookup, cancellable, ready_tap_found, task);
}

void
cadc_client_tap_ready_async (CadcClient *c, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  ready_async (c, FALSE, cadc_client_tap_ready_async, cancellable, callback, user_data);
}

gboolean
cadc_client_tap_ready_finish (CadcClient *c, GAsyncResult *res, GError **error)
{
  return cadc_client_discover_finish (c, res, error);
}

void
cadc_client_discover_async (CadcClient *c, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  ready_async (c, TRUE, cadc_client_discover_async, cancellable, callback, user_data);
}

gboolean
cadc_client_discover_finish (CadcClient *c, GAsyncResult *result, GError **error)
{
  (void) c;
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- DataLink and login: a service's capabilities ----------------------- */

static void
service_caps_fetched (GObject *src, GAsyncResult *res, gpointer data)
{
  CadcLookup *l = data;
  CadcClient *c = l->client;
  GError *error = NULL;
  VoCapabilities *caps;

  (void) src;
  if (c == NULL)
    {
      lookup_done (l, NULL);
      return;
    }
  caps = fetch_caps_finish (c, res, &error);
  if (caps != NULL)
    l->found (c, caps, &error);
  lookup_done (l, error);
}

static void
service_got_registry (GObject *src, GAsyncResult *res, gpointer data)
{
  CadcLookup *l = data;
  CadcClient *c = l->client;
  GError *error = NULL;
  char *caps_url = NULL;

  (void) src;
  if (lookup_finish (res, &error) && c != NULL)
    caps_url = service_caps_url (c, l->service, &error);
  if (caps_url == NULL)
    lookup_done (l, error);
  else if (l->found_url != NULL)
    {
      l->found_url (c, caps_url);
      lookup_done (l, NULL);
    }
  else
    {
      fetch_caps_async (c, caps_url, service_caps_fetched, l);
      g_free (caps_url);
    }
}

static void
service_run (CadcLookup *l)
{
  if (*l->endpoint != NULL)
    lookup_done (l, NULL);      /* given (--tap, --datalink, login --login-url) */
  else
    lookup_async (l->client->registry_lookup, NULL, service_got_registry, l);
}

/* @caps_url: (transfer full): argus's; TAP's base is that URL minus
 * "/capabilities" */
static void
tap_found_url (CadcClient *c, char *caps_url)
{
  c->tap = vo_url_tap_base (caps_url);
  c->tap_caps_url = caps_url;
}

/* @caps: (transfer full) */
static gboolean
datalink_found (CadcClient *c, VoCapabilities *caps, GError **error)
{
  g_autofree char *url = vo_caps_datalink_url (caps, error);

  if (url == NULL)
    {
      vo_caps_free (caps);
      return FALSE;
    }
  c->datalink = vo_url_normalize (url);
  /* only the DataLink capability: SODA and the rest stay undescribed */
  cadc_client_add_security (c, caps, vo_caps_find (caps, VO_STD_DATALINK_11) != NULL
                                       ? VO_STD_DATALINK_11 : VO_STD_DATALINK_10);
  return TRUE;
}

/* @caps: (transfer full) */
static gboolean
login_found (CadcClient *c, VoCapabilities *caps, GError **error)
{
  g_autoptr(VoCapabilities) owned = caps;
  g_autofree char *url = vo_caps_access_url (caps, VO_STD_LOGIN, error);

  if (url == NULL)
    return FALSE;
  c->login = vo_url_normalize (url);
  return TRUE;
}

void
cadc_client_datalink_ready_async (CadcClient *c, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  lookup_async (c->datalink_lookup, cancellable, callback, user_data);
}

gboolean
cadc_client_datalink_ready_finish (CadcClient *c, GAsyncResult *res, GError **error)
{
  (void) c;
  return lookup_finish (res, error);
}

/* ---- blocking wrappers -------------------------------------------------- */

static void
tap_ready_start (gpointer data, GAsyncReadyCallback callback, gpointer user_data)
{
  cadc_client_tap_ready_async (data, NULL, callback, user_data);
}

void
cadc_client_ensure_tap_security (CadcClient *c)
{
  g_autoptr(GAsyncResult) res = NULL;

  if (c->tap == NULL || c->security_lookup->done || !holds_credentials (c))
    return;
  res = vo_sync_run (vo_http_get_context (c->http), tap_ready_start, c);
  cadc_client_tap_ready_finish (c, res, NULL);
}

gboolean
cadc_client_tap_is_ready (CadcClient *c)
{
  return c->tap_lookup->done && (c->security_lookup->done || !holds_credentials (c));
}

char *
cadc_client_get_tap_url (CadcClient *c, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  if (!cadc_client_tap_is_ready (c))
    {
      res = vo_sync_run (vo_http_get_context (c->http), tap_ready_start, c);
      if (!cadc_client_tap_ready_finish (c, res, error))
        return NULL;
    }
  return g_strdup (c->tap);
}

char *
cadc_client_get_datalink_url (CadcClient *c, GError **error)
{
  if (!lookup_sync (c, c->datalink_lookup, error))
    return NULL;
  return g_strdup (c->datalink);
}

char *
cadc_client_get_login_url (CadcClient *c, GError **error)
{
  if (!lookup_sync (c, c->login_lookup, error))
    return NULL;
  return g_strdup (c->login);
}

/* ---- the data model: {tap}/tables ---------------------------------------- */

static void
model_tables_fetched (GObject *src, GAsyncResult *res, gpointer data)
{
  CadcLookup *l = data;
  CadcClient *c = l->client;
  GError *error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(VoVosiTableset) ts = NULL;
  CadcModel model;

  (void) src;
  if (c == NULL)
    {
      lookup_done (l, NULL);
      return;
    }
  body = cadc_client_fetch_finish (c, res, &error);
  if (body != NULL)
    ts = vo_vosi_tableset_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  if (ts == NULL || !cadc_model_from_tables (ts, &model, &error))
    g_prefix_error (&error, "data model (%s/tables): ", c->tap);
  else
    {
      c->model = model;
      if (c->verbose)
        g_message ("%s: data model %s%s", c->tap, cadc_model_name (model.kind),
                   model.point_only ? " (positions on s_ra/s_dec)" : "");
    }
  lookup_done (l, error);
}

static void
model_got_tap (GObject *src, GAsyncResult *res, gpointer data)
{
  CadcLookup *l = data;
  CadcClient *c = l->client;
  GError *error = NULL;
  g_autofree char *url = NULL;

  (void) src;
  if (!lookup_finish (res, &error) || c == NULL)
    {
      lookup_done (l, error);
      return;
    }
  url = g_strconcat (c->tap, "/tables", NULL);
  cadc_client_fetch_async (c, url, VO_LIMIT_VOSI_TABLES, "a VOSI tables document", NULL,
                           model_tables_fetched, l);
}

static void
model_run (CadcLookup *l)
{
  if (l->client->model.kind != CADC_MODEL_UNKNOWN)
    lookup_done (l, NULL);      /* configured */
  else
    lookup_async (l->client->tap_lookup, NULL, model_got_tap, l);
}

void
cadc_client_get_model_async (CadcClient *c, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  lookup_async (c->model_lookup, cancellable, callback, user_data);
}

gboolean
cadc_client_get_model_finish (CadcClient *c, GAsyncResult *result, CadcModel *model,
                              GError **error)
{
  if (!lookup_finish (result, error))
    return FALSE;
  *model = c->model;
  return TRUE;
}

gboolean
cadc_client_get_model (CadcClient *c, CadcModel *model, GError **error)
{
  if (!lookup_sync (c, c->model_lookup, error))
    return FALSE;
  *model = c->model;
  return TRUE;
}

/* ---- the client's lookups ----------------------------------------------- */

static CadcLookup *
lookup_new (CadcClient *c, const char *name, LookupRunFunc run, gboolean backoff)
{
  CadcLookup *l = g_new0 (CadcLookup, 1);

  l->client = c;
  l->name = name;
  l->run = run;
  l->backoff = backoff;
  l->delay_ms = c->retry_ms;
  return l;
}

static CadcLookup *
service_new (CadcClient *c, const char *name, char **endpoint, const char *service)
{
  CadcLookup *l = lookup_new (c, name, service_run, TRUE);

  l->endpoint = endpoint;
  l->service = service;
  return l;
}

void
cadc_client_lookups_init (CadcClient *c)
{
  c->registry_lookup = lookup_new (c, "registry", registry_run, FALSE);
  c->security_lookup = lookup_new (c, "TAP capabilities", security_run, FALSE);
  c->tap_lookup = service_new (c, "TAP", &c->tap, "argus");
  c->tap_lookup->found_url = tap_found_url;
  c->datalink_lookup = service_new (c, "DataLink", &c->datalink, "caom2ops");
  c->datalink_lookup->found = datalink_found;
  c->login_lookup = service_new (c, "login", &c->login, "gms");
  c->login_lookup->found = login_found;
  c->model_lookup = lookup_new (c, "data model", model_run, TRUE);
}

/* A lookup in flight outlives the client: its waiters are told now, and
 * it frees itself when its request ends. */
static void
lookup_drop (CadcLookup *l)
{
  GList *waiters = g_steal_pointer (&l->waiters);

  l->client = NULL;
  for (GList *i = waiters; i != NULL; i = i->next)
    {
      Waiter *w = i->data;
      g_task_return_new_error (w->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "the archive client was closed");
      waiter_free (w);
    }
  g_list_free (waiters);
  if (!l->running)
    lookup_free (l);
}

void
cadc_client_lookups_free (CadcClient *c)
{
  /* the services first: their waiters may be runs of the registry's */
  lookup_drop (c->model_lookup);
  lookup_drop (c->login_lookup);
  lookup_drop (c->datalink_lookup);
  lookup_drop (c->security_lookup);
  lookup_drop (c->tap_lookup);
  lookup_drop (c->registry_lookup);
}

/* samp-client.c: SampClient, a callable Standard Profile client.
 *
 * Owns: the hub connection state (lockfile, private key, ids), the
 * callback HTTP server, the live table of other clients, and the
 * outstanding call()/callAll() requests keyed by msg-tag.  All state is
 * touched only from the client's GMainContext; HTTP I/O happens on
 * samp-http's worker threads and comes back as GTask completions.
 *
 * Every hub method goes through samp_client_hub_call_async(); the _sync API runs the
 * async one and iterates the context until it completes, so callbacks
 * keep being served while a CLI waits.  Incoming samp.client.* calls are
 * acknowledged at once and handled afterwards from the main loop.
 * The private key and hub secret are never logged.
 */
#include "config.h"

#include <string.h>
#include <glib-unix.h>

#include "samp-client.h"
#include "samp-client-private.h"
#include "samp-error.h"
#include "samp-http.h"
#include "samp-lockfile.h"
#include "samp-mtype.h"
#include "samp-value.h"
#include "samp-xmlrpc.h"

enum { SIG_HUB_CONNECTED, SIG_HUB_LOST, SIG_CLIENTS_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_TYPE (SampClient, samp_client, G_TYPE_OBJECT)

static void hub_lost (SampClient *self, const char *reason);

/* ============================================================ small helpers */

static void
subscription_free (Subscription *s)
{
  g_free (s->pattern);
  g_free (s);
}

static void
known_client_free (KnownClient *k)
{
  g_clear_pointer (&k->metadata, g_variant_unref);
  g_clear_pointer (&k->subscriptions, g_variant_unref);
  g_free (k);
}

/* Wait for an async operation by iterating the client's context. */
void
samp_client_sync_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  (void) source;
  *(GAsyncResult **) data = g_object_ref (res);
}

GAsyncResult *
samp_client_wait_result (SampClient *self, GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (self->context, TRUE);
  return *slot;
}

gboolean
samp_client_require_connected (SampClient *self, GError **error)
{
  if (self->connected)
    return TRUE;
  g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_NOT_REGISTERED,
                       "not registered with a SAMP hub");
  return FALSE;
}

/* ============================================================ hub calls */

typedef struct {
  char *url;
  guint generation;
} HubCallData;

static void
hub_call_data_free (HubCallData *d)
{
  g_free (d->url);
  g_free (d);
}

static void
hub_call_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GTask) task = data;
  SampClient *self = g_task_get_source_object (task);
  HubCallData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = samp_http_post_finish (res, &error);
  GVariant *v;

  (void) source;
  if (body == NULL)
    {
      /* the hub's port is closed: it is gone, whatever the lockfile says */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED)
          && self->connected && d->generation == self->generation)
        hub_lost (self, "hub not reachable");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  v = samp_xmlrpc_parse_response (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  if (v == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, v, (GDestroyNotify) g_variant_unref);
}

/* Call @method on the hub at @url with @args (a SAMP list, sunk). */
void
samp_client_hub_call_async (SampClient *self, const char *url, const char *method, GVariant *args,
                guint timeout_ms, GCancellable *cancellable, GAsyncReadyCallback cb,
                gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, cb, user_data);
  g_autoptr(GVariant) a = args ? g_variant_take_ref (args) : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) doc = NULL;
  HubCallData *d;

  if (url == NULL)
    {
      g_task_return_new_error (task, SAMP_ERROR, SAMP_ERROR_NOT_REGISTERED,
                               "not registered with a SAMP hub");
      return;
    }
  doc = samp_xmlrpc_serialize_call (method, a, &error);
  if (doc == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_debug ("-> hub %s", method);
  d = g_new0 (HubCallData, 1);
  d->url = g_strdup (url);
  d->generation = self->generation;
  g_task_set_task_data (task, d, (GDestroyNotify) hub_call_data_free);
  samp_http_post_async (url, "text/xml", doc, timeout_ms, cancellable, hub_call_done,
                        g_steal_pointer (&task));
}

GVariant *
samp_client_hub_call_finish (GAsyncResult *res, GError **error)
{
  return g_task_propagate_pointer (G_TASK (res), error);
}

GVariant *
samp_client_hub_call_sync (SampClient *self, const char *method, GVariant *args, guint timeout_ms,
               GError **error)
{
  GAsyncResult *res = NULL;
  GVariant *v;

  samp_client_hub_call_async (self, self->hub_url, method, args, timeout_ms, NULL, samp_client_sync_cb, &res);
  v = samp_client_hub_call_finish (samp_client_wait_result (self, &res), error);
  g_object_unref (res);
  return v;
}

/* Args list beginning with our private key. */
GVariant *
samp_client_pk_args (SampClient *self, GVariant *first, ...)
{
  GVariantBuilder b;
  va_list ap;

  g_variant_builder_init (&b, SAMP_TYPE_LIST);
  g_variant_builder_add (&b, "v", g_variant_new_string (self->private_key ? self->private_key : ""));
  va_start (ap, first);
  for (GVariant *v = first; v != NULL; v = va_arg (ap, GVariant *))
    {
      g_variant_take_ref (v);
      g_variant_builder_add (&b, "v", v);
      g_variant_unref (v);
    }
  va_end (ap);
  return g_variant_builder_end (&b);
}

void
samp_client_log_failure_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) v = samp_client_hub_call_finish (res, &error);

  (void) source;
  if (v == NULL)
    g_warning ("%s failed: %s", (const char *) data, error->message);
}

/* ============================================================ client table */

static void
table_set (SampClient *self, const char *id, GVariant *metadata, GVariant *subs)
{
  KnownClient *k;

  if (id == NULL || g_strcmp0 (id, self->self_id) == 0)
    return;
  k = g_hash_table_lookup (self->clients, id);
  if (k == NULL)
    {
      k = g_new0 (KnownClient, 1);
      g_hash_table_insert (self->clients, g_strdup (id), k);
    }
  if (metadata != NULL)
    {
      g_clear_pointer (&k->metadata, g_variant_unref);
      k->metadata = g_variant_ref (metadata);
    }
  if (subs != NULL)
    {
      g_clear_pointer (&k->subscriptions, g_variant_unref);
      k->subscriptions = g_variant_ref (subs);
    }
}

/* samp.hub.event.* keep the table current. */
static void
handle_hub_event (SampClient *self, const char *mtype, GVariant *params)
{
  const char *id = samp_map_lookup_string (params, "id");

  if (strcmp (mtype, "samp.hub.event.shutdown") == 0)
    {
      hub_lost (self, "hub shut down");
      return;
    }
  if (strcmp (mtype, "samp.hub.disconnect") == 0)
    {
      const char *reason = samp_map_lookup_string (params, "reason");
      g_autofree char *why = g_strdup_printf ("disconnected by the hub%s%s",
                                              reason ? ": " : "", reason ? reason : "");
      hub_lost (self, why);
      return;
    }
  if (id == NULL)
    return;
  if (strcmp (mtype, "samp.hub.event.register") == 0)
    table_set (self, id, NULL, NULL);
  else if (strcmp (mtype, "samp.hub.event.unregister") == 0)
    g_hash_table_remove (self->clients, id);
  else if (strcmp (mtype, "samp.hub.event.metadata") == 0)
    {
      g_autoptr(GVariant) m = samp_map_lookup_map (params, "metadata");
      table_set (self, id, m, NULL);
    }
  else if (strcmp (mtype, "samp.hub.event.subscriptions") == 0)
    {
      g_autoptr(GVariant) s = samp_map_lookup_map (params, "subscriptions");
      table_set (self, id, NULL, s);
    }
  else
    return;
  g_signal_emit (self, signals[SIG_CLIENTS_CHANGED], 0, id);
}

/* ============================================================ incoming */

static const char *const internal_mtypes[] = {
  "samp.app.ping", "samp.hub.event.shutdown", "samp.hub.event.register",
  "samp.hub.event.unregister", "samp.hub.event.metadata", "samp.hub.event.subscriptions",
  "samp.hub.disconnect", NULL
};

static void
deliver (SampClient *self, const char *sender, const char *msg_id, GVariant *message)
{
  const char *mtype = samp_map_lookup_string (message, "samp.mtype");
  g_autoptr(GVariant) params = samp_map_lookup_map (message, "samp.params");
  gboolean internal, handled = FALSE;
  g_autoptr(SampClient) keep = g_object_ref (self);

  if (mtype == NULL)
    {
      if (msg_id)
        samp_client_reply (self, msg_id, samp_response_new_error ("message has no samp.mtype"));
      return;
    }
  if (params == NULL)
    params = samp_map_new_empty ();
  g_debug ("<- %s %s from %s", msg_id ? "call" : "notification", mtype, sender);
  internal = g_strv_contains (internal_mtypes, mtype);
  if (strcmp (mtype, "samp.app.ping") == 0)
    {
      if (msg_id)
        samp_client_reply (self, msg_id, samp_response_new_ok (NULL));
      return;
    }
  if (internal)
    {
      if (msg_id)
        samp_client_reply (self, msg_id, samp_response_new_ok (NULL));
      msg_id = NULL;           /* answered: user handlers see a notification */
    }
  /* copy the matching handlers first: a handler may subscribe/disconnect */
  {
    g_autoptr(GPtrArray) match = g_ptr_array_new ();
    for (guint i = 0; i < self->subs->len; i++)
      {
        Subscription *s = g_ptr_array_index (self->subs, i);
        if (s->handler != NULL && samp_mtype_matches (s->pattern, mtype))
          g_ptr_array_add (match, s);
      }
    for (guint i = 0; i < match->len; i++)
      {
        Subscription *s = g_ptr_array_index (match, i);
        s->handler (self, sender, msg_id, mtype, params, s->user_data);
        handled = TRUE;
      }
  }
  if (internal)
    handle_hub_event (self, mtype, params);
  else if (!handled && msg_id)
    samp_client_reply (self, msg_id, samp_response_new_error ("not subscribed to this MType"));
}

static void
respond_fault (SampHttpRequest *req, const char *message)
{
  g_autoptr(GBytes) doc = samp_xmlrpc_serialize_fault (1, message);

  samp_http_request_respond (req, 200, "text/xml", g_bytes_get_data (doc, NULL),
                             (gssize) g_bytes_get_size (doc));
}

static const char *
arg_string (GVariant *args, gsize i)
{
  g_autoptr(GVariant) v = NULL;

  if (g_variant_n_children (args) <= i)
    return NULL;
  v = g_variant_get_child_value (args, i);
  {
    g_autoptr(GVariant) inner = g_variant_get_variant (v);
    /* borrowed from @args, which keeps its children alive */
    return g_variant_is_of_type (inner, G_VARIANT_TYPE_STRING)
             ? g_variant_get_string (inner, NULL) : NULL;
  }
}

static GVariant *
arg_map (GVariant *args, gsize i)
{
  g_autoptr(GVariant) v = NULL;

  if (g_variant_n_children (args) <= i)
    return NULL;
  v = g_variant_get_child_value (args, i);
  {
    GVariant *inner = g_variant_get_variant (v);
    if (!g_variant_is_of_type (inner, SAMP_TYPE_MAP))
      {
        g_variant_unref (inner);
        return NULL;
      }
    return inner;
  }
}

/* A callback whose XML-RPC has been parsed (or refused with @error). */
static void
on_callback_parsed (SampClient *self, SampHttpRequest *req, const char *method,
                    GVariant *args, const GError *error)
{
  g_autoptr(GBytes) ok = NULL;
  const char *pk;

  if (error != NULL)
    {
      respond_fault (req, error->message);
      return;
    }
  pk = arg_string (args, 0);
  if (pk == NULL || self->private_key == NULL || strcmp (pk, self->private_key) != 0)
    {
      g_message ("refused %s callback with a wrong private key", method);
      respond_fault (req, "wrong private key");
      return;
    }
  if (strcmp (method, "samp.client.receiveNotification") == 0
      || strcmp (method, "samp.client.receiveCall") == 0
      || strcmp (method, "samp.client.receiveResponse") == 0)
    {
      gboolean is_call = strcmp (method, "samp.client.receiveCall") == 0;
      gboolean is_resp = strcmp (method, "samp.client.receiveResponse") == 0;
      const char *sender = arg_string (args, 1);
      const char *id = (is_call || is_resp) ? arg_string (args, 2) : NULL;
      g_autoptr(GVariant) msg = arg_map (args, (is_call || is_resp) ? 3 : 2);
      if (sender == NULL || msg == NULL || ((is_call || is_resp) && id == NULL))
        {
          respond_fault (req, "bad arguments");
          return;
        }
      /* acknowledge at once; the work happens after the hub has its answer */
      ok = samp_xmlrpc_serialize_response (NULL, NULL);
      samp_http_request_respond (req, 200, "text/xml", g_bytes_get_data (ok, NULL),
                                 (gssize) g_bytes_get_size (ok));
      if (is_resp)
        samp_client_handle_response (self, sender, id, msg);
      else
        deliver (self, sender, id, msg);
      return;
    }
  {
    g_autofree char *m = g_strdup_printf ("unknown method %s", method);
    respond_fault (req, m);
  }
}

/* Bodies larger than this are parsed on a worker thread, so that a huge
 * document (a 60 MB list of small values keeps the parser busy for
 * seconds) does not stall the main loop; smaller ones take a few ms. */
#define INLINE_PARSE_MAX (64 * 1024)

typedef struct {
  SampHttpRequest *req;     /* holds the body */
  char *method;
  GVariant *args;
  GError *error;
} CallbackParse;

static void
callback_parse_free (gpointer data)
{
  CallbackParse *p = data;
  samp_http_request_unref (p->req);
  g_free (p->method);
  g_clear_pointer (&p->args, g_variant_unref);
  g_clear_error (&p->error);
  g_free (p);
}

static void
callback_parse_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  CallbackParse *p = data;
  gsize len = 0;
  const char *body = samp_http_request_get_body (p->req, &len);

  (void) source;
  (void) cancellable;
  samp_xmlrpc_parse_call (body, len, &p->method, &p->args, &p->error);
  g_task_return_boolean (task, TRUE);
}

static void
callback_parse_done (GObject *source, GAsyncResult *res, gpointer data)
{
  CallbackParse *p = g_task_get_task_data (G_TASK (res));

  (void) data;
  on_callback_parsed (SAMP_CLIENT (source), p->req, p->method, p->args, p->error);
}

static void
on_callback (SampHttpServer *server, SampHttpRequest *req, gpointer data)
{
  SampClient *self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *method = NULL;
  g_autoptr(GVariant) args = NULL;
  const char *body;
  gsize len;

  (void) server;
  if (g_strcmp0 (samp_http_request_get_method (req), "POST") != 0)
    {
      samp_http_request_respond (req, 405, "text/plain", "POST only", -1);
      return;
    }
  body = samp_http_request_get_body (req, &len);
  if (len > INLINE_PARSE_MAX)
    {
      g_autoptr(GTask) task = g_task_new (self, NULL, callback_parse_done, NULL);
      CallbackParse *p = g_new0 (CallbackParse, 1);
      p->req = samp_http_request_ref (req);
      g_task_set_task_data (task, p, callback_parse_free);
      g_task_run_in_thread (task, callback_parse_thread);
      return;
    }
  samp_xmlrpc_parse_call (body, len, &method, &args, &error);
  on_callback_parsed (self, req, method, args, error);
}

/* ============================================================ connection */

static GVariant *
metadata_map (SampClient *self)
{
  GVariantBuilder b;
  GHashTableIter it;
  gpointer k, v;

  g_variant_builder_init (&b, SAMP_TYPE_MAP);
  g_hash_table_iter_init (&it, self->metadata);
  while (g_hash_table_iter_next (&it, &k, &v))
    g_variant_builder_add (&b, "{sv}", (const char *) k, g_variant_new_string (v));
  return g_variant_builder_end (&b);
}

static GVariant *
subscriptions_map (SampClient *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GVariantBuilder b;

  g_variant_builder_init (&b, SAMP_TYPE_MAP);
  for (guint i = 0; internal_mtypes[i]; i++)
    if (g_hash_table_add (seen, (gpointer) internal_mtypes[i]))
      g_variant_builder_add (&b, "{sv}", internal_mtypes[i],
                             g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
  for (guint i = 0; i < self->subs->len; i++)
    {
      Subscription *s = g_ptr_array_index (self->subs, i);
      if (g_hash_table_add (seen, s->pattern))
        g_variant_builder_add (&b, "{sv}", s->pattern,
                               g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
    }
  return g_variant_builder_end (&b);
}

static void
fail_pending (SampClient *self, const char *why)
{
  GHashTableIter it;
  gpointer v;
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);

  g_hash_table_iter_init (&it, self->pending);
  while (g_hash_table_iter_next (&it, NULL, &v))
    g_ptr_array_add (tasks, g_object_ref (((Pending *) v)->task));
  g_hash_table_remove_all (self->pending);
  for (guint i = 0; i < tasks->len; i++)
    g_task_return_new_error (g_ptr_array_index (tasks, i), SAMP_ERROR,
                             SAMP_ERROR_NOT_REGISTERED, "%s", why);
}

/* Forget the hub: no network traffic. */
static void
drop_connection (SampClient *self)
{
  self->connected = FALSE;
  self->generation++;
  g_clear_pointer (&self->lockfile, samp_lockfile_free);
  g_clear_pointer (&self->hub_url, g_free);
  g_clear_pointer (&self->private_key, g_free);
  g_clear_pointer (&self->self_id, g_free);
  g_clear_pointer (&self->hub_id, g_free);
  g_clear_pointer (&self->server, samp_http_server_free);
  g_hash_table_remove_all (self->clients);
}

static void
hub_lost (SampClient *self, const char *reason)
{
  if (!self->connected)
    return;
  g_info ("lost the SAMP hub: %s", reason);
  drop_connection (self);
  fail_pending (self, reason);
  g_signal_emit (self, signals[SIG_HUB_LOST], 0, reason);
}

void
samp_client_hub_lost (SampClient *self, const char *reason)
{
  hub_lost (self, reason);
}

typedef struct {
  int step;
  char **ids;
  guint idx;
} ConnectData;

static void
connect_data_free (ConnectData *d)
{
  g_strfreev (d->ids);
  g_free (d);
}

static void connect_step (GTask *task);
static void connect_step_done (GObject *source, GAsyncResult *res, gpointer data);
static void connect_fail (GTask *task, GError *error);

static void
connect_lockfile_done (GObject *source, GAsyncResult *res, gpointer data)
{
  GTask *task = data;
  SampClient *self = g_task_get_source_object (task);
  ConnectData *d = g_task_get_task_data (task);
  GError *error = NULL;

  (void) source;
  self->lockfile = samp_lockfile_load_finish (res, &error);
  if (self->lockfile == NULL)
    {
      connect_fail (task, error);
      return;
    }
  self->hub_url = g_strdup (self->lockfile->hub_url);
  d->step = 1;
  samp_client_hub_call_async (self, self->hub_url, "samp.hub.ping", NULL, PING_TIMEOUT_MS,
                              g_task_get_cancellable (task), connect_step_done, task);
}

static void
connect_fail (GTask *task, GError *error)
{
  SampClient *self = g_task_get_source_object (task);
  gboolean registered = self->private_key != NULL;

  if (registered && self->hub_url)
    /* best effort, so the hub does not keep a half-made client */
    samp_client_hub_call_async (self, self->hub_url, "samp.hub.unregister", samp_client_pk_args (self, NULL),
                    UNREGISTER_TIMEOUT_MS, NULL, samp_client_log_failure_cb, "unregister");
  drop_connection (self);
  self->connecting = FALSE;
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
connect_step_done (GObject *source, GAsyncResult *res, gpointer data)
{
  GTask *task = data;
  SampClient *self = g_task_get_source_object (task);
  ConnectData *d = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GVariant) v = samp_client_hub_call_finish (res, &error);

  (void) source;
  if (v == NULL)
    {
      /* filling the client table is best effort (a client may leave meanwhile) */
      if (d->step >= 6)
        {
          g_debug ("client table: %s", error->message);
          g_clear_error (&error);
        }
      else
        {
          if (d->step == 1)
            {
              g_autoptr(GError) e = error;
              error = g_error_new (SAMP_ERROR, SAMP_ERROR_NO_HUB,
                                   "SAMP hub not answering (stale lockfile %s?): %s",
                                   self->lockfile->location, e->message);
            }
          else
            g_prefix_error (&error, "SAMP registration failed: ");
          connect_fail (task, error);
          return;
        }
    }
  switch (d->step)
    {
    case 2: /* register */
      {
        const char *pk = samp_map_lookup_string (v, "samp.private-key");
        const char *id = samp_map_lookup_string (v, "samp.self-id");
        if (pk == NULL || id == NULL)
          {
            connect_fail (task, g_error_new_literal (SAMP_ERROR, SAMP_ERROR_PROTOCOL,
                                                     "hub register answer lacks keys"));
            return;
          }
        self->private_key = g_strdup (pk);
        self->self_id = g_strdup (id);
        self->hub_id = g_strdup (samp_map_lookup_string (v, "samp.hub-id"));
        break;
      }
    case 6: /* getRegisteredClients */
      d->ids = samp_list_dup_strv (v);
      d->idx = 0;
      break;
    case 7: /* getMetadata for ids[idx] */
      if (v)
        table_set (self, d->ids[d->idx], v, NULL);
      break;
    case 8: /* getSubscriptions for ids[idx] */
      if (v)
        table_set (self, d->ids[d->idx], NULL, v);
      d->idx++;
      if (d->ids[d->idx] != NULL)
        d->step = 6;          /* next id: back to getMetadata */
      break;
    default:
      break;
    }
  d->step++;
  connect_step (task);
}

static void
connect_step (GTask *task)
{
  SampClient *self = g_task_get_source_object (task);
  ConnectData *d = g_task_get_task_data (task);
  GError *error = NULL;
  const char *url = self->hub_url;

  switch (d->step)
    {
    case 0: /* lockfile (an http: one is fetched without blocking) */
      samp_lockfile_load_async (self->lockfile_url, PING_TIMEOUT_MS,
                                g_task_get_cancellable (task), connect_lockfile_done, task);
      return;
    case 2:
      samp_client_hub_call_async (self, url, "samp.hub.register",
                      samp_xmlrpc_args_new (g_variant_new_string (self->lockfile->secret), NULL),
                      HUB_CALL_TIMEOUT_MS, g_task_get_cancellable (task), connect_step_done,
                      task);
      return;
    case 3:
      samp_client_hub_call_async (self, url, "samp.hub.declareMetadata",
                      samp_client_pk_args (self, metadata_map (self), NULL), HUB_CALL_TIMEOUT_MS,
                      g_task_get_cancellable (task), connect_step_done, task);
      return;
    case 4:
      if (self->server == NULL)
        self->server = samp_http_server_new (on_callback, self, &error);
      if (self->server == NULL)
        {
          connect_fail (task, error);
          return;
        }
      samp_client_hub_call_async (self, url, "samp.hub.setXmlrpcCallback",
                      samp_client_pk_args (self, g_variant_new_string (samp_http_server_get_url (self->server)),
                               NULL),
                      HUB_CALL_TIMEOUT_MS, g_task_get_cancellable (task), connect_step_done, task);
      return;
    case 5:
      samp_client_hub_call_async (self, url, "samp.hub.declareSubscriptions",
                      samp_client_pk_args (self, subscriptions_map (self), NULL), HUB_CALL_TIMEOUT_MS,
                      g_task_get_cancellable (task), connect_step_done, task);
      return;
    case 6:
      self->connected = TRUE;  /* registered: events may start arriving */
      samp_client_hub_call_async (self, url, "samp.hub.getRegisteredClients", samp_client_pk_args (self, NULL),
                      HUB_CALL_TIMEOUT_MS, g_task_get_cancellable (task), connect_step_done, task);
      return;
    case 7:
      if (d->ids == NULL || d->ids[d->idx] == NULL)
        break;
      samp_client_hub_call_async (self, url, "samp.hub.getMetadata",
                      samp_client_pk_args (self, g_variant_new_string (d->ids[d->idx]), NULL),
                      HUB_CALL_TIMEOUT_MS, g_task_get_cancellable (task), connect_step_done, task);
      return;
    case 8:
      samp_client_hub_call_async (self, url, "samp.hub.getSubscriptions",
                      samp_client_pk_args (self, g_variant_new_string (d->ids[d->idx]), NULL),
                      HUB_CALL_TIMEOUT_MS, g_task_get_cancellable (task), connect_step_done, task);
      return;
    default:
      break;
    }
  /* done */
  self->connecting = FALSE;
  if (d->ids)
    for (guint i = 0; d->ids[i]; i++)
      table_set (self, d->ids[i], NULL, NULL);
  g_info ("registered with the SAMP hub at %s as %s", self->hub_url, self->self_id);
  g_task_return_boolean (task, TRUE);
  g_signal_emit (self, signals[SIG_HUB_CONNECTED], 0);
  g_object_unref (task);
}

void
samp_client_connect_async (SampClient *self, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (SAMP_IS_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, samp_client_connect_async);
  if (self->connected || self->connecting)
    {
      if (self->connected)
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_new_error (task, SAMP_ERROR, SAMP_ERROR_FAILED, "already connecting");
      g_object_unref (task);
      return;
    }
  self->connecting = TRUE;
  g_task_set_task_data (task, g_new0 (ConnectData, 1), (GDestroyNotify) connect_data_free);
  connect_step (task);
}

gboolean
samp_client_connect_finish (SampClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
samp_client_connect (SampClient *self, GError **error)
{
  GAsyncResult *res = NULL;
  gboolean ok;

  samp_client_connect_async (self, NULL, samp_client_sync_cb, &res);
  ok = samp_client_connect_finish (self, samp_client_wait_result (self, &res), error);
  g_object_unref (res);
  return ok;
}

void
samp_client_disconnect (SampClient *self)
{
  g_return_if_fail (SAMP_IS_CLIENT (self));
  samp_client_set_auto_reconnect (self, FALSE);
  if (self->connected && self->private_key)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) v = samp_client_hub_call_sync (self, "samp.hub.unregister", samp_client_pk_args (self, NULL),
                                             UNREGISTER_TIMEOUT_MS, &error);
      if (v == NULL)
        g_debug ("unregister: %s", error->message);
      else
        g_info ("unregistered from the SAMP hub");
    }
  if (self->connected)
    {
      drop_connection (self);
      fail_pending (self, "client disconnected");
    }
}

/* ============================================================ signals */

static gboolean
on_quit_signal (gpointer data)
{
  SampClient *self = data;

  g_info ("signal received: unregistering");
  samp_client_disconnect (self);
  if (self->quit_loop)
    g_main_loop_quit (self->quit_loop);
  return G_SOURCE_CONTINUE;
}

void
samp_client_quit_on_signals (SampClient *self, GMainLoop *loop)
{
  g_return_if_fail (SAMP_IS_CLIENT (self));
  if (loop)
    self->quit_loop = g_main_loop_ref (loop);
  if (self->sig_int == 0)
    self->sig_int = g_unix_signal_add (SIGINT, on_quit_signal, self);
  if (self->sig_term == 0)
    self->sig_term = g_unix_signal_add (SIGTERM, on_quit_signal, self);
}

/* ============================================================ GObject */

static void
samp_client_finalize (GObject *obj)
{
  SampClient *self = SAMP_CLIENT (obj);

  if (self->sig_int)
    g_source_remove (self->sig_int);
  if (self->sig_term)
    g_source_remove (self->sig_term);
  g_clear_pointer (&self->quit_loop, g_main_loop_unref);
  g_free (self->name);
  g_free (self->lockfile_url);
  g_hash_table_unref (self->metadata);
  g_ptr_array_unref (self->subs);
  g_hash_table_unref (self->clients);
  g_hash_table_unref (self->pending);
  g_main_context_unref (self->context);
  G_OBJECT_CLASS (samp_client_parent_class)->finalize (obj);
}

static void
samp_client_dispose (GObject *obj)
{
  SampClient *self = SAMP_CLIENT (obj);

  /* the watch holds no ref, so dispose runs; unregister on the way out */
  samp_client_set_auto_reconnect (self, FALSE);
  if (self->connected)
    {
      g_object_ref (self);
      samp_client_disconnect (self);
      g_object_unref (self);
    }
  drop_connection (self);
  G_OBJECT_CLASS (samp_client_parent_class)->dispose (obj);
}

static void
samp_client_class_init (SampClientClass *klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);

  oc->finalize = samp_client_finalize;
  oc->dispose = samp_client_dispose;
  signals[SIG_HUB_CONNECTED] = g_signal_new ("hub-connected", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);
  signals[SIG_HUB_LOST] = g_signal_new ("hub-lost", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIG_CLIENTS_CHANGED] = g_signal_new ("clients-changed", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
samp_client_init (SampClient *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->subs = g_ptr_array_new_with_free_func ((GDestroyNotify) subscription_free);
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) known_client_free);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) samp_client_pending_free);
}

SampClient *
samp_client_new (const char *name)
{
  SampClient *self = g_object_new (SAMP_TYPE_CLIENT, NULL);

  self->name = g_strdup (name ? name : "libsamp");
  g_hash_table_replace (self->metadata, g_strdup ("samp.name"), g_strdup (self->name));
  return self;
}

SampClient *
samp_client_ref (SampClient *self)
{
  return g_object_ref (self);
}

void
samp_client_unref (SampClient *self)
{
  g_object_unref (self);
}

void
samp_client_set_lockfile_url (SampClient *self, const char *url)
{
  g_free (self->lockfile_url);
  self->lockfile_url = g_strdup (url);
}

void
samp_client_set_metadata (SampClient *self, const char *key, const char *value)
{
  g_return_if_fail (SAMP_IS_CLIENT (self) && key != NULL);
  if (value)
    g_hash_table_replace (self->metadata, g_strdup (key), g_strdup (value));
  else
    g_hash_table_remove (self->metadata, key);
  if (self->connected)
    samp_client_hub_call_async (self, self->hub_url, "samp.hub.declareMetadata",
                    samp_client_pk_args (self, metadata_map (self), NULL), HUB_CALL_TIMEOUT_MS, NULL,
                    samp_client_log_failure_cb, "declareMetadata");
}

void
samp_client_subscribe (SampClient *self, const char *pattern, SampMessageHandler handler,
                       gpointer user_data)
{
  Subscription *s;

  g_return_if_fail (SAMP_IS_CLIENT (self));
  g_return_if_fail (samp_mtype_pattern_is_valid (pattern));
  s = g_new0 (Subscription, 1);
  s->pattern = g_strdup (pattern);
  s->handler = handler;
  s->user_data = user_data;
  g_ptr_array_add (self->subs, s);
  if (self->connected)
    samp_client_hub_call_async (self, self->hub_url, "samp.hub.declareSubscriptions",
                    samp_client_pk_args (self, subscriptions_map (self), NULL), HUB_CALL_TIMEOUT_MS, NULL,
                    samp_client_log_failure_cb, "declareSubscriptions");
}

gboolean
samp_client_is_connected (SampClient *self)
{
  return self->connected;
}

const char *
samp_client_get_self_id (SampClient *self)
{
  return self->self_id;
}

const char *
samp_client_get_hub_id (SampClient *self)
{
  return self->hub_id;
}

const char *
samp_client_get_hub_url (SampClient *self)
{
  return self->hub_url;
}

const char *
samp_client_get_callback_url (SampClient *self)
{
  return self->server ? samp_http_server_get_url (self->server) : NULL;
}


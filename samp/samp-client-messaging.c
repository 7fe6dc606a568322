/* samp-client-messaging.c: SampClient's outgoing side.
 *
 * notify/notifyAll, callAndWait, call/callAll with our own msg-tags (the
 * Pending table, completed by samp.client.receiveResponse or a timeout),
 * reply, ping, the hub queries and the readers of the live client table.
 * Everything goes through samp_client_hub_call_async() in samp-client.c;
 * state is touched only on the client's main context.
 */
#include "config.h"

#include <string.h>

#include "samp-client-private.h"
#include "samp-error.h"
#include "samp-value.h"

/* Take ownership of a (floating or full) params map, NULL = {}. */
static GVariant *
sunk_or_empty (GVariant *params)
{
  return params ? g_variant_take_ref (params) : samp_map_new_empty ();
}

void
samp_client_pending_free (Pending *p)
{
  if (p->timeout_id)
    g_source_remove (p->timeout_id);
  g_clear_pointer (&p->expected, g_hash_table_unref);
  g_clear_pointer (&p->responses, g_hash_table_unref);
  g_clear_object (&p->task);
  g_free (p);
}

void
samp_client_handle_response (SampClient *self, const char *responder, const char *tag, GVariant *response)
{
  Pending *p = g_hash_table_lookup (self->pending, tag);

  if (p == NULL)
    {
      g_debug ("response for unknown msg-tag %s ignored", tag);
      return;
    }
  if (!p->all)
    {
      GTask *task = g_object_ref (p->task);
      g_hash_table_remove (self->pending, tag);
      g_task_return_pointer (task, g_variant_ref (response), (GDestroyNotify) g_variant_unref);
      g_object_unref (task);
      return;
    }
  g_hash_table_replace (p->responses, g_strdup (responder), g_variant_ref (response));
  if (p->expected != NULL && g_hash_table_size (p->responses) >= g_hash_table_size (p->expected))
    {
      GVariantBuilder b;
      GHashTableIter it;
      gpointer k, v;
      GTask *task = g_object_ref (p->task);
      g_variant_builder_init (&b, SAMP_TYPE_MAP);
      g_hash_table_iter_init (&it, p->responses);
      while (g_hash_table_iter_next (&it, &k, &v))
        g_variant_builder_add (&b, "{sv}", (const char *) k, (GVariant *) v);
      g_hash_table_remove (self->pending, tag);
      g_task_return_pointer (task, g_variant_ref_sink (g_variant_builder_end (&b)),
                             (GDestroyNotify) g_variant_unref);
      g_object_unref (task);
    }
}

/* ============================================================ messaging */

void
samp_client_reply (SampClient *self, const char *msg_id, GVariant *response)
{
  g_autoptr(GVariant) r = g_variant_take_ref (response);

  g_return_if_fail (SAMP_IS_CLIENT (self) && msg_id != NULL);
  if (!self->connected)
    {
      g_warning ("cannot reply to %s: not connected", msg_id);
      return;
    }
  samp_client_hub_call_async (self, self->hub_url, "samp.hub.reply",
                  samp_client_pk_args (self, g_variant_new_string (msg_id), g_steal_pointer (&r), NULL), HUB_CALL_TIMEOUT_MS,
                  NULL, samp_client_log_failure_cb, "reply");
}

/* The hub's answer to notify (ignored) or notifyAll (the ids notified). */
static void
notify_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  GVariant *v = samp_client_hub_call_finish (res, &error);

  (void) source;
  if (v == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, v, (GDestroyNotify) g_variant_unref);
}

static void
notify_start (SampClient *self, const char *method, GVariant *args, GCancellable *cancellable,
              GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
  g_autoptr(GVariant) a = g_variant_take_ref (args);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, tag);
  if (!samp_client_require_connected (self, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  samp_client_hub_call_async (self, self->hub_url, method, g_steal_pointer (&a),
                              HUB_CALL_TIMEOUT_MS, cancellable, notify_done, task);
}

void
samp_client_notify_async (SampClient *self, const char *recipient_id, const char *mtype,
                          GVariant *params, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GVariant) p = sunk_or_empty (params);

  g_return_if_fail (SAMP_IS_CLIENT (self) && recipient_id != NULL && mtype != NULL);
  notify_start (self, "samp.hub.notify",
                samp_client_pk_args (self, g_variant_new_string (recipient_id),
                                     samp_message_new (mtype, g_steal_pointer (&p)), NULL),
                cancellable, callback, user_data, samp_client_notify_async);
}

gboolean
samp_client_notify_finish (SampClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr(GVariant) v = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  v = g_task_propagate_pointer (G_TASK (result), error);
  return v != NULL;
}

gboolean
samp_client_notify (SampClient *self, const char *recipient_id, const char *mtype,
                    GVariant *params, GError **error)
{
  GAsyncResult *res = NULL;
  gboolean ok;

  samp_client_notify_async (self, recipient_id, mtype, params, NULL, samp_client_sync_cb, &res);
  ok = samp_client_notify_finish (self, samp_client_wait_result (self, &res), error);
  g_object_unref (res);
  return ok;
}

void
samp_client_notify_all_async (SampClient *self, const char *mtype, GVariant *params,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr(GVariant) p = sunk_or_empty (params);

  g_return_if_fail (SAMP_IS_CLIENT (self) && mtype != NULL);
  notify_start (self, "samp.hub.notifyAll",
                samp_client_pk_args (self, samp_message_new (mtype, g_steal_pointer (&p)), NULL),
                cancellable, callback, user_data, samp_client_notify_all_async);
}

char **
samp_client_notify_all_finish (SampClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr(GVariant) v = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  v = g_task_propagate_pointer (G_TASK (result), error);
  return v ? samp_list_dup_strv (v) : NULL;
}

char **
samp_client_notify_all (SampClient *self, const char *mtype, GVariant *params, GError **error)
{
  GAsyncResult *res = NULL;
  char **ids;

  samp_client_notify_all_async (self, mtype, params, NULL, samp_client_sync_cb, &res);
  ids = samp_client_notify_all_finish (self, samp_client_wait_result (self, &res), error);
  g_object_unref (res);
  return ids;
}

static void
call_and_wait_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  GVariant *v = samp_client_hub_call_finish (res, &error);

  (void) source;
  if (v == NULL)
    {
      /* hubs report their own timeout as a fault */
      if (error->domain == SAMP_ERROR && error->code == SAMP_ERROR_HUB_FAULT)
        {
          g_autofree char *low = g_ascii_strdown (error->message, -1);
          if (strstr (low, "timeout") || strstr (low, "timed out"))
            error->code = SAMP_ERROR_TIMEOUT;
        }
      g_task_return_error (task, error);
    }
  else if (!g_variant_is_of_type (v, SAMP_TYPE_MAP))
    {
      g_variant_unref (v);
      g_task_return_new_error (task, SAMP_ERROR, SAMP_ERROR_PROTOCOL,
                               "callAndWait answer is not a response map");
    }
  else
    g_task_return_pointer (task, v, (GDestroyNotify) g_variant_unref);
}

void
samp_client_call_and_wait_async (SampClient *self, const char *recipient_id, const char *mtype,
                                 GVariant *params, guint timeout_s, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GVariant) p = sunk_or_empty (params);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *t = g_strdup_printf ("%u", timeout_s);

  samp_client_hub_call_async (self, self->hub_url, "samp.hub.callAndWait",
                  samp_client_pk_args (self, g_variant_new_string (recipient_id), samp_message_new (mtype, g_steal_pointer (&p)),
                           g_variant_new_string (t), NULL),
                  timeout_s ? timeout_s * 1000 + 10000 : 0, cancellable, call_and_wait_done, task);
}

GVariant *
samp_client_call_and_wait_finish (SampClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GVariant *
samp_client_call_and_wait (SampClient *self, const char *recipient_id, const char *mtype,
                           GVariant *params, guint timeout_s, GError **error)
{
  GAsyncResult *res = NULL;
  GVariant *v;

  if (!samp_client_require_connected (self, error))
    {
      if (params)
        g_variant_unref (g_variant_take_ref (params));
      return NULL;
    }
  samp_client_call_and_wait_async (self, recipient_id, mtype, params, timeout_s, NULL, samp_client_sync_cb,
                                   &res);
  v = samp_client_call_and_wait_finish (self, samp_client_wait_result (self, &res), error);
  g_object_unref (res);
  return v;
}

/* ---- call / callAll with our own msg-tags ---- */

typedef struct {
  SampClient *self;
  char *tag;
} TagRef;

static gboolean
pending_timeout (gpointer data)
{
  TagRef *ref = data;
  Pending *p = g_hash_table_lookup (ref->self->pending, ref->tag);
  GTask *task;

  if (p == NULL)
    return G_SOURCE_REMOVE;
  p->timeout_id = 0;
  task = g_object_ref (p->task);
  if (p->all)
    {
      GVariantBuilder b;
      GHashTableIter it;
      gpointer k, v;
      g_variant_builder_init (&b, SAMP_TYPE_MAP);
      g_hash_table_iter_init (&it, p->responses);
      while (g_hash_table_iter_next (&it, &k, &v))
        g_variant_builder_add (&b, "{sv}", (const char *) k, (GVariant *) v);
      if (p->expected)
        {
          g_hash_table_iter_init (&it, p->expected);
          while (g_hash_table_iter_next (&it, &k, NULL))
            if (!g_hash_table_contains (p->responses, k))
              {
                g_autoptr(GVariant) e = samp_response_new_error ("timed out");
                g_variant_builder_add (&b, "{sv}", (const char *) k, e);
              }
        }
      g_hash_table_remove (ref->self->pending, ref->tag);
      g_task_return_pointer (task, g_variant_ref_sink (g_variant_builder_end (&b)),
                             (GDestroyNotify) g_variant_unref);
    }
  else
    {
      g_hash_table_remove (ref->self->pending, ref->tag);
      g_task_return_new_error (task, SAMP_ERROR, SAMP_ERROR_TIMEOUT, "no response in time");
    }
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
tag_ref_free (TagRef *ref)
{
  g_free (ref->tag);
  g_free (ref);
}

static void
call_sent (GObject *source, GAsyncResult *res, gpointer data)
{
  TagRef *ref = data;
  SampClient *self = SAMP_CLIENT (source);
  GError *error = NULL;
  g_autoptr(GVariant) v = samp_client_hub_call_finish (res, &error);
  Pending *p = g_hash_table_lookup (self->pending, ref->tag);

  if (p != NULL && v == NULL)
    {
      GTask *task = g_object_ref (p->task);
      g_hash_table_remove (self->pending, ref->tag);
      g_task_return_error (task, error);
      g_object_unref (task);
    }
  else if (p != NULL && p->all)
    {
      /* map recipient → msg-id; responses may already be in */
      GVariantIter it;
      const char *k;
      GVariant *val;
      p->expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      if (g_variant_is_of_type (v, SAMP_TYPE_MAP))
        {
          g_variant_iter_init (&it, v);
          while (g_variant_iter_next (&it, "{&sv}", &k, &val))
            {
              g_hash_table_add (p->expected, g_strdup (k));
              g_variant_unref (val);
            }
        }
      if (g_hash_table_size (p->responses) >= g_hash_table_size (p->expected))
        {
          /* complete now (possibly with nobody to call) */
          if (p->timeout_id)
            g_source_remove (p->timeout_id);
          p->timeout_id = 0;
          {
            TagRef now = { self, ref->tag };
            pending_timeout (&now);
          }
        }
    }
  else
    g_clear_error (&error);
  tag_ref_free (ref);
}

static void
start_call (SampClient *self, gboolean all, const char *recipient_id, const char *mtype,
            GVariant *params, guint timeout_s, GCancellable *cancellable,
            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GVariant) p = sunk_or_empty (params);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Pending *pend;
  TagRef *ref;
  char *tag;

  if (!self->connected)
    {
      g_task_return_new_error (task, SAMP_ERROR, SAMP_ERROR_NOT_REGISTERED,
                               "not registered with a SAMP hub");
      g_object_unref (task);
      return;
    }
  tag = g_strdup_printf ("libsamp-tag-%u", ++self->next_tag);
  pend = g_new0 (Pending, 1);
  pend->task = task;
  pend->all = all;
  pend->responses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_variant_unref);
  g_hash_table_insert (self->pending, g_strdup (tag), pend);
  if (timeout_s > 0)
    {
      TagRef *tr = g_new0 (TagRef, 1);
      GSource *src = g_timeout_source_new_seconds (timeout_s);
      tr->self = self;
      tr->tag = g_strdup (tag);
      g_source_set_callback (src, pending_timeout, tr, (GDestroyNotify) tag_ref_free);
      pend->timeout_id = g_source_attach (src, self->context);
      g_source_unref (src);
    }
  ref = g_new0 (TagRef, 1);
  ref->self = self;
  ref->tag = tag;
  if (all)
    samp_client_hub_call_async (self, self->hub_url, "samp.hub.callAll",
                    samp_client_pk_args (self, g_variant_new_string (tag), samp_message_new (mtype, g_steal_pointer (&p)), NULL),
                    HUB_CALL_TIMEOUT_MS, NULL, call_sent, ref);
  else
    samp_client_hub_call_async (self, self->hub_url, "samp.hub.call",
                    samp_client_pk_args (self, g_variant_new_string (recipient_id), g_variant_new_string (tag),
                             samp_message_new (mtype, g_steal_pointer (&p)), NULL),
                    HUB_CALL_TIMEOUT_MS, NULL, call_sent, ref);
}

void
samp_client_call_async (SampClient *self, const char *recipient_id, const char *mtype,
                        GVariant *params, guint timeout_s, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (SAMP_IS_CLIENT (self) && recipient_id && mtype);
  start_call (self, FALSE, recipient_id, mtype, params, timeout_s, cancellable, callback,
              user_data);
}

GVariant *
samp_client_call_finish (SampClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GVariant *
samp_client_call (SampClient *self, const char *recipient_id, const char *mtype,
                  GVariant *params, guint timeout_s, GError **error)
{
  GAsyncResult *res = NULL;
  GVariant *v;

  samp_client_call_async (self, recipient_id, mtype, params, timeout_s, NULL, samp_client_sync_cb, &res);
  v = samp_client_call_finish (self, samp_client_wait_result (self, &res), error);
  g_object_unref (res);
  return v;
}

void
samp_client_call_all_async (SampClient *self, const char *mtype, GVariant *params,
                            guint timeout_s, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (SAMP_IS_CLIENT (self) && mtype);
  start_call (self, TRUE, NULL, mtype, params, timeout_s, cancellable, callback, user_data);
}

GVariant *
samp_client_call_all_finish (SampClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GVariant *
samp_client_call_all (SampClient *self, const char *mtype, GVariant *params, guint timeout_s,
                      GError **error)
{
  GAsyncResult *res = NULL;
  GVariant *v;

  samp_client_call_all_async (self, mtype, params, timeout_s, NULL, samp_client_sync_cb, &res);
  v = samp_client_call_all_finish (self, samp_client_wait_result (self, &res), error);
  g_object_unref (res);
  return v;
}

gboolean
samp_client_ping (SampClient *self, GError **error)
{
  g_autoptr(GVariant) v = NULL;

  if (self->hub_url == NULL)
    return samp_client_require_connected (self, error);
  v = samp_client_hub_call_sync (self, "samp.hub.ping", NULL, PING_TIMEOUT_MS, error);
  return v != NULL;
}

/* ============================================================ queries */

char **
samp_client_get_registered_clients (SampClient *self, GError **error)
{
  g_autoptr(GVariant) v = NULL;

  if (!samp_client_require_connected (self, error))
    return NULL;
  v = samp_client_hub_call_sync (self, "samp.hub.getRegisteredClients", samp_client_pk_args (self, NULL),
                     HUB_CALL_TIMEOUT_MS, error);
  return v ? samp_list_dup_strv (v) : NULL;
}

static GVariant *
query_map (SampClient *self, const char *method, const char *arg, GError **error)
{
  GVariant *v;

  if (!samp_client_require_connected (self, error))
    return NULL;
  v = samp_client_hub_call_sync (self, method, samp_client_pk_args (self, g_variant_new_string (arg), NULL),
                     HUB_CALL_TIMEOUT_MS, error);
  if (v != NULL && !g_variant_is_of_type (v, SAMP_TYPE_MAP))
    {
      /* JSAMP/astropy answer "" for an empty map in some versions */
      g_variant_unref (v);
      v = samp_map_new_empty ();
    }
  return v;
}

GVariant *
samp_client_get_subscribed_clients (SampClient *self, const char *mtype, GError **error)
{
  return query_map (self, "samp.hub.getSubscribedClients", mtype, error);
}

GVariant *
samp_client_get_metadata (SampClient *self, const char *client_id, GError **error)
{
  return query_map (self, "samp.hub.getMetadata", client_id, error);
}

GVariant *
samp_client_get_subscriptions (SampClient *self, const char *client_id, GError **error)
{
  return query_map (self, "samp.hub.getSubscriptions", client_id, error);
}

static gint
compare_strp (gconstpointer a, gconstpointer b, gpointer data)
{
  (void) data;
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

char **
samp_client_list_known_clients (SampClient *self)
{
  guint n = 0;
  char **ids = (char **) g_hash_table_get_keys_as_array (self->clients, &n);
  char **out = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    out[i] = g_strdup (ids[i]);
  g_free (ids);
  g_qsort_with_data (out, (gint) n, sizeof (char *), compare_strp, NULL);
  return out;
}

GVariant *
samp_client_dup_known_metadata (SampClient *self, const char *client_id)
{
  KnownClient *k = g_hash_table_lookup (self->clients, client_id);

  return k && k->metadata ? g_variant_ref (k->metadata) : NULL;
}

GVariant *
samp_client_dup_known_subscriptions (SampClient *self, const char *client_id)
{
  KnownClient *k = g_hash_table_lookup (self->clients, client_id);

  return k && k->subscriptions ? g_variant_ref (k->subscriptions) : NULL;
}

char *
samp_client_find_client (SampClient *self, const char *id_or_name)
{
  GHashTableIter it;
  gpointer key, val;

  if (g_hash_table_contains (self->clients, id_or_name))
    return g_strdup (id_or_name);
  g_hash_table_iter_init (&it, self->clients);
  while (g_hash_table_iter_next (&it, &key, &val))
    {
      KnownClient *k = val;
      const char *name = samp_map_lookup_string (k->metadata, "samp.name");
      if (name && g_ascii_strcasecmp (name, id_or_name) == 0)
        return g_strdup (key);
    }
  return NULL;
}

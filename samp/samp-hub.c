/* samp-hub.c: the SAMP hub's state and routing.
 *
 * Owns the client table (id and private key of each registered client,
 * its metadata, subscriptions and callback URL), the table of calls that
 * await a reply (msg-id -> sender, msg-tag or waiting callAndWait request,
 * timeout), and the lockfile.  Every samp.hub.* method is checked the way
 * JSAMP checks it: arguments must be SAMP values (string, list, map; no
 * <int>/<double>), the private key must be known, a target must exist, be
 * subscribed to the MType and be callable.  Deliveries go through a queue
 * per client with one post in flight, so a slow client only delays itself;
 * a client whose callback fails at the transport level (refused, timeout)
 * is unregistered and the others are told.  The hub is itself the client
 * "hub" and answers samp.app.ping.  Never logs the secret or private keys.
 * XML-RPC and HTTP are in samp-hub-net.c, the lockfile in
 * samp-hub-lockfile.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "samp-hub-private.h"
#include "samp-mtype.h"
#include "samp-value.h"

#define HUB_ID "hub"
#define SHUTDOWN_GRACE_MS 2000
/* Posts to one client that may be under way at once.  SAMP promises no
 * ordering, but hub events (register, metadata, subscriptions) read
 * best in order, so keep this small. */
#ifndef MAX_IN_FLIGHT
#define MAX_IN_FLIGHT 1
#endif

typedef struct {
  char *method;
  GVariant *params;        /* full params, recipient's key first */
  char *msg_id;            /* receiveCall: the pending call to fail */
} HubDelivery;

struct _HubClient {
  SampHub *hub;
  guint refcount;
  char *id;
  char *key;
  GVariant *metadata;      /* a{sv} */
  GVariant *subscriptions; /* a{sv} */
  GVariant *subs_of;       /* the subscriptions subs was made from (a ref) */
  GPtrArray *subs;         /* SubEntry: subscriptions, read once */
  char *callback;          /* NULL: not callable */
  GQueue queue;            /* HubDelivery */
  guint in_flight;         /* posts under way */
  gboolean gone;           /* unregistered */
  /* a client of another profile (hub_register_sink): callbacks go to
   * sink->deliver, not to an HTTP post */
  const HubSinkFuncs *sink;
  gpointer sink_data;
  gboolean sink_callable;
  gboolean sink_full;      /* its deliver refused: being dropped */
};

#define CALLABLE(c) ((c)->callback != NULL || (c)->sink_callable)

typedef struct {
  SampHub *hub;
  char *msg_id;
  char *sender_id;
  char *recipient_id;
  char *msg_tag;           /* NULL for callAndWait */
  HubRequest *waiter;      /* callAndWait request, or NULL */
  GSource *timeout_source;
} HubCall;

struct _SampHub {
  char *lockfile_override;
  char *lockfile;
  char *secret;
  char *url;
  HubNet *net;
  GHashTable *by_id;       /* id -> HubClient (owns one ref) */
  GHashTable *by_key;      /* key -> HubClient (borrowed) */
  GPtrArray *order;        /* registration order, borrowed */
  GHashTable *calls;       /* msg-id -> HubCall */
  HubClient *self;
  guint64 next_client;
  guint64 next_msg;
  guint delivery_timeout;
  gboolean running;
  GMainContext *context;   /* thread-default context at start */
  SampHubWebOptions web_options;
  HubWeb *web;             /* the Web Profile, when it runs */
};

static void deliver (HubClient *c, const char *method, GVariant *params,
                     const char *msg_id);

/* The (vvv)/(vvvv) parameters of receiveNotification/receiveCall/receiveResponse: made as a
 * tuple of its three boxed children, not with g_variant_new's format
 * string (parsing "(vvv)" cost ~7k instructions a message). */
static GVariant *
vvv (GVariant *a, GVariant *b, GVariant *c)
{
  GVariant *v[3] = { g_variant_new_variant (a), g_variant_new_variant (b),
                     g_variant_new_variant (c) };
  return g_variant_new_tuple (v, 3);
}

static GVariant *
vvvv (GVariant *a, GVariant *b, GVariant *c, GVariant *d)
{
  GVariant *v[4] = { g_variant_new_variant (a), g_variant_new_variant (b),
                     g_variant_new_variant (c), g_variant_new_variant (d) };
  return g_variant_new_tuple (v, 4);
}
static void client_drop (SampHub *hub, HubClient *c, const char *why);
static void call_complete (SampHub *hub, const char *msg_id,
                           GVariant *response, const char *responder_id);

/* ================== SAMP values ================== */

static GVariant *
empty_map (void)
{
  return g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0);
}

/* Unwrap "v" layers. Returns: (transfer full) */
static GVariant *
unbox (GVariant *v)
{
  GVariant *r = g_variant_ref (v);
  while (g_variant_is_of_type (r, G_VARIANT_TYPE_VARIANT))
    {
      GVariant *inner = g_variant_get_variant (r);
      g_variant_unref (r);
      r = inner;
    }
  return r;
}

/* Returns: (transfer full) (nullable): the string value of @key. */
static char *
map_dup_string (GVariant *map, const char *key)
{
  g_autoptr(GVariant) v = g_variant_lookup_value (map, key, NULL);
  if (v == NULL)
    return NULL;
  g_autoptr(GVariant) u = unbox (v);
  if (!g_variant_is_of_type (u, G_VARIANT_TYPE_STRING))
    return NULL;
  return g_variant_dup_string (u, NULL);
}

typedef struct {
  const char *pattern;     /* in HubClient.subs_of */
  GVariant *annotation;    /* unboxed */
} SubEntry;

static void
sub_entry_free (SubEntry *e)
{
  g_variant_unref (e->annotation);
  g_free (e);
}

/* Returns: (transfer full) (nullable): the annotation map if @c is
 * subscribed to @mtype.  Every message asks this of its recipient(s):
 * the subscriptions map is read into an array once per declaration
 * (walking a GVariant a{sv} costs ~5k instructions an entry). */
static GVariant *
client_subscription (HubClient *c, const char *mtype)
{
  if (c->subscriptions == NULL)
    return NULL;
  if (c->subs_of != c->subscriptions)
    {
      GVariantIter iter;
      const char *pattern;
      GVariant *annot;
      g_clear_pointer (&c->subs, g_ptr_array_unref);
      g_clear_pointer (&c->subs_of, g_variant_unref);
      c->subs_of = g_variant_ref (c->subscriptions);   /* keeps the patterns */
      c->subs = g_ptr_array_new_with_free_func ((GDestroyNotify) sub_entry_free);
      g_variant_iter_init (&iter, c->subs_of);
      while (g_variant_iter_next (&iter, "{&sv}", &pattern, &annot))
        {
          SubEntry *e = g_new0 (SubEntry, 1);
          e->pattern = pattern;
          e->annotation = unbox (annot);
          g_variant_unref (annot);
          g_ptr_array_add (c->subs, e);
        }
    }
  for (guint i = 0; i < c->subs->len; i++)
    {
      SubEntry *e = g_ptr_array_index (c->subs, i);
      if (samp_mtype_matches (e->pattern, mtype))
        return g_variant_ref (e->annotation);
    }
  return NULL;
}

/* ================== client table ================== */

static HubClient *
client_ref (HubClient *c)
{
  c->refcount++;
  return c;
}

static void
delivery_free (HubDelivery *d)
{
  g_free (d->method);
  g_variant_unref (d->params);
  g_free (d->msg_id);
  g_free (d);
}

static void
client_unref (HubClient *c)
{
  if (--c->refcount > 0)
    return;
  g_free (c->id);
  if (c->key)
    memset (c->key, 0, strlen (c->key));
  g_free (c->key);
  g_clear_pointer (&c->metadata, g_variant_unref);
  g_clear_pointer (&c->subscriptions, g_variant_unref);
  g_clear_pointer (&c->subs, g_ptr_array_unref);
  g_clear_pointer (&c->subs_of, g_variant_unref);
  g_free (c->callback);
  g_queue_clear_full (&c->queue, (GDestroyNotify) delivery_free);
  g_free (c);
}

static char *
random_token (guint nbytes)
{
  GString *s = g_string_sized_new (nbytes * 2);
  int fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);
  for (guint i = 0; i < nbytes; i++)
    {
      guint8 b = 0;
      if (fd < 0 || read (fd, &b, 1) != 1)
        b = (guint8) g_random_int_range (0, 256);
      g_string_append_printf (s, "%02x", b);
    }
  if (fd >= 0)
    close (fd);
  return g_string_free (s, FALSE);
}

static HubClient *
client_add (SampHub *hub, const char *id)
{
  HubClient *c = g_new0 (HubClient, 1);
  c->hub = hub;
  c->refcount = 1;
  c->id = g_strdup (id);
  c->key = random_token (16);
  c->metadata = g_variant_ref_sink (empty_map ());
  c->subscriptions = g_variant_ref_sink (empty_map ());
  g_queue_init (&c->queue);
  g_hash_table_insert (hub->by_id, c->id, c);
  g_hash_table_insert (hub->by_key, c->key, c);
  g_ptr_array_add (hub->order, c);
  return c;
}

static HubClient *
client_by_key (SampHub *hub, GVariant *params, guint index, GError **error)
{
  if (g_variant_n_children (params) <= index)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Missing private key argument");
      return NULL;
    }
  g_autoptr(GVariant) v = g_variant_get_child_value (params, index);
  g_autoptr(GVariant) u = unbox (v);
  HubClient *c = NULL;
  if (g_variant_is_of_type (u, G_VARIANT_TYPE_STRING))
    c = g_hash_table_lookup (hub->by_key, g_variant_get_string (u, NULL));
  if (c == NULL || c == hub->self)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "Unknown private key");
      return NULL;
    }
  return c;
}

/* Send a hub event (notification from "hub") to every client subscribed
 * to @mtype except @skip. */
static void
broadcast_event (SampHub *hub, const char *mtype, GVariant *params,
                 HubClient *skip)
{
  g_variant_ref_sink (params);
  for (guint i = 0; i < hub->order->len; i++)
    {
      HubClient *c = g_ptr_array_index (hub->order, i);
      if (c == skip || c == hub->self || !CALLABLE (c))
        continue;
      g_autoptr(GVariant) annot = client_subscription (c, mtype);
      if (annot == NULL)
        continue;
      GVariantBuilder msg;
      g_variant_builder_init (&msg, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&msg, "{sv}", "samp.mtype",
                             g_variant_new_string (mtype));
      g_variant_builder_add (&msg, "{sv}", "samp.params", params);
      deliver (c, "samp.client.receiveNotification",
               vvv (g_variant_new_string (c->key), g_variant_new_string (HUB_ID),
                    g_variant_builder_end (&msg)),
               NULL);
    }
  g_variant_unref (params);
}

static GVariant *
id_params (const char *id, const char *extra_key, GVariant *extra)
{
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&b, "{sv}", "id", g_variant_new_string (id));
  if (extra_key)
    g_variant_builder_add (&b, "{sv}", extra_key, extra);
  return g_variant_builder_end (&b);
}

/* Fail every call that waits on @c's reply; forget calls @c made. */
static void
calls_forget_client (SampHub *hub, HubClient *c)
{
  g_autoptr(GPtrArray) fail = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, hub->calls);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      HubCall *call = value;
      if (g_strcmp0 (call->recipient_id, c->id) == 0)
        g_ptr_array_add (fail, g_strdup (call->msg_id));
      else if (g_strcmp0 (call->sender_id, c->id) == 0 && call->waiter == NULL)
        g_hash_table_iter_remove (&iter);
    }
  for (guint i = 0; i < fail->len; i++)
    {
      GVariantBuilder err, resp;
      g_variant_builder_init (&err, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&err, "{sv}", "samp.errortxt",
                             g_variant_new_string ("Recipient unregistered before replying"));
      g_variant_builder_init (&resp, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&resp, "{sv}", "samp.status",
                             g_variant_new_string ("samp.error"));
      g_variant_builder_add (&resp, "{sv}", "samp.error",
                             g_variant_builder_end (&err));
      GVariant *r = g_variant_ref_sink (g_variant_builder_end (&resp));
      call_complete (hub, g_ptr_array_index (fail, i), r, c->id);
      g_variant_unref (r);
    }
}

/* Unregister @c: tell the others, fail calls it owed. */
static void
client_drop (SampHub *hub, HubClient *c, const char *why)
{
  if (c->gone)
    return;
  if (c != hub->self)
    g_info ("client %s unregistered (%s)", c->id, why);
  c->gone = TRUE;
  if (c->sink != NULL && c->sink->gone != NULL)
    c->sink->gone (c->sink_data);
  g_queue_clear_full (&c->queue, (GDestroyNotify) delivery_free);
  hub_net_forget (hub->net, c->callback);   /* its kept-alive connections */
  g_hash_table_remove (hub->by_key, c->key);
  g_ptr_array_remove (hub->order, c);
  client_ref (c);
  g_hash_table_remove (hub->by_id, c->id);  /* drops the table's ref */
  calls_forget_client (hub, c);
  if (hub->running)
    broadcast_event (hub, "samp.hub.event.unregister",
                     id_params (c->id, NULL, NULL), c);
  client_unref (c);
}

/* ================== deliveries ================== */

typedef struct {
  HubClient *client;
  HubDelivery *delivery;
} PostCtx;

static void pump (HubClient *c);

static void
post_done (gpointer user_data, const GError *transport_error,
           const GError *fault)
{
  PostCtx *ctx = user_data;
  HubClient *c = ctx->client;
  SampHub *hub = c->hub;
  c->in_flight--;
  if (!c->gone)
    {
      if (transport_error != NULL)
        {
          g_autofree char *why = g_strdup_printf ("callback failed: %s",
                                                  transport_error->message);
          client_drop (hub, c, why);
        }
      else
        {
          if (fault != NULL && ctx->delivery->msg_id != NULL)
            {
              /* the call never reached the application: answer it */
              GVariantBuilder err, resp;
              g_autofree char *txt = g_strdup_printf ("Delivery to %s failed: %s",
                                                      c->id, fault->message);
              g_variant_builder_init (&err, G_VARIANT_TYPE ("a{sv}"));
              g_variant_builder_add (&err, "{sv}", "samp.errortxt",
                                     g_variant_new_string (txt));
              g_variant_builder_init (&resp, G_VARIANT_TYPE ("a{sv}"));
              g_variant_builder_add (&resp, "{sv}", "samp.status",
                                     g_variant_new_string ("samp.error"));
              g_variant_builder_add (&resp, "{sv}", "samp.error",
                                     g_variant_builder_end (&err));
              GVariant *r = g_variant_ref_sink (g_variant_builder_end (&resp));
              call_complete (hub, ctx->delivery->msg_id, r, c->id);
              g_variant_unref (r);
            }
          else if (fault != NULL)
            g_debug ("client %s faulted on %s: %s", c->id,
                     ctx->delivery->method, fault->message);
          pump (c);
        }
    }
  delivery_free (ctx->delivery);
  client_unref (c);
  g_free (ctx);
}

static gboolean
sink_drop_idle (gpointer data)
{
  HubClient *c = data;
  client_drop (c->hub, c, "its callbacks are not collected: queue full");
  client_unref (c);
  return G_SOURCE_REMOVE;
}

/* A client of another profile takes its callbacks at once, without its
 * private key and the "samp.client." prefix.  One that cannot take more
 * is dropped from an idle source: never while the caller walks the table. */
static void
pump_sink (HubClient *c)
{
  HubDelivery *d;
  while (!c->gone && !c->sink_full && c->sink_callable
         && (d = g_queue_pop_head (&c->queue)) != NULL)
    {
      gsize n = g_variant_n_children (d->params);
      GVariantBuilder b;
      g_variant_builder_init (&b, G_VARIANT_TYPE ("av"));
      for (gsize i = 1; i < n; i++)
        {
          g_autoptr(GVariant) child = g_variant_get_child_value (d->params, i);
          g_autoptr(GVariant) u = unbox (child);
          g_variant_builder_add (&b, "v", u);
        }
      g_autoptr(GVariant) args = g_variant_ref_sink (g_variant_builder_end (&b));
      const char *method = d->method;
      if (g_str_has_prefix (method, "samp.client."))
        method += strlen ("samp.client.");
      if (!c->sink->deliver (c->sink_data, method, args))
        {
          c->sink_full = TRUE;
          g_autoptr(GSource) idle = g_idle_source_new ();
          g_source_set_callback (idle, sink_drop_idle, client_ref (c), NULL);
          g_source_attach (idle, c->hub->context);
        }
      delivery_free (d);
    }
}

static void
pump (HubClient *c)
{
  if (c->sink != NULL)
    {
      pump_sink (c);
      return;
    }
  while (c->in_flight < MAX_IN_FLIGHT && !c->gone && c->callback != NULL)
    {
      HubDelivery *d = g_queue_pop_head (&c->queue);
      if (d == NULL)
        return;
      PostCtx *ctx = g_new0 (PostCtx, 1);
      ctx->client = client_ref (c);
      ctx->delivery = d;
      c->in_flight++;
      hub_net_post (c->hub->net, c->callback, d->method, d->params,
                    c->hub->delivery_timeout, post_done, ctx);
    }
}

static void hub_self_receive (SampHub *hub, const char *method, GVariant *params);

/* Queue @method(@params) for @c; @params is sunk. */
static void
deliver (HubClient *c, const char *method, GVariant *params, const char *msg_id)
{
  g_variant_ref_sink (params);
  if (c == c->hub->self)
    {
      hub_self_receive (c->hub, method, params);
      g_variant_unref (params);
      return;
    }
  HubDelivery *d = g_new0 (HubDelivery, 1);
  d->method = g_strdup (method);
  d->params = params;
  d->msg_id = g_strdup (msg_id);
  g_queue_push_tail (&c->queue, d);
  pump (c);
}

/* ================== calls and replies ================== */

static void
call_free (HubCall *call)
{
  if (call->timeout_source)
    {
      g_source_destroy (call->timeout_source);
      g_source_unref (call->timeout_source);
    }
  if (call->waiter)
    {
      g_autoptr(GError) e = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                         "Hub shutting down");
      hub_request_fault (call->waiter, e);
    }
  g_free (call->msg_id);
  g_free (call->sender_id);
  g_free (call->recipient_id);
  g_free (call->msg_tag);
  g_free (call);
}

/* Hand @response to whoever waits for @msg_id and forget the call. */
static void
call_complete (SampHub *hub, const char *msg_id, GVariant *response,
               const char *responder_id)
{
  HubCall *call = g_hash_table_lookup (hub->calls, msg_id);
  if (call == NULL)
    return;
  if (call->waiter)
    {
      hub_request_return (call->waiter, g_variant_new_variant (response));
      call->waiter = NULL;
    }
  else
    {
      HubClient *sender = g_hash_table_lookup (hub->by_id, call->sender_id);
      if (sender != NULL)
        deliver (sender, "samp.client.receiveResponse",
                 vvvv (g_variant_new_string (sender->key), g_variant_new_string (responder_id),
                       g_variant_new_string (call->msg_tag), g_variant_new_variant (response)),
                 NULL);
    }
  g_hash_table_remove (hub->calls, msg_id);
}

static gboolean
call_timeout (gpointer data)
{
  HubCall *call = data;
  g_clear_pointer (&call->timeout_source, g_source_unref);
  if (call->waiter)
    {
      g_autoptr(GError) e = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                         "Synchronous call timeout");
      hub_request_fault (call->waiter, e);
      call->waiter = NULL;
    }
  g_hash_table_remove (call->hub->calls, call->msg_id);
  return G_SOURCE_REMOVE;
}

/* Register a pending call from @sender to @recipient and queue the
 * receiveCall.  Returns: (transfer none) the msg-id. */
static const char *
call_start (SampHub *hub, HubClient *sender, HubClient *recipient,
            const char *msg_tag, GVariant *message, HubRequest *waiter,
            double timeout_s)
{
  HubCall *call = g_new0 (HubCall, 1);
  call->hub = hub;
  call->msg_id = g_strdup_printf ("m%" G_GUINT64_FORMAT "_%s_%s",
                                  ++hub->next_msg, sender->id, recipient->id);
  call->sender_id = g_strdup (sender->id);
  call->recipient_id = g_strdup (recipient->id);
  call->msg_tag = g_strdup (msg_tag);
  call->waiter = waiter;
  g_hash_table_insert (hub->calls, call->msg_id, call);
  if (waiter != NULL && timeout_s > 0)
    {
      call->timeout_source = g_timeout_source_new ((guint) (timeout_s * 1000.0 + 0.5));
      g_source_set_callback (call->timeout_source, call_timeout, call, NULL);
      g_source_attach (call->timeout_source, hub->context);
    }
  const char *msg_id = call->msg_id;
  deliver (recipient, "samp.client.receiveCall",
           vvvv (g_variant_new_string (recipient->key), g_variant_new_string (sender->id),
                 g_variant_new_string (msg_id), g_variant_new_variant (message)),
           msg_id);
  return msg_id;
}

/* The hub as a client: answers samp.app.ping. */
typedef struct {
  SampHub *hub;
  char *msg_id;
} SelfReply;

static gboolean
self_reply_idle (gpointer data)
{
  SelfReply *r = data;
  GVariantBuilder resp;
  g_variant_builder_init (&resp, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&resp, "{sv}", "samp.status",
                         g_variant_new_string ("samp.ok"));
  g_variant_builder_add (&resp, "{sv}", "samp.result", empty_map ());
  GVariant *v = g_variant_ref_sink (g_variant_builder_end (&resp));
  call_complete (r->hub, r->msg_id, v, HUB_ID);
  g_variant_unref (v);
  g_free (r->msg_id);
  g_free (r);
  return G_SOURCE_REMOVE;
}

static void
hub_self_receive (SampHub *hub, const char *method, GVariant *params)
{
  if (strcmp (method, "samp.client.receiveCall") != 0)
    return;   /* notifications to the hub: nothing to do */
  g_autoptr(GVariant) v = g_variant_get_child_value (params, 2);
  g_autoptr(GVariant) id = unbox (v);
  SelfReply *r = g_new0 (SelfReply, 1);
  r->hub = hub;
  r->msg_id = g_variant_dup_string (id, NULL);
  g_autoptr(GSource) idle = g_idle_source_new ();
  g_source_set_callback (idle, self_reply_idle, r, NULL);
  g_source_attach (idle, hub->context);
}

/* ================== samp.hub.* methods ================== */

static gboolean
check_arity (GVariant *params, guint n, const char *method, GError **error)
{
  if (g_variant_n_children (params) != n)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s takes %u arguments, got %u", method, n,
                   (guint) g_variant_n_children (params));
      return FALSE;
    }
  return TRUE;
}

/* Returns: (transfer full) (nullable) */
static char *
arg_string (GVariant *params, guint i, const char *what, GError **error)
{
  g_autoptr(GVariant) v = g_variant_get_child_value (params, i);
  g_autoptr(GVariant) u = unbox (v);
  if (!g_variant_is_of_type (u, G_VARIANT_TYPE_STRING))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Argument %s is not a string", what);
      return NULL;
    }
  return g_variant_dup_string (u, NULL);
}

/* Returns: (transfer full) (nullable) */
static GVariant *
arg_map (GVariant *params, guint i, const char *what, GError **error)
{
  g_autoptr(GVariant) v = g_variant_get_child_value (params, i);
  g_autoptr(GVariant) u = unbox (v);
  if (!g_variant_is_of_type (u, G_VARIANT_TYPE ("a{sv}")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Argument %s is not a map", what);
      return NULL;
    }
  return g_steal_pointer (&u);
}

/* A message needs a string samp.mtype and a map samp.params.
 * Returns: (transfer full) (nullable): the MType. */
static char *
message_mtype (GVariant *message, GError **error)
{
  char *mtype = map_dup_string (message, "samp.mtype");
  if (mtype == NULL || *mtype == '\0')
    {
      g_free (mtype);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Message has no samp.mtype string");
      return NULL;
    }
  g_autoptr(GVariant) p = g_variant_lookup_value (message, "samp.params", NULL);
  g_autoptr(GVariant) pu = p ? unbox (p) : NULL;
  if (pu != NULL && !g_variant_is_of_type (pu, G_VARIANT_TYPE ("a{sv}")))
    {
      g_free (mtype);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Message samp.params is not a map");
      return NULL;
    }
  return mtype;
}

/* The sender's profile may restrict what it sends (the Web Profile's
 * MType list), given the recipient's subscription @annot. */
static gboolean
may_send (HubClient *sender, const char *mtype, GVariant *annot)
{
  return sender->sink == NULL || sender->sink->permit_send == NULL
    || sender->sink->permit_send (sender->sink_data, mtype, annot);
}

/* Returns: (transfer full): @subs as @viewer may see them (only the MTypes
 * it may send). */
static GVariant *
subscriptions_for (HubClient *viewer, GVariant *subs)
{
  if (viewer->sink == NULL || viewer->sink->permit_send == NULL)
    return g_variant_ref (subs);
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
  GVariantIter iter;
  const char *mtype;
  GVariant *annot;
  g_variant_iter_init (&iter, subs);
  while (g_variant_iter_loop (&iter, "{&sv}", &mtype, &annot))
    {
      g_autoptr(GVariant) a = unbox (annot);
      if (may_send (viewer, mtype, a))
        g_variant_builder_add (&b, "{sv}", mtype, a);
    }
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

/* Look up a target for a message from @sender. */
static HubClient *
target_for (SampHub *hub, HubClient *sender, const char *id,
            const char *mtype, GError **error)
{
  HubClient *c = g_hash_table_lookup (hub->by_id, id);
  if (c == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "No registered client %s", id);
      return NULL;
    }
  g_autoptr(GVariant) annot = client_subscription (c, mtype);
  if (annot == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "Client %s is not subscribed to %s", id, mtype);
      return NULL;
    }
  if (c != hub->self && !CALLABLE (c))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                   "Client %s is not callable", id);
      return NULL;
    }
  if (!may_send (sender, mtype, annot))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "MType %s is not allowed to this client's profile", mtype);
      return NULL;
    }
  return c;
}

static HubClient *
client_register (SampHub *hub)
{
  g_autofree char *id = g_strdup_printf ("c%" G_GUINT64_FORMAT, ++hub->next_client);
  HubClient *c = client_add (hub, id);
  g_info ("client %s registered", c->id);
  broadcast_event (hub, "samp.hub.event.register", id_params (c->id, NULL, NULL), NULL);
  return c;
}

HubClient *
hub_register_sink (SampHub *hub, const HubSinkFuncs *funcs, gpointer data, GError **error)
{
  if (!hub->running)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "Hub is shutting down");
      return NULL;
    }
  HubClient *c = client_register (hub);
  c->sink = funcs;
  c->sink_data = data;
  return c;
}

const char *
hub_client_get_id (HubClient *c)
{
  return c->id;
}

const char *
hub_client_get_key (HubClient *c)
{
  return c->key;
}

const char *
hub_get_id (SampHub *hub)
{
  (void) hub;
  return HUB_ID;
}

void
hub_client_set_sink_data (HubClient *c, gpointer data)
{
  c->sink_data = data;
}

void
hub_client_set_callable (HubClient *c, gboolean callable)
{
  c->sink_callable = callable;
  if (callable)
    pump (c);
}

void
hub_client_unregister (HubClient *c, const char *why)
{
  client_drop (c->hub, c, why);
}

gboolean
hub_is_running (SampHub *hub)
{
  return hub->running;
}

GMainContext *
hub_get_context (SampHub *hub)
{
  return hub->context;
}

static GVariant *
m_register (SampHub *hub, GVariant *params, GError **error)
{
  if (!check_arity (params, 1, "register", error))
    return NULL;
  g_autofree char *secret = arg_string (params, 0, "secret", error);
  if (secret == NULL)
    return NULL;
  if (!hub->running)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "Hub is shutting down");
      return NULL;
    }
  if (strcmp (secret, hub->secret) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "Bad secret");
      return NULL;
    }
  HubClient *c = client_register (hub);
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&b, "{sv}", "samp.private-key", g_variant_new_string (c->key));
  g_variant_builder_add (&b, "{sv}", "samp.hub-id", g_variant_new_string (HUB_ID));
  g_variant_builder_add (&b, "{sv}", "samp.self-id", g_variant_new_string (c->id));
  return g_variant_builder_end (&b);
}

static GVariant *
dispatch (SampHub *hub, const char *name, GVariant *params,
          HubRequest *request, gboolean *deferred, GError **error)
{
  if (strcmp (name, "ping") == 0)
    return g_variant_new_string ("");
  if (strcmp (name, "register") == 0)
    return m_register (hub, params, error);

  HubClient *c = client_by_key (hub, params, 0, error);
  if (c == NULL)
    return NULL;

  if (strcmp (name, "unregister") == 0)
    {
      if (!check_arity (params, 1, name, error))
        return NULL;
      client_drop (hub, c, "by request");
      return g_variant_new_string ("");
    }
  if (strcmp (name, "setXmlrpcCallback") == 0)
    {
      if (!check_arity (params, 2, name, error))
        return NULL;
      g_autofree char *url = arg_string (params, 1, "url", error);
      if (url == NULL)
        return NULL;
      if (!g_str_has_prefix (url, "http://"))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Callback URL is not an http: URL");
          return NULL;
        }
      if (c->callback != NULL && strcmp (c->callback, url) != 0)
        hub_net_forget (hub->net, c->callback);
      g_free (c->callback);
      c->callback = g_steal_pointer (&url);
      pump (c);
      return g_variant_new_string ("");
    }
  if (strcmp (name, "declareMetadata") == 0 || strcmp (name, "declareSubscriptions") == 0)
    {
      gboolean meta = name[7] == 'M';
      if (!check_arity (params, 2, name, error))
        return NULL;
      g_autoptr(GVariant) map = arg_map (params, 1, meta ? "metadata" : "subscriptions", error);
      if (map == NULL)
        return NULL;
      if (!meta)
        {
          GVariantIter iter;
          GVariant *annot;
          const char *pattern;
          g_variant_iter_init (&iter, map);
          while (g_variant_iter_loop (&iter, "{&sv}", &pattern, &annot))
            {
              g_autoptr(GVariant) a = unbox (annot);
              if (!g_variant_is_of_type (a, G_VARIANT_TYPE ("a{sv}")))
                {
                  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "Subscription annotation for %s is not a map", pattern);
                  g_variant_unref (annot);
                  return NULL;
                }
            }
        }
      GVariant **slot = meta ? &c->metadata : &c->subscriptions;
      g_clear_pointer (slot, g_variant_unref);
      *slot = g_variant_ref (map);
      broadcast_event (hub, meta ? "samp.hub.event.metadata" : "samp.hub.event.subscriptions",
                       id_params (c->id, meta ? "metadata" : "subscriptions",
                                  map), NULL);
      return g_variant_new_string ("");
    }
  if (strcmp (name, "getMetadata") == 0 || strcmp (name, "getSubscriptions") == 0)
    {
      if (!check_arity (params, 2, name, error))
        return NULL;
      g_autofree char *id = arg_string (params, 1, "client-id", error);
      if (id == NULL)
        return NULL;
      HubClient *other = g_hash_table_lookup (hub->by_id, id);
      if (other == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "No registered client %s", id);
          return NULL;
        }
      return name[3] == 'M' ? g_variant_ref (other->metadata)
                            : subscriptions_for (c, other->subscriptions);
    }
  if (strcmp (name, "getRegisteredClients") == 0)
    {
      if (!check_arity (params, 1, name, error))
        return NULL;
      GVariantBuilder b;
      g_variant_builder_init (&b, G_VARIANT_TYPE ("av"));
      for (guint i = 0; i < hub->order->len; i++)
        {
          HubClient *o = g_ptr_array_index (hub->order, i);
          if (o != c)
            g_variant_builder_add (&b, "v", g_variant_new_string (o->id));
        }
      return g_variant_builder_end (&b);
    }
  if (strcmp (name, "getSubscribedClients") == 0)
    {
      if (!check_arity (params, 2, name, error))
        return NULL;
      g_autofree char *mtype = arg_string (params, 1, "mtype", error);
      if (mtype == NULL)
        return NULL;
      GVariantBuilder b;
      g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
      for (guint i = 0; i < hub->order->len; i++)
        {
          HubClient *o = g_ptr_array_index (hub->order, i);
          if (o == c)
            continue;
          GVariant *annot = client_subscription (o, mtype);
          if (annot != NULL && may_send (c, mtype, annot))
            g_variant_builder_add (&b, "{sv}", o->id, annot);
          g_clear_pointer (&annot, g_variant_unref);
        }
      return g_variant_builder_end (&b);
    }
  if (strcmp (name, "notify") == 0 || strcmp (name, "call") == 0
      || strcmp (name, "callAndWait") == 0)
    {
      gboolean is_notify = name[0] == 'n';
      gboolean is_wait = name[4] == 'A';
      guint n = is_notify ? 3 : 4;
      if (!check_arity (params, n, name, error))
        return NULL;
      g_autofree char *target = arg_string (params, 1, "recipient-id", error);
      if (target == NULL)
        return NULL;
      g_autofree char *tag = NULL;
      if (!is_notify && !is_wait && (tag = arg_string (params, 2, "msg-tag", error)) == NULL)
        return NULL;
      g_autoptr(GVariant) msg = arg_map (params, is_notify || is_wait ? 2 : 3, "message", error);
      if (msg == NULL)
        return NULL;
      g_autofree char *mtype = message_mtype (msg, error);
      if (mtype == NULL)
        return NULL;
      double timeout = 0;
      if (is_wait)
        {
          g_autofree char *t = arg_string (params, 3, "timeout", error);
          if (t == NULL)
            return NULL;
          char *end = NULL;
          timeout = g_ascii_strtod (t, &end);
          if (end == t || *end != '\0')
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "Timeout \"%s\" is not a number", t);
              return NULL;
            }
        }
      if (!is_notify && !is_wait && !CALLABLE (c))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                       "Client %s is not callable", c->id);
          return NULL;
        }
      HubClient *r = target_for (hub, c, target, mtype, error);
      if (r == NULL)
        return NULL;
      if (is_notify)
        {
          deliver (r, "samp.client.receiveNotification",
                   vvv (g_variant_new_string (r->key), g_variant_new_string (c->id),
                        g_variant_new_variant (msg)), NULL);
          return g_variant_new_string ("");
        }
      const char *msg_id = call_start (hub, c, r, tag ? tag : "", msg,
                                       is_wait ? request : NULL, timeout);
      if (is_wait)
        {
          *deferred = TRUE;
          return NULL;
        }
      return g_variant_new_string (msg_id);
    }
  if (strcmp (name, "notifyAll") == 0 || strcmp (name, "callAll") == 0)
    {
      gboolean is_notify = name[0] == 'n';
      if (!check_arity (params, is_notify ? 2 : 3, name, error))
        return NULL;
      g_autofree char *tag = NULL;
      if (!is_notify && (tag = arg_string (params, 1, "msg-tag", error)) == NULL)
        return NULL;
      g_autoptr(GVariant) msg = arg_map (params, is_notify ? 1 : 2, "message", error);
      if (msg == NULL)
        return NULL;
      g_autofree char *mtype = message_mtype (msg, error);
      if (mtype == NULL)
        return NULL;
      if (!is_notify && !CALLABLE (c))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                       "Client %s is not callable", c->id);
          return NULL;
        }
      GVariantBuilder b;
      g_variant_builder_init (&b, is_notify ? G_VARIANT_TYPE ("av") : G_VARIANT_TYPE ("a{sv}"));
      /* copy: a delivery to the hub itself never changes the table, but
       * keep the loop independent of it anyway */
      g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func ((GDestroyNotify) client_unref);
      for (guint i = 0; i < hub->order->len; i++)
        {
          HubClient *o = g_ptr_array_index (hub->order, i);
          if (o == c || (o != hub->self && !CALLABLE (o)))
            continue;
          g_autoptr(GVariant) annot = client_subscription (o, mtype);
          if (annot != NULL && may_send (c, mtype, annot))
            g_ptr_array_add (targets, client_ref (o));
        }
      for (guint i = 0; i < targets->len; i++)
        {
          HubClient *o = g_ptr_array_index (targets, i);
          if (o->gone)
            continue;
          if (is_notify)
            {
              deliver (o, "samp.client.receiveNotification",
                       vvv (g_variant_new_string (o->key), g_variant_new_string (c->id),
                            g_variant_new_variant (msg)), NULL);
              g_variant_builder_add (&b, "v", g_variant_new_string (o->id));
            }
          else
            {
              const char *msg_id = call_start (hub, c, o, tag, msg, NULL, 0);
              g_variant_builder_add (&b, "{sv}", o->id, g_variant_new_string (msg_id));
            }
        }
      return g_variant_builder_end (&b);
    }
  if (strcmp (name, "reply") == 0)
    {
      if (!check_arity (params, 3, name, error))
        return NULL;
      g_autofree char *msg_id = arg_string (params, 1, "msg-id", error);
      if (msg_id == NULL)
        return NULL;
      g_autoptr(GVariant) resp = arg_map (params, 2, "response", error);
      if (resp == NULL)
        return NULL;
      HubCall *call = g_hash_table_lookup (hub->calls, msg_id);
      if (call == NULL || strcmp (call->recipient_id, c->id) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "No pending call %s for client %s", msg_id, c->id);
          return NULL;
        }
      g_autofree char *status = map_dup_string (resp, "samp.status");
      if (status == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Response has no samp.status string");
          return NULL;
        }
      call_complete (hub, msg_id, resp, c->id);
      return g_variant_new_string ("");
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               "No such method samp.hub.%s", name);
  return NULL;
}

/* Entry point from the transport for every incoming call. */
static void
on_call (SampHub *hub, const char *method, GVariant *params, HubRequest *request)
{
  hub_handle_call (hub, method, params, request);
}

void
hub_handle_call (SampHub *hub, const char *method, GVariant *params, HubRequest *request)
{
  g_autoptr(GError) error = NULL;
  /* @params are SAMP values already: the Standard Profile's come from
   * samp-xmlrpc's strict reader, which makes nothing else, and the Web
   * Profile checks its own (a walk of them here cost ~15k instructions
   * a message) */
  if (!g_str_has_prefix (method, "samp.hub."))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "No such method %s", method);
      hub_request_fault (request, error);
      return;
    }
  gboolean deferred = FALSE;
  GVariant *result = dispatch (hub, method + strlen ("samp.hub."), params,
                               request, &deferred, &error);
  if (deferred)
    return;
  if (result == NULL)
    {
      g_debug ("samp.hub.%s fault: %s", method + 9, error->message);
      hub_request_fault (request, error);
    }
  else
    hub_request_return (request, result);
}

/* ================== lifecycle ================== */

SampHub *
samp_hub_new (void)
{
  SampHub *hub = g_new0 (SampHub, 1);
  hub->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                      (GDestroyNotify) client_unref);
  hub->by_key = g_hash_table_new (g_str_hash, g_str_equal);
  hub->order = g_ptr_array_new ();
  hub->calls = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                      (GDestroyNotify) call_free);
  hub->delivery_timeout = 30;
  hub->web_options.restrict_mtypes = TRUE;
  return hub;
}

void
samp_hub_set_lockfile (SampHub *hub, const char *path)
{
  g_return_if_fail (hub != NULL && !hub->running);
  g_free (hub->lockfile_override);
  hub->lockfile_override = g_strdup (path);
}

void
samp_hub_set_web_profile (SampHub *hub, const SampHubWebOptions *options)
{
  g_return_if_fail (hub != NULL && !hub->running && options != NULL);
  g_strfreev (hub->web_options.origins);
  hub->web_options = *options;
  hub->web_options.origins = g_strdupv (options->origins);
}

gboolean
samp_hub_web_auth_parse (const char *text, SampHubWebAuth *auth, GError **error)
{
  static const char *const names[] = { "ask", "origins", "accept" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (text, names[i]) == 0)
      {
        *auth = (SampHubWebAuth) i;
        return TRUE;
      }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "web authorization must be ask, origins or accept, not \"%s\"", text);
  return FALSE;
}

const char *
samp_hub_get_web_url (SampHub *hub)
{
  g_return_val_if_fail (hub != NULL, NULL);
  return hub->web != NULL ? hub_web_get_url (hub->web) : NULL;
}

void
samp_hub_set_delivery_timeout (SampHub *hub, guint seconds)
{
  g_return_if_fail (hub != NULL && seconds > 0);
  hub->delivery_timeout = seconds;
}

gboolean
samp_hub_start (SampHub *hub, GError **error)
{
  g_return_val_if_fail (hub != NULL, FALSE);
  g_return_val_if_fail (!hub->running, FALSE);
  g_autofree char *path = hub->lockfile_override
    ? g_strdup (hub->lockfile_override) : samp_hub_lockfile_path (error);
  if (path == NULL)
    return FALSE;
  if (samp_hub_is_live (path, 2000))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "A SAMP hub is already running (lockfile %s)", path);
      return FALSE;
    }
  g_clear_pointer (&hub->context, g_main_context_unref);
  hub->context = g_main_context_ref_thread_default ();
  hub->net = hub_net_new (hub, on_call, error);
  if (hub->net == NULL)
    return FALSE;
  hub->url = g_strdup (hub_net_get_url (hub->net));
  hub->secret = random_token (16);
  hub->lockfile = g_steal_pointer (&path);

  hub->self = client_add (hub, HUB_ID);
  GVariantBuilder meta;
  g_variant_builder_init (&meta, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&meta, "{sv}", "samp.name", g_variant_new_string ("Hub"));
  g_variant_builder_add (&meta, "{sv}", "samp.description.text",
                         g_variant_new_string ("cadc-samp embedded SAMP hub"));
  g_variant_builder_add (&meta, "{sv}", "hub.version", g_variant_new_string (PACKAGE_VERSION));
  g_variant_unref (hub->self->metadata);
  hub->self->metadata = g_variant_ref_sink (g_variant_builder_end (&meta));
  GVariantBuilder subs;
  g_variant_builder_init (&subs, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&subs, "{sv}", "samp.app.ping", empty_map ());
  g_variant_unref (hub->self->subscriptions);
  hub->self->subscriptions = g_variant_ref_sink (g_variant_builder_end (&subs));

  if (!hub_lockfile_write (hub->lockfile, hub->secret, hub->url, error))
    {
      g_clear_pointer (&hub->net, hub_net_free);
      client_drop (hub, hub->self, "start failed");
      hub->self = NULL;
      g_clear_pointer (&hub->url, g_free);
      g_clear_pointer (&hub->lockfile, g_free);
      g_clear_pointer (&hub->secret, g_free);
      return FALSE;
    }
  hub->running = TRUE;
  g_message ("SAMP hub running at %s (lockfile %s)", hub->url, hub->lockfile);
  if (hub->web_options.enabled)
    {
      g_autoptr(GError) werr = NULL;
      hub->web = hub_web_new (hub, &hub->web_options, &werr);
      if (hub->web == NULL)
        g_warning ("SAMP Web Profile not started, the Standard Profile runs alone: %s",
                   werr->message);
    }
  return TRUE;
}

static gboolean
queues_busy (SampHub *hub)
{
  for (guint i = 0; i < hub->order->len; i++)
    {
      HubClient *c = g_ptr_array_index (hub->order, i);
      if (c->in_flight || !g_queue_is_empty (&c->queue))
        return TRUE;
    }
  return FALSE;
}

void
samp_hub_stop (SampHub *hub)
{
  g_return_if_fail (hub != NULL);
  if (!hub->running)
    return;
  /* shutdown event to everyone first (registrations are refused from
   * now on), then the lockfile goes */
  broadcast_event (hub, "samp.hub.event.shutdown", empty_map (), NULL);
  hub->running = FALSE;
  gint64 end = g_get_monotonic_time () + SHUTDOWN_GRACE_MS * 1000;
  while (queues_busy (hub) && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (hub->context, FALSE))
      g_usleep (1000);
  hub_lockfile_remove (hub->lockfile, hub->url);
  g_hash_table_remove_all (hub->calls);
  while (hub->order->len > 0)
    client_drop (hub, g_ptr_array_index (hub->order, 0), "hub stopped");
  hub->self = NULL;
  g_clear_pointer (&hub->web, hub_web_free);
  g_clear_pointer (&hub->net, hub_net_free);
  g_message ("SAMP hub stopped");
}

const char *
samp_hub_get_url (SampHub *hub)
{
  g_return_val_if_fail (hub != NULL, NULL);
  return hub->url;
}

const char *
samp_hub_get_lockfile (SampHub *hub)
{
  g_return_val_if_fail (hub != NULL, NULL);
  return hub->lockfile;
}

guint
samp_hub_get_n_clients (SampHub *hub)
{
  g_return_val_if_fail (hub != NULL, 0);
  return hub->order->len > 0 && hub->self ? hub->order->len - 1 : hub->order->len;
}

void
samp_hub_free (SampHub *hub)
{
  if (hub == NULL)
    return;
  samp_hub_stop (hub);
  g_hash_table_destroy (hub->calls);
  g_hash_table_destroy (hub->by_key);
  g_hash_table_destroy (hub->by_id);
  g_ptr_array_free (hub->order, TRUE);
  if (hub->secret)
    memset (hub->secret, 0, strlen (hub->secret));
  g_free (hub->secret);
  g_free (hub->url);
  g_free (hub->lockfile);
  g_free (hub->lockfile_override);
  g_strfreev (hub->web_options.origins);
  g_clear_pointer (&hub->context, g_main_context_unref);
  g_free (hub);
}

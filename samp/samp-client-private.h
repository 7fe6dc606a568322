/* samp-client-private.h: what samp-client.c (connection, callbacks) and
 * samp-client-messaging.c (sending, queries, the client table readers)
 * share.  Not installed; not for users of libsamp. */
#pragma once

#include "samp-client.h"
#include "samp-http.h"
#include "samp-lockfile.h"

G_BEGIN_DECLS

#define HUB_CALL_TIMEOUT_MS 20000     /* ordinary hub methods */
#define PING_TIMEOUT_MS 2000          /* liveness checks: stale lockfile = no hub, quickly */
#define UNREGISTER_TIMEOUT_MS 3000
#define WATCH_INTERVAL_MS 5000        /* auto-reconnect: ping; lockfile poll when unmonitored */
#define WATCH_INTERVAL_ENV "LIBSAMP_WATCH_INTERVAL_MS"  /* tests: override the interval */

typedef struct {
  char *pattern;
  SampMessageHandler handler;
  gpointer user_data;
} Subscription;

typedef struct {
  GVariant *metadata;       /* nullable a{sv} */
  GVariant *subscriptions;  /* nullable a{sv} */
} KnownClient;

/* An outstanding call()/callAll(), keyed by our msg-tag. */
typedef struct {
  GTask *task;
  gboolean all;
  GHashTable *expected;     /* callAll: recipient ids, NULL until the hub answered */
  GHashTable *responses;    /* responder id → response (GVariant) */
  guint timeout_id;
} Pending;

struct _SampClient {
  GObject parent;
  GMainContext *context;
  char *name;
  GHashTable *metadata;     /* key → value */
  GPtrArray *subs;          /* Subscription* */
  char *lockfile_url;       /* override, nullable */

  SampLockfile *lockfile;
  char *hub_url;
  char *private_key;
  char *self_id;
  char *hub_id;
  SampHttpServer *server;
  gboolean connected;
  gboolean connecting;
  guint generation;         /* bumped on every (dis)connection */

  gboolean auto_reconnect;
  guint watch_interval_ms;  /* 0 = WATCH_INTERVAL_MS or $LIBSAMP_WATCH_INTERVAL_MS */
  guint watch_id;           /* the periodic tick */
  gboolean ping_in_flight;
  GFileMonitor *monitor;    /* on the lockfile's directory; NULL = poll */
  GFile *watched;           /* the lockfile the monitor reports on */
  guint check_id;           /* pending (debounced / retry) lockfile check */
  gboolean checking;        /* an async lockfile read is under way */
  gboolean check_again;     /* the lockfile changed while connecting/checking */
  guint retries;            /* failed connects since the last lockfile event */
  GCancellable *watch_cancel;

  GHashTable *clients;      /* id → KnownClient* */
  GHashTable *pending;      /* msg-tag → Pending* */
  guint next_tag;
  guint sig_int, sig_term;
  GMainLoop *quit_loop;
};

/* Hub XML-RPC calls (samp-client.c).  @args is a SAMP list, consumed. */
void samp_client_hub_call_async (SampClient *self, const char *url, const char *method,
                                 GVariant *args, guint timeout_ms, GCancellable *cancellable,
                                 GAsyncReadyCallback cb, gpointer user_data);
GVariant *samp_client_hub_call_finish (GAsyncResult *res, GError **error);
GVariant *samp_client_hub_call_sync (SampClient *self, const char *method, GVariant *args,
                                     guint timeout_ms, GError **error);
/* Returns: (floating): [private-key, first, ...] up to a NULL (arguments consumed). */
GVariant *samp_client_pk_args (SampClient *self, GVariant *first, ...);
void samp_client_sync_cb (GObject *source, GAsyncResult *res, gpointer data);
GAsyncResult *samp_client_wait_result (SampClient *self, GAsyncResult **slot);
gboolean samp_client_require_connected (SampClient *self, GError **error);
void samp_client_log_failure_cb (GObject *source, GAsyncResult *res, gpointer data);

/* samp-client.c */
void samp_client_hub_lost (SampClient *self, const char *reason);

/* samp-client-watch.c: start/stop watching (auto-reconnect) */
void samp_client_watch_start (SampClient *self);
void samp_client_watch_stop (SampClient *self);

/* samp-client-messaging.c */
void samp_client_pending_free (Pending *p);
void samp_client_handle_response (SampClient *self, const char *responder, const char *tag,
                                  GVariant *response);

G_END_DECLS

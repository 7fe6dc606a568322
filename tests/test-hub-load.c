/* test-hub-load.c: many notifications through a hub, counted at arrival.
 *
 * N SampClients (libsamp, all C) register with a hub and subscribe to
 * bench.load; each sends M notifications round-robin to the next client,
 * keeping up to W of its own notifications in flight (samp.hub.notify
 * sent asynchronously: a new one as soon as the hub accepts one), so the
 * hub, not one round trip at a time, sets the pace; the run ends when
 * every message has arrived (or after a timeout).  As a test it starts
 * its own cadc-samp hub in a thread and asserts that no message is lost.
 * As a load driver for bench/bench-hub.sh it points at an external hub
 * (HUB_LOAD_LOCKFILE=path; JSAMP's or ours) and prints "msg/s N lost L",
 * which measures the hub without Java clients in the way; with
 * HUB_LOAD_PINGS=P it then prints the median round trip of P
 * samp.hub.ping calls and of P samp.app.ping callAndWaits from one client
 * to another through the hub ("ping-ms hub X app Y"), one at a time.
 * Env: HUB_LOAD_CLIENTS (4), HUB_LOAD_MESSAGES (per client, 100),
 * HUB_LOAD_WINDOW (in flight per client, 4), HUB_LOAD_PINGS (0),
 * HUB_LOAD_TRACE (set: a line on stderr every 1000 arrivals and after
 * every gap over 20 ms, naming the client: how a stall showed up, the
 * SYNs GIO's listen backlog of 10 dropped at the end of each run).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <glib/gstdio.h>

#include "samp-client.h"
#include "samp-hub.h"
#include "samp-value.h"

typedef struct {
  guint received;
  gint64 t0;                /* HUB_LOAD_TRACE: the start, monotonic µs; 0 = no trace */
  gint64 last;              /* the arrival before, monotonic µs */
} Counter;

static void
on_load (SampClient *client, const char *sender_id, const char *msg_id,
         const char *mtype, GVariant *params, gpointer user_data)
{
  Counter *c = user_data;
  (void) client; (void) sender_id; (void) msg_id; (void) mtype; (void) params;
  c->received++;
  if (c->t0 != 0)
    {
      gint64 now = g_get_monotonic_time ();
      if (c->received % 1000 == 0 || now - c->last > 20000)
        g_printerr ("trace %.1f ms: %u received (%s, %.1f ms after the one before)\n",
                    (now - c->t0) / 1e3, c->received, samp_client_get_self_id (client),
                    (now - c->last) / 1e3);
      c->last = now;
    }
}

static guint
env_uint (const char *name, guint def)
{
  const char *v = g_getenv (name);
  return v && *v ? (guint) g_ascii_strtoull (v, NULL, 10) : def;
}

typedef struct {
  SampClient *from;
  const char *to_id;
  guint sent, acked, nmsg, in_flight;
  gboolean *failed;
} Sender;

static void send_more (Sender *s, guint window);

static guint window_size;

static void
notify_acked (GObject *source, GAsyncResult *res, gpointer data)
{
  Sender *s = data;
  g_autoptr(GError) error = NULL;
  if (!samp_client_notify_finish (SAMP_CLIENT (source), res, &error))
    {
      g_printerr ("notify: %s\n", error->message);
      *s->failed = TRUE;
    }
  s->in_flight--;
  s->acked++;
  send_more (s, window_size);
}

static void
send_more (Sender *s, guint window)
{
  while (!*s->failed && s->sent < s->nmsg && s->in_flight < window)
    {
      g_autofree char *n = g_strdup_printf ("%u", s->sent);
      s->sent++;
      s->in_flight++;
      samp_client_notify_async (s->from, s->to_id, "bench.load",
                                samp_map_new_strings ("n", n, NULL), NULL, notify_acked, s);
    }
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Median round trip in ms of @n samp.hub.ping (@app FALSE) or samp.app.ping
 * callAndWait from @a to @b (@app TRUE), one at a time; -1 on failure. */
static double
ping_median (SampClient *a, SampClient *b, guint n, gboolean app)
{
  g_autoptr(GArray) ms = g_array_sized_new (FALSE, FALSE, sizeof (double), n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 t0 = g_get_monotonic_time ();
      gboolean ok;
      if (app)
        {
          g_autoptr(GVariant) r = samp_client_call_and_wait (a, samp_client_get_self_id (b),
                                                             "samp.app.ping", NULL, 10, &error);
          ok = r != NULL;
        }
      else
        ok = samp_client_ping (a, &error);
      double dt = (g_get_monotonic_time () - t0) / 1e3;
      if (!ok)
        {
          g_printerr ("ping: %s\n", error->message);
          return -1;
        }
      g_array_append_val (ms, dt);
    }
  g_array_sort (ms, cmp_double);
  return n ? g_array_index (ms, double, n / 2) : -1;
}

static gboolean
tick_cb (gpointer data)
{
  (void) data;
  return G_SOURCE_CONTINUE;
}

/* Returns the message rate, or -1 on failure (with a diagnostic). */
static double
run_load (const char *lockfile, guint nclients, guint nmsg, guint npings, guint *lost)
{
  g_autofree char *url = g_filename_to_uri (lockfile, NULL, NULL);
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
  Counter counter = { 0 };
  gboolean failed = FALSE;
  for (guint i = 0; i < nclients; i++)
    {
      g_autofree char *name = g_strdup_printf ("load%u", i);
      SampClient *c = samp_client_new (name);
      samp_client_set_lockfile_url (c, url);
      samp_client_subscribe (c, "bench.load", on_load, &counter);
      g_autoptr(GError) error = NULL;
      if (!samp_client_connect (c, &error))
        {
          g_printerr ("connect: %s\n", error->message);
          g_object_unref (c);
          return -1;
        }
      g_ptr_array_add (clients, c);
    }
  /* let subscriptions settle */
  gint64 settle = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time () < settle)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);

  guint total = nclients * nmsg;
  g_autofree Sender *senders = g_new0 (Sender, nclients);
  gint64 t0 = g_get_monotonic_time ();
  if (g_getenv ("HUB_LOAD_TRACE") != NULL)
    counter.t0 = counter.last = t0;
  for (guint i = 0; i < nclients; i++)
    {
      senders[i].from = g_ptr_array_index (clients, i);
      senders[i].to_id = samp_client_get_self_id (g_ptr_array_index (clients, (i + 1) % nclients));
      senders[i].nmsg = nmsg;
      senders[i].failed = &failed;
    }
  /* start round-robin, one each, then fill the windows */
  for (guint w = 1; w <= window_size; w++)
    for (guint i = 0; i < nclients; i++)
      send_more (&senders[i], w);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (200, tick_cb, NULL);   /* wakes the loop to see the deadline */
  gboolean acked = FALSE;
  while (!failed && (counter.received < total || !acked) && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      acked = TRUE;
      for (guint i = 0; i < nclients; i++)
        acked = acked && senders[i].acked == nmsg;
    }
  double secs = (g_get_monotonic_time () - t0) / 1e6;
  g_source_remove (tick);
  *lost = total - counter.received;
  if (npings > 0 && nclients >= 2 && !failed)
    {
      double hub = ping_median (g_ptr_array_index (clients, 0), NULL, npings, FALSE);
      double app = ping_median (g_ptr_array_index (clients, 0), g_ptr_array_index (clients, 1),
                                npings, TRUE);
      if (hub < 0 || app < 0)
        failed = TRUE;
      else
        printf ("ping-ms hub %.3f app %.3f\n", hub, app);
    }
  for (guint i = 0; i < clients->len; i++)
    samp_client_disconnect (g_ptr_array_index (clients, i));
  return failed ? -1 : total / secs;
}

/* ---- test mode: our own hub in a thread ---- */

typedef struct {
  SampHub *hub;
  GMainContext *ctx;
  GMainLoop *loop;
  GMutex lock;
  GCond cond;
  gboolean ready;
  gboolean ok;
} HubThread;

static gpointer
hub_thread (gpointer data)
{
  HubThread *h = data;
  g_main_context_push_thread_default (h->ctx);
  g_autoptr(GError) error = NULL;
  gboolean ok = samp_hub_start (h->hub, &error);
  if (!ok)
    g_printerr ("hub: %s\n", error->message);
  g_mutex_lock (&h->lock);
  h->ok = ok;
  h->ready = TRUE;
  g_cond_signal (&h->cond);
  g_mutex_unlock (&h->lock);
  if (ok)
    {
      g_main_loop_run (h->loop);
      samp_hub_stop (h->hub);
    }
  g_main_context_pop_thread_default (h->ctx);
  return NULL;
}

static gboolean
quit_idle (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
test_no_loss (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-hub-load-XXXXXX", NULL);
  g_autofree char *lockfile = g_build_filename (dir, "lock", NULL);
  HubThread h = { 0 };
  g_mutex_init (&h.lock);
  g_cond_init (&h.cond);
  h.hub = samp_hub_new ();
  samp_hub_set_lockfile (h.hub, lockfile);
  h.ctx = g_main_context_new ();
  h.loop = g_main_loop_new (h.ctx, FALSE);
  GThread *t = g_thread_new ("hub", hub_thread, &h);
  g_mutex_lock (&h.lock);
  while (!h.ready)
    g_cond_wait (&h.cond, &h.lock);
  g_mutex_unlock (&h.lock);
  g_assert_true (h.ok);

  guint lost = 0;
  guint nclients = env_uint ("HUB_LOAD_CLIENTS", 4), nmsg = env_uint ("HUB_LOAD_MESSAGES", 100);
  double rate = run_load (lockfile, nclients, nmsg, 0, &lost);
  g_assert_cmpfloat (rate, >, 0);
  g_assert_cmpuint (lost, ==, 0);
  g_test_message ("%u notifications, %.0f msg/s", nclients * nmsg, rate);

  g_main_context_invoke (h.ctx, quit_idle, h.loop);
  g_thread_join (t);
  samp_hub_free (h.hub);
  g_main_loop_unref (h.loop);
  g_main_context_unref (h.ctx);
  g_unlink (lockfile);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  window_size = MAX (env_uint ("HUB_LOAD_WINDOW", 4), 1);
  const char *external = g_getenv ("HUB_LOAD_LOCKFILE");
  if (external != NULL && *external != '\0')
    {
      guint lost = 0;
      double rate = run_load (external, env_uint ("HUB_LOAD_CLIENTS", 4),
                              env_uint ("HUB_LOAD_MESSAGES", 100),
                              env_uint ("HUB_LOAD_PINGS", 0), &lost);
      if (rate < 0)
        return 1;
      printf ("msg/s %.0f lost %u\n", rate, lost);
      return lost == 0 ? 0 : 1;
    }
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub/load/no-loss", test_no_loss);
  return g_test_run ();
}

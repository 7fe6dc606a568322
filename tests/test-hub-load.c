/* test-hub-load.c: many notifications through a hub, counted at arrival.
 *
 * N SampClients (libsamp, all C) register with a hub and subscribe to
 * bench.load; each sends M notifications round-robin to the next client;
 * the run ends when every message has arrived (or after a timeout).  As a
 * test it starts its own cadc-samp hub in a thread and asserts that no
 * message is lost.  As a load driver for bench/bench-hub.sh it points at
 * an external hub (HUB_LOAD_LOCKFILE=path; JSAMP's or ours) and prints
 * "msg/s N", which measures the hub without Java clients in the way.
 * Env: HUB_LOAD_CLIENTS (4), HUB_LOAD_MESSAGES (per client, 100).
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
} Counter;

static void
on_load (SampClient *client, const char *sender_id, const char *msg_id,
         const char *mtype, GVariant *params, gpointer user_data)
{
  Counter *c = user_data;
  (void) client; (void) sender_id; (void) msg_id; (void) mtype; (void) params;
  c->received++;
}

static guint
env_uint (const char *name, guint def)
{
  const char *v = g_getenv (name);
  return v && *v ? (guint) g_ascii_strtoull (v, NULL, 10) : def;
}

/* Returns the message rate, or -1 on failure (with a diagnostic). */
static double
run_load (const char *lockfile, guint nclients, guint nmsg, guint *lost)
{
  g_autofree char *url = g_filename_to_uri (lockfile, NULL, NULL);
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
  Counter counter = { 0 };
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
  gint64 t0 = g_get_monotonic_time ();
  for (guint m = 0; m < nmsg; m++)
    for (guint i = 0; i < nclients; i++)
      {
        SampClient *from = g_ptr_array_index (clients, i);
        SampClient *to = g_ptr_array_index (clients, (i + 1) % nclients);
        g_autoptr(GError) error = NULL;
        g_autofree char *n = g_strdup_printf ("%u", m);
        if (!samp_client_notify (from, samp_client_get_self_id (to), "bench.load",
                                 samp_map_new_strings ("n", n, NULL), &error))
          {
            g_printerr ("notify: %s\n", error->message);
            return -1;
          }
        g_main_context_iteration (NULL, FALSE);
      }
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (counter.received < total && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (200), TRUE);
  double secs = (g_get_monotonic_time () - t0) / 1e6;
  *lost = total - counter.received;
  for (guint i = 0; i < clients->len; i++)
    samp_client_disconnect (g_ptr_array_index (clients, i));
  return total / secs;
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
  double rate = run_load (lockfile, nclients, nmsg, &lost);
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
  const char *external = g_getenv ("HUB_LOAD_LOCKFILE");
  if (external != NULL && *external != '\0')
    {
      guint lost = 0;
      double rate = run_load (external, env_uint ("HUB_LOAD_CLIENTS", 4),
                              env_uint ("HUB_LOAD_MESSAGES", 100), &lost);
      if (rate < 0)
        return 1;
      printf ("msg/s %.0f lost %u\n", rate, lost);
      return lost == 0 ? 0 : 1;
    }
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub/load/no-loss", test_no_loss);
  return g_test_run ();
}

/* bridge-viewers.c: per-viewer queues of SAMP calls (see the header).
 *
 * A Viewer is one recipient: its queue of Jobs, the ds9 frames we created
 * in it and the frame holding our footprints.  A Job is what one send
 * means for one viewer, as a queue of Steps (one SAMP message each); the
 * answer to a step may plan the next steps (ds9: `frame all` decides which
 * frames to reuse, create or delete).  One job runs per viewer at a time,
 * one step at a time.  An image Batch is shared by the jobs of all viewers
 * so that one line per image can say who loaded it (batches, jobs and
 * steps are built in bridge-viewer-jobs.c, ds9's plans in bridge-ds9.c:
 * this file calls them, they never call back).  Every call out holds
 * a reference to the CsViewers; after cs_viewers_close the answers are
 * only dropped.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bridge-footprint.h"
#include "bridge-viewers-private.h"
#include "samp-error.h"
#include "samp-mtype.h"
#include "samp-value.h"

static void viewer_next (Viewer *w);
static void viewers_unref (CsViewers *v);

typedef struct {
  CsViewers *owner;
  Job *job;
  Step *step;
} Call;

static void viewer_step (Viewer *w);
static void step_notified (GObject *source, GAsyncResult *res, gpointer data);

static void
step_answered (GObject *source, GAsyncResult *res, gpointer data)
{
  Call *c = data;
  CsViewers *v = c->owner;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) response = samp_client_call_finish (SAMP_CLIENT (source), res, &error);

  if (!v->closed)
    {
      Job *j = c->job;
      Viewer *w = j->viewer;
      Step *s = c->step;
      const char *status = response ? samp_map_lookup_string (response, "samp.status") : NULL;
      g_autoptr(GVariant) result = response ? samp_map_lookup (response, "samp.result") : NULL;
      g_autoptr(GVariant) err = response ? samp_map_lookup (response, "samp.error") : NULL;
      g_autofree char *why = NULL;

      w->answered = w->answered || response != NULL;
      if (response == NULL)
        why = g_strdup (g_error_matches (error, SAMP_ERROR, SAMP_ERROR_TIMEOUT)
                        ? "no answer in time" : error->message);
      else if (g_strcmp0 (status, "samp.ok") != 0 && g_strcmp0 (status, "samp.warning") != 0)
        {
          const char *txt = err ? samp_map_lookup_string (err, "samp.errortxt") : NULL;
          why = g_strdup (txt ? txt : "samp.error");
        }
      if (why == NULL)
        {
          if (s->done)
            s->done (j, s, result);
        }
      else if (s->image >= 0)
        cs_viewers_batch_report (j, (guint) s->image, NULL, why);
      else
        g_message ("%s %s to %s: %s", s->mtype,
                   samp_map_lookup_string (s->params, "cmd")
                   ? samp_map_lookup_string (s->params, "cmd") : "", w->name, why);
      cs_viewers_step_free (s);
      s = NULL;
      if (response == NULL)
        {
          /* no answer (timeout, gone, hub refused): the rest of this job
           * is not sent; a viewer that does not answer gets notifications */
          if (g_error_matches (error, SAMP_ERROR, SAMP_ERROR_TIMEOUT) && !w->answered)
            {
              w->notify_only = TRUE;
              g_warning ("%s did not answer a call within %u s: it gets notifications from now on",
                         w->name, v->config->viewer_timeout_s);
            }
          else if (g_error_matches (error, SAMP_ERROR, SAMP_ERROR_TIMEOUT))
            g_warning ("%s did not answer within %u s (a slow load?): the rest of this send "
                       "is dropped", w->name, v->config->viewer_timeout_s);
          g_queue_clear_full (&j->steps, (GDestroyNotify) cs_viewers_step_free);
          w->running = NULL;
          cs_viewers_job_end (j, why);
          v->n_busy--;
          viewer_next (w);
        }
      else
        viewer_step (w);
    }
  else
    cs_viewers_step_free (c->step);
  g_free (c);
  viewers_unref (v);   /* this call's reference */
}

/* Send the running job's next step, or finish the job. */
static void
viewer_step (Viewer *w)
{
  CsViewers *v = w->owner;
  Job *j = w->running;

  while (j)
    {
      Step *s = g_queue_pop_head (&j->steps);
      if (s == NULL)
        {
          w->running = NULL;
          cs_viewers_job_end (j, NULL);
          v->n_busy--;
          viewer_next (w);
          return;
        }
      if (!w->notify_only)
        {
          Call *c = g_new0 (Call, 1);
          c->owner = v;
          c->job = j;
          c->step = s;
          v->ref++;
          samp_client_call_async (v->client, w->id, s->mtype, g_variant_ref (s->params),
                                  v->config->viewer_timeout_s, v->cancel, step_answered, c);
          return;
        }
      /* a viewer that does not answer: notified, the next step once the
       * hub has taken this one */
      Call *c = g_new0 (Call, 1);
      c->owner = v;
      c->job = j;
      c->step = s;
      v->ref++;
      samp_client_notify_async (v->client, w->id, s->mtype, g_variant_ref (s->params),
                                v->cancel, step_notified, c);
      return;
    }
}

static void
step_notified (GObject *source, GAsyncResult *res, gpointer data)
{
  Call *c = data;
  CsViewers *v = c->owner;
  g_autoptr(GError) error = NULL;
  gboolean ok = samp_client_notify_finish (SAMP_CLIENT (source), res, &error);

  if (!v->closed && c->step->image >= 0)
    cs_viewers_batch_report (c->job, (guint) c->step->image, ok ? "notified" : NULL,
                  ok ? NULL : error->message);
  cs_viewers_step_free (c->step);
  if (!v->closed)
    viewer_step (c->job->viewer);
  g_free (c);
  viewers_unref (v);   /* this notification's reference */
}

static void
viewer_next (Viewer *w)
{
  CsViewers *v = w->owner;
  if (w->running == NULL && !g_queue_is_empty (&w->jobs))
    {
      w->running = g_queue_pop_head (&w->jobs);
      v->n_busy++;
      viewer_step (w);
      return;
    }
  if (v->n_busy == 0 && v->idle_func && !v->closed)
    v->idle_func (v->idle_data);
}

/* ------------------------------------------------------------------------ */
/* Recipients                                                                */

static void
viewer_free (Viewer *w)
{
  g_queue_clear_full (&w->jobs, (GDestroyNotify) cs_viewers_job_free);
  g_clear_pointer (&w->running, cs_viewers_job_free);
  g_array_unref (w->frames);
  g_free (w->id);
  g_free (w->name);
  g_free (w);
}

static gboolean
subscribed (GVariant *subs, const char *mtype)
{
  GVariantIter it;
  const char *key;
  GVariant *val;
  gboolean found = FALSE;

  if (subs == NULL)
    return FALSE;
  g_variant_iter_init (&it, subs);
  while (!found && g_variant_iter_next (&it, "{&sv}", &key, &val))
    {
      found = samp_mtype_matches (key, mtype);
      g_variant_unref (val);
    }
  return found;
}

/* The known clients subscribed to @mtype, as Viewers (made on first use;
 * those gone from the hub are forgotten once idle). */
static GPtrArray *
recipients (CsViewers *v, const char *mtype)
{
  g_auto(GStrv) ids = samp_client_list_known_clients (v->client);
  GPtrArray *out = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key, val;

  g_hash_table_iter_init (&it, v->viewers);
  while (g_hash_table_iter_next (&it, &key, &val))
    if (!g_strv_contains ((const char *const *) ids, key) && ((Viewer *) val)->running == NULL)
      g_hash_table_iter_remove (&it);
  for (guint i = 0; ids[i]; i++)
    {
      g_autoptr(GVariant) subs = samp_client_dup_known_subscriptions (v->client, ids[i]);
      if (!subscribed (subs, mtype))
        continue;
      Viewer *w = g_hash_table_lookup (v->viewers, ids[i]);
      if (w == NULL)
        {
          g_autoptr(GVariant) meta = samp_client_dup_known_metadata (v->client, ids[i]);
          const char *name = meta ? samp_map_lookup_string (meta, "samp.name") : NULL;
          w = g_new0 (Viewer, 1);
          w->owner = v;
          w->id = g_strdup (ids[i]);
          w->name = g_strdup_printf ("%s (%s)", name ? name : "?", ids[i]);
          g_queue_init (&w->jobs);
          w->frames = g_array_new (FALSE, FALSE, sizeof (int));
          g_hash_table_insert (v->viewers, w->id, w);
        }
      /* ds9's own commands, only for a ds9 that takes them */
      GVariantIter si;
      const char *k;
      GVariant *a;
      w->ds9 = FALSE;
      g_variant_iter_init (&si, subs);
      while (g_variant_iter_next (&si, "{&sv}", &k, &a))
        {
          w->ds9 = w->ds9 || g_str_equal (k, "ds9.set");
          g_variant_unref (a);
        }
      g_ptr_array_add (out, w);
    }
  return out;
}

static void
enqueue (Viewer *w, Job *j)
{
  g_queue_push_tail (&w->jobs, j);
  viewer_next (w);
}

void
cs_viewers_send_images (CsViewers *v, const char *const *urls, const char *const *names)
{
  if (v == NULL || v->closed || urls == NULL || urls[0] == NULL)
    return;
  if (!samp_client_is_connected (v->client))
    {
      g_message ("image.load.fits: %u image(s) not sent: not registered with a hub",
                 g_strv_length ((char **) urls));
      return;
    }
  g_autoptr(GPtrArray) ws = recipients (v, "image.load.fits");
  Batch *b = cs_viewers_batch_new (urls, names);
  if (ws->len == 0)
    g_message ("image.load.fits: %u image(s) not sent: no image viewer is registered", b->n);
  for (guint k = 0; k < ws->len; k++)
    {
      Viewer *w = ws->pdata[k];
      Job *j = cs_viewers_job_new (w, b);
      if (w->ds9 && v->config->viewer_frames_reuse && !w->notify_only)
        {
          cs_viewers_ds9_start_images (j);
        }
      else
        for (guint i = 0; i < b->n; i++)
          {
            g_autofree char *slot = g_strdup_printf ("cadc-samp-%u", i + 1);
            GVariant *p = !v->config->viewer_frames_reuse
                            ? samp_map_new_strings ("url", b->urls[i], "name", b->names[i], NULL)
                            : samp_map_new_strings ("url", b->urls[i], "name", b->names[i],
                                                    "image-id", slot, NULL);
            cs_viewers_job_add (j, "image.load.fits", p, cs_viewers_step_loaded, (int) i);
          }
      enqueue (w, j);
    }
  cs_viewers_batch_unref (b);
}

void
cs_viewers_show_footprints (CsViewers *v, const char *region_url, guint n_polygons,
                            const char *what)
{
  if (v == NULL || v->closed || !v->config->footprints
      || !samp_client_is_connected (v->client))
    return;
  g_autoptr(GPtrArray) ws = recipients (v, "ds9.set");
  for (guint k = 0; k < ws->len; k++)
    {
      Viewer *w = ws->pdata[k];
      if (!w->ds9 || w->notify_only)
        continue;
      Job *j = cs_viewers_job_new (w, NULL);
      j->region_url = g_strdup (region_url);
      j->n_polygons = n_polygons;
      j->what = g_strdup (what);
      cs_viewers_ds9_start_footprints (j);
      enqueue (w, j);
    }
}

/* ------------------------------------------------------------------------ */
/* Life cycle                                                                */

CsViewers *
cs_viewers_new (SampClient *client, const CsBridgeConfig *config, GCancellable *cancel)
{
  CsViewers *v = g_new0 (CsViewers, 1);
  v->ref = 1;
  v->client = g_object_ref (client);
  v->config = config;
  v->cancel = cancel ? g_object_ref (cancel) : NULL;
  v->viewers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                      (GDestroyNotify) viewer_free);
  return v;
}

static void
viewers_unref (CsViewers *v)
{
  if (--v->ref > 0)
    return;
  g_hash_table_unref (v->viewers);
  g_object_unref (v->client);
  g_clear_object (&v->cancel);
  g_free (v);
}

void
cs_viewers_close (CsViewers *v)
{
  if (v == NULL)
    return;
  v->closed = TRUE;
  v->config = NULL;
  viewers_unref (v);
}

void
cs_viewers_set_idle_func (CsViewers *v, void (*func) (gpointer), gpointer data)
{
  v->idle_func = func;
  v->idle_data = data;
}

gboolean
cs_viewers_is_idle (CsViewers *v)
{
  return v == NULL || v->n_busy == 0;
}

/* bridge-viewer-jobs.c: what one send to the image viewers is made of.
 *
 * An image Batch is shared by the Jobs of all viewers, so that one line
 * per image can say who loaded it, who was notified and who failed.  A
 * Job is what the send means for one viewer, a queue of Steps (one SAMP
 * message each).  bridge-viewers.c runs the jobs (queues, calls, answers)
 * and bridge-ds9.c plans ds9's; both build on these, which call neither.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bridge-viewers-private.h"
#include "samp-value.h"

/* ------------------------------------------------------------------------ */
/* Batches                                                                   */

Batch *
cs_viewers_batch_new (const char *const *urls, const char *const *names)
{
  Batch *b = g_new0 (Batch, 1);
  b->ref = 1;
  b->n = g_strv_length ((char **) urls);
  b->urls = g_strdupv ((char **) urls);
  b->names = g_strdupv ((char **) names);
  b->pending = g_new0 (guint, b->n);
  b->loaded = g_new0 (GString *, b->n);
  b->notified = g_new0 (GString *, b->n);
  b->failed = g_new0 (GString *, b->n);
  for (guint i = 0; i < b->n; i++)
    {
      b->loaded[i] = g_string_new (NULL);
      b->notified[i] = g_string_new (NULL);
      b->failed[i] = g_string_new (NULL);
    }
  return b;
}

void
cs_viewers_batch_unref (Batch *b)
{
  if (b == NULL || --b->ref > 0)
    return;
  for (guint i = 0; i < b->n; i++)
    {
      g_string_free (b->loaded[i], TRUE);
      g_string_free (b->notified[i], TRUE);
      g_string_free (b->failed[i], TRUE);
    }
  g_free (b->loaded);
  g_free (b->notified);
  g_free (b->failed);
  g_free (b->pending);
  g_strfreev (b->urls);
  g_strfreev (b->names);
  g_free (b);
}

/* The job's viewer's outcome for image @i: loaded (@how: "frame 2" or
 * NULL), notified (@how "notified": nobody knows), or failed (@error). */
void
cs_viewers_batch_report (Job *j, guint i, const char *how, const char *error)
{
  Batch *b = j->batch;
  if (b == NULL || i >= b->n || j->reported[i])
    return;
  j->reported[i] = TRUE;
  gboolean notified = error == NULL && g_strcmp0 (how, "notified") == 0;
  GString *s = error ? b->failed[i] : notified ? b->notified[i] : b->loaded[i];
  g_string_append_printf (s, "%s%s", s->len ? ", " : "", j->viewer->name);
  if (error || (how && !notified))
    g_string_append_printf (s, " (%s)", error ? error : how);
  if (--b->pending[i] > 0)
    return;
  g_autofree char *note = b->notified[i]->len
                           ? g_strdup_printf (" notified: %s;", b->notified[i]->str)
                           : g_strdup ("");
  g_message ("image.load.fits \"%s\" %s: loaded by %s;%s failed: %s", b->names[i],
             b->urls[i], b->loaded[i]->len ? b->loaded[i]->str : "nobody", note,
             b->failed[i]->len ? b->failed[i]->str : "none");
}

/* ------------------------------------------------------------------------ */
/* Jobs and steps                                                            */

void
cs_viewers_step_free (Step *s)
{
  g_free (s->mtype);
  g_clear_pointer (&s->params, g_variant_unref);
  g_free (s);
}

/* Append a step; @params is consumed (floating or full). */
void
cs_viewers_job_add (Job *j, const char *mtype, GVariant *params, StepDone done, int image)
{
  Step *s = g_new0 (Step, 1);
  s->mtype = g_strdup (mtype);
  s->params = g_variant_take_ref (params);
  s->done = done;
  s->image = image;
  g_queue_push_tail (&j->steps, s);
}

Step *
cs_viewers_ds9_cmd (Job *j, const char *mtype, const char *cmd, StepDone done, int image)
{
  cs_viewers_job_add (j, mtype, samp_map_new_strings ("cmd", cmd, NULL), done, image);
  return g_queue_peek_tail (&j->steps);
}

Job *
cs_viewers_job_new (Viewer *w, Batch *batch)
{
  Job *j = g_new0 (Job, 1);
  j->viewer = w;
  g_queue_init (&j->steps);
  if (batch)
    {
      j->batch = batch;
      batch->ref++;
      j->reported = g_new0 (gboolean, batch->n);
      for (guint i = 0; i < batch->n; i++)
        batch->pending[i]++;
    }
  return j;
}

void
cs_viewers_job_free (Job *j)
{
  g_queue_clear_full (&j->steps, (GDestroyNotify) cs_viewers_step_free);
  cs_viewers_batch_unref (j->batch);
  g_free (j->reported);
  g_free (j->region_url);
  g_free (j->what);
  g_free (j);
}

/* The job ends: every image not reported yet failed with @why. */
void
cs_viewers_job_end (Job *j, const char *why)
{
  Viewer *w = j->viewer;
  for (guint i = 0; j->batch && i < j->batch->n; i++)
    cs_viewers_batch_report (j, i, NULL, why ? why : "not sent");
  if (j->batch && w->ds9 && j->planned)
    {
      g_autoptr(GString) f = g_string_new (NULL);
      for (guint i = 0; i < w->frames->len; i++)
        g_string_append_printf (f, " %d", g_array_index (w->frames, int, i));
      g_message ("%s: cadc-samp's frames are now%s", w->name, f->len ? f->str : " none");
    }
  cs_viewers_job_free (j);
}

/* The done of a load step: image s->image reached the viewer. */
void
cs_viewers_step_loaded (Job *j, Step *s, GVariant *result)
{
  (void) result;
  int f = s->frame ? s->frame : j->new_frame;
  g_autofree char *how = j->viewer->ds9 && f > 0 ? g_strdup_printf ("frame %d", f) : NULL;
  cs_viewers_batch_report (j, (guint) s->image, how, NULL);
}


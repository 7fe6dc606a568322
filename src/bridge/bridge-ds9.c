/* bridge-ds9.c: what sending images and footprints means in ds9.
 *
 * ds9 is driven with its own SAMP MTypes (ds9.get / ds9.set with XPA-style
 * commands), one call at a time through the viewer's queue
 * (bridge-viewers.c).  A job starts by asking `frame` (and `lock
 * frame`) and `frame all`; the answer to `frame all` plans the rest:
 *  - images (viewer-frames=reuse): the i-th image goes into the i-th frame
 *    we made before if it still exists (`frame frameno N`, `frame clear`,
 *    `url URL`), else into a new one (`frame new`, `frame`); our frames
 *    beyond the batch are deleted; the frame that was current is made
 *    current again.  Frames we did not make are never loaded or deleted;
 *  - footprints: `regions group cadc-samp delete` where ours were, then
 *    `regions` (url = the region file) in the current frame, or in the
 *    user's frame when the current one is one of our cutouts.
 * ds9 8.x answers `frame frameno N` for a missing N by creating it, hence
 * `frame all` first.
 */
#include "config.h"

#include <stdlib.h>

#include "bridge-footprint.h"
#include "bridge-viewers-private.h"

static gboolean
frames_contain (GArray *a, int f)
{
  for (guint i = 0; a && i < a->len; i++)
    if (g_array_index (a, int, i) == f)
      return TRUE;
  return FALSE;
}

static GArray *
parse_frames (const char *text)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (int));
  g_auto(GStrv) tok = g_strsplit_set (text ? text : "", " \t", -1);
  for (guint i = 0; tok[i]; i++)
    if (*tok[i])
      {
        int f = atoi (tok[i]);
        if (f > 0)
          g_array_append_val (a, f);
      }
  return a;
}

static void
on_current_frame (Job *j, Step *s, GVariant *result)
{
  (void) s;
  const char *v = cs_viewers_result_value (result);
  j->user_frame = v ? atoi (v) : 0;
}

static void
on_lock_frame (Job *j, Step *s, GVariant *result)
{
  (void) s;
  const char *v = cs_viewers_result_value (result);
  j->locked = v && *v && g_ascii_strcasecmp (v, "none") != 0;
}

static void
on_new_frame (Job *j, Step *s, GVariant *result)
{
  (void) s;
  const char *v = cs_viewers_result_value (result);
  int f = v ? atoi (v) : 0;
  j->new_frame = f;
  if (f > 0)
    {
      g_array_append_val (j->viewer->frames, f);
      j->created++;
    }
}

static void
go_to_frame (Job *j, int f)
{
  g_autofree char *cmd = g_strdup_printf ("frame frameno %d", f);
  cs_viewers_ds9_cmd (j, "ds9.set", cmd, NULL, -1);
}

/* `frame all` answered: reuse our frames that still exist, make the
 * missing ones, delete the ones left over, then go back to the frame the
 * user had. */
static void
plan_ds9_images (Job *j, Step *s, GVariant *result)
{
  Viewer *w = j->viewer;
  g_autoptr(GArray) all = parse_frames (cs_viewers_result_value (result));
  g_autoptr(GArray) ours = g_array_new (FALSE, FALSE, sizeof (int));
  (void) s;

  for (guint i = 0; i < w->frames->len; i++)
    if (frames_contain (all, g_array_index (w->frames, int, i)))
      g_array_append_val (ours, g_array_index (w->frames, int, i));
  g_array_set_size (w->frames, 0);
  j->planned = TRUE;
  if (j->user_frame > 0 && !frames_contain (ours, j->user_frame))
    w->user_frame = j->user_frame;
  guint n = j->batch->n;
  for (guint i = 0; i < n; i++)
    {
      Step *load;
      g_autofree char *cmd = g_strdup_printf ("url %s", j->batch->urls[i]);
      if (i < ours->len)
        {
          int f = g_array_index (ours, int, i);
          g_array_append_val (w->frames, f);
          go_to_frame (j, f);
          /* a load that fails must not leave the previous image there */
          cs_viewers_ds9_cmd (j, "ds9.set", "frame clear", NULL, -1);
          load = cs_viewers_ds9_cmd (j, "ds9.set", cmd, cs_viewers_step_loaded, (int) i);
          load->frame = f;
        }
      else
        {
          cs_viewers_ds9_cmd (j, "ds9.set", "frame new", NULL, -1);
          cs_viewers_ds9_cmd (j, "ds9.get", "frame", on_new_frame, -1);
          cs_viewers_ds9_cmd (j, "ds9.set", cmd, cs_viewers_step_loaded, (int) i);
        }
      if (!j->locked)   /* a cutout fills its tile (locked frames would follow) */
        cs_viewers_ds9_cmd (j, "ds9.set", "zoom to fit", NULL, -1);
    }
  for (guint i = n; i < ours->len; i++)
    {
      go_to_frame (j, g_array_index (ours, int, i));
      cs_viewers_ds9_cmd (j, "ds9.set", "frame delete", NULL, -1);
    }
  guint after = all->len + (n > ours->len ? n - ours->len : 0)
                - (ours->len > n ? ours->len - n : 0);
  if (n > ours->len && after > 1)
    cs_viewers_ds9_cmd (j, "ds9.set", "tile yes", NULL, -1);   /* as ds9's own loads do */
  /* back to the frame that was current, unless it was one of ours and is gone */
  if (j->user_frame > 0 && frames_contain (all, j->user_frame)
      && (!frames_contain (ours, j->user_frame) || frames_contain (w->frames, j->user_frame)))
    go_to_frame (j, j->user_frame);
}

static void
on_regions_loaded (Job *j, Step *s, GVariant *result)
{
  (void) s;
  (void) result;
  j->viewer->regions_frame = j->target_frame;
  g_message ("%s: %u footprint(s) drawn in frame %d of %s", j->what, j->n_polygons,
             j->target_frame, j->viewer->name);
}

/* `frame all` answered: delete our previous footprints (in the frame they
 * are in), then load the new ones into the current frame, or, when that is
 * one of our cutouts, into the user's frame (the last current frame that
 * was not ours), over the user's image. */
static void
plan_ds9_regions (Job *j, Step *s, GVariant *result)
{
  Viewer *w = j->viewer;
  g_autoptr(GArray) all = parse_frames (cs_viewers_result_value (result));
  const char *del = "regions group " CS_BRIDGE_REGION_TAG " delete";
  int cur = j->user_frame, target = cur, at = cur;
  (void) s;

  if (cur > 0 && !frames_contain (w->frames, cur))
    w->user_frame = cur;
  else if (w->user_frame > 0 && frames_contain (all, w->user_frame)
           && !frames_contain (w->frames, w->user_frame))
    target = w->user_frame;
  if (w->regions_frame > 0 && w->regions_frame != target
      && frames_contain (all, w->regions_frame))
    {
      go_to_frame (j, w->regions_frame);
      cs_viewers_ds9_cmd (j, "ds9.set", del, NULL, -1);
      at = w->regions_frame;
    }
  if (at != target)
    go_to_frame (j, target);
  w->regions_frame = 0;
  j->target_frame = target;
  cs_viewers_ds9_cmd (j, "ds9.set", del, NULL, -1);
  if (j->n_polygons > 0)
    cs_viewers_job_add (j, "ds9.set", samp_map_new_strings ("cmd", "regions", "url", j->region_url, NULL),
             on_regions_loaded, -1);
  if (target != cur && cur > 0)
    go_to_frame (j, cur);
}

void
cs_viewers_ds9_start_images (Job *j)
{
  cs_viewers_ds9_cmd (j, "ds9.get", "frame", on_current_frame, -1);
  cs_viewers_ds9_cmd (j, "ds9.get", "lock frame", on_lock_frame, -1);
  cs_viewers_ds9_cmd (j, "ds9.get", "frame all", plan_ds9_images, -1);
}

void
cs_viewers_ds9_start_footprints (Job *j)
{
  cs_viewers_ds9_cmd (j, "ds9.get", "frame", on_current_frame, -1);
  cs_viewers_ds9_cmd (j, "ds9.get", "frame all", plan_ds9_regions, -1);
}

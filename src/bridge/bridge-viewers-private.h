/* bridge-viewers-private.h: the queue types shared by bridge-viewers.c
 * (queues, calls, recipients), bridge-viewer-jobs.c (batches, jobs,
 * steps) and bridge-ds9.c (what a send means in ds9 commands). */
#pragma once

#include "bridge-viewers.h"
#include "samp-value.h"

G_BEGIN_DECLS

struct _CsViewers {
  gint ref;
  gboolean closed;
  SampClient *client;
  const CsBridgeConfig *config;
  GCancellable *cancel;
  GHashTable *viewers;          /* client id → Viewer */
  guint n_busy;                 /* viewers with a running job */
  void (*idle_func) (gpointer);
  gpointer idle_data;
};

typedef struct {
  CsViewers *owner;
  char *id;
  char *name;                   /* "SAOImageDS9 (c1)" for the log */
  gboolean ds9;                 /* subscribed to ds9.set */
  gboolean answered;            /* has answered a call of ours */
  gboolean notify_only;         /* never answered, let a call time out: notify */
  GQueue jobs;
  struct _Job *running;
  GArray *frames;               /* ds9: the frames we created, in slot order */
  int regions_frame;            /* ds9: where our footprints are, 0 = none */
  int user_frame;               /* ds9: the last current frame that was not ours */
} Viewer;

/* One send of images, shared by the viewers it goes to. */
typedef struct {
  gint ref;
  guint n;
  char **urls, **names;
  guint *pending;               /* per image: viewers that have not reported */
  GString **loaded, **notified, **failed;   /* per image: who loaded it, ... */
} Batch;

typedef struct _Job Job;
typedef struct _Step Step;
typedef void (*StepDone) (Job *job, Step *step, GVariant *result);

struct _Step {
  char *mtype;
  GVariant *params;
  StepDone done;                /* (nullable): runs on samp.ok/samp.warning */
  int image;                    /* index in the batch, or -1 */
  int frame;                    /* ds9: the frame an image goes to (0: a new one) */
};

struct _Job {
  Viewer *viewer;
  GQueue steps;
  Batch *batch;                 /* (nullable) */
  gboolean *reported;           /* per image of the batch */
  char *region_url;             /* footprints job */
  char *what;
  guint n_polygons;
  int user_frame;               /* ds9: the current frame when the job started */
  guint created;                /* ds9: frames made by this job */
  int new_frame;                /* ds9: the frame `frame new` made last */
  gboolean planned;             /* ds9: frames planned (reused, made, deleted) */
  gboolean locked;              /* ds9: frames are locked together (lock frame) */
  int target_frame;             /* ds9: the frame the footprints go to */
};

/* ---- bridge-viewer-jobs.c: batches, jobs and steps (they call neither
 * bridge-viewers.c nor bridge-ds9.c) ---- */

/* A batch of @urls shown as @names (same length), one reference. */
Batch *cs_viewers_batch_new (const char *const *urls, const char *const *names);
void cs_viewers_batch_unref (Batch *batch);
/* Image @i of @job's batch was @how ("frame 3", "notified"; NULL = loaded)
 * or failed with @error; the batch's line is logged once every viewer
 * has reported it. */
void cs_viewers_batch_report (Job *job, guint i, const char *how, const char *error);
void cs_viewers_step_free (Step *step);
/* A job for viewer @w, of @batch (nullable: a footprints job). */
Job *cs_viewers_job_new (Viewer *w, Batch *batch);
void cs_viewers_job_free (Job *job);
/* The job ends: every image not reported yet failed with @why. */
void cs_viewers_job_end (Job *job, const char *why);

/* Append a step to @job; @params is consumed (floating or full). */
void cs_viewers_job_add (Job *job, const char *mtype, GVariant *params, StepDone done,
                         int image);
/* Append ds9.get/ds9.set {cmd: @cmd}.  Returns: (transfer none): the step. */
Step *cs_viewers_ds9_cmd (Job *job, const char *mtype, const char *cmd, StepDone done,
                          int image);
/* StepDone of a load: image @step->image reached the viewer (in
 * @step->frame or the frame made last, for ds9). */
void cs_viewers_step_loaded (Job *job, Step *step, GVariant *result);
/* Returns: (transfer none) (nullable): samp.result's "value" (ds9.get). */
static inline const char *
cs_viewers_result_value (GVariant *result)
{
  return result ? samp_map_lookup_string (result, "value") : NULL;
}

/* ---- bridge-ds9.c: the first steps of a ds9 job; their answers plan the
 * rest (called by bridge-viewers.c) ---- */
void cs_viewers_ds9_start_images (Job *job);
void cs_viewers_ds9_start_footprints (Job *job);

G_END_DECLS

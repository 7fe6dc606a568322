/* vo-sync.c: blocking calls over async operations (vo-sync.h). */
#include "config.h"

#include "vo-sync.h"

void
vo_sync_wait (GMainContext *context, void (*start) (gpointer data),
              gboolean (*done) (gpointer data), gpointer data)
{
  g_main_context_push_thread_default (context);
  if (start != NULL)
    start (data);
  while (!done (data))
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
}

typedef struct {
  VoSyncStartFunc start;
  gpointer data;
  GAsyncResult *result;
} Run;

static void
got_result (GObject *source, GAsyncResult *res, gpointer data)
{
  Run *r = data;

  (void) source;
  r->result = g_object_ref (res);
}

static void
run_start (gpointer data)
{
  Run *r = data;

  r->start (r->data, got_result, r);
}

static gboolean
have_result (gpointer data)
{
  return ((Run *) data)->result != NULL;
}

GAsyncResult *
vo_sync_run (GMainContext *context, VoSyncStartFunc start, gpointer data)
{
  Run r = { start, data, NULL };

  vo_sync_wait (context, run_start, have_result, &r);
  return r.result;
}

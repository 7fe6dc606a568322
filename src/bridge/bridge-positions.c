/* bridge-positions.c: coord.pointAt.sky, coalesced.
 *
 * At most one region query runs; a new position cancels it and only the
 * latest pending position is queried next, after a 150 ms quiet period,
 * so a ds9 drag costs two queries while a lone position starts at once.
 * A result is broadcast as a table (replacing the previous position's
 * where a viewer can), its footprints drawn in ds9 and, with cutouts=true,
 * the cutouts of its best image planes sent to the image viewers
 * (bridge-cutouts.c).  A position that is a row of one of our newest
 * tables (TOPCAT's "Send Sky Coordinates") is not queried: the viewers
 * follow it, the table being browsed stays.
 */
#include "config.h"

#include <math.h>
#include <unistd.h>

#include "bridge-flows.h"

/* The query of one position on one archive. */
typedef struct {
  CsBridge *bridge;
  CsBridgeArchive *archive;
  double ra, dec;
} PointJob;

static void start_pending_position (CsBridge *b);

/* After a superseded query, wait for the burst to settle: the next query
 * starts once no new position came for this long. */
#define SETTLE_MS 150

static gboolean
on_settled (gpointer data)
{
  CsBridge *b = data;
  b->settle_id = 0;
  if (b->have_pending && b->position_cancel == NULL)
    start_pending_position (b);
  return G_SOURCE_REMOVE;
}

static void
settle_restart (CsBridge *b)
{
  if (b->settle_id)
    g_source_remove (b->settle_id);
  b->settle_id = g_timeout_add (SETTLE_MS, on_settled, b);
}

static void
position_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  PointJob *job = user_data;
  CsBridge *b = job->bridge;
  CsBridgeArchive *a = job->archive;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsBridgeResult) r = cs_bridge_ask_finish (res, &error);
  g_autofree char *where = b->archives->len > 1
    ? g_strdup_printf ("position %.5f %+.5f (%s)", job->ra, job->dec, a->name)
    : g_strdup_printf ("position %.5f %+.5f", job->ra, job->dec);
  (void) source;

  if (--b->n_position_queries == 0)
    g_clear_object (&b->position_cancel);
  if (b->cancel == NULL || g_cancellable_is_cancelled (b->cancel))
    {
      g_free (job);    /* stopping */
      return;
    }
  if (r == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("%s: query cancelled (superseded)", where);
      else
        {
          b->n_failures++;
          cs_bridge_prefix_archive_error (b, a, &error, "query failed");
          g_autofree char *line = g_strdup_printf ("%s: %s", where, error->message);
          g_warning ("%s", line);
          cs_bridge_note_activity (b, line);
        }
    }
  else if (b->have_pending)
    g_message ("%s: %" G_GUINT64_FORMAT " rows, superseded", where, r->rows);
  else
    {
      cs_bridge_archive_answered (b, a);
      g_autofree char *name = cs_bridge_table_name_for_position (
        a->label, job->ra, job->dec, b->config->radius_deg,
        a->collection ? a->collection : b->config->collection);
      g_message ("%s: region query r=%g deg: %" G_GUINT64_FORMAT " rows%s in %.3f s", where,
                 b->config->radius_deg, r->rows, r->overflow ? " (truncated)" : "",
                 r->seconds);
      cs_bridge_broadcast_table (b, a, r, name, TRUE);
      cs_bridge_show_footprints (b, r, name);
      if (b->config->cutouts && b->config->max_cutouts > 0)
        cs_bridge_send_cutouts (b, a, r, job->ra, job->dec, b->config->radius_deg);
    }
  g_free (job);

  if (b->n_position_queries > 0)
    return;   /* another archive's query of this position is still out */
  if (b->have_pending)
    settle_restart (b);
  else
    cs_bridge_check_once (b);
}

/* One query per archive, at once: each archive's table goes out as soon
 * as it is in, whatever the others do. */
static void
start_pending_position (CsBridge *b)
{
  CsBridgeAsk ask = { .kind = CS_BRIDGE_ASK_REGION, .ra = b->pending_ra,
                      .dec = b->pending_dec, .radius = b->config->radius_deg,
                      .maxrec = b->config->max_rows };
  b->have_pending = FALSE;
  b->position_cancel = g_cancellable_new ();
  for (guint i = 0; i < b->archives->len; i++)
    {
      PointJob *job = g_new0 (PointJob, 1);
      job->bridge = b;
      job->archive = g_ptr_array_index (b->archives, i);
      job->ra = ask.ra;
      job->dec = ask.dec;
      b->n_position_queries++;
      cs_bridge_ask_async (b, job->archive, &ask, b->position_cancel, position_done, job);
    }
}

void
cs_bridge_point_at (CsBridge *b, double ra, double dec)
{
  b->pending_ra = ra;
  b->pending_dec = dec;
  b->have_pending = TRUE;
  if (b->position_cancel)
    g_cancellable_cancel (b->position_cancel);   /* position_done settles, then starts */
  else if (b->settle_id)
    settle_restart (b);                          /* still inside a burst */
  else
    start_pending_position (b);                  /* idle: no added latency */
}

void
cs_bridge_positions_stop (CsBridge *b)
{
  if (b->position_cancel)
    g_cancellable_cancel (b->position_cancel);
  b->have_pending = FALSE;
  if (b->settle_id)
    {
      g_source_remove (b->settle_id);
      b->settle_id = 0;
    }
}

/* The name of our newest tables (the latest two) with a row at exactly
 * (@ra, @dec) (1e-6 deg: our printed precision, not an astronomical
 * tolerance: a target that happens to be an observation's centre is still
 * queried), or NULL.  Such a position is a row the user activated in
 * TOPCAT ("Send Sky Coordinates" sends the row's ra/dec as they are):
 * querying it would replace the table being browsed. */
static const char *
our_row_at (CsBridge *b, double ra, double dec)
{
  for (guint k = 0; k < 2 && k < b->n_tables; k++)
    {
      g_autofree char *id = g_strdup_printf ("cadc-samp-%ld-%u", (long) getpid (),
                                             b->n_tables - k);
      CsBridgeTable *t = g_hash_table_lookup (b->tables, id);
      int rc, dc;
      if (t == NULL
          || (t->table == NULL && (t->table = vo_table_load_file (t->path, NULL)) == NULL)
          || !cs_bridge_table_find_position (t->table, &rc, &dc, NULL))
        continue;   /* pruned from the cache, or no position */
      for (guint r = 0; r < vo_table_get_n_rows (t->table); r++)
        {
          double tra, tdec;
          if (!vo_table_get_double (t->table, r, (guint) rc, &tra)
              || !vo_table_get_double (t->table, r, (guint) dc, &tdec))
            continue;
          double dra = fabs (fmod (tra - ra + 540, 360) - 180) * cos (dec * G_PI / 180);
          if (dra < 1e-6 && fabs (tdec - dec) < 1e-6)
            return t->name;
        }
    }
  return NULL;
}

static void
on_point_at (SampClient *client, const char *sender, const char *msg_id,
             const char *mtype, GVariant *params, gpointer user_data)
{
  CsBridge *b = user_data;
  g_autoptr(GError) error = NULL;
  double ra, dec;
  (void) client;

  if (!cs_bridge_parse_position (params, &ra, &dec, &error))
    {
      cs_bridge_reply_error (b, msg_id, mtype, sender, error);
      return;
    }
  g_message ("%s from %s: ra=%.6f dec=%+.6f", mtype, sender, ra, dec);
  cs_bridge_reply_ok (b, msg_id, NULL);
  if (!b->config->on_pointat)
    return;
  const char *row_of = our_row_at (b, ra, dec);
  if (row_of)
    g_message ("position %.5f %+.5f is a row of \"%s\": viewers follow it, not queried", ra,
               dec, row_of);
  else
    cs_bridge_point_at (b, ra, dec);
}

void
cs_bridge_positions_subscribe (CsBridge *b)
{
  samp_client_subscribe (b->client, "coord.pointAt.sky", on_point_at, b);
}

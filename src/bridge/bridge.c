/* bridge.c: life cycle of the bridge, positions and broadcasts.
 *
 * Owns the SampClient, the optional in-process hub, the HTTP session, the
 * result cache and the table of result tables we have sent (so highlight
 * and select messages about them can be recognised).  Positions
 * (coord.pointAt.sky) are coalesced: at most one region query runs; a new
 * position cancels it and only the latest pending position is queried
 * next.  The handlers of the other MTypes are in bridge-handlers.c.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include "bridge-private.h"
#include "samp-client.h"
#include "samp-error.h"
#include "samp-hub.h"
#include "samp-value.h"
#include "vo-adql.h"
#include "vo-coords.h"

/* ------------------------------------------------------------------------ */
/* Result tables we have sent                                                */

static void
our_table_free (CsBridgeTable *t)
{
  g_free (t->table_id);
  g_free (t->url);
  g_free (t->path);
  g_free (t->name);
  g_clear_pointer (&t->table, vo_table_free);
  g_free (t);
}

CsBridgeTable *
cs_bridge_find_table (CsBridge *b, const char *table_id, const char *url)
{
  if (table_id)
    {
      CsBridgeTable *t = g_hash_table_lookup (b->tables, table_id);
      if (t)
        return t;
    }
  if (url)
    {
      GHashTableIter it;
      gpointer v;
      g_hash_table_iter_init (&it, b->tables);
      while (g_hash_table_iter_next (&it, NULL, &v))
        if (g_strcmp0 (((CsBridgeTable *) v)->url, url) == 0)
          return v;
    }
  return NULL;
}

/* How long a broadcast waits for its recipients to load the table (--once
 * exits after that at the latest). */
#define LOAD_TIMEOUT_S 60

void
cs_bridge_note_activity (CsBridge *b, const char *what)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *text = g_strdup_printf ("%s %s", stamp, what);
  /* a SAMP string is printable ASCII (JSAMP refuses anything else, and
   * names or peers' error texts may not be) */
  for (char *p = text; *p; p++)
    if ((guchar) *p < 0x20 || (guchar) *p > 0x7e)
      *p = '?';
  if (b->client)
    samp_client_set_metadata (b->client, "cadc-samp.last-activity", text);
}

typedef struct {
  CsBridge *bridge;
  char *table_id;
  char *name;
} LoadJob;

/* The samp.name of @id, or @id. */
static char *
client_label (CsBridge *b, const char *id)
{
  g_autoptr(GVariant) meta = samp_client_dup_known_metadata (b->client, id);
  const char *name = meta ? samp_map_lookup_string (meta, "samp.name") : NULL;
  return g_strdup (name && *name ? name : id);
}

/* The replies of the table.load.votable call: who loaded it, who failed. */
static void
table_loaded (GObject *source, GAsyncResult *res, gpointer user_data)
{
  LoadJob *j = user_data;
  CsBridge *b = j->bridge;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) replies = samp_client_call_all_finish (SAMP_CLIENT (source), res, &error);

  b->n_inflight--;   /* also when cancelled: cs_bridge_free waits for it */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ;
  else if (replies == NULL)
    g_warning ("table.load.votable %s: %s", j->table_id, error->message);
  else
    {
      g_autoptr(GString) ok = g_string_new (NULL), bad = g_string_new (NULL);
      GVariantIter it;
      const char *id;
      GVariant *resp;
      g_variant_iter_init (&it, replies);
      while (g_variant_iter_next (&it, "{&sv}", &id, &resp))
        {
          g_autoptr(GVariant) r = resp;
          g_autofree char *who = client_label (b, id);
          const char *status = samp_map_lookup_string (r, "samp.status");
          g_autoptr(GVariant) err = samp_map_lookup (r, "samp.error");
          const char *txt = err ? samp_map_lookup_string (err, "samp.errortxt") : NULL;
          if (g_strcmp0 (status, "samp.error") != 0)
            g_string_append_printf (ok, "%s%s", ok->len ? ", " : "", who);
          else
            g_string_append_printf (bad, "%s%s (%s)", bad->len ? ", " : "", who,
                                    txt ? txt : "no reason given");
        }
      g_autofree char *line = g_strdup_printf ("table %s \"%s\": loaded by %s%s%s", j->table_id,
                                               j->name, ok->len ? ok->str : "nobody",
                                               bad->len ? "; failed: " : "", bad->str);
      g_message ("%s", line);
      cs_bridge_note_activity (b, line);
    }
  g_free (j->table_id);
  g_free (j->name);
  g_free (j);
  cs_bridge_check_once (b);
}

/* viewer-frames=reuse: a new position result replaces the previous one in
 * Aladin (script "rm PLANE"; Aladin keeps a plane per load, a second load
 * of the same name becomes "NAME~1").  TOPCAT cannot replace a table over
 * SAMP: it refuses a table-id it has seen ("Duplicate table-id"), so every
 * table gets a fresh id and a unique name instead (doc/MTYPES.md). */
static void
replace_in_aladin (CsBridge *b, const char *old_name)
{
  if (old_name == NULL || strchr (old_name, '"') != NULL)
    return;
  g_auto(GStrv) ids = samp_client_list_known_clients (b->client);
  g_autofree char *script = g_strdup_printf ("rm \"%s\"", old_name);
  for (guint i = 0; ids && ids[i]; i++)
    {
      g_autoptr(GVariant) subs = samp_client_dup_known_subscriptions (b->client, ids[i]);
      g_autoptr(GVariant) has = subs ? samp_map_lookup (subs, "script.aladin.send") : NULL;
      g_autoptr(GError) error = NULL;
      if (has == NULL)
        continue;
      if (!samp_client_notify (b->client, ids[i], "script.aladin.send",
                               samp_map_new_strings ("script", script, NULL), &error))
        g_message ("could not remove \"%s\" from %s: %s", old_name, ids[i], error->message);
    }
}

void
cs_bridge_broadcast_table (CsBridge *b, CsBridgeResult *r, const char *base, gboolean position)
{
  CsBridgeTable *t = g_new0 (CsBridgeTable, 1);
  /* unique across bridges: another cadc-samp's tables are not ours; and
   * never reused (TOPCAT refuses a table-id twice) */
  t->table_id = g_strdup_printf ("cadc-samp-%ld-%u", (long) getpid (), ++b->n_tables);
  t->url = g_strdup (r->url);
  t->path = g_strdup (r->path);
  t->name = cs_bridge_table_name_finish (base, r->rows, r->overflow, b->n_tables);
  g_hash_table_replace (b->tables, t->table_id, t);
  const char *name = t->name;

  if (b->client == NULL || !samp_client_is_connected (b->client))
    return;
  if (position && b->config->viewer_frames_reuse)
    replace_in_aladin (b, b->last_position_name);
  if (position)
    {
      g_free (b->last_position_name);
      b->last_position_name = g_strdup (name);
    }
  /* A call, so the replies say who loaded it (and --once exits only once
   * every recipient has: the file goes with us). */
  LoadJob *j = g_new0 (LoadJob, 1);
  j->bridge = b;
  j->table_id = g_strdup (t->table_id);
  j->name = g_strdup (name);
  b->n_inflight++;
  samp_client_call_all_async (
    b->client, "table.load.votable",
    samp_map_new_strings ("url", r->url, "table-id", t->table_id, "name", name, NULL),
    LOAD_TIMEOUT_S, b->cancel, table_loaded, j);
  g_autofree char *line = g_strdup_printf ("sent table %s \"%s\"", t->table_id, name);
  g_message ("%s (%" G_GUINT64_FORMAT " rows) as a call; waiting for the recipients to load it",
             line, r->rows);
  cs_bridge_note_activity (b, line);
}

/* ------------------------------------------------------------------------ */
/* Replies                                                                   */

void
cs_bridge_reply_ok (CsBridge *b, const char *msg_id, GVariant *result)
{
  /* take_ref, not ref_sink: a full reference (samp_map_new_*) is ours too */
  g_autoptr(GVariant) res = result ? g_variant_take_ref (result) : NULL;
  if (msg_id && *msg_id && b->client)
    samp_client_reply (b->client, msg_id, samp_response_new_ok (g_steal_pointer (&res)));
}

void
cs_bridge_reply_error (CsBridge *b, const char *msg_id, const char *mtype,
                       const char *sender, const GError *error)
{
  b->n_failures++;
  g_message ("%s from %s: error: %s", mtype, sender ? sender : "us", error->message);
  if (msg_id && *msg_id && b->client)
    samp_client_reply (b->client, msg_id, samp_response_new_error (error->message));
}

gboolean
cs_bridge_parse_position (GVariant *params, double *ra, double *dec, GError **error)
{
  const char *ra_s = samp_map_lookup_string (params, "ra");
  const char *dec_s = samp_map_lookup_string (params, "dec");
  double r, d;

  if (ra_s == NULL || dec_s == NULL)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE, "parameters ra and dec are required");
      return FALSE;
    }
  if (!samp_parse_float (ra_s, &r, NULL) || !isfinite (r))
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE, "ra=\"%s\" is not a number of degrees", ra_s);
      return FALSE;
    }
  if (!samp_parse_float (dec_s, &d, NULL) || !isfinite (d))
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE, "dec=\"%s\" is not a number of degrees",
                   dec_s);
      return FALSE;
    }
  if (d < -90 || d > 90)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE, "dec=%s is outside [-90, 90]", dec_s);
      return FALSE;
    }
  if (r < -360 || r > 720)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE, "ra=%s is outside [0, 360]", ra_s);
      return FALSE;
    }
  r = fmod (r, 360);
  if (r < 0)
    r += 360;
  *ra = r;
  *dec = d;
  return TRUE;
}

char *
cs_bridge_region_adql (CsBridge *b, double ra, double dec, double radius,
                       const char *collection)
{
  double ra5, dec5;
  (void) b;
  vo_coords_icrs_to_fk5 (ra, dec, &ra5, &dec5);
  return vo_adql_query_region (ra5, dec5, radius, collection, NULL);
}

/* ------------------------------------------------------------------------ */
/* Positions, coalesced                                                      */

typedef struct {
  CsBridge *bridge;
  double ra, dec;
  gint64 received_us;
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
  g_autoptr(GError) error = NULL;
  g_autoptr(CsBridgeResult) r = cs_bridge_query_finish (res, &error);
  (void) source;

  g_clear_object (&b->position_cancel);
  if (b->cancel == NULL || g_cancellable_is_cancelled (b->cancel))
    {
      g_free (job);    /* stopping */
      return;
    }
  if (r == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("position %.5f %+.5f: query cancelled (superseded)", job->ra, job->dec);
      else
        {
          b->n_failures++;
          g_autofree char *line = g_strdup_printf ("position %.5f %+.5f: query failed: %s",
                                                   job->ra, job->dec, error->message);
          g_warning ("%s", line);
          cs_bridge_note_activity (b, line);
        }
    }
  else if (b->have_pending)
    g_message ("position %.5f %+.5f: %" G_GUINT64_FORMAT " rows, superseded", job->ra,
               job->dec, r->rows);
  else
    {
      g_autofree char *name = cs_bridge_table_name_for_position (
        job->ra, job->dec, b->config->radius_deg, b->config->collection);
      g_message ("position %.5f %+.5f: region query r=%g deg: %" G_GUINT64_FORMAT
                 " rows%s in %.3f s", job->ra, job->dec, b->config->radius_deg, r->rows,
                 r->overflow ? " (truncated)" : "", r->seconds);
      cs_bridge_broadcast_table (b, r, name, TRUE);
      cs_bridge_show_footprints (b, r, name);
      if (b->config->cutouts && b->config->max_cutouts > 0)
        cs_bridge_send_cutouts (b, r, job->ra, job->dec, b->config->radius_deg);
    }
  g_free (job);

  if (b->have_pending)
    settle_restart (b);
  else
    cs_bridge_check_once (b);
}

void
cs_bridge_check_once (CsBridge *b)
{
  /* --once: done when the position and whatever it started (cutouts) are. */
  if (b->config->once && b->loop && b->position_cancel == NULL && !b->have_pending
      && b->settle_id == 0
      && b->n_inflight == 0 && b->n_cutout_jobs == 0 && cs_viewers_is_idle (b->viewers))
    g_main_loop_quit (b->loop);
}

static void
start_pending_position (CsBridge *b)
{
  PointJob *job = g_new0 (PointJob, 1);
  job->bridge = b;
  job->ra = b->pending_ra;
  job->dec = b->pending_dec;
  job->received_us = g_get_monotonic_time ();
  b->have_pending = FALSE;
  b->position_cancel = g_cancellable_new ();
  g_autofree char *adql = cs_bridge_region_adql (b, job->ra, job->dec, b->config->radius_deg,
                                                 b->config->collection);
  b->n_queries++;
  g_debug ("query %u: %s", b->n_queries, adql);
  cs_bridge_query_async (b->cadc, b->cache, adql, b->config->max_rows, NULL, NULL,
                         b->position_cancel, position_done, job);
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

/* ------------------------------------------------------------------------ */
/* Life cycle                                                                */

/* The saved certificate is validated once, before either client uses it
 * (the archive commands' rule): expired or unusable -> the bridge does not
 * start (CADC_AUTH_ERROR); 3 days or less left -> one warning. */
static gboolean
check_cert (const char *path, GError **error)
{
  g_autofree char *warning = NULL;

  if (!cadc_auth_check_cert_for_use (path, &warning, error))
    return FALSE;
  if (warning != NULL)
    g_warning ("%s", warning);
  return TRUE;
}

CsBridge *
cs_bridge_new (CsBridgeConfig *config, const CadcClientConfig *cadc, GError **error)
{
  g_autoptr(CsBridgeConfig) cfg = config;
  g_autoptr(CadcAuth) auth = cadc_auth_load (error);
  g_autoptr(CadcAuth) auth2 = auth ? cadc_auth_load (error) : NULL;
  if (auth2 == NULL)
    return NULL;
  if (cadc_auth_get_cert (auth) != NULL && !check_cert (cadc_auth_get_cert (auth), error))
    return NULL;
  g_autoptr(CsBridgeCache) cache = cs_bridge_cache_new (NULL, cfg->cache_max_bytes, error);
  if (cache == NULL)
    return NULL;
  CsBridge *b = g_new0 (CsBridge, 1);
  b->config = g_steal_pointer (&cfg);
  b->cache = g_steal_pointer (&cache);
  b->cadc = cadc_client_new (cadc, g_steal_pointer (&auth));
  b->datalink = cs_bridge_datalink_new (cadc, g_steal_pointer (&auth2));
  b->cancel = g_cancellable_new ();
  b->tables = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                     (GDestroyNotify) our_table_free);
  b->colours = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return b;
}

static void
on_hub_lost (SampClient *client, const char *reason, gpointer user_data)
{
  (void) client;
  (void) user_data;
  g_message ("hub lost (%s); will register again when a hub appears",
             reason ? reason : "no reason given");
}

static void
on_hub_connected (SampClient *client, gpointer user_data)
{
  (void) user_data;
  g_message ("registered with the hub at %s as %s", samp_client_get_hub_url (client),
             samp_client_get_self_id (client));
}

gboolean
cs_bridge_start (CsBridge *b, GMainLoop *loop, GError **error)
{
  b->loop = loop;
  /* Discovery now, before any handler runs: done later it would iterate
   * the main loop from inside a SAMP handler. */
  g_clear_pointer (&b->tap, g_free);
  b->tap = cadc_client_get_tap_url (b->cadc, error);
  if (b->tap == NULL)
    {
      g_prefix_error (error, "cannot find the CADC TAP service: ");
      return FALSE;
    }
  CsBridgeHubMode mode = b->config->hub_mode;
  if (mode == CS_BRIDGE_HUB_ALWAYS
      || (mode == CS_BRIDGE_HUB_AUTO && !samp_hub_is_live (NULL, 1000)))
    {
      b->hub = samp_hub_new ();
      if (!samp_hub_start (b->hub, error))
        {
          g_prefix_error (error, "cannot start a SAMP hub: ");
          return FALSE;
        }
      g_message ("started an in-process SAMP hub at %s", samp_hub_get_url (b->hub));
    }

  b->client = samp_client_new ("cadc-samp");
  samp_client_set_metadata (b->client, "samp.description.text",
                            "Queries the CADC archive for the positions, tables and images "
                            "other tools send, and sends back the results");
  samp_client_set_metadata (b->client, "samp.documentation.url",
                            "https://github.com/cadc-samp/cadc-samp");
  samp_client_set_metadata (b->client, "cadc-samp.version", PACKAGE_VERSION);
  samp_client_subscribe (b->client, "coord.pointAt.sky", on_point_at, b);
  cs_bridge_subscribe_handlers (b);
  b->viewers = cs_viewers_new (b->client, b->config, b->cancel);
  cs_viewers_set_idle_func (b->viewers, (void (*) (gpointer)) cs_bridge_check_once, b);
  g_signal_connect (b->client, "hub-lost", G_CALLBACK (on_hub_lost), b);
  g_signal_connect (b->client, "hub-connected", G_CALLBACK (on_hub_connected), b);

  if (!samp_client_connect (b->client, error))
    return FALSE;
  g_message ("listening; TAP %s, results in %s", b->tap, cs_bridge_cache_get_dir (b->cache));
  samp_client_set_auto_reconnect (b->client, TRUE);
  return TRUE;
}

void
cs_bridge_stop (CsBridge *b)
{
  g_cancellable_cancel (b->cancel);
  if (b->position_cancel)
    g_cancellable_cancel (b->position_cancel);
  b->have_pending = FALSE;
  if (b->settle_id)
    {
      g_source_remove (b->settle_id);
      b->settle_id = 0;
    }
  if (b->client)
    samp_client_disconnect (b->client);
  if (b->hub)
    samp_hub_stop (b->hub);
}

void
cs_bridge_load_image (CsBridge *b, const char *path)
{
  g_autofree char *name = g_path_get_basename (path);
  g_message ("image %s: querying its footprint", path);
  cs_bridge_footprint_query (b, "the command line", NULL, "--image", path, name);
}

guint
cs_bridge_get_n_failures (CsBridge *b)
{
  return b->n_failures;
}

guint
cs_bridge_get_n_queries (CsBridge *b)
{
  return b->n_queries;
}

void
cs_bridge_free (CsBridge *b)
{
  if (b == NULL)
    return;
  cs_bridge_stop (b);
  /* Let cancelled transfers report back before their data goes away
   * (bounded: two seconds). */
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while ((b->position_cancel || b->n_inflight > 0 || b->n_cutout_jobs > 0)
         && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_clear_pointer (&b->viewers, cs_viewers_close);
  g_clear_object (&b->client);
  g_clear_pointer (&b->hub, samp_hub_free);
  g_clear_pointer (&b->colours, g_hash_table_unref);
  g_clear_pointer (&b->tables, g_hash_table_unref);
  g_free (b->last_position_name);
  g_clear_pointer (&b->cadc, cadc_client_free);
  g_clear_pointer (&b->datalink, cs_bridge_datalink_unref);
  g_clear_pointer (&b->cache, cs_bridge_cache_free);
  g_clear_object (&b->cancel);
  g_clear_object (&b->position_cancel);
  cs_bridge_config_free (b->config);
  g_free (b->tap);
  g_free (b);
}

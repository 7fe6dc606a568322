/* bridge-core.c: what every flow of the bridge uses (bridge-core.h).
 *
 * The registry of the result tables we have sent (so highlight and select
 * messages about them are recognised, and a peer's table that is one of
 * ours is never crossmatched), the broadcasts of tables (a callAll whose
 * replies are logged and summarised in cadc-samp.last-activity) and of
 * footprints, the replies to peers, the parameters every MType shares,
 * a query run for a peer's request, a peer's file fetched into the cache,
 * and the --once accounting.  Every SAMP send here is asynchronous.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "bridge-core.h"
#include "bridge-footprint.h"
#include "cadc-limits.h"
#include "samp-error.h"
#include "samp-value.h"
#include "vo-coords.h"

/* How long a broadcast waits for its recipients to load the table (--once
 * exits after that at the latest). */
#define LOAD_TIMEOUT_S 60

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

void
cs_bridge_core_init (CsBridge *b)
{
  b->cancel = g_cancellable_new ();
  b->tables = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                     (GDestroyNotify) our_table_free);
  b->colours = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

void
cs_bridge_core_clear (CsBridge *b)
{
  g_clear_pointer (&b->colours, g_hash_table_unref);
  g_clear_pointer (&b->tables, g_hash_table_unref);
  g_clear_object (&b->cancel);
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

void
cs_bridge_note_activity (CsBridge *b, const char *what)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *line = g_strdup_printf ("%s %s", stamp, what);
  /* a SAMP string is ASCII (JSAMP refuses anything else, and names or
   * peers' error texts may not be); one line */
  g_autofree char *text = samp_text_to_ascii (line);
  g_strdelimit (text, "\t\n\r", ' ');
  if (b->client)
    samp_client_set_metadata (b->client, "cadc-samp.last-activity", text);
}

/* ------------------------------------------------------------------------ */
/* Broadcasts                                                                */

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

typedef struct {
  char *old_name;
  char *to;
} RemoveJob;

static void
plane_removed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  RemoveJob *r = user_data;
  g_autoptr(GError) error = NULL;

  if (!samp_client_notify_finish (SAMP_CLIENT (source), res, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("could not remove \"%s\" from %s: %s", r->old_name, r->to, error->message);
  g_free (r->old_name);
  g_free (r->to);
  g_free (r);
}

/* viewer-frames=reuse: a new position result replaces the previous one in
 * Aladin (script "rm PLANE"; Aladin keeps a plane per load, a second load
 * of the same name becomes "NAME~1").  TOPCAT cannot replace a table over
 * SAMP: it refuses a table-id it has seen ("Duplicate table-id"), so every
 * table gets a fresh id and a unique name instead (doc/MTYPES.md).  The
 * hub takes the notification before it takes the callAll of the new
 * table, so Aladin removes the old plane first. */
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
      if (has == NULL)
        continue;
      RemoveJob *r = g_new0 (RemoveJob, 1);
      r->old_name = g_strdup (old_name);
      r->to = g_strdup (ids[i]);
      samp_client_notify_async (b->client, ids[i], "script.aladin.send",
                                samp_map_new_strings ("script", script, NULL), b->cancel,
                                plane_removed, r);
    }
}

void
cs_bridge_broadcast_table (CsBridge *b, CsBridgeArchive *a, CsBridgeResult *r,
                           const char *base, gboolean position)
{
  CsBridgeTable *t = g_new0 (CsBridgeTable, 1);
  /* unique across bridges: another cadc-samp's tables are not ours; and
   * never reused (TOPCAT refuses a table-id twice) */
  t->archive = a;
  t->table_id = g_strdup_printf ("cadc-samp-%ld-%u", (long) getpid (), ++b->n_tables);
  t->url = g_strdup (r->url);
  t->path = g_strdup (r->path);
  t->name = cs_bridge_table_name_finish (base, r->rows, r->overflow, b->n_tables);
  g_hash_table_replace (b->tables, t->table_id, t);
  const char *name = t->name;

  if (b->client == NULL || !samp_client_is_connected (b->client))
    return;
  if (position && b->config->viewer_frames_reuse)
    replace_in_aladin (b, a->last_position_name);
  if (position)
    {
      g_free (a->last_position_name);
      a->last_position_name = g_strdup (name);
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

void
cs_bridge_show_footprints (CsBridge *b, CsBridgeResult *r, const char *what)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  if (!b->config->footprints || b->viewers == NULL)
    return;
  g_autoptr(VoTable) t = vo_table_load_file (r->path, &error);
  if (t == NULL)
    {
      g_warning ("footprints of %s: %s", what, error->message);
      return;
    }
  g_autofree char *text = cs_bridge_footprint_regions (t, b->colours, &n);
  g_autofree char *path = cs_bridge_cache_new_path (b->cache, "footprints", "reg");
  g_autofree char *url = NULL;
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error)
      || (url = g_filename_to_uri (path, NULL, &error)) == NULL)
    {
      g_warning ("footprints of %s: %s", what, error->message);
      return;
    }
  cs_viewers_show_footprints (b->viewers, url, n, what);
}

/* ------------------------------------------------------------------------ */
/* Replies and parameters                                                    */

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

const char *
cs_bridge_opt_string (GVariant *params, const char *key)
{
  const char *s = samp_map_lookup_string (params, key);
  return (s && *s) ? s : NULL;
}

const char *
cs_bridge_require_string (CsBridge *b, GVariant *params, const char *key, const char *what,
                          const char *msg_id, const char *mtype, const char *sender)
{
  const char *s = cs_bridge_opt_string (params, key);
  if (s == NULL)
    {
      g_autoptr(GError) error = g_error_new (VO_ERROR, VO_ERROR_PARSE,
                                             "parameter %s%s%s%s is required", key,
                                             what ? " (" : "", what ? what : "",
                                             what ? ")" : "");
      cs_bridge_reply_error (b, msg_id, mtype, sender, error);
    }
  return s;
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

gboolean
cs_bridge_parse_region_params (CsBridge *b, GVariant *params, double *ra, double *dec,
                               double *radius, const char **collection, GError **error)
{
  const char *radius_s = cs_bridge_opt_string (params, "radius");

  *radius = b->config->radius_deg;
  *collection = cs_bridge_opt_string (params, "collection");
  if (*collection == NULL)
    *collection = b->config->collection;
  return cs_bridge_parse_position (params, ra, dec, error)
         && (radius_s == NULL || vo_coords_parse_radius (radius_s, radius, error));
}

/* ------------------------------------------------------------------------ */
/* Asking an archive, in its model                                           */

typedef struct {
  CsBridge *bridge;
  CsBridgeArchive *archive;
  CsBridgeAsk ask;          /* strings below are the copies */
  char *collection, *text, *upload_path;
} AskData;

static void
ask_data_free (AskData *d)
{
  g_free (d->collection);
  g_free (d->text);
  g_free (d->upload_path);
  g_free (d);
}

static void
asked (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  CsBridgeResult *r = cs_bridge_query_finish (res, &error);
  (void) source;

  if (r == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, r, (GDestroyNotify) cs_bridge_result_free);
}

static char *
ask_adql (const CsBridgeAsk *q, const CadcModel *m, GError **error)
{
  switch (q->kind)
    {
    case CS_BRIDGE_ASK_REGION:
      return cadc_model_adql_region (m, q->ra, q->dec, q->radius, q->collection, NULL);
    case CS_BRIDGE_ASK_NAME:
      return cadc_model_adql_name (m, q->text);
    case CS_BRIDGE_ASK_ADQL:
      return g_strdup (q->text);
    case CS_BRIDGE_ASK_CROSSMATCH:
      return cadc_model_adql_crossmatch (m, "peer", "ra", "dec", q->radius, q->collection,
                                         error);
    case CS_BRIDGE_ASK_FOOTPRINT:
      return cadc_model_adql_footprint (m, q->vertices, 4, q->collection, error);
    }
  g_return_val_if_reached (NULL);
}

static void
model_known (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  AskData *d = g_task_get_task_data (task);
  CsBridge *b = d->bridge;
  GError *error = NULL;
  CadcModel model;
  g_autofree char *adql = NULL;
  (void) source;

  if (res != NULL && !cadc_client_get_model_finish (d->archive->cadc, res, &model, &error))
    {
      /* a service without usable VOSI tables is taken as CAOM2, as the
       * archive commands do; one that has neither schema is an error; an
       * unreachable one is asked again next time */
      if (g_error_matches (error, VO_ERROR, VO_ERROR_NOT_FOUND)
          || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
      g_debug ("%s: %s; CAOM2 assumed", d->archive->name, error->message);
      memset (&model, 0, sizeof model);
      model.kind = CADC_MODEL_CAOM2;
      if (!cadc_client_is_unreachable_error (error))
        {
          d->archive->model = model;
          d->archive->model_known = TRUE;
        }
      g_clear_error (&error);
    }
  else if (res != NULL)
    {
      d->archive->model = model;
      d->archive->model_known = TRUE;
    }
  else
    model = d->archive->model;
  if ((adql = ask_adql (&d->ask, &model, &error)) == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  b->n_queries++;
  g_debug ("query %u (%s, %s): %s", b->n_queries, d->archive->name,
           cadc_model_name (model.kind), adql);
  cs_bridge_query_async (d->archive->cadc, b->cache, adql, d->ask.maxrec,
                         d->ask.kind == CS_BRIDGE_ASK_CROSSMATCH ? "peer" : NULL,
                         d->ask.upload_path, g_task_get_cancellable (task), asked, task);
}

void
cs_bridge_ask_async (CsBridge *b, CsBridgeArchive *a, const CsBridgeAsk *ask,
                     GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  AskData *d = g_new0 (AskData, 1);
  d->bridge = b;
  d->archive = a;
  d->ask = *ask;
  d->collection = g_strdup (ask->collection ? ask->collection
                            : a->collection ? a->collection : b->config->collection);
  d->text = g_strdup (ask->text);
  d->upload_path = g_strdup (ask->upload_path);
  d->ask.collection = d->collection;
  d->ask.text = d->text;
  d->ask.upload_path = d->upload_path;
  g_task_set_task_data (task, d, (GDestroyNotify) ask_data_free);
  if (a->model_known)
    model_known (NULL, NULL, task);   /* straight to the query */
  else
    cadc_client_get_model_async (a->cadc, cancellable, model_known, task);
}

CsBridgeResult *
cs_bridge_ask_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* A query for a peer's request, on every archive                            */

/* The queries of one request, one per archive; replied to when all ended. */
typedef struct {
  CsBridge *bridge;
  char *msg_id;
  char *mtype;
  char *sender;
  char *base;
  CsBridgeQueryThen then;
  guint pending;
  GVariantBuilder archives;   /* one map per archive, in the order they end */
  char *first_url, *first_rows;
  GString *failures;          /* "name: error; ..." */
  GError *last_error;
  guint n_failed;
  gboolean cancelled;
} QueryGroup;

typedef struct {
  QueryGroup *group;
  CsBridgeArchive *archive;
} QueryJob;

/* Add @map (a full reference, consumed) to the SAMP list being built. */
static void
list_add_map (GVariantBuilder *list, GVariant *map)
{
  g_variant_builder_add (list, "v", map);
  g_variant_unref (map);
}

static void
query_group_end (QueryGroup *g)
{
  CsBridge *b = g->bridge;
  guint n = b->archives->len;
  g_autoptr(GVariant) archives = g_variant_ref_sink (g_variant_builder_end (&g->archives));

  if (g->cancelled)
    ;   /* stopping */
  else if (n == 1 && g->last_error)
    cs_bridge_reply_error (b, g->msg_id, g->mtype, g->sender, g->last_error);
  else if (n == 1)
    cs_bridge_reply_ok (b, g->msg_id, samp_map_new_strings ("url", g->first_url,
                                                            "rows", g->first_rows, NULL));
  else if (g->n_failed == n)
    {
      g_autoptr(GError) error = g_error_new (VO_ERROR, VO_ERROR_QUERY, "every archive failed: %s",
                                             g->failures->str);
      cs_bridge_reply_error (b, g->msg_id, g->mtype, g->sender, error);
    }
  else if (g->msg_id && *g->msg_id && b->client)
    {
      GVariant *result = samp_map_new_va ("url", g_variant_new_string (g->first_url),
                                          "rows", g_variant_new_string (g->first_rows),
                                          "archives", g_variant_ref (archives), NULL);
      if (g->n_failed == 0)
        samp_client_reply (b->client, g->msg_id, samp_response_new_ok (result));
      else
        {
          g_autofree char *text = g_strdup_printf ("%u of %u archives failed: %s", g->n_failed,
                                                   n, g->failures->str);
          g_message ("%s from %s: %s", g->mtype, g->sender, text);
          samp_client_reply (b->client, g->msg_id, samp_response_new_warning (result, text));
        }
    }
  g_free (g->msg_id);
  g_free (g->mtype);
  g_free (g->sender);
  g_free (g->base);
  g_free (g->first_url);
  g_free (g->first_rows);
  g_string_free (g->failures, TRUE);
  g_clear_error (&g->last_error);
  g_free (g);
}

static void
query_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  QueryJob *j = user_data;
  QueryGroup *g = j->group;
  CsBridge *b = g->bridge;
  CsBridgeArchive *a = j->archive;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsBridgeResult) r = cs_bridge_ask_finish (res, &error);
  (void) source;

  b->n_inflight--;
  if (r == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g->cancelled = TRUE;   /* stopping */
  else if (r == NULL)
    {
      cs_bridge_prefix_archive_error (b, a, &error, NULL);
      g->n_failed++;
      g_string_append_printf (g->failures, "%s%s", g->failures->len ? "; " : "",
                              error->message);
      list_add_map (&g->archives, samp_map_new_strings ("archive", a->name, "error",
                                                        error->message, NULL));
      if (b->archives->len > 1)
        g_message ("%s from %s: %s", g->mtype, g->sender, error->message);
      g_clear_error (&g->last_error);
      g->last_error = g_steal_pointer (&error);
    }
  else
    {
      cs_bridge_archive_answered (b, a);
      g_message ("%s from %s: %s%s%" G_GUINT64_FORMAT " rows%s in %.3f s", g->mtype, g->sender,
                 b->archives->len > 1 ? a->name : "", b->archives->len > 1 ? ": " : "",
                 r->rows, r->overflow ? " (truncated)" : "", r->seconds);
      g_autofree char *rows = g_strdup_printf ("%" G_GUINT64_FORMAT, r->rows);
      list_add_map (&g->archives, samp_map_new_strings ("archive", a->name, "url", r->url,
                                                        "rows", rows, NULL));
      if (g->first_url == NULL)
        {
          g->first_url = g_strdup (r->url);
          g->first_rows = g_strdup (rows);
        }
      g_autofree char *name = g_strdup_printf ("%s %s", a->label, g->base);
      cs_bridge_broadcast_table (b, a, r, name, FALSE);
      if (g->then)
        g->then (b, a, r, name);
    }
  g_free (j);
  if (--g->pending == 0)
    query_group_end (g);
  cs_bridge_check_once (b);
}

void
cs_bridge_run_query (CsBridge *b, const char *msg_id, const char *mtype, const char *sender,
                     const char *base, const CsBridgeAsk *ask, CsBridgeQueryThen then)
{
  QueryGroup *g = g_new0 (QueryGroup, 1);
  g->bridge = b;
  g->msg_id = g_strdup (msg_id);
  g->mtype = g_strdup (mtype);
  g->sender = g_strdup (sender);
  g->base = g_strdup (base);
  g->then = then;
  g->failures = g_string_new (NULL);
  g->pending = b->archives->len;
  g_variant_builder_init (&g->archives, SAMP_TYPE_LIST);
  for (guint i = 0; i < b->archives->len; i++)
    {
      QueryJob *j = g_new0 (QueryJob, 1);
      j->group = g;
      j->archive = g_ptr_array_index (b->archives, i);
      b->n_inflight++;
      cs_bridge_ask_async (b, j->archive, ask, b->cancel, query_done, j);
    }
}

/* ------------------------------------------------------------------------ */
/* A peer's file                                                             */

/* Peers' files are fetched by the first archive's client. */
static CadcClient *
cs_bridge_fetcher (CsBridge *b)
{
  return ((CsBridgeArchive *) g_ptr_array_index (b->archives, 0))->cadc;
}

typedef struct {
  CsBridge *bridge;
  char *sender, *msg_id, *mtype, *name, *path;
  const char *what;
  CsBridgePeerFileFunc then;
} FetchJob;

static void
fetch_job_free (FetchJob *f)
{
  g_free (f->sender);
  g_free (f->msg_id);
  g_free (f->mtype);
  g_free (f->name);
  g_free (f->path);
  g_free (f);
}

static void
fetch_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  FetchJob *f = user_data;
  CsBridge *b = f->bridge;
  g_autoptr(GError) error = NULL;
  (void) source;

  b->n_inflight--;
  if (cadc_client_download_finish (cs_bridge_fetcher (b), res, &error))
    f->then (b, f->sender, f->msg_id, f->mtype, f->path, f->name);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ;   /* stopping */
  else
    {
      g_prefix_error (&error, "cannot read the %s: ", f->what);
      cs_bridge_reply_error (b, f->msg_id, f->mtype, f->sender, error);
    }
  fetch_job_free (f);
  cs_bridge_check_once (b);
}

void
cs_bridge_fetch_peer_file (CsBridge *b, const char *sender, const char *msg_id,
                           const char *mtype, const char *url, const char *name,
                           const char *ext, const char *what, CsBridgePeerFileFunc then)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;

  if (name == NULL)
    {
      /* the image's or table's file name, for the result's name */
      const char *slash = strrchr (url, '/');
      base = g_uri_unescape_string (slash ? slash + 1 : url, NULL);
      name = base && *base ? base : NULL;
    }
  if (g_str_has_prefix (url, "file:") || g_path_is_absolute (url))
    {
      g_autofree char *path = g_str_has_prefix (url, "file:")
                                ? g_filename_from_uri (url, NULL, &error)
                                : g_strdup (url);
      GStatBuf st;
      guint64 max = cadc_limits_get_max_peer_file ();
      if (path != NULL && g_stat (path, &st) == 0 && S_ISREG (st.st_mode)
          && (guint64) st.st_size > max)
        {
          g_autofree char *size = g_format_size_full ((guint64) st.st_size,
                                                      G_FORMAT_SIZE_IEC_UNITS);
          g_autofree char *cap = g_format_size_full (max, G_FORMAT_SIZE_IEC_UNITS);
          g_set_error (&error, VO_HTTP_ERROR, VO_HTTP_ERROR_TOO_LARGE,
                       "cannot read the %s: %s is %s, larger than the limit of %s "
                       "([limits] max-peer-file)", what, path, size, cap);
          g_clear_pointer (&path, g_free);
        }
      if (path == NULL)
        cs_bridge_reply_error (b, msg_id, mtype, sender, error);
      else
        then (b, sender, msg_id, mtype, path, name);
      return;
    }
  if (!g_str_has_prefix (url, "http://") && !g_str_has_prefix (url, "https://"))
    {
      error = g_error_new (VO_ERROR, VO_ERROR_PARSE,
                           "url \"%s\" is neither file:, http:, https: nor an absolute path",
                           url);
      cs_bridge_reply_error (b, msg_id, mtype, sender, error);
      return;
    }
  FetchJob *f = g_new0 (FetchJob, 1);
  f->bridge = b;
  f->sender = g_strdup (sender);
  f->msg_id = g_strdup (msg_id);
  f->mtype = g_strdup (mtype);
  f->name = g_strdup (name);
  f->what = what;
  f->then = then;
  f->path = cs_bridge_cache_new_path (b->cache, "peer", ext);
  b->n_inflight++;
  cadc_client_download_max_async (cs_bridge_fetcher (b), url, f->path,
                                  cadc_limits_get_max_peer_file (), NULL, NULL, b->cancel,
                                  fetch_done, f);
}

/* ------------------------------------------------------------------------ */
/* The archive's reachability                                                */

void
cs_bridge_archive_answered (CsBridge *b, CsBridgeArchive *a)
{
  if (a->tap != NULL)
    return;
  /* discovery succeeded (a request got through): no network here */
  a->tap = cadc_client_get_tap_url (a->cadc, NULL);
  if (a->tap != NULL)
    {
      g_autofree char *line = g_strdup_printf ("the %s archive answers again: TAP %s", a->label,
                                               a->tap);
      g_message ("%s", line);
      cs_bridge_note_activity (b, line);
    }
}

void
cs_bridge_prefix_archive_error (CsBridge *b, CsBridgeArchive *a, GError **error,
                                const char *what)
{
  g_autofree char *query = NULL;

  if (error == NULL || *error == NULL)
    return;
  if (what == NULL)
    what = query = b->archives->len > 1 ? g_strdup_printf ("%s: query failed", a->name)
                                        : g_strdup_printf ("%s query failed", a->label);
  if (cadc_client_is_unreachable_error (*error))
    g_prefix_error (error, "%s: the %s archive is unreachable: ", what, a->label);
  else
    g_prefix_error (error, "%s: ", what);
}

/* ------------------------------------------------------------------------ */

void
cs_bridge_check_once (CsBridge *b)
{
  /* --once: done when the position and whatever it started (cutouts) are. */
  if (b->config->once && b->loop && b->position_cancel == NULL && !b->have_pending
      && b->settle_id == 0 && b->n_inflight == 0 && cs_viewers_is_idle (b->viewers))
    g_main_loop_quit (b->loop);
}

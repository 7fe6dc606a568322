/* bridge-cutouts.c: cutouts and data files, resolved through DataLink.
 *
 *  - cadc.cutouts {ra, dec, [radius], [collection]}: a region query of the
 *    first archive (listen --archive), then
 *    the SODA cutouts of its best image planes (highest calibration level
 *    first, at most max-cutouts); reply {urls}.
 *  - the cutouts of a position's result (cutouts=true) and of a
 *    highlighted row, and the data files (#this) of selected rows, go to
 *    the image viewers' queues (bridge-viewers.c), named
 *    COLLECTION/OBSERVATION/PRODUCT when DataLink gave one URL per ID.
 */
#include "config.h"

#include "bridge-flows.h"
#include "bridge-footprint.h"
#include "samp-value.h"
#include "vo-coords.h"

/* A DataLink look-up whose URLs become either the {urls} reply of a
 * cadc.cutouts call or images for the viewers. */
typedef struct {
  CsBridge *bridge;
  CsBridgeArchive *archive;
  char **ids;
  char *msg_id;       /* non-NULL: reply {urls} to this call */
  char *sender;
  const char *what;   /* "cutout" or "data" */
  guint max;          /* at most this many images (0: no limit) */
} UrlJob;

static void
url_job_free (UrlJob *j)
{
  g_strfreev (j->ids);
  g_free (j->msg_id);
  g_free (j->sender);
  g_free (j);
}

static void
send_images (CsBridge *b, UrlJob *j, char **urls)
{
  guint n = g_strv_length (urls), ids = g_strv_length (j->ids);
  guint k = j->max > 0 && n > j->max ? j->max : n;
  g_autoptr(GPtrArray) u = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < k; i++)
    {
      g_ptr_array_add (u, g_strdup (urls[i]));
      g_ptr_array_add (names, n == ids ? cs_bridge_product_name (j->ids[i])
                                       : g_strdup_printf ("CADC %s %u", j->what, i + 1));
    }
  g_ptr_array_add (u, NULL);
  g_ptr_array_add (names, NULL);
  cs_viewers_send_images (b->viewers, (const char *const *) u->pdata,
                          (const char *const *) names->pdata);
  if (k < n)
    g_message ("%u of %u %s URLs sent (max-selection)", j->max, n, j->what);
}

static void
urls_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  UrlJob *j = user_data;
  CsBridge *b = j->bridge;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) urls = g_str_equal (j->what, "cutout")
    ? cadc_client_cutout_urls_finish (j->archive->cadc, res, &error)
    : cadc_client_data_urls_finish (j->archive->cadc, res, &error);
  (void) source;

  b->n_inflight--;
  if (urls == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ;   /* stopping */
  else if (j->msg_id)
    {
      if (urls == NULL)
        {
          cs_bridge_prefix_archive_error (b, j->archive, &error, "DataLink");
          cs_bridge_reply_error (b, j->msg_id, "cadc.cutouts", j->sender, error);
        }
      else
        {
          g_message ("cadc.cutouts from %s: %u cutout URL(s)", j->sender,
                     g_strv_length (urls));
          cs_bridge_reply_ok (b, j->msg_id,
                              samp_map_new_va ("urls",
                                               samp_list_new_strv ((const char *const *) urls),
                                               NULL));
        }
    }
  else if (urls == NULL)
    {
      b->n_failures++;
      cs_bridge_prefix_archive_error (b, j->archive, &error, "DataLink");
      g_warning ("%s URLs: %s", j->what, error->message);
    }
  else
    send_images (b, j, urls);
  url_job_free (j);
  cs_bridge_check_once (b);
}

void
cs_bridge_resolve_urls (CsBridge *b, CsBridgeArchive *a, GPtrArray *ids, const char *what,
                        double ra, double dec, double radius, guint max, const char *msg_id,
                        const char *sender)
{
  UrlJob *j = g_new0 (UrlJob, 1);
  g_ptr_array_add (ids, NULL);
  j->bridge = b;
  j->archive = a;
  j->ids = (char **) g_ptr_array_free (ids, FALSE);
  j->msg_id = g_strdup (msg_id);
  j->sender = g_strdup (sender);
  j->what = what;
  j->max = max;
  b->n_inflight++;
  if (g_str_equal (what, "cutout"))
    {
      double ra5, dec5;
      vo_coords_icrs_to_fk5 (ra, dec, &ra5, &dec5);
      cadc_client_cutout_urls_async (a->cadc, (const char *const *) j->ids, ra5, dec5,
                                     radius, b->cancel, urls_done, j);
    }
  else
    cadc_client_data_urls_async (a->cadc, (const char *const *) j->ids, FALSE, b->cancel,
                                 urls_done, j);
}

/* The image planes of a result, best first (highest calibration level),
 * at most @max. */
static GPtrArray *
best_image_ids (const char *path, guint max, GError **error)
{
  g_autoptr(VoTable) t = vo_table_load_file (path, error);
  if (t == NULL)
    return NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  int pid = vo_table_find_field (t, "publisherID");
  int type = vo_table_find_field (t, "dataProductType");
  int cal = vo_table_find_field (t, "calibrationLevel");
  if (pid < 0)
    return ids;
  for (int level = 4; level >= -1 && ids->len < max; level--)
    for (guint r = 0; r < vo_table_get_n_rows (t) && ids->len < max; r++)
      {
        double c = -1;
        if (type >= 0 && g_strcmp0 (vo_table_get_string (t, r, (guint) type), "image") != 0)
          continue;
        if (cal >= 0 && !vo_table_get_double (t, r, (guint) cal, &c))
          c = -1;
        if ((int) c != level && !(level == -1 && (c < -1 || c > 4)))
          continue;
        const char *id = vo_table_get_string (t, r, (guint) pid);
        if (id)
          g_ptr_array_add (ids, g_strdup (id));
      }
  return ids;
}

void
cs_bridge_send_cutouts (CsBridge *b, CsBridgeArchive *a, CsBridgeResult *r, double ra,
                        double dec, double radius)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *ids = best_image_ids (r->path, b->config->max_cutouts, &error);
  if (ids == NULL)
    {
      g_warning ("cutouts: %s", error->message);
      return;
    }
  if (ids->len == 0)
    {
      g_ptr_array_unref (ids);
      return;
    }
  cs_bridge_resolve_urls (b, a, ids, "cutout", ra, dec, radius, 0, NULL, NULL);
}

typedef struct {
  CsBridge *bridge;
  CsBridgeArchive *archive;
  char *msg_id, *sender;
  double ra, dec, radius;
} CutoutQuery;

static void
cutout_query_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  CutoutQuery *q = user_data;
  CsBridge *b = q->bridge;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsBridgeResult) r = cs_bridge_query_finish (res, &error);
  GPtrArray *ids = NULL;
  (void) source;

  b->n_inflight--;
  if (r)
    cs_bridge_archive_answered (b, q->archive);
  if (r)
    ids = best_image_ids (r->path, b->config->max_cutouts, &error);
  if (ids == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ;   /* stopping */
  else if (ids == NULL)
    {
      cs_bridge_prefix_archive_error (b, q->archive, &error, NULL);
      cs_bridge_reply_error (b, q->msg_id, "cadc.cutouts", q->sender, error);
    }
  else if (ids->len == 0)
    {
      g_ptr_array_unref (ids);
      g_message ("cadc.cutouts from %s: no image planes there", q->sender);
      const char *const none[] = { NULL };
      cs_bridge_reply_ok (b, q->msg_id,
                          samp_map_new_va ("urls", samp_list_new_strv (none), NULL));
    }
  else
    cs_bridge_resolve_urls (b, q->archive, ids, "cutout", q->ra, q->dec, q->radius, 0,
                            q->msg_id ? q->msg_id : "", q->sender);
  g_free (q->msg_id);
  g_free (q->sender);
  g_free (q);
  cs_bridge_check_once (b);
}

static void
on_cutouts (SampClient *client, const char *sender, const char *msg_id,
            const char *mtype, GVariant *params, gpointer user_data)
{
  CsBridge *b = user_data;
  g_autoptr(GError) error = NULL;
  double ra, dec, radius;
  const char *collection;
  (void) client;

  if (!cs_bridge_parse_region_params (b, params, &ra, &dec, &radius, &collection, &error))
    {
      cs_bridge_reply_error (b, msg_id, mtype, sender, error);
      return;
    }
  g_message ("%s from %s: ra=%.6f dec=%+.6f radius=%g deg", mtype, sender, ra, dec, radius);
  CutoutQuery *q = g_new0 (CutoutQuery, 1);
  q->bridge = b;
  q->archive = g_ptr_array_index (b->archives, 0);   /* cadc.cutouts: the first archive */
  q->msg_id = g_strdup (msg_id);
  q->sender = g_strdup (sender);
  q->ra = ra;
  q->dec = dec;
  q->radius = radius;
  g_autofree char *adql = cs_bridge_region_adql (b, ra, dec, radius, collection);
  b->n_queries++;
  b->n_inflight++;
  cs_bridge_query_async (q->archive->cadc, b->cache, adql, b->config->max_rows, NULL, NULL,
                         b->cancel, cutout_query_done, q);
}

void
cs_bridge_cutouts_subscribe (CsBridge *b)
{
  samp_client_subscribe (b->client, "cadc.cutouts", on_cutouts, b);
}

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
 * The rows are resolved by their archive's client in the result's model
 * (cadc_client_result_urls_async): a CAOM2 row through the archive's
 * DataLink service by publisherID, an ObsCore row through its access_url
 * (a DataLink document, or the file itself).
 */
#include "config.h"

#include "bridge-flows.h"
#include "bridge-footprint.h"
#include "samp-value.h"

/* A look-up whose URLs become either the {urls} reply of a cadc.cutouts
 * call or images for the viewers. */
typedef struct {
  CsBridge *bridge;
  CsBridgeArchive *archive;
  char **ids;         /* the rows' product IDs, for the images' names */
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
  guint n = g_strv_length (urls), ids = j->ids ? g_strv_length (j->ids) : 0;
  guint k = j->max > 0 && n > j->max ? j->max : n;
  g_autoptr(GPtrArray) u = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < k; i++)
    {
      g_ptr_array_add (u, g_strdup (urls[i]));
      g_ptr_array_add (names, n == ids ? cs_bridge_product_name (j->ids[i])
                                       : g_strdup_printf ("%s %s %u", j->archive->label,
                                                          j->what, i + 1));
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
  g_auto(GStrv) urls = cadc_client_result_urls_finish (j->archive->cadc, res, &error);
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

/* The product IDs of a result's rows, CAOM2 or ObsCore; NULL if none. */
static char **
row_ids (const VoTable *t)
{
  char **ids = cadc_result_column (t, "publisherID");
  return ids ? ids : cadc_result_column (t, "obs_publisher_did");
}

void
cs_bridge_resolve_rows (CsBridge *b, CsBridgeArchive *a, VoTable *rows, const char *what,
                        double ra, double dec, double radius, guint max, const char *msg_id,
                        const char *sender)
{
  UrlJob *j = g_new0 (UrlJob, 1);
  j->bridge = b;
  j->archive = a;
  j->ids = row_ids (rows);
  j->msg_id = g_strdup (msg_id);
  j->sender = g_strdup (sender);
  j->what = what;
  j->max = max;
  b->n_inflight++;
  cadc_client_result_urls_async (a->cadc, rows,
                                 g_str_equal (what, "cutout") ? CADC_URLS_CUTOUT
                                                              : CADC_URLS_DATA,
                                 ra, dec, radius, b->cancel, urls_done, j);
}

/* The image planes of a result (CAOM2 or ObsCore columns), best first
 * (highest calibration level), at most @max, as a table of those rows.
 * Returns: (transfer full) (nullable): NULL when there is none. */
static VoTable *
best_images (const char *path, guint max, GError **error)
{
  VoTable *t = vo_table_load_file (path, error);
  if (t == NULL)
    return NULL;
  int type = vo_table_find_field (t, "dataProductType");
  int cal = vo_table_find_field (t, "calibrationLevel");
  if (type < 0)
    type = vo_table_find_field (t, "dataproduct_type");
  if (cal < 0)
    cal = vo_table_find_field (t, "calib_level");
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (guint));
  for (int level = 4; level >= -1 && rows->len < max; level--)
    for (guint r = 0; r < vo_table_get_n_rows (t) && rows->len < max; r++)
      {
        double c = -1;
        if (type >= 0 && g_strcmp0 (vo_table_get_string (t, r, (guint) type), "image") != 0)
          continue;
        if (cal >= 0 && !vo_table_get_double (t, r, (guint) cal, &c))
          c = -1;
        if ((int) c != level && !(level == -1 && (c < -1 || c > 4)))
          continue;
        g_array_append_val (rows, r);
      }
  if (rows->len == 0)
    {
      vo_table_free (t);
      return NULL;
    }
  vo_table_keep_rows (t, (const guint *) rows->data, rows->len);
  return t;
}

void
cs_bridge_send_cutouts (CsBridge *b, CsBridgeArchive *a, CsBridgeResult *r, double ra,
                        double dec, double radius)
{
  g_autoptr(GError) error = NULL;
  VoTable *rows = best_images (r->path, b->config->max_cutouts, &error);
  if (rows != NULL)
    cs_bridge_resolve_rows (b, a, rows, "cutout", ra, dec, radius, 0, NULL, NULL);
  else if (error != NULL)
    g_warning ("cutouts: %s", error->message);
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
  g_autoptr(CsBridgeResult) r = cs_bridge_ask_finish (res, &error);
  VoTable *rows = NULL;
  (void) source;

  b->n_inflight--;
  if (r)
    {
      cs_bridge_archive_answered (b, q->archive);
      rows = best_images (r->path, b->config->max_cutouts, &error);
    }
  if (r == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ;   /* stopping */
  else if (rows == NULL && error != NULL)
    {
      if (r == NULL)
        cs_bridge_prefix_archive_error (b, q->archive, &error, NULL);
      cs_bridge_reply_error (b, q->msg_id, "cadc.cutouts", q->sender, error);
    }
  else if (rows == NULL)
    {
      g_message ("cadc.cutouts from %s: no image planes there", q->sender);
      const char *const none[] = { NULL };
      cs_bridge_reply_ok (b, q->msg_id,
                          samp_map_new_va ("urls", samp_list_new_strv (none), NULL));
    }
  else
    cs_bridge_resolve_rows (b, q->archive, rows, "cutout", q->ra, q->dec, q->radius, 0,
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
  CsBridgeAsk ask = { .kind = CS_BRIDGE_ASK_REGION, .ra = ra, .dec = dec, .radius = radius,
                      .collection = cs_bridge_opt_string (params, "collection"),
                      .maxrec = b->config->max_rows };
  b->n_inflight++;
  cs_bridge_ask_async (b, q->archive, &ask, b->cancel, cutout_query_done, q);
}

void
cs_bridge_cutouts_subscribe (CsBridge *b)
{
  samp_client_subscribe (b->client, "cadc.cutouts", on_cutouts, b);
}

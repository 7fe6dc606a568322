/* bridge-handlers.c: the MTypes of `cadc-samp listen` besides pointAt.
 *
 *  - cadc.query.region / .name / .adql: run the query, reply {url, rows},
 *    and offer the table to every table tool.
 *  - cadc.cutouts: resolve SODA cutouts of the image planes at a position
 *    through DataLink, reply {urls}.
 *  - table.load.votable / table.load.fits from a peer: read the table
 *    (a FITS table through vo-fits), find its position columns, upload
 *    them and crossmatch with CADC observations; broadcast the result.
 *  - image.load.fits from a peer: the CADC observations overlapping the
 *    image's WCS footprint, broadcast as "CADC in <image>".  file: URLs
 *    and paths are read in place, http(s) URLs downloaded to the cache.
 *  - table.highlight.row on one of our tables: point the viewers at the
 *    row and send its cutout as image.load.fits.
 *  - table.select.rowList on one of our tables: point at the first row and
 *    send the data files (DataLink #this) of the selected rows, at most
 *    max-selection of them, as image.load.fits.
 * CADC is reached only through CadcClient: queries on the main loop,
 * DataLink look-ups in bridge-datalink's worker.
 * Every call gets exactly one reply; errors carry a samp.errortxt.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bridge-footprint.h"
#include "bridge-private.h"
#include "vo-fits.h"
#include "samp-value.h"
#include "vo-adql.h"
#include "vo-coords.h"
#include "vo-region.h"

/* ------------------------------------------------------------------------ */
/* Queries answered with {url, rows}                                         */

typedef struct {
  CsBridge *bridge;
  char *msg_id;
  char *mtype;
  char *sender;
  char *name;
  gboolean footprints;   /* draw the result's footprints in ds9 */
} CallJob;

static CallJob *
call_job_new (CsBridge *b, const char *msg_id, const char *mtype, const char *sender,
              char *name)
{
  CallJob *j = g_new0 (CallJob, 1);
  j->bridge = b;
  j->msg_id = g_strdup (msg_id);
  j->mtype = g_strdup (mtype);
  j->sender = g_strdup (sender);
  j->name = name;
  return j;
}

static void
call_job_free (CallJob *j)
{
  g_free (j->msg_id);
  g_free (j->mtype);
  g_free (j->sender);
  g_free (j->name);
  g_free (j);
}

static void
call_query_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  CallJob *j = user_data;
  CsBridge *b = j->bridge;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsBridgeResult) r = cs_bridge_query_finish (res, &error);
  (void) source;

  b->n_inflight--;
  if (r == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ;   /* stopping */
  else if (r == NULL)
    {
      g_prefix_error (&error, "CADC query failed: ");
      cs_bridge_reply_error (b, j->msg_id, j->mtype, j->sender, error);
    }
  else
    {
      g_message ("%s from %s: %" G_GUINT64_FORMAT " rows%s in %.3f s", j->mtype, j->sender,
                 r->rows, r->overflow ? " (truncated)" : "", r->seconds);
      g_autofree char *rows = g_strdup_printf ("%" G_GUINT64_FORMAT, r->rows);
      cs_bridge_reply_ok (b, j->msg_id, samp_map_new_strings ("url", r->url, "rows", rows,
                                                              NULL));
      cs_bridge_broadcast_table (b, r, j->name, FALSE);
      if (j->footprints)
        cs_bridge_show_footprints (b, r, j->name);
    }
  call_job_free (j);
  cs_bridge_check_once (b);
}

static void
run_call_query (CsBridge *b, CallJob *j, const char *adql, guint maxrec,
                const char *upload_name, const char *upload_path)
{
  b->n_queries++;
  b->n_inflight++;
  g_debug ("query %u: %s", b->n_queries, adql);
  cs_bridge_query_async (b->cadc, b->cache, adql, maxrec, upload_name, upload_path,
                         b->cancel, call_query_done, j);
}

static const char *
opt_string (GVariant *params, const char *key)
{
  const char *s = samp_map_lookup_string (params, key);
  return (s && *s) ? s : NULL;
}

/* The {ra, dec, radius, collection} parameters of cadc.query.region and
 * cadc.cutouts; radius and collection default to the configuration. */
static gboolean
parse_region_params (CsBridge *b, GVariant *params, double *ra, double *dec, double *radius,
                     const char **collection, GError **error)
{
  const char *radius_s = opt_string (params, "radius");

  *radius = b->config->radius_deg;
  *collection = opt_string (params, "collection");
  if (*collection == NULL)
    *collection = b->config->collection;
  return cs_bridge_parse_position (params, ra, dec, error)
         && (radius_s == NULL || vo_coords_parse_radius (radius_s, radius, error));
}

static void
on_query_region (SampClient *client, const char *sender, const char *msg_id,
                 const char *mtype, GVariant *params, gpointer user_data)
{
  CsBridge *b = user_data;
  g_autoptr(GError) error = NULL;
  double ra, dec, radius;
  const char *collection;
  (void) client;

  if (!parse_region_params (b, params, &ra, &dec, &radius, &collection, &error))
    {
      cs_bridge_reply_error (b, msg_id, mtype, sender, error);
      return;
    }
  g_message ("%s from %s: ra=%.6f dec=%+.6f radius=%g deg collection=%s", mtype, sender, ra,
             dec, radius, collection ? collection : "(all)");
  g_autofree char *adql = cs_bridge_region_adql (b, ra, dec, radius, collection);
  run_call_query (b, call_job_new (b, msg_id, mtype, sender,
                                   cs_bridge_table_name_for_position (ra, dec, radius,
                                                                      collection)),
                  adql, b->config->max_rows, NULL, NULL);
}

static void
on_query_name (SampClient *client, const char *sender, const char *msg_id,
               const char *mtype, GVariant *params, gpointer user_data)
{
  CsBridge *b = user_data;
  const char *name = opt_string (params, "name");
  (void) client;

  if (name == NULL)
    {
      g_autoptr(GError) error = g_error_new (VO_ERROR, VO_ERROR_PARSE,
                                             "parameter name (a target name) is required");
      cs_bridge_reply_error (b, msg_id, mtype, sender, error);
      return;
    }
  g_message ("%s from %s: name=\"%s\"", mtype, sender, name);
  g_autofree char *adql = vo_adql_query_name (name);
  run_call_query (b, call_job_new (b, msg_id, mtype, sender,
                                   g_strdup_printf ("CADC target %s", name)),
                  adql, b->config->max_rows, NULL, NULL);
}

static void
on_query_adql (SampClient *client, const char *sender, const char *msg_id,
               const char *mtype, GVariant *params, gpointer user_data)
{
  CsBridge *b = user_data;
  g_autoptr(GError) error = NULL;
  const char *adql = opt_string (params, "adql");
  const char *maxrec_s = opt_string (params, "maxrec");
  gint64 maxrec = b->config->max_rows;
  (void) client;

  if (adql == NULL)
    error = g_error_new (VO_ERROR, VO_ERROR_PARSE, "parameter adql (the query) is required");
  else if (maxrec_s && (!samp_parse_int (maxrec_s, &maxrec, NULL) || maxrec < 0
                        || maxrec > G_MAXINT))
    error = g_error_new (VO_ERROR, VO_ERROR_PARSE,
                         "maxrec=\"%s\" is not a non-negative whole number", maxrec_s);
  if (error)
    {
      cs_bridge_reply_error (b, msg_id, mtype, sender, error);
      return;
    }
  g_message ("%s from %s: maxrec=%" G_GINT64_FORMAT " adql=%s", mtype, sender, maxrec, adql);
  run_call_query (b, call_job_new (b, msg_id, mtype, sender, g_strdup ("CADC ADQL query")),
                  adql, (guint) maxrec, NULL, NULL);
}

/* ------------------------------------------------------------------------ */
/* Crossmatch of a peer's table                                              */

/* What a peer asked us to load: the three MTypes share the fetching. */
typedef enum {
  PEER_VOTABLE,     /* table.load.votable: crossmatch */
  PEER_FITS_TABLE,  /* table.load.fits: crossmatch */
  PEER_FITS_IMAGE,  /* image.load.fits: observations in its footprint */
} PeerKind;

/* The peer's table as a VoTable: a VOTable file directly, a FITS table
 * through vo-fits (vo_fits_table_read reporting into a VOTable). */
static VoTable *
load_peer_table (const char *path, PeerKind kind, GError **error)
{
  if (kind == PEER_VOTABLE)
    return vo_table_load_file (path, error);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  if (!vo_fits_table_to_votable (path, out, error)
      || !g_output_stream_close (out, NULL, error))
    return NULL;
  GMemoryOutputStream *m = G_MEMORY_OUTPUT_STREAM (out);
  return vo_table_load_bytes (g_memory_output_stream_get_data (m),
                              g_memory_output_stream_get_data_size (m), error);
}

static void
crossmatch_table (CsBridge *b, const char *sender, const char *msg_id, const char *mtype,
                  const char *path, const char *name, PeerKind kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VoTable) table = load_peer_table (path, kind, &error);
  int ra_col, dec_col;
  guint n = 0;

  if (table == NULL
      || !cs_bridge_table_find_position (table, &ra_col, &dec_col, &error))
    {
      g_prefix_error (&error, "cannot crossmatch the table: ");
      cs_bridge_reply_error (b, msg_id, mtype, sender, error);
      return;
    }
  g_autofree char *upload = cs_bridge_cache_new_path (b->cache, "upload", "xml");
  g_autofree char *adql = vo_adql_crossmatch ("peer", "ra", "dec", b->config->radius_deg,
                                              b->config->collection, &error);
  if (adql == NULL
      || !cs_bridge_table_write_upload (table, ra_col, dec_col, upload, &n, &error))
    {
      cs_bridge_reply_error (b, msg_id, mtype, sender, error);
      return;
    }
  g_message ("%s from %s: crossmatching %u positions (columns %s, %s)", mtype, sender, n,
             vo_table_get_field (table, (guint) ra_col)->name,
             vo_table_get_field (table, (guint) dec_col)->name);
  /* The peer's load is acknowledged now; the crossmatch result follows as
   * a broadcast.  Its reply slot is used up, so the job gets no msg_id. */
  cs_bridge_reply_ok (b, msg_id, NULL);
  run_call_query (b, call_job_new (b, NULL, mtype, sender,
                                   g_strdup_printf ("CADC crossmatch of %s",
                                                    name ? name : "table")),
                  adql, b->config->max_rows, "peer", upload);
}

/* image.load.fits: the CADC observations overlapping the image's
 * footprint (its 4 corners through its celestial WCS). */
void
cs_bridge_footprint_query (CsBridge *b, const char *sender, const char *msg_id, const char *mtype,
                 const char *path, const char *name)
{
  g_autoptr(GError) error = NULL;
  double ra[4], dec[4], vertices[8];

  if (!vo_fits_image_get_footprint (path, ra, dec, &error))
    {
      g_prefix_error (&error, "cannot read the footprint of the image: ");
      cs_bridge_reply_error (b, msg_id, mtype, sender, error);
      return;
    }
  for (guint i = 0; i < 4; i++)
    {
      vertices[2 * i] = ra[i];
      vertices[2 * i + 1] = dec[i];
    }
  g_autofree char *adql = vo_adql_footprint (vertices, 4, b->config->collection, &error);
  if (adql == NULL)
    {
      cs_bridge_reply_error (b, msg_id, mtype, sender, error);
      return;
    }
  g_message ("%s from %s: footprint %.5f %+.5f, %.5f %+.5f, %.5f %+.5f, %.5f %+.5f", mtype,
             sender, ra[0], dec[0], ra[1], dec[1], ra[2], dec[2], ra[3], dec[3]);
  cs_bridge_reply_ok (b, msg_id, NULL);
  CallJob *j = call_job_new (b, NULL, mtype, sender,
                             g_strdup_printf ("CADC in %s", name ? name : "image"));
  j->footprints = TRUE;
  run_call_query (b, j, adql, b->config->max_rows, NULL, NULL);
}

static void
process_peer_file (CsBridge *b, const char *sender, const char *msg_id, const char *mtype,
                   const char *path, const char *name, PeerKind kind)
{
  if (kind == PEER_FITS_IMAGE)
    cs_bridge_footprint_query (b, sender, msg_id, mtype, path, name);
  else
    crossmatch_table (b, sender, msg_id, mtype, path, name, kind);
}

typedef struct {
  CsBridge *bridge;
  char *sender, *msg_id, *mtype, *name, *path;
  PeerKind kind;
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
  if (cadc_client_download_finish (b->cadc, res, &error))
    process_peer_file (b, f->sender, f->msg_id, f->mtype, f->path, f->name, f->kind);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ;   /* stopping */
  else if (error)
    {
      g_prefix_error (&error, "cannot read the %s: ",
                      f->kind == PEER_FITS_IMAGE ? "image" : "table");
      cs_bridge_reply_error (b, f->msg_id, f->mtype, f->sender, error);
    }
  fetch_job_free (f);
}

/* table.load.votable, table.load.fits and image.load.fits from a peer:
 * read a file: URL or plain path at once, download an http(s) URL into
 * the cache first. */
static void
on_peer_load (SampClient *client, const char *sender, const char *msg_id,
              const char *mtype, GVariant *params, gpointer user_data)
{
  CsBridge *b = user_data;
  g_autoptr(GError) error = NULL;
  const char *url = opt_string (params, "url");
  const char *name = opt_string (params, "name");
  PeerKind kind = g_str_equal (mtype, "image.load.fits") ? PEER_FITS_IMAGE
                  : g_str_equal (mtype, "table.load.fits") ? PEER_FITS_TABLE
                  : PEER_VOTABLE;
  gboolean enabled = kind == PEER_FITS_IMAGE ? b->config->on_image : b->config->on_table;
  (void) client;

  if (url == NULL)
    {
      error = g_error_new (VO_ERROR, VO_ERROR_PARSE, "parameter url is required");
      cs_bridge_reply_error (b, msg_id, mtype, sender, error);
      return;
    }
  /* Never crossmatch a cadc-samp result (ours, or another bridge's: two
   * bridges would otherwise answer each other's tables for ever). */
  const char *table_id = opt_string (params, "table-id");
  gboolean result = kind != PEER_FITS_IMAGE
                    && (cs_bridge_find_table (b, table_id, url) != NULL
                        || (table_id && g_str_has_prefix (table_id, "cadc-samp-")));
  if (result || !enabled)
    {
      g_message ("%s from %s: %s (not queried: %s)", mtype, sender, url,
                 result ? "a cadc-samp result"
                 : kind == PEER_FITS_IMAGE ? "on-image is off" : "on-table is off");
      cs_bridge_reply_ok (b, msg_id, NULL);
      return;
    }
  g_message ("%s from %s: %s", mtype, sender, url);
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
      if (path == NULL)
        {
          cs_bridge_reply_error (b, msg_id, mtype, sender, error);
          return;
        }
      process_peer_file (b, sender, msg_id, mtype, path, name, kind);
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
  f->kind = kind;
  f->path = cs_bridge_cache_new_path (b->cache, "peer", kind == PEER_VOTABLE ? "xml" : "fits");
  b->n_inflight++;
  cadc_client_download_async (b->cadc, url, f->path, NULL, NULL, b->cancel, fetch_done, f);
}

/* ------------------------------------------------------------------------ */
/* DataLink URLs -> a reply or image.load.fits                               */

/* A DataLink look-up (bridge-datalink's worker) whose URLs become
 * either the {urls} reply of a cadc.cutouts call or image.load.fits
 * broadcasts. */
typedef struct {
  CsBridge *bridge;
  char **ids;
  char *msg_id;       /* non-NULL: reply {urls} to this call */
  char *sender;
  const char *what;   /* "cutout" or "data" */
  guint max;          /* at most this many image.load.fits (0: no limit) */
} UrlJob;

static void
url_job_free (UrlJob *j)
{
  g_strfreev (j->ids);
  g_free (j->msg_id);
  g_free (j->sender);
  g_free (j);
}

/* The images go to the viewers' queues (bridge-viewers.c), named
 * COLLECTION/OBSERVATION/PRODUCT when DataLink gave one URL per ID. */
static void
broadcast_images (CsBridge *b, UrlJob *j, char **urls)
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
  g_auto(GStrv) urls = cs_bridge_datalink_urls_finish (res, &error);
  (void) source;

  b->n_cutout_jobs--;
  if (urls == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ;   /* stopping */
  else if (j->msg_id)
    {
      if (urls == NULL)
        {
          g_prefix_error (&error, "DataLink: ");
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
      g_warning ("%s URLs: DataLink: %s", j->what, error->message);
    }
  else
    broadcast_images (b, j, urls);
  url_job_free (j);
  cs_bridge_check_once (b);
}

/* Resolve the @what ("cutout": SODA circle @ra @dec @radius; "data":
 * DataLink #this) URLs of @ids; reply to @msg_id or broadcast at most
 * @max of them. */
static void
resolve_urls (CsBridge *b, GPtrArray *ids, const char *what, double ra, double dec,
              double radius, guint max, const char *msg_id, const char *sender)
{
  UrlJob *j = g_new0 (UrlJob, 1);
  g_ptr_array_add (ids, NULL);
  j->bridge = b;
  j->ids = (char **) g_ptr_array_free (ids, FALSE);
  j->msg_id = g_strdup (msg_id);
  j->sender = g_strdup (sender);
  j->what = what;
  j->max = max;
  b->n_cutout_jobs++;
  if (g_str_equal (what, "cutout"))
    {
      double ra5, dec5;
      vo_coords_icrs_to_fk5 (ra, dec, &ra5, &dec5);
      cs_bridge_datalink_cutout_urls_async (b->datalink, (const char *const *) j->ids, ra5,
                                            dec5, radius, b->cancel, urls_done, j);
    }
  else
    cs_bridge_datalink_data_urls_async (b->datalink, (const char *const *) j->ids, b->cancel,
                                        urls_done, j);
}

/* ------------------------------------------------------------------------ */
/* Highlight and selection in our tables                                     */

static gboolean
row_position (CsBridge *b, CsBridgeTable *t, gint64 row, double *ra, double *dec,
              GError **error)
{
  (void) b;
  if (t->table == NULL && (t->table = vo_table_load_file (t->path, error)) == NULL)
    return FALSE;
  if (row < 0 || row >= vo_table_get_n_rows (t->table))
    {
      g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
                   "row %" G_GINT64_FORMAT " is not in table %s (%u rows)", row, t->table_id,
                   vo_table_get_n_rows (t->table));
      return FALSE;
    }
  int col = vo_table_find_field (t->table, "position_bounds");
  int ra_col, dec_col;
  g_autoptr(VoRegion) reg = col >= 0
    ? vo_region_parse (vo_table_get_string (t->table, (guint) row, (guint) col)) : NULL;
  if (reg)
    {
      vo_region_center (reg, ra, dec);
      return TRUE;
    }
  if (cs_bridge_table_find_position (t->table, &ra_col, &dec_col, NULL)
      && vo_table_get_double (t->table, (guint) row, (guint) ra_col, ra)
      && vo_table_get_double (t->table, (guint) row, (guint) dec_col, dec))
    return TRUE;
  g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
               "row %" G_GINT64_FORMAT " of %s has no position", row, t->table_id);
  return FALSE;
}

static const char *
row_publisher_id (CsBridgeTable *t, gint64 row)
{
  int col = vo_table_find_field (t->table, "publisherID");
  const char *id = col >= 0 ? vo_table_get_string (t->table, (guint) row, (guint) col) : NULL;
  return id && *id ? id : NULL;
}

/* The row indices of a highlight (one) or select (at most max-selection)
 * message. */
static GArray *
parse_rows (CsBridge *b, GVariant *params, gboolean select, GError **error)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 r;

  if (select)
    {
      g_autoptr(GVariant) list = samp_map_lookup (params, "row-list");
      g_auto(GStrv) items = list ? samp_list_dup_strv (list) : NULL;
      if (items == NULL)
        {
          g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                       "parameter row-list (a list of row indices) is required");
          return NULL;
        }
      for (guint i = 0; items[i] && rows->len < b->config->max_selection; i++)
        {
          if (!samp_parse_int (items[i], &r, NULL))
            {
              g_set_error (error, VO_ERROR, VO_ERROR_PARSE, "row \"%s\" is not a row index",
                           items[i]);
              return NULL;
            }
          g_array_append_val (rows, r);
        }
      if (g_strv_length (items) > rows->len)
        g_message ("table.select.rowList: %u of %u rows used (max-selection)", rows->len,
                   g_strv_length (items));
      return g_steal_pointer (&rows);
    }
  const char *row_s = opt_string (params, "row");
  if (row_s == NULL || !samp_parse_int (row_s, &r, NULL))
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE, "row=\"%s\" is not a row index",
                   row_s ? row_s : "");
      return NULL;
    }
  g_array_append_val (rows, r);
  return g_steal_pointer (&rows);
}

static void
on_highlight (SampClient *client, const char *sender, const char *msg_id,
              const char *mtype, GVariant *params, gpointer user_data)
{
  CsBridge *b = user_data;
  g_autoptr(GError) error = NULL;
  CsBridgeTable *t = cs_bridge_find_table (b, opt_string (params, "table-id"),
                                           opt_string (params, "url"));
  gboolean select = g_str_equal (mtype, "table.select.rowList");
  (void) client;

  if (t == NULL || !b->config->on_highlight)
    {
      cs_bridge_reply_ok (b, msg_id, NULL);   /* not ours: nothing to do */
      return;
    }
  g_autoptr(GArray) rows = parse_rows (b, params, select, &error);
  double ra = 0, dec = 0, ra_i, dec_i;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; rows && i < rows->len; i++)
    {
      gint64 r = g_array_index (rows, gint64, i);
      if (!row_position (b, t, r, &ra_i, &dec_i, &error))
        break;
      if (i == 0)
        {
          ra = ra_i;
          dec = dec_i;
        }
      if (row_publisher_id (t, r))
        g_ptr_array_add (ids, g_strdup (row_publisher_id (t, r)));
    }
  if (error)
    {
      cs_bridge_reply_error (b, msg_id, mtype, sender, error);
      return;
    }
  g_message ("%s from %s: %u row(s) of %s; pointing at %.6f %+.6f", mtype, sender, rows->len,
             t->table_id, ra, dec);
  cs_bridge_reply_ok (b, msg_id, NULL);
  if (rows->len == 0)
    return;
  g_autofree char *ra_s = samp_format_float (ra);
  g_autofree char *dec_s = samp_format_float (dec);
  g_auto(GStrv) sent = samp_client_notify_all (b->client, "coord.pointAt.sky",
                                               samp_map_new_strings ("ra", ra_s, "dec", dec_s,
                                                                     NULL),
                                               &error);
  if (sent == NULL)
    g_warning ("coord.pointAt.sky: %s", error->message);
  if (ids->len == 0)
    return;
  if (select)   /* the data files of the selection */
    resolve_urls (b, g_steal_pointer (&ids), "data", 0, 0, 0, b->config->max_selection, NULL,
                  sender);
  else          /* a cutout of the highlighted observation */
    resolve_urls (b, g_steal_pointer (&ids), "cutout", ra, dec, b->config->radius_deg, 0,
                  NULL, sender);
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
cs_bridge_send_cutouts (CsBridge *b, CsBridgeResult *r, double ra, double dec, double radius)
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
  resolve_urls (b, ids, "cutout", ra, dec, radius, 0, NULL, NULL);
}

typedef struct {
  CsBridge *bridge;
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
    ids = best_image_ids (r->path, b->config->max_cutouts, &error);
  if (ids == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ;   /* stopping */
  else if (ids == NULL)
    {
      g_prefix_error (&error, "CADC query failed: ");
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
    resolve_urls (b, ids, "cutout", q->ra, q->dec, q->radius, 0,
                  q->msg_id ? q->msg_id : "", q->sender);
  g_free (q->msg_id);
  g_free (q->sender);
  g_free (q);
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

  if (!parse_region_params (b, params, &ra, &dec, &radius, &collection, &error))
    {
      cs_bridge_reply_error (b, msg_id, mtype, sender, error);
      return;
    }
  g_message ("%s from %s: ra=%.6f dec=%+.6f radius=%g deg", mtype, sender, ra, dec, radius);
  CutoutQuery *q = g_new0 (CutoutQuery, 1);
  q->bridge = b;
  q->msg_id = g_strdup (msg_id);
  q->sender = g_strdup (sender);
  q->ra = ra;
  q->dec = dec;
  q->radius = radius;
  g_autofree char *adql = cs_bridge_region_adql (b, ra, dec, radius, collection);
  b->n_queries++;
  b->n_inflight++;
  cs_bridge_query_async (b->cadc, b->cache, adql, b->config->max_rows, NULL, NULL,
                         b->cancel, cutout_query_done, q);
}

void
cs_bridge_subscribe_handlers (CsBridge *b)
{
  samp_client_subscribe (b->client, "cadc.query.region", on_query_region, b);
  samp_client_subscribe (b->client, "cadc.query.name", on_query_name, b);
  samp_client_subscribe (b->client, "cadc.query.adql", on_query_adql, b);
  samp_client_subscribe (b->client, "cadc.cutouts", on_cutouts, b);
  samp_client_subscribe (b->client, "table.load.votable", on_peer_load, b);
  samp_client_subscribe (b->client, "table.load.fits", on_peer_load, b);
  samp_client_subscribe (b->client, "table.highlight.row", on_highlight, b);
  samp_client_subscribe (b->client, "table.select.rowList", on_highlight, b);
  samp_client_subscribe (b->client, "image.load.fits", on_peer_load, b);
}

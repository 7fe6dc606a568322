/* bridge-rows.c: a row highlighted or rows selected in one of our tables.
 *
 *  - table.highlight.row: point every tool at the row (coord.pointAt.sky:
 *    the centre of its footprint, else its RA/Dec) and send the cutout
 *    of that observation to the image viewers (bridge-cutouts.c);
 *  - table.select.rowList: point at the first row and send the data files
 *    (DataLink #this) of the selected rows, at most max-selection.
 * Messages about tables that are not ours are acknowledged and ignored.
 */
#include "config.h"

#include "bridge-flows.h"
#include "samp-value.h"
#include "vo-region.h"

static gboolean
row_position (CsBridgeTable *t, gint64 row, double *ra, double *dec, GError **error)
{
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
  if (col < 0)
    col = vo_table_find_field (t->table, "s_region");   /* ObsCore */
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
  const char *row_s = cs_bridge_opt_string (params, "row");
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
pointed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) sent = samp_client_notify_all_finish (SAMP_CLIENT (source), res, &error);
  (void) user_data;

  if (sent == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("coord.pointAt.sky: %s", error->message);
}

static void
on_rows (SampClient *client, const char *sender, const char *msg_id,
         const char *mtype, GVariant *params, gpointer user_data)
{
  CsBridge *b = user_data;
  g_autoptr(GError) error = NULL;
  CsBridgeTable *t = cs_bridge_find_table (b, cs_bridge_opt_string (params, "table-id"),
                                           cs_bridge_opt_string (params, "url"));
  gboolean select = g_str_equal (mtype, "table.select.rowList");
  (void) client;

  if (t == NULL || !b->config->on_highlight)
    {
      cs_bridge_reply_ok (b, msg_id, NULL);   /* not ours: nothing to do */
      return;
    }
  g_autoptr(GArray) rows = parse_rows (b, params, select, &error);
  double ra = 0, dec = 0, ra_i, dec_i;
  g_autoptr(GArray) indices = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; rows && i < rows->len; i++)
    {
      gint64 r = g_array_index (rows, gint64, i);
      guint ri = (guint) r;
      if (!row_position (t, r, &ra_i, &dec_i, &error))
        break;
      if (i == 0)
        {
          ra = ra_i;
          dec = dec_i;
        }
      g_array_append_val (indices, ri);
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
  samp_client_notify_all_async (b->client, "coord.pointAt.sky",
                                samp_map_new_strings ("ra", ra_s, "dec", dec_s, NULL),
                                b->cancel, pointed, NULL);
  /* the rows themselves, resolved in their archive's model */
  VoTable *chosen = vo_table_load_file (t->path, &error);
  if (chosen == NULL)
    {
      g_warning ("%s: %s", t->table_id, error->message);
      return;
    }
  vo_table_keep_rows (chosen, (const guint *) indices->data, indices->len);
  if (select)   /* the data files of the selection */
    cs_bridge_resolve_rows (b, t->archive, chosen, "data", 0, 0, 0, b->config->max_selection,
                            NULL, sender);
  else          /* a cutout of the highlighted observation */
    cs_bridge_resolve_rows (b, t->archive, chosen, "cutout", ra, dec, b->config->radius_deg,
                            0, NULL, sender);
}

void
cs_bridge_rows_subscribe (CsBridge *b)
{
  samp_client_subscribe (b->client, "table.highlight.row", on_rows, b);
  samp_client_subscribe (b->client, "table.select.rowList", on_rows, b);
}

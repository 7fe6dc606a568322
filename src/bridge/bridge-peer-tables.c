/* bridge-peer-tables.c: a peer's table, crossmatched with the archive.
 *
 * table.load.votable and table.load.fits from a peer: the file (a file:
 * URL or path read in place, an http(s) URL downloaded into the cache by
 * bridge-core) is read (a FITS table through vo-fits), its position
 * columns found, uploaded as TAP_UPLOAD.peer and crossmatched with the
 * archive's observations; the load is acknowledged at once and the
 * result follows as a broadcast "CADC crossmatch of NAME".  A table that
 * is a cadc-samp result (ours, or another bridge's) is never crossmatched:
 * two bridges would otherwise answer each other's tables for ever.
 */
#include "config.h"

#include <string.h>

#include "bridge-flows.h"
#include "vo-fits.h"

/* The peer's table as a VoTable: a VOTable file directly, a FITS table
 * through vo-fits (vo_fits_table_to_votable into memory). */
static VoTable *
load_peer_table (const char *path, gboolean fits, GError **error)
{
  if (!fits)
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
                  const char *path, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VoTable) table = load_peer_table (path, g_str_equal (mtype, "table.load.fits"),
                                              &error);
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
  if (!cs_bridge_table_write_upload (table, ra_col, dec_col, upload, &n, &error))
    {
      cs_bridge_reply_error (b, msg_id, mtype, sender, error);
      return;
    }
  g_message ("%s from %s: crossmatching %u positions (columns %s, %s)", mtype, sender, n,
             vo_table_get_field (table, (guint) ra_col)->name,
             vo_table_get_field (table, (guint) dec_col)->name);
  /* The peer's load is acknowledged now; the crossmatch result follows as
   * a broadcast.  Its reply slot is used up, so the query gets no msg_id. */
  cs_bridge_reply_ok (b, msg_id, NULL);
  g_autofree char *result_name = g_strdup_printf ("crossmatch of %s", name ? name : "table");
  CsBridgeAsk ask = { .kind = CS_BRIDGE_ASK_CROSSMATCH, .radius = b->config->radius_deg,
                      .upload_path = upload, .maxrec = b->config->max_rows };
  cs_bridge_run_query (b, NULL, mtype, sender, result_name, &ask, NULL);
}

static void
on_peer_table (SampClient *client, const char *sender, const char *msg_id,
               const char *mtype, GVariant *params, gpointer user_data)
{
  CsBridge *b = user_data;
  const char *url = cs_bridge_require_string (b, params, "url", NULL, msg_id, mtype, sender);
  const char *table_id = cs_bridge_opt_string (params, "table-id");
  (void) client;

  if (url == NULL)
    return;
  gboolean result = cs_bridge_find_table (b, table_id, url) != NULL
                    || (table_id && g_str_has_prefix (table_id, "cadc-samp-"));
  if (result || !b->config->on_table)
    {
      g_message ("%s from %s: %s (not queried: %s)", mtype, sender, url,
                 result ? "a cadc-samp result" : "on-table is off");
      cs_bridge_reply_ok (b, msg_id, NULL);
      return;
    }
  g_message ("%s from %s: %s", mtype, sender, url);
  cs_bridge_fetch_peer_file (b, sender, msg_id, mtype, url,
                             cs_bridge_opt_string (params, "name"),
                             g_str_equal (mtype, "table.load.fits") ? "fits" : "xml", "table",
                             crossmatch_table);
}

void
cs_bridge_peer_tables_subscribe (CsBridge *b)
{
  samp_client_subscribe (b->client, "table.load.votable", on_peer_table, b);
  samp_client_subscribe (b->client, "table.load.fits", on_peer_table, b);
}

/* bridge-peer-images.c: the archive's observations over a peer's image.
 *
 * image.load.fits from a peer (and `listen --image FILE`): the image's
 * footprint, its 4 corners through its celestial WCS (vo-fits), becomes
 * an ADQL polygon query; the load is acknowledged at once and the result
 * is broadcast as "CADC in NAME", its footprints drawn over the image in
 * ds9.  file: URLs and paths are read in place, http(s) URLs downloaded
 * into the cache (bridge-core).
 */
#include "config.h"

#include "bridge-flows.h"
#include "vo-fits.h"

static void
draw_footprints (CsBridge *b, CsBridgeArchive *a, CsBridgeResult *r, const char *name)
{
  (void) a;
  cs_bridge_show_footprints (b, r, name);
}

void
cs_bridge_footprint_query (CsBridge *b, const char *sender, const char *msg_id,
                           const char *mtype, const char *path, const char *name)
{
  g_autoptr(GError) error = NULL;
  double ra[4], dec[4];

  if (!vo_fits_image_get_footprint (path, ra, dec, &error))
    {
      g_prefix_error (&error, "cannot read the footprint of the image: ");
      cs_bridge_reply_error (b, msg_id, mtype, sender, error);
      return;
    }
  CsBridgeAsk ask = { .kind = CS_BRIDGE_ASK_FOOTPRINT, .maxrec = b->config->max_rows };
  for (guint i = 0; i < 4; i++)
    {
      ask.vertices[2 * i] = ra[i];
      ask.vertices[2 * i + 1] = dec[i];
    }
  g_message ("%s from %s: footprint %.5f %+.5f, %.5f %+.5f, %.5f %+.5f, %.5f %+.5f", mtype,
             sender, ra[0], dec[0], ra[1], dec[1], ra[2], dec[2], ra[3], dec[3]);
  cs_bridge_reply_ok (b, msg_id, NULL);
  g_autofree char *result_name = g_strdup_printf ("in %s", name ? name : "image");
  cs_bridge_run_query (b, NULL, mtype, sender, result_name, &ask, draw_footprints);
}

static void
on_peer_image (SampClient *client, const char *sender, const char *msg_id,
               const char *mtype, GVariant *params, gpointer user_data)
{
  CsBridge *b = user_data;
  const char *url = cs_bridge_require_string (b, params, "url", NULL, msg_id, mtype, sender);
  (void) client;

  if (url == NULL)
    return;
  if (!b->config->on_image)
    {
      g_message ("%s from %s: %s (not queried: on-image is off)", mtype, sender, url);
      cs_bridge_reply_ok (b, msg_id, NULL);
      return;
    }
  g_message ("%s from %s: %s", mtype, sender, url);
  cs_bridge_fetch_peer_file (b, sender, msg_id, mtype, url,
                             cs_bridge_opt_string (params, "name"), "fits", "image",
                             cs_bridge_footprint_query);
}

void
cs_bridge_peer_images_subscribe (CsBridge *b)
{
  samp_client_subscribe (b->client, "image.load.fits", on_peer_image, b);
}

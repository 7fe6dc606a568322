/* bridge-viewers.h: images and footprints delivered to image viewers.
 *
 * Every image viewer (a client subscribed to image.load.fits) has its own
 * queue: what the bridge sends it goes as SAMP calls, one at a time, the
 * next only once the previous was answered (or timed out), on the main
 * loop.  ds9 drops loads that arrive while it is still loading, so a burst
 * of notifications lost two cutouts in three; calls in turn lose none.
 * A viewer that never answered and lets a call time out gets
 * notifications from then on (one that answered before is only slow: the
 * rest of that send is dropped for it).
 *
 * ds9 (a client subscribed to ds9.set) is driven with its own commands:
 *  - images: with viewer-frames=reuse, each batch of images goes into the
 *    frames this bridge created for the previous batch (`frame frameno N`,
 *    `url URL`), new frames are made only when more images come than
 *    before (`frame new`), and our frames beyond the batch are deleted;
 *    the frames the user made are never touched, and the frame that was
 *    current is made current again at the end;
 *  - footprints: a ds9 region file (bridge-footprint.h) loaded into
 *    the current frame with `regions`, after `regions group cadc-samp
 *    delete` removed our previous footprints (and only ours).
 * Other viewers get image.load.fits with a stable image-id per slot
 * (cadc-samp-1, -2, ...) in reuse mode.
 */
#pragma once

#include <gio/gio.h>

#include "bridge-config.h"
#include "samp-client.h"

G_BEGIN_DECLS

typedef struct _CsViewers CsViewers;

/* @client: the bridge's client (a reference is taken); @config: borrowed,
 * must outlive the viewers (viewer-frames, footprints, viewer-timeout);
 * @cancel: cancelled when the bridge stops. */
CsViewers *cs_viewers_new (SampClient *client, const CsBridgeConfig *config,
                           GCancellable *cancel);
/* Stops delivering; calls still out keep the object alive until they end
 * but touch nothing else. */
void cs_viewers_close (CsViewers *viewers);

/* @func runs (on the main loop) each time the last queue becomes empty. */
void cs_viewers_set_idle_func (CsViewers *viewers, void (*func) (gpointer), gpointer data);
/* TRUE when nothing is queued or waiting for an answer. */
gboolean cs_viewers_is_idle (CsViewers *viewers);

/* Send the images @urls, shown as @names (same length), to every image
 * viewer.  One log line per image says who loaded it and who failed. */
void cs_viewers_send_images (CsViewers *viewers, const char *const *urls,
                             const char *const *names);
/* Replace our footprints on the current frame of every ds9 with the ds9
 * region file at @region_url (@n_polygons of them; 0: only delete). */
void cs_viewers_show_footprints (CsViewers *viewers, const char *region_url,
                                 guint n_polygons, const char *what);

G_END_DECLS

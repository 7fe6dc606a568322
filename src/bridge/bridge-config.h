/* bridge-config.h: what `cadc-samp listen` reacts to and how.
 *
 * Settings come, in increasing precedence, from built-in defaults, the
 * GKeyFile $XDG_CONFIG_HOME/cadc-samp/config (group [listen]) and the
 * command line.  Pure data: no SAMP, no network.
 */
#pragma once

#include <glib.h>
#include "samp-hub.h"   /* SampHubWebOptions: plain data */

G_BEGIN_DECLS

typedef enum {
  CS_BRIDGE_HUB_AUTO,    /* use a running hub, else start one in-process */
  CS_BRIDGE_HUB_NEVER,   /* only a running hub */
  CS_BRIDGE_HUB_ALWAYS,  /* always run our own hub */
} CsBridgeHubMode;

typedef struct {
  double radius_deg;        /* region radius for pointAt (default 1 arcmin) */
  char *collection;         /* collection filter, NULL = all */
  gboolean cutouts;         /* send cutouts of image planes to image viewers */
  guint max_cutouts;        /* at most this many image.load.fits per position */
  guint max_rows;           /* MAXREC of every query */
  guint max_selection;      /* rows of a table.select.rowList acted upon */
  gboolean on_pointat;      /* react to coord.pointAt.sky */
  gboolean on_table;        /* crossmatch tables other peers load */
  gboolean on_image;        /* footprint query for images other peers load */
  gboolean on_highlight;    /* react to highlight/select in our tables */
  gboolean footprints;      /* draw the result's footprints in ds9 */
  gboolean viewer_frames_reuse; /* viewer-frames=reuse (default): replace results */
  guint viewer_timeout_s;   /* how long a viewer may take to answer a call */
  guint64 cache_max_bytes;  /* size cap of the result cache */
  CsBridgeHubMode hub_mode;
  SampHubWebOptions hub_web; /* the Web Profile of the hub listen starts (origins owned) */
  gboolean once;            /* handle one position, then exit */
  char *tap;                /* TAP base URL (NULL = registry lookup) */
  char *registry;
  char *datalink;
  char *log_level;          /* "quiet", "info", "debug" or NULL */
  char **archives;          /* archives= the archives asked (NULL: cadc only) */
} CsBridgeConfig;

/* Returns: (transfer full): the built-in defaults. */
CsBridgeConfig *cs_bridge_config_new (void);
void cs_bridge_config_free (CsBridgeConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsBridgeConfig, cs_bridge_config_free)

/* Returns: (transfer full): $XDG_CONFIG_HOME/cadc-samp/config. */
char *cs_bridge_config_default_path (void);

/* Overlay the [listen] group of the key file @path.  A missing file is not
 * an error when @must_exist is FALSE.  On error (unreadable file, bad value:
 * G_KEY_FILE_ERROR or VO_ERROR_PARSE naming the key) @config may be partly
 * updated. */
gboolean cs_bridge_config_load (CsBridgeConfig *config, const char *path,
                                gboolean must_exist, GError **error);

/* Parse "reuse"/"new" (viewer-frames): *@reuse = TRUE for "reuse". */
gboolean cs_bridge_config_parse_viewer_frames (const char *text, gboolean *reuse,
                                               GError **error);

/* Parse "auto"/"never"/"always". */
gboolean cs_bridge_config_parse_hub_mode (const char *text, CsBridgeHubMode *mode,
                                          GError **error);

G_END_DECLS

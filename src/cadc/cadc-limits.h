/* cadc-limits.h: the [limits] group of the config file.
 *
 *   [limits]
 *   max-unpacked-fits = 4G
 *   max-peer-file = 4G
 *
 * Sizes are a number of bytes with an optional binary suffix K, M, G or T
 * (KiB, MiB, GiB, TiB; "4G", "4GiB" and "4096M" are the same).  Every
 * command reads the group from $XDG_CONFIG_HOME/cadc-samp/config at
 * start (listen --config FILE: from FILE).  A bad value or an unknown key
 * is warned about and the default stays.  doc/CONFIG.md.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parses "4G" etc.  Returns FALSE for anything else (or 0, or overflow). */
gboolean cadc_limits_parse_size (const char *text, guint64 *bytes);

/* Applies the [limits] group of @path (missing file or group: defaults).
 * @path: (nullable): NULL = the default config file. */
void cadc_limits_load (const char *path);

/* [limits] max-peer-file: the largest table or image file a SAMP peer can
 * make listen read, by http(s) or from disk (default 4 GiB). */
guint64 cadc_limits_get_max_peer_file (void);

G_END_DECLS

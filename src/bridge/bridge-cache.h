/* bridge-cache.h: the private directory where `listen` keeps result files.
 *
 * One directory per daemon run, created 0700 under
 * $XDG_CACHE_HOME/cadc-samp/ (itself 0700).  Files are written under a
 * temporary ".part" name and renamed into place when complete, so a peer
 * never sees a partial table.  After each commit the oldest files are
 * removed until the total size is under the cap (the newest file always
 * stays).  Freeing the cache removes the directory and everything in it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CsBridgeCache CsBridgeCache;

/* @parent: (nullable): where to create the run directory; NULL =
 * $XDG_CACHE_HOME/cadc-samp.  @max_bytes: size cap (0 = no cap).
 * The run directory records its owner (.owner: pid, host, boot id,
 * process start time); run-* directories next to it whose owner process
 * is gone (a crashed listen) are removed.
 * Returns: (transfer full) (nullable). */
CsBridgeCache *cs_bridge_cache_new (const char *parent, guint64 max_bytes,
                                    GError **error);
/* Removes every file and the directory. */
void cs_bridge_cache_free (CsBridgeCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsBridgeCache, cs_bridge_cache_free)

/* Returns: (transfer none): the run directory. */
const char *cs_bridge_cache_get_dir (CsBridgeCache *cache);

/* A fresh final path "<dir>/<prefix>-<n>.<ext>" (not yet created).  The
 * temporary name to write to is cs_bridge_cache_part_path() of it.
 * Returns: (transfer full). */
char *cs_bridge_cache_new_path (CsBridgeCache *cache, const char *prefix,
                                const char *ext);
/* Returns: (transfer full): @final_path + ".part". */
char *cs_bridge_cache_part_path (const char *final_path);

/* Rename the ".part" file of @final_path into place (mode 0600), then apply
 * the size cap. */
gboolean cs_bridge_cache_commit (CsBridgeCache *cache, const char *final_path,
                                 GError **error);
/* Remove the ".part" file of @final_path, if any (failed download). */
void cs_bridge_cache_discard (CsBridgeCache *cache, const char *final_path);

/* Remove the oldest committed files until the total is <= the cap; never
 * the newest one.  Returns the number of files removed. */
guint cs_bridge_cache_prune (CsBridgeCache *cache);

/* Total bytes of the committed files. */
guint64 cs_bridge_cache_get_size (CsBridgeCache *cache);

/* Returns: (transfer full): the file:// URL of @path. */
char *cs_bridge_cache_url (const char *path);

G_END_DECLS

/* cs-bridge-cache.c: result files of `cadc-samp listen`.
 *
 * The cache owns a run directory and the list of files committed in it
 * (oldest first, with their sizes), so pruning never needs to scan the
 * directory or trust its mtimes.  It never touches anything outside its own
 * directory.
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cs-bridge-cache.h"

typedef struct {
  char *path;
  guint64 size;
} Entry;

struct _CsBridgeCache {
  char *dir;
  guint64 max_bytes;
  guint64 total;
  guint serial;
  GQueue entries;   /* Entry*, oldest at the head */
};

static void
entry_free (Entry *e)
{
  g_free (e->path);
  g_free (e);
}

CsBridgeCache *
cs_bridge_cache_new (const char *parent, guint64 max_bytes, GError **error)
{
  g_autofree char *base = parent ? g_strdup (parent)
                                 : g_build_filename (g_get_user_cache_dir (), "cadc-samp", NULL);
  if (g_mkdir_with_parents (base, 0700) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   "cannot create cache directory %s: %s", base, g_strerror (e));
      return NULL;
    }
  g_autofree char *tmpl = g_build_filename (base, "run-XXXXXX", NULL);
  if (g_mkdtemp_full (tmpl, 0700) == NULL)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   "cannot create a directory in %s: %s", base, g_strerror (e));
      return NULL;
    }
  CsBridgeCache *cache = g_new0 (CsBridgeCache, 1);
  cache->dir = g_steal_pointer (&tmpl);
  cache->max_bytes = max_bytes;
  g_queue_init (&cache->entries);
  return cache;
}

static void
remove_part_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_unlink (p);
    }
}

void
cs_bridge_cache_free (CsBridgeCache *cache)
{
  if (cache == NULL)
    return;
  Entry *e;
  while ((e = g_queue_pop_head (&cache->entries)) != NULL)
    {
      g_unlink (e->path);
      entry_free (e);
    }
  /* Also whatever a cancelled download left behind. */
  remove_part_files (cache->dir);
  if (g_rmdir (cache->dir) != 0)
    g_warning ("cannot remove %s: %s", cache->dir, g_strerror (errno));
  g_free (cache->dir);
  g_free (cache);
}

const char *
cs_bridge_cache_get_dir (CsBridgeCache *cache)
{
  return cache->dir;
}

char *
cs_bridge_cache_new_path (CsBridgeCache *cache, const char *prefix, const char *ext)
{
  g_autofree char *name = g_strdup_printf ("%s-%u.%s", prefix, ++cache->serial, ext);
  return g_build_filename (cache->dir, name, NULL);
}

char *
cs_bridge_cache_part_path (const char *final_path)
{
  return g_strconcat (final_path, ".part", NULL);
}

gboolean
cs_bridge_cache_commit (CsBridgeCache *cache, const char *final_path, GError **error)
{
  g_autofree char *part = cs_bridge_cache_part_path (final_path);
  GStatBuf st;

  if (g_stat (part, &st) != 0 || g_chmod (part, 0600) != 0
      || g_rename (part, final_path) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   "cannot store %s: %s", final_path, g_strerror (e));
      g_unlink (part);
      return FALSE;
    }
  Entry *entry = g_new0 (Entry, 1);
  entry->path = g_strdup (final_path);
  entry->size = (guint64) st.st_size;
  g_queue_push_tail (&cache->entries, entry);
  cache->total += entry->size;
  cs_bridge_cache_prune (cache);
  return TRUE;
}

void
cs_bridge_cache_discard (CsBridgeCache *cache, const char *final_path)
{
  (void) cache;
  g_autofree char *part = cs_bridge_cache_part_path (final_path);
  g_unlink (part);
}

guint
cs_bridge_cache_prune (CsBridgeCache *cache)
{
  guint removed = 0;
  if (cache->max_bytes == 0)
    return 0;
  while (cache->total > cache->max_bytes && cache->entries.length > 1)
    {
      Entry *e = g_queue_pop_head (&cache->entries);
      g_unlink (e->path);
      cache->total -= e->size;
      g_debug ("cache: removed %s (%" G_GUINT64_FORMAT " bytes)", e->path, e->size);
      entry_free (e);
      removed++;
    }
  return removed;
}

guint64
cs_bridge_cache_get_size (CsBridgeCache *cache)
{
  return cache->total;
}

char *
cs_bridge_cache_url (const char *path)
{
  return g_filename_to_uri (path, NULL, NULL);
}

/* bridge-cache.c: result files of `cadc-samp listen`.
 *
 * The cache owns a run directory and the list of files committed in it
 * (oldest first, with their sizes), so pruning never needs to scan the
 * directory or trust its mtimes.
 *
 * A daemon that crashes (SIGKILL, OOM) cannot remove its directory, so
 * each run directory holds a ".owner" file naming its process (pid, host,
 * boot id and the process's start time, so a reused pid or a reboot is
 * not mistaken for the owner).  A new cache removes the run-* directories
 * next to its own whose owner is gone; it leaves alone those of live
 * processes, of other hosts (a shared home), anything that is not a plain
 * directory of ours, and, without a .owner (older versions), all but
 * empty ones unchanged for an hour.
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bridge-cache.h"

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

#define OWNER_FILE ".owner"
#define OWNERLESS_AGE (60 * 60)   /* seconds before an empty ownerless dir is stale */

/* The boot id (Linux), or "" where there is none. */
static char *
boot_id (void)
{
  char *id = NULL;

  if (!g_file_get_contents ("/proc/sys/kernel/random/boot_id", &id, NULL, NULL))
    return g_strdup ("");
  return g_strstrip (id);
}

/* The start time of process @pid (field 22 of /proc/PID/stat, in clock
 * ticks since boot): NULL when the process does not exist; "" where
 * /proc cannot tell (then only its existence is known). */
static char *
start_time (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *p;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    {
      if (kill (pid, 0) == 0 || errno == EPERM)
        return g_strdup ("");
      return NULL;
    }
  p = strrchr (stat, ')');     /* the command name may hold spaces */
  if (p == NULL)
    return g_strdup ("");
  fields = g_strsplit (p + 1, " ", 0);   /* fields[0] = "", [1] = state (field 3) */
  if (g_strv_length (fields) < 21)
    return g_strdup ("");
  return g_strdup (fields[20]);          /* field 22 */
}

static gboolean
write_owner (const char *dir, GError **error)
{
  g_autofree char *path = g_build_filename (dir, OWNER_FILE, NULL);
  g_autofree char *boot = boot_id ();
  g_autofree char *start = start_time (getpid ());
  g_autofree char *text = g_strdup_printf ("pid=%d\nhost=%s\nboot=%s\nstart=%s\n",
                                           (int) getpid (), g_get_host_name (), boot,
                                           start ? start : "");

  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_NONE, 0600, error);
}

static char *
owner_field (char **lines, const char *key)
{
  gsize n = strlen (key);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strncmp (lines[i], key, n) == 0 && lines[i][n] == '=')
      return lines[i] + n + 1;
  return NULL;
}

/* Is the run directory @dir (lstat'ed as @st) left by a process that is
 * gone? */
static gboolean
is_stale (const char *dir, const GStatBuf *st)
{
  g_autofree char *path = g_build_filename (dir, OWNER_FILE, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  const char *pid_s, *host, *boot, *start;
  g_autofree char *my_boot = NULL;
  g_autofree char *now_start = NULL;
  gint64 pid;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    /* no owner recorded (an older version, or a crash before it was
     * written): only an empty directory untouched for an hour */
    return (g_get_real_time () / G_USEC_PER_SEC) - st->st_mtime > OWNERLESS_AGE;
  lines = g_strsplit (text, "\n", 0);
  pid_s = owner_field (lines, "pid");
  host = owner_field (lines, "host");
  boot = owner_field (lines, "boot");
  start = owner_field (lines, "start");
  if (pid_s == NULL || host == NULL || boot == NULL || start == NULL)
    return FALSE;                        /* not ours to judge */
  if (strcmp (host, g_get_host_name ()) != 0)
    return FALSE;                        /* another machine's: cannot tell */
  my_boot = boot_id ();
  if (*boot != '\0' && *my_boot != '\0' && strcmp (boot, my_boot) != 0)
    return TRUE;                         /* from before a reboot */
  pid = g_ascii_strtoll (pid_s, NULL, 10);
  if (pid <= 0 || pid > G_MAXINT)
    return FALSE;
  if (pid == getpid ())
    return *start != '\0' && (now_start = start_time ((pid_t) pid)) != NULL
           && *now_start != '\0' && strcmp (start, now_start) != 0;
  now_start = start_time ((pid_t) pid);
  if (now_start == NULL)
    return TRUE;                         /* no such process */
  /* a live process with that pid: the owner, unless it started later */
  return *start != '\0' && *now_start != '\0' && strcmp (start, now_start) != 0;
}

/* Removes the plain files of @dir, then @dir (no recursion: the cache
 * makes no subdirectories, so one is not ours and stops the removal). */
static void
remove_run_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      GStatBuf st;
      if (g_lstat (p, &st) == 0 && !S_ISDIR (st.st_mode))
        g_unlink (p);
    }
  if (g_rmdir (dir) == 0)
    g_message ("removed the cache directory %s of a listen that is gone", dir);
}

/* Removes the stale run-* directories in @base (see the top comment). */
static void
remove_stale_runs (const char *base)
{
  g_autoptr(GDir) d = g_dir_open (base, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *dir = NULL;
      g_autofree char *owner = NULL;
      GStatBuf st;
      if (!g_str_has_prefix (name, "run-"))
        continue;
      dir = g_build_filename (base, name, NULL);
      if (g_lstat (dir, &st) != 0 || !S_ISDIR (st.st_mode) || st.st_uid != getuid ())
        continue;                        /* symlinks and others' are left alone */
      if (!is_stale (dir, &st))
        continue;
      owner = g_build_filename (dir, OWNER_FILE, NULL);
      if (!g_file_test (owner, G_FILE_TEST_EXISTS))
        {
          /* ownerless: only if empty */
          if (g_rmdir (dir) == 0)
            g_message ("removed the empty cache directory %s", dir);
          continue;
        }
      remove_run_dir (dir);
    }
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
  if (!write_owner (tmpl, error))
    {
      g_prefix_error (error, "cannot record the owner of %s: ", tmpl);
      g_rmdir (tmpl);
      return NULL;
    }
  remove_stale_runs (base);
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

/* test-bridge-cache-stale.c: a new listen cache removes the run-*
 * directories that crashed listens left behind, and nothing else
 * (src/bridge/bridge-cache.c).
 *
 * The stale ones are made the way they occur: a cache created in a child
 * process that then dies without cleaning up (as under SIGKILL); a .owner
 * naming a live pid that started at another time (a reused pid); an empty
 * ownerless directory untouched for two hours (an older version).  What
 * must stay: the caches of live processes (this one), another host's
 * directory (a shared home), an ownerless directory with files, a fresh
 * empty one (a listen between mkdtemp and writing .owner), a symlink
 * named run-*, and anything not called run-*.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include "bridge-cache.h"
#include "test-util.h"

static char *
make_dir (const char *parent, const char *name)
{
  char *d = g_build_filename (parent, name, NULL);
  g_assert_cmpint (g_mkdir (d, 0700), ==, 0);
  return d;
}

static void
put (const char *dir, const char *name, const char *text)
{
  g_autofree char *p = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (p, text, -1, NULL));
}

static gboolean
exists (const char *path)
{
  GStatBuf st;
  return g_lstat (path, &st) == 0;
}

static int
cmp_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The names in @dir, sorted, joined by spaces. */
static char *
entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, cmp_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* The run directory a child process made before dying without cleanup. */
static char *
crashed_run (const char *parent)
{
  int fds[2];
  pid_t pid;
  char buf[4096] = { 0 };
  int status;

  g_assert_cmpint (pipe (fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      CsBridgeCache *c = cs_bridge_cache_new (parent, 0, NULL);
      const char *dir = cs_bridge_cache_get_dir (c);
      g_autofree char *result = g_build_filename (dir, "result-1.xml", NULL);
      g_file_set_contents (result, "<VOTABLE/>", -1, NULL);
      if (write (fds[1], dir, strlen (dir)) < 0)
        _exit (2);
      _exit (0);             /* no cs_bridge_cache_free: a crash */
    }
  close (fds[1]);
  g_assert_cmpint (read (fds[0], buf, sizeof buf - 1), >, 0);
  close (fds[0]);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return g_strdup (buf);
}

static void
test_stale_runs (void)
{
  g_autofree char *parent = g_dir_make_tmp ("test-cache-stale-XXXXXX", NULL);
  g_autofree char *crashed = crashed_run (parent);
  g_autofree char *result = g_build_filename (crashed, "result-1.xml", NULL);
  g_autofree char *reused = make_dir (parent, "run-REUSED");
  g_autofree char *other_host = make_dir (parent, "run-OTHERH");
  g_autofree char *old_empty = make_dir (parent, "run-OLDEMP");
  g_autofree char *old_full = make_dir (parent, "run-OLDFUL");
  g_autofree char *fresh = make_dir (parent, "run-FRESH1");
  g_autofree char *not_run = make_dir (parent, "keep-me");
  g_autofree char *outside = g_dir_make_tmp ("test-cache-outside-XXXXXX", NULL);
  g_autofree char *link = g_build_filename (parent, "run-LINK00", NULL);
  g_autofree char *owner_reused = NULL;
  g_autofree char *owner_other = NULL;
  g_autoptr(CsBridgeCache) live = NULL;
  g_autoptr(CsBridgeCache) next = NULL;
  struct utimbuf two_hours_ago;

  g_assert_true (exists (result));     /* the crash left its files behind */
  live = cs_bridge_cache_new (parent, 0, NULL);   /* a live owner: this process */
  g_assert_false (exists (crashed));   /* ... and the first new cache removed them */

  owner_reused = g_strdup_printf ("pid=%d\nhost=%s\nboot=\nstart=1\n", (int) getpid (),
                                  g_get_host_name ());
  put (reused, ".owner", owner_reused);              /* our pid, another start time */
  put (reused, "table-3.xml", "x");
  owner_other = g_strdup_printf ("pid=1\nhost=not-%s\nboot=\nstart=1\n", g_get_host_name ());
  put (other_host, ".owner", owner_other);
  put (old_full, "table-1.xml", "x");
  two_hours_ago.actime = two_hours_ago.modtime = time (NULL) - 2 * 3600;
  g_assert_cmpint (utime (old_empty, &two_hours_ago), ==, 0);
  g_assert_cmpint (utime (old_full, &two_hours_ago), ==, 0);
  g_assert_cmpint (symlink (outside, link), ==, 0);

  next = cs_bridge_cache_new (parent, 0, NULL);
  g_assert_nonnull (next);
  g_assert_false (exists (reused));
  g_assert_false (exists (old_empty));
  g_assert_true (exists (cs_bridge_cache_get_dir (live)));
  g_assert_true (exists (other_host));
  g_assert_true (exists (old_full));
  g_assert_true (exists (fresh));
  g_assert_true (exists (not_run));
  g_assert_true (exists (link));
  g_assert_true (exists (outside));

  g_clear_pointer (&next, cs_bridge_cache_free);
  g_clear_pointer (&live, cs_bridge_cache_free);
  {
    /* nothing else was left: the freed caches removed their own run dirs */
    g_autofree char *left = entries (parent);
    g_assert_cmpstr (left, ==, "keep-me run-FRESH1 run-LINK00 run-OLDFUL run-OTHERH");
  }
  cs_test_remove_tree (parent);
  cs_test_remove_tree (outside);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bridge/cache/stale-runs", test_stale_runs);
  return g_test_run ();
}

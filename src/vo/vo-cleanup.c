/* vo-cleanup.c: removing registered partial files when a signal ends the
 * process (see vo-cleanup.h).
 *
 * The table is an array of pointers: a slot is filled with a complete
 * string before it is published, and emptied before the string is freed,
 * so the handler, interrupting the main thread at any point, sees either
 * a valid path or NULL.
 */
#include "config.h"

#include "vo-cleanup.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#define MAX_PATHS 256

static char *volatile slots[MAX_PATHS];
static GMutex lock;

void
vo_cleanup_add (const char *path)
{
  char *copy = g_strdup (path);

  g_mutex_lock (&lock);
  for (guint i = 0; i < MAX_PATHS; i++)
    if (slots[i] == NULL)
      {
        slots[i] = copy;
        g_mutex_unlock (&lock);
        return;
      }
  g_mutex_unlock (&lock);
  g_warning ("too many temporary files to track; %s may be left behind on a signal", path);
  g_free (copy);
}

void
vo_cleanup_remove (const char *path)
{
  g_mutex_lock (&lock);
  for (guint i = 0; i < MAX_PATHS; i++)
    if (slots[i] != NULL && strcmp (slots[i], path) == 0)
      {
        char *p = slots[i];
        slots[i] = NULL;
        g_free (p);
        break;
      }
  g_mutex_unlock (&lock);
}

static void
on_signal (int sig)
{
  for (guint i = 0; i < MAX_PATHS; i++)
    {
      const char *p = slots[i];
      if (p != NULL)
        unlink (p);
    }
  signal (sig, SIG_DFL);
  raise (sig);
}

void
vo_cleanup_on_signals (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      struct sigaction sa;
      memset (&sa, 0, sizeof sa);
      sa.sa_handler = on_signal;
      sigemptyset (&sa.sa_mask);
      sigaddset (&sa.sa_mask, SIGINT);
      sigaddset (&sa.sa_mask, SIGTERM);
      sigaddset (&sa.sa_mask, SIGHUP);
      sigaction (SIGINT, &sa, NULL);
      sigaction (SIGTERM, &sa, NULL);
      sigaction (SIGHUP, &sa, NULL);
      g_once_init_leave (&done, 1);
    }
}

/* cli-progress.c: the progress line of `listen` on a terminal.
 *
 * The line is written to stderr as "\r" + text padded with spaces to blank
 * what the previous one left, cut to the terminal's width (a line that
 * wraps cannot be rewritten with "\r").  Log lines go to the same stderr
 * from main.c's log writer, possibly from another thread: it calls
 * cs_progress_hide before and cs_progress_unhide after each one, so the
 * line is blanked, the log line printed, and the progress shown again
 * below it.  One mutex guards the state.
 */
#include "config.h"

#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli-progress.h"

static GMutex lock;
static char *current;      /* the line shown (NULL: none) */
static int width;          /* its width in characters */

int
cs_progress_columns (void)
{
  struct winsize ws;

  if (ioctl (2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
    return ws.ws_col;
  return 80;
}

static void
blank_locked (void)
{
  if (current != NULL && width > 0)
    fprintf (stderr, "\r%*s\r", width, "");
}

static void
draw_locked (void)
{
  fprintf (stderr, "\r%s", current);
  fflush (stderr);
}

void
cs_progress_show (const char *line)
{
  int max = cs_progress_columns () - 1;
  glong n = g_utf8_strlen (line, -1);
  g_autofree char *cut = NULL;

  if (n > max)
    {
      const char *end = g_utf8_offset_to_pointer (line, max - 1);
      cut = g_strdup_printf ("%.*s…", (int) (end - line), line);
      n = max;
    }
  g_mutex_lock (&lock);
  blank_locked ();
  g_free (current);
  current = g_strdup (cut != NULL ? cut : line);
  width = (int) n;
  draw_locked ();
  g_mutex_unlock (&lock);
}

void
cs_progress_end (void)
{
  g_mutex_lock (&lock);
  blank_locked ();
  fflush (stderr);
  g_clear_pointer (&current, g_free);
  width = 0;
  g_mutex_unlock (&lock);
}

void
cs_progress_hide (void)
{
  g_mutex_lock (&lock);
  blank_locked ();
  /* the log line is written with the lock held: unhide releases it */
}

void
cs_progress_unhide (void)
{
  if (current != NULL)
    draw_locked ();
  g_mutex_unlock (&lock);
}

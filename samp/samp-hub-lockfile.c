/* samp-hub-lockfile.c: the hub's side of Standard Profile discovery.
 *
 * Where the lockfile goes (SAMP_HUB=std-lockurl:file:..., else
 * $HOME/.samp), whether a live hub already owns it, writing it (0600,
 * temp file + link/rename, never half-written, never over a live hub) and
 * removing it only while it still names this hub.  The secret is written
 * to the file and nowhere else; the buffer holding it is wiped.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "samp-hub-private.h"


char *
samp_hub_lockfile_path (GError **error)
{
  const char *env = g_getenv ("SAMP_HUB");
  if (env != NULL && g_str_has_prefix (env, "std-lockurl:"))
    {
      const char *url = env + strlen ("std-lockurl:");
      if (!g_str_has_prefix (url, "file:"))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "SAMP_HUB names a lockfile that is not a local file: %s", url);
          return NULL;
        }
      /* file:///p, file://localhost/p, file:/p */
      const char *p = url + 5;
      if (g_str_has_prefix (p, "//"))
        {
          p += 2;
          const char *slash = strchr (p, '/');
          if (slash == NULL)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "Bad lockfile URL in SAMP_HUB: %s", url);
              return NULL;
            }
          p = slash;
        }
      char *path = g_uri_unescape_string (p, NULL);
      if (path == NULL || *path != '/')
        {
          g_free (path);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Bad lockfile URL in SAMP_HUB: %s", url);
          return NULL;
        }
      return path;
    }
  return g_build_filename (g_get_home_dir (), ".samp", NULL);
}

/* Returns: (transfer full) (nullable): samp.hub.xmlrpc.url from @path. */
static char *
lockfile_read_url (const char *path)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  for (char **l = lines; *l; l++)
    {
      g_strstrip (*l);
      if (g_str_has_prefix (*l, "samp.hub.xmlrpc.url="))
        return g_strdup (*l + strlen ("samp.hub.xmlrpc.url="));
    }
  return NULL;
}

gboolean
samp_hub_is_live (const char *lockfile, guint timeout_ms)
{
  g_autofree char *path = lockfile ? g_strdup (lockfile) : samp_hub_lockfile_path (NULL);
  if (path == NULL)
    return FALSE;
  g_autofree char *url = lockfile_read_url (path);
  if (url == NULL)
    return FALSE;
  return hub_net_ping_sync (url, timeout_ms, NULL);
}

gboolean
hub_lockfile_write (const char *lockfile, const char *secret, const char *url,
                    GError **error)
{
  g_autofree char *dir = g_path_get_dirname (lockfile);
  g_autofree char *tmpl = g_build_filename (dir, ".samp-hub-XXXXXX", NULL);
  int fd = g_mkstemp_full (tmpl, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e),
                   "Cannot create lockfile in %s: %s", dir, g_strerror (e));
      return FALSE;
    }
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format_iso8601 (now);
  g_autofree char *text = g_strdup_printf (
      "# SAMP Standard Profile lockfile written by cadc-samp hub\n"
      "# %s\n"
      "samp.secret=%s\n"
      "samp.hub.xmlrpc.url=%s\n"
      "samp.profile.version=1.3\n"
      "hub.impl=cadc-samp " PACKAGE_VERSION "\n"
      "hub.start.date=%s\n", date, secret, url, date);
  gsize len = strlen (text), off = 0;
  while (off < len)
    {
      ssize_t w = write (fd, text + off, len - off);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        {
          int e = errno;
          close (fd);
          g_unlink (tmpl);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e),
                       "Cannot write lockfile: %s", g_strerror (e));
          return FALSE;
        }
      off += (gsize) w;
    }
  memset (text, 0, len);
  fsync (fd);
  close (fd);

  for (int attempt = 0; attempt < 3; attempt++)
    {
      if (link (tmpl, lockfile) == 0)
        {
          g_unlink (tmpl);
          return TRUE;
        }
      if (errno != EEXIST)
        break;
      if (samp_hub_is_live (lockfile, 2000))
        {
          g_unlink (tmpl);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                       "A SAMP hub is already running (lockfile %s)", lockfile);
          return FALSE;
        }
      g_message ("replacing stale lockfile %s", lockfile);
      if (rename (tmpl, lockfile) == 0)
        return TRUE;
      break;
    }
  int e = errno;
  g_unlink (tmpl);
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e),
               "Cannot install lockfile %s: %s", lockfile, g_strerror (e));
  return FALSE;
}

void
hub_lockfile_remove (const char *lockfile, const char *url)
{
  if (lockfile == NULL)
    return;
  g_autofree char *current = lockfile_read_url (lockfile);
  if (current != NULL && g_strcmp0 (current, url) == 0)
    g_unlink (lockfile);
}

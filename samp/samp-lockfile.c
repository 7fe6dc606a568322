/* samp-lockfile.c: finding and reading the Standard Profile lockfile.
 *
 * SAMP_HUB=std-lockurl:<URL> wins; otherwise $HOME/.samp.  The parser
 * accepts what real hubs write and what humans edit: comments, CRLF,
 * blank lines, lines without '=', unknown keys, and the Java-properties
 * escapes "\:" "\=" that some writers use in URLs.  The secret is stored
 * but never logged.
 */
#include "config.h"

#include <string.h>

#include "samp-error.h"
#include "samp-http.h"
#include "samp-lockfile.h"

void
samp_lockfile_free (SampLockfile *lf)
{
  if (lf == NULL)
    return;
  g_free (lf->secret);
  g_free (lf->hub_url);
  g_free (lf->profile_version);
  g_free (lf->location);
  g_clear_pointer (&lf->keys, g_hash_table_unref);
  g_free (lf);
}

/* Undo the few Java-properties escapes that appear in lockfiles. */
static char *
unescape (const char *s)
{
  GString *out = g_string_new (NULL);

  for (; *s; s++)
    {
      if (*s == '\\' && s[1] != '\0')
        s++;
      g_string_append_c (out, *s);
    }
  return g_string_free (out, FALSE);
}

SampLockfile *
samp_lockfile_parse (const char *text, gssize len, GError **error)
{
  g_autoptr(SampLockfile) lf = g_new0 (SampLockfile, 1);
  g_autofree char *copy = NULL;
  g_auto(GStrv) lines = NULL;
  const char *v;

  g_return_val_if_fail (text != NULL, NULL);
  copy = len < 0 ? g_strdup (text) : g_strndup (text, (gsize) len);
  lf->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  lines = g_strsplit_set (copy, "\r\n", -1);
  for (gsize i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *eq;
      if (*line == '\0' || *line == '#' || *line == '!')
        continue;
      eq = strchr (line, '=');
      if (eq == NULL)
        continue;                /* tolerated: not a key=value line */
      *eq = '\0';
      g_hash_table_replace (lf->keys, g_strdup (g_strstrip (line)),
                            unescape (g_strstrip (eq + 1)));
    }
  v = g_hash_table_lookup (lf->keys, "samp.secret");
  if (v == NULL || *v == '\0')
    {
      g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_BAD_LOCKFILE,
                           "lockfile has no samp.secret");
      return NULL;
    }
  lf->secret = g_strdup (v);
  v = g_hash_table_lookup (lf->keys, "samp.hub.xmlrpc.url");
  if (v == NULL || *v == '\0')
    {
      g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_BAD_LOCKFILE,
                           "lockfile has no samp.hub.xmlrpc.url");
      return NULL;
    }
  if (!g_str_has_prefix (v, "http://"))
    {
      g_set_error (error, SAMP_ERROR, SAMP_ERROR_BAD_LOCKFILE,
                   "lockfile hub URL \"%s\" is not an http:// URL", v);
      return NULL;
    }
  lf->hub_url = g_strdup (v);
  lf->profile_version = g_strdup (g_hash_table_lookup (lf->keys, "samp.profile.version"));
  return g_steal_pointer (&lf);
}

char *
samp_lockfile_locate (void)
{
  const char *env = g_getenv ("SAMP_HUB");

  if (env != NULL && *env != '\0')
    {
      if (g_str_has_prefix (env, "std-lockurl:"))
        return g_strdup (env + strlen ("std-lockurl:"));
      g_debug ("ignoring SAMP_HUB=%s (not a Standard Profile std-lockurl:)", env);
    }
  /* $HOME first (GLib's home dir comes from passwd unless HOME is set) */
  {
    const char *home = g_getenv ("HOME");
    g_autofree char *path = g_build_filename (home && *home ? home : g_get_home_dir (),
                                              ".samp", NULL);
    return g_filename_to_uri (path, NULL, NULL);
  }
}

char *
samp_lockfile_url_to_path (const char *url)
{
  char *path;

  if (url == NULL || !g_str_has_prefix (url, "file:"))
    return NULL;
  path = g_filename_from_uri (url, NULL, NULL);
  if (path == NULL && url[5] == '/' && url[6] != '/')
    path = g_strdup (url + 5);                  /* file:/abs/path */
  return path;
}

/* Parse fetched @text as the lockfile found at @url. */
static SampLockfile *
parse_at (const char *url, const char *text, gsize len, GError **error)
{
  SampLockfile *lf = samp_lockfile_parse (text, (gssize) len, error);

  if (lf == NULL)
    {
      g_prefix_error (error, "%s: ", url);
      return NULL;
    }
  lf->location = g_strdup (url);
  return lf;
}

static GError *
fetch_error (const char *url, const GError *local)
{
  return g_error_new (SAMP_ERROR, SAMP_ERROR_NO_HUB, "no SAMP hub: cannot fetch lockfile %s: %s",
                      url, local->message);
}

SampLockfile *
samp_lockfile_load (const char *url, guint timeout_ms, GError **error)
{
  g_autofree char *located = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

  if (url == NULL)
    url = located = samp_lockfile_locate ();

  if (g_str_has_prefix (url, "file:"))
    {
      g_autoptr(GError) local = NULL;
      g_autofree char *path = samp_lockfile_url_to_path (url);
      if (path == NULL)
        {
          g_set_error (error, SAMP_ERROR, SAMP_ERROR_BAD_LOCKFILE, "bad lockfile URL %s", url);
          return NULL;
        }
      if (!g_file_get_contents (path, &text, &len, &local))
        {
          if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            g_set_error (error, SAMP_ERROR, SAMP_ERROR_NO_HUB,
                         "no SAMP hub running (no lockfile %s)", path);
          else
            g_set_error (error, SAMP_ERROR, SAMP_ERROR_BAD_LOCKFILE,
                         "cannot read lockfile: %s", local->message);
          return NULL;
        }
    }
  else if (g_str_has_prefix (url, "http://"))
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(GBytes) body = samp_http_get_sync (url, timeout_ms, NULL, &local);
      if (body == NULL)
        {
          g_propagate_error (error, fetch_error (url, local));
          return NULL;
        }
      len = g_bytes_get_size (body);
      text = g_strndup (g_bytes_get_data (body, NULL), len);
    }
  else
    {
      g_set_error (error, SAMP_ERROR, SAMP_ERROR_BAD_LOCKFILE,
                   "unsupported lockfile URL %s (only file: and http:)", url);
      return NULL;
    }
  return parse_at (url, text, len, error);
}

static void
fetched (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GTask) task = data;
  const char *url = g_task_get_task_data (task);
  g_autoptr(GError) local = NULL;
  g_autoptr(GBytes) body = samp_http_get_finish (res, &local);
  GError *error = NULL;
  SampLockfile *lf;

  (void) source;
  if (body == NULL)
    {
      g_task_return_error (task, fetch_error (url, local));
      return;
    }
  lf = parse_at (url, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  if (lf == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, lf, (GDestroyNotify) samp_lockfile_free);
}

void
samp_lockfile_load_async (const char *url, guint timeout_ms, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  char *where = url ? g_strdup (url) : samp_lockfile_locate ();
  GError *error = NULL;
  SampLockfile *lf;

  g_task_set_source_tag (task, samp_lockfile_load_async);
  g_task_set_task_data (task, where, g_free);
  if (g_str_has_prefix (where, "http://"))
    {
      samp_http_get_async (where, timeout_ms, cancellable, fetched, g_steal_pointer (&task));
      return;
    }
  /* GTask delivers this from a later main-loop iteration, never from
   * inside this call */
  lf = samp_lockfile_load (where, timeout_ms, &error);
  if (lf == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, lf, (GDestroyNotify) samp_lockfile_free);
}

SampLockfile *
samp_lockfile_load_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

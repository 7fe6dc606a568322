/* cli-hub-web.c: the Web Profile settings of the embedded hub, from the
 * [hub] group of the config file and the --web-* options:
 *   [hub]
 *   web-profile=true             web-auth=ask|origins|accept
 *   web-origins=http://localhost:8000; https://aladin.cds.unistra.fr
 *   web-restrict-mtypes=true
 *   web-idle-timeout=300         (s: a page taking callbacks that pulls none is gone)
 * An option overrides the file; --web-origin adds to web-origins.
 */
#include "config.h"

#include "cli-hub-web.h"
#include "vo-error.h"

static gboolean
get_bool (GKeyFile *kf, const char *key, gboolean *out, GError **error)
{
  GError *local = NULL;
  if (!g_key_file_has_key (kf, "hub", key, NULL))
    return TRUE;
  gboolean v = g_key_file_get_boolean (kf, "hub", key, &local);
  if (local)
    {
      g_propagate_prefixed_error (error, local, "[hub] %s: ", key);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static const char *const known_keys[] = {
  "web-profile", "web-auth", "web-origins", "web-restrict-mtypes", "web-idle-timeout", NULL
};

/* [hub] web-idle-timeout: whole seconds, 1 s to a day */
static gboolean
get_idle_timeout (GKeyFile *kf, guint *out, GError **error)
{
  g_autofree char *v = g_key_file_get_string (kf, "hub", "web-idle-timeout", NULL);
  guint64 n = 0;
  if (v == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (g_strstrip (v), 10, 1, 86400, &n, NULL))
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                   "[hub] web-idle-timeout: seconds from 1 to 86400 expected, not \"%s\"", v);
      return FALSE;
    }
  *out = (guint) n;
  return TRUE;
}

gboolean
cli_hub_web_resolve (CliHubWeb *w, const char *path, gboolean must_exist,
                     SampHubWebOptions *out, GError **error)
{
  g_autofree char *auth = g_steal_pointer (&w->auth);
  g_auto(GStrv) cli_origins = g_steal_pointer (&w->origins);
  g_autoptr(GPtrArray) origins = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;

  *out = (SampHubWebOptions) { .restrict_mtypes = TRUE, .auth = SAMP_HUB_WEB_AUTH_ASK };
  if (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      g_auto(GStrv) keys = g_key_file_get_keys (kf, "hub", NULL, NULL);
      for (gsize i = 0; keys && keys[i]; i++)
        if (!g_strv_contains (known_keys, keys[i]))
          g_warning ("%s: unknown key \"%s\" in [hub] ignored", path, keys[i]);
      if (!get_bool (kf, "web-profile", &out->enabled, error)
          || !get_bool (kf, "web-restrict-mtypes", &out->restrict_mtypes, error)
          || !get_idle_timeout (kf, &out->idle_timeout, error))
        goto fail;
      g_autofree char *a = g_key_file_get_string (kf, "hub", "web-auth", NULL);
      if (a && !samp_hub_web_auth_parse (g_strstrip (a), &out->auth, error))
        goto fail;
      g_autofree char *o = g_key_file_get_string (kf, "hub", "web-origins", NULL);
      g_auto(GStrv) list = o ? g_strsplit_set (o, ",; ", -1) : NULL;
      for (guint i = 0; list && list[i]; i++)
        if (*list[i])
          g_ptr_array_add (origins, g_strdup (list[i]));
    }
  else if (must_exist || !g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", path);
      return FALSE;
    }
  if (w->web_profile)
    out->enabled = TRUE;
  if (w->no_restrict)
    out->restrict_mtypes = FALSE;
  if (auth && !samp_hub_web_auth_parse (auth, &out->auth, error))
    {
      g_prefix_error (error, "--web-auth: ");
      return FALSE;
    }
  for (guint i = 0; cli_origins && cli_origins[i]; i++)
    g_ptr_array_add (origins, g_strdup (cli_origins[i]));
  if (w->port < 0 || w->port > 65535)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE, "--web-port must be in 1..65535");
      return FALSE;
    }
  out->port = (guint) w->port;
  g_ptr_array_add (origins, NULL);
  out->origins = (char **) g_ptr_array_free (g_steal_pointer (&origins), FALSE);
  return TRUE;

fail:
  g_prefix_error (error, "%s: ", path);
  return FALSE;
}

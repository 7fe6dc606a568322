/* cadc-config.c: the [archive] group of the config file, the environment
 * and the command line, merged in that order of increasing precedence
 * (cadc-config.h).  Owns only plain strings; never touches the network or
 * the login state (cadc-auth.c).
 */
#include "config.h"

#include "cadc-config.h"

#include <string.h>

#define GROUP "archive"

static const char *const known_keys[] = {
  "registry", "tap", "datalink", "login", "cookie-domains", NULL,
};

CadcConfig *
cadc_config_new (void)
{
  return g_new0 (CadcConfig, 1);
}

void
cadc_config_free (CadcConfig *c)
{
  if (c == NULL)
    return;
  g_free (c->registry);
  g_free (c->tap);
  g_free (c->datalink);
  g_free (c->login);
  g_strfreev (c->cookie_domains);
  g_free (c);
}

char *
cadc_config_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "cadc-samp", "config", NULL);
}

char **
cadc_config_split_list (const char *text)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) parts = g_strsplit_set (text != NULL ? text : "", ",;", -1);

  for (char **p = parts; *p != NULL; p++)
    {
      g_strstrip (*p);
      if (**p != '\0')
        g_ptr_array_add (out, g_strdup (*p));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

static void
replace (char **field, const char *value)
{
  if (value == NULL)
    return;
  g_free (*field);
  *field = g_strdup (value);
}

/* A string key, stripped; an empty value counts as absent. */
static void
take_string (GKeyFile *kf, const char *key, char **field)
{
  g_autofree char *v = g_key_file_get_string (kf, GROUP, key, NULL);

  if (v != NULL && *g_strstrip (v) != '\0')
    replace (field, v);
}

gboolean
cadc_config_load (CadcConfig *c, const char *path, gboolean must_exist, GError **error)
{
  g_autofree char *def = NULL;
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) keys = NULL;
  g_autofree char *domains = NULL;

  if (path == NULL)
    path = def = cadc_config_default_path ();
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      if (!must_exist && g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "config %s: ", path);
      return FALSE;
    }
  if (!g_key_file_has_group (kf, GROUP))
    return TRUE;
  keys = g_key_file_get_keys (kf, GROUP, NULL, NULL);
  for (gsize i = 0; keys != NULL && keys[i] != NULL; i++)
    if (!g_strv_contains (known_keys, keys[i]))
      g_warning ("%s: unknown key \"%s\" in [%s] ignored", path, keys[i], GROUP);

  take_string (kf, "registry", &c->registry);
  take_string (kf, "tap", &c->tap);
  take_string (kf, "datalink", &c->datalink);
  take_string (kf, "login", &c->login);
  /* read raw: a GKeyFile list would treat ',' as part of an entry */
  domains = g_key_file_get_value (kf, GROUP, "cookie-domains", NULL);
  if (domains != NULL)
    {
      g_strfreev (c->cookie_domains);
      c->cookie_domains = cadc_config_split_list (domains);
    }
  return TRUE;
}

void
cadc_config_apply_env (CadcConfig *c)
{
  const char *reg = g_getenv ("CADC_REGISTRY_URL");
  const char *dom = g_getenv ("CADC_SAMP_COOKIE_DOMAINS");

  if (reg != NULL && *reg != '\0')
    replace (&c->registry, reg);
  if (dom != NULL && *dom != '\0')
    {
      g_strfreev (c->cookie_domains);
      c->cookie_domains = cadc_config_split_list (dom);
    }
}

void
cadc_config_apply_overrides (CadcConfig *c, const char *registry, const char *tap,
                             const char *datalink, const char *login)
{
  replace (&c->registry, registry);
  replace (&c->tap, tap);
  replace (&c->datalink, datalink);
  replace (&c->login, login);
}

CadcConfig *
cadc_config_resolve (const char *path, const char *registry, const char *tap,
                     const char *datalink, const char *login, GError **error)
{
  g_autoptr(CadcConfig) c = cadc_config_new ();

  if (!cadc_config_load (c, path, FALSE, error))
    return NULL;
  cadc_config_apply_env (c);
  cadc_config_apply_overrides (c, registry, tap, datalink, login);
  return g_steal_pointer (&c);
}

/* cadc-config.c: the [archive] group of the config file, the environment
 * and the command line, merged in that order of increasing precedence
 * (cadc-config.h).  Owns only plain strings; never touches the network or
 * the login state (cadc-auth.c).
 */
#include "config.h"

#include "cadc-config.h"

#include <string.h>

#define GROUP "archive"

#define ARCHIVE_PREFIX "archive."

static const char *const known_keys[] = {
  "registry", "tap", "datalink", "login", "cookie-domains", "model", "collection", NULL,
};

/* [archive.NAME]: another TAP service. */
static const char *const named_keys[] = {
  "tap", "datalink", "model", "collection", "credentials", NULL,
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
  g_free (c->name);
  g_free (c->model);
  g_free (c->collection);
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
take_group_string (GKeyFile *kf, const char *group, const char *key, char **field)
{
  g_autofree char *v = g_key_file_get_string (kf, group, key, NULL);

  if (v != NULL && *g_strstrip (v) != '\0')
    replace (field, v);
}

static void
take_string (GKeyFile *kf, const char *key, char **field)
{
  take_group_string (kf, GROUP, key, field);
}

static void
warn_unknown_keys (GKeyFile *kf, const char *path, const char *group,
                   const char *const *known)
{
  g_auto(GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);

  for (gsize i = 0; keys != NULL && keys[i] != NULL; i++)
    if (!g_strv_contains (known, keys[i]))
      g_warning ("%s: unknown key \"%s\" in [%s] ignored", path, keys[i], group);
}

/* The key file at @path (NULL = default), or NULL: *@missing when it does
 * not exist (not an error), else @error. */
static GKeyFile *
open_file (const char *path, gboolean *missing, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;

  *missing = FALSE;
  if (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    return g_steal_pointer (&kf);
  if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    *missing = TRUE;
  g_propagate_prefixed_error (error, g_steal_pointer (&local), "config %s: ", path);
  return NULL;
}

gboolean
cadc_config_load (CadcConfig *c, const char *path, gboolean must_exist, GError **error)
{
  g_autofree char *def = NULL;
  g_autoptr(GKeyFile) kf = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *domains = NULL;
  gboolean missing;

  if (path == NULL)
    path = def = cadc_config_default_path ();
  kf = open_file (path, &missing, &local);
  if (kf == NULL)
    {
      if (!must_exist && missing)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!g_key_file_has_group (kf, GROUP))
    return TRUE;
  warn_unknown_keys (kf, path, GROUP, known_keys);

  take_string (kf, "model", &c->model);
  take_string (kf, "collection", &c->collection);
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

char **
cadc_config_archive_names (const char *path, GError **error)
{
  g_autofree char *def = NULL;
  g_autoptr(GKeyFile) kf = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) groups = NULL;
  gboolean missing;

  if (path == NULL)
    path = def = cadc_config_default_path ();
  g_ptr_array_add (names, g_strdup (CADC_CONFIG_DEFAULT_ARCHIVE));
  kf = open_file (path, &missing, &local);
  if (kf == NULL && !missing)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  groups = kf != NULL ? g_key_file_get_groups (kf, NULL) : NULL;
  for (gsize i = 0; groups != NULL && groups[i] != NULL; i++)
    {
      const char *name = groups[i] + strlen (ARCHIVE_PREFIX);
      if (!g_str_has_prefix (groups[i], ARCHIVE_PREFIX) || *name == '\0')
        continue;
      if (strcmp (name, CADC_CONFIG_DEFAULT_ARCHIVE) == 0)
        g_warning ("%s: [%s] is ignored: the cadc archive is configured in [archive]", path,
                   groups[i]);
      else
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_steal (names, NULL);
}

/* [archive.NAME] of @path into @c (the built-in CADC defaults do not
 * apply: no registry, anonymous unless credentials=cadc). */
static gboolean
load_named (CadcConfig *c, const char *path, const char *name, GError **error)
{
  g_autofree char *def = NULL;
  g_autofree char *group = g_strconcat (ARCHIVE_PREFIX, name, NULL);
  g_autofree char *creds = NULL;
  g_autoptr(GKeyFile) kf = NULL;
  g_autoptr(GError) local = NULL;
  gboolean missing;

  if (path == NULL)
    path = def = cadc_config_default_path ();
  kf = open_file (path, &missing, &local);
  if (kf == NULL && !missing)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (kf == NULL || !g_key_file_has_group (kf, group))
    {
      g_auto(GStrv) names = cadc_config_archive_names (path, NULL);
      g_autofree char *known = names != NULL ? g_strjoinv (", ", names) : g_strdup ("cadc");
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
                   "unknown archive '%s' (known: %s; define [%s] in %s)", name, known, group,
                   path);
      return FALSE;
    }
  warn_unknown_keys (kf, path, group, named_keys);
  take_group_string (kf, group, "tap", &c->tap);
  take_group_string (kf, group, "datalink", &c->datalink);
  take_group_string (kf, group, "model", &c->model);
  take_group_string (kf, group, "collection", &c->collection);
  take_group_string (kf, group, "credentials", &creds);
  if (c->tap == NULL)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                   "config %s: [%s] has no tap= (the archive's TAP base URL)", path, group);
      return FALSE;
    }
  if (creds != NULL && strcmp (creds, "cadc") != 0 && strcmp (creds, "none") != 0)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "config %s: [%s] credentials=%s: use none or cadc", path, group, creds);
      return FALSE;
    }
  c->anonymous = creds == NULL || strcmp (creds, "none") == 0;
  return TRUE;
}

CadcConfig *
cadc_config_resolve_archive (const char *path, const char *archive, const char *registry,
                             const char *tap, const char *datalink, const char *login,
                             GError **error)
{
  g_autoptr(CadcConfig) c = NULL;

  if (archive == NULL || strcmp (archive, CADC_CONFIG_DEFAULT_ARCHIVE) == 0)
    c = cadc_config_resolve (path, registry, tap, datalink, login, error);
  else
    {
      c = cadc_config_new ();
      if (!load_named (c, path, archive, error))
        return NULL;
      cadc_config_apply_overrides (c, NULL, tap, datalink, NULL);
    }
  if (c != NULL)
    c->name = g_strdup (archive != NULL ? archive : CADC_CONFIG_DEFAULT_ARCHIVE);
  return g_steal_pointer (&c);
}

/* bridge-config.c: defaults and the [listen] group of the config file.
 *
 * The file is a GKeyFile; every key is optional:
 *   [listen]
 *   radius=1arcmin          collection=CFHT        cutouts=true
 *   max-cutouts=3           max-rows=2000          max-selection=10
 *   on-pointat=true         on-table=true          on-image=true
 *   on-highlight=true       cache-max-mb=200       hub=auto
 *   tap=URL  registry=URL  datalink=URL            log-level=info
 *   footprints=true         viewer-frames=reuse    viewer-timeout=60
 *   archives=cadc, votest   (the archives asked, [archive.NAME] groups)
 * Unknown keys are ignored (with a g_warning) so that older versions can
 * read newer files.
 */
#include "config.h"

#include "bridge-config.h"
#include "vo-coords.h"
#include "vo-error.h"

CsBridgeConfig *
cs_bridge_config_new (void)
{
  CsBridgeConfig *c = g_new0 (CsBridgeConfig, 1);
  c->radius_deg = 1.0 / 60.0;
  c->cutouts = TRUE;
  c->max_cutouts = 3;
  c->max_rows = 2000;
  c->max_selection = 10;
  c->on_pointat = TRUE;
  c->on_table = TRUE;
  c->on_image = TRUE;
  c->on_highlight = TRUE;
  c->footprints = TRUE;
  c->viewer_frames_reuse = TRUE;
  c->viewer_timeout_s = 60;
  c->cache_max_bytes = 200 * 1024 * 1024;
  c->hub_mode = CS_BRIDGE_HUB_AUTO;
  c->hub_web.restrict_mtypes = TRUE;
  return c;
}

void
cs_bridge_config_free (CsBridgeConfig *c)
{
  if (c == NULL)
    return;
  g_free (c->collection);
  g_strfreev (c->archives);
  g_free (c->tap);
  g_free (c->registry);
  g_free (c->datalink);
  g_free (c->log_level);
  g_strfreev (c->hub_web.origins);
  g_free (c);
}

char *
cs_bridge_config_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "cadc-samp", "config", NULL);
}

gboolean
cs_bridge_config_parse_hub_mode (const char *text, CsBridgeHubMode *mode, GError **error)
{
  if (g_strcmp0 (text, "auto") == 0)
    *mode = CS_BRIDGE_HUB_AUTO;
  else if (g_strcmp0 (text, "never") == 0)
    *mode = CS_BRIDGE_HUB_NEVER;
  else if (g_strcmp0 (text, "always") == 0)
    *mode = CS_BRIDGE_HUB_ALWAYS;
  else
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                   "hub mode must be auto, never or always, not \"%s\"", text);
      return FALSE;
    }
  return TRUE;
}

gboolean
cs_bridge_config_parse_viewer_frames (const char *text, gboolean *reuse, GError **error)
{
  if (g_strcmp0 (text, "reuse") == 0 || g_strcmp0 (text, "new") == 0)
    {
      *reuse = g_str_equal (text, "reuse");
      return TRUE;
    }
  g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
               "viewer-frames must be reuse or new, not \"%s\"", text);
  return FALSE;
}

static gboolean
get_bool (GKeyFile *kf, const char *key, gboolean *out, GError **error)
{
  GError *local = NULL;
  if (!g_key_file_has_key (kf, "listen", key, NULL))
    return TRUE;
  gboolean v = g_key_file_get_boolean (kf, "listen", key, &local);
  if (local)
    {
      g_propagate_prefixed_error (error, local, "config key %s: ", key);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
get_uint (GKeyFile *kf, const char *key, guint64 max, guint64 *out, GError **error)
{
  if (!g_key_file_has_key (kf, "listen", key, NULL))
    return TRUE;
  g_autofree char *s = g_key_file_get_string (kf, "listen", key, NULL);
  guint64 v = 0;
  g_autoptr(GError) local = NULL;
  if (s == NULL
      || !g_ascii_string_to_unsigned (g_strstrip (s), 10, 0, max, &v, &local))
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                   "config key %s: not a whole number in 0..%" G_GUINT64_FORMAT, key, max);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static void
get_string (GKeyFile *kf, const char *key, char **out)
{
  g_autofree char *s = g_key_file_get_string (kf, "listen", key, NULL);
  if (s == NULL)
    return;
  g_strstrip (s);
  g_free (*out);
  *out = *s ? g_steal_pointer (&s) : NULL;
}

static const char *const known_keys[] = {
  "radius", "collection", "cutouts", "max-cutouts", "max-rows", "max-selection",
  "on-pointat", "on-table", "on-image", "on-highlight", "cache-max-mb", "hub",
  "tap", "registry", "datalink", "log-level", "footprints", "viewer-frames", "viewer-timeout",
  "archives", NULL
};

gboolean
cs_bridge_config_load (CsBridgeConfig *c, const char *path, gboolean must_exist,
                       GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  g_autofree char *radius = NULL;
  g_autofree char *hub = NULL;
  g_autofree char *frames = NULL;
  g_auto(GStrv) keys = NULL;
  guint64 v;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      if (!must_exist && g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", path);
      return FALSE;
    }
  if (!g_key_file_has_group (kf, "listen"))
    return TRUE;

  keys = g_key_file_get_keys (kf, "listen", NULL, NULL);
  for (gsize i = 0; keys && keys[i]; i++)
    if (!g_strv_contains (known_keys, keys[i]))
      g_warning ("%s: unknown key \"%s\" in [listen] ignored", path, keys[i]);

  radius = g_key_file_get_string (kf, "listen", "radius", NULL);
  if (radius && !vo_coords_parse_radius (g_strstrip (radius), &c->radius_deg, error))
    goto fail;
  get_string (kf, "collection", &c->collection);
  get_string (kf, "tap", &c->tap);
  get_string (kf, "registry", &c->registry);
  get_string (kf, "datalink", &c->datalink);
  get_string (kf, "log-level", &c->log_level);
  {
    g_autofree char *archives = NULL;
    get_string (kf, "archives", &archives);
    if (archives != NULL)
      {
        g_strfreev (c->archives);
        c->archives = g_strsplit_set (archives, ",; ", -1);
        /* drop the empty pieces of "a, b" */
        guint k = 0;
        for (guint i = 0; c->archives[i]; i++)
          if (*c->archives[i])
            c->archives[k++] = c->archives[i];
          else
            g_free (c->archives[i]);
        c->archives[k] = NULL;
      }
  }
  if (!get_bool (kf, "cutouts", &c->cutouts, error)
      || !get_bool (kf, "on-pointat", &c->on_pointat, error)
      || !get_bool (kf, "on-table", &c->on_table, error)
      || !get_bool (kf, "on-image", &c->on_image, error)
      || !get_bool (kf, "on-highlight", &c->on_highlight, error)
      || !get_bool (kf, "footprints", &c->footprints, error))
    goto fail;
  v = c->max_cutouts;
  if (!get_uint (kf, "max-cutouts", 100, &v, error))
    goto fail;
  c->max_cutouts = (guint) v;
  v = c->max_rows;
  if (!get_uint (kf, "max-rows", G_MAXINT, &v, error))
    goto fail;
  c->max_rows = (guint) v;
  v = c->max_selection;
  if (!get_uint (kf, "max-selection", 1000, &v, error))
    goto fail;
  c->max_selection = (guint) v;
  v = c->cache_max_bytes / (1024 * 1024);
  if (!get_uint (kf, "cache-max-mb", 1024 * 1024, &v, error))
    goto fail;
  c->cache_max_bytes = v * 1024 * 1024;
  v = c->viewer_timeout_s;
  if (!get_uint (kf, "viewer-timeout", 3600, &v, error))
    goto fail;
  c->viewer_timeout_s = v > 0 ? (guint) v : 1;
  frames = g_key_file_get_string (kf, "listen", "viewer-frames", NULL);
  if (frames && !cs_bridge_config_parse_viewer_frames (g_strstrip (frames), &c->viewer_frames_reuse,
                                                       error))
    goto fail;
  hub = g_key_file_get_string (kf, "listen", "hub", NULL);
  if (hub && !cs_bridge_config_parse_hub_mode (g_strstrip (hub), &c->hub_mode, error))
    goto fail;
  return TRUE;

fail:
  g_prefix_error (error, "%s: ", path);
  return FALSE;
}

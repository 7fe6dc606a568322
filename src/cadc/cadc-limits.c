/* cadc-limits.c: reading [limits] from the config file (see cadc-limits.h)
 * and handing each value to the module it caps (vo-fits), or keeping it
 * for the callers that ask (max-peer-file). */
#include "config.h"

#include "cadc-limits.h"

#include <string.h>

#include "cadc-config.h"
#include "vo-fits.h"

#define DEFAULT_MAX_PEER_FILE ((guint64) 4 << 30)
static guint64 max_peer_file = DEFAULT_MAX_PEER_FILE;

guint64
cadc_limits_get_max_peer_file (void)
{
  return max_peer_file;
}

gboolean
cadc_limits_parse_size (const char *text, guint64 *bytes)
{
  static const char units[] = "KMGT";
  const char *p;
  char *end;
  guint64 n, mult = 1;

  if (text == NULL)
    return FALSE;
  while (g_ascii_isspace (*text))
    text++;
  if (!g_ascii_isdigit (*text))
    return FALSE;
  n = g_ascii_strtoull (text, &end, 10);
  p = end;
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0')
    {
      const char *u = strchr (units, g_ascii_toupper (*p));
      if (u == NULL)
        return FALSE;
      mult = (guint64) 1 << (10 * (u - units + 1));
      p++;
      if (g_ascii_strcasecmp (p, "iB") == 0 || g_ascii_strcasecmp (p, "B") == 0)
        p += strlen (p);
      while (g_ascii_isspace (*p))
        p++;
      if (*p != '\0')
        return FALSE;
    }
  if (n == 0 || n > G_MAXUINT64 / mult)
    return FALSE;
  *bytes = n * mult;
  return TRUE;
}

/* @key of [limits] as a size, or FALSE (a bad value is warned about). */
static gboolean
size_key (GKeyFile *kf, const char *path, const char *key, guint64 current, guint64 *bytes)
{
  g_autofree char *v = g_key_file_get_string (kf, "limits", key, NULL);

  if (v == NULL)
    return FALSE;
  if (cadc_limits_parse_size (v, bytes))
    return TRUE;
  g_warning ("%s: [limits] %s=%s is not a size such as 4G; keeping %" G_GUINT64_FORMAT " bytes",
             path, key, v, current);
  return FALSE;
}

void
cadc_limits_load (const char *path)
{
  g_autofree char *def = NULL;
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_auto(GStrv) keys = NULL;
  guint64 bytes;

  if (path == NULL)
    path = def = cadc_config_default_path ();
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL)
      || !g_key_file_has_group (kf, "limits"))
    return;   /* a malformed file is reported by the commands that need it */
  keys = g_key_file_get_keys (kf, "limits", NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    if (strcmp (keys[i], "max-unpacked-fits") != 0 && strcmp (keys[i], "max-peer-file") != 0)
      g_warning ("%s: unknown key \"%s\" in [limits] ignored", path, keys[i]);
  if (size_key (kf, path, "max-unpacked-fits", vo_fits_get_max_unpacked (), &bytes))
    vo_fits_set_max_unpacked (bytes);
  if (size_key (kf, path, "max-peer-file", max_peer_file, &bytes))
    max_peer_file = bytes;
}

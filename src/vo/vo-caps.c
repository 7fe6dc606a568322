/* vo-caps.c: registry list and VOSI capabilities; access-URL choice.
 *
 * The registry is line-oriented text, parsed by hand.  Capabilities are
 * read through vo-xmlutil (no network, no entities) and kept as a small
 * tree of capabilities -> interfaces -> security methods.  The choosing
 * rules reproduce astroquery (first anonymous-or-cookie interface),
 * cadcutils (security-method preference) and pyvo's per-URL credential
 * map (exact "full" match, else longest "base" prefix).
 */
#include "config.h"

#include "vo-caps.h"
#include "vo-error.h"
#include "vo-xmlutil.h"

#include <string.h>

/* ---- registry --------------------------------------------------------- */

void
vo_registry_free (VoRegistry *reg)
{
  if (reg == NULL)
    return;
  g_ptr_array_unref (reg->resource_ids);
  g_hash_table_unref (reg->caps_urls);
  g_free (reg);
}

VoRegistry *
vo_registry_parse (const char *text, gsize len, GError **error)
{
  g_return_val_if_fail (text != NULL || len == 0, NULL);

  g_autoptr (VoRegistry) reg = g_new0 (VoRegistry, 1);
  reg->resource_ids = g_ptr_array_new_with_free_func (g_free);
  reg->caps_urls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_autofree char *copy = g_strndup (text, len);
  if (strlen (copy) != len)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                   "Registry list contains a NUL byte");
      return NULL;
    }
  g_auto (GStrv) lines = g_strsplit (copy, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);      /* also drops the CR */
      if (*line == '\0' || *line == '#')
        continue;
      char *eq = strchr (line, '=');
      if (eq == NULL)
        {
          g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                       "Registry list line %u has no '=': %s", i + 1, line);
          return NULL;
        }
      *eq = '\0';
      char *key = g_strstrip (line);
      char *value = g_strstrip (eq + 1);
      if (*key == '\0' || *value == '\0')
        {
          g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                       "Registry list line %u has an empty %s", i + 1,
                       *key == '\0' ? "resource ID" : "capabilities URL");
          return NULL;
        }
      if (!g_hash_table_contains (reg->caps_urls, key))
        g_ptr_array_add (reg->resource_ids, g_strdup (key));
      g_hash_table_replace (reg->caps_urls, g_strdup (key), g_strdup (value));
    }
  return g_steal_pointer (&reg);
}

char *
vo_registry_resource_id (const char *service)
{
  g_return_val_if_fail (service != NULL, NULL);
  if (g_str_has_prefix (service, "ivo"))
    return g_strdup (service);
  return g_strconcat (VO_CADC_IVO_PREFIX, service, NULL);
}

char *
vo_registry_lookup (const VoRegistry *reg, const char *service, GError **error)
{
  g_return_val_if_fail (reg != NULL && service != NULL, NULL);

  if (g_str_has_prefix (service, "http"))
    return g_strdup (service);
  g_autofree char *id = vo_registry_resource_id (service);
  const char *url = g_hash_table_lookup (reg->caps_urls, id);
  if (url == NULL)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
                   "Cannot find the capabilities of service %s", service);
      return NULL;
    }
  return g_strdup (url);
}

/* ---- capabilities parsing --------------------------------------------- */

static void
interface_free (VoInterface *iface)
{
  g_free (iface->access_url);
  g_free (iface->use);
  g_free (iface->role);
  g_free (iface->version);
  g_ptr_array_unref (iface->security_methods);
  g_free (iface);
}

static void
capability_free (VoCapability *cap)
{
  g_free (cap->standard_id);
  g_ptr_array_unref (cap->interfaces);
  g_free (cap);
}

void
vo_caps_free (VoCapabilities *caps)
{
  if (caps == NULL)
    return;
  g_ptr_array_unref (caps->capabilities);
  g_free (caps);
}

VoCapabilities *
vo_caps_parse (const char *data, gsize len, GError **error)
{
  g_autoptr (VoXmlDoc) doc = vo_xmlutil_read (data, len, "capabilities document", error);
  if (doc == NULL)
    return NULL;
  xmlNode *root = xmlDocGetRootElement (doc);
  if (!vo_xmlutil_is (root, "capabilities"))
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                   "Not a VOSI capabilities document (root element <%s>)",
                   (const char *) root->name);
      return NULL;
    }

  VoCapabilities *caps = g_new0 (VoCapabilities, 1);
  caps->capabilities = g_ptr_array_new_with_free_func ((GDestroyNotify) capability_free);
  for (xmlNode *c = vo_xmlutil_child (root, "capability"); c;
       c = vo_xmlutil_next (c, "capability"))
    {
      VoCapability *cap = g_new0 (VoCapability, 1);
      cap->standard_id = vo_xmlutil_attr (c, "standardID");
      if (cap->standard_id)
        g_strstrip (cap->standard_id);
      cap->interfaces = g_ptr_array_new_with_free_func ((GDestroyNotify) interface_free);
      g_ptr_array_add (caps->capabilities, cap);

      for (xmlNode *i = vo_xmlutil_child (c, "interface"); i;
           i = vo_xmlutil_next (i, "interface"))
        {
          xmlNode *au = vo_xmlutil_child (i, "accessURL");
          g_autofree char *url = vo_xmlutil_text (au, TRUE);
          if (url == NULL)
            continue;               /* an interface without URL is useless */
          VoInterface *iface = g_new0 (VoInterface, 1);
          iface->access_url = g_steal_pointer (&url);
          iface->use = vo_xmlutil_attr (au, "use");
          iface->role = vo_xmlutil_attr (i, "role");
          iface->version = vo_xmlutil_attr (i, "version");
          iface->security_methods = g_ptr_array_new_with_free_func (g_free);
          for (xmlNode *s = vo_xmlutil_child (i, "securityMethod"); s;
               s = vo_xmlutil_next (s, "securityMethod"))
            {
              char *m = vo_xmlutil_attr (s, "standardID");
              if (m)
                g_strstrip (m);
              if (m == NULL || *m == '\0')
                {
                  g_free (m);
                  m = g_strdup (VO_SECURITY_ANONYMOUS);
                }
              g_ptr_array_add (iface->security_methods, m);
            }
          g_ptr_array_add (cap->interfaces, iface);
        }
    }
  return caps;
}

const VoCapability *
vo_caps_find (const VoCapabilities *caps, const char *standard_id)
{
  g_return_val_if_fail (caps != NULL && standard_id != NULL, NULL);
  for (guint i = 0; i < caps->capabilities->len; i++)
    {
      const VoCapability *cap = caps->capabilities->pdata[i];
      if (g_strcmp0 (cap->standard_id, standard_id) == 0)
        return cap;
    }
  return NULL;
}

/* ---- choosing --------------------------------------------------------- */

static gboolean
iface_has_method (const VoInterface *iface, const char *method)
{
  for (guint i = 0; i < iface->security_methods->len; i++)
    if (strcmp (iface->security_methods->pdata[i], method) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
iface_is_anonymous (const VoInterface *iface)
{
  return iface->security_methods->len == 0
         || iface_has_method (iface, VO_SECURITY_ANONYMOUS);
}

static char *
astroquery_rule (const VoCapability *cap)
{
  if (cap->interfaces->len == 1)
    return g_strdup (((VoInterface *) cap->interfaces->pdata[0])->access_url);
  for (guint i = 0; i < cap->interfaces->len; i++)
    {
      const VoInterface *iface = cap->interfaces->pdata[i];
      if (iface->security_methods->len == 0)
        return g_strdup (iface->access_url);
      const char *first = iface->security_methods->pdata[0];
      if (strcmp (first, VO_SECURITY_ANONYMOUS) == 0
          || strcmp (first, VO_SECURITY_COOKIE) == 0)
        return g_strdup (iface->access_url);
    }
  return NULL;
}

char *
vo_caps_access_url (const VoCapabilities *caps, const char *standard_id,
                    GError **error)
{
  const VoCapability *cap = vo_caps_find (caps, standard_id);
  char *url = cap ? astroquery_rule (cap) : NULL;
  if (url == NULL)
    g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
                 "ERROR - capability %s not found or not working with "
                 "anonymous or cookie access", standard_id);
  return url;
}

static const VoInterface *
pick_https (const VoInterface *a, const VoInterface *b)
{
  if (a == NULL)
    return b;
  if (!g_str_has_prefix (a->access_url, "https:")
      && g_str_has_prefix (b->access_url, "https:"))
    return b;
  return a;
}

char *
vo_caps_access_url_for_methods (const VoCapabilities *caps,
                                const char *standard_id,
                                const char *const *methods,
                                const char **chosen_method,
                                GError **error)
{
  const VoCapability *cap = vo_caps_find (caps, standard_id);
  if (cap == NULL)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
                   "Capability %s not found", standard_id);
      return NULL;
    }
  for (gsize m = 0; methods != NULL && methods[m] != NULL; m++)
    {
      const VoInterface *best = NULL;
      for (guint i = 0; i < cap->interfaces->len; i++)
        if (iface_has_method (cap->interfaces->pdata[i], methods[m]))
          best = pick_https (best, cap->interfaces->pdata[i]);
      if (best != NULL)
        {
          if (chosen_method)
            *chosen_method = methods[m];
          return g_strdup (best->access_url);
        }
    }
  const VoInterface *anon = NULL;
  for (guint i = 0; i < cap->interfaces->len; i++)
    if (iface_is_anonymous (cap->interfaces->pdata[i]))
      anon = pick_https (anon, cap->interfaces->pdata[i]);
  if (anon != NULL)
    {
      if (chosen_method)
        *chosen_method = VO_SECURITY_ANONYMOUS;
      return g_strdup (anon->access_url);
    }
  g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
               "Service %s does not support anonymous access. "
               "Please authenticate first", standard_id);
  return NULL;
}

char *
vo_caps_datalink_url (const VoCapabilities *caps, GError **error)
{
  const VoCapability *cap = vo_caps_find (caps, VO_STD_DATALINK_11);
  char *url = cap ? astroquery_rule (cap) : NULL;
  if (url == NULL)
    {
      cap = vo_caps_find (caps, VO_STD_DATALINK_10);
      url = cap ? astroquery_rule (cap) : NULL;
    }
  if (url == NULL)
    g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
                 "No DataLink capability (%s or %s) with anonymous or "
                 "cookie access", VO_STD_DATALINK_11, VO_STD_DATALINK_10);
  return url;
}

static void
add_methods (GPtrArray *out, const VoInterface *iface)
{
  if (iface->security_methods->len == 0)
    {
      g_ptr_array_add (out, g_strdup (VO_SECURITY_ANONYMOUS));
      return;
    }
  for (guint i = 0; i < iface->security_methods->len; i++)
    {
      const char *m = iface->security_methods->pdata[i];
      gboolean seen = FALSE;
      for (guint j = 0; j < out->len && !seen; j++)
        seen = strcmp (out->pdata[j], m) == 0;
      if (!seen)
        g_ptr_array_add (out, g_strdup (m));
    }
}

/* @url split for matching: "scheme://host[:port]" lower-cased and the
 * path without query, fragment, duplicate or trailing slashes.  FALSE for
 * a URL without "scheme://". */
static gboolean
url_parts (const char *url, char **origin, char **path)
{
  g_autofree char *norm = vo_url_normalize (url);
  const char *sep = strstr (norm, "://");
  gsize ol, pl;

  if (sep == NULL)
    return FALSE;
  ol = (gsize) (sep + 3 - norm) + strcspn (sep + 3, "/?#");
  pl = strcspn (norm + ol, "?#");
  while (pl > 0 && norm[ol + pl - 1] == '/')
    pl--;
  *origin = g_ascii_strdown (norm, (gssize) ol);
  *path = g_strndup (norm + ol, pl);
  return TRUE;
}

char **
vo_caps_security_methods_match (const VoCapabilities *caps, const char *standard_id,
                                const char *url, gsize *rank)
{
  g_return_val_if_fail (caps != NULL && url != NULL, NULL);

  g_autofree char *origin = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) exact = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) prefix = g_ptr_array_new_with_free_func (g_free);
  gboolean any_prefix = FALSE;
  gsize best_len = 0;

  if (rank != NULL)
    *rank = 0;
  if (!url_parts (url, &origin, &path))
    return NULL;
  for (guint c = 0; c < caps->capabilities->len; c++)
    {
      const VoCapability *cap = caps->capabilities->pdata[c];
      if (standard_id != NULL && g_strcmp0 (cap->standard_id, standard_id) != 0)
        continue;
      for (guint i = 0; i < cap->interfaces->len; i++)
        {
          const VoInterface *iface = cap->interfaces->pdata[i];
          g_autofree char *ao = NULL;
          g_autofree char *ap = NULL;
          gsize l;

          if (!url_parts (iface->access_url, &ao, &ap) || strcmp (ao, origin) != 0)
            continue;
          /* full: this very endpoint, whatever the query (DataLink's ?ID=) */
          if (g_strcmp0 (iface->use, "full") == 0)
            {
              if (strcmp (ap, path) == 0)
                add_methods (exact, iface);
              continue;
            }
          /* base (or no use): the endpoint and anything below it; dir: a
           * directory and the files in it -- both whole path segments */
          l = strlen (ap);
          if (strncmp (path, ap, l) != 0 || (path[l] != '\0' && path[l] != '/'))
            continue;
          l += strlen (ao);
          if (!any_prefix || l > best_len)
            {
              g_ptr_array_set_size (prefix, 0);
              best_len = l;
              any_prefix = TRUE;
            }
          if (l == best_len)
            add_methods (prefix, iface);
        }
    }

  GPtrArray *chosen = exact->len ? exact : any_prefix ? prefix : NULL;
  if (rank != NULL)
    *rank = exact->len ? G_MAXSIZE : any_prefix ? best_len : 0;
  if (chosen == NULL)
    return NULL;
  g_ptr_array_add (chosen, NULL);
  return (char **) g_ptr_array_steal (chosen, NULL);
}

char **
vo_caps_security_methods_for_url (const VoCapabilities *caps, const char *url)
{
  char **m = vo_caps_security_methods_match (caps, NULL, url, NULL);

  if (m == NULL)
    {
      m = g_new0 (char *, 2);
      m[0] = g_strdup (VO_SECURITY_ANONYMOUS);
    }
  return m;
}

/* ---- URLs ------------------------------------------------------------- */

char *
vo_url_normalize (const char *url)
{
  g_return_val_if_fail (url != NULL, NULL);

  const char *scheme_end = strstr (url, "://");
  const char *path = scheme_end ? strchr (scheme_end + 3, '/') : url;
  if (path == NULL)
    return g_strdup (url);
  GString *s = g_string_new_len (url, path - url);
  gboolean in_query = FALSE;
  for (const char *p = path; *p; p++)
    {
      if (*p == '?' || *p == '#')
        in_query = TRUE;
      if (!in_query && *p == '/' && s->len > 0 && s->str[s->len - 1] == '/'
          && p != path)
        continue;
      g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}

char *
vo_url_tap_base (const char *capabilities_url)
{
  g_return_val_if_fail (capabilities_url != NULL, NULL);

  g_autofree char *norm = vo_url_normalize (capabilities_url);
  gsize l = strlen (norm);
  while (l > 0 && norm[l - 1] == '/')
    l--;
  static const char suffix[] = "/capabilities";
  gsize sl = sizeof suffix - 1;
  if (l >= sl && strncmp (norm + l - sl, suffix, sl) == 0)
    l -= sl;
  while (l > 0 && norm[l - 1] == '/')
    l--;
  return g_strndup (norm, l);
}

/* samp-value.c: SAMP values (string / list / map) as GVariants.
 *
 * Builders, readers, the strict type check, number formatting/parsing
 * and message/response maps.  Everything here is pure data code: no I/O,
 * no main loop, no xmlrpc-c (that is samp-xmlrpc.c's job).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "samp-error.h"
#include "samp-value.h"

gboolean
samp_value_check (GVariant *value, GError **error)
{
  GVariantIter iter;
  GVariant *child;
  const char *key;

  if (value == NULL)
    {
      g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "missing SAMP value");
      return FALSE;
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return TRUE;
  if (g_variant_is_of_type (value, SAMP_TYPE_LIST))
    {
      g_variant_iter_init (&iter, value);
      while (g_variant_iter_next (&iter, "v", &child))
        {
          gboolean ok = samp_value_check (child, error);
          g_variant_unref (child);
          if (!ok)
            return FALSE;
        }
      return TRUE;
    }
  if (g_variant_is_of_type (value, SAMP_TYPE_MAP))
    {
      g_variant_iter_init (&iter, value);
      while (g_variant_iter_next (&iter, "{&sv}", &key, &child))
        {
          gboolean ok = samp_value_check (child, error);
          g_variant_unref (child);
          if (!ok)
            {
              g_prefix_error (error, "in map key \"%s\": ", key);
              return FALSE;
            }
        }
      return TRUE;
    }
  g_set_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL,
               "not a SAMP value (GVariant type %s; SAMP has only strings, lists and maps)",
               g_variant_get_type_string (value));
  return FALSE;
}

GVariant *
samp_string_new (const char *s)
{
  return g_variant_ref_sink (g_variant_new_string (s ? s : ""));
}

char *
samp_text_to_ascii (const char *text)
{
  char *s;

  if (text == NULL)
    return g_strdup ("");
  s = g_utf8_validate (text, -1, NULL) ? g_str_to_ascii (text, "C") : g_strdup (text);
  for (char *p = s; *p; p++)
    if ((guchar) *p >= 0x80 || ((guchar) *p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r'))
      *p = '?';
  return s;
}

GVariant *
samp_map_new_empty (void)
{
  return g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
}

GVariant *
samp_map_new_va (const char *first_key, ...)
{
  GVariantBuilder b;
  va_list ap;

  g_variant_builder_init (&b, SAMP_TYPE_MAP);
  va_start (ap, first_key);
  for (const char *key = first_key; key != NULL; key = va_arg (ap, const char *))
    {
      GVariant *v = va_arg (ap, GVariant *);
      if (v == NULL)
        continue;
      g_variant_take_ref (v);
      g_variant_builder_add (&b, "{sv}", key, v);
      g_variant_unref (v);
    }
  va_end (ap);
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

GVariant *
samp_map_new_strings (const char *first_key, ...)
{
  GVariantBuilder b;
  va_list ap;

  g_variant_builder_init (&b, SAMP_TYPE_MAP);
  va_start (ap, first_key);
  for (const char *key = first_key; key != NULL; key = va_arg (ap, const char *))
    {
      const char *v = va_arg (ap, const char *);
      if (v != NULL)
        g_variant_builder_add (&b, "{sv}", key, g_variant_new_string (v));
    }
  va_end (ap);
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

GVariant *
samp_list_new_strv (const char *const *strv)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, SAMP_TYPE_LIST);
  for (gsize i = 0; strv != NULL && strv[i] != NULL; i++)
    g_variant_builder_add (&b, "v", g_variant_new_string (strv[i]));
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

/* The value of @map's first entry @key, unboxed.  Entry by entry, not
 * g_variant_lookup_value: a map just parsed from XML-RPC is a tree, and
 * GLib's lookup (and the "&s" borrowing of g_variant_lookup) made
 * libsamp pay several k instructions for each key of each delivered
 * message.  Returns: (transfer full) (nullable) */
static GVariant *
map_lookup_value (GVariant *map, const char *key)
{
  gsize n;

  if (map == NULL || !g_variant_is_of_type (map, SAMP_TYPE_MAP))
    return NULL;
  n = g_variant_n_children (map);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GVariant) entry = g_variant_get_child_value (map, i);
      g_autoptr(GVariant) k = g_variant_get_child_value (entry, 0);
      if (strcmp (g_variant_get_string (k, NULL), key) == 0)
        {
          g_autoptr(GVariant) boxed = g_variant_get_child_value (entry, 1);
          return g_variant_get_variant (boxed);
        }
    }
  return NULL;
}

GVariant *
samp_map_lookup (GVariant *map, const char *key)
{
  return map_lookup_value (map, key);
}

const char *
samp_map_lookup_string (GVariant *map, const char *key)
{
  g_autoptr(GVariant) v = map_lookup_value (map, key);

  /* borrowed: the string's data is the map's (a tree keeps its children,
   * a serialised map its bytes) */
  if (v == NULL || !g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
    return NULL;
  return g_variant_get_string (v, NULL);
}

GVariant *
samp_map_lookup_map (GVariant *map, const char *key)
{
  GVariant *v = map_lookup_value (map, key);

  if (v != NULL && !g_variant_is_of_type (v, SAMP_TYPE_MAP))
    g_clear_pointer (&v, g_variant_unref);
  return v;
}

char **
samp_list_dup_strv (GVariant *list)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  GVariantIter iter;
  GVariant *child;

  if (list != NULL && g_variant_is_of_type (list, SAMP_TYPE_LIST))
    {
      g_variant_iter_init (&iter, list);
      while (g_variant_iter_next (&iter, "v", &child))
        {
          if (g_variant_is_of_type (child, G_VARIANT_TYPE_STRING))
            g_ptr_array_add (out, g_variant_dup_string (child, NULL));
          g_variant_unref (child);
        }
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

/* ---------------------------------------------------------------- numbers */

char *
samp_format_float (double x)
{
  static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (x))
    return g_strdup ("NaN");
  if (isinf (x))
    return g_strdup (x > 0 ? "Infinity" : "-Infinity");
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, sizeof buf, formats[i], x);
      if (g_ascii_strtod (buf, NULL) == x)
        break;
    }
  return g_strdup (buf);
}

char *
samp_format_int (gint64 x)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, x);
}

gboolean
samp_parse_float (const char *s, double *out, GError **error)
{
  g_autofree char *t = NULL;
  char *end = NULL;
  double v;

  if (s == NULL)
    {
      g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "missing SAMP float");
      return FALSE;
    }
  t = g_strstrip (g_strdup (s));
  if (g_ascii_strcasecmp (t, "nan") == 0)
    v = NAN;
  else if (g_ascii_strcasecmp (t, "infinity") == 0 || g_ascii_strcasecmp (t, "+infinity") == 0
           || g_ascii_strcasecmp (t, "inf") == 0)
    v = INFINITY;
  else if (g_ascii_strcasecmp (t, "-infinity") == 0 || g_ascii_strcasecmp (t, "-inf") == 0)
    v = -INFINITY;
  else
    {
      /* refuse hex floats and the like: digits, sign, point, exponent only */
      if (*t == '\0' || strspn (t, "0123456789+-.eE") != strlen (t))
        goto bad;
      errno = 0;
      v = g_ascii_strtod (t, &end);
      if (end == t || *end != '\0' || (errno == ERANGE && isinf (v)))
        goto bad;
    }
  *out = v;
  return TRUE;
bad:
  g_set_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "\"%s\" is not a SAMP float", s);
  return FALSE;
}

gboolean
samp_parse_int (const char *s, gint64 *out, GError **error)
{
  g_autofree char *t = NULL;
  const char *p;
  char *end = NULL;
  gint64 v;

  if (s == NULL)
    {
      g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "missing SAMP int");
      return FALSE;
    }
  t = g_strstrip (g_strdup (s));
  p = t;
  if (*p == '+' || *p == '-')
    p++;
  if (*p == '\0' || strspn (p, "0123456789") != strlen (p))
    goto bad;
  errno = 0;
  v = g_ascii_strtoll (t, &end, 10);
  if (errno == ERANGE || *end != '\0')
    goto bad;
  *out = v;
  return TRUE;
bad:
  g_set_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "\"%s\" is not a SAMP int", s);
  return FALSE;
}

gboolean
samp_parse_bool (const char *s, gboolean *out, GError **error)
{
  gint64 v;

  if (s != NULL)
    {
      g_autofree char *t = g_strstrip (g_strdup (s));
      if (g_ascii_strcasecmp (t, "true") == 0)
        return (*out = TRUE, TRUE);
      if (g_ascii_strcasecmp (t, "false") == 0)
        return (*out = FALSE, TRUE);
    }
  if (!samp_parse_int (s, &v, NULL))
    {
      g_set_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "\"%s\" is not a SAMP boolean",
                   s ? s : "(null)");
      return FALSE;
    }
  *out = v != 0;
  return TRUE;
}

/* ---------------------------------------------------------- messages */

GVariant *
samp_message_new (const char *mtype, GVariant *params)
{
  g_autoptr(GVariant) p = params ? g_variant_take_ref (params) : samp_map_new_empty ();

  return samp_map_new_va ("samp.mtype", g_variant_new_string (mtype), "samp.params", g_steal_pointer (&p), NULL);
}

GVariant *
samp_response_new_ok (GVariant *result)
{
  g_autoptr(GVariant) r = result ? g_variant_take_ref (result) : samp_map_new_empty ();

  return samp_map_new_va ("samp.status", g_variant_new_string ("samp.ok"),
                          "samp.result", g_steal_pointer (&r), NULL);
}

GVariant *
samp_response_new_error (const char *errortxt)
{
  g_autofree char *text = samp_text_to_ascii (errortxt ? errortxt : "error");
  g_autoptr(GVariant) e = samp_map_new_strings ("samp.errortxt", text, NULL);

  return samp_map_new_va ("samp.status", g_variant_new_string ("samp.error"),
                          "samp.error", g_steal_pointer (&e), NULL);
}

GVariant *
samp_response_new_warning (GVariant *result, const char *errortxt)
{
  g_autoptr(GVariant) r = result ? g_variant_take_ref (result) : samp_map_new_empty ();
  g_autofree char *text = samp_text_to_ascii (errortxt ? errortxt : "warning");
  g_autoptr(GVariant) e = samp_map_new_strings ("samp.errortxt", text, NULL);

  return samp_map_new_va ("samp.status", g_variant_new_string ("samp.warning"),
                          "samp.result", g_steal_pointer (&r), "samp.error", g_steal_pointer (&e), NULL);
}

const char *
samp_response_get_status (GVariant *response)
{
  return samp_map_lookup_string (response, "samp.status");
}

gboolean
samp_response_is_ok (GVariant *response)
{
  const char *st = samp_response_get_status (response);

  return st != NULL && strcmp (st, "samp.ok") == 0;
}

GVariant *
samp_response_get_result (GVariant *response)
{
  return samp_map_lookup_map (response, "samp.result");
}

const char *
samp_response_get_errortxt (GVariant *response)
{
  g_autoptr(GVariant) err = samp_map_lookup_map (response, "samp.error");
  const char *txt;

  if (err == NULL)
    return NULL;
  /* children of a GVariant (serialised or built) are kept alive by
   * their parent, so the string stays valid as long as @response */
  txt = samp_map_lookup_string (err, "samp.errortxt");
  return txt;
}

gboolean
samp_response_check (GVariant *response, GError **error)
{
  const char *st = samp_response_get_status (response);

  if (st == NULL)
    {
      g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL,
                           "response is not a map with samp.status");
      return FALSE;
    }
  if (strcmp (st, "samp.ok") == 0 || strcmp (st, "samp.warning") == 0)
    return TRUE;
  if (strcmp (st, "samp.error") == 0)
    {
      const char *txt = samp_response_get_errortxt (response);
      g_set_error (error, SAMP_ERROR, SAMP_ERROR_FAILED, "%s",
                   txt ? txt : "samp.error without samp.errortxt");
      return FALSE;
    }
  g_set_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "unknown samp.status \"%s\"", st);
  return FALSE;
}

/* ---------------------------------------------------------------- JSON */

static void
json_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

static void
json_value (GString *out, GVariant *v)
{
  GVariantIter iter;
  GVariant *child;
  const char *key;
  gboolean first = TRUE;

  if (g_variant_is_of_type (v, G_VARIANT_TYPE_VARIANT))
    {
      g_autoptr(GVariant) inner = g_variant_get_variant (v);
      json_value (out, inner);
    }
  else if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
    json_string (out, g_variant_get_string (v, NULL));
  else if (g_variant_is_of_type (v, SAMP_TYPE_MAP))
    {
      g_string_append_c (out, '{');
      g_variant_iter_init (&iter, v);
      while (g_variant_iter_next (&iter, "{&sv}", &key, &child))
        {
          if (!first)
            g_string_append (out, ", ");
          first = FALSE;
          json_string (out, key);
          g_string_append (out, ": ");
          json_value (out, child);
          g_variant_unref (child);
        }
      g_string_append_c (out, '}');
    }
  else if (g_variant_is_of_type (v, SAMP_TYPE_LIST))
    {
      g_string_append_c (out, '[');
      g_variant_iter_init (&iter, v);
      while (g_variant_iter_next (&iter, "v", &child))
        {
          if (!first)
            g_string_append (out, ", ");
          first = FALSE;
          json_value (out, child);
          g_variant_unref (child);
        }
      g_string_append_c (out, ']');
    }
  else
    g_string_append (out, "null");
}

char *
samp_value_to_json (GVariant *value)
{
  GString *out = g_string_new (NULL);

  if (value == NULL)
    g_string_append (out, "null");
  else
    json_value (out, value);
  return g_string_free (out, FALSE);
}

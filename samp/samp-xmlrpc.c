/* samp-xmlrpc.c: SAMP values <-> XML-RPC documents, the one user of xmlrpc-c.
 *
 * xmlrpc-c provides the value model, serializer and parser; this file
 * converts between its xmlrpc_value and our GVariants and between its
 * xmlrpc_env and GError.  Output is strictly string/array/struct.  Input
 * is lenient by default (scalars become strings); in strict mode (the
 * hub's) the first value of another XML-RPC type is refused, named by its
 * path.  The check runs on the parsed values, so a string whose text is
 * "<int>" (escaped or in CDATA) is just a string.  No document reaches
 * xmlrpc-c before samp-xmlguard (libxml2) has parsed it: documents larger
 * than SAMP_XMLRPC_MAX_SIZE, not in UTF-8, with a DOCTYPE (so with
 * entities), or nested deeper than SAMP_XMLRPC_MAX_DEPTH never get there.
 * Non-UTF-8 bytes in incoming strings are replaced (GVariant strings are
 * UTF-8), never trusted.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <xmlrpc-c/base.h>

#include "samp-error.h"
#include "samp-value.h"
#include "samp-xmlguard.h"
#include "samp-xmlrpc.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlrpc_value, xmlrpc_DECREF)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (xmlrpc_env, xmlrpc_env_clean)

/* xmlrpc-c keeps its limits in process-wide variables; set ours once. */
static void
ensure_limits (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      xmlrpc_limit_set (XMLRPC_XML_SIZE_LIMIT_ID, SAMP_XMLRPC_MAX_SIZE);
      /* its own value nesting limit (64, counting the params list) is
       * checked only after its recursive tree is built: samp-xmlguard
       * checks ours before; this one must not be the tighter */
      xmlrpc_limit_set (XMLRPC_NESTING_LIMIT_ID, SAMP_XMLRPC_MAX_DEPTH + 2);
      g_once_init_leave (&once, 1);
    }
}

static gboolean
env_to_error (xmlrpc_env *env, GError **error, const char *what)
{
  if (!env->fault_occurred)
    return TRUE;
  g_set_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "%s: %s", what,
               env->fault_string ? env->fault_string : "XML-RPC error");
  return FALSE;
}

/* ------------------------------------------------------- xmlrpc → GVariant */

static GVariant *
utf8_string (const char *s, gsize len)
{
  if (g_utf8_validate_len (s, len, NULL) && memchr (s, '\0', len) == NULL)
    return g_variant_new_string (s);
  {
    g_autofree char *valid = g_utf8_make_valid (s, len);
    /* embedded NULs are cut: SAMP strings cannot carry them */
    return g_variant_new_string (valid);
  }
}

/* Where a value sits in the document, as a chain from the value up to
 * the root; formatted only when strict mode refuses a value. */
typedef struct _ValuePath ValuePath;
struct _ValuePath {
  const ValuePath *up;
  const char *root;         /* set on the root only: "params", "result" */
  const char *key;          /* struct member name, or NULL for an index */
  int index;
};

static void
path_append (GString *out, const ValuePath *p)
{
  if (p->up != NULL)
    path_append (out, p->up);
  if (p->root != NULL)
    g_string_append (out, p->root);
  else if (p->key != NULL)
    {
      g_string_append (out, "['");
      for (const char *c = p->key; *c; c++)
        {
          if (*c == '\'' || *c == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *c);
        }
      g_string_append (out, "']");
    }
  else
    g_string_append_printf (out, "[%d]", p->index);
}

/* Fault code of a strict-mode refusal (not one xmlrpc-c uses itself). */
#define NOT_SAMP_FAULT (-32099)

/* The XML-RPC element that gives a value of type @t, with its article. */
static const char *
type_element (xmlrpc_type t)
{
  switch (t)
    {
    case XMLRPC_TYPE_INT: return "an <int>";          /* also <i4> */
    case XMLRPC_TYPE_I8: return "an <i8>";
    case XMLRPC_TYPE_BOOL: return "a <boolean>";
    case XMLRPC_TYPE_DOUBLE: return "a <double>";
    case XMLRPC_TYPE_DATETIME: return "a <dateTime.iso8601>";
    case XMLRPC_TYPE_BASE64: return "a <base64>";
    case XMLRPC_TYPE_NIL: return "a <nil>";
    default: return "a value of a non-SAMP type";
    }
}

static GVariant *
from_xmlrpc (xmlrpc_env *env, xmlrpc_value *x, gboolean strict, const ValuePath *path)
{
  xmlrpc_type type = xmlrpc_value_type (x);

  if (strict && type != XMLRPC_TYPE_STRING && type != XMLRPC_TYPE_ARRAY
      && type != XMLRPC_TYPE_STRUCT)
    {
      g_autoptr(GString) where = g_string_new (NULL);
      path_append (where, path);
      xmlrpc_env_set_fault_formatted (env, NOT_SAMP_FAULT,
                                      "%s is %s: not a SAMP type (string, list or map only)",
                                      where->str, type_element (type));
      return NULL;
    }
  switch (type)
    {
    case XMLRPC_TYPE_STRING:
      {
        const char *s = NULL;
        size_t len = 0;
        GVariant *v;
        xmlrpc_read_string_lp (env, x, &len, &s);
        if (env->fault_occurred)
          return NULL;
        v = utf8_string (s, len);
        free ((void *) s);
        return v;
      }
    case XMLRPC_TYPE_INT:
      {
        int i = 0;
        xmlrpc_read_int (env, x, &i);
        return env->fault_occurred ? NULL : g_variant_new_take_string (g_strdup_printf ("%d", i));
      }
    case XMLRPC_TYPE_I8:
      {
        xmlrpc_int64 i = 0;
        xmlrpc_read_i8 (env, x, &i);
        return env->fault_occurred ? NULL : g_variant_new_take_string (samp_format_int (i));
      }
    case XMLRPC_TYPE_BOOL:
      {
        xmlrpc_bool b = 0;
        xmlrpc_read_bool (env, x, &b);
        return env->fault_occurred ? NULL : g_variant_new_string (b ? "1" : "0");
      }
    case XMLRPC_TYPE_DOUBLE:
      {
        double d = 0;
        xmlrpc_read_double (env, x, &d);
        return env->fault_occurred ? NULL : g_variant_new_take_string (samp_format_float (d));
      }
    case XMLRPC_TYPE_DATETIME:
      {
        const char *s = NULL;
        GVariant *v;
        xmlrpc_read_datetime_str (env, x, &s);
        if (env->fault_occurred)
          return NULL;
        v = utf8_string (s, strlen (s));
        free ((void *) s);
        return v;
      }
    case XMLRPC_TYPE_NIL:
      return g_variant_new_string ("");
    case XMLRPC_TYPE_ARRAY:
      {
        GVariantBuilder b;
        int n = xmlrpc_array_size (env, x);
        g_variant_builder_init (&b, SAMP_TYPE_LIST);
        for (int i = 0; i < n && !env->fault_occurred; i++)
          {
            xmlrpc_value *item = NULL;
            GVariant *v;
            xmlrpc_array_read_item (env, x, i, &item);
            if (env->fault_occurred)
              break;
            ValuePath here = { path, NULL, NULL, i };
            v = from_xmlrpc (env, item, strict, &here);
            xmlrpc_DECREF (item);
            if (v != NULL)
              g_variant_builder_add (&b, "v", v);
          }
        if (env->fault_occurred)
          {
            g_variant_builder_clear (&b);
            return NULL;
          }
        return g_variant_builder_end (&b);
      }
    case XMLRPC_TYPE_STRUCT:
      {
        GVariantBuilder b;
        int n = xmlrpc_struct_size (env, x);
        g_variant_builder_init (&b, SAMP_TYPE_MAP);
        for (int i = 0; i < n && !env->fault_occurred; i++)
          {
            xmlrpc_value *k = NULL, *item = NULL;
            const char *key = NULL;
            size_t klen = 0;
            GVariant *v = NULL;
            xmlrpc_struct_read_member (env, x, (unsigned) i, &k, &item);
            if (env->fault_occurred)
              break;
            xmlrpc_read_string_lp (env, k, &klen, &key);
            if (!env->fault_occurred)
              {
                g_autofree char *kname = g_utf8_make_valid (key, (gssize) klen);
                ValuePath here = { path, NULL, kname, i };
                v = from_xmlrpc (env, item, strict, &here);
              }
            if (v != NULL)
              {
                g_autoptr(GVariant) kv = g_variant_ref_sink (utf8_string (key, klen));
                g_variant_builder_add (&b, "{sv}", g_variant_get_string (kv, NULL), v);
              }
            free ((void *) key);
            xmlrpc_DECREF (k);
            xmlrpc_DECREF (item);
          }
        if (env->fault_occurred)
          {
            g_variant_builder_clear (&b);
            return NULL;
          }
        return g_variant_builder_end (&b);
      }
    default:
      xmlrpc_env_set_fault_formatted (env, XMLRPC_TYPE_ERROR,
                                      "XML-RPC type %d (base64 or other binary) is not SAMP",
                                      (int) xmlrpc_value_type (x));
      return NULL;
    }
}

/* ------------------------------------------------------- safety checks */

/* On success *xml and *len skip a UTF-8 byte order mark, which the
 * guard accepts and xmlrpc-c's expat does not. */
static gboolean
check_document (const char **xml_inout, gsize *len_inout, GError **error)
{
  const char *xml = *xml_inout;
  gsize len = *len_inout;

  if (xml == NULL || len == 0)
    {
      g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "empty XML-RPC document");
      return FALSE;
    }
  if (len > SAMP_XMLRPC_MAX_SIZE)
    {
      g_set_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL,
                   "XML-RPC document of %" G_GSIZE_FORMAT " bytes exceeds the %" G_GSIZE_FORMAT
                   "-byte limit", len, SAMP_XMLRPC_MAX_SIZE);
      return FALSE;
    }
  /* Encoding, DTD and nesting, as an XML parser sees the document:
   * xmlrpc-c (its expat) would expand entities and recurse per level. */
  if (!samp_xmlguard_check (xml, len, error))
    return FALSE;
  if (len >= 3 && memcmp (xml, "\xef\xbb\xbf", 3) == 0)
    {
      *xml_inout = xml + 3;
      *len_inout = len - 3;
    }
  return TRUE;
}

/* ------------------------------------------------------- public API */

GVariant *
samp_xmlrpc_args_new (GVariant *first, ...)
{
  GVariantBuilder b;
  va_list ap;

  g_variant_builder_init (&b, SAMP_TYPE_LIST);
  va_start (ap, first);
  for (GVariant *v = first; v != NULL; v = va_arg (ap, GVariant *))
    {
      g_variant_take_ref (v);
      g_variant_builder_add (&b, "v", v);
      g_variant_unref (v);
    }
  va_end (ap);
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

static GBytes *
take_block (xmlrpc_mem_block *block)
{
  GBytes *b = g_bytes_new (XMLRPC_MEMBLOCK_CONTENTS (char, block),
                           XMLRPC_MEMBLOCK_SIZE (char, block));
  XMLRPC_MEMBLOCK_FREE (char, block);
  return b;
}

/* Serialization is written here directly (no xmlrpc_value tree: calls
 * and responses are made for every message the hub forwards).  Text is
 * escaped for XML: & < > and CR (which a parser would turn into LF). */
static void
append_escaped (GString *out, const char *s, gsize len)
{
  const char *run = s;
  const char *end = s + len;

  for (const char *c = s; c < end; c++)
    {
      const char *rep;
      switch (*c)
        {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '\r': rep = "&#13;"; break;
        default: continue;
        }
      g_string_append_len (out, run, c - run);
      g_string_append (out, rep);
      run = c + 1;
    }
  g_string_append_len (out, run, end - run);
}

/* @v: a SAMP value (checked by the caller), possibly boxed in "v". */
static void
append_value (GString *out, GVariant *v)
{
  GVariantIter iter;
  GVariant *child;
  const char *key;

  if (g_variant_is_of_type (v, G_VARIANT_TYPE_VARIANT))
    {
      g_autoptr(GVariant) inner = g_variant_get_variant (v);
      append_value (out, inner);
      return;
    }
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
    {
      gsize len;
      const char *str = g_variant_get_string (v, &len);
      g_string_append (out, "<value><string>");
      append_escaped (out, str, len);
      g_string_append (out, "</string></value>");
    }
  else if (g_variant_is_of_type (v, SAMP_TYPE_LIST))
    {
      g_string_append (out, "<value><array><data>\r\n");
      g_variant_iter_init (&iter, v);
      while (g_variant_iter_next (&iter, "v", &child))
        {
          append_value (out, child);
          g_string_append (out, "\r\n");
          g_variant_unref (child);
        }
      g_string_append (out, "</data></array></value>");
    }
  else
    {
      g_string_append (out, "<value><struct>\r\n");
      g_variant_iter_init (&iter, v);
      while (g_variant_iter_next (&iter, "{&sv}", &key, &child))
        {
          g_string_append (out, "<member><name>");
          append_escaped (out, key, strlen (key));
          g_string_append (out, "</name>\r\n");
          append_value (out, child);
          g_string_append (out, "</member>\r\n");
          g_variant_unref (child);
        }
      g_string_append (out, "</struct></value>");
    }
}

GBytes *
samp_xmlrpc_serialize_call (const char *method, GVariant *args, GError **error)
{
  GString *out;
  GVariantIter iter;
  GVariant *child;

  g_return_val_if_fail (method != NULL, NULL);
  if (args != NULL && !samp_value_check (args, error))
    return NULL;
  if (args != NULL && !g_variant_is_of_type (args, SAMP_TYPE_LIST))
    {
      g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL,
                           "XML-RPC call arguments must be a list");
      return NULL;
    }
  out = g_string_sized_new (512);
  g_string_append (out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<methodCall>\r\n<methodName>");
  append_escaped (out, method, strlen (method));
  g_string_append (out, "</methodName>\r\n<params>\r\n");
  if (args != NULL)
    {
      g_variant_iter_init (&iter, args);
      while (g_variant_iter_next (&iter, "v", &child))
        {
          g_string_append (out, "<param>");
          append_value (out, child);
          g_string_append (out, "</param>\r\n");
          g_variant_unref (child);
        }
    }
  g_string_append (out, "</params>\r\n</methodCall>\r\n");
  return g_string_free_to_bytes (out);
}

GBytes *
samp_xmlrpc_serialize_response (GVariant *value, GError **error)
{
  GString *out;

  if (value != NULL && !samp_value_check (value, error))
    return NULL;
  out = g_string_sized_new (256);
  g_string_append (out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<methodResponse>\r\n"
                   "<params>\r\n<param>");
  if (value != NULL)
    append_value (out, value);
  else
    g_string_append (out, "<value><string></string></value>");
  g_string_append (out, "</param>\r\n</params>\r\n</methodResponse>\r\n");
  return g_string_free_to_bytes (out);
}

GBytes *
samp_xmlrpc_serialize_fault (int code, const char *message)
{
  g_auto(xmlrpc_env) env = { 0 };   /* zero = safe to clean */
  g_auto(xmlrpc_env) fault = { 0 };
  xmlrpc_mem_block *block;

  xmlrpc_env_init (&env);
  xmlrpc_env_init (&fault);
  xmlrpc_env_set_fault (&fault, code, message ? message : "error");
  block = XMLRPC_MEMBLOCK_NEW (char, &env, 0);
  g_assert (!env.fault_occurred);  /* allocation failure aborts, as in GLib */
  xmlrpc_serialize_fault (&env, block, &fault);
  g_assert (!env.fault_occurred);
  return take_block (block);
}

gboolean
samp_xmlrpc_parse_call (const char *xml, gsize len, char **method, GVariant **args,
                        GError **error)
{
  return samp_xmlrpc_parse_call_full (xml, len, SAMP_XMLRPC_LENIENT, method, args, error);
}

gboolean
samp_xmlrpc_parse_call_full (const char *xml, gsize len, SampXmlrpcFlags flags,
                             char **method, GVariant **args, GError **error)
{
  static const ValuePath root = { NULL, "params", NULL, 0 };
  g_auto(xmlrpc_env) env = { 0 };   /* zero = safe to clean */
  g_autoptr(xmlrpc_value) params = NULL;
  const char *name = NULL;
  GVariant *v;

  g_return_val_if_fail (method != NULL && args != NULL, FALSE);
  if (!check_document (&xml, &len, error))
    return FALSE;
  ensure_limits ();
  xmlrpc_env_init (&env);
  xmlrpc_parse_call (&env, xml, len, &name, &params);
  if (!env_to_error (&env, error, "malformed XML-RPC call"))
    return FALSE;
  v = from_xmlrpc (&env, params, (flags & SAMP_XMLRPC_STRICT) != 0, &root);
  if (v == NULL)
    {
      free ((void *) name);
      if (env.fault_code == NOT_SAMP_FAULT)
        {
          /* the fault names the offending value: no prefix needed */
          g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, env.fault_string);
          return FALSE;
        }
      return env_to_error (&env, error, "malformed XML-RPC call");
    }
  *method = g_strdup (name);
  free ((void *) name);
  *args = g_variant_ref_sink (v);
  return TRUE;
}

GVariant *
samp_xmlrpc_parse_response (const char *xml, gsize len, GError **error)
{
  g_auto(xmlrpc_env) env = { 0 };   /* zero = safe to clean */
  g_autoptr(xmlrpc_value) result = NULL;
  int fault_code = 0;
  const char *fault_string = NULL;
  GVariant *v;

  if (!check_document (&xml, &len, error))
    return NULL;
  ensure_limits ();
  xmlrpc_env_init (&env);
  xmlrpc_parse_response2 (&env, xml, len, &result, &fault_code, &fault_string);
  if (!env_to_error (&env, error, "malformed XML-RPC response"))
    return NULL;
  if (fault_string != NULL)
    {
      g_autofree char *msg = g_utf8_make_valid (fault_string, -1);
      g_set_error (error, SAMP_ERROR, SAMP_ERROR_HUB_FAULT, "%s", msg);
      free ((void *) fault_string);
      return NULL;
    }
  v = from_xmlrpc (&env, result, FALSE, NULL);
  if (v == NULL)
    {
      env_to_error (&env, error, "malformed XML-RPC response");
      return NULL;
    }
  return g_variant_ref_sink (v);
}

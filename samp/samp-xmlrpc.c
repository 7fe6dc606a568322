/* samp-xmlrpc.c: SAMP values <-> XML-RPC documents.
 *
 * Reading: the reader below builds the GVariants from a document's
 * elements and text, handed to it by samp-xmlrpc-fast (a byte-level
 * reader of the XML subset SAMP peers write: no libxml2) or, when that
 * declines, by one libxml2 SAX pass (samp-xmlguard) that also checks the
 * document; the same events reach the reader either way, so both give
 * the same values and errors (tests/fuzz/fuzz-xmlrpc.c compares them).
 * Documents larger than SAMP_XMLRPC_MAX_SIZE, not in UTF-8, with a
 * DOCTYPE (so with entities), nested deeper than SAMP_XMLRPC_MAX_DEPTH,
 * or not well-formed are refused (by libxml2's pass: the fast reader
 * declines them), and so is anything that is not XML-RPC.  Input is lenient by
 * default (scalars become strings); in strict mode (the hub's) the first
 * value of another XML-RPC type is refused, named by its path.  The check
 * is on the elements, so a string whose text is "<int>" (escaped or in
 * CDATA) is just a string.  Non-UTF-8 bytes cannot reach a string
 * (neither path reads them); embedded NULs are cut.
 * Writing: calls and responses straight from the GVariants into a
 * GString, strictly string/array/struct (children by index, types as
 * strings); faults through xmlrpc-c.  (Keeping GLib's descriptions of
 * the container types alive with never-freed values saved ~7k instructions
 * a message but reads as a leak to LeakSanitizer: not done.)
 * (Until issue 14 both directions went through xmlrpc-c's value trees: a
 * second parse of every document after the guard's, ~150k instructions
 * per message forwarded.)
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <xmlrpc-c/base.h>

#include "samp-error.h"
#include "samp-value.h"
#include "samp-xmlguard.h"
#include "samp-xmlrpc.h"
#include "samp-xmlrpc-fast.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlrpc_value, xmlrpc_DECREF)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (xmlrpc_env, xmlrpc_env_clean)

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

/* ------------------------------------------------------- safety checks */

/* Empty and oversized documents are refused before any parse. */
static gboolean
check_size (const char **xml_inout, gsize *len_inout, GError **error)
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
  return TRUE;
}

/* ------------------------------------------------------- the reader */

/* XML-RPC documents are read in the same libxml2 pass that checks them
 * (samp-xmlguard), building the GVariants as elements end: no second
 * parse, no xmlrpc_value tree.  The grammar is XML-RPC's: methodCall
 * (methodName, params?) or methodResponse (params with one param, or
 * fault); a value is text (a string) or one typed element; arrays hold
 * one data of values, structs members of a name and a value (the last
 * of two equal names wins, as in xmlrpc-c).  Text between structural
 * elements must be blank.  Scalars are read as xmlrpc-c reads them
 * (int/i4 32-bit, i8 64-bit, boolean 0 or 1, double a C-locale number)
 * and given as their string forms, or refused in strict mode. */

typedef enum {
  EL_ROOT, EL_CALL, EL_RESPONSE, EL_METHODNAME, EL_PARAMS, EL_PARAM, EL_FAULT, EL_VALUE,
  EL_STRING, EL_INT, EL_I8, EL_BOOLEAN, EL_DOUBLE, EL_DATETIME, EL_NIL, EL_BASE64,
  EL_ARRAY, EL_DATA, EL_STRUCT, EL_MEMBER, EL_NAME
} ElKind;

static const struct { const char *name; ElKind kind; } typed_elements[] = {
  { "string", EL_STRING }, { "int", EL_INT }, { "i4", EL_INT }, { "i8", EL_I8 },
  { "boolean", EL_BOOLEAN }, { "double", EL_DOUBLE }, { "dateTime.iso8601", EL_DATETIME },
  { "nil", EL_NIL }, { "base64", EL_BASE64 }, { "array", EL_ARRAY }, { "struct", EL_STRUCT },
};

typedef struct {
  ElKind kind;
  gssize text_at;           /* VALUE, scalars, NAME, METHODNAME: where its text
                             * starts in Reader.text (it runs to the end while
                             * the frame is on top); others -1 */
  GVariant *value;          /* VALUE, PARAM, MEMBER, FAULT: the value read (full ref) */
  gboolean seen_a, seen_b;  /* CALL: methodName, params; RESPONSE: params/fault; MEMBER: name */
  GPtrArray *items;         /* PARAMS, DATA: values; STRUCT: key, value, key, value ... */
  char *name;               /* MEMBER */
  guint index;              /* PARAMS, DATA: items so far */
} Frame;

typedef struct {
  gboolean strict;
  gboolean response;
  Frame *stack;             /* the open elements' frames, innermost last */
  guint depth, size;        /* frames in stack, room for */
  GString *text;            /* the text of the open frames, innermost last */
  char *method;
  GVariant *result;         /* call: the params list; response: the value */
  char *fault_string;
  gboolean is_fault;
  char *error;              /* the first refusal: the rest is only checked */
} Reader;

static void
frame_clear (Frame *f)
{
  g_clear_pointer (&f->value, g_variant_unref);
  g_clear_pointer (&f->items, g_ptr_array_unref);
  g_free (f->name);
}

static Frame *
top (Reader *r)
{
  return &r->stack[r->depth - 1];
}

/* The text of @f, which is on top or was just taken off: NUL-terminated. */
static const char *
frame_text (Reader *r, const Frame *f, gsize *len)
{
  *len = r->text->len - (gsize) f->text_at;
  return r->text->str + f->text_at;
}

static void
push (Reader *r, const Frame *f)
{
  if (r->depth == r->size)
    {
      r->size *= 2;
      r->stack = g_renew (Frame, r->stack, r->size);
    }
  r->stack[r->depth++] = *f;
}

static char *
malformed (Reader *r, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
static char *
malformed (Reader *r, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return g_strdup_printf ("malformed XML-RPC %s: %s", r->response ? "response" : "call", msg);
}

/* The path of the value being read: params[1]['samp.params']['n'] */
static char *
value_path (Reader *r)
{
  GString *out = g_string_new (r->response ? "result" : "params");
  for (guint i = 0; i < r->depth; i++)
    {
      Frame *f = &r->stack[i];
      if (f->kind == EL_PARAMS || f->kind == EL_DATA)
        g_string_append_printf (out, "[%u]", f->index);
      else if (f->kind == EL_MEMBER)
        {
          g_string_append (out, "['");
          for (const char *c = f->name ? f->name : ""; *c; c++)
            {
              if (*c == '\'' || *c == '\\')
                g_string_append_c (out, '\\');
              g_string_append_c (out, *c);
            }
          g_string_append (out, "']");
        }
    }
  return g_string_free (out, FALSE);
}

static gboolean
is_blank (const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
      return FALSE;
  return TRUE;
}

static char *reader_start_1 (Reader *r, const char *name);
static char *reader_end_1 (Reader *r);
static char *reader_text_1 (Reader *r, const char *text, gsize len);

/* The first refusal is kept, and the document is still read to its end
 * by the guard (whose refusals, e.g. nesting, then win), as when the
 * guard's pass came first. */
static char *
keep_first (Reader *r, char *why)
{
  if (why != NULL && r->error == NULL)
    r->error = why;
  else
    g_free (why);
  return NULL;
}

static char *
reader_start (gpointer data, const char *name)
{
  Reader *r = data;
  return r->error ? NULL : keep_first (r, reader_start_1 (r, name));
}

static char *
reader_end (gpointer data)
{
  Reader *r = data;
  return r->error ? NULL : keep_first (r, reader_end_1 (r));
}

static char *
reader_text (gpointer data, const char *text, gsize len)
{
  Reader *r = data;
  return r->error ? NULL : keep_first (r, reader_text_1 (r, text, len));
}

static char *
reader_start_1 (Reader *r, const char *name)
{
  Frame *parent = top (r);
  Frame f = { 0 };
  gboolean ok = FALSE;

  switch (parent->kind)
    {
    case EL_ROOT:
      f.kind = r->response ? EL_RESPONSE : EL_CALL;
      ok = strcmp (name, r->response ? "methodResponse" : "methodCall") == 0;
      break;
    case EL_CALL:
      if (strcmp (name, "methodName") == 0 && !parent->seen_a)
        f.kind = EL_METHODNAME, ok = parent->seen_a = TRUE;
      else if (strcmp (name, "params") == 0 && !parent->seen_b)
        f.kind = EL_PARAMS, ok = parent->seen_b = TRUE;
      break;
    case EL_RESPONSE:
      if (!parent->seen_a && strcmp (name, "params") == 0)
        f.kind = EL_PARAMS, ok = parent->seen_a = TRUE;
      else if (!parent->seen_a && strcmp (name, "fault") == 0)
        f.kind = EL_FAULT, ok = parent->seen_a = TRUE;
      break;
    case EL_PARAMS:
      f.kind = EL_PARAM;
      ok = strcmp (name, "param") == 0;
      break;
    case EL_PARAM:
    case EL_FAULT:
      f.kind = EL_VALUE;
      ok = parent->value == NULL && !parent->seen_a && strcmp (name, "value") == 0;
      parent->seen_a = TRUE;
      break;
    case EL_DATA:
      f.kind = EL_VALUE;
      ok = strcmp (name, "value") == 0;
      break;
    case EL_ARRAY:
      f.kind = EL_DATA;
      ok = !parent->seen_a && strcmp (name, "data") == 0;
      parent->seen_a = TRUE;
      break;
    case EL_STRUCT:
      f.kind = EL_MEMBER;
      ok = strcmp (name, "member") == 0;
      break;
    case EL_MEMBER:
      if (strcmp (name, "name") == 0 && !parent->seen_a)
        f.kind = EL_NAME, ok = parent->seen_a = TRUE;
      else if (strcmp (name, "value") == 0 && parent->seen_a && !parent->seen_b)
        f.kind = EL_VALUE, ok = parent->seen_b = TRUE;
      break;
    case EL_VALUE:
      if (parent->seen_a)
        break;                  /* one typed element per value */
      for (gsize i = 0; i < G_N_ELEMENTS (typed_elements); i++)
        if (strcmp (name, typed_elements[i].name) == 0)
          {
            f.kind = typed_elements[i].kind;
            ok = parent->seen_a = TRUE;
            break;
          }
      if (ok)
        {
          gsize len;
          const char *text = frame_text (r, parent, &len);
          if (!is_blank (text, len))
            return malformed (r, "text beside <%s> in a <value>", name);
        }
      break;
    default:
      break;
    }
  if (!ok)
    return malformed (r, "unexpected <%s>", name);
  if (f.kind == EL_VALUE || f.kind == EL_METHODNAME || f.kind == EL_NAME
      || (f.kind >= EL_STRING && f.kind <= EL_BASE64))
    f.text_at = (gssize) r->text->len;
  else
    f.text_at = -1;
  if (f.kind == EL_PARAMS || f.kind == EL_DATA || f.kind == EL_STRUCT)
    f.items = g_ptr_array_new_full (8, (GDestroyNotify) g_variant_unref);
  push (r, &f);
  return NULL;
}

static char *
reader_text_1 (Reader *r, const char *text, gsize len)
{
  Frame *f = top (r);

  if (f->text_at >= 0 && !(f->kind == EL_VALUE && f->seen_a))
    {
      g_string_append_len (r->text, text, (gssize) len);
      return NULL;
    }
  if (!is_blank (text, len))
    return malformed (r, "text where an element was expected");
  return NULL;
}

/* The value of a scalar element, or a refusal in *why. */
static GVariant *
scalar_value (Reader *r, Frame *f, char **why)
{
  gsize t_len;
  const char *t = frame_text (r, f, &t_len);
  g_autofree char *trimmed = NULL;
  static const char *const element_of[] = {
    [EL_INT] = "an <int>", [EL_I8] = "an <i8>", [EL_BOOLEAN] = "a <boolean>",
    [EL_DOUBLE] = "a <double>", [EL_DATETIME] = "a <dateTime.iso8601>", [EL_NIL] = "a <nil>",
    [EL_BASE64] = "a <base64>",
  };

  if (f->kind == EL_STRING)
    return utf8_string (t, t_len);
  if (r->strict)
    {
      g_autofree char *where = value_path (r);
      *why = g_strdup_printf ("%s is %s: not a SAMP type (string, list or map only)", where,
                              element_of[f->kind]);
      return NULL;
    }
  trimmed = g_strstrip (g_strdup (t));
  switch (f->kind)
    {
    case EL_INT:
    case EL_I8:
      {
        gint64 v = 0;
        const char *digits = trimmed[0] == '+' ? trimmed + 1 : trimmed;
        gboolean is_i8 = f->kind == EL_I8;
        if (!g_ascii_string_to_signed (digits, 10, is_i8 ? G_MININT64 : G_MININT32,
                                       is_i8 ? G_MAXINT64 : G_MAXINT32, &v, NULL)
            || (digits != trimmed && digits[0] == '-'))
          break;
        return g_variant_new_take_string (samp_format_int (v));
      }
    case EL_BOOLEAN:
      if (strcmp (trimmed, "0") == 0 || strcmp (trimmed, "1") == 0)
        return g_variant_new_string (trimmed);
      break;
    case EL_DOUBLE:
      {
        char *end = NULL;
        double d = g_ascii_strtod (trimmed, &end);
        if (*trimmed == '\0' || end == NULL || *end != '\0')
          break;
        return g_variant_new_take_string (samp_format_float (d));
      }
    case EL_DATETIME:
      return utf8_string (t, t_len);
    case EL_NIL:
      if (*trimmed == '\0')
        return g_variant_new_string ("");
      break;
    case EL_BASE64:
      *why = malformed (r, "XML-RPC type base64 is not SAMP");
      return NULL;
    default:
      break;
    }
  *why = malformed (r, "bad %s value \"%.40s\"", element_of[f->kind] + 2, trimmed);
  return NULL;
}

/* Hand a finished value (full ref, consumed; not boxed) to the frame
 * now on top. */
static void
give_value (Reader *r, GVariant *v)
{
  Frame *f = top (r);
  if (f->kind == EL_DATA)
    {
      g_ptr_array_add (f->items, v);
      f->index++;
    }
  else
    {
      g_clear_pointer (&f->value, g_variant_unref);
      f->value = v;
    }
}

/* Containers are made with g_variant_new_array from their children (no
 * GVariantBuilder and no format strings: they cost more than the parse). */
static GVariant *
build_struct (GPtrArray *kv)
{
  g_autoptr(GHashTable) last = NULL;   /* key -> index of its last value */
  g_autofree GVariant **entries = g_new (GVariant *, kv->len / 2 + 1);
  gsize n = 0;

  if (kv->len > 16)
    {
      last = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < kv->len; i += 2)
        g_hash_table_insert (last, (gpointer) g_variant_get_string (kv->pdata[i], NULL),
                             GUINT_TO_POINTER (i));
    }
  for (guint i = 0; i < kv->len; i += 2)
    {
      const char *key = g_variant_get_string (kv->pdata[i], NULL);
      gboolean later = FALSE;
      if (last != NULL)
        later = GPOINTER_TO_UINT (g_hash_table_lookup (last, key)) != i;
      else
        for (guint j = i + 2; j < kv->len && !later; j += 2)
          later = strcmp (key, g_variant_get_string (kv->pdata[j], NULL)) == 0;
      if (!later)
        entries[n++] = g_variant_new_dict_entry (kv->pdata[i],
                                                 g_variant_new_variant (kv->pdata[i + 1]));
    }
  return g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), entries, n));
}

static GVariant *
build_list (GPtrArray *items)
{
  g_autofree GVariant **boxed = g_new (GVariant *, items->len + 1);
  for (guint i = 0; i < items->len; i++)
    boxed[i] = g_variant_new_variant (items->pdata[i]);
  return g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE_VARIANT, boxed, items->len));
}

static char *
reader_end_1 (Reader *r)
{
  Frame f = *top (r);
  char *why = NULL;
  GVariant *v = NULL;

  r->depth--;                                       /* f is ours now */
  switch (f.kind)
    {
    case EL_STRING: case EL_INT: case EL_I8: case EL_BOOLEAN: case EL_DOUBLE:
    case EL_DATETIME: case EL_NIL: case EL_BASE64:
      /* the path names the value: put the frame back while it is made */
      r->depth++;
      v = scalar_value (r, &f, &why);
      r->depth--;
      if (v != NULL)
        top (r)->value = g_variant_ref_sink (v);
      break;
    case EL_ARRAY:
      top (r)->value = f.value ? g_steal_pointer (&f.value)
                               : g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE_VARIANT,
                                                                          NULL, 0));
      if (!f.seen_a)
        why = malformed (r, "<array> without <data>");
      break;
    case EL_DATA:
      top (r)->value = build_list (f.items);
      break;
    case EL_STRUCT:
      top (r)->value = build_struct (f.items);
      break;
    case EL_NAME:
      {
        Frame *m = top (r);
        gsize len;
        const char *text = frame_text (r, &f, &len);
        m->name = g_strndup (text, len);
        break;
      }
    case EL_MEMBER:
      if (f.name == NULL || f.value == NULL)
        why = malformed (r, "<member> without a <name> and a <value>");
      else
        {
          GPtrArray *kv = top (r)->items;
          g_ptr_array_add (kv, g_variant_ref_sink (utf8_string (f.name, strlen (f.name))));
          g_ptr_array_add (kv, g_steal_pointer (&f.value));
        }
      break;
    case EL_VALUE:
      if (f.value != NULL)
        v = g_steal_pointer (&f.value);
      else if (!f.seen_a)
        {
          gsize len;
          const char *text = frame_text (r, &f, &len);
          v = g_variant_ref_sink (utf8_string (text, len));
        }
      if (v == NULL)
        why = malformed (r, "empty <value>");
      else
        give_value (r, v);
      break;
    case EL_PARAM:
      if (f.value == NULL)
        why = malformed (r, "<param> without a <value>");
      else
        {
          Frame *ps = top (r);
          g_ptr_array_add (ps->items, g_steal_pointer (&f.value));
          ps->index++;
        }
      break;
    case EL_PARAMS:
      if (r->response && f.items->len != 1)
        why = malformed (r, "%u params in a response", f.items->len);
      else if (r->response)
        r->result = g_variant_ref (f.items->pdata[0]);
      else
        r->result = build_list (f.items);
      break;
    case EL_FAULT:
      {
        GVariant *inner = f.value;
        const char *s = NULL;
        if (inner == NULL || !g_variant_is_of_type (inner, SAMP_TYPE_MAP))
          why = malformed (r, "fault without a struct");
        else
          {
            g_autoptr(GVariant) fs = g_variant_lookup_value (inner, "faultString", NULL);
            if (fs != NULL && g_variant_is_of_type (fs, G_VARIANT_TYPE_STRING))
              s = g_variant_get_string (fs, NULL);
            r->is_fault = TRUE;
            r->fault_string = g_strdup (s && *s ? s : "XML-RPC fault");
          }
        break;
      }
    case EL_METHODNAME:
      {
        gsize len;
        const char *text = frame_text (r, &f, &len);
        r->method = g_strndup (text, len);
      }
      break;
    case EL_CALL:
      if (!f.seen_a)
        why = malformed (r, "no <methodName>");
      else if (r->result == NULL)
        r->result = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE_VARIANT, NULL, 0));
      break;
    case EL_RESPONSE:
      if (!f.seen_a)
        why = malformed (r, "no <params> or <fault>");
      break;
    default:
      break;
    }
  if (f.text_at >= 0)
    g_string_truncate (r->text, (gsize) f.text_at);
  frame_clear (&f);
  return why;
}

static const SampXmlSink reader_sink = { reader_start, reader_end, reader_text };

/* Back to the state before the first element, for a second read. */
static void
reader_restart (Reader *r)
{
  Frame root = { 0 };

  for (guint i = 0; i < r->depth; i++)
    frame_clear (&r->stack[i]);
  r->depth = 0;
  g_string_truncate (r->text, 0);
  root.kind = EL_ROOT;
  root.text_at = -1;
  push (r, &root);
  g_clear_pointer (&r->method, g_free);
  g_clear_pointer (&r->result, g_variant_unref);
  g_clear_pointer (&r->fault_string, g_free);
  g_clear_pointer (&r->error, g_free);
  r->is_fault = FALSE;
}

/* Reads @xml; FALSE with an error, else r->method/result/fault set.
 * samp-xmlrpc-fast's reader first; if it declines, libxml2's pass. */
static gboolean
reader_run (Reader *r, const char *xml, gsize len, gboolean fast, GError **error)
{
  gboolean ok;

  r->size = 16;
  r->stack = g_new (Frame, r->size);
  r->depth = 0;
  r->text = g_string_sized_new (256);
  reader_restart (r);
  ok = fast && samp_xmlfast_parse (xml, len, &reader_sink, r);
  if (!ok)
    {
      reader_restart (r);
      ok = samp_xmlguard_parse (xml, len, &reader_sink, r, error);
    }
  for (guint i = 0; i < r->depth; i++)
    frame_clear (&r->stack[i]);
  g_free (r->stack);
  g_string_free (r->text, TRUE);
  if (ok && r->error != NULL)
    {
      g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, r->error);
      ok = FALSE;
    }
  else if (ok && r->result == NULL && !r->is_fault)
    {
      g_set_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "malformed XML-RPC %s: no <%s>",
                   r->response ? "response" : "call",
                   r->response ? "methodResponse" : "methodCall");
      ok = FALSE;
    }
  return ok;
}

static void
reader_clear (Reader *r)
{
  g_free (r->method);
  g_clear_pointer (&r->result, g_variant_unref);
  g_free (r->fault_string);
  g_free (r->error);
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

/* @v: a SAMP value, possibly boxed in "v"; FALSE (output unfinished)
 * at the first value of another type.  Children are taken by index and
 * types compared as strings: g_variant_iter_next's format strings and
 * g_variant_is_of_type cost more than the rest of the writing. */
static gboolean
append_value (GString *out, GVariant *v)
{
  gboolean ok = TRUE;
  const char *type = g_variant_get_type_string (v);

  if (strcmp (type, "v") == 0)
    {
      g_autoptr(GVariant) inner = g_variant_get_variant (v);
      return append_value (out, inner);
    }
  if (strcmp (type, "s") == 0)
    {
      gsize len;
      const char *str = g_variant_get_string (v, &len);
      g_string_append (out, "<value><string>");
      append_escaped (out, str, len);
      g_string_append (out, "</string></value>");
    }
  else if (strcmp (type, "av") == 0)
    {
      gsize n = g_variant_n_children (v);
      g_string_append (out, "<value><array><data>\r\n");
      for (gsize i = 0; ok && i < n; i++)
        {
          g_autoptr(GVariant) child = g_variant_get_child_value (v, i);
          ok = append_value (out, child);
          g_string_append (out, "\r\n");
        }
      g_string_append (out, "</data></array></value>");
    }
  else if (strcmp (type, "a{sv}") == 0)
    {
      gsize n = g_variant_n_children (v);
      g_string_append (out, "<value><struct>\r\n");
      for (gsize i = 0; ok && i < n; i++)
        {
          g_autoptr(GVariant) entry = g_variant_get_child_value (v, i);
          g_autoptr(GVariant) key = g_variant_get_child_value (entry, 0);
          g_autoptr(GVariant) child = g_variant_get_child_value (entry, 1);
          gsize klen;
          const char *k = g_variant_get_string (key, &klen);
          g_string_append (out, "<member><name>");
          append_escaped (out, k, klen);
          g_string_append (out, "</name>\r\n");
          ok = append_value (out, child);
          g_string_append (out, "</member>\r\n");
        }
      g_string_append (out, "</struct></value>");
    }
  else
    ok = FALSE;
  return ok;
}

/* The error for a value append_value() refused: samp_value_check's. */
static GBytes *
not_samp (GString *out, GVariant *v, GError **error)
{
  if (samp_value_check (v, error))   /* cannot happen: say something anyway */
    g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "not a SAMP value");
  g_string_free (out, TRUE);
  return NULL;
}

GBytes *
samp_xmlrpc_serialize_call (const char *method, GVariant *args, GError **error)
{
  GString *out;

  g_return_val_if_fail (method != NULL, NULL);
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
  for (gsize i = 0, n = args != NULL ? g_variant_n_children (args) : 0; i < n; i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (args, i);
      g_string_append (out, "<param>");
      if (!append_value (out, child))
        return not_samp (out, args, error);
      g_string_append (out, "</param>\r\n");
    }
  g_string_append (out, "</params>\r\n</methodCall>\r\n");
  return g_string_free_to_bytes (out);
}

GBytes *
samp_xmlrpc_serialize_response (GVariant *value, GError **error)
{
  GString *out;

  out = g_string_sized_new (256);
  g_string_append (out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<methodResponse>\r\n"
                   "<params>\r\n<param>");
  if (value != NULL && !append_value (out, value))
    return not_samp (out, value, error);
  else if (value == NULL)
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
  Reader r = { 0 };

  g_return_val_if_fail (method != NULL && args != NULL, FALSE);
  if (!check_size (&xml, &len, error))
    return FALSE;
  r.strict = (flags & SAMP_XMLRPC_STRICT) != 0;
  if (!reader_run (&r, xml, len, (flags & SAMP_XMLRPC_NO_FAST) == 0, error))
    {
      reader_clear (&r);
      return FALSE;
    }
  *method = g_steal_pointer (&r.method);
  *args = g_steal_pointer (&r.result);
  reader_clear (&r);
  return TRUE;
}

GVariant *
samp_xmlrpc_parse_response (const char *xml, gsize len, GError **error)
{
  return samp_xmlrpc_parse_response_full (xml, len, SAMP_XMLRPC_LENIENT, error);
}

GVariant *
samp_xmlrpc_parse_response_full (const char *xml, gsize len, SampXmlrpcFlags flags,
                                 GError **error)
{
  Reader r = { 0 };
  GVariant *v = NULL;

  if (!check_size (&xml, &len, error))
    return NULL;
  r.response = TRUE;
  r.strict = (flags & SAMP_XMLRPC_STRICT) != 0;
  if (reader_run (&r, xml, len, (flags & SAMP_XMLRPC_NO_FAST) == 0, error))
    {
      if (r.is_fault)
        {
          g_autofree char *msg = g_utf8_make_valid (r.fault_string, -1);
          g_set_error (error, SAMP_ERROR, SAMP_ERROR_HUB_FAULT, "%s", msg);
        }
      else
        v = g_steal_pointer (&r.result);
    }
  reader_clear (&r);
  return v;
}

char *
samp_xmlrpc_library_version (void)
{
  unsigned int major = 0, minor = 0, point = 0;

  xmlrpc_version (&major, &minor, &point);
  return g_strdup_printf ("%u.%u.%u", major, minor, point);
}

/* vo-votable.c: the streaming VOTable reader (VoTableReader).
 *
 * libxml2's SAX2 push parser drives a small state machine over the VOTable
 * elements.  Only the current row is held: TABLEDATA cells are appended to
 * one reused buffer, and a BINARY/BINARY2 base64 STREAM is decoded chunk by
 * chunk, straight from the characters callback, into one reused byte buffer
 * from which complete rows are cut; the rest waits for the next chunk.  The
 * hot path makes no allocation per row or per cell.
 *
 * The parser never substitutes entities, loads a DTD or touches the network:
 * no entity declaration handler is installed, so a reference to a declared
 * entity is an error rather than an expansion.
 *
 * Owns: the libxml2 parser context.  Never touches: files or sockets (the
 * caller feeds bytes).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "vo-votable-private.h"

typedef enum {
  CAPTURE_NONE,
  CAPTURE_TD,
  CAPTURE_INFO,
  CAPTURE_DESCRIPTION,
  CAPTURE_STREAM,
} Capture;

typedef enum {
  SER_NONE,
  SER_TABLEDATA,
  SER_BINARY,
  SER_BINARY2,
} Serialization;

/* Per-field decoding facts computed once per TABLE. */
typedef struct {
  guint elsize;          /* bytes per element (0 for bit) */
  gboolean is_text;      /* char / unicodeChar: no trimming, no NaN */
  gboolean float_scalar; /* NaN means null */
  gboolean has_int_null; /* integer scalar with a declared null */
  gint64 int_null;
} FieldInfo;

typedef struct {
  VoResourceInfo info;   /* strings owned */
  gboolean after_table;
} ResourceFrame;

struct _VoTableReader {
  VoTableCallbacks cb;
  gpointer user_data;
  xmlParserCtxtPtr ctxt;
  GError *error;
  gboolean stopped;
  gboolean seen_root;
  gboolean finished;
  guint64 n_rows;

  /* Document structure */
  GPtrArray *resources;  /* ResourceFrame*, a stack */
  GPtrArray *groups;     /* char*, a stack of group names */
  gboolean in_table;
  gboolean table_started;
  char *table_name;
  GArray *fields;        /* VoField */
  GArray *finfo;         /* FieldInfo */
  VoField *cur_field;    /* FIELD or PARAM being read, else NULL */
  VoParam *cur_param;    /* set when cur_field belongs to a PARAM */
  VoInfo *cur_info;
  Capture capture;
  GString *text;         /* INFO / DESCRIPTION text */
  Serialization ser;

  /* TABLEDATA row */
  GString *rowbuf;       /* cell texts, NUL separated */
  GArray *offsets;       /* gsize start, one per TD */
  GArray *cells;         /* VoCell, n_fields */
  gboolean in_tr;

  /* BINARY / BINARY2 stream */
  guint8 *bin;
  gsize bin_len, bin_cap, bin_need;
  guint32 b64_acc;
  guint b64_n;
  gboolean b64_pad;

  /* QUERY_STATUS */
  VoQueryStatus status;
  char *status_text;

  /* Interned element names for pointer comparison on the hot path */
  const xmlChar *n_td, *n_tr;
};

static void
set_error (VoTableReader *r, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
set_error (VoTableReader *r, const char *fmt, ...)
{
  va_list ap;

  if (r->error == NULL)
    {
      va_start (ap, fmt);
      g_autofree char *msg = g_strdup_vprintf (fmt, ap);
      va_end (ap);
      r->error = g_error_new (VO_ERROR, VO_ERROR_PARSE, "Malformed VOTable: %s",
                              msg);
    }
  /* The parser is stopped by the SAX callback wrappers once the callback
   * returns: xmlStopParser frees the input buffer that the attributes of
   * the current element still point into. */
}

/* SAX2 attributes come as (localname, prefix, URI, value, end) quintuples;
 * the value is not NUL-terminated.  Without entity substitution (never
 * enabled: no DTD is trusted) libxml2 hands an '&' of an attribute value
 * over as the character reference "&#38;" (every other reference is
 * decoded), so that is decoded here: "a &amp;&amp; b" is "a && b". */
static char *
attr_dup (const xmlChar **attrs, int nb, const char *name)
{
  for (int i = 0; i < nb; i++)
    if (attrs[5 * i + 1] == NULL
        && strcmp ((const char *) attrs[5 * i], name) == 0)
      {
        const char *p = (const char *) attrs[5 * i + 3];
        const char *end = (const char *) attrs[5 * i + 4];
        GString *v = g_string_sized_new (end - p);
        while (p < end)
          if (end - p >= 5 && memcmp (p, "&#38;", 5) == 0)
            {
              g_string_append_c (v, '&');
              p += 5;
            }
          else
            g_string_append_c (v, *p++);
        return g_string_free (v, FALSE);
      }
  return NULL;
}

static void
resource_frame_free (gpointer p)
{
  ResourceFrame *f = p;
  g_free ((char *) f->info.type);
  g_free ((char *) f->info.utype);
  g_free ((char *) f->info.id);
  g_free ((char *) f->info.name);
  g_free (f);
}

/* ------------------------------------------------------------------------ */
/* FIELD, PARAM, TABLE                                                       */

static void
read_field_attrs (VoTableReader *r, VoField *f, const xmlChar **attrs, int nb)
{
  f->name = attr_dup (attrs, nb, "name");
  f->id = attr_dup (attrs, nb, "ID");
  f->datatype_str = attr_dup (attrs, nb, "datatype");
  f->datatype = vo_datatype_from_string (f->datatype_str);
  f->xtype = attr_dup (attrs, nb, "xtype");
  f->unit = attr_dup (attrs, nb, "unit");
  f->ucd = attr_dup (attrs, nb, "ucd");
  f->utype = attr_dup (attrs, nb, "utype");
  f->ref = attr_dup (attrs, nb, "ref");
  f->n_fixed = 1;
  GError *err = NULL;
  g_autofree char *arraysize = attr_dup (attrs, nb, "arraysize");
  if (!vo_field_set_arraysize (f, arraysize, &err))
    {
      set_error (r, "%s", err->message);
      g_error_free (err);
    }
}

static void
compute_field_info (VoTableReader *r)
{
  g_array_set_size (r->finfo, r->fields->len);
  for (guint i = 0; i < r->fields->len; i++)
    {
      const VoField *f = &g_array_index (r->fields, VoField, i);
      FieldInfo *fi = &g_array_index (r->finfo, FieldInfo, i);
      gboolean scalar = f->n_fixed == 1 && !f->variable;
      memset (fi, 0, sizeof *fi);
      fi->elsize = vo_datatype_element_size (f->datatype);
      fi->is_text = f->datatype == VO_DATATYPE_CHAR
                    || f->datatype == VO_DATATYPE_UNICODE_CHAR
                    || f->datatype == VO_DATATYPE_UNKNOWN;
      fi->float_scalar = scalar && (f->datatype == VO_DATATYPE_FLOAT
                                    || f->datatype == VO_DATATYPE_DOUBLE);
      if (scalar && f->null_value != NULL
          && (f->datatype == VO_DATATYPE_UNSIGNED_BYTE
              || f->datatype == VO_DATATYPE_SHORT
              || f->datatype == VO_DATATYPE_INT
              || f->datatype == VO_DATATYPE_LONG))
        {
          char *end = NULL;
          const char *s = f->null_value;
          gint64 v = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
                         ? (gint64) g_ascii_strtoull (s + 2, &end, 16)
                         : g_ascii_strtoll (s, &end, 10);
          if (end != s && *end == '\0')
            {
              fi->has_int_null = TRUE;
              fi->int_null = v;
            }
        }
    }
  g_array_set_size (r->cells, r->fields->len);
  for (guint i = 0; i < r->fields->len; i++)
    g_array_index (r->cells, VoCell, i).field
        = &g_array_index (r->fields, VoField, i);
}

static void
start_table_data (VoTableReader *r)
{
  if (r->table_started)
    return;
  r->table_started = TRUE;
  compute_field_info (r);
  if (r->cb.table_start)
    r->cb.table_start (r->table_name, (const VoField *) r->fields->data,
                       r->fields->len, r->user_data);
}

static void
clear_fields (VoTableReader *r)
{
  for (guint i = 0; i < r->fields->len; i++)
    vo_field_clear (&g_array_index (r->fields, VoField, i));
  g_array_set_size (r->fields, 0);
}

static void
emit_row (VoTableReader *r)
{
  r->n_rows++;
  if (r->cb.row
      && !r->cb.row ((const VoCell *) r->cells->data, r->cells->len,
                     r->user_data))
    {
      r->stopped = TRUE;
      xmlStopParser (r->ctxt);
    }
}

/* ------------------------------------------------------------------------ */
/* TABLEDATA                                                                 */

static void
end_tr (VoTableReader *r)
{
  guint n = r->fields->len;
  guint n_td = r->offsets->len;
  char *base = r->rowbuf->str;
  const gsize *off = (const gsize *) r->offsets->data;

  for (guint i = 0; i < n; i++)
    {
      VoCell *c = &g_array_index (r->cells, VoCell, i);
      const FieldInfo *fi = &g_array_index (r->finfo, FieldInfo, i);
      c->data = NULL;
      c->n_elements = 0;
      if (i >= n_td)
        {
          c->is_null = TRUE;
          c->text = "";
          c->text_len = 0;
          continue;
        }
      char *s = base + off[i];
      char *e = base + (i + 1 < n_td ? off[i + 1] - 1 : r->rowbuf->len);
      if (!fi->is_text)
        {
          while (s < e && g_ascii_isspace (*s))
            s++;
          while (e > s && g_ascii_isspace (e[-1]))
            e--;
          *e = '\0';
        }
      c->text = s;
      c->text_len = (gsize) (e - s);
      c->is_null = c->text_len == 0
                   || (fi->float_scalar && c->text_len == 3
                       && g_ascii_strcasecmp (s, "nan") == 0)
                   || (c->field->null_value != NULL
                       && strcmp (s, c->field->null_value) == 0);
    }
  emit_row (r);
}

/* ------------------------------------------------------------------------ */
/* BINARY / BINARY2                                                          */

static inline guint32
rd32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16)
         | ((guint32) p[2] << 8) | p[3];
}

static inline gboolean
nan32 (guint32 u)
{
  return (u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu);
}

static inline gboolean
nan64 (const guint8 *p)
{
  guint64 u = ((guint64) rd32 (p) << 32) | rd32 (p + 4);
  return (u & G_GUINT64_CONSTANT (0x7ff0000000000000))
             == G_GUINT64_CONSTANT (0x7ff0000000000000)
         && (u & G_GUINT64_CONSTANT (0x000fffffffffffff));
}

static gboolean
binary_null (const FieldInfo *fi, const VoField *f, const guint8 *p, gsize n)
{
  if (n == 1 && !f->variable && f->datatype == VO_DATATYPE_FLOAT_COMPLEX)
    return nan32 (rd32 (p)) || nan32 (rd32 (p + 4));
  if (n == 1 && !f->variable && f->datatype == VO_DATATYPE_DOUBLE_COMPLEX)
    return nan64 (p) || nan64 (p + 8);
  if (fi->float_scalar)
    {
      if (f->datatype == VO_DATATYPE_FLOAT)
        {
          guint32 u = rd32 (p);
          return (u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu);
        }
      guint64 u = ((guint64) rd32 (p) << 32) | rd32 (p + 4);
      return (u & G_GUINT64_CONSTANT (0x7ff0000000000000))
                 == G_GUINT64_CONSTANT (0x7ff0000000000000)
             && (u & G_GUINT64_CONSTANT (0x000fffffffffffff));
    }
  if (fi->has_int_null && n == 1)
    {
      gint64 v;
      switch (f->datatype)
        {
        case VO_DATATYPE_UNSIGNED_BYTE: v = p[0]; break;
        case VO_DATATYPE_SHORT: v = (gint16) ((p[0] << 8) | p[1]); break;
        case VO_DATATYPE_INT: v = (gint32) rd32 (p); break;
        default: v = (gint64) (((guint64) rd32 (p) << 32) | rd32 (p + 4));
        }
      return v == fi->int_null;
    }
  if (f->datatype == VO_DATATYPE_BOOLEAN && n == 1 && !f->variable)
    return p[0] == '?' || p[0] == ' ' || p[0] == 0;
  return FALSE;
}

/* Cuts one row from bin[*pos..len).  Returns FALSE when the row is not
 * complete yet; *need is then a lower bound on the bytes it needs. */
static gboolean
decode_binary_row (VoTableReader *r, gsize *pos, gsize *need)
{
  const guint8 *p = r->bin + *pos;
  const guint8 *end = r->bin + r->bin_len;
  const guint8 *mask = NULL;
  guint n = r->fields->len;

  if (r->ser == SER_BINARY2)
    {
      gsize nb = (n + 7) / 8;
      if ((gsize) (end - p) < nb)
        {
          *need = *pos + nb;
          return FALSE;
        }
      mask = p;
      p += nb;
    }
  for (guint i = 0; i < n; i++)
    {
      VoCell *c = &g_array_index (r->cells, VoCell, i);
      const FieldInfo *fi = &g_array_index (r->finfo, FieldInfo, i);
      const VoField *f = c->field;
      guint64 count = f->n_fixed;
      if (f->variable)
        {
          if (end - p < 4)
            {
              *need = (gsize) (p - r->bin) + 4;
              return FALSE;
            }
          count = rd32 (p) * (guint64) f->n_fixed;
          p += 4;
        }
      guint64 bytes = f->datatype == VO_DATATYPE_BIT ? (count + 7) / 8
                                                      : count * fi->elsize;
      if ((guint64) (end - p) < bytes)
        {
          *need = (gsize) (p - r->bin) + (gsize) bytes;
          return FALSE;
        }
      c->text = NULL;
      c->text_len = 0;
      c->data = p;
      c->n_elements = (gsize) count;
      c->is_null = (mask != NULL && (mask[i >> 3] & (0x80 >> (i & 7))))
                   || (count > 0 && binary_null (fi, f, p, (gsize) count))
                   /* an empty string or variable array is null, as an
                    * empty TD is (BINARY has no other way to say it, and
                    * astropy leaves the BINARY2 mask bit of an empty string
                    * unset) */
                   || (f->variable && count == 0)
                   || (fi->is_text
                       && (count == 0
                           || (p[0] == 0
                               && (f->datatype != VO_DATATYPE_UNICODE_CHAR
                                   || p[1] == 0))));
      p += bytes;
    }
  *pos = (gsize) (p - r->bin);
  return TRUE;
}

static void
decode_binary_rows (VoTableReader *r)
{
  gsize pos = 0, need = 0;

  if (r->bin_len < r->bin_need)
    return;
  while (!r->stopped && r->error == NULL && pos < r->bin_len)
    {
      gsize start = pos;
      if (!decode_binary_row (r, &pos, &need))
        break;
      if (pos == start)
        {
          /* e.g. only arraysize="0" FIELDs: the rows would never end */
          set_error (r, "a BINARY row of these FIELDs takes no bytes");
          break;
        }
      emit_row (r);
    }
  if (pos > 0)
    {
      memmove (r->bin, r->bin + pos, r->bin_len - pos);
      r->bin_len -= pos;
      need = need > pos ? need - pos : 0;
    }
  r->bin_need = need;
}

/* base64 alphabet: value, or -1 invalid, -2 whitespace, -3 '=' */
static const gint8 b64_table[256] = {
#define X -1
  X, X, X, X, X, X, X, X, X, -2, -2, X, X, -2, X, X,
  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
  -2, X, X, X, X, X, X, X, X, X, X, 62, X, X, X, 63,
  52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X, X, X, -3, X, X,
  X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
  15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X, X, X, X, X,
  X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
  41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X, X, X, X, X,
  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
#undef X
};

static void
stream_chars (VoTableReader *r, const guint8 *s, gsize len)
{
  gsize want = r->bin_len + len / 4 * 3 + 3;
  if (want > r->bin_cap)
    {
      r->bin_cap = MAX (want, r->bin_cap * 2);
      r->bin = g_realloc (r->bin, r->bin_cap);
    }
  guint8 *out = r->bin + r->bin_len;
  guint32 acc = r->b64_acc;
  guint n = r->b64_n;
  for (gsize i = 0; i < len; i++)
    {
      gint8 v = b64_table[s[i]];
      if (G_LIKELY (v >= 0))
        {
          if (r->b64_pad)
            {
              set_error (r, "base64 data after padding in STREAM");
              return;
            }
          acc = (acc << 6) | (guint32) v;
          if (++n == 4)
            {
              out[0] = (guint8) (acc >> 16);
              out[1] = (guint8) (acc >> 8);
              out[2] = (guint8) acc;
              out += 3;
              n = 0;
              acc = 0;
            }
        }
      else if (v == -2)
        continue;
      else if (v == -3)
        {
          if (n == 2)
            *out++ = (guint8) (acc >> 4);
          else if (n == 3)
            {
              out[0] = (guint8) (acc >> 10);
              out[1] = (guint8) (acc >> 2);
              out += 2;
            }
          else if (!r->b64_pad)
            {
              set_error (r, "misplaced '=' in base64 STREAM");
              return;
            }
          n = 0;
          acc = 0;
          r->b64_pad = TRUE;
        }
      else
        {
          set_error (r, "invalid character 0x%02x in base64 STREAM", s[i]);
          return;
        }
    }
  r->b64_acc = acc;
  r->b64_n = n;
  r->bin_len = (gsize) (out - r->bin);
  decode_binary_rows (r);
}

static void
end_stream (VoTableReader *r)
{
  if (r->b64_n != 0)
    set_error (r, "truncated base64 STREAM");
  else if (r->bin_len != 0 && !r->stopped)
    set_error (r, "binary STREAM ends in the middle of a row");
  r->bin_len = 0;
  r->bin_need = 0;
}

/* ------------------------------------------------------------------------ */
/* SAX callbacks                                                             */

static void
handle_start (void *ctx, const xmlChar *localname, const xmlChar *prefix,
          const xmlChar *uri, int nb_ns, const xmlChar **ns, int nb_attrs,
          int nb_defaulted, const xmlChar **attrs)
{
  VoTableReader *r = ctx;
  const char *name = (const char *) localname;

  (void) prefix; (void) uri; (void) nb_ns; (void) ns; (void) nb_defaulted;

  /* After an error libxml2 may go on (and, having switched encodings after
   * bad UTF-8, hand us attributes pointing into a freed buffer): ignore
   * everything once an error is recorded. */
  if (G_UNLIKELY (r->error != NULL || r->stopped))
    return;

  /* The hot path first: TD and TR inside TABLEDATA. */
  if (r->ser == SER_TABLEDATA)
    {
      if (localname == r->n_td || strcmp (name, "TD") == 0)
        {
          if (!r->in_tr)
            {
              set_error (r, "TD outside TR");
              return;
            }
          if (r->offsets->len >= r->fields->len)
            {
              set_error (r, "row %" G_GUINT64_FORMAT " has more cells than "
                         "the %u FIELDs", r->n_rows + 1, r->fields->len);
              return;
            }
          if (r->offsets->len > 0)
            g_string_append_c (r->rowbuf, '\0');
          gsize off = r->rowbuf->len;
          g_array_append_val (r->offsets, off);
          r->capture = CAPTURE_TD;
          return;
        }
      if (localname == r->n_tr || strcmp (name, "TR") == 0)
        {
          r->in_tr = TRUE;
          g_string_truncate (r->rowbuf, 0);
          g_array_set_size (r->offsets, 0);
          return;
        }
    }

  if (!r->seen_root)
    {
      if (strcmp (name, "VOTABLE") != 0)
        {
          set_error (r, "the root element is <%s>, not <VOTABLE>", name);
          return;
        }
      r->seen_root = TRUE;
      return;
    }

  if (strcmp (name, "RESOURCE") == 0)
    {
      ResourceFrame *f = g_new0 (ResourceFrame, 1);
      f->info.type = attr_dup (attrs, nb_attrs, "type");
      f->info.utype = attr_dup (attrs, nb_attrs, "utype");
      f->info.id = attr_dup (attrs, nb_attrs, "ID");
      f->info.name = attr_dup (attrs, nb_attrs, "name");
      g_ptr_array_add (r->resources, f);
      if (r->cb.resource_start)
        r->cb.resource_start (&f->info, r->user_data);
    }
  else if (strcmp (name, "TABLE") == 0)
    {
      if (r->in_table)
        {
          set_error (r, "nested TABLE");
          return;
        }
      r->in_table = TRUE;
      r->table_started = FALSE;
      g_free (r->table_name);
      r->table_name = attr_dup (attrs, nb_attrs, "name");
      clear_fields (r);
    }
  else if (strcmp (name, "FIELD") == 0 && r->in_table && !r->table_started)
    {
      if (r->cur_param != NULL)
        {
          set_error (r, "FIELD inside PARAM");
          return;
        }
      VoField f = { 0 };
      g_array_append_val (r->fields, f);
      r->cur_field = &g_array_index (r->fields, VoField, r->fields->len - 1);
      r->cur_param = NULL;
      read_field_attrs (r, r->cur_field, attrs, nb_attrs);
    }
  else if (strcmp (name, "PARAM") == 0)
    {
      if (r->cur_param != NULL)
        {
          set_error (r, "PARAM inside PARAM");
          return;
        }
      r->cur_param = g_new0 (VoParam, 1);
      r->cur_field = &r->cur_param->field;
      read_field_attrs (r, r->cur_field, attrs, nb_attrs);
      r->cur_param->value = attr_dup (attrs, nb_attrs, "value");
      r->cur_param->in_table = r->in_table;
      if (r->groups->len > 0)
        r->cur_param->group
            = g_strdup (g_ptr_array_index (r->groups, r->groups->len - 1));
    }
  else if (strcmp (name, "VALUES") == 0 && r->cur_field != NULL)
    {
      g_autofree char *null = attr_dup (attrs, nb_attrs, "null");
      if (null != NULL)
        {
          g_free (r->cur_field->null_value);
          r->cur_field->null_value = g_steal_pointer (&null);
        }
    }
  else if (strcmp (name, "DESCRIPTION") == 0 && r->cur_field != NULL)
    {
      r->capture = CAPTURE_DESCRIPTION;
      g_string_truncate (r->text, 0);
    }
  else if (strcmp (name, "GROUP") == 0)
    {
      g_autofree char *gname = attr_dup (attrs, nb_attrs, "name");
      g_autofree char *gid = attr_dup (attrs, nb_attrs, "ID");
      g_ptr_array_add (r->groups, g_strdup (gname ? gname : gid));
      if (r->cb.group_start)
        r->cb.group_start (gname, gid, r->user_data);
    }
  else if (strcmp (name, "INFO") == 0)
    {
      ResourceFrame *res = r->resources->len
          ? g_ptr_array_index (r->resources, r->resources->len - 1) : NULL;
      vo_info_free (r->cur_info);
      r->cur_info = g_new0 (VoInfo, 1);
      r->cur_info->name = attr_dup (attrs, nb_attrs, "name");
      r->cur_info->value = attr_dup (attrs, nb_attrs, "value");
      r->cur_info->id = attr_dup (attrs, nb_attrs, "ID");
      r->cur_info->in_table = r->in_table;
      r->cur_info->after_table = !r->in_table && res && res->after_table;
      r->capture = CAPTURE_INFO;
      g_string_truncate (r->text, 0);
    }
  else if (strcmp (name, "DATA") == 0 && r->in_table)
    start_table_data (r);
  else if (strcmp (name, "TABLEDATA") == 0 && r->table_started)
    r->ser = SER_TABLEDATA;
  else if ((strcmp (name, "BINARY") == 0 || strcmp (name, "BINARY2") == 0)
           && r->table_started)
    {
      /* a row without columns takes no bytes: it would never end */
      if (r->fields->len == 0)
        {
          set_error (r, "%s data in a TABLE without FIELDs", name);
          return;
        }
      for (guint i = 0; i < r->fields->len; i++)
        {
          const VoField *f = &g_array_index (r->fields, VoField, i);
          if (f->datatype == VO_DATATYPE_UNKNOWN)
            {
              set_error (r, "FIELD \"%s\" has unknown datatype \"%s\"",
                         f->name ? f->name : "",
                         f->datatype_str ? f->datatype_str : "");
              return;
            }
        }
      r->ser = name[6] == '2' ? SER_BINARY2 : SER_BINARY;
    }
  else if (strcmp (name, "STREAM") == 0
           && (r->ser == SER_BINARY || r->ser == SER_BINARY2))
    {
      g_autofree char *enc = attr_dup (attrs, nb_attrs, "encoding");
      g_autofree char *href = attr_dup (attrs, nb_attrs, "href");
      if (href != NULL)
        set_error (r, "STREAM href (remote data) is not supported");
      else if (enc == NULL || strcmp (enc, "base64") != 0)
        set_error (r, "STREAM encoding \"%s\" is not supported",
                   enc ? enc : "");
      else
        {
          r->capture = CAPTURE_STREAM;
          r->bin_len = r->bin_need = 0;
          r->b64_acc = r->b64_n = 0;
          r->b64_pad = FALSE;
        }
    }
  else if (strcmp (name, "FITS") == 0 && r->table_started)
    set_error (r, "FITS serialization inside a VOTable is not supported");
}

static void
handle_end (void *ctx, const xmlChar *localname, const xmlChar *prefix,
            const xmlChar *uri)
{
  VoTableReader *r = ctx;
  const char *name = (const char *) localname;

  (void) prefix; (void) uri;

  if (G_UNLIKELY (r->error != NULL || r->stopped))
    return;
  if (r->ser == SER_TABLEDATA)
    {
      if (localname == r->n_td || strcmp (name, "TD") == 0)
        {
          r->capture = CAPTURE_NONE;
          return;
        }
      if (localname == r->n_tr || strcmp (name, "TR") == 0)
        {
          r->in_tr = FALSE;
          end_tr (r);
          return;
        }
    }

  if (strcmp (name, "RESOURCE") == 0 && r->resources->len > 0)
    {
      ResourceFrame *f = g_ptr_array_index (r->resources,
                                            r->resources->len - 1);
      if (r->cb.resource_end)
        r->cb.resource_end (&f->info, r->user_data);
      g_ptr_array_remove_index (r->resources, r->resources->len - 1);
    }
  else if (strcmp (name, "TABLE") == 0 && r->in_table)
    {
      start_table_data (r);
      if (r->cb.table_end && r->error == NULL)
        r->cb.table_end (r->user_data);
      r->in_table = FALSE;
      r->table_started = FALSE;
      r->ser = SER_NONE;
      clear_fields (r);
      if (r->resources->len > 0)
        ((ResourceFrame *) g_ptr_array_index (r->resources,
                                              r->resources->len - 1))
            ->after_table = TRUE;
    }
  else if (strcmp (name, "FIELD") == 0 && r->cur_field && !r->cur_param)
    r->cur_field = NULL;
  else if (strcmp (name, "PARAM") == 0 && r->cur_param)
    {
      if (r->cb.param)
        r->cb.param (r->cur_param, r->user_data);
      g_clear_pointer (&r->cur_param, vo_param_free);
      r->cur_field = NULL;
    }
  else if (strcmp (name, "DESCRIPTION") == 0
           && r->capture == CAPTURE_DESCRIPTION)
    {
      /* NULL when a PARAM or FIELD inside the DESCRIPTION has ended */
      if (r->cur_field != NULL)
        {
          g_free (r->cur_field->description);
          r->cur_field->description = g_strdup (g_strstrip (r->text->str));
        }
      r->capture = CAPTURE_NONE;
    }
  else if (strcmp (name, "GROUP") == 0 && r->groups->len > 0)
    {
      g_ptr_array_remove_index (r->groups, r->groups->len - 1);
      if (r->cb.group_end)
        r->cb.group_end (r->user_data);
    }
  else if (strcmp (name, "INFO") == 0 && r->cur_info)
    {
      VoInfo *info = r->cur_info;
      info->text = g_strdup (g_strstrip (r->text->str));
      r->capture = CAPTURE_NONE;
      if (info->name && strcmp (info->name, "QUERY_STATUS") == 0)
        {
          const char *v = info->value ? info->value : "";
          r->status = g_ascii_strcasecmp (v, "OK") == 0 ? VO_QUERY_STATUS_OK
                      : g_ascii_strcasecmp (v, "OVERFLOW") == 0
                          ? VO_QUERY_STATUS_OVERFLOW
                      : g_ascii_strcasecmp (v, "ERROR") == 0
                          ? VO_QUERY_STATUS_ERROR
                          : VO_QUERY_STATUS_OTHER;
          g_free (r->status_text);
          r->status_text = g_strdup (*info->text ? info->text : v);
        }
      if (r->cb.info)
        r->cb.info (info, r->user_data);
      g_clear_pointer (&r->cur_info, vo_info_free);
    }
  else if (strcmp (name, "STREAM") == 0 && r->capture == CAPTURE_STREAM)
    {
      r->capture = CAPTURE_NONE;
      end_stream (r);
    }
  else if (strcmp (name, "TABLEDATA") == 0 || strcmp (name, "BINARY") == 0
           || strcmp (name, "BINARY2") == 0)
    r->ser = SER_NONE;
}

static void
handle_chars (void *ctx, const xmlChar *ch, int len)
{
  VoTableReader *r = ctx;

  if (G_UNLIKELY (r->error != NULL || r->stopped))
    return;
  switch (r->capture)
    {
    case CAPTURE_TD:
      g_string_append_len (r->rowbuf, (const char *) ch, len);
      break;
    case CAPTURE_STREAM:
      stream_chars (r, ch, (gsize) len);
      break;
    case CAPTURE_INFO:
    case CAPTURE_DESCRIPTION:
      g_string_append_len (r->text, (const char *) ch, len);
      break;
    case CAPTURE_NONE:
    default:
      break;
    }
}

/* The SAX entry points: stop the parser after a callback that failed. */
static void
on_start (void *ctx, const xmlChar *localname, const xmlChar *prefix,
          const xmlChar *uri, int nb_ns, const xmlChar **ns, int nb_attrs,
          int nb_defaulted, const xmlChar **attrs)
{
  VoTableReader *r = ctx;
  handle_start (ctx, localname, prefix, uri, nb_ns, ns, nb_attrs,
                nb_defaulted, attrs);
  if (G_UNLIKELY (r->error != NULL))
    xmlStopParser (r->ctxt);
}

static void
on_end (void *ctx, const xmlChar *localname, const xmlChar *prefix,
        const xmlChar *uri)
{
  VoTableReader *r = ctx;
  handle_end (ctx, localname, prefix, uri);
  if (G_UNLIKELY (r->error != NULL))
    xmlStopParser (r->ctxt);
}

static void
on_chars (void *ctx, const xmlChar *ch, int len)
{
  VoTableReader *r = ctx;
  handle_chars (ctx, ch, len);
  if (G_UNLIKELY (r->error != NULL))
    xmlStopParser (r->ctxt);
}

static void
on_xml_error (void *ctx, xmlErrorPtr err)
{
  VoTableReader *r = ctx;

  if (err == NULL || err->level < XML_ERR_ERROR || r->error != NULL)
    return;
  if (r->stopped && err->code == XML_ERR_USER_STOP)
    return;
  g_autofree char *msg = g_strstrip (g_strdup (err->message ? err->message
                                                            : "XML error"));
  r->error = g_error_new (VO_ERROR, VO_ERROR_PARSE,
                          "Malformed VOTable (line %d): %s", err->line, msg);
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */

VoTableReader *
vo_table_reader_new (const VoTableCallbacks *callbacks, gpointer user_data)
{
  static xmlSAXHandler sax;
  static gsize sax_init = 0;

  if (g_once_init_enter (&sax_init))
    {
      memset (&sax, 0, sizeof sax);
      sax.initialized = XML_SAX2_MAGIC;
      sax.startElementNs = on_start;
      sax.endElementNs = on_end;
      sax.characters = on_chars;
      sax.cdataBlock = on_chars;
      sax.serror = on_xml_error;
      g_once_init_leave (&sax_init, 1);
    }

  VoTableReader *r = g_new0 (VoTableReader, 1);
  if (callbacks)
    r->cb = *callbacks;
  r->user_data = user_data;
  r->resources = g_ptr_array_new_with_free_func (resource_frame_free);
  r->groups = g_ptr_array_new_with_free_func (g_free);
  r->fields = g_array_new (FALSE, TRUE, sizeof (VoField));
  r->finfo = g_array_new (FALSE, TRUE, sizeof (FieldInfo));
  r->cells = g_array_new (FALSE, TRUE, sizeof (VoCell));
  r->offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  r->rowbuf = g_string_sized_new (4096);
  r->text = g_string_new (NULL);
  r->ctxt = xmlCreatePushParserCtxt (&sax, r, NULL, 0, NULL);
  if (r->ctxt == NULL)
    g_error ("libxml2 could not create a parser (out of memory)");
  /* XML_PARSE_HUGE only together with: no entity substitution (no
   * XML_PARSE_NOENT), no DTD loading, no network. */
  xmlCtxtUseOptions (r->ctxt, XML_PARSE_NONET | XML_PARSE_HUGE
                                  | XML_PARSE_NOCDATA);
  r->ctxt->replaceEntities = 0;
  r->ctxt->loadsubset = 0;
  r->ctxt->validate = 0;
  if (r->ctxt->dict)
    {
      r->n_td = xmlDictLookup (r->ctxt->dict, BAD_CAST "TD", -1);
      r->n_tr = xmlDictLookup (r->ctxt->dict, BAD_CAST "TR", -1);
    }
  return r;
}

void
vo_table_reader_free (VoTableReader *r)
{
  if (r == NULL)
    return;
  if (r->ctxt)
    {
      if (r->ctxt->myDoc)
        xmlFreeDoc (r->ctxt->myDoc);
      xmlFreeParserCtxt (r->ctxt);
    }
  clear_fields (r);
  g_array_free (r->fields, TRUE);
  g_array_free (r->finfo, TRUE);
  g_array_free (r->cells, TRUE);
  g_array_free (r->offsets, TRUE);
  g_ptr_array_free (r->resources, TRUE);
  g_ptr_array_free (r->groups, TRUE);
  g_string_free (r->rowbuf, TRUE);
  g_string_free (r->text, TRUE);
  if (r->cur_param)
    vo_param_free (r->cur_param);
  vo_info_free (r->cur_info);
  g_free (r->table_name);
  g_free (r->bin);
  g_free (r->status_text);
  g_clear_error (&r->error);
  g_free (r);
}

static gboolean
push (VoTableReader *r, const char *data, gsize len, gboolean terminate,
      GError **error)
{
  if (r->error == NULL && !r->stopped)
    {
      /* xmlParseChunk takes an int size: feed in bounded pieces. */
      do
        {
          int n = (int) MIN (len, (gsize) (1 << 30));
          len -= (gsize) n;
          int rc = xmlParseChunk (r->ctxt, data, n, terminate && len == 0);
          data += n;
          if (r->stopped || r->error != NULL)
            break;
          if (rc != 0)
            {
              const xmlError *e = xmlCtxtGetLastError (r->ctxt);
              r->error = g_error_new (VO_ERROR, VO_ERROR_PARSE,
                                      "Malformed VOTable: %s",
                                      e && e->message ? e->message
                                                      : "XML error");
              g_strchomp (r->error->message);
            }
        }
      while (len > 0 && r->error == NULL);
    }
  if (r->error != NULL)
    {
      g_propagate_error (error, g_error_copy (r->error));
      return FALSE;
    }
  return TRUE;
}

gboolean
vo_table_reader_feed (VoTableReader *r, const char *data, gsize len,
                      GError **error)
{
  g_return_val_if_fail (r != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (!r->finished, FALSE);

  return push (r, len ? data : "", len, FALSE, error);
}

gboolean
vo_table_reader_finish (VoTableReader *r, GError **error)
{
  g_return_val_if_fail (r != NULL, FALSE);

  if (!r->finished)
    {
      r->finished = TRUE;
      if (!push (r, "", 0, TRUE, error))
        return FALSE;
    }
  else if (r->error)
    {
      g_propagate_error (error, g_error_copy (r->error));
      return FALSE;
    }
  if (!r->seen_root && !r->stopped)
    {
      r->error = g_error_new (VO_ERROR, VO_ERROR_PARSE,
                              "Malformed VOTable: no VOTABLE element");
      g_propagate_error (error, g_error_copy (r->error));
      return FALSE;
    }
  return TRUE;
}

gboolean
vo_table_reader_parse_stream (VoTableReader *r, GInputStream *stream,
                              GCancellable *cancellable, GError **error)
{
  gsize bufsize = 256 * 1024;
  g_autofree char *buf = g_malloc (bufsize);

  for (;;)
    {
      gssize n = g_input_stream_read (stream, buf, bufsize, cancellable,
                                      error);
      if (n < 0)
        return FALSE;
      if (n == 0)
        break;
      if (!vo_table_reader_feed (r, buf, (gsize) n, error))
        return FALSE;
      if (r->stopped)
        break;
    }
  return vo_table_reader_finish (r, error);
}

gboolean
vo_table_reader_was_stopped (VoTableReader *r)
{
  return r->stopped;
}

guint64
vo_table_reader_get_n_rows (VoTableReader *r)
{
  return r->n_rows;
}

VoQueryStatus
vo_table_reader_get_query_status (VoTableReader *r, const char **text)
{
  if (text)
    *text = r->status_text;
  return r->status;
}

gboolean
vo_table_reader_check_query_status (VoTableReader *r, GError **error)
{
  if (r->status == VO_QUERY_STATUS_ERROR || r->status == VO_QUERY_STATUS_OTHER)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_QUERY, "%s",
                   r->status_text && *r->status_text ? r->status_text
                                                     : "Query failed");
      return FALSE;
    }
  return TRUE;
}

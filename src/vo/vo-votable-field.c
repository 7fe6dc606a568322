/* vo-votable-field.c: VOTable FIELD metadata and cell values.
 *
 * Datatype and arraysize parsing, astropy-style unique column names, and the
 * conversions of a VoCell (text from TABLEDATA or raw big-endian primitives
 * from BINARY/BINARY2) to text and numbers.  Pure functions: no I/O, no XML.
 * Floats are written with the shortest text that reads back exactly.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "vo-votable-private.h"

static const char *const datatype_names[] = {
  [VO_DATATYPE_UNKNOWN] = "char",
  [VO_DATATYPE_BOOLEAN] = "boolean",
  [VO_DATATYPE_BIT] = "bit",
  [VO_DATATYPE_UNSIGNED_BYTE] = "unsignedByte",
  [VO_DATATYPE_SHORT] = "short",
  [VO_DATATYPE_INT] = "int",
  [VO_DATATYPE_LONG] = "long",
  [VO_DATATYPE_CHAR] = "char",
  [VO_DATATYPE_UNICODE_CHAR] = "unicodeChar",
  [VO_DATATYPE_FLOAT] = "float",
  [VO_DATATYPE_DOUBLE] = "double",
  [VO_DATATYPE_FLOAT_COMPLEX] = "floatComplex",
  [VO_DATATYPE_DOUBLE_COMPLEX] = "doubleComplex",
};

VoDatatype
vo_datatype_from_string (const char *s)
{
  if (s == NULL)
    return VO_DATATYPE_UNKNOWN;
  for (guint i = 1; i < G_N_ELEMENTS (datatype_names); i++)
    if (strcmp (s, datatype_names[i]) == 0)
      return (VoDatatype) i;
  return VO_DATATYPE_UNKNOWN;
}

const char *
vo_datatype_to_string (VoDatatype dt)
{
  if ((guint) dt >= G_N_ELEMENTS (datatype_names))
    return "char";
  return datatype_names[dt];
}

guint
vo_datatype_element_size (VoDatatype dt)
{
  switch (dt)
    {
    case VO_DATATYPE_BOOLEAN:
    case VO_DATATYPE_UNSIGNED_BYTE:
    case VO_DATATYPE_CHAR:
      return 1;
    case VO_DATATYPE_SHORT:
    case VO_DATATYPE_UNICODE_CHAR:
      return 2;
    case VO_DATATYPE_INT:
    case VO_DATATYPE_FLOAT:
      return 4;
    case VO_DATATYPE_LONG:
    case VO_DATATYPE_DOUBLE:
    case VO_DATATYPE_FLOAT_COMPLEX:
      return 8;
    case VO_DATATYPE_DOUBLE_COMPLEX:
      return 16;
    case VO_DATATYPE_BIT:
    case VO_DATATYPE_UNKNOWN:
    default:
      return 0;
    }
}

/* Arraysize grammar: dim ("x" dim)*, dim = N | N"*" | "*"; only the last
 * dimension may be variable. */
gboolean
vo_field_set_arraysize (VoField *field, const char *arraysize, GError **error)
{
  guint64 n_fixed = 1;
  gboolean variable = FALSE;

  if (arraysize != NULL && *arraysize != '\0')
    {
      const char *p = arraysize;
      for (;;)
        {
          guint64 dim = 0;
          gboolean digits = FALSE, star = FALSE;
          while (g_ascii_isdigit (*p))
            {
              dim = dim * 10 + (guint64) (*p - '0');
              digits = TRUE;
              p++;
              if (dim > G_MAXUINT32)
                goto bad;
            }
          if (*p == '*')
            {
              star = TRUE;
              p++;
            }
          if (!digits && !star)
            goto bad;
          if (star)
            {
              if (*p != '\0')
                goto bad;   /* "*" only in the last dimension */
              variable = TRUE;
              break;
            }
          n_fixed *= dim;
          if (n_fixed > G_MAXUINT32)
            goto bad;
          if (*p == '\0')
            break;
          if (*p != 'x')
            goto bad;
          p++;
        }
    }
  g_free (field->arraysize);
  field->arraysize = g_strdup (arraysize);
  field->n_fixed = (guint) n_fixed;
  field->variable = variable;
  return TRUE;

bad:
  g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
               "Invalid arraysize \"%s\" in FIELD \"%s\"", arraysize,
               field->name ? field->name : "");
  return FALSE;
}

void
vo_field_copy (VoField *dest, const VoField *src)
{
  dest->name = g_strdup (src->name);
  dest->id = g_strdup (src->id);
  dest->datatype_str = g_strdup (src->datatype_str);
  dest->datatype = src->datatype;
  dest->arraysize = g_strdup (src->arraysize);
  dest->xtype = g_strdup (src->xtype);
  dest->unit = g_strdup (src->unit);
  dest->ucd = g_strdup (src->ucd);
  dest->utype = g_strdup (src->utype);
  dest->ref = g_strdup (src->ref);
  dest->description = g_strdup (src->description);
  dest->null_value = g_strdup (src->null_value);
  dest->n_fixed = src->n_fixed;
  dest->variable = src->variable;
}

void
vo_field_clear (VoField *field)
{
  g_free (field->name);
  g_free (field->id);
  g_free (field->datatype_str);
  g_free (field->arraysize);
  g_free (field->xtype);
  g_free (field->unit);
  g_free (field->ucd);
  g_free (field->utype);
  g_free (field->ref);
  g_free (field->description);
  g_free (field->null_value);
  memset (field, 0, sizeof *field);
}

void
vo_info_free (VoInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->value);
  g_free (info->id);
  g_free (info->text);
  g_free (info);
}

void
vo_param_free (VoParam *param)
{
  if (param == NULL)
    return;
  vo_field_clear (&param->field);
  g_free (param->value);
  g_free (param->group);
  g_free (param);
}

char **
vo_fields_unique_names (const VoField *fields, guint n_fields)
{
  g_autoptr (GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
  char **names = g_new0 (char *, n_fields + 1);

  /* First pass: the names as written are reserved, so a later "a2" keeps
   * its name and the duplicate "a" becomes "a3" (astropy does the same). */
  for (guint i = 0; i < n_fields; i++)
    if (fields[i].name != NULL)
      g_hash_table_add (taken, fields[i].name);
  g_autoptr (GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n_fields; i++)
    {
      const char *base = fields[i].name;
      g_autofree char *fallback = NULL;
      if (base == NULL || *base == '\0')
        base = fallback = g_strdup_printf ("col%u", i + 1);
      char *name = g_strdup (base);
      for (guint k = 2; g_hash_table_contains (used, name)
                        || (k > 2 && g_hash_table_contains (taken, name));
           k++)
        {
          g_free (name);
          name = g_strdup_printf ("%s%u", base, k);
        }
      names[i] = name;
      g_hash_table_add (used, name);
    }
  return names;
}

/* ------------------------------------------------------------------------ */
/* Number formatting                                                         */

void
vo_votable_format_double (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (v))
    {
      g_string_append (out, "NaN");
      return;
    }
  if (isinf (v))
    {
      g_string_append (out, v > 0 ? "+Inf" : "-Inf");
      return;
    }
  for (int prec = 15; prec <= 17; prec++)
    {
      static const char *const fmts[] = { "%.15g", "%.16g", "%.17g" };
      g_ascii_formatd (buf, sizeof buf, fmts[prec - 15], v);
      if (prec == 17 || g_ascii_strtod (buf, NULL) == v)
        break;
    }
  g_string_append (out, buf);
}

void
vo_votable_format_float (GString *out, float v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (v) || isinf (v))
    {
      vo_votable_format_double (out, v);
      return;
    }
  for (int prec = 6; prec <= 9; prec++)
    {
      static const char *const fmts[] = { "%.6g", "%.7g", "%.8g", "%.9g" };
      g_ascii_formatd (buf, sizeof buf, fmts[prec - 6], v);
      if (prec == 9 || (float) g_ascii_strtod (buf, NULL) == v)
        break;
    }
  g_string_append (out, buf);
}

/* ------------------------------------------------------------------------ */
/* Binary cells                                                              */

static inline guint16
be16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static inline guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16)
         | ((guint32) p[2] << 8) | p[3];
}

static inline guint64
be64 (const guint8 *p)
{
  return ((guint64) be32 (p) << 32) | be32 (p + 4);
}

static inline float
befloat (const guint8 *p)
{
  guint32 u = be32 (p);
  float f;
  memcpy (&f, &u, sizeof f);
  return f;
}

static inline double
bedouble (const guint8 *p)
{
  guint64 u = be64 (p);
  double d;
  memcpy (&d, &u, sizeof d);
  return d;
}

static char
bool_char (guint8 c)
{
  switch (c)
    {
    case 'T': case 't': case '1':
      return 'T';
    case 'F': case 'f': case '0':
      return 'F';
    default:
      return '?';
    }
}

static void
binary_to_string (const VoCell *cell, GString *out)
{
  VoDatatype dt = cell->field ? cell->field->datatype : VO_DATATYPE_CHAR;
  const guint8 *p = cell->data;
  gsize n = cell->n_elements;

  if (dt == VO_DATATYPE_CHAR || dt == VO_DATATYPE_UNKNOWN)
    {
      const guint8 *nul = memchr (p, 0, n);
      g_string_append_len (out, (const char *) p, nul ? nul - p : (gssize) n);
      return;
    }
  if (dt == VO_DATATYPE_UNICODE_CHAR)
    {
      for (gsize i = 0; i < n; i++)
        {
          gunichar c = be16 (p + 2 * i);
          if (c == 0)
            break;
          if (c >= 0xD800 && c <= 0xDFFF)
            c = 0xFFFD;   /* UCS-2 has no surrogates */
          g_string_append_unichar (out, c);
        }
      return;
    }
  if (dt == VO_DATATYPE_BIT)
    {
      /* bits are written without separators, as astropy does ("1011") */
      for (gsize i = 0; i < n; i++)
        g_string_append_c (out, (p[i / 8] >> (7 - i % 8)) & 1 ? '1' : '0');
      return;
    }
  for (gsize i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      switch (dt)
        {
        case VO_DATATYPE_BOOLEAN:
          g_string_append_c (out, bool_char (p[i]));
          break;
        case VO_DATATYPE_UNSIGNED_BYTE:
          g_string_append_printf (out, "%u", p[i]);
          break;
        case VO_DATATYPE_SHORT:
          g_string_append_printf (out, "%d", (gint16) be16 (p + 2 * i));
          break;
        case VO_DATATYPE_INT:
          g_string_append_printf (out, "%" G_GINT32_FORMAT,
                                  (gint32) be32 (p + 4 * i));
          break;
        case VO_DATATYPE_LONG:
          g_string_append_printf (out, "%" G_GINT64_FORMAT,
                                  (gint64) be64 (p + 8 * i));
          break;
        case VO_DATATYPE_FLOAT:
          vo_votable_format_float (out, befloat (p + 4 * i));
          break;
        case VO_DATATYPE_DOUBLE:
          vo_votable_format_double (out, bedouble (p + 8 * i));
          break;
        case VO_DATATYPE_FLOAT_COMPLEX:
          vo_votable_format_float (out, befloat (p + 8 * i));
          g_string_append_c (out, ' ');
          vo_votable_format_float (out, befloat (p + 8 * i + 4));
          break;
        case VO_DATATYPE_DOUBLE_COMPLEX:
          vo_votable_format_double (out, bedouble (p + 16 * i));
          g_string_append_c (out, ' ');
          vo_votable_format_double (out, bedouble (p + 16 * i + 8));
          break;
        default:
          break;
        }
    }
}

void
vo_cell_to_string (const VoCell *cell, GString *out)
{
  if (cell->is_null)
    return;
  if (cell->text != NULL)
    g_string_append_len (out, cell->text, (gssize) cell->text_len);
  else if (cell->data != NULL)
    binary_to_string (cell, out);
}

char *
vo_cell_dup_string (const VoCell *cell)
{
  if (cell->is_null)
    return NULL;
  if (cell->text != NULL)
    return g_strndup (cell->text, cell->text_len);
  GString *s = g_string_new (NULL);
  binary_to_string (cell, s);
  return g_string_free (s, FALSE);
}

/* The first element of a binary cell as a double; FALSE if it has none. */
static gboolean
binary_first_double (const VoCell *cell, double *value)
{
  const guint8 *p = cell->data;

  if (cell->n_elements == 0 || cell->field == NULL)
    return FALSE;
  switch (cell->field->datatype)
    {
    case VO_DATATYPE_BOOLEAN:
      if (bool_char (p[0]) == '?')
        return FALSE;
      *value = bool_char (p[0]) == 'T';
      return TRUE;
    case VO_DATATYPE_BIT:
      *value = (p[0] >> 7) & 1;
      return TRUE;
    case VO_DATATYPE_UNSIGNED_BYTE:
      *value = p[0];
      return TRUE;
    case VO_DATATYPE_SHORT:
      *value = (gint16) be16 (p);
      return TRUE;
    case VO_DATATYPE_INT:
      *value = (gint32) be32 (p);
      return TRUE;
    case VO_DATATYPE_LONG:
      *value = (double) (gint64) be64 (p);
      return TRUE;
    case VO_DATATYPE_FLOAT:
    case VO_DATATYPE_FLOAT_COMPLEX:
      *value = befloat (p);
      return TRUE;
    case VO_DATATYPE_DOUBLE:
    case VO_DATATYPE_DOUBLE_COMPLEX:
      *value = bedouble (p);
      return TRUE;
    default:
      return FALSE;   /* char: use the text path */
    }
}

/* Parses the first whitespace-separated token of a text cell. */
static gboolean
text_first_double (const char *text, double *value)
{
  const char *p = text;
  char *end = NULL;

  while (g_ascii_isspace (*p))
    p++;
  if ((p[0] == 'T' || p[0] == 't' || p[0] == 'F' || p[0] == 'f')
      && (p[1] == '\0' || g_ascii_isspace (p[1])
          || g_ascii_strncasecmp (p, "true", 4) == 0
          || g_ascii_strncasecmp (p, "false", 5) == 0))
    {
      *value = (p[0] == 'T' || p[0] == 't');
      return TRUE;
    }
  if (g_ascii_strncasecmp (p, "+Inf", 4) == 0)
    {
      *value = INFINITY;
      return TRUE;
    }
  if (g_ascii_strncasecmp (p, "-Inf", 4) == 0)
    {
      *value = -INFINITY;
      return TRUE;
    }
  double v = g_ascii_strtod (p, &end);
  if (end == p || (*end != '\0' && !g_ascii_isspace (*end)))
    return FALSE;
  *value = v;
  return TRUE;
}

gboolean
vo_cell_get_double (const VoCell *cell, double *value)
{
  double v = NAN;
  gboolean ok = FALSE;

  if (!cell->is_null)
    {
      if (cell->text != NULL)
        ok = text_first_double (cell->text, &v);
      else if (cell->data != NULL)
        {
          ok = binary_first_double (cell, &v);
          if (!ok && cell->field && cell->field->datatype == VO_DATATYPE_CHAR)
            {
              g_autofree char *s = vo_cell_dup_string (cell);
              ok = text_first_double (s, &v);
            }
        }
    }
  *value = ok ? v : NAN;
  return ok;
}

gboolean
vo_cell_get_int64 (const VoCell *cell, gint64 *value)
{
  *value = 0;
  if (cell->is_null)
    return FALSE;
  if (cell->text != NULL || (cell->field
                             && cell->field->datatype == VO_DATATYPE_CHAR))
    {
      g_autofree char *s = vo_cell_dup_string (cell);
      char *p = g_strstrip (s), *end = NULL;
      gint64 v = g_ascii_strtoll (p, &end, 10);
      if (end == p || *end != '\0')
        return FALSE;
      *value = v;
      return TRUE;
    }
  if (cell->data == NULL || cell->n_elements == 0 || cell->field == NULL)
    return FALSE;
  switch (cell->field->datatype)
    {
    case VO_DATATYPE_UNSIGNED_BYTE:
      *value = cell->data[0];
      return TRUE;
    case VO_DATATYPE_SHORT:
      *value = (gint16) be16 (cell->data);
      return TRUE;
    case VO_DATATYPE_INT:
      *value = (gint32) be32 (cell->data);
      return TRUE;
    case VO_DATATYPE_LONG:
      *value = (gint64) be64 (cell->data);
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
vo_cell_get_boolean (const VoCell *cell, gboolean *value)
{
  *value = FALSE;
  if (cell->is_null)
    return FALSE;
  if (cell->data != NULL && cell->field
      && cell->field->datatype == VO_DATATYPE_BOOLEAN)
    {
      if (cell->n_elements == 0 || bool_char (cell->data[0]) == '?')
        return FALSE;
      *value = bool_char (cell->data[0]) == 'T';
      return TRUE;
    }
  g_autofree char *s = vo_cell_dup_string (cell);
  char *p = g_strstrip (s);
  if (g_ascii_strcasecmp (p, "T") == 0 || g_ascii_strcasecmp (p, "true") == 0
      || strcmp (p, "1") == 0)
    *value = TRUE;
  else if (!(g_ascii_strcasecmp (p, "F") == 0
             || g_ascii_strcasecmp (p, "false") == 0 || strcmp (p, "0") == 0))
    return FALSE;
  return TRUE;
}

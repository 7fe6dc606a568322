/* vo-votable-writer.c: VoTableWriter, tables out as VOTable/CSV/TSV/text.
 *
 * Everything is appended to one GString that is flushed to the output stream
 * whenever it passes 64 KiB, so writing is streaming for every format but the
 * aligned text table, which buffers its rows to size its columns.  Owns: the
 * buffer and a reference on the output stream; never closes the stream.
 *
 * A VoTableShape picks and orders the columns (a map from the written
 * columns to the input's, applied to every row) and, for the text table
 * on a terminal, cuts it to a width and adds a footer.
 */
#include "config.h"

#include <string.h>

#include "vo-votable-writer.h"
#include "vo-votable-private.h"
#include "vo-text.h"

#define FLUSH_AT (64 * 1024)

typedef enum { ST_NEW, ST_RESOURCE, ST_TABLE, ST_AFTER_TABLE, ST_DONE } State;

struct _VoTableWriter {
  GOutputStream *out;
  VoFormat format;
  State state;
  GString *buf;
  GString *scratch;
  guint n_fields;
  GArray *fields;        /* VoField copies */
  GPtrArray *rows;       /* VO_FORMAT_TABLE: char** per row (NULL = null) */
  GString *table_infos;  /* INFOs given while a TABLE is open */
  /* the shape (vo_table_writer_set_shape) */
  GStrv columns, first;
  guint width;
  gboolean emphasis;
  guint n_in;            /* columns of the input table */
  guint *sel;            /* written column i is input column sel[i]; NULL: the same */
};

/* the widest a cell of a table cut to a terminal's width gets */
#define CELL_MAX 40
#define ELLIPSIS "\xe2\x80\xa6" /* U+2026 */

gboolean
vo_format_from_string (const char *s, VoFormat *format, GError **error)
{
  static const char *const names[] = { "votable", "csv", "tsv", "table" };

  for (guint i = 0; s && i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (s, names[i]) == 0)
      {
        *format = (VoFormat) i;
        return TRUE;
      }
  g_set_error (error, VO_ERROR, VO_ERROR_FAILED,
               "Unknown output format \"%s\" (use votable, csv, tsv or table)",
               s ? s : "");
  return FALSE;
}

VoTableWriter *
vo_table_writer_new (GOutputStream *out, VoFormat format)
{
  VoTableWriter *w = g_new0 (VoTableWriter, 1);
  w->out = g_object_ref (out);
  w->format = format;
  w->buf = g_string_sized_new (FLUSH_AT + 4096);
  w->scratch = g_string_new (NULL);
  w->fields = g_array_new (FALSE, TRUE, sizeof (VoField));
  w->rows = g_ptr_array_new ();
  w->table_infos = g_string_new (NULL);
  return w;
}

static void
free_rows (VoTableWriter *w)
{
  for (guint r = 0; r < w->rows->len; r++)
    {
      char **row = g_ptr_array_index (w->rows, r);
      for (guint i = 0; i < w->n_fields; i++)
        g_free (row[i]);
      g_free (row);
    }
  g_ptr_array_set_size (w->rows, 0);
}

static void
clear_fields (VoTableWriter *w)
{
  for (guint i = 0; i < w->fields->len; i++)
    vo_field_clear (&g_array_index (w->fields, VoField, i));
  g_array_set_size (w->fields, 0);
}

void
vo_table_writer_free (VoTableWriter *w)
{
  if (w == NULL)
    return;
  free_rows (w);
  g_ptr_array_unref (w->rows);
  clear_fields (w);
  g_array_free (w->fields, TRUE);
  g_string_free (w->buf, TRUE);
  g_string_free (w->scratch, TRUE);
  g_string_free (w->table_infos, TRUE);
  g_strfreev (w->columns);
  g_strfreev (w->first);
  g_free (w->sel);
  g_object_unref (w->out);
  g_free (w);
}

void
vo_table_writer_set_shape (VoTableWriter *w, const VoTableShape *shape)
{
  g_clear_pointer (&w->columns, g_strfreev);
  g_clear_pointer (&w->first, g_strfreev);
  w->width = 0;
  w->emphasis = FALSE;
  if (shape == NULL)
    return;
  w->columns = g_strdupv ((char **) shape->columns);
  w->first = g_strdupv ((char **) shape->first);
  w->width = shape->width;
  w->emphasis = shape->emphasis;
}

static gint
find_field (const VoField *fields, guint n, const char *name)
{
  for (guint i = 0; i < n; i++)
    if (fields[i].name != NULL && strcmp (fields[i].name, name) == 0)
      return (gint) i;
  /* ADQL names are case-insensitive */
  for (guint i = 0; i < n; i++)
    if (fields[i].name != NULL && g_ascii_strcasecmp (fields[i].name, name) == 0)
      return (gint) i;
  return -1;
}

/* w->sel and w->n_fields from the shape for a table of these fields */
static gboolean
select_columns (VoTableWriter *w, const VoField *fields, guint n, GError **error)
{
  guint k = 0;
  g_autofree gboolean *used = NULL;

  g_clear_pointer (&w->sel, g_free);
  w->n_in = n;
  w->n_fields = n;
  if (w->columns == NULL && (w->first == NULL || w->format != VO_FORMAT_TABLE))
    return TRUE;
  if (w->columns != NULL)
    {
      guint want = g_strv_length (w->columns);
      w->sel = g_new0 (guint, MAX (want, 1));
      for (guint c = 0; c < want; c++)
        {
          gint i = find_field (fields, n, w->columns[c]);
          if (i < 0)
            {
              GString *names = g_string_new (NULL);
              for (guint j = 0; j < n; j++)
                g_string_append_printf (names, "%s%s", j > 0 ? ", " : "",
                                        fields[j].name ? fields[j].name : "");
              g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
                           "unknown column '%s' (available: %s)", w->columns[c], names->str);
              g_string_free (names, TRUE);
              g_clear_pointer (&w->sel, g_free);
              return FALSE;
            }
          w->sel[k++] = (guint) i;
        }
      w->n_fields = k;
      return TRUE;
    }
  w->sel = g_new0 (guint, MAX (n, 1));
  used = g_new0 (gboolean, MAX (n, 1));
  for (guint c = 0; w->first[c] != NULL; c++)
    {
      gint i = find_field (fields, n, w->first[c]);
      if (i >= 0 && !used[i])
        {
          used[i] = TRUE;
          w->sel[k++] = (guint) i;
        }
    }
  for (guint i = 0; i < n; i++)
    if (!used[i])
      w->sel[k++] = i;
  return TRUE;
}

static gboolean
flush (VoTableWriter *w, gboolean force, GError **error)
{
  if (w->buf->len == 0 || (!force && w->buf->len < FLUSH_AT))
    return TRUE;
  gboolean ok = g_output_stream_write_all (w->out, w->buf->str, w->buf->len,
                                           NULL, NULL, error);
  g_string_truncate (w->buf, 0);
  return ok;
}

/* ------------------------------------------------------------------------ */
/* Escaping                                                                  */

/* XML text (attr = TRUE: also quotes and whitespace controls).  Characters
 * XML 1.0 cannot carry, and invalid UTF-8, become U+FFFD. */
void
vo_xml_append_escaped (GString *out, const char *s, gboolean attr)
{
  const char *end = s + strlen (s);

  while (s < end)
    {
      const char *run = s;
      while (s < end && (guchar) *s >= 0x20 && (guchar) *s < 0x80 && *s != '&'
             && *s != '<' && *s != '>' && *s != '"')
        s++;
      g_string_append_len (out, run, s - run);
      if (s >= end)
        break;
      guchar c = (guchar) *s;
      if (c >= 0x80)
        {
          gunichar u = g_utf8_get_char_validated (s, end - s);
          if (u == (gunichar) -1 || u == (gunichar) -2 || u == 0xFFFE
              || u == 0xFFFF)
            {
              g_string_append (out, "\xEF\xBF\xBD");
              s++;
            }
          else
            {
              const char *next = g_utf8_next_char (s);
              g_string_append_len (out, s, next - s);
              s = next;
            }
          continue;
        }
      switch (c)
        {
        case '&': g_string_append (out, "&amp;"); break;
        case '<': g_string_append (out, "&lt;"); break;
        case '>': g_string_append (out, "&gt;"); break;
        case '"': g_string_append (out, attr ? "&quot;" : "\""); break;
        case '\t': g_string_append (out, attr ? "&#9;" : "\t"); break;
        case '\n': g_string_append (out, attr ? "&#10;" : "\n"); break;
        case '\r': g_string_append (out, "&#13;"); break;
        default: g_string_append (out, "\xEF\xBF\xBD"); break;
        }
      s++;
    }
}

static void
append_attr (GString *out, const char *name, const char *value)
{
  if (value == NULL)
    return;
  g_string_append_printf (out, " %s=\"", name);
  vo_xml_append_escaped (out, value, TRUE);
  g_string_append_c (out, '"');
}

static void
append_csv (GString *out, const char *s)
{
  gsize len = strlen (s);
  gboolean quote = len > 0 && (g_ascii_isspace (s[0])
                               || g_ascii_isspace (s[len - 1])
                               || strpbrk (s, ",\"\r\n") != NULL);
  if (!quote)
    {
      g_string_append_len (out, s, (gssize) len);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_tsv (GString *out, const char *s)
{
  for (const char *p = s; *p; p++)
    switch (*p)
      {
      case '\\': g_string_append (out, "\\\\"); break;
      case '\t': g_string_append (out, "\\t"); break;
      case '\n': g_string_append (out, "\\n"); break;
      case '\r': g_string_append (out, "\\r"); break;
      default: g_string_append_c (out, *p);
      }
}

/* ------------------------------------------------------------------------ */
/* Document structure                                                        */

gboolean
vo_table_writer_begin (VoTableWriter *w, const char *resource_type,
                       GError **error)
{
  g_return_val_if_fail (w->state == ST_NEW, FALSE);
  w->state = ST_RESOURCE;
  if (w->format != VO_FORMAT_VOTABLE)
    return TRUE;
  g_string_append (w->buf,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<VOTABLE version=\"1.4\" "
                   "xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\">\n"
                   "<RESOURCE");
  append_attr (w->buf, "type", resource_type ? resource_type : "results");
  g_string_append (w->buf, ">\n");
  return flush (w, FALSE, error);
}

static gboolean
ensure_begun (VoTableWriter *w, GError **error)
{
  return w->state != ST_NEW || vo_table_writer_begin (w, NULL, error);
}

gboolean
vo_table_writer_add_info (VoTableWriter *w, const char *name,
                          const char *value, const char *text, GError **error)
{
  if (!ensure_begun (w, error))
    return FALSE;
  g_return_val_if_fail (w->state != ST_DONE, FALSE);
  if (w->format != VO_FORMAT_VOTABLE)
    return TRUE;
  /* Inside a TABLE the INFO waits until after its DATA (where VOTable 1.4
   * allows it). */
  GString *to = w->state == ST_TABLE ? w->table_infos : w->buf;
  g_string_append (to, "<INFO");
  append_attr (to, "name", name);
  append_attr (to, "value", value ? value : "");
  if (text && *text)
    {
      g_string_append_c (to, '>');
      vo_xml_append_escaped (to, text, FALSE);
      g_string_append (to, "</INFO>\n");
    }
  else
    g_string_append (to, "/>\n");
  return flush (w, FALSE, error);
}

gboolean
vo_table_writer_start_table (VoTableWriter *w, const char *table_name,
                             const VoField *fields, guint n_fields,
                             GError **error)
{
  if (!ensure_begun (w, error))
    return FALSE;
  g_return_val_if_fail (w->state == ST_RESOURCE || w->state == ST_AFTER_TABLE,
                        FALSE);
  if (!select_columns (w, fields, n_fields, error))
    return FALSE;
  w->state = ST_TABLE;
  clear_fields (w);
  g_array_set_size (w->fields, w->n_fields);
  for (guint i = 0; i < w->n_fields; i++)
    vo_field_copy (&g_array_index (w->fields, VoField, i),
                   &fields[w->sel != NULL ? w->sel[i] : i]);
  /* from here on, the written columns */
  n_fields = w->n_fields;
  fields = (const VoField *) (gpointer) w->fields->data;

  switch (w->format)
    {
    case VO_FORMAT_VOTABLE:
      g_string_append (w->buf, "<TABLE");
      append_attr (w->buf, "name", table_name);
      g_string_append (w->buf, ">\n");
      for (guint i = 0; i < n_fields; i++)
        {
          const VoField *f = &fields[i];
          g_string_append (w->buf, "<FIELD");
          append_attr (w->buf, "name", f->name ? f->name : "");
          append_attr (w->buf, "ID", f->id);
          append_attr (w->buf, "datatype",
                       f->datatype_str && f->datatype != VO_DATATYPE_UNKNOWN
                           ? f->datatype_str
                           : vo_datatype_to_string (f->datatype));
          if (f->datatype == VO_DATATYPE_UNKNOWN && f->arraysize == NULL)
            append_attr (w->buf, "arraysize", "*");
          append_attr (w->buf, "arraysize", f->arraysize);
          append_attr (w->buf, "xtype", f->xtype);
          append_attr (w->buf, "unit", f->unit);
          append_attr (w->buf, "ucd", f->ucd);
          append_attr (w->buf, "utype", f->utype);
          append_attr (w->buf, "ref", f->ref);
          if (f->description == NULL && f->null_value == NULL)
            {
              g_string_append (w->buf, "/>\n");
              continue;
            }
          g_string_append (w->buf, ">");
          if (f->description)
            {
              g_string_append (w->buf, "<DESCRIPTION>");
              vo_xml_append_escaped (w->buf, f->description, FALSE);
              g_string_append (w->buf, "</DESCRIPTION>");
            }
          if (f->null_value)
            {
              g_string_append (w->buf, "<VALUES");
              append_attr (w->buf, "null", f->null_value);
              g_string_append (w->buf, "/>");
            }
          g_string_append (w->buf, "</FIELD>\n");
        }
      g_string_append (w->buf, "<DATA><TABLEDATA>\n");
      break;
    case VO_FORMAT_CSV:
    case VO_FORMAT_TSV:
      for (guint i = 0; i < n_fields; i++)
        {
          const char *name = fields[i].name ? fields[i].name : "";
          if (i > 0)
            g_string_append_c (w->buf, w->format == VO_FORMAT_CSV ? ',' : '\t');
          if (w->format == VO_FORMAT_CSV)
            append_csv (w->buf, name);
          else
            append_tsv (w->buf, name);
        }
      g_string_append_c (w->buf, '\n');
      break;
    case VO_FORMAT_TABLE:
    default:
      break;
    }
  return flush (w, FALSE, error);
}

gboolean
vo_table_writer_write_row (VoTableWriter *w, const char *const *values,
                           GError **error)
{
  g_autofree const char **mapped = NULL;

  g_return_val_if_fail (w->state == ST_TABLE, FALSE);
  if (w->sel != NULL)
    {
      mapped = g_new0 (const char *, MAX (w->n_fields, 1));
      for (guint i = 0; i < w->n_fields; i++)
        mapped[i] = values[w->sel[i]];
      values = mapped;
    }

  switch (w->format)
    {
    case VO_FORMAT_VOTABLE:
      g_string_append (w->buf, "<TR>");
      for (guint i = 0; i < w->n_fields; i++)
        {
          if (values[i] == NULL || values[i][0] == '\0')
            g_string_append (w->buf, "<TD/>");
          else
            {
              g_string_append (w->buf, "<TD>");
              vo_xml_append_escaped (w->buf, values[i], FALSE);
              g_string_append (w->buf, "</TD>");
            }
        }
      g_string_append (w->buf, "</TR>\n");
      break;
    case VO_FORMAT_CSV:
    case VO_FORMAT_TSV:
      for (guint i = 0; i < w->n_fields; i++)
        {
          if (i > 0)
            g_string_append_c (w->buf, w->format == VO_FORMAT_CSV ? ',' : '\t');
          if (values[i] == NULL)
            continue;
          if (w->format == VO_FORMAT_CSV)
            append_csv (w->buf, values[i]);
          else
            append_tsv (w->buf, values[i]);
        }
      g_string_append_c (w->buf, '\n');
      break;
    case VO_FORMAT_TABLE:
    default:
      {
        char **row = g_new0 (char *, MAX (w->n_fields, 1));
        /* a terminal format: no server-supplied control sequences */
        for (guint i = 0; i < w->n_fields; i++)
          row[i] = values[i] != NULL ? vo_text_sanitize (values[i], -1, VO_TEXT_ONE_LINE) : NULL;
        g_ptr_array_add (w->rows, row);
        return TRUE;
      }
    }
  return flush (w, FALSE, error);
}

gboolean
vo_table_writer_write_cells (VoTableWriter *w, const VoCell *cells,
                             guint n_cells, GError **error)
{
  g_autofree const char **values = g_new0 (const char *, w->n_in + 1);
  g_autofree gsize *offs = g_new0 (gsize, w->n_in + 1);
  GString *s = w->scratch;

  /* Format every cell into one scratch buffer, then point into it. */
  g_string_truncate (s, 0);
  for (guint i = 0; i < w->n_in; i++)
    {
      offs[i] = s->len;
      if (i < n_cells && !cells[i].is_null)
        vo_cell_to_string (&cells[i], s);
      g_string_append_c (s, '\0');
    }
  for (guint i = 0; i < w->n_in; i++)
    values[i] = (i < n_cells && !cells[i].is_null) ? s->str + offs[i] : NULL;
  return vo_table_writer_write_row (w, values, error);
}

static gboolean
is_numeric (const VoField *f)
{
  switch (f->datatype)
    {
    case VO_DATATYPE_UNSIGNED_BYTE:
    case VO_DATATYPE_SHORT:
    case VO_DATATYPE_INT:
    case VO_DATATYPE_LONG:
    case VO_DATATYPE_FLOAT:
    case VO_DATATYPE_DOUBLE:
      return f->n_fixed == 1 && !f->variable;
    default:
      return FALSE;
    }
}

/* How many terminal columns @c takes: 2 for East Asian wide characters, 0
 * for combining marks, else 1 (with @display FALSE, 1 for every character:
 * the plain text table as it always was). */
static glong
char_width (gunichar c, gboolean display)
{
  if (!display)
    return 1;
  if (g_unichar_iszerowidth (c))
    return 0;
  return g_unichar_iswide (c) ? 2 : 1;
}

static glong
text_width (const char *s, gboolean display)
{
  glong w = 0;

  for (; *s; s = g_utf8_next_char (s))
    w += char_width (g_utf8_get_char (s), display);
  return w;
}

/* @s in @width columns: padded, or cut with an ellipsis; @emph: the text
 * (not the padding) in bold and underlined */
static void
append_cell (GString *out, const char *s, glong width, gboolean right, gboolean emph,
             gboolean display)
{
  glong len = text_width (s, display), n;
  const char *end = s + strlen (s);
  gboolean cut = len > width;

  if (cut)
    {
      glong w = 0;
      const char *p = s;
      for (; *p; p = g_utf8_next_char (p))
        {
          glong cw = char_width (g_utf8_get_char (p), display);
          if (w + cw > width - 1)
            break;
          w += cw;
        }
      end = p;
      len = width > 0 ? w + 1 : 0;
    }
  n = width - len;
  if (right)
    for (; n > 0; n--)
      g_string_append_c (out, ' ');
  if (emph)
    g_string_append (out, "\033[1;4m");
  g_string_append_len (out, s, end - s);
  if (cut && width > 0)
    g_string_append (out, ELLIPSIS);
  if (emph)
    g_string_append (out, "\033[0m");
  if (!right)
    for (; n > 0; n--)
      g_string_append_c (out, ' ');
}

/* A terminal of w->width columns: how many columns fit, each cut to at
 * most CELL_MAX (and the last one to what is left). */
static guint
fit_width (VoTableWriter *w, glong *width, guint n)
{
  glong used = 0, total = (glong) w->width;
  guint shown = 0;

  for (guint i = 0; i < n; i++)
    {
      glong sep = i > 0 ? 1 : 0;
      glong want = MIN (width[i], CELL_MAX);
      glong room = total - used - sep;
      if (want <= room)
        {
          width[i] = want;
          used += sep + want;
          shown++;
          continue;
        }
      if (room >= 4 || shown == 0)
        {
          width[i] = MAX (room, 1);
          shown++;
        }
      break;
    }
  return shown;
}

static gboolean
write_text_table (VoTableWriter *w, GError **error)
{
  guint n = w->n_fields, shown = n;
  gboolean display = w->width > 0;    /* terminal columns, not characters */
  g_autofree glong *width = g_new0 (glong, MAX (n, 1));
  g_auto(GStrv) names = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      names[i] = vo_text_sanitize (g_array_index (w->fields, VoField, i).name, -1,
                                   VO_TEXT_ONE_LINE);
      width[i] = MAX (2, text_width (names[i], display));
    }
  for (guint r = 0; r < w->rows->len; r++)
    {
      char **row = g_ptr_array_index (w->rows, r);
      for (guint i = 0; i < n; i++)
        if (row[i])
          {
            /* a newline would break the layout */
            g_strdelimit (row[i], "\n\r\t", ' ');
            width[i] = MAX (width[i], text_width (row[i], display));
          }
    }
  if (w->width > 0)
    shown = fit_width (w, width, n);
  for (guint i = 0; i < shown; i++)
    {
      const VoField *f = &g_array_index (w->fields, VoField, i);
      if (i > 0)
        g_string_append_c (w->buf, ' ');
      append_cell (w->buf, names[i], width[i], is_numeric (f), w->emphasis, display);
    }
  g_string_append_c (w->buf, '\n');
  for (guint i = 0; i < shown; i++)
    {
      if (i > 0)
        g_string_append_c (w->buf, ' ');
      for (glong k = 0; k < width[i]; k++)
        g_string_append_c (w->buf, '-');
    }
  g_string_append_c (w->buf, '\n');
  for (guint r = 0; r < w->rows->len; r++)
    {
      char **row = g_ptr_array_index (w->rows, r);
      for (guint i = 0; i < shown; i++)
        {
          if (i > 0)
            g_string_append_c (w->buf, ' ');
          append_cell (w->buf, row[i] ? row[i] : "--", width[i],
                       is_numeric (&g_array_index (w->fields, VoField, i)), FALSE, display);
        }
      /* no trailing blanks */
      while (w->buf->len > 0 && w->buf->str[w->buf->len - 1] == ' ')
        g_string_truncate (w->buf, w->buf->len - 1);
      g_string_append_c (w->buf, '\n');
      if (!flush (w, FALSE, error))
        return FALSE;
    }
  if (w->width > 0)
    {
      /* the footer: what the table holds and what was left out */
      g_autoptr(GString) foot = g_string_new (NULL);
      g_string_printf (foot, "%u row%s", w->rows->len, w->rows->len == 1 ? "" : "s");
      if (shown < n)
        g_string_append_printf (foot, "; %u more column%s: use --columns or --format votable",
                                n - shown, n - shown == 1 ? "" : "s");
      append_cell (w->buf, foot->str, MIN ((glong) foot->len, (glong) w->width), FALSE, FALSE,
                   display);
      g_string_append_c (w->buf, '\n');
    }
  free_rows (w);
  return TRUE;
}

gboolean
vo_table_writer_end_table (VoTableWriter *w, GError **error)
{
  g_return_val_if_fail (w->state == ST_TABLE, FALSE);
  w->state = ST_AFTER_TABLE;
  if (w->format == VO_FORMAT_VOTABLE)
    {
      g_string_append (w->buf, "</TABLEDATA></DATA>\n");
      g_string_append_len (w->buf, w->table_infos->str,
                           (gssize) w->table_infos->len);
      g_string_truncate (w->table_infos, 0);
      g_string_append (w->buf, "</TABLE>\n");
    }
  else if (w->format == VO_FORMAT_TABLE && !write_text_table (w, error))
    return FALSE;
  return flush (w, FALSE, error);
}

gboolean
vo_table_writer_finish (VoTableWriter *w, GError **error)
{
  if (!ensure_begun (w, error))
    return FALSE;
  if (w->state == ST_TABLE && !vo_table_writer_end_table (w, error))
    return FALSE;
  g_return_val_if_fail (w->state != ST_DONE, FALSE);
  w->state = ST_DONE;
  if (w->format == VO_FORMAT_VOTABLE)
    g_string_append (w->buf, "</RESOURCE>\n</VOTABLE>\n");
  if (!flush (w, TRUE, error))
    return FALSE;
  return g_output_stream_flush (w->out, NULL, error);
}

/* ------------------------------------------------------------------------ */
/* Reader → writer                                                           */

typedef struct {
  VoTableWriter *w;
  GError *error;
  gboolean first_done;
  gboolean in_first;
} Convert;

static void
conv_table_start (const char *name, const VoField *fields, guint n,
                  gpointer user_data)
{
  Convert *c = user_data;
  if (c->first_done || c->error)
    return;
  c->in_first = TRUE;
  vo_table_writer_start_table (c->w, name, fields, n, &c->error);
}

static gboolean
conv_row (const VoCell *cells, guint n, gpointer user_data)
{
  Convert *c = user_data;
  if (!c->in_first)
    return TRUE;
  if (c->error == NULL)
    vo_table_writer_write_cells (c->w, cells, n, &c->error);
  return c->error == NULL;
}

static void
conv_table_end (gpointer user_data)
{
  Convert *c = user_data;
  if (!c->in_first)
    return;
  c->in_first = FALSE;
  c->first_done = TRUE;
  if (c->error == NULL)
    vo_table_writer_end_table (c->w, &c->error);
}

static void
conv_info (const VoInfo *info, gpointer user_data)
{
  Convert *c = user_data;
  if (c->error == NULL && !info->in_table && !c->in_first)
    vo_table_writer_add_info (c->w, info->name, info->value, info->text,
                              &c->error);
}

gboolean
vo_table_convert_stream (GInputStream *in, GOutputStream *out,
                         VoFormat format, GCancellable *cancellable,
                         GError **error)
{
  return vo_table_convert_stream_shaped (in, out, format, NULL, cancellable, error);
}

gboolean
vo_table_convert_stream_shaped (GInputStream *in, GOutputStream *out,
                                VoFormat format, const VoTableShape *shape,
                                GCancellable *cancellable, GError **error)
{
  static const VoTableCallbacks cb = {
    .table_start = conv_table_start,
    .row = conv_row,
    .table_end = conv_table_end,
    .info = conv_info,
  };
  Convert c = { 0 };
  g_autoptr (VoTableWriter) w = vo_table_writer_new (out, format);
  c.w = w;
  vo_table_writer_set_shape (w, shape);
  g_autoptr (VoTableReader) r = vo_table_reader_new (&cb, &c);
  gboolean ok = vo_table_reader_parse_stream (r, in, cancellable, error);

  if (c.error != NULL)
    {
      if (ok)
        g_propagate_error (error, c.error);
      else
        g_error_free (c.error);
      return FALSE;
    }
  if (!ok)
    return FALSE;
  return vo_table_writer_finish (w, error);
}

/* vo-votable-writer.c: VoTableWriter, tables out as VOTable/CSV/TSV/text.
 *
 * Everything is appended to one GString that is flushed to the output stream
 * whenever it passes 64 KiB, so writing is streaming for every format but the
 * aligned text table, which buffers its rows to size its columns.  Owns: the
 * buffer and a reference on the output stream; never closes the stream.
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
};

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
  g_object_unref (w->out);
  g_free (w);
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
static void
append_xml (GString *out, const char *s, gboolean attr)
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
  append_xml (out, value, TRUE);
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
      append_xml (to, text, FALSE);
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
  w->state = ST_TABLE;
  clear_fields (w);
  g_array_set_size (w->fields, n_fields);
  for (guint i = 0; i < n_fields; i++)
    vo_field_copy (&g_array_index (w->fields, VoField, i), &fields[i]);
  w->n_fields = n_fields;

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
              append_xml (w->buf, f->description, FALSE);
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
  g_return_val_if_fail (w->state == ST_TABLE, FALSE);

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
              append_xml (w->buf, values[i], FALSE);
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
  g_autofree const char **values = g_new0 (const char *, w->n_fields + 1);
  g_autofree gsize *offs = g_new0 (gsize, w->n_fields + 1);
  GString *s = w->scratch;

  /* Format every cell into one scratch buffer, then point into it. */
  g_string_truncate (s, 0);
  for (guint i = 0; i < w->n_fields; i++)
    {
      offs[i] = s->len;
      if (i < n_cells && !cells[i].is_null)
        vo_cell_to_string (&cells[i], s);
      g_string_append_c (s, '\0');
    }
  for (guint i = 0; i < w->n_fields; i++)
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

static void
pad (GString *out, const char *s, glong width, gboolean right)
{
  glong n = width - g_utf8_strlen (s, -1);
  if (right)
    for (; n > 0; n--)
      g_string_append_c (out, ' ');
  g_string_append (out, s);
  if (!right)
    for (; n > 0; n--)
      g_string_append_c (out, ' ');
}

static gboolean
write_text_table (VoTableWriter *w, GError **error)
{
  guint n = w->n_fields;
  g_autofree glong *width = g_new0 (glong, MAX (n, 1));
  g_auto(GStrv) names = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      names[i] = vo_text_sanitize (g_array_index (w->fields, VoField, i).name, -1,
                                   VO_TEXT_ONE_LINE);
      width[i] = MAX (2, g_utf8_strlen (names[i], -1));
    }
  for (guint r = 0; r < w->rows->len; r++)
    {
      char **row = g_ptr_array_index (w->rows, r);
      for (guint i = 0; i < n; i++)
        if (row[i])
          {
            /* a newline would break the layout */
            g_strdelimit (row[i], "\n\r\t", ' ');
            width[i] = MAX (width[i], g_utf8_strlen (row[i], -1));
          }
    }
  for (guint i = 0; i < n; i++)
    {
      const VoField *f = &g_array_index (w->fields, VoField, i);
      if (i > 0)
        g_string_append_c (w->buf, ' ');
      pad (w->buf, names[i], width[i], is_numeric (f));
    }
  g_string_append_c (w->buf, '\n');
  for (guint i = 0; i < n; i++)
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
      for (guint i = 0; i < n; i++)
        {
          if (i > 0)
            g_string_append_c (w->buf, ' ');
          pad (w->buf, row[i] ? row[i] : "--", width[i],
               is_numeric (&g_array_index (w->fields, VoField, i)));
        }
      /* no trailing blanks */
      while (w->buf->len > 0 && w->buf->str[w->buf->len - 1] == ' ')
        g_string_truncate (w->buf, w->buf->len - 1);
      g_string_append_c (w->buf, '\n');
      if (!flush (w, FALSE, error))
        return FALSE;
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
  static const VoTableCallbacks cb = {
    .table_start = conv_table_start,
    .row = conv_row,
    .table_end = conv_table_end,
    .info = conv_info,
  };
  Convert c = { 0 };
  g_autoptr (VoTableWriter) w = vo_table_writer_new (out, format);
  c.w = w;
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

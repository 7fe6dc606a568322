/* vo-votable-writer.h: streaming writer of tables as VOTable (TABLEDATA),
 * CSV, TSV or an aligned text table.
 *
 * Rows go to a GOutputStream as they come (through a 64 KiB buffer), except
 * for VO_FORMAT_TABLE, which keeps every row until the end to compute the
 * column widths (it is meant for a terminal).
 *
 * CSV follows RFC 4180: a value is quoted when it holds a comma, a quote, CR,
 * LF or leading/trailing blanks, and quotes are doubled; a null is an empty
 * field.  TSV writes a null as an empty field and escapes backslash, TAB, LF
 * and CR inside values as \\ \t \n \r.  The text table writes a null as "--".
 * The VOTable output escapes XML specials, replaces characters XML 1.0 cannot
 * carry by U+FFFD, and writes a null as an empty TD.
 */
#pragma once

#include <gio/gio.h>

#include "vo-votable.h"

G_BEGIN_DECLS

typedef enum {
  VO_FORMAT_VOTABLE,
  VO_FORMAT_CSV,
  VO_FORMAT_TSV,
  VO_FORMAT_TABLE,
} VoFormat;

/* "votable", "csv", "tsv" or "table" (case-insensitive).  FALSE with
 * VO_ERROR_FAILED for anything else. */
gboolean vo_format_from_string (const char *s, VoFormat *format,
                                GError **error);

typedef struct _VoTableWriter VoTableWriter;

/* How a table is shaped on its way out (every field nullable / 0).
 * @columns: the columns written, in this order (every one must exist, else
 * start_table fails with VO_ERROR_NOT_FOUND naming the available ones);
 * NULL: every column.  The rest is for VO_FORMAT_TABLE only: @first: the
 * columns that come first where present (when @columns is NULL), the rest
 * following in their order; @width > 0: a terminal of that many columns:
 * no line is longer (long cells end in "…", columns that do not fit are
 * left out) and a footer line gives the rows and the columns left out;
 * @emphasis: the header in bold and underlined (ANSI escapes). */
typedef struct {
  const char *const *columns;
  const char *const *first;
  guint width;
  gboolean emphasis;
} VoTableShape;

/* Returns: (transfer full): a writer on @out (a reference is taken). */
VoTableWriter *vo_table_writer_new (GOutputStream *out, VoFormat format);
/* Shapes the next tables (@shape is copied).  Call before start_table. */
void vo_table_writer_set_shape (VoTableWriter *writer, const VoTableShape *shape);
/* Frees the writer without finishing the document. */
void vo_table_writer_free (VoTableWriter *writer);

/* Opens <VOTABLE><RESOURCE type=@resource_type> (nullable: "results").
 * Called implicitly by the first call that needs it. */
gboolean vo_table_writer_begin (VoTableWriter *writer,
                                const char *resource_type, GError **error);
/* An INFO element at the current place (before or after the TABLE; given
 * while a TABLE is open it is written after that TABLE's DATA).  Only the
 * VOTable format writes INFOs; the others ignore them. */
gboolean vo_table_writer_add_info (VoTableWriter *writer, const char *name,
                                   const char *value, const char *text,
                                   GError **error);
/* Starts a TABLE with these FIELDs (copied); CSV/TSV/table write the header
 * line of column names. */
gboolean vo_table_writer_start_table (VoTableWriter *writer,
                                      const char *table_name,
                                      const VoField *fields, guint n_fields,
                                      GError **error);
/* One row: a value (NULL = null) for every column of the table given to
 * start_table (the shape picks the ones written). */
gboolean vo_table_writer_write_row (VoTableWriter *writer,
                                    const char *const *values, GError **error);
/* One row of cells as given by the VoTableReader. */
gboolean vo_table_writer_write_cells (VoTableWriter *writer,
                                      const VoCell *cells, guint n_cells,
                                      GError **error);
gboolean vo_table_writer_end_table (VoTableWriter *writer, GError **error);
/* Closes the document and flushes everything to the stream. */
gboolean vo_table_writer_finish (VoTableWriter *writer, GError **error);

/**
 * vo_table_convert_stream:
 * Reads a VOTable from @in with the streaming reader and writes its first
 * TABLE to @out in @format, with the INFOs of the document (VOTable format
 * only).  Rows are never all held in memory except for VO_FORMAT_TABLE.
 * Fails with VO_ERROR_PARSE on a malformed input; the QUERY_STATUS is not
 * checked here (see vo_table_reader_check_query_status).
 */
gboolean vo_table_convert_stream (GInputStream *in, GOutputStream *out,
                                  VoFormat format, GCancellable *cancellable,
                                  GError **error);

/* vo_table_convert_stream with the table shaped by @shape (nullable). */
gboolean vo_table_convert_stream_shaped (GInputStream *in, GOutputStream *out,
                                         VoFormat format, const VoTableShape *shape,
                                         GCancellable *cancellable, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoTableWriter, vo_table_writer_free)

/* Appends @s to @out as XML character data (@attr: as an attribute value,
 * quotes and whitespace controls escaped too).  Characters XML 1.0 cannot
 * carry, and invalid UTF-8, become U+FFFD.  For writers of other XML
 * documents that must escape the same way. */
void vo_xml_append_escaped (GString *out, const char *s, gboolean attr);

G_END_DECLS

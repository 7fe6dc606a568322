/* vo-votable.h: streaming VOTable reader and the small materialised VoTable.
 *
 * Two ways to read a VOTable:
 *
 * 1. VoTableReader, a streaming reader on libxml2's SAX2 push parser.  Feed it
 *    bytes as they arrive (vo_table_reader_feed), it calls back for every
 *    RESOURCE, TABLE (with its FIELDs), row, INFO, PARAM and GROUP, and never
 *    holds more than one row (plus one parser buffer) in memory.  TABLEDATA,
 *    BINARY and BINARY2 (base64 STREAM) serialisations are all supported.
 *
 * 2. VoTable (vo_table_load_bytes / vo_table_load_file), built on the reader,
 *    for small documents: DataLink responses, error documents, uploads.  It
 *    keeps the rows of the FIRST TABLE of the document as strings, every
 *    RESOURCE with its PARAMs and INFOs, and every INFO of the document.
 *
 * Safety: entity substitution is off, no DTD is loaded, no network access
 * (XML_PARSE_NONET); entity declarations are ignored, so neither external
 * entities nor entity bombs are ever expanded.
 *
 * Nulls: an empty TD; "NaN" (any case) in a float/double/complex scalar; a
 * value equal to the FIELD's declared <VALUES null="...">; in BINARY a NaN
 * float or complex scalar, the declared null of an integer scalar, a "?"
 * boolean; in BINARY2 the null bitmask (plus NaN and declared nulls).  In
 * every serialisation an empty string or empty variable-length array is
 * null, as an empty TD is (BINARY cannot say null otherwise).
 *
 * Column names are reported exactly as written (duplicates kept).
 * vo_fields_unique_names() gives the astropy-style unique names: the second
 * "obsID" becomes "obsID2", the third "obsID3" (skipping any name already
 * taken).
 */
#pragma once

#include <gio/gio.h>

#include "vo-error.h"

G_BEGIN_DECLS

/* ------------------------------------------------------------------------ */
/* Fields                                                                    */

typedef enum {
  VO_DATATYPE_UNKNOWN = 0,
  VO_DATATYPE_BOOLEAN,
  VO_DATATYPE_BIT,
  VO_DATATYPE_UNSIGNED_BYTE,
  VO_DATATYPE_SHORT,
  VO_DATATYPE_INT,
  VO_DATATYPE_LONG,
  VO_DATATYPE_CHAR,
  VO_DATATYPE_UNICODE_CHAR,
  VO_DATATYPE_FLOAT,
  VO_DATATYPE_DOUBLE,
  VO_DATATYPE_FLOAT_COMPLEX,
  VO_DATATYPE_DOUBLE_COMPLEX,
} VoDatatype;

/**
 * VoField:
 *
 * One FIELD (or the metadata part of a PARAM).  Every string is owned by the
 * field and may be NULL when the attribute is absent.
 *
 * @arraysize is the attribute as written ("*", "10*", "2x3", "2x*", NULL for
 * a scalar).  Parsed forms: @n_fixed is the product of the fixed dimensions
 * (1 for a scalar), @variable is TRUE when the last dimension is "*" or
 * "N*".  In BINARY a variable-length value is preceded by a 4-byte
 * big-endian count of items, each item being @n_fixed primitives (as astropy
 * reads "2x*"); for "*" and "N*" that is the number of primitives.
 */
typedef struct {
  char *name;
  char *id;
  char *datatype_str;
  VoDatatype datatype;
  char *arraysize;
  char *xtype;
  char *unit;
  char *ucd;
  char *utype;
  char *ref;
  char *description;
  char *null_value;     /* <VALUES null="..."> */
  guint n_fixed;
  gboolean variable;
} VoField;

/* Parses a datatype name ("double", "unicodeChar"...); UNKNOWN if unknown. */
VoDatatype vo_datatype_from_string (const char *s);
/* Returns: (transfer none): the VOTable name of @dt ("char" for UNKNOWN). */
const char *vo_datatype_to_string (VoDatatype dt);

/* Sets @field->arraysize (copied) and its parsed forms.  FALSE with
 * VO_ERROR_PARSE when @arraysize is malformed; then @field is unchanged. */
gboolean vo_field_set_arraysize (VoField *field, const char *arraysize,
                                 GError **error);
/* Deep copy into @dest (which is overwritten, not freed). */
void vo_field_copy (VoField *dest, const VoField *src);
/* Frees the strings of @field (not @field itself) and zeroes it. */
void vo_field_clear (VoField *field);

/**
 * vo_fields_unique_names:
 * Returns: (transfer full): a NULL-terminated array of @n_fields unique
 * column names, astropy style (name, name2, name3...).  Free with
 * g_strfreev().  A field without a name is called "col<i+1>".
 */
char **vo_fields_unique_names (const VoField *fields, guint n_fields);

/* ------------------------------------------------------------------------ */
/* Cells                                                                     */

/**
 * VoCell:
 *
 * One value of a row, borrowed from the reader: valid only during the row
 * callback.  From TABLEDATA @text/@text_len hold the TD content
 * (NUL-terminated) and @data is NULL.  From BINARY/BINARY2 @text is NULL and
 * @data points to @n_elements raw big-endian primitives (for "bit" @n_elements
 * counts bits).  Use vo_cell_to_string() for text whatever the source, and
 * vo_cell_get_double()/vo_cell_get_int64() for numbers.
 */
typedef struct {
  const VoField *field;
  gboolean is_null;
  const char *text;
  gsize text_len;
  const guint8 *data;
  gsize n_elements;
} VoCell;

/* Appends the value of @cell as VOTable TABLEDATA text to @out (nothing for a
 * null).  Arrays are space separated, floats are written with the shortest
 * text that reads back to the same value, booleans as T/F, NaN as "NaN",
 * infinities as "+Inf"/"-Inf".  This function can't fail. */
void vo_cell_to_string (const VoCell *cell, GString *out);
/* Returns: (transfer full) (nullable): the text of @cell, NULL for a null. */
char *vo_cell_dup_string (const VoCell *cell);
/* The first element of @cell as a double (integers converted, booleans 1/0).
 * FALSE (and *@value = NaN) for a null cell or text that is not a number. */
gboolean vo_cell_get_double (const VoCell *cell, double *value);
/* The first element as an integer.  FALSE for null or non-integer data. */
gboolean vo_cell_get_int64 (const VoCell *cell, gint64 *value);
/* The first element as a boolean (T/F/true/false/1/0). */
gboolean vo_cell_get_boolean (const VoCell *cell, gboolean *value);

/* ------------------------------------------------------------------------ */
/* Streaming reader                                                          */

typedef struct {
  const char *type;   /* all nullable */
  const char *utype;
  const char *id;
  const char *name;
} VoResourceInfo;

/**
 * VoInfo:
 * An INFO element: @name, @value, @id (all nullable) and its text content
 * (never NULL, may be empty).  @in_table is TRUE when the INFO sits inside a
 * TABLE, @after_table when it follows a TABLE within the same RESOURCE.
 */
typedef struct {
  char *name;
  char *value;
  char *id;
  char *text;
  gboolean in_table;
  gboolean after_table;
} VoInfo;

/**
 * VoParam:
 * A PARAM: its metadata (@field), its @value (nullable), and @group, the name
 * (or else ID) of the innermost enclosing GROUP, NULL outside any GROUP.
 * @in_table is TRUE for a PARAM inside a TABLE.
 */
typedef struct {
  VoField field;
  char *value;
  char *group;
  gboolean in_table;
} VoParam;

typedef enum {
  VO_QUERY_STATUS_NONE = 0,  /* no INFO name="QUERY_STATUS" seen */
  VO_QUERY_STATUS_OK,
  VO_QUERY_STATUS_OVERFLOW,
  VO_QUERY_STATUS_ERROR,
  VO_QUERY_STATUS_OTHER,     /* some other value: treat as an error */
} VoQueryStatus;

/**
 * VoTableCallbacks:
 *
 * Every callback is optional (NULL) and gets the @user_data given to
 * vo_table_reader_new().  Everything passed is borrowed for the duration of
 * the call, except @fields in @table_start, which stays valid until
 * @table_end returns.
 *
 * @table_start is called once per TABLE, when its DATA starts (or at the end
 * of a TABLE without DATA), with @name (nullable) and the FIELDs in order.
 * @row gets one VoCell per field; returning FALSE stops the parse: the feed
 * and finish calls then succeed without reading further, and
 * vo_table_reader_was_stopped() returns TRUE.
 * @info is called for every INFO at any level, @param for every PARAM (in a
 * RESOURCE, TABLE or GROUP), @group_start/@group_end around every GROUP.
 */
typedef struct {
  void (*resource_start) (const VoResourceInfo *res, gpointer user_data);
  void (*resource_end) (const VoResourceInfo *res, gpointer user_data);
  void (*table_start) (const char *name, const VoField *fields, guint n_fields,
                       gpointer user_data);
  gboolean (*row) (const VoCell *cells, guint n_cells, gpointer user_data);
  void (*table_end) (gpointer user_data);
  void (*info) (const VoInfo *info, gpointer user_data);
  void (*param) (const VoParam *param, gpointer user_data);
  void (*group_start) (const char *name, const char *id, gpointer user_data);
  void (*group_end) (gpointer user_data);
} VoTableCallbacks;

typedef struct _VoTableReader VoTableReader;

/* Returns: (transfer full): a new reader.  @callbacks is copied. */
VoTableReader *vo_table_reader_new (const VoTableCallbacks *callbacks,
                                    gpointer user_data);
void vo_table_reader_free (VoTableReader *reader);

/* Parses @len more bytes.  FALSE with VO_ERROR_PARSE on malformed XML or
 * VOTable content (bad base64, truncated binary row, unknown datatype...);
 * after an error every further call fails the same way. */
gboolean vo_table_reader_feed (VoTableReader *reader, const char *data,
                               gsize len, GError **error);
/* Ends the document.  FALSE with VO_ERROR_PARSE when it is incomplete, or
 * when no VOTABLE element was seen. */
gboolean vo_table_reader_finish (VoTableReader *reader, GError **error);
/* Reads @stream to the end (or until a callback stops) and finishes. */
gboolean vo_table_reader_parse_stream (VoTableReader *reader,
                                       GInputStream *stream,
                                       GCancellable *cancellable,
                                       GError **error);

/* TRUE once a row callback returned FALSE. */
gboolean vo_table_reader_was_stopped (VoTableReader *reader);
/* Rows delivered so far, over all tables. */
guint64 vo_table_reader_get_n_rows (VoTableReader *reader);
/* The LAST QUERY_STATUS INFO seen (anywhere in the document) and, through
 * @text (nullable; transfer none), its text content or, if empty, its value. */
VoQueryStatus vo_table_reader_get_query_status (VoTableReader *reader,
                                                const char **text);
/* FALSE with VO_ERROR_QUERY (message = the INFO text) when the last
 * QUERY_STATUS is ERROR or an unknown value; TRUE for OK, OVERFLOW, none. */
gboolean vo_table_reader_check_query_status (VoTableReader *reader,
                                             GError **error);

/* ------------------------------------------------------------------------ */
/* Materialised table (small documents)                                      */

/**
 * VoResource:
 * A RESOURCE of a loaded VoTable with its PARAMs and INFOs (direct, in
 * GROUPs or in its TABLEs: see their in_table flags) in document order.
 */
typedef struct {
  char *type;
  char *utype;
  char *id;
  char *name;
  GPtrArray *params;  /* VoParam* */
  GPtrArray *infos;   /* VoInfo* */
} VoResource;

typedef struct _VoTable VoTable;

VoTable *vo_table_load_bytes (const char *data, gsize len, GError **error);
VoTable *vo_table_load_file (const char *path, GError **error);
void vo_table_free (VoTable *table);
/* Keep only the rows @rows (indices into the table, in that order; out of
 * range and repeated ones skipped), e.g. the selected rows of a result. */
void vo_table_keep_rows (VoTable *table, const guint *rows, guint n_rows);

guint vo_table_get_n_rows (const VoTable *table);
guint vo_table_get_n_fields (const VoTable *table);
/* Returns: (transfer none): field @i (0 <= @i < n_fields). */
const VoField *vo_table_get_field (const VoTable *table, guint i);
/* Index of the first field called @name (exact match), else of the first
 * whose ID is @name, else -1. */
int vo_table_find_field (const VoTable *table, const char *name);
/* Returns: (transfer none) (nullable): the text of a cell, NULL for null. */
const char *vo_table_get_string (const VoTable *table, guint row, guint col);
/* Cell as a double; FALSE (and NaN) when null or not a number. */
gboolean vo_table_get_double (const VoTable *table, guint row, guint col,
                              double *value);

guint vo_table_get_n_resources (const VoTable *table);
const VoResource *vo_table_get_resource (const VoTable *table, guint i);
/* Returns: (transfer none) (nullable): the RESOURCE with this ID. */
const VoResource *vo_table_find_resource_by_id (const VoTable *table,
                                                const char *id);
/* Returns: (transfer none) (nullable): the first PARAM of @res called @name
 * (in any group when @group is NULL, else only in that group). */
const VoParam *vo_resource_find_param (const VoResource *res,
                                       const char *name, const char *group);

/* All INFOs of the document, in order (VoInfo*). */
const GPtrArray *vo_table_get_infos (const VoTable *table);
VoQueryStatus vo_table_get_query_status (const VoTable *table,
                                         const char **text);
gboolean vo_table_check_query_status (const VoTable *table, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoTableReader, vo_table_reader_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoTable, vo_table_free)

G_END_DECLS

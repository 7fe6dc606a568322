/* vo-vosi.h: VOSI tables and availability documents.
 *
 * A tableset (GET {tap}/tables) is schemas -> tables, with or without
 * columns depending on the server's detail level; a single-table document
 * (GET {tap}/tables/{name}) carries columns and foreign keys.  Order is
 * document order throughout.  Parsing only.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char      *name;
  char      *description;     /* nullable, like every field below */
  char      *unit;
  char      *ucd;
  char      *utype;
  char      *datatype;        /* text of <dataType>, e.g. "char" */
  char      *arraysize;
  char      *xtype;           /* xtype, else CADC's extendedType */
  GPtrArray *flags;           /* char*: indexed, primary, nullable, std */
} VoVosiColumn;

typedef struct {
  char      *target_table;
  GPtrArray *from_columns;    /* char* */
  GPtrArray *target_columns;  /* char*, parallel to from_columns */
  char      *description;
  char      *utype;
} VoVosiForeignKey;

typedef struct {
  char      *name;            /* fully qualified as written */
  char      *type;            /* type attribute ("output", "view"), nullable */
  char      *title;
  char      *description;
  char      *utype;
  GPtrArray *columns;         /* VoVosiColumn*, empty when not listed */
  GPtrArray *foreign_keys;    /* VoVosiForeignKey* */
} VoVosiTable;

typedef struct {
  char      *name;
  char      *title;
  char      *description;
  char      *utype;
  GPtrArray *tables;          /* VoVosiTable* */
} VoVosiSchema;

typedef struct {
  GPtrArray *schemas;         /* VoVosiSchema* */
} VoVosiTableset;

/* Parses a <tableset> (or a single <schema>, CADC's /tables/{schema}).
 * Errors: VO_ERROR_PARSE.  Returns: (transfer full) (nullable). */
VoVosiTableset *vo_vosi_tableset_parse (const char *data, gsize len,
                                        GError **error);
void vo_vosi_tableset_free (VoVosiTableset *ts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoVosiTableset, vo_vosi_tableset_free)

/* All table names in document order.  Returns: (transfer full). */
char **vo_vosi_tableset_dup_table_names (const VoVosiTableset *ts);

/* Exact, case-sensitive match on the name as written.
 * Returns: (transfer none) (nullable). */
const VoVosiTable *vo_vosi_tableset_find (const VoVosiTableset *ts,
                                          const char *name);

/* Parses a single <table> document.  Returns: (transfer full) (nullable). */
VoVosiTable *vo_vosi_table_parse (const char *data, gsize len, GError **error);
void vo_vosi_table_free (VoVosiTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoVosiTable, vo_vosi_table_free)

/* Column by exact name.  (transfer none) (nullable) */
const VoVosiColumn *vo_vosi_table_find_column (const VoVosiTable *table,
                                               const char *name);

typedef struct {
  gboolean   available;
  char      *up_since;        /* nullable */
  char      *down_at;
  char      *back_at;
  GPtrArray *notes;           /* char* */
} VoVosiAvailability;

/* Parses <availability>; <available> must be true/false (or 1/0).
 * Returns: (transfer full) (nullable). */
VoVosiAvailability *vo_vosi_availability_parse (const char *data, gsize len,
                                                GError **error);
void vo_vosi_availability_free (VoVosiAvailability *av);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoVosiAvailability, vo_vosi_availability_free)

G_END_DECLS

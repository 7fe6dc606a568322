/* bridge-table.h: what the bridge needs to know about tables.
 *
 * Finding the position columns of a peer's table (by UCD, then by name),
 * writing the small VOTable that is uploaded for a crossmatch, and the
 * human name of a result table.
 * Pure functions over VoTable: no SAMP, no network.
 */
#pragma once

#include <glib.h>

#include "vo-votable.h"

G_BEGIN_DECLS

/* Index of the RA and Dec columns of @table: UCD pos.eq.ra;meta.main /
 * pos.eq.dec;meta.main first, then any pos.eq.ra / pos.eq.dec UCD, then
 * common names (ra, RA, ra_deg, RAJ2000, _RAJ2000, ra_icrs, raj2000, ...).
 * VO_ERROR_NOT_FOUND when there are none. */
gboolean cs_bridge_table_find_position (const VoTable *table, int *ra_col, int *dec_col,
                                        GError **error);

/* Write @path as a TABLEDATA VOTable with columns (row_index, ra, dec) for
 * every row of @table with a valid position; @n_written gets the count.
 * VO_ERROR_NOT_FOUND when no row has a usable position. */
gboolean cs_bridge_table_write_upload (const VoTable *table, int ra_col, int dec_col,
                                       const char *path, guint *n_written, GError **error);

/* "@label 131.28+54.30 r1'" (radius in arcmin, or arcsec below 1'), or
 * "@label CFHT 131.28+54.30 r18'" when @collection is set; @label names
 * the archive ("CADC"; NULL: none).  Returns: (transfer full). */
char *cs_bridge_table_name_for_position (const char *label, double ra, double dec,
                                         double radius_deg, const char *collection);

/* The name a result is sent under: @base, its row count ("2000+ rows"
 * when truncated at MAXREC) and the bridge's sequence number, e.g.
 * "CADC CFHT 131.28+54.30 r1' 9 rows #3": unique within a run, and it says
 * what the table is.  Returns: (transfer full). */
char *cs_bridge_table_name_finish (const char *base, guint64 rows, gboolean overflow,
                                   guint seq);

G_END_DECLS

/* samp-mtype.h: MType syntax and subscription wildcard matching (SAMP §3.8/3.9).
 *
 * An MType is [0-9a-z_-]+ separated by dots.  A subscription pattern is an
 * MType, "*", or an MType prefix followed by ".*" ("table.*" matches
 * "table.load.votable" but not "table" or "tablex.y").
 */
#pragma once

#include "samp-api.h"
#include <glib.h>

G_BEGIN_DECLS

/* TRUE if @mtype is a syntactically valid MType (no wildcard). */
SAMP_API gboolean samp_mtype_is_valid (const char *mtype);

/* TRUE if @pattern is a valid subscription pattern (MType, "*", "x.y.*"). */
SAMP_API gboolean samp_mtype_pattern_is_valid (const char *pattern);

/* TRUE if the subscription @pattern matches @mtype. */
SAMP_API gboolean samp_mtype_matches (const char *pattern, const char *mtype);

G_END_DECLS

/* samp-xmlrpc-fast.h: a byte-level reader for the XML that SAMP peers
 * send, in front of samp-xmlguard's libxml2 pass (private to libsamp).
 *
 * It reads a subset of XML (samp-xmlrpc-fast.c says which) and hands the
 * same elements and text to the same SampXmlSink as samp_xmlguard_parse
 * would; on anything outside the subset, or past a guard limit, it
 * declines and the caller runs samp_xmlguard_parse on the document (after
 * forgetting what the sink got so far).
 */
#pragma once

#include "samp-xmlguard.h"

G_BEGIN_DECLS

/* Returns: TRUE if @xml was read to its end: it is well-formed, within
 * samp-xmlguard's limits, and @sink (nullable: only check) got all of its
 * elements and text, with the names samp_xmlguard_parse would give (text
 * possibly cut differently).  FALSE: declined, nothing said why; the
 * sink may have had part of the document. */
gboolean samp_xmlfast_parse (const char *xml, gsize len, const SampXmlSink *sink,
                             gpointer data);

G_END_DECLS

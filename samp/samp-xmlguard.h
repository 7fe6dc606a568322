/* samp-xmlguard.h: the checks every XML-RPC document passes, in the same
 * pass that reads it (private to libsamp; the one user of libxml2 in
 * samp/; samp-xmlrpc's reader is its sink, for the documents that
 * samp-xmlrpc-fast.h declines).
 *
 * One streaming libxml2 SAX pass, no tree, no network, no DTD loading and
 * no entity substitution, refuses:
 *  - any encoding but UTF-8 (a UTF-8 byte order mark and a declared
 *    "UTF-8" or "US-ASCII" are fine): UTF-16, UTF-32, EBCDIC, Latin-1 ...;
 *  - any document type declaration (internal subset or external id), so
 *    no entity is ever declared, whatever the encoding;
 *  - values nested more than SAMP_XMLRPC_MAX_DEPTH lists/maps deep
 *    (<array> and <struct> elements counted together), and elements
 *    nested more than SAMP_XMLRPC_MAX_ELEMENT_DEPTH deep;
 *  - documents that are not well-formed XML.
 * The pass stops at the first refusal: its cost is bounded by the
 * document's size (itself limited by the caller), never by its content.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns: TRUE if @xml passes the checks; FALSE with
 * SAMP_ERROR_PROTOCOL and a message saying why not. */
gboolean samp_xmlguard_check (const char *xml, gsize len, GError **error);

/* The same pass, handing the document's elements and text (CDATA merged
 * in, entities of the five predefined kinds and character references
 * resolved) to @sink as it goes, after the checks above passed for them.
 * A callback returns NULL to go on or (transfer full) a message to stop
 * the parse with: that message becomes the error, unprefixed. */
typedef struct {
  char *(*start) (gpointer data, const char *name);
  char *(*end) (gpointer data);
  char *(*text) (gpointer data, const char *text, gsize len);
} SampXmlSink;
gboolean samp_xmlguard_parse (const char *xml, gsize len, const SampXmlSink *sink,
                              gpointer data, GError **error);

G_END_DECLS

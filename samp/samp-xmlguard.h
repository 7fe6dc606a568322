/* samp-xmlguard.h: the checks an XML-RPC document passes before xmlrpc-c
 * sees it (private to libsamp; the one user of libxml2 in samp/).
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

/* Returns: TRUE if @xml may be given to xmlrpc-c; FALSE with
 * SAMP_ERROR_PROTOCOL and a message saying why not. */
gboolean samp_xmlguard_check (const char *xml, gsize len, GError **error);

G_END_DECLS

/* vo-xmlutil.h: the safe way this project reads small XML documents
 * (VOSI capabilities/tables/availability, UWS jobs) into a libxml2 tree,
 * plus namespace-blind child lookup.
 *
 * Parsing never touches the network, never loads a DTD, never substitutes
 * entities, and a document that declares entities is refused outright
 * (no entity bombs, no external entities).  Element lookups compare local
 * names only: CADC writes un-prefixed children under prefixed roots.
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/* An alias so our autoptr cannot clash with another module's xmlDoc one. */
typedef xmlDoc VoXmlDoc;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoXmlDoc, xmlFreeDoc)

/* Parses @data (@len bytes).  @what names the document in errors
 * ("capabilities document").  Errors: VO_ERROR_PARSE.
 * Returns: (transfer full) (nullable). */
xmlDoc *vo_xmlutil_read (const char *data,
                         gsize       len,
                         const char *what,
                         GError    **error);

/* TRUE when @node is an element with local name @name. */
gboolean vo_xmlutil_is (const xmlNode *node, const char *name);

/* First element child of @node with local name @name (NULL: any). */
xmlNode *vo_xmlutil_child (const xmlNode *node, const char *name);

/* Next element sibling after @node with local name @name (NULL: any). */
xmlNode *vo_xmlutil_next (const xmlNode *node, const char *name);

/* Text content of @node, whitespace-stripped.  NULL when @node is NULL,
 * or when it is empty and @empty_is_null.  Returns: (transfer full). */
char *vo_xmlutil_text (const xmlNode *node, gboolean empty_is_null);

/* Text of the first child element @name of @node (see vo_xmlutil_text). */
char *vo_xmlutil_child_text (const xmlNode *node, const char *name);

/* Attribute @name (no namespace, or any namespace if none matches).
 * Returns: (transfer full) (nullable). */
char *vo_xmlutil_attr (const xmlNode *node, const char *name);

/* For --version: the run-time libxml2's version, "2.9.14".  (transfer full) */
char *vo_xml_library_version (void);

G_END_DECLS

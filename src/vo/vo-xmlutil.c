/* vo-xmlutil.c: locked-down libxml2 tree reading for the small VOSI and UWS
 * documents.  See vo-xmlutil.h for the policy.  libxml2 reports errors
 * through a structured error callback that we keep per call (no global
 * handler), so messages end up in the GError and nothing is printed.
 */
#include "config.h"

#include "vo-xmlutil.h"
#include "vo-error.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <stdlib.h>
#include <string.h>

xmlDoc *
vo_xmlutil_read (const char *data, gsize len, const char *what, GError **error)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len == 0 || len > G_MAXINT)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE, "Empty %s", what);
      return NULL;
    }

  xmlParserCtxtPtr ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "Out of memory");
      return NULL;
    }
  /* no XML_PARSE_NOENT, no DTDLOAD/DTDATTR, no HUGE */
  xmlDoc *doc = xmlCtxtReadMemory (ctxt, data, (int) len, NULL, NULL,
                                   XML_PARSE_NONET | XML_PARSE_NOERROR
                                   | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
  if (doc == NULL || !ctxt->wellFormed)
    {
      const xmlError *e = xmlCtxtGetLastError (ctxt);
      g_autofree char *msg = g_strdup (e && e->message ? e->message : "not well-formed");
      g_strchomp (msg);
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                   "Malformed %s: line %d: %s", what, e ? e->line : 0, msg);
      if (doc)
        xmlFreeDoc (doc);
      xmlFreeParserCtxt (ctxt);
      return NULL;
    }
  xmlFreeParserCtxt (ctxt);

  if (doc->intSubset != NULL || doc->extSubset != NULL)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                   "Refusing %s with a DOCTYPE declaration", what);
      xmlFreeDoc (doc);
      return NULL;
    }
  if (xmlDocGetRootElement (doc) == NULL)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE, "Empty %s", what);
      xmlFreeDoc (doc);
      return NULL;
    }
  return doc;
}

gboolean
vo_xmlutil_is (const xmlNode *node, const char *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE
         && (name == NULL || strcmp ((const char *) node->name, name) == 0);
}

xmlNode *
vo_xmlutil_next (const xmlNode *node, const char *name)
{
  if (node == NULL)
    return NULL;
  for (xmlNode *n = node->next; n != NULL; n = n->next)
    if (vo_xmlutil_is (n, name))
      return n;
  return NULL;
}

xmlNode *
vo_xmlutil_child (const xmlNode *node, const char *name)
{
  if (node == NULL)
    return NULL;
  for (xmlNode *n = node->children; n != NULL; n = n->next)
    if (vo_xmlutil_is (n, name))
      return n;
  return NULL;
}

char *
vo_xmlutil_text (const xmlNode *node, gboolean empty_is_null)
{
  if (node == NULL)
    return NULL;
  xmlChar *raw = xmlNodeGetContent (node);
  char *s = g_strstrip (g_strdup (raw ? (const char *) raw : ""));
  xmlFree (raw);
  if (empty_is_null && *s == '\0')
    g_clear_pointer (&s, g_free);
  return s;
}

char *
vo_xmlutil_child_text (const xmlNode *node, const char *name)
{
  xmlNode *c = vo_xmlutil_child (node, name);
  if (c == NULL)
    return NULL;
  /* xsi:nil="true" means absent */
  for (xmlAttr *a = c->properties; a; a = a->next)
    if (strcmp ((const char *) a->name, "nil") == 0)
      {
        xmlChar *v = xmlNodeGetContent ((xmlNode *) a);
        gboolean nil = v && strcmp ((const char *) v, "true") == 0;
        xmlFree (v);
        if (nil)
          return NULL;
      }
  return vo_xmlutil_text (c, TRUE);
}

char *
vo_xmlutil_attr (const xmlNode *node, const char *name)
{
  if (node == NULL)
    return NULL;
  xmlChar *v = xmlGetNoNsProp (node, (const xmlChar *) name);
  if (v == NULL)
    for (xmlAttr *a = node->properties; a; a = a->next)
      if (strcmp ((const char *) a->name, name) == 0)
        {
          v = xmlNodeGetContent ((xmlNode *) a);
          break;
        }
  if (v == NULL)
    return NULL;
  char *s = g_strdup ((const char *) v);
  xmlFree (v);
  return s;
}

/* xmlParserVersion is "20914" for 2.9.14 */
char *
vo_xml_library_version (void)
{
  const char *v = xmlParserVersion;
  long n = v != NULL ? strtol (v, NULL, 10) : 0;

  if (n <= 0)
    return g_strdup (LIBXML_DOTTED_VERSION);
  return g_strdup_printf ("%ld.%ld.%ld", n / 10000, n / 100 % 100, n % 100);
}

/* samp-xmlguard.c: the libxml2 SAX pass over XML-RPC documents.
 *
 * Every document that samp-xmlrpc-fast declines (anything outside the
 * plain XML subset SAMP peers write, and anything past the limits below)
 * is parsed here as an XML parser sees it (not as bytes), once:
 * samp-xmlrpc's reader gets the elements and text through a
 * SampXmlSink as they come, only after these checks passed for them
 * (they began as a pre-pass before xmlrpc-c, whose expat expands
 * entities, decodes UTF-16/UTF-32 and recurses per element):
 *  - encoding: libxml2's own detection of the first bytes, then its
 *    encoding declaration; anything that would need a decoder is refused;
 *  - internalSubset: called for every <!DOCTYPE ...>, before any
 *    declaration in it is read; the parse stops there;
 *  - startElementNs/endElementNs: count the nesting; the parse stops at
 *    the first element past a limit.
 * The push parser is fed 64 KiB at a time: it is iterative (no recursion
 * per element) and keeps only the open-element stack and a window of the
 * input.  Options: XML_PARSE_NONET and HUGE (no 10 MB cap on one string:
 * our size and depth limits bound the work), without NOENT, DTDLOAD or
 * DTDATTR.  libxml2's messages go to our handler, never to stderr.
 * Each thread keeps one parser context between documents (reset with
 * xmlCtxtResetPush; only after a clean document of at most one chunk,
 * never after an error or a refusal): see ctxt_take.
 */
#include "config.h"

#include <string.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "samp-error.h"
#include "samp-xmlguard.h"
#include "samp-xmlrpc.h"

#define CHUNK (64 * 1024)

typedef struct {
  xmlParserCtxtPtr ctxt;
  int depth;                /* open elements */
  int value_depth;          /* open <array> and <struct> elements */
  char *refusal;            /* our reason to stop, or NULL */
  char *xml_error;          /* libxml2's first error, or NULL */
  const SampXmlSink *sink;  /* nullable */
  gpointer sink_data;
} Guard;

static void
refuse (Guard *g, char *reason)
{
  if (g->refusal == NULL)
    g->refusal = reason;
  else
    g_free (reason);
  xmlStopParser (g->ctxt);
}

/* The declared encoding and the decoder libxml2 switched to, if any. */
static gboolean
encoding_is_utf8 (xmlParserCtxtPtr ctxt, const char **name)
{
  xmlCharEncodingHandlerPtr enc = ctxt->input && ctxt->input->buf
                                  ? ctxt->input->buf->encoder : NULL;
  const char *declared = (const char *) ctxt->encoding;

  *name = enc != NULL ? enc->name : declared;
  if (enc != NULL)
    return g_ascii_strcasecmp (enc->name, "US-ASCII") == 0
           || g_ascii_strcasecmp (enc->name, "ASCII") == 0;
  return declared == NULL || g_ascii_strcasecmp (declared, "UTF-8") == 0
         || g_ascii_strcasecmp (declared, "UTF8") == 0;
}

static void
on_start_document (void *data)
{
  xmlParserCtxtPtr ctxt = data;
  Guard *g = ctxt->_private;
  const char *name = NULL;

  if (!encoding_is_utf8 (ctxt, &name))
    refuse (g, g_strdup_printf ("XML-RPC document is encoded in %s: only UTF-8 is accepted",
                                name ? name : "another encoding"));
}

static void
on_internal_subset (void *data, const xmlChar *name, const xmlChar *external_id,
                    const xmlChar *system_id)
{
  xmlParserCtxtPtr ctxt = data;

  (void) name;
  (void) external_id;
  (void) system_id;
  refuse (ctxt->_private,
          g_strdup ("XML-RPC document contains a document type declaration (DOCTYPE): "
                    "DTDs and entities are refused"));
}

static void
on_start_element (void *data, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                  int n_ns, const xmlChar **ns, int n_attrs, int n_defaulted,
                  const xmlChar **attrs)
{
  xmlParserCtxtPtr ctxt = data;
  Guard *g = ctxt->_private;

  (void) prefix;
  (void) uri;
  (void) n_ns;
  (void) ns;
  (void) n_attrs;
  (void) n_defaulted;
  (void) attrs;
  if (++g->depth > SAMP_XMLRPC_MAX_ELEMENT_DEPTH)
    {
      refuse (g, g_strdup_printf ("XML-RPC document nests elements more than %d deep",
                                  SAMP_XMLRPC_MAX_ELEMENT_DEPTH));
      return;
    }
  if (strcmp ((const char *) local, "array") == 0 || strcmp ((const char *) local, "struct") == 0)
    if (++g->value_depth > SAMP_XMLRPC_MAX_DEPTH)
      {
        refuse (g, g_strdup_printf ("XML-RPC value nests lists/maps more than %d deep",
                                    SAMP_XMLRPC_MAX_DEPTH));
        return;
      }
  if (g->sink != NULL && g->refusal == NULL)
    {
      char *why = g->sink->start (g->sink_data, (const char *) local);
      if (why != NULL)
        refuse (g, why);
    }
}

static void
on_characters (void *data, const xmlChar *text, int len)
{
  xmlParserCtxtPtr ctxt = data;
  Guard *g = ctxt->_private;

  if (g->sink != NULL && g->refusal == NULL && g->depth > 0)
    {
      char *why = g->sink->text (g->sink_data, (const char *) text, (gsize) len);
      if (why != NULL)
        refuse (g, why);
    }
}

static void
on_end_element (void *data, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
  xmlParserCtxtPtr ctxt = data;
  Guard *g = ctxt->_private;

  (void) prefix;
  (void) uri;
  g->depth--;
  if (strcmp ((const char *) local, "array") == 0 || strcmp ((const char *) local, "struct") == 0)
    g->value_depth--;
  if (g->sink != NULL && g->refusal == NULL)
    {
      char *why = g->sink->end (g->sink_data);
      if (why != NULL)
        refuse (g, why);
    }
}

static void
on_error (void *data, xmlErrorPtr e)
{
  xmlParserCtxtPtr ctxt = data;
  Guard *g = ctxt->_private;

  if (g->xml_error != NULL || e == NULL || e->level < XML_ERR_ERROR)
    return;
  {
    g_autofree char *msg = g_strdup (e->message ? e->message : "error");
    g->xml_error = g_strdup_printf ("%s (line %d)", g_strchomp (msg), e->line);
  }
}

static void
init_once (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      xmlInitParser ();
      g_once_init_leave (&once, 1);
    }
}

gboolean
samp_xmlguard_check (const char *xml, gsize len, GError **error)
{
  return samp_xmlguard_parse (xml, len, NULL, NULL, error);
}

/* One parser context per thread, kept between documents: making and
 * freeing one (its dictionary, stacks, SAX handler copy) cost ~10k
 * instructions a document, twice per forwarded message in the hub.  It is
 * kept only after a document that parsed cleanly and was at most one
 * chunk long (so what it holds until the next document stays small), and
 * while its name dictionary stays small (names of a valid XML-RPC
 * document are a few dozen); xmlCtxtResetPush then gives it the state of
 * a new one, and the SAX handler and options are set again as for a new
 * one.  After an error or a refusal the context is freed. */
#define CTXT_KEEP_MAX_NAMES 64

static void
ctxt_free (gpointer ctxt)
{
  xmlFreeParserCtxt (ctxt);
}

static GPrivate kept_ctxt = G_PRIVATE_INIT (ctxt_free);

static xmlParserCtxtPtr
ctxt_take (const xmlSAXHandler *sax)
{
  xmlParserCtxtPtr ctxt = g_private_get (&kept_ctxt);

  if (ctxt != NULL)
    {
      g_private_set (&kept_ctxt, NULL);
      if (xmlCtxtResetPush (ctxt, NULL, 0, NULL, NULL) == 0 && ctxt->sax != NULL)
        {
          memcpy (ctxt->sax, sax, sizeof *sax);
          ctxt->userData = ctxt;
          /* as xmlCreatePushParserCtxt leaves it without a first chunk:
           * the first bytes pushed are looked at for their encoding */
          ctxt->charset = XML_CHAR_ENCODING_NONE;
          return ctxt;
        }
      xmlFreeParserCtxt (ctxt);
    }
  return xmlCreatePushParserCtxt ((xmlSAXHandlerPtr) sax, NULL, NULL, 0, NULL);
}

static void
ctxt_give_back (xmlParserCtxtPtr ctxt, gboolean keep)
{
  if (keep && ctxt->dict != NULL && xmlDictSize (ctxt->dict) <= CTXT_KEEP_MAX_NAMES
      && g_private_get (&kept_ctxt) == NULL)
    {
      ctxt->_private = NULL;
      g_private_set (&kept_ctxt, ctxt);
    }
  else
    xmlFreeParserCtxt (ctxt);
}

gboolean
samp_xmlguard_parse (const char *xml, gsize len, const SampXmlSink *sink, gpointer data,
                     GError **error)
{
  xmlSAXHandler sax;
  xmlCharEncoding detected;
  Guard g = { 0 };
  gboolean ok;

  init_once ();
  if (len > G_MAXINT)
    {
      g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "XML-RPC document too large");
      return FALSE;
    }
  /* libxml2's own look at the first four bytes: a BOM or the pattern of
   * "<?xm" in UTF-16/UTF-32/EBCDIC.  Said here because without an
   * encoding declaration the parser would only call such a document
   * empty. */
  detected = len >= 4 ? xmlDetectCharEncoding ((const unsigned char *) xml, 4)
                      : XML_CHAR_ENCODING_NONE;
  /* libxml2 2.9 takes FF FE 00 00 for UTF-16 and misses 00 00 FE FF; a
   * NUL in the first bytes is never UTF-8 XML either */
  if (detected == XML_CHAR_ENCODING_NONE && len >= 2 && memchr (xml, '\0', MIN (len, 4)) != NULL)
    detected = XML_CHAR_ENCODING_UCS4BE;
  if (detected != XML_CHAR_ENCODING_NONE && detected != XML_CHAR_ENCODING_UTF8)
    {
      const char *name;
      switch (detected)
        {
        case XML_CHAR_ENCODING_UTF16LE: case XML_CHAR_ENCODING_UTF16BE:
          name = "UTF-16"; break;
        case XML_CHAR_ENCODING_UCS4LE: case XML_CHAR_ENCODING_UCS4BE:
        case XML_CHAR_ENCODING_UCS4_2143: case XML_CHAR_ENCODING_UCS4_3412:
          name = "UTF-32 (or another multi-byte encoding)"; break;
        default:
          name = xmlGetCharEncodingName (detected);
        }
      g_set_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL,
                   "XML-RPC document is encoded in %s: only UTF-8 is accepted",
                   name ? name : "another encoding");
      return FALSE;
    }

  memset (&sax, 0, sizeof sax);
  sax.initialized = XML_SAX2_MAGIC;
  sax.startDocument = on_start_document;
  sax.internalSubset = on_internal_subset;
  sax.startElementNs = on_start_element;
  sax.endElementNs = on_end_element;
  sax.serror = on_error;
  if (sink != NULL)
    {
      g.sink = sink;
      g.sink_data = data;
      sax.characters = on_characters;
      sax.cdataBlock = on_characters;
    }
  g.ctxt = ctxt_take (&sax);
  if (g.ctxt == NULL)
    {
      g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "cannot create an XML parser");
      return FALSE;
    }
  g.ctxt->_private = &g;
  /* every callback gets the context (no user data given): _private is ours */
  /* HUGE lifts libxml2's 10 MB limits on one text node and on its input
   * buffer (a SAMP string may be long); our own limits bound the rest */
  xmlCtxtUseOptions (g.ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING
                             | XML_PARSE_NOCDATA | XML_PARSE_HUGE);
  /* in chunks, so the parser keeps only a window of the document */
  for (gsize at = 0; at < len && g.refusal == NULL && g.ctxt->wellFormed;)
    {
      gsize n = MIN (len - at, CHUNK);
      at += n;
      xmlParseChunk (g.ctxt, xml + at - n, (int) n, at == len);
    }
  if (len == 0)
    xmlParseChunk (g.ctxt, xml, 0, 1);
  ok = g.refusal == NULL && g.xml_error == NULL && g.ctxt->wellFormed;
  if (g.refusal != NULL)
    g_set_error_literal (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, g.refusal);
  else if (!ok)
    g_set_error (error, SAMP_ERROR, SAMP_ERROR_PROTOCOL, "malformed XML-RPC document: %s",
                 g.xml_error ? g.xml_error : "not well-formed XML");
  ctxt_give_back (g.ctxt, ok && len <= CHUNK);
  g_free (g.refusal);
  g_free (g.xml_error);
  return ok;
}

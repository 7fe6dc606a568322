/* bench-votable-sax: the floor for the benchmark, a bare libxml2 SAX2 push
 * parse with empty callbacks, fed in the same 256 KiB chunks as our reader. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

static void
on_start (void *ctx, const xmlChar *l, const xmlChar *p, const xmlChar *u,
          int nn, const xmlChar **ns, int na, int nd, const xmlChar **a)
{
}

static void
on_end (void *ctx, const xmlChar *l, const xmlChar *p, const xmlChar *u)
{
}

static void
on_chars (void *ctx, const xmlChar *ch, int len)
{
}

int
main (int argc, char **argv)
{
  xmlSAXHandler sax;
  static char buf[256 * 1024];

  if (argc != 2)
    return 2;
  FILE *f = fopen (argv[1], "rb");
  if (f == NULL)
    return 1;
  memset (&sax, 0, sizeof sax);
  sax.initialized = XML_SAX2_MAGIC;
  sax.startElementNs = on_start;
  sax.endElementNs = on_end;
  sax.characters = on_chars;
  xmlParserCtxtPtr ctxt = xmlCreatePushParserCtxt (&sax, NULL, NULL, 0, NULL);
  xmlCtxtUseOptions (ctxt, XML_PARSE_NONET | XML_PARSE_HUGE);
  size_t n;
  int rc = 0;
  while (rc == 0 && (n = fread (buf, 1, sizeof buf, f)) > 0)
    rc = xmlParseChunk (ctxt, buf, (int) n, 0);
  if (rc == 0)
    rc = xmlParseChunk (ctxt, buf, 0, 1);
  xmlFreeParserCtxt (ctxt);
  fclose (f);
  return rc != 0;
}

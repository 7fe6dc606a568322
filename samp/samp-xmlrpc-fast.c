/* samp-xmlrpc-fast.c: XML-RPC as SAMP peers write it, read from the bytes.
 *
 * libxml2's push parser cost ~50k instructions for a document of a few
 * hundred bytes (two per message the hub forwards).  What SAMP peers
 * (libsamp, JSAMP, Python's xmlrpc.client, xmlrpc-c) send is a small
 * subset of XML, read here in one loop over the bytes, handing the same
 * SampXmlSink the same element names and text as samp-xmlguard's libxml2
 * pass would (samp-xmlrpc's reader builds the GVariants from them either
 * way, so both paths give the same values and the same errors of the
 * reader).  The subset:
 *  - an optional <?xml version="1.0"?> declaration at the very first
 *    byte, with an optional encoding "UTF-8" (any case) or "US-ASCII" /
 *    "ASCII" (then every byte must be ASCII), single or double quotes,
 *    no standalone;
 *  - then whitespace, one root element, whitespace, the end;
 *  - elements named as XML-RPC names them (methodCall ... dateTime.iso8601:
 *    the names samp-xmlrpc's reader knows), without attributes, empty
 *    (<nil/>) or not, with whitespace before the closing '>';
 *  - text of UTF-8 XML characters (no control characters but TAB, LF and
 *    CR; CR LF and lone CR read as LF, as XML says), the five predefined
 *    entities and decimal or hex character references to XML characters;
 *    no "]]>".
 * Anything else (a BOM, DOCTYPE, comments, CDATA, processing
 * instructions, other encodings or versions, other entities or names,
 * attributes, bad bytes, a document cut short or with more after its
 * root) and anything past samp-xmlguard's limits (element and list/map
 * depth) is declined: FALSE, and the caller runs libxml2 on the document,
 * which gives its result or its error exactly as before.  So this reader
 * never refuses a document by itself; tests/fuzz/fuzz-xmlrpc.c checks
 * that whatever it reads, libxml2's path reads the same.
 */
#include "config.h"

#include <string.h>

#include "samp-xmlrpc.h"
#include "samp-xmlrpc-fast.h"

/* The element names passed on; anything else is declined. */
#define N(s) { s, sizeof s - 1 }
static const struct { const char *s; gsize len; } names[] = {
  N ("methodCall"), N ("methodResponse"), N ("methodName"), N ("params"), N ("param"),
  N ("fault"), N ("value"), N ("string"), N ("int"), N ("i4"), N ("i8"), N ("boolean"),
  N ("double"), N ("dateTime.iso8601"), N ("nil"), N ("base64"), N ("array"), N ("data"),
  N ("struct"), N ("member"), N ("name"),
};
#undef N
#define NAME_ARRAY 16
#define NAME_STRUCT 18

typedef struct {
  const guchar *p, *end;
  const SampXmlSink *sink;
  gpointer data;
  gboolean ascii;           /* declared US-ASCII: no byte >= 0x80 */
  int depth, value_depth;
  guint8 open[SAMP_XMLRPC_MAX_ELEMENT_DEPTH];
} Fast;

static inline gboolean
is_space (guchar c)
{
  return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

static void
skip_space (Fast *f)
{
  while (f->p < f->end && is_space (*f->p))
    f->p++;
}

/* Literal @s at the cursor: consumed. */
static gboolean
eat (Fast *f, const char *s)
{
  gsize n = strlen (s);
  if ((gsize) (f->end - f->p) < n || memcmp (f->p, s, n) != 0)
    return FALSE;
  f->p += n;
  return TRUE;
}

/* A sink callback's message (never expected from samp-xmlrpc's reader)
 * is left to the libxml2 path to give. */
static gboolean
sink_ok (char *why)
{
  g_free (why);
  return why == NULL;
}

static gboolean
emit_text (Fast *f, const guchar *s, gsize len)
{
  return len == 0 || f->sink == NULL || sink_ok (f->sink->text (f->data, (const char *) s, len));
}

/* @s[0..len) is @name, in any case (and has no NUL). */
static gboolean
is_name (const guchar *s, gsize len, const char *name)
{
  return len == strlen (name) && g_ascii_strncasecmp ((const char *) s, name, len) == 0;
}

/* A pseudo-attribute's start, @name = and its opening quote (into
 * *@quote), spaces around the = allowed; the cursor at its name. */
static gboolean
eat_assignment (Fast *f, const char *name, guchar *quote)
{
  if (!eat (f, name))
    return FALSE;
  skip_space (f);
  if (!eat (f, "="))
    return FALSE;
  skip_space (f);
  if (f->p >= f->end || (*f->p != '"' && *f->p != '\''))
    return FALSE;
  *quote = *f->p++;
  return TRUE;
}

/* <?xml version="1.0" encoding="UTF-8"?>, the cursor after "<?xml". */
static gboolean
read_declaration (Fast *f)
{
  const guchar *start;
  guchar quote;

  if (f->p >= f->end || !is_space (*f->p))
    return FALSE;
  skip_space (f);
  if (!eat_assignment (f, "version", &quote))
    return FALSE;
  if (!eat (f, "1.0") || f->p >= f->end || *f->p++ != quote)
    return FALSE;
  if (eat (f, "?>"))
    return TRUE;
  if (f->p >= f->end || !is_space (*f->p))
    return FALSE;
  skip_space (f);
  if (f->p < f->end && *f->p == 'e')
    {
      if (!eat_assignment (f, "encoding", &quote))
        return FALSE;
      start = f->p;
      while (f->p < f->end && *f->p != quote && f->p - start < 16)
        f->p++;
      if (f->p >= f->end || *f->p != quote)
        return FALSE;
      if (is_name (start, f->p - start, "US-ASCII") || is_name (start, f->p - start, "ASCII"))
        f->ascii = TRUE;
      else if (!is_name (start, f->p - start, "UTF-8"))
        return FALSE;
      f->p++;
      skip_space (f);
    }
  return eat (f, "?>");
}

/* The indices in names[] of the names of each length, ended by -1
 * (filled once, by by_length_init). */
#define NAME_MAX_LEN 16
static gint8 by_length[NAME_MAX_LEN + 1][8];

static void
by_length_init (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      guint n_of[NAME_MAX_LEN + 1] = { 0 };
      memset (by_length, -1, sizeof by_length);
      for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
        {
          gsize len = names[i].len;
          g_assert (len <= NAME_MAX_LEN && n_of[len] + 1 < G_N_ELEMENTS (by_length[len]));
          by_length[len][n_of[len]++] = (gint8) i;
        }
      g_once_init_leave (&once, 1);
    }
}

/* An element name at the cursor, ended by space, '>' or '/': its index
 * in names[], or -1.  @expected (an index, or -1): the name an end tag
 * must have, compared first. */
static int
read_name (Fast *f, int expected)
{
  const guchar *start = f->p;
  gsize n;

  while (f->p < f->end && *f->p != '>' && *f->p != '/' && !is_space (*f->p))
    f->p++;
  n = f->p - start;
  if (f->p >= f->end)
    return -1;
  if (expected >= 0)
    return n == names[expected].len && memcmp (names[expected].s, start, n) == 0 ? expected : -1;
  if (n > NAME_MAX_LEN)
    return -1;
  for (const gint8 *i = by_length[n]; *i >= 0; i++)
    if (memcmp (names[*i].s, start, n) == 0)
      return *i;
  return -1;
}

/* An XML 1.0 Char. */
static inline gboolean
is_xml_char (gunichar c)
{
  return (c >= 0x20 && c <= 0xD7FF) || c == 0x9 || c == 0xA || c == 0xD
         || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/* &...; at the cursor (on the '&'): the text it stands for, given on. */
static gboolean
read_reference (Fast *f)
{
  static const struct { const char *ref; const char *text; } predefined[] = {
    { "&lt;", "<" }, { "&gt;", ">" }, { "&amp;", "&" }, { "&quot;", "\"" }, { "&apos;", "'" },
  };
  guchar out[6];
  gunichar c = 0;
  int digits = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (predefined); i++)
    if (eat (f, predefined[i].ref))
      return emit_text (f, (const guchar *) predefined[i].text, 1);
  if (!eat (f, "&#"))
    return FALSE;
  if (eat (f, "x"))
    for (; f->p < f->end && g_ascii_isxdigit (*f->p) && c <= 0x10FFFF; f->p++, digits++)
      c = c * 16 + g_ascii_xdigit_value (*f->p);
  else
    for (; f->p < f->end && g_ascii_isdigit (*f->p) && c <= 0x10FFFF; f->p++, digits++)
      c = c * 10 + g_ascii_digit_value (*f->p);
  if (digits == 0 || !eat (f, ";") || !is_xml_char (c))
    return FALSE;
  return emit_text (f, out, g_unichar_to_utf8 (c, (char *) out));
}

/* Character data up to the next '<'. */
static gboolean
read_text (Fast *f)
{
  const guchar *run = f->p;

  while (f->p < f->end)
    {
      guchar c = *f->p;
      if (c >= 0x20 && c < 0x80 && c != '<' && c != '&' && c != ']')
        {
          f->p++;
          continue;
        }
      if (c == '<')
        break;
      if (c == '\n' || c == '\t')
        f->p++;
      else if (c == ']')
        {
          if (f->end - f->p >= 3 && f->p[1] == ']' && f->p[2] == '>')
            return FALSE;
          f->p++;
        }
      else if (c == '&' || c == '\r')
        {
          if (!emit_text (f, run, f->p - run))
            return FALSE;
          if (c == '&' && !read_reference (f))
            return FALSE;
          if (c == '\r')
            {
              f->p++;
              if (f->p < f->end && *f->p == '\n')
                f->p++;
              if (!emit_text (f, (const guchar *) "\n", 1))
                return FALSE;
            }
          run = f->p;
        }
      else if (c >= 0x80 && !f->ascii)
        {
          gunichar u = g_utf8_get_char_validated ((const char *) f->p, f->end - f->p);
          if (u == (gunichar) -1 || u == (gunichar) -2 || !is_xml_char (u))
            return FALSE;
          f->p += g_utf8_skip[c];
        }
      else
        return FALSE;           /* control character, or not ASCII */
    }
  return emit_text (f, run, f->p - run);
}

/* A tag at the cursor (on the '<'). */
static gboolean
read_tag (Fast *f)
{
  int name;

  f->p++;
  if (f->p < f->end && *f->p == '/')
    {
      f->p++;
      if (f->depth == 0 || (name = read_name (f, f->open[f->depth - 1])) < 0)
        return FALSE;
      skip_space (f);
      if (!eat (f, ">"))
        return FALSE;
    }
  else
    {
      gboolean empty;
      name = read_name (f, -1);
      if (name < 0)
        return FALSE;
      skip_space (f);
      empty = eat (f, "/");
      if (!eat (f, ">"))
        return FALSE;           /* attributes among others */
      if (f->depth >= SAMP_XMLRPC_MAX_ELEMENT_DEPTH)
        return FALSE;
      if ((name == NAME_ARRAY || name == NAME_STRUCT)
          && ++f->value_depth > SAMP_XMLRPC_MAX_DEPTH)
        return FALSE;
      f->open[f->depth++] = (guint8) name;
      if (f->sink != NULL && !sink_ok (f->sink->start (f->data, names[name].s)))
        return FALSE;
      if (!empty)
        return TRUE;
    }
  /* the element ends */
  f->depth--;
  if (name == NAME_ARRAY || name == NAME_STRUCT)
    f->value_depth--;
  return f->sink == NULL || sink_ok (f->sink->end (f->data));
}

gboolean
samp_xmlfast_parse (const char *xml, gsize len, const SampXmlSink *sink, gpointer data)
{
  Fast f = { 0 };

  by_length_init ();
  f.p = (const guchar *) xml;
  f.end = f.p + len;
  f.sink = sink;
  f.data = data;
  if (eat (&f, "<?xml") && !read_declaration (&f))
    return FALSE;
  skip_space (&f);
  if (f.p >= f.end || *f.p != '<' || !read_tag (&f))
    return FALSE;               /* the root element */
  while (f.depth > 0)
    {
      if (f.p >= f.end)
        return FALSE;
      if (*f.p == '<' ? !read_tag (&f) : !read_text (&f))
        return FALSE;
    }
  skip_space (&f);
  return f.p == f.end;
}

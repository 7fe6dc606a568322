/* vo-text.c: server- and peer-supplied text made safe for a terminal or a
 * log (the rule is in vo-text.h).
 *
 * The input is first made valid UTF-8 (g_utf8_make_valid), then walked one
 * code point at a time: an escape sequence (7-bit ESC form or 8-bit C1
 * form) is skipped whole so that its parameters do not show up as
 * garbage, every other control character is dropped, and tab/newline are
 * kept or turned into a space as the caller's format allows.
 */
#include "config.h"

#include "vo-text.h"

#include <string.h>

#define ESC 0x1b
#define BEL 0x07

static gboolean
is_bidi_control (gunichar c)
{
  return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* Skips the body of a CSI sequence starting at @p (after ESC [ or U+009B):
 * parameter bytes, intermediate bytes, one final byte. */
static const char *
skip_csi (const char *p, const char *end)
{
  while (p < end && (guchar) *p >= 0x30 && (guchar) *p <= 0x3f)
    p++;
  while (p < end && (guchar) *p >= 0x20 && (guchar) *p <= 0x2f)
    p++;
  if (p < end && (guchar) *p >= 0x40 && (guchar) *p <= 0x7e)
    p++;
  return p;
}

/* Skips the body of a string sequence (OSC, DCS, SOS, PM, APC) up to and
 * including its terminator: BEL, ESC \ or U+009C (ST); or to the end. */
static const char *
skip_string (const char *p, const char *end)
{
  while (p < end)
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);
      if (c == BEL || c == 0x9c)
        return next;
      if (c == ESC)
        {
          if (next < end && *next == '\\')
            return next + 1;
          return next;        /* a new sequence ends this one */
        }
      p = next;
    }
  return end;
}

/* Skips what follows a 7-bit ESC at @p (just after the ESC). */
static const char *
skip_escape (const char *p, const char *end)
{
  guchar c;

  if (p >= end)
    return p;
  c = (guchar) *p;
  if (c == '[')
    return skip_csi (p + 1, end);
  if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_')
    return skip_string (p + 1, end);
  while (p < end && (guchar) *p >= 0x20 && (guchar) *p <= 0x2f)
    p++;
  if (p < end && (guchar) *p >= 0x30 && (guchar) *p <= 0x7e)
    p++;
  return p;
}

char *
vo_text_sanitize (const char *s, gssize len, VoTextFlags flags)
{
  g_autofree char *valid = NULL;
  const char *p, *end;
  GString *out;

  if (s == NULL)
    return g_strdup ("");
  valid = g_utf8_make_valid (s, len);
  p = valid;
  end = valid + strlen (valid);
  out = g_string_sized_new ((gsize) (end - p));
  while (p < end)
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);

      if (c == ESC)
        next = skip_escape (next, end);
      else if (c == 0x9b)
        next = skip_csi (next, end);
      else if (c == 0x9d || c == 0x90 || c == 0x98 || c == 0x9e || c == 0x9f)
        next = skip_string (next, end);
      else if (c == '\t')
        g_string_append_c (out, (flags & VO_TEXT_KEEP_TAB) ? '\t' : ' ');
      else if (c == '\n')
        g_string_append_c (out, (flags & VO_TEXT_KEEP_NEWLINE) ? '\n' : ' ');
      else if (c == '\r')
        {
          if (next >= end || *next != '\n')
            g_string_append_c (out, ' ');   /* a bare CR would overwrite the line */
        }
      else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || is_bidi_control (c))
        ;                                   /* dropped */
      else
        g_string_append_len (out, p, next - p);
      p = next;
    }
  return g_string_free (out, FALSE);
}

gboolean
vo_text_is_safe (const char *s, VoTextFlags flags)
{
  g_autofree char *clean = NULL;

  if (s == NULL)
    return TRUE;
  for (const guchar *p = (const guchar *) s; *p != '\0'; p++)
    if (*p < 0x20 || *p >= 0x7f)
      goto slow;
  return TRUE;
slow:
  clean = vo_text_sanitize (s, -1, flags);
  return strcmp (clean, s) == 0;
}

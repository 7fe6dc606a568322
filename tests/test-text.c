/* test-text.c: vo_text_sanitize, the one rule for server- and peer-supplied
 * text shown on a terminal or written to a log (src/vo/vo-text.h).
 */
#include "config.h"

#include <string.h>

#include "vo-text.h"

typedef struct {
  const char *name;
  const char *in;
  VoTextFlags flags;
  const char *out;
} Case;

static const Case cases[] = {
  { "plain text is kept", "caom2.Observation: 9 rows", VO_TEXT_ONE_LINE,
    "caom2.Observation: 9 rows" },
  { "UTF-8 is kept", "M\xc3\xa9nard \xe2\x80\x94 \xce\xb1=1", VO_TEXT_ONE_LINE,
    "M\xc3\xa9nard \xe2\x80\x94 \xce\xb1=1" },
  { "OSC retitle (ESC ] ... BEL) goes whole", "a\x1b]0;pwned\x07" "b", VO_TEXT_ONE_LINE, "ab" },
  { "OSC ended by ST (ESC \\) goes whole", "a\x1b]2;t\x1b\\b", VO_TEXT_ONE_LINE, "ab" },
  { "CSI clear screen goes whole", "\x1b[2J\x1b[1;1Hhello", VO_TEXT_ONE_LINE, "hello" },
  { "CSI colour goes whole", "\x1b[31mred\x1b[0m", VO_TEXT_ONE_LINE, "red" },
  { "CSI with private parameters", "x\x1b[?1049hy", VO_TEXT_ONE_LINE, "xy" },
  { "two-byte ESC sequences (ESC c reset, ESC ( B charset)", "a\x1b" "cb\x1b(Bc",
    VO_TEXT_ONE_LINE, "abc" },
  { "DCS string goes whole", "a\x1bPq#0;2;0;0;0\x1b\\b", VO_TEXT_ONE_LINE, "ab" },
  { "a lone ESC at the end", "end\x1b", VO_TEXT_ONE_LINE, "end" },
  { "an unterminated OSC eats to the end", "a\x1b]0;title", VO_TEXT_ONE_LINE, "a" },
  { "8-bit CSI (U+009B) goes whole", "a\xc2\x9b" "2Jb", VO_TEXT_ONE_LINE, "ab" },
  { "8-bit OSC (U+009D) to ST (U+009C)", "a\xc2\x9d" "0;t\xc2\x9c" "b", VO_TEXT_ONE_LINE, "ab" },
  { "other C1 controls go", "a\xc2\x85" "b\xc2\x8d" "c", VO_TEXT_ONE_LINE, "abc" },
  { "C0 controls go (BEL, BS, NUL-free)", "a\x07" "b\x08" "c\x01" "d", VO_TEXT_ONE_LINE, "abcd" },
  { "DEL goes", "a\x7f" "b", VO_TEXT_ONE_LINE, "ab" },
  { "a bare CR becomes a space (it would overwrite the line)", "ok\rFAKE", VO_TEXT_ONE_LINE,
    "ok FAKE" },
  { "one line: tab and newline become spaces", "a\tb\nc\r\nd", VO_TEXT_ONE_LINE, "a b c d" },
  { "kept where the format allows", "a\tb\nc\r\nd", VO_TEXT_KEEP_TAB | VO_TEXT_KEEP_NEWLINE,
    "a\tb\nc\nd" },
  { "bidi override and isolates go", "abc\xe2\x80\xae" "def\xe2\x81\xa6" "g", VO_TEXT_ONE_LINE,
    "abcdefg" },
  { "invalid UTF-8 becomes U+FFFD", "a\xff" "b", VO_TEXT_ONE_LINE, "a\xef\xbf\xbd" "b" },
};

static void
test_cases (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = vo_text_sanitize (cases[i].in, -1, cases[i].flags);
      g_test_message ("%s", cases[i].name);
      g_assert_cmpstr (out, ==, cases[i].out);
      g_assert_cmpint (vo_text_is_safe (cases[i].in, cases[i].flags), ==,
                       strcmp (cases[i].in, cases[i].out) == 0);
      g_assert_true (vo_text_is_safe (out, cases[i].flags));
    }
}

static void
test_null_and_length (void)
{
  g_autofree char *empty = vo_text_sanitize (NULL, -1, VO_TEXT_ONE_LINE);
  g_autofree char *part = vo_text_sanitize ("abc\x1b[2Jdef", 5, VO_TEXT_ONE_LINE);
  g_autofree char *nul = vo_text_sanitize ("a\0b", 3, VO_TEXT_ONE_LINE);

  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpstr (part, ==, "abc");     /* a sequence cut by @len still goes */
  g_assert_cmpstr (nul, ==, "a\xef\xbf\xbd" "b");   /* an embedded NUL: U+FFFD */
}

/* Every byte value, and every C1 code point, in any position: nothing
 * below U+0020 except the allowed ones, no DEL, no C1 survives. */
static void
test_exhaustive (void)
{
  for (guint b = 1; b < 256; b++)
    for (guint c1 = 0x80; c1 < 0xa0; c1++)
      {
        char in[16];
        g_autofree char *out = NULL;
        int n = g_snprintf (in, sizeof in, "x%c%c%cy", (char) b, 0xc2, (char) c1);
        out = vo_text_sanitize (in, n, VO_TEXT_KEEP_TAB);
        for (const guchar *p = (const guchar *) out; *p != '\0'; p++)
          {
            g_assert_true (*p >= 0x20 || *p == '\t');
            g_assert_cmpuint (*p, !=, 0x7f);
            if (*p == 0xc2)
              g_assert_true (p[1] >= 0xa0);
          }
      }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/text/sanitize/cases", test_cases);
  g_test_add_func ("/text/sanitize/null-and-length", test_null_and_length);
  g_test_add_func ("/text/sanitize/exhaustive", test_exhaustive);
  return g_test_run ();
}

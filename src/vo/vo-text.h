/* vo-text.h: making text that a server or a peer supplied safe to show.
 *
 * Every text cadc-samp did not write itself (an HTTP error body, a
 * QUERY_STATUS message, a UWS error summary or job parameter, a VOSI
 * description, a table or column name, a SAMP peer's name) may hold
 * terminal control sequences: ESC [ 2 J clears the screen, ESC ] 0 ; …
 * BEL retitles the window, a bare CR overwrites what was printed.  Before
 * such text reaches a terminal or a log it goes through
 * vo_text_sanitize(), the one place that decides what is removed:
 *
 *  - escape sequences, whole: CSI (ESC [ or U+009B … final byte), the
 *    string sequences OSC, DCS, SOS, PM, APC (ESC ] P X ^ _ or U+009D,
 *    U+0090, U+0098, U+009E, U+009F … up to BEL or ST) and every other
 *    ESC + intermediates + final;
 *  - C0 controls (U+0000-U+001F) except tab and newline where the caller
 *    allows them (otherwise they become a space), DEL (U+007F) and C1
 *    controls (U+0080-U+009F);
 *  - the bidirectional overrides and isolates (U+202A-U+202E,
 *    U+2066-U+2069), which reorder what a terminal shows;
 *  - bytes that are not UTF-8, and an embedded NUL, become U+FFFD.
 *
 * The sinks that apply it: cs_print_error and the log writer (main.c),
 * the archive commands' listings (cmd-*.c), the table output format
 * (vo-votable-writer.c) and vo-http's error messages.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  VO_TEXT_ONE_LINE = 0,              /* tab and newline become a space */
  VO_TEXT_KEEP_TAB = 1 << 0,
  VO_TEXT_KEEP_NEWLINE = 1 << 1,
} VoTextFlags;

/* @s: (nullable): text, @len bytes or -1 for NUL-terminated.  Returns:
 * (transfer full): @s without control characters and escape sequences
 * (see above); "" for NULL.  Never fails. */
char *vo_text_sanitize (const char *s, gssize len, VoTextFlags flags);

/* TRUE when vo_text_sanitize (@s, -1, @flags) would return @s unchanged
 * (the common case, so callers can skip the copy). */
gboolean vo_text_is_safe (const char *s, VoTextFlags flags);

G_END_DECLS

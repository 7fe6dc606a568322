/* cli-progress.h: one progress line on a terminal's stderr, rewritten in
 * place (cli-progress.c), that log lines do not garble. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Shows @line (cut to the terminal's width) in place of the last one.
 * Only call it when stderr is a terminal and progress is wanted. */
void cs_progress_show (const char *line);
/* The terminal's width (stderr's), 80 when unknown. */
int cs_progress_columns (void);
/* Blanks the line for good (the work is done). */
void cs_progress_end (void);
/* For the log writer: blanks a shown line before a log line is written
 * (hide), and shows it again below it (unhide).  No-ops when none is
 * shown.  Thread-safe. */
void cs_progress_hide (void);
void cs_progress_unhide (void);

G_END_DECLS

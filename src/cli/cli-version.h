/* cli-version.h: the text of `cadc-samp --version` (cli-version.c). */
#pragma once

#include <stdio.h>
#include <glib.h>

G_BEGIN_DECLS

/* "cadc-samp VERSION", then the libraries it runs with (their run-time
 * versions) and its features, one line each. */
void cli_version_print (FILE *out);

G_END_DECLS

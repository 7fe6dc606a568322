/* commands.h: the subcommands of cadc-samp and the options they share.
 *
 * main.c parses the global options before the subcommand into a
 * CsGlobalOptions and hands the rest of argv, with the subcommand name as
 * argv[0], to the command's run function, which starts with
 * cli_options_parse (cli-options.h): its own options and the global ones
 * after the subcommand.  Each command
 * lives in its own cmd-*.c file and defines one `const CsCommand
 * cs_command_NAME`.  Exit codes and the errors that give them: cli-exit.h.
 */
#pragma once

#include <glib.h>

#include "cli-exit.h"

G_BEGIN_DECLS

/* The log domains -v and [listen] log-level=debug show: the program's and
 * the bridge's (the archive client's "cadc" and "vo" come with -vv). */
#define CS_OWN_LOG_DOMAINS "cadc-samp bridge"

typedef struct {
  char *registry;   /* --registry URL or CADC_REGISTRY_URL */
  char *tap;        /* --tap URL: TAP base, no registry lookup */
  char *datalink;   /* --datalink URL: DataLink endpoint */
  char *archive;    /* --archive NAME: "cadc" or an [archive.NAME] of the config */
  char **archives;  /* every --archive given, in order (listen asks several) */
  char *model;      /* --model caom2|obscore: the data model, not discovered */
  char *output;     /* -o FILE */
  char *format;     /* --format votable|csv|tsv|table */
  char *columns;    /* --columns a,b,c | all */
  int verbosity;    /* -q: -1, default 0, each -v: +1 */
} CsGlobalOptions;

typedef struct {
  const char *name;
  const char *summary;       /* one line for `cadc-samp --help` */
  int (*run) (CsGlobalOptions *global, int argc, char **argv);
} CsCommand;

/* Print "cadc-samp: MESSAGE" on stderr (the one place errors are shown). */
void cs_print_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Text a server or peer supplied, made safe for one field of a line on a
 * terminal (vo_text_sanitize: no control characters or escape sequences;
 * tab and newline become a space).  @s: (nullable): NULL gives "".
 * Returns: (transfer full). */
char *cs_safe (const char *s);

/* Drop message/info/debug log output (errors and warnings stay); for
 * `hub -q`.  Every log line is sanitized (main.c, vo-text.h). */
void cs_log_set_quiet (gboolean quiet);

G_END_DECLS

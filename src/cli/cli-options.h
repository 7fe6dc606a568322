/* cli-options.h: the one command-line parser of cadc-samp.
 *
 * Every command declares its options as a GOptionEntry array and starts
 * with cli_options_parse, which parses them together with the global
 * options (-v, -q, --registry, --tap, --datalink, --archive, --model, -o,
 * --format: before or
 * after the command) through one GOptionContext.  Around GOptionContext it
 * does what every command shares: a lone "-" and negative numbers ("-30",
 * "-.5") are positionals, "--" ends the options, "-oFILE" and "--opt=value"
 * are accepted, --help/-h prints the command's usage, its options and the
 * global options, and usage errors (unknown option, option without its
 * value, too few or too many positionals) are printed as
 * "cadc-samp: CMD: ..." with exit code 2.
 */
#pragma once

#include <stdio.h>
#include <glib.h>

#include "commands.h"

G_BEGIN_DECLS

/* What a command's command line looks like, besides its options. */
typedef struct {
  const char *help;         /* "Usage: cadc-samp CMD ...\n\nWhat it does.\n" */
  guint min_args, max_args; /* how many positionals (G_MAXUINT: no limit) */
  const char *args_error;   /* "POSITION is missing"; NULL: "takes no arguments, not 'X'" */
} CliCommandLine;

/* Parses @argv (argv[0] is the command's name) with @entries (NULL or
 * NULL-terminated; string options should be G_OPTION_ARG_FILENAME, which
 * keeps the bytes as given) and the global options into @g, and puts the
 * positionals (pointers into @argv) into @args.  Then validates --format,
 * --model and --archive (an archive the config does not define),
 * applies $CADC_REGISTRY_URL, sets up logging (-v/-q) and loads the
 * config file's [limits].  Returns FALSE when the command must end at once
 * with *@rc: 0 after --help, 2 after a usage error (printed). */
gboolean cli_options_parse (CsGlobalOptions *g, int argc, char **argv, const CliCommandLine *cl,
                            GOptionEntry *entries, GPtrArray *args, int *rc);

/* For main.c: parses the global options that stand before the command
 * (argv[1]...) into @g and returns the index of the first other argument
 * (the command; @argc when there is none), or -1 after printing a usage
 * error. */
int cli_options_parse_leading (CsGlobalOptions *g, int argc, char **argv);

/* The global options' help section, as every --help ends. */
void cli_options_print_global_help (FILE *out);

G_END_DECLS

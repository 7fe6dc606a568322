/* cmd-archive-private.h: what the archive subcommands share.
 *
 * The archive commands live in cmd-meta.c (collections, region, name,
 * tables, table), cmd-query.c (query, job, jobs), cmd-data.c (data-urls,
 * cutout-urls, cutouts) and cmd-login.c (login, logout, whoami).  They all
 * start the same way (cmd_archive_parse_command), build their CadcClient
 * from the global options, write results through a CsOutput and end on an
 * error with cli_exit_fail (CLI_STAGE_ARCHIVE, ...), which prints it once
 * and picks the exit code (cli-exit.h).
 * Those pieces are in cmd-archive.c.  Not for use outside the archive
 * commands.
 */
#pragma once

#include <gio/gio.h>

#include "cadc-client.h"
#include "cadc-config.h"
#include "cli-options.h"
#include "commands.h"

G_BEGIN_DECLS

/* The start of every archive command: cli_options_parse (@entries: NULL
 * or NULL-terminated; @cl: usage and positional counts), then an
 * interrupted command removes its partial files (vo-cleanup.h).  Returns
 * FALSE when the command must end at once with *@rc. */
gboolean cmd_archive_parse_command (CsGlobalOptions *g, int argc, char **argv,
                                    const CliCommandLine *cl, GOptionEntry *entries,
                                    GPtrArray *pos, int *rc);

/* Positionals @from..@to-1 joined with spaces ("08h45m07.5s +54d18m00s"
 * may come as one or several arguments).  Returns: (transfer full). */
char *cmd_archive_join_args (GPtrArray *pos, guint from, guint to);

/* A bad value on the command line: prints "CMD: message", frees @e and
 * returns CS_EXIT_USAGE. */
int cmd_archive_usage_error (const char *cmd, GError *e);

/* Validates a certificate before it is used (cadcutils' rule): expired or
 * unusable -> error; at most 3 days left -> a warning on stderr. */
gboolean cmd_archive_check_cert (CsGlobalOptions *g, const char *path, GError **error);

/* The archive of the global options (--archive, default cadc) resolved:
 * cadc_config_resolve_archive.  Returns: (transfer full) (nullable). */
CadcConfig *cmd_archive_config (CsGlobalOptions *g, const char *login_url, GError **error);

/* @given (a --collection), else the archive's collection= (kept in
 * *@store, which the caller frees), else NULL.  (transfer none) */
const char *cmd_archive_collection (CsGlobalOptions *g, const char *given, char **store);

/* The client of the global options: the archive of --archive (default
 * cadc), its data model from --model, else its config, else discovered.
 * Endpoints: command line > environment > config file [archive] or
 * [archive.NAME] > default.  A saved certificate is
 * validated first, except @for_login (which may be replacing it) where it
 * is not used.  @login_url: (nullable).  Returns: (transfer full). */
CadcClient *cmd_archive_make_client_full (CsGlobalOptions *g, const char *login_url,
                                         gboolean for_login, GError **error);
CadcClient *cmd_archive_make_client (CsGlobalOptions *g, GError **error);

/* The client's data model (cadc_client_get_model).  When its VOSI tables
 * cannot be read (no /tables, unreachable: the query will say), CAOM2,
 * what every service got before models existed (said under -v); only
 * tables with neither caom2 nor ivoa.obscore are an error. */
gboolean cmd_archive_model (CsGlobalOptions *g, CadcClient *c, CadcModel *model,
                            GError **error);

/* --format, else a table on a terminal and VOTable otherwise. */
gboolean cmd_archive_pick_format (CsGlobalOptions *g, VoFormat *fmt, GError **error);

/* A result in format @fmt for @out: when it is reshaped (--columns, or a
 * table for a terminal: the main columns first, cut to its width, see
 * cmd-archive.c) the query writes VOTable (*@wire) into the returned
 * memory stream and cmd_archive_result_finish writes it to @out; else
 * the returned stream is @out itself.  Returns: (transfer full). */
GOutputStream *cmd_archive_result_sink (CsGlobalOptions *g, VoFormat fmt, GOutputStream *out,
                                        VoFormat *wire);
/* Writes what went into @sink to @out (nothing to do when @sink is @out);
 * an unknown --columns name fails with G_OPTION_ERROR_BAD_VALUE (exit 2
 * through cmd_archive_output_finish). */
gboolean cmd_archive_result_finish (CsGlobalOptions *g, VoFormat fmt, GOutputStream *sink,
                                    GOutputStream *out, GError **error);

/* Runs @adql and returns the result parsed as a table (for commands that
 * read the result themselves).  Returns: (transfer full) (nullable). */
VoTable *cmd_archive_query_table (CadcClient *c, const char *adql, GError **error);

/* An output: stdout; for -o FILE naming a regular file or a new path
 * (through symlinks: the link's target), a temporary file next to it
 * with its permissions, renamed onto it only by cs_output_commit and
 * removed if a signal ends the process; for a FIFO, a device or
 * /dev/stdout, the file itself, written straight through. */
typedef struct {
  GOutputStream *stream;
  char *path;
  char *tmp;
} CsOutput;

/* @path: (nullable): NULL or "-" = stdout. */
gboolean cs_output_open (CsOutput *o, const char *path, GError **error);
gboolean cs_output_commit (CsOutput *o, GError **error);
void cs_output_abort (CsOutput *o);

/* Warns on stderr about an OVERFLOW result; with -v, counts the rows. */
void cmd_archive_report_result (CsGlobalOptions *g, CadcQueryResult *r);

/* Ends an output that a query or job fetch wrote: with @r NULL (it
 * failed with @error) the output is dropped; else it is committed and
 * the result reported.  @error: (transfer full) (nullable).  Returns the
 * exit code. */
int cmd_archive_output_finish (CsGlobalOptions *g, CsOutput *out, CadcQueryResult *r,
                              GError *error);

/* Runs @adql and writes the result per the global options.  Returns the
 * exit code. */
int cmd_archive_run_query (CsGlobalOptions *g, const char *adql, gint64 maxrec,
                          const char *const *uploads);
/* The same on a client already made. */
int cmd_archive_run_query_on (CsGlobalOptions *g, CadcClient *c, const char *adql,
                             gint64 maxrec, const char *const *uploads);

G_END_DECLS

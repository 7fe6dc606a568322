/* cli-exit.h: cadc-samp's exit codes and the one map from errors to them.
 *
 * Every command ends a failure through cli_exit_fail (or asks
 * cli_exit_code): the same GError can mean different things depending on
 * what failed (G_IO_ERROR_EXISTS from starting a hub is "a hub already
 * runs", 1; from writing -o FILE it is a local I/O error, 5), so a rule of
 * the map names the stage it applies to as well as the error's domain and
 * code.  The map and the meaning of each code are one table in cli-exit.c;
 * `cadc-samp --exit-codes` prints them as the head of doc/EXITCODES.md and
 * tests/test-cli-exitcodes.sh fails when the two differ.
 */
#pragma once

#include <stdio.h>
#include <glib.h>

G_BEGIN_DECLS

enum {
  CS_EXIT_OK = 0,
  CS_EXIT_FAILED = 1,       /* generic failure, or some recipients failed */
  CS_EXIT_USAGE = 2,        /* bad command line, bad POSITION/RADIUS */
  CS_EXIT_NO_HUB = 3,       /* no SAMP hub found or hub unreachable */
  CS_EXIT_ARCHIVE = 4,      /* archive/query/service error */
  CS_EXIT_IO = 5,           /* local file error */
  CS_EXIT_AUTH = 6,         /* authentication failed or required */
};

/* What was being done when the error came (a rule may name several). */
typedef enum {
  CLI_STAGE_ARCHIVE = 1 << 0,   /* an archive command: the archive, its input and output files */
  CLI_STAGE_LOGIN = 1 << 1,     /* login: the login service answering the password */
  CLI_STAGE_SAMP = 1 << 2,      /* send, status: registering with the SAMP hub */
  CLI_STAGE_HUB = 1 << 3,       /* hub: starting the hub */
  CLI_STAGE_LISTEN = 1 << 4,    /* listen: finding the TAP service, its hub, registering */
  CLI_STAGE_LISTEN_SETUP = 1 << 5, /* listen: its credentials and result cache */
} CliStage;

/* The exit code for @error met in @stage (the first rule that matches). */
int cli_exit_code (CliStage stage, const GError *error);

/* Prints "cadc-samp: MESSAGE" (cs_print_error), frees @error and returns
 * cli_exit_code (@stage, @error).  @error: (transfer full). */
int cli_exit_fail (CliStage stage, GError *error);

/* The exit codes with their meanings and the rules, as the markdown head
 * of doc/EXITCODES.md (`cadc-samp --exit-codes`). */
void cli_exit_print_markdown (FILE *out);

/* SIGINT and SIGTERM for the daemons (listen, hub): the first quits @loop
 * (@note, when not NULL, is logged: "signal received: ..."), and the
 * watch stays until cli_stop_signals_free(), after the daemon has done its
 * stopping (unregistering, telling the clients), so that:
 *   - a repeat within 0.5 s is the same request and is ignored: `timeout -s
 *     INT` signals the command and then its whole process group, and a
 *     key bounces;
 *   - a later one means "now": exit at once with 128 + the signal,
 *     skipping the rest of the stop (said on stderr).
 * Without it, the second signal of `timeout` came after GLib had put the
 * default action back and killed the stopping daemon.  Freeing the watch
 * ignores both signals from then on: the daemon is about to exit. */
typedef struct _CliStopSignals CliStopSignals;
CliStopSignals *cli_stop_signals_watch (GMainLoop *loop, const char *note);
void cli_stop_signals_free (CliStopSignals *s);

G_END_DECLS

/* cli-exit.c: the exit codes, what they mean, and which error gives which.
 *
 * Two tables: `codes` (each exit code and its meaning, the words of
 * doc/EXITCODES.md) and `rules` (stage + error domain + code -> exit code,
 * the first matching rule wins).  cli_exit_code reads the rules; `cadc-samp
 * --exit-codes` prints both tables as markdown, which doc/EXITCODES.md
 * starts with (tests/test-cli-exitcodes.sh compares them).  Exit codes a
 * command decides without an error (2 for usage, 1 when some recipients
 * failed, ...) are in the meanings; the rules cover runtime GErrors.
 */
#include "config.h"

#include <signal.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib-unix.h>

#include "cadc-auth.h"
#include "cli-exit.h"
#include "commands.h"
#include "samp-error.h"
#include "vo-http.h"

static const struct {
  const char *code;
  const char *meaning;
} codes[] = {
  { "0",
    "success (for `send --call`: every recipient answered `samp.ok` or "
    "`samp.warning`, which SAMP defines as done with a caveat; the warning is "
    "printed)" },
  { "1",
    "failure not covered below; for `send`, some recipient answered `samp.error` or"
    " did not answer; for `doctor`, a check found a problem (each printed with what to"
    " do)" },
  { "2",
    "usage: unknown command or option, bad `--format` or `--model`, an `--archive` "
    "the config does not define, bad POSITION, RADIUS or "
    "other argument, empty (or all-blank) ADQL, `login` to a plain-http login URL "
    "off this machine without `--insecure`, or without `--user` and no ~/.netrc "
    "entry, `query -` with more than 16 MiB on standard input (nothing was sent)" },
  { "3",
    "no SAMP hub found, or the hub could not be reached" },
  { "4",
    "archive error: HTTP failure, service error, ADQL error (`QUERY_STATUS=ERROR`),"
    " job in ERROR/ABORTED, a document larger than its cap (doc/SECURITY.md), a "
    "TAP service with neither caom2 nor ivoa.obscore for `region`/`name`/`collections`,"
    " no row of a result giving a data or cutout URL (e.g. a direct download without "
    "SODA)" },
  { "5",
    "local I/O error (cannot read an input file or write the output; `cutouts --dir"
    " D` that cannot be made or written, checked before any request; every cutout "
    "failed to be written)" },
  { "6",
    "authentication failed or required (HTTP 401/403, unusable certificate)" },
  { "129, 130, 143",
    "an archive command ended by SIGHUP, SIGINT or SIGTERM (the shell's 128 + "
    "signal): its partial files (`FILE.part-XXXXXX` of `-o FILE`, of `cutouts` and "
    "of `job --result`) are removed first; `listen` and `hub` stop cleanly (exit 0) "
    "on the first SIGINT or SIGTERM, and exit so at once on a second one more than "
    "0.5 s later" },
};

#define ANY_CODE (-1)
/* the exit code of the stage's catch-all rule: "not what this domain means here" */
#define AS_OTHERS (-1)

typedef struct {
  guint stages;                 /* CliStage bits */
  GQuark (*domain) (void);      /* NULL: any error */
  const char *domain_name;
  int code;                     /* ANY_CODE: every code of the domain */
  const char *code_name;
  int exit_code;                /* or AS_OTHERS */
} Rule;

/* a domain: its quark function and its name; a code: its value and its name */
#define DOMAIN(quark_fn, NAME) quark_fn, #NAME
#define CODE(c) c, "`" #c "`"
#define ANY ANY_CODE, NULL
#define ARCHIVE_LOGIN (CLI_STAGE_ARCHIVE | CLI_STAGE_LOGIN)

static const Rule rules[] = {
  { CLI_STAGE_SAMP | CLI_STAGE_LISTEN, DOMAIN (samp_error_quark, SAMP_ERROR),
    CODE (SAMP_ERROR_NO_HUB), CS_EXIT_NO_HUB },
  { CLI_STAGE_SAMP, DOMAIN (samp_error_quark, SAMP_ERROR), CODE (SAMP_ERROR_BAD_LOCKFILE),
    CS_EXIT_NO_HUB },
  { CLI_STAGE_SAMP | CLI_STAGE_LISTEN, DOMAIN (samp_error_quark, SAMP_ERROR), ANY, CS_EXIT_FAILED },
  { ARCHIVE_LOGIN | CLI_STAGE_LISTEN_SETUP, DOMAIN (cadc_auth_error_quark, CADC_AUTH_ERROR), ANY,
    CS_EXIT_AUTH },
  { ARCHIVE_LOGIN, DOMAIN (vo_http_error_quark, VO_HTTP_ERROR), 401, "HTTP 401", CS_EXIT_AUTH },
  { ARCHIVE_LOGIN, DOMAIN (vo_http_error_quark, VO_HTTP_ERROR), 403, "HTTP 403", CS_EXIT_AUTH },
  { ARCHIVE_LOGIN, DOMAIN (g_file_error_quark, G_FILE_ERROR), ANY, CS_EXIT_IO },
  { ARCHIVE_LOGIN, DOMAIN (g_io_error_quark, G_IO_ERROR), CODE (G_IO_ERROR_TIMED_OUT),
    AS_OTHERS },
  { ARCHIVE_LOGIN, DOMAIN (g_io_error_quark, G_IO_ERROR), CODE (G_IO_ERROR_CANCELLED),
    AS_OTHERS },
  { ARCHIVE_LOGIN, DOMAIN (g_io_error_quark, G_IO_ERROR), ANY, CS_EXIT_IO },
  { CLI_STAGE_ARCHIVE | CLI_STAGE_LISTEN, NULL, NULL, ANY, CS_EXIT_ARCHIVE },
  { CLI_STAGE_LOGIN, NULL, NULL, ANY, CS_EXIT_AUTH },
  { CLI_STAGE_SAMP | CLI_STAGE_HUB, NULL, NULL, ANY, CS_EXIT_FAILED },
  { CLI_STAGE_LISTEN_SETUP, NULL, NULL, ANY, CS_EXIT_IO },
};

static const struct {
  CliStage stage;
  const char *name;
} stage_names[] = {
  { CLI_STAGE_ARCHIVE, "archive commands" },
  { CLI_STAGE_LOGIN, "`login` (the password sent)" },
  { CLI_STAGE_SAMP, "`send`, `status` (registering)" },
  { CLI_STAGE_HUB, "`hub` (starting)" },
  { CLI_STAGE_LISTEN, "`listen` (TAP look-up, own hub, registering)" },
  { CLI_STAGE_LISTEN_SETUP, "`listen` (credentials, result cache)" },
};

int
cli_exit_code (CliStage stage, const GError *error)
{
  gboolean catch_all_only = FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      const Rule *r = &rules[i];
      if (!(r->stages & stage) || (catch_all_only && r->domain != NULL))
        continue;
      if (r->domain != NULL
          && (error->domain != r->domain () || (r->code != ANY_CODE && error->code != r->code)))
        continue;
      if (r->exit_code != AS_OTHERS)
        return r->exit_code;
      catch_all_only = TRUE;
    }
  g_return_val_if_reached (CS_EXIT_FAILED);    /* every stage has a catch-all rule */
}

int
cli_exit_fail (CliStage stage, GError *error)
{
  int code = cli_exit_code (stage, error);

  cs_print_error ("%s", error->message);
  g_error_free (error);
  return code;
}

void
cli_exit_print_markdown (FILE *out)
{
  fprintf (out, "# cadc-samp exit codes\n\n"
                "<!-- This table and the next are printed by `cadc-samp --exit-codes`\n"
                "     (src/cli/cli-exit.c); tests/test-cli-exitcodes.sh checks them. -->\n\n"
                "| code | meaning |\n|---|---|\n");
  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    fprintf (out, "| %s | %s |\n", codes[i].code, codes[i].meaning);
  fprintf (out, "\nWhich error gives which code, by what failed (the first matching row\n"
                "wins):\n\n| what failed | error | code |\n|---|---|---|\n");
  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      const Rule *r = &rules[i];
      g_autoptr(GString) when = g_string_new (NULL);
      g_autofree char *what = NULL;
      g_autofree char *code = NULL;
      for (gsize k = 0; k < G_N_ELEMENTS (stage_names); k++)
        if (r->stages & stage_names[k].stage)
          g_string_append_printf (when, "%s%s", when->len ? "; " : "", stage_names[k].name);
      if (r->domain == NULL)
        what = g_strdup ("any other");
      else if (r->code_name == NULL)
        what = g_strdup_printf ("`%s` (any code)", r->domain_name);
      else if (r->code_name[0] == '`')
        what = g_strdup (r->code_name);
      else
        what = g_strdup_printf ("`%s` %s", r->domain_name, r->code_name);
      code = r->exit_code == AS_OTHERS ? g_strdup ("as any other")
                                       : g_strdup_printf ("%d", r->exit_code);
      fprintf (out, "| %s | %s | %s |\n", when->str, what, code);
    }
}

/* ------------------------------------------------------------ stop signals */

#define REPEAT_WINDOW_US (G_USEC_PER_SEC / 2)

static const int stop_signums[2] = { SIGINT, SIGTERM };

struct _CliStopSignals {
  GMainLoop *loop;
  const char *note;
  guint sources[2];         /* one for each of stop_signums */
  gint64 first;           /* monotonic µs of the first signal, 0 = none yet */
};

typedef struct {
  CliStopSignals *s;
  int signum;
} StopSignal;

static gboolean
on_stop_signal (gpointer data)
{
  StopSignal *ss = data;
  CliStopSignals *s = ss->s;
  gint64 now = g_get_monotonic_time ();

  if (s->first == 0)
    {
      s->first = now;
      if (s->note != NULL)
        g_message ("signal received: %s", s->note);
      g_main_loop_quit (s->loop);
    }
  else if (now - s->first >= REPEAT_WINDOW_US)
    {
      fprintf (stderr, "cadc-samp: second %s: exiting now\n",
               ss->signum == SIGINT ? "interrupt" : "termination signal");
      _exit (128 + ss->signum);
    }
  return G_SOURCE_CONTINUE;
}

CliStopSignals *
cli_stop_signals_watch (GMainLoop *loop, const char *note)
{
  CliStopSignals *s = g_new0 (CliStopSignals, 1);

  s->loop = loop;
  s->note = note;
  for (guint i = 0; i < 2; i++)
    {
      StopSignal *ss = g_new0 (StopSignal, 1);
      ss->s = s;
      ss->signum = stop_signums[i];
      s->sources[i] = g_unix_signal_add_full (G_PRIORITY_HIGH, ss->signum, on_stop_signal, ss,
                                              g_free);
    }
  return s;
}

void
cli_stop_signals_free (CliStopSignals *s)
{
  if (s == NULL)
    return;
  for (guint i = 0; i < 2; i++)
    {
      g_source_remove (s->sources[i]);
      /* GLib has put the default action back: the daemon is exiting now,
       * and a signal from here on (the repeat of the one that stopped it,
       * arriving while exit runs, which takes a while under LeakSanitizer)
       * must not turn a clean stop into a death by signal */
      signal (stop_signums[i], SIG_IGN);
    }
  g_free (s);
}

/* main.c: cadc-samp's entry point.
 *
 * It does three things and nothing else: installs the one log writer,
 * parses the global options that stand before the subcommand
 * (cli-options.h), and hands the rest of argv to the subcommand, whose
 * cli_options_parse takes its own options and the global options that
 * stand after it.  Each subcommand is a CsCommand defined in its own
 * cmd-*.c file.
 */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cadc-config.h"
#include "cli-options.h"
#include "cli-progress.h"
#include "cli-version.h"
#include "commands.h"
#include "vo-text.h"

extern const CsCommand cs_command_listen;
extern const CsCommand cs_command_hub;
extern const CsCommand cs_command_status;
extern const CsCommand cs_command_send;
extern const CsCommand cs_command_collections;
extern const CsCommand cs_command_region;
extern const CsCommand cs_command_name;
extern const CsCommand cs_command_query;
extern const CsCommand cs_command_job;
extern const CsCommand cs_command_jobs;
extern const CsCommand cs_command_archives;
extern const CsCommand cs_command_tables;
extern const CsCommand cs_command_table;
extern const CsCommand cs_command_data_urls;
extern const CsCommand cs_command_cutout_urls;
extern const CsCommand cs_command_cutouts;
extern const CsCommand cs_command_login;
extern const CsCommand cs_command_logout;
extern const CsCommand cs_command_whoami;
extern const CsCommand cs_command_doctor;


static const CsCommand *const commands[] = {
  &cs_command_listen, &cs_command_hub, &cs_command_status, &cs_command_send,
  &cs_command_collections, &cs_command_region, &cs_command_name,
  &cs_command_archives, &cs_command_query, &cs_command_job, &cs_command_jobs,
  &cs_command_tables,
  &cs_command_table, &cs_command_data_urls, &cs_command_cutout_urls,
  &cs_command_cutouts, &cs_command_login, &cs_command_logout,
  &cs_command_whoami, &cs_command_doctor,
};

/* Errors quote servers (HTTP error bodies, QUERY_STATUS, UWS error
 * summaries): the whole message goes through vo_text_sanitize. */
void
cs_print_error (const char *format, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  g_autofree char *safe = NULL;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  safe = vo_text_sanitize (msg, -1, VO_TEXT_KEEP_TAB | VO_TEXT_KEEP_NEWLINE);
  fprintf (stderr, "cadc-samp: %s\n", safe);
}

char *
cs_safe (const char *s)
{
  return vo_text_sanitize (s, -1, VO_TEXT_ONE_LINE);
}

static gboolean log_quiet;

void
cs_log_set_quiet (gboolean quiet)
{
  log_quiet = quiet;
}

/* Under systemd (a service's stderr is a journal stream named by
 * $JOURNAL_STREAM), GLib's default writer sends each record to the journal
 * as native fields instead of a line on stderr: PRIORITY (from the level),
 * MESSAGE, GLIB_DOMAIN, CODE_FILE/LINE/FUNC (G_LOG_USE_STRUCTURED).  We add
 * SYSLOG_IDENTIFIER, which journalctl shows and -t selects (the journal
 * otherwise knows the process only by _COMM).  Checked once: stderr does
 * not change under a running process. */
static gboolean
log_to_journal (void)
{
  static int journal = -1;

  if (journal < 0)
    journal = g_log_writer_is_journald (fileno (stderr)) ? 1 : 0;
  return journal == 1;
}

/* The process's one log writer: every message (they quote peers' names,
 * servers' errors) is made one safe line by vo_text_sanitize before
 * GLib's default writer prints it or sends it to the journal: the filter
 * stands in front of both. */
static GLogWriterOutput
safe_log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                 gpointer user_data)
{
  GLogField *copy;
  gsize n_copy = n_fields;
  g_autofree char *safe = NULL;

  if (log_quiet && (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG)))
    return G_LOG_WRITER_HANDLED;
  if (level & G_LOG_LEVEL_DEBUG)
    {
      const char *domain = NULL;
      for (gsize i = 0; i < n_fields; i++)
        if (strcmp (fields[i].key, "GLIB_DOMAIN") == 0)
          domain = fields[i].value;
      if (g_log_writer_default_would_drop (level, domain))
        return G_LOG_WRITER_HANDLED;    /* not shown: not worth sanitizing */
    }
  copy = g_newa (GLogField, n_fields + 1);
  memcpy (copy, fields, n_fields * sizeof *fields);
  for (gsize i = 0; i < n_fields; i++)
    if (strcmp (copy[i].key, "MESSAGE") == 0 && copy[i].value != NULL)
      {
        safe = vo_text_sanitize (copy[i].value, copy[i].length, VO_TEXT_KEEP_TAB);
        copy[i].value = safe;
        copy[i].length = -1;
        break;
      }
  if (log_to_journal ())
    copy[n_copy++] = (GLogField) { "SYSLOG_IDENTIFIER", PACKAGE_NAME, -1 };
  {
    GLogWriterOutput out;
    cs_progress_hide ();      /* a progress line on the terminal: below this line */
    out = g_log_writer_default (level, copy, n_copy, user_data);
    cs_progress_unhide ();
    return out;
  }
}

static void
usage (FILE *out)
{
  fprintf (out, "Usage: cadc-samp [GLOBAL OPTIONS] COMMAND [ARGS...]\n\n"
                "The CADC archive (or any ObsCore archive, --archive) on the command line\n"
                "and inside a SAMP session.\n\n"
                "Commands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-13s %s\n", commands[i]->name, commands[i]->summary);
  fprintf (out, "\n");
  cli_options_print_global_help (out);
  fprintf (out, "\nRun 'cadc-samp COMMAND --help' for a command's options.\n");
}

/* `cadc-samp --complete WHAT` (hidden; for the shell completion,
 * src/cli/cadc-samp.bash): the command names, the archive names of the
 * config file, or the output formats, one a line.  Options come from each
 * command's --help, made from its GOptionEntry table. */
static int
complete (const char *what)
{
  static const char *const formats[] = { "votable", "csv", "tsv", "table" };

  if (g_strcmp0 (what, "commands") == 0)
    for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
      printf ("%s\n", commands[i]->name);
  else if (g_strcmp0 (what, "formats") == 0)
    for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
      printf ("%s\n", formats[i]);
  else if (g_strcmp0 (what, "archives") == 0)
    {
      g_auto(GStrv) names = cadc_config_archive_names (NULL, NULL);
      for (guint i = 0; names != NULL && names[i] != NULL; i++)
        printf ("%s\n", names[i]);
    }
  else
    {
      cs_print_error ("--complete: commands, archives or formats, not '%s'", what ? what : "");
      return CS_EXIT_USAGE;
    }
  return CS_EXIT_OK;
}

/* The global options' strings, whatever way main() returns. */
static void
global_options_clear (CsGlobalOptions *g)
{
  g_free (g->registry);
  g_free (g->tap);
  g_free (g->datalink);
  g_free (g->archive);
  g_strfreev (g->archives);
  g_free (g->model);
  g_free (g->output);
  g_free (g->format);
  g_free (g->columns);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CsGlobalOptions, global_options_clear)

int
main (int argc, char **argv)
{
  g_auto(CsGlobalOptions) global = { 0 };
  const char *name;
  int first;

  setlocale (LC_ALL, "");
  /* Numbers on the wire (SAMP, ADQL) are always written with '.', whatever
   * the user's locale says. */
  setlocale (LC_NUMERIC, "C");
  signal (SIGPIPE, SIG_IGN);
  g_log_set_writer_func (safe_log_writer, NULL, NULL);

  first = cli_options_parse_leading (&global, argc, argv);
  if (first < 0)
    return CS_EXIT_USAGE;
  if (first >= argc || strcmp (argv[first], "--help") == 0 || strcmp (argv[first], "-h") == 0
      || strcmp (argv[first], "help") == 0)
    {
      usage (first >= argc ? stderr : stdout);
      return first >= argc ? CS_EXIT_USAGE : CS_EXIT_OK;
    }
  if (strcmp (argv[first], "--version") == 0)
    {
      cli_version_print (stdout);
      return CS_EXIT_OK;
    }
  if (strcmp (argv[first], "--complete") == 0)
    return complete (first + 1 < argc ? argv[first + 1] : NULL);
  if (strcmp (argv[first], "--exit-codes") == 0)
    {
      /* the head of doc/EXITCODES.md, checked by tests/test-cli-exitcodes.sh */
      cli_exit_print_markdown (stdout);
      return CS_EXIT_OK;
    }

  name = argv[first];
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (strcmp (commands[i]->name, name) != 0)
        continue;
      /* the command parses the rest, global options included (cli-options.h) */
      return commands[i]->run (&global, argc - first, argv + first);
    }
  cs_print_error ("unknown command '%s' (try 'cadc-samp --help')", name);
  return CS_EXIT_USAGE;
}

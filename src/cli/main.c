/* main.c: cadc-samp's entry point.
 *
 * It does three things and nothing else: sets up logging, pulls the global
 * options out of argv wherever they stand (before or after the subcommand),
 * and hands the remaining arguments to the subcommand.  Each subcommand is
 * a CsCommand defined in its own cmd-*.c file.
 */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "cadc-limits.h"
#include "vo-text.h"
#include "vo-votable-writer.h"

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
extern const CsCommand cs_command_tables;
extern const CsCommand cs_command_table;
extern const CsCommand cs_command_data_urls;
extern const CsCommand cs_command_cutout_urls;
extern const CsCommand cs_command_cutouts;
extern const CsCommand cs_command_login;
extern const CsCommand cs_command_logout;
extern const CsCommand cs_command_whoami;


static const CsCommand *const commands[] = {
  &cs_command_listen, &cs_command_hub, &cs_command_status, &cs_command_send,
  &cs_command_collections, &cs_command_region, &cs_command_name,
  &cs_command_query, &cs_command_job, &cs_command_jobs, &cs_command_tables,
  &cs_command_table, &cs_command_data_urls, &cs_command_cutout_urls,
  &cs_command_cutouts, &cs_command_login, &cs_command_logout,
  &cs_command_whoami,
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

/* The process's one log writer: every message (they quote peers' names,
 * servers' errors) is made one safe line by vo_text_sanitize before
 * GLib's default writer prints it or sends it to the journal. */
static GLogWriterOutput
safe_log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                 gpointer user_data)
{
  GLogField *copy;
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
  copy = g_newa (GLogField, n_fields);
  memcpy (copy, fields, n_fields * sizeof *fields);
  for (gsize i = 0; i < n_fields; i++)
    if (strcmp (copy[i].key, "MESSAGE") == 0 && copy[i].value != NULL)
      {
        safe = vo_text_sanitize (copy[i].value, copy[i].length, VO_TEXT_KEEP_TAB);
        copy[i].value = safe;
        copy[i].length = -1;
        break;
      }
  return g_log_writer_default (level, copy, n_fields, user_data);
}

const char *
cs_global_options_help (void)
{
  return
    "Global options (before or after the command):\n"
    "  --registry URL     CADC registry (resource-caps); env CADC_REGISTRY_URL\n"
    "  --tap URL          TAP service base URL (skips the registry)\n"
    "  --datalink URL     DataLink service URL (skips the registry)\n"
    "  -o, --output FILE  write the result to FILE (atomically)\n"
    "  --format FMT       votable, csv, tsv or table\n"
    "  -v, --verbose      more messages (repeat for protocol traces)\n"
    "  -q, --quiet        only errors\n";
}

static void
usage (FILE *out)
{
  fprintf (out, "Usage: cadc-samp [GLOBAL OPTIONS] COMMAND [ARGS...]\n\n"
                "The CADC archive on the command line and inside a SAMP session.\n\n"
                "Commands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-13s %s\n", commands[i]->name, commands[i]->summary);
  fprintf (out, "\n%s\nRun 'cadc-samp COMMAND --help' for a command's options.\n",
           cs_global_options_help ());
}

/* Does ARG name a global option taking a value?  Sets *value when given as
 * --opt=value; returns the field to fill, or NULL. */
static char **
global_value_option (CsGlobalOptions *g, const char *arg, const char **inline_value)
{
  static const struct { const char *name; gsize offset; } opts[] = {
    { "--registry", G_STRUCT_OFFSET (CsGlobalOptions, registry) },
    { "--tap", G_STRUCT_OFFSET (CsGlobalOptions, tap) },
    { "--datalink", G_STRUCT_OFFSET (CsGlobalOptions, datalink) },
    { "--output", G_STRUCT_OFFSET (CsGlobalOptions, output) },
    { "-o", G_STRUCT_OFFSET (CsGlobalOptions, output) },
    { "--format", G_STRUCT_OFFSET (CsGlobalOptions, format) },
  };

  *inline_value = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (opts); i++)
    {
      gsize n = strlen (opts[i].name);
      if (strncmp (arg, opts[i].name, n) != 0)
        continue;
      if (arg[n] == '\0')
        return G_STRUCT_MEMBER_P (g, opts[i].offset);
      if (arg[n] == '=' && arg[1] == '-')
        {
          *inline_value = arg + n + 1;
          return G_STRUCT_MEMBER_P (g, opts[i].offset);
        }
      if (opts[i].name[1] != '-')     /* -oFILE */
        {
          *inline_value = arg + n;
          return G_STRUCT_MEMBER_P (g, opts[i].offset);
        }
    }
  return NULL;
}

/* Remove the global options from argv in place.  Stops at "--".  Returns
 * FALSE (with a message printed) when an option lacks its value. */
static gboolean
extract_global_options (CsGlobalOptions *g, int *argc, char **argv)
{
  int out = 1;
  gboolean done = FALSE;

  for (int i = 1; i < *argc; i++)
    {
      const char *arg = argv[i];
      const char *inline_value;
      char **field;

      if (done)
        {
          argv[out++] = argv[i];
          continue;
        }
      if (strcmp (arg, "--") == 0)
        {
          done = TRUE;
          argv[out++] = argv[i];
          continue;
        }
      if (strcmp (arg, "-v") == 0 || strcmp (arg, "--verbose") == 0)
        {
          g->verbosity++;
          continue;
        }
      if (strcmp (arg, "-vv") == 0)
        {
          g->verbosity += 2;
          continue;
        }
      if (strcmp (arg, "-q") == 0 || strcmp (arg, "--quiet") == 0)
        {
          g->verbosity = -1;
          continue;
        }
      field = global_value_option (g, arg, &inline_value);
      if (field == NULL)
        {
          argv[out++] = argv[i];
          continue;
        }
      if (inline_value == NULL)
        {
          if (i + 1 >= *argc)
            {
              cs_print_error ("option %s needs a value", arg);
              return FALSE;
            }
          inline_value = argv[++i];
        }
      g_free (*field);
      *field = g_strdup (inline_value);
    }
  argv[out] = NULL;
  *argc = out;
  return TRUE;
}

static void
setup_logging (int verbosity)
{
  /* -v shows our own info/debug messages; -vv adds protocol traces of
   * every domain.  G_MESSAGES_DEBUG set by the user always wins. */
  if (g_getenv ("G_MESSAGES_DEBUG") != NULL)
    return;
  if (verbosity >= 2)
    g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  else if (verbosity == 1)
    g_setenv ("G_MESSAGES_DEBUG", CS_OWN_LOG_DOMAINS, TRUE);
}

/* The global options' strings, whatever way main() returns. */
static void
global_options_clear (CsGlobalOptions *g)
{
  g_free (g->registry);
  g_free (g->tap);
  g_free (g->datalink);
  g_free (g->output);
  g_free (g->format);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CsGlobalOptions, global_options_clear)

int
main (int argc, char **argv)
{
  g_auto(CsGlobalOptions) global = { 0 };
  const char *name;

  setlocale (LC_ALL, "");
  /* Numbers on the wire (SAMP, ADQL) are always written with '.', whatever
   * the user's locale says. */
  setlocale (LC_NUMERIC, "C");
  signal (SIGPIPE, SIG_IGN);
  g_log_set_writer_func (safe_log_writer, NULL, NULL);

  if (!extract_global_options (&global, &argc, argv))
    return CS_EXIT_USAGE;
  if (global.format != NULL)
    {
      /* a usage error, found before any command starts or connects */
      g_autoptr(GError) error = NULL;
      VoFormat fmt;
      if (!vo_format_from_string (global.format, &fmt, &error))
        {
          cs_print_error ("--format: %s", error->message);
          return CS_EXIT_USAGE;
        }
    }
  if (global.registry == NULL && g_getenv ("CADC_REGISTRY_URL") != NULL)
    global.registry = g_strdup (g_getenv ("CADC_REGISTRY_URL"));
  setup_logging (global.verbosity);
  cadc_limits_load (NULL);        /* [limits] of the config file */

  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    {
      usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? CS_EXIT_USAGE : CS_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return CS_EXIT_OK;
    }
  if (strcmp (argv[1], "--exit-codes") == 0)
    {
      /* the head of doc/EXITCODES.md, checked by tests/test-cli-exitcodes.sh */
      cli_exit_print_markdown (stdout);
      return CS_EXIT_OK;
    }

  name = argv[1];
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (strcmp (commands[i]->name, name) != 0)
        continue;
      return commands[i]->run (&global, argc - 1, argv + 1);
    }
  cs_print_error ("unknown command '%s' (try 'cadc-samp --help')", name);
  return CS_EXIT_USAGE;
}

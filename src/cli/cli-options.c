/* cli-options.c: the one command-line parser (see cli-options.h).
 *
 * GOptionContext assigns and converts the options, but it takes "-30" for
 * an option, knows no "-oFILE" and has its own messages, so argv is first
 * split here: options with their values (for GOptionContext, which then
 * parses them all: the command's entries and the global group) apart from
 * the positionals.  The split knows each option from its GOptionEntry
 * (long and short name, whether it takes a value), so the option table is
 * the one truth for parsing and for --help.
 */
#include "config.h"

#include <string.h>

#include "cadc-config.h"
#include "cadc-limits.h"
#include "cadc-model.h"
#include "cli-options.h"
#include "vo-votable-writer.h"

/* ------------------------------------------------------------ global options */

/* -v/--verbose counts up, -q/--quiet sets -1: the later one wins */
static gboolean
on_verbosity (const char *name, const char *value, gpointer data, GError **error)
{
  CsGlobalOptions *g = data;

  (void) value;
  (void) error;
  if (strcmp (name, "-q") == 0 || strcmp (name, "--quiet") == 0)
    g->verbosity = -1;
  else
    g->verbosity++;
  return TRUE;
}

/* --archive NAME, repeatable: every one is kept (listen asks them all),
 * the last is g->archive (the archive commands ask one) */
static gboolean
on_archive (const char *name, const char *value, gpointer data, GError **error)
{
  CsGlobalOptions *g = data;
  guint n = g->archives ? g_strv_length (g->archives) : 0;

  (void) name;
  (void) error;
  g->archives = g_renew (char *, g->archives, n + 2);
  g->archives[n] = g_strdup (value);
  g->archives[n + 1] = NULL;
  g_free (g->archive);
  g->archive = g_strdup (value);
  return TRUE;
}

/* The global options, writing into @g (NULL: for --help only).  Strings are
 * FILENAME: the bytes as given, whatever the locale. */
static GOptionEntry *
global_entries (CsGlobalOptions *g)
{
  const GOptionEntry entries[] = {
    { "registry", 0, 0, G_OPTION_ARG_FILENAME, g ? &g->registry : NULL,
      "CADC registry (resource-caps); env CADC_REGISTRY_URL", "URL" },
    { "tap", 0, 0, G_OPTION_ARG_FILENAME, g ? &g->tap : NULL,
      "TAP service base URL (skips the registry)", "URL" },
    { "datalink", 0, 0, G_OPTION_ARG_FILENAME, g ? &g->datalink : NULL,
      "DataLink service URL (skips the registry)", "URL" },
    { "archive", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) on_archive,
      "the archive: cadc (default) or an [archive.NAME] of the config (listen: "
      "repeat for several)", "NAME" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, g ? &g->model : NULL,
      "data model caom2 or obscore (default: from the service's tables)", "M" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, g ? &g->output : NULL,
      "write the result to FILE (atomically)", "FILE" },
    { "format", 0, 0, G_OPTION_ARG_FILENAME, g ? &g->format : NULL,
      "votable, csv, tsv or table (default on a terminal: a table of the main columns "
      "cut to its width)", "FMT" },
    { "columns", 0, 0, G_OPTION_ARG_FILENAME, g ? &g->columns : NULL,
      "the result's columns, in this order, for every format (all: every column)", "A,B,..." },
    { "verbose", 'v', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, (gpointer) on_verbosity,
      "more messages (repeat for protocol traces)", NULL },
    { "quiet", 'q', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, (gpointer) on_verbosity,
      "only errors", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };

  return g_memdup2 (entries, sizeof entries);
}

/* The string fields of CsGlobalOptions, to free the values a later
 * occurrence of the option replaced (GOptionContext leaves them). */
static const gsize global_strings[] = {
  G_STRUCT_OFFSET (CsGlobalOptions, registry), G_STRUCT_OFFSET (CsGlobalOptions, tap),
  G_STRUCT_OFFSET (CsGlobalOptions, datalink), G_STRUCT_OFFSET (CsGlobalOptions, model), G_STRUCT_OFFSET (CsGlobalOptions, output),
  G_STRUCT_OFFSET (CsGlobalOptions, format), G_STRUCT_OFFSET (CsGlobalOptions, columns),
};

/* --format, --model and --archive are usage errors found before any
 * command starts or connects. */
static gboolean
check_globals (CsGlobalOptions *g, const char *command)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  VoFormat fmt;
  CadcModelKind model;

  if (g->format != NULL && !vo_format_from_string (g->format, &fmt, &error))
    {
      cs_print_error ("--format: %s", error->message);
      return FALSE;
    }
  if (!cadc_model_parse (g->model, &model, &error))
    {
      cs_print_error ("--model: %s", error->message);
      return FALSE;
    }
  if (g->archives == NULL)
    return TRUE;
  if (command != NULL && g_strv_length (g->archives) > 1 && strcmp (command, "listen") != 0)
    {
      cs_print_error ("--archive given %u times: only listen asks several archives at once",
                      g_strv_length (g->archives));
      return FALSE;
    }
  names = cadc_config_archive_names (NULL, &error);
  if (names == NULL)
    {
      cs_print_error ("--archive: %s", error->message);
      return FALSE;
    }
  for (guint i = 0; g->archives[i] != NULL; i++)
    if (!g_strv_contains ((const char *const *) names, g->archives[i]))
      {
        g_autofree char *known = g_strjoinv (", ", names);
        g_autofree char *path = cadc_config_default_path ();
        cs_print_error ("--archive: unknown archive '%s' (known: %s; an archive is a section "
                        "[archive.%s] with tap=URL in %s)", g->archives[i], known,
                        g->archives[i], path);
        return FALSE;
      }
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

/* ------------------------------------------------------------ splitting argv */

static gboolean
takes_value (const GOptionEntry *e)
{
  return e->arg != G_OPTION_ARG_NONE
         && !(e->arg == G_OPTION_ARG_CALLBACK && (e->flags & G_OPTION_FLAG_NO_ARG));
}

/* @tables: NULL-terminated list of entry arrays */
static const GOptionEntry *
find_long (GOptionEntry **tables, const char *name, gsize len)
{
  for (; *tables != NULL; tables++)
    for (const GOptionEntry *e = *tables; e->long_name != NULL; e++)
      if (strlen (e->long_name) == len && strncmp (e->long_name, name, len) == 0)
        return e;
  return NULL;
}

static const GOptionEntry *
find_short (GOptionEntry **tables, char c)
{
  for (; *tables != NULL; tables++)
    for (const GOptionEntry *e = *tables; e->long_name != NULL; e++)
      if (e->short_name == c && c != '\0')
        return e;
  return NULL;
}

static gboolean
is_positional (const char *a)
{
  /* "-" (stdin) and negative numbers such as -30 or -.5 (a Dec) */
  return a[0] != '-' || a[1] == '\0' || g_ascii_isdigit (a[1]) || a[1] == '.';
}

typedef enum { SPLIT_OK, SPLIT_HELP, SPLIT_ERROR } SplitResult;

/* Splits @argv[1..] into options with their values (appended to @opts as
 * new strings, for GOptionContext) and positionals (appended to @args).
 * With @leading, stops at the first argument that is not an option of
 * @tables (its index in *@stop), "--" and --help included.  Else "--" ends
 * the options and --help/-h asks for help.  Errors are printed ("@cmd: "
 * before unknown options). */
static SplitResult
split_argv (int argc, char **argv, GOptionEntry **tables, gboolean leading, const char *cmd,
            GPtrArray *opts, GPtrArray *args, int *stop)
{
  gboolean options_done = FALSE;

  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      const GOptionEntry *e = NULL;

      *stop = i;
      if (options_done || is_positional (a))
        {
          if (leading)
            return SPLIT_OK;
          g_ptr_array_add (args, (gpointer) a);
          continue;
        }
      if (strcmp (a, "--") == 0 || strcmp (a, "--help") == 0 || strcmp (a, "-h") == 0)
        {
          if (leading)
            return SPLIT_OK;
          if (a[1] == '-' && a[2] == '\0')
            {
              options_done = TRUE;
              continue;
            }
          return SPLIT_HELP;
        }
      if (a[1] == '-')
        {
          const char *eq = strchr (a, '=');
          e = find_long (tables, a + 2, eq ? (gsize) (eq - a - 2) : strlen (a + 2));
          if (e != NULL)
            {
              g_ptr_array_add (opts, g_strdup (a));
              if (!takes_value (e) || eq != NULL)
                continue;
            }
        }
      else
        {
          /* a cluster of short options; the first that takes a value
           * takes the rest of the argument, or the next one */
          gsize j = 1;
          while (a[j] != '\0' && (e = find_short (tables, a[j])) != NULL && !takes_value (e))
            j++;
          if (a[j] == '\0' || e != NULL)
            {
              for (gsize k = 1; k < j; k++)
                g_ptr_array_add (opts, g_strdup_printf ("-%c", a[k]));
              if (a[j] == '\0')
                continue;
              g_ptr_array_add (opts, g_strdup_printf ("-%c", a[j]));
              if (a[j + 1] != '\0')
                {
                  g_ptr_array_add (opts, g_strdup (a + j + 1));
                  continue;
                }
            }
          else
            e = NULL;
        }
      if (e == NULL)
        {
          if (leading)
            return SPLIT_OK;
          cs_print_error ("%s: unknown option %s (see --help)", cmd, a);
          return SPLIT_ERROR;
        }
      if (i + 1 >= argc)
        {
          if (cmd != NULL)
            cs_print_error ("%s: option %s needs a value", cmd, a);
          else
            cs_print_error ("option %s needs a value", a);
          return SPLIT_ERROR;
        }
      g_ptr_array_add (opts, g_strdup (argv[++i]));
    }
  *stop = argc;
  return SPLIT_OK;
}

/* ------------------------------------------------------------ parsing */

/* GOptionContext on @opts (argv[0] = @argv0): @entries (nullable) and the
 * global options into @g.  Prints GOptionContext's message on error,
 * after "@cmd: " (a bad value of a command's option: "cutouts: Cannot
 * parse integer value ..."); @cmd NULL before the command. */
static gboolean
parse_options (CsGlobalOptions *g, GOptionEntry *entries, GPtrArray *opts, const char *argv0,
               const char *cmd)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (NULL);
  g_autofree GOptionEntry *globals = global_entries (g);
  GOptionGroup *main_group = g_option_group_new (argv0, "", "", NULL, NULL);
  GOptionGroup *global_group = g_option_group_new ("global", "", "", g, NULL);
  char *before[G_N_ELEMENTS (global_strings)];
  g_autofree char **argv = g_new0 (char *, opts->len + 2);
  int argc = (int) opts->len + 1;
  g_autoptr(GError) error = NULL;

  if (entries != NULL)
    g_option_group_add_entries (main_group, entries);
  g_option_context_set_main_group (ctx, main_group);
  g_option_group_add_entries (global_group, globals);
  g_option_context_add_group (ctx, global_group);
  g_option_context_set_help_enabled (ctx, FALSE);
  argv[0] = (char *) argv0;
  for (guint i = 0; i < opts->len; i++)
    argv[i + 1] = opts->pdata[i];
  for (gsize i = 0; i < G_N_ELEMENTS (global_strings); i++)
    before[i] = G_STRUCT_MEMBER (char *, g, global_strings[i]);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      if (cmd != NULL)
        cs_print_error ("%s: %s", cmd, error->message);
      else
        cs_print_error ("%s", error->message);
      return FALSE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (global_strings); i++)
    if (G_STRUCT_MEMBER (char *, g, global_strings[i]) != before[i])
      g_free (before[i]);
  return TRUE;
}

static void
print_entries (FILE *out, const GOptionEntry *entries)
{
  g_autoptr(GPtrArray) left = g_ptr_array_new_with_free_func (g_free);
  int width = 0;
  guint n = 0;

  for (const GOptionEntry *e = entries; e->long_name != NULL; e++)
    {
      GString *s = g_string_new (NULL);
      if (e->short_name != '\0')
        g_string_append_printf (s, "-%c, ", e->short_name);
      g_string_append_printf (s, "--%s", e->long_name);
      if (e->arg_description != NULL)
        g_string_append_printf (s, " %s", e->arg_description);
      if (!(e->flags & G_OPTION_FLAG_HIDDEN))
        width = MAX (width, (int) s->len);
      g_ptr_array_add (left, g_string_free (s, FALSE));
    }
  for (const GOptionEntry *e = entries; e->long_name != NULL; e++, n++)
    if (!(e->flags & G_OPTION_FLAG_HIDDEN))   /* test options (hub --web-port) */
      fprintf (out, "  %-*s  %s\n", width, (char *) left->pdata[n], e->description);
}

void
cli_options_print_global_help (FILE *out)
{
  g_autofree GOptionEntry *globals = global_entries (NULL);

  fprintf (out, "Global options (before or after the command):\n");
  print_entries (out, globals);
}

static void
print_help (const CliCommandLine *cl, const GOptionEntry *entries)
{
  fputs (cl->help, stdout);
  if (entries != NULL && entries[0].long_name != NULL)
    {
      printf ("\nOptions:\n");
      print_entries (stdout, entries);
    }
  printf ("\n");
  cli_options_print_global_help (stdout);
}

gboolean
cli_options_parse (CsGlobalOptions *g, int argc, char **argv, const CliCommandLine *cl,
                   GOptionEntry *entries, GPtrArray *args, int *rc)
{
  g_autofree GOptionEntry *globals = global_entries (NULL);
  GOptionEntry *tables[] = { globals, entries, NULL };
  g_autoptr(GPtrArray) opts = g_ptr_array_new_with_free_func (g_free);
  int stop;

  *rc = CS_EXIT_USAGE;
  switch (split_argv (argc, argv, tables, FALSE, argv[0], opts, args, &stop))
    {
    case SPLIT_HELP:
      print_help (cl, entries);
      *rc = CS_EXIT_OK;
      return FALSE;
    case SPLIT_ERROR:
      return FALSE;
    case SPLIT_OK:
    default:
      break;
    }
  if (!parse_options (g, entries, opts, argv[0], argv[0]) || !check_globals (g, argv[0]))
    return FALSE;
  if (g->registry == NULL && g_getenv ("CADC_REGISTRY_URL") != NULL)
    g->registry = g_strdup (g_getenv ("CADC_REGISTRY_URL"));
  setup_logging (g->verbosity);
  cadc_limits_load (NULL);        /* [limits] of the config file */
  if (args->len < cl->min_args || args->len > cl->max_args)
    {
      if (cl->args_error != NULL)
        cs_print_error ("%s: %s (see --help)", argv[0], cl->args_error);
      else
        cs_print_error ("%s: takes no arguments, not '%s' (see --help)", argv[0],
                        (char *) args->pdata[0]);
      return FALSE;
    }
  *rc = CS_EXIT_OK;
  return TRUE;
}

int
cli_options_parse_leading (CsGlobalOptions *g, int argc, char **argv)
{
  g_autofree GOptionEntry *globals = global_entries (NULL);
  GOptionEntry *tables[] = { globals, NULL };
  g_autoptr(GPtrArray) opts = g_ptr_array_new_with_free_func (g_free);
  int stop;

  if (split_argv (argc, argv, tables, TRUE, NULL, opts, NULL, &stop) == SPLIT_ERROR)
    return -1;
  /* GLib's log lines name the command (GOptionContext would name the
   * first argv[0] it parses) */
  g_set_prgname (stop < argc ? argv[stop] : "cadc-samp");
  if (!parse_options (g, NULL, opts, argv[0], NULL) || !check_globals (g, NULL))
    return -1;
  return stop;
}

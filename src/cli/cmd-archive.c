/* cmd-archive.c: the plumbing every archive subcommand shares.
 *
 * The commands themselves are in cmd-meta.c, cmd-query.c, cmd-data.c and
 * cmd-login.c; they share what is declared in cmd-archive-private.h:
 * their start (cli_options_parse, cli-options.h, and removal of partial
 * files on signals), the CadcClient built from the global options (a
 * saved certificate checked first), errors printed once with their exit
 * code by cli_exit_fail (CLI_STAGE_ARCHIVE, ...) (cli-exit.h), and the output:
 * stdout or, with -o FILE, a temporary file next to FILE (or next to the
 * target of a symlink FILE) that is renamed only on success; a FIFO or a
 * device is written straight through.  Every archive command removes its
 * partial files when SIGINT/SIGTERM/SIGHUP ends it (vo-cleanup.h).
 *
 * A result is reshaped (cmd_archive_result_sink/_finish) with --columns,
 * for every format, and when it is a table for a terminal: the main
 * columns of CAOM2 or ObsCore first, cut to the terminal's width ($COLUMNS
 * or the tty's size) with a footer saying what was left out, the header
 * emphasised when colours are allowed (not NO_COLOR, not TERM=dumb).
 * Reshaping goes through memory; otherwise results stream as they come.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixoutputstream.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cadc-config.h"
#include "cmd-archive-private.h"
#include "vo-cleanup.h"
#include "vo-error.h"

/* The start of every archive command: cli_options_parse, then the
 * partial files of an interrupted command are removed (vo-cleanup.h). */
gboolean
cmd_archive_parse_command (CsGlobalOptions *g, int argc, char **argv, const CliCommandLine *cl,
                           GOptionEntry *entries, GPtrArray *pos, int *rc)
{
  if (!cli_options_parse (g, argc, argv, cl, entries, pos, rc))
    return FALSE;
  vo_cleanup_on_signals ();
  return TRUE;
}

/* Positionals @from..@to-1 joined with spaces ("08h45m07.5s +54d18m00s"
 * may come as one or several arguments).  Returns: (transfer full). */
char *
cmd_archive_join_args (GPtrArray *pos, guint from, guint to)
{
  GString *s = g_string_new (NULL);

  for (guint i = from; i < to && i < pos->len; i++)
    g_string_append_printf (s, "%s%s", i > from ? " " : "", (char *) pos->pdata[i]);
  return g_string_free (s, FALSE);
}

/* A bad value on the command line: "CMD: message", exit 2. */
int
cmd_archive_usage_error (const char *cmd, GError *e)
{
  cs_print_error ("%s: %s", cmd, e->message);
  g_error_free (e);
  return CS_EXIT_USAGE;
}

/* Validates the saved certificate before it is used (cadcutils' rule):
 * expired or unusable -> error; at most 3 days left -> a warning. */
gboolean
cmd_archive_check_cert (CsGlobalOptions *g, const char *path, GError **error)
{
  g_autofree char *warning = NULL;

  if (!cadc_auth_check_cert_for_use (path, &warning, error))
    return FALSE;
  if (warning != NULL && g->verbosity >= 0)
    fprintf (stderr, "cadc-samp: warning: %s\n", warning);
  return TRUE;
}

CadcConfig *
cmd_archive_config (CsGlobalOptions *g, const char *login_url, GError **error)
{
  return cadc_config_resolve_archive (NULL, g->archive, g->registry, g->tap, g->datalink,
                                      login_url, error);
}

const char *
cmd_archive_collection (CsGlobalOptions *g, const char *given, char **store)
{
  g_autoptr(CadcConfig) conf = NULL;

  if (given != NULL)
    return given;
  conf = cmd_archive_config (g, NULL, NULL);
  if (conf != NULL)
    *store = g_steal_pointer (&conf->collection);
  return *store;
}

/* Endpoints: command line > environment > config file [archive] (or
 * [archive.NAME]) > default.  A saved certificate is validated first (not
 * for `login`, which may be replacing it); a named archive without
 * credentials=cadc is asked anonymously.  The model: --model, else the
 * archive's model=, else CAOM2 for CADC found through the registry, else
 * discovered (cmd_archive_model). */
CadcClient *
cmd_archive_make_client_full (CsGlobalOptions *g, const char *login_url, gboolean for_login,
                             GError **error)
{
  g_autoptr(CadcConfig) conf = cmd_archive_config (g, login_url, error);
  g_autoptr(CadcAuth) auth = NULL;
  CadcClientConfig cfg = { 0 };

  if (conf == NULL)
    return NULL;
  if (!cadc_model_parse (g->model != NULL ? g->model : conf->model, &cfg.model, error))
    {
      g_prefix_error (error, "config [archive%s%s] model=: ",
                      g_strcmp0 (conf->name, CADC_CONFIG_DEFAULT_ARCHIVE) == 0 ? "" : ".",
                      g_strcmp0 (conf->name, CADC_CONFIG_DEFAULT_ARCHIVE) == 0 ? "" : conf->name);
      return NULL;
    }
  /* CADC found through its registry is CAOM2: no /tables to read first */
  if (cfg.model == CADC_MODEL_UNKNOWN && conf->tap == NULL
      && g_strcmp0 (conf->name, CADC_CONFIG_DEFAULT_ARCHIVE) == 0)
    cfg.model = CADC_MODEL_CAOM2;
  if (conf->anonymous)
    auth = cadc_auth_new_anonymous ();
  else
    auth = cadc_auth_load (error);
  if (auth == NULL)
    return NULL;
  if (for_login)
    cadc_auth_set_cert (auth, NULL);
  else if (cadc_auth_get_cert (auth) != NULL
           && !cmd_archive_check_cert (g, cadc_auth_get_cert (auth), error))
    return NULL;
  cfg.registry = conf->registry;
  cfg.tap = conf->tap;
  cfg.datalink = conf->datalink;
  cfg.login = conf->login;
  cfg.verbose = g->verbosity > 0;
  cfg.cookie_domains = (const char *const *) conf->cookie_domains;
  return cadc_client_new (&cfg, g_steal_pointer (&auth));
}

CadcClient *
cmd_archive_make_client (CsGlobalOptions *g, GError **error)
{
  return cmd_archive_make_client_full (g, NULL, FALSE, error);
}

gboolean
cmd_archive_model (CsGlobalOptions *g, CadcClient *c, CadcModel *model, GError **error)
{
  g_autoptr(GError) local = NULL;

  if (cadc_client_get_model (c, model, &local))
    return TRUE;
  if (g_error_matches (local, VO_ERROR, VO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (g->verbosity > 0)
    fprintf (stderr, "cadc-samp: %s; CAOM2 assumed\n", local->message);
  memset (model, 0, sizeof *model);
  model->kind = CADC_MODEL_CAOM2;
  return TRUE;
}

gboolean
cmd_archive_pick_format (CsGlobalOptions *g, VoFormat *fmt, GError **error)
{
  if (g->format != NULL)
    return vo_format_from_string (g->format, fmt, error);
  *fmt = (g->output == NULL && isatty (1)) ? VO_FORMAT_TABLE : VO_FORMAT_VOTABLE;
  return TRUE;
}

/* The columns a terminal shows first, where the result has them: CAOM2's
 * and ObsCore's names for collection, observation, target, instrument,
 * band, start, exposure, calibration level, product. */
static const char *const terminal_first[] = {
  "collection", "obs_collection", "observationID", "obs_id", "target_name",
  "instrument_name", "energy_bandpassName", "filter", "em_min", "em_max", "band",
  "time_bounds_lower", "time_start", "t_min", "time_exposure", "t_exptime",
  "calibrationLevel", "calib_level", "productID", "dataproduct_type", NULL,
};

/* a table written straight to a terminal */
static gboolean
for_terminal (CsGlobalOptions *g, VoFormat fmt)
{
  return fmt == VO_FORMAT_TABLE && (g->output == NULL || strcmp (g->output, "-") == 0)
         && isatty (1);
}

/* the terminal's width: $COLUMNS, else the tty's, else 80 */
static guint
terminal_width (void)
{
  const char *env = g_getenv ("COLUMNS");
  struct winsize ws;

  if (env != NULL)
    {
      char *end;
      guint64 v = g_ascii_strtoull (env, &end, 10);
      if (end != env && *end == '\0' && v > 0 && v < 100000)
        return (guint) v;
    }
  if (ioctl (1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return ws.ws_col;
  return 80;
}

/* colours (here: a bold underlined header) on a terminal, unless
 * NO_COLOR (no-color.org) or TERM=dumb */
static gboolean
colours_allowed (void)
{
  const char *no_color = g_getenv ("NO_COLOR");

  return (no_color == NULL || *no_color == '\0') && g_strcmp0 (g_getenv ("TERM"), "dumb") != 0;
}

GOutputStream *
cmd_archive_result_sink (CsGlobalOptions *g, VoFormat fmt, GOutputStream *out, VoFormat *wire)
{
  if (g->columns == NULL && !for_terminal (g, fmt))
    {
      *wire = fmt;
      return g_object_ref (out);
    }
  *wire = VO_FORMAT_VOTABLE;
  return g_memory_output_stream_new_resizable ();
}

gboolean
cmd_archive_result_finish (CsGlobalOptions *g, VoFormat fmt, GOutputStream *sink,
                           GOutputStream *out, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) columns = NULL;
  VoTableShape shape = { 0 };

  if (sink == out)
    return TRUE;
  if (!g_output_stream_close (sink, NULL, error))
    return FALSE;
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (sink));
  in = g_memory_input_stream_new_from_bytes (bytes);
  if (g->columns != NULL && strcmp (g->columns, "all") != 0)
    {
      columns = g_strsplit (g->columns, ",", -1);
      for (guint i = 0; columns[i] != NULL; i++)
        g_strstrip (columns[i]);
      shape.columns = (const char *const *) columns;
    }
  if (for_terminal (g, fmt))
    {
      if (g->columns == NULL)
        shape.first = terminal_first;
      shape.width = terminal_width ();
      shape.emphasis = colours_allowed ();
    }
  if (vo_table_convert_stream_shaped (in, out, fmt, &shape, NULL, &local))
    return TRUE;
  if (g_error_matches (local, VO_ERROR, VO_ERROR_NOT_FOUND))
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--columns: %s",
                 local->message);
  else
    g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

VoTable *
cmd_archive_query_table (CadcClient *c, const char *adql, GError **error)
{
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(CadcQueryResult) r = cadc_client_query (c, adql, NULL, mem, NULL, error);
  g_autoptr(GBytes) bytes = NULL;

  if (r == NULL)
    return NULL;
  g_output_stream_close (mem, NULL, NULL);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
  return vo_table_load_bytes (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error);
}

/* The fd that /dev/stdout, /dev/fd/N or /proc/self/fd/N names, else -1:
 * such a path is the shell's redirection, written through as it is. */
static int
magic_fd (const char *path)
{
  static const char *const prefixes[] = { "/dev/fd/", "/proc/self/fd/" };

  if (strcmp (path, "/dev/stdout") == 0)
    return 1;
  if (strcmp (path, "/dev/stderr") == 0)
    return 2;
  for (gsize i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (path, prefixes[i]))
      {
        const char *n = path + strlen (prefixes[i]);
        char *end;
        guint64 fd = g_ascii_strtoull (n, &end, 10);
        if (end != n && *end == '\0' && fd < G_MAXINT)
          return (int) fd;
      }
  return -1;
}

/* Where a new file for @path goes: @path itself, or, for a symlink whose
 * target does not exist yet, that target (the link is never replaced).
 * Returns: (transfer full). */
static char *
dangling_target (const char *path)
{
  g_autofree char *cur = g_strdup (path);

  for (int hops = 0; hops < 40; hops++)
    {
      g_autofree char *link = g_file_read_link (cur, NULL);
      g_autofree char *dir = NULL;
      if (link == NULL)
        return g_steal_pointer (&cur);
      if (g_path_is_absolute (link))
        {
          g_free (cur);
          cur = g_steal_pointer (&link);
          continue;
        }
      dir = g_path_get_dirname (cur);
      g_free (cur);
      cur = g_build_filename (dir, link, NULL);
    }
  return g_steal_pointer (&cur);
}

/* -o FILE: a regular file (through any symlinks) or a new path is
 * replaced atomically (a temporary file next to the final target, with
 * the target's permissions, renamed on commit; a symlink stays a link);
 * anything else (a FIFO, a device such as /dev/null, /dev/stdout) is
 * written straight through. */
gboolean
cs_output_open (CsOutput *o, const char *path, GError **error)
{
  GStatBuf st;
  g_autofree char *target = NULL;
  gboolean exists;
  int fd;

  memset (o, 0, sizeof *o);
  if (path == NULL || strcmp (path, "-") == 0)
    {
      o->stream = g_unix_output_stream_new (1, FALSE);
      return TRUE;
    }
  if ((fd = magic_fd (path)) >= 0)
    {
      int dupfd = fcntl (fd, F_DUPFD_CLOEXEC, 3);
      if (dupfd < 0)
        {
          int e = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "cannot write to %s: %s",
                       path, g_strerror (e));
          return FALSE;
        }
      o->stream = g_unix_output_stream_new (dupfd, TRUE);
      return TRUE;
    }
  exists = g_stat (path, &st) == 0;
  if (exists && !S_ISREG (st.st_mode))
    {
      if (S_ISDIR (st.st_mode))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, "cannot write to %s: %s", path,
                       g_strerror (EISDIR));
          return FALSE;
        }
      fd = g_open (path, O_WRONLY | O_CLOEXEC | O_NOCTTY, 0);
      if (fd < 0)
        {
          int e = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "cannot write to %s: %s",
                       path, g_strerror (e));
          return FALSE;
        }
      o->stream = g_unix_output_stream_new (fd, TRUE);
      return TRUE;
    }
  if (exists)
    target = realpath (path, NULL);
  if (target == NULL)
    target = dangling_target (path);
  {
    g_autofree char *tmpl = g_strconcat (target, ".part-XXXXXX", NULL);
    fd = g_mkstemp_full (tmpl, O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0)
      {
        int e = errno;
        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                     "cannot create a file next to %s: %s", target, g_strerror (e));
        return FALSE;
      }
    vo_cleanup_add (tmpl);
    if (exists)
      {
        /* the replaced file keeps its permissions (and, where allowed, owner) */
        if (fchmod (fd, st.st_mode & 07777) != 0)
          g_debug ("fchmod %s: %s", tmpl, g_strerror (errno));
        if ((st.st_uid != geteuid () || st.st_gid != getegid ())
            && fchown (fd, st.st_uid, st.st_gid) != 0)
          g_debug ("fchown %s: %s", tmpl, g_strerror (errno));
      }
    o->stream = g_unix_output_stream_new (fd, TRUE);
    o->path = g_steal_pointer (&target);
    o->tmp = g_steal_pointer (&tmpl);
  }
  return TRUE;
}

gboolean
cs_output_commit (CsOutput *o, GError **error)
{
  gboolean ok = g_output_stream_close (o->stream, NULL, error);

  g_clear_object (&o->stream);
  if (ok && o->tmp != NULL && g_rename (o->tmp, o->path) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "cannot rename to %s: %s",
                   o->path, g_strerror (e));
      ok = FALSE;
    }
  if (!ok && o->tmp != NULL)
    g_unlink (o->tmp);
  if (o->tmp != NULL)
    vo_cleanup_remove (o->tmp);
  g_clear_pointer (&o->tmp, g_free);
  g_clear_pointer (&o->path, g_free);
  return ok;
}

void
cs_output_abort (CsOutput *o)
{
  if (o->stream != NULL)
    g_output_stream_close (o->stream, NULL, NULL);
  g_clear_object (&o->stream);
  if (o->tmp != NULL)
    {
      g_unlink (o->tmp);
      vo_cleanup_remove (o->tmp);
    }
  g_clear_pointer (&o->tmp, g_free);
  g_clear_pointer (&o->path, g_free);
}

void
cmd_archive_report_result (CsGlobalOptions *g, CadcQueryResult *r)
{
  if (r->status == VO_QUERY_STATUS_OVERFLOW)
    {
      g_autofree char *text = cs_safe (r->status_text);
      fprintf (stderr, "cadc-samp: warning: result truncated at %" G_GUINT64_FORMAT
               " rows (QUERY_STATUS=OVERFLOW%s%s)\n", r->n_rows, *text ? ": " : "", text);
    }
  if (g->verbosity > 0)
    fprintf (stderr, "cadc-samp: %" G_GUINT64_FORMAT " rows\n", r->n_rows);
}

int
cmd_archive_output_finish (CsGlobalOptions *g, CsOutput *out, CadcQueryResult *r, GError *error)
{
  if (r == NULL)
    {
      cs_output_abort (out);
      if (g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE))
        {
          cs_print_error ("%s", error->message);
          g_error_free (error);
          return CS_EXIT_USAGE;
        }
      return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
    }
  if (!cs_output_commit (out, &error))
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  cmd_archive_report_result (g, r);
  return CS_EXIT_OK;
}

int
cmd_archive_run_query (CsGlobalOptions *g, const char *adql, gint64 maxrec,
                      const char *const *uploads)
{
  GError *error = NULL;
  g_autoptr(CadcClient) c = cmd_archive_make_client (g, &error);

  if (c == NULL)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  return cmd_archive_run_query_on (g, c, adql, maxrec, uploads);
}

int
cmd_archive_run_query_on (CsGlobalOptions *g, CadcClient *c, const char *adql, gint64 maxrec,
                         const char *const *uploads)
{
  GError *error = NULL;
  CadcQueryOptions o = { maxrec, uploads, VO_FORMAT_VOTABLE };
  g_autoptr(CadcQueryResult) r = NULL;
  g_autoptr(GOutputStream) sink = NULL;
  VoFormat fmt;
  CsOutput out;

  if (!cmd_archive_pick_format (g, &fmt, &error)
      || !cs_output_open (&out, g->output, &error))
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  if (g->verbosity > 1)
    fprintf (stderr, "cadc-samp: ADQL: %s\n", adql);
  sink = cmd_archive_result_sink (g, fmt, out.stream, &o.format);
  r = cadc_client_query (c, adql, &o, sink, NULL, &error);
  if (r != NULL && !cmd_archive_result_finish (g, fmt, sink, out.stream, &error))
    g_clear_pointer (&r, cadc_query_result_free);
  return cmd_archive_output_finish (g, &out, r, error);
}

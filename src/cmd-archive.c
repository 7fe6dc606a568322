/* cmd-archive.c: the archive subcommands over CadcClient.
 *
 * collections, region, name, query, job, jobs, tables, table, data-urls,
 * cutout-urls, cutouts, login, logout, whoami.  Each parses its own
 * options by hand (so "-30" works as a positional Dec and "--" ends the
 * options), builds a CadcClient from the global options and prints errors
 * once through cs_print_error.  Results go to stdout or, with -o FILE, to a
 * temporary file in FILE's directory that is renamed only on success.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixoutputstream.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cadc-client.h"
#include "cadc-config.h"
#include "cs-commands.h"
#include "cs-fits.h"
#include "vo-adql.h"
#include "vo-coords.h"
#include "vo-error.h"
#include "vo-uws.h"
#include "vo-vosi.h"

/* ======================== shared plumbing ============================== */

typedef struct {
  const char *name;
  gboolean takes_value;
  const char **value;        /* for value options */
  gboolean *flag;            /* for flags */
  GPtrArray *multi;          /* repeated value options */
} Opt;

/* Parses argv[1..]: options from @opts, the rest into @pos.  A lone "-" and
 * anything that is not a known option (e.g. "-30") is positional.  Returns
 * FALSE after printing a message; sets *help for --help/-h. */
static gboolean
parse_args (int argc, char **argv, Opt *opts, GPtrArray *pos, gboolean *help)
{
  gboolean done = FALSE;

  *help = FALSE;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      gboolean matched = FALSE;
      if (!done && strcmp (a, "--") == 0)
        {
          done = TRUE;
          continue;
        }
      if (!done && (strcmp (a, "--help") == 0 || strcmp (a, "-h") == 0))
        {
          *help = TRUE;
          return TRUE;
        }
      for (Opt *o = opts; !done && o != NULL && o->name != NULL; o++)
        {
          gsize n = strlen (o->name);
          const char *val = NULL;
          if (strncmp (a, o->name, n) != 0 || (a[n] != '\0' && a[n] != '='))
            continue;
          matched = TRUE;
          if (!o->takes_value)
            {
              *o->flag = TRUE;
              break;
            }
          if (a[n] == '=')
            val = a + n + 1;
          else if (i + 1 < argc)
            val = argv[++i];
          else
            {
              cs_print_error ("option %s needs a value", o->name);
              return FALSE;
            }
          if (o->multi != NULL)
            g_ptr_array_add (o->multi, (gpointer) val);
          else
            *o->value = val;
          break;
        }
      if (matched)
        continue;
      if (!done && a[0] == '-' && a[1] == '-')
        {
          cs_print_error ("%s: unknown option %s (see --help)", argv[0], a);
          return FALSE;
        }
      g_ptr_array_add (pos, (gpointer) a);
    }
  return TRUE;
}

/* The start of every command: parses @argv with @opts into @pos, prints
 * @usage (and the global options) for --help, and checks that there are
 * @min_pos..@max_pos positionals (else prints "CMD: @pos_error (see
 * --help)", or "CMD: takes no arguments" when @pos_error is NULL).
 * Returns FALSE when the command must end at once with *@rc. */
static gboolean
parse_command (int argc, char **argv, Opt *opts, GPtrArray *pos, guint min_pos,
               guint max_pos, const char *pos_error, int *rc, const char *usage)
{
  gboolean help;

  *rc = CS_EXIT_USAGE;
  if (!parse_args (argc, argv, opts, pos, &help))
    return FALSE;
  if (help)
    {
      printf ("%s\n%s", usage, cs_global_options_help ());
      *rc = CS_EXIT_OK;
      return FALSE;
    }
  if (pos->len < min_pos || pos->len > max_pos)
    {
      if (pos_error != NULL)
        cs_print_error ("%s: %s (see --help)", argv[0], pos_error);
      else
        cs_print_error ("%s: takes no arguments, not '%s' (see --help)", argv[0],
                        (char *) pos->pdata[0]);
      return FALSE;
    }
  *rc = CS_EXIT_OK;
  return TRUE;
}

/* Positionals @from..@to-1 joined with spaces ("08h45m07.5s +54d18m00s"
 * may come as one or several arguments).  Returns: (transfer full). */
static char *
join_args (GPtrArray *pos, guint from, guint to)
{
  GString *s = g_string_new (NULL);

  for (guint i = from; i < to && i < pos->len; i++)
    g_string_append_printf (s, "%s%s", i > from ? " " : "", (char *) pos->pdata[i]);
  return g_string_free (s, FALSE);
}

/* A bad value on the command line: "CMD: message", exit 2. */
static int
usage_error (const char *cmd, GError *e)
{
  cs_print_error ("%s: %s", cmd, e->message);
  g_error_free (e);
  return CS_EXIT_USAGE;
}

static int
exit_code_for (const GError *e)
{
  if (e->domain == CADC_AUTH_ERROR || (e->domain == VO_HTTP_ERROR && (e->code == 401 || e->code == 403)))
    return CS_EXIT_AUTH;
  if (e->domain == G_FILE_ERROR || (e->domain == G_IO_ERROR && e->code != G_IO_ERROR_TIMED_OUT
                                    && e->code != G_IO_ERROR_CANCELLED))
    return CS_EXIT_IO;
  return CS_EXIT_ARCHIVE;
}

static int
fail (GError *e)
{
  int code = exit_code_for (e);
  cs_print_error ("%s", e->message);
  g_error_free (e);
  return code;
}

/* Validates the saved certificate before it is used (cadcutils' rule):
 * expired or unusable -> error; at most 3 days left -> a warning. */
static gboolean
check_cert (CsGlobalOptions *g, const char *path, GError **error)
{
  g_autoptr(GDateTime) expiry = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (!cadc_auth_check_cert (path, now, &expiry, error))
    return FALSE;
  if (g_date_time_difference (expiry, now) <= 3 * G_TIME_SPAN_DAY && g->verbosity >= 0)
    {
      g_autofree char *date = g_date_time_format (expiry, "%Y-%m-%d %H:%M:%S UTC");
      fprintf (stderr, "cadc-samp: warning: client certificate (%s) expires on %s; "
               "renew it with cadc-get-cert\n", path, date);
    }
  return TRUE;
}

/* Endpoints: command line > environment > config file [archive] > default.
 * A saved certificate is validated first (not for `login`, which may be
 * replacing it). */
static CadcClient *
make_client_full (CsGlobalOptions *g, const char *login_url, gboolean for_login,
                  GError **error)
{
  g_autoptr(CadcConfig) conf = cadc_config_resolve (NULL, g->registry, g->tap, g->datalink,
                                                    login_url, error);
  g_autoptr(CadcAuth) auth = NULL;
  CadcClientConfig cfg = { 0 };

  if (conf == NULL)
    return NULL;
  auth = cadc_auth_load (error);
  if (auth == NULL)
    return NULL;
  if (for_login)
    cadc_auth_set_cert (auth, NULL);
  else if (cadc_auth_get_cert (auth) != NULL
           && !check_cert (g, cadc_auth_get_cert (auth), error))
    return NULL;
  cfg.registry = conf->registry;
  cfg.tap = conf->tap;
  cfg.datalink = conf->datalink;
  cfg.login = conf->login;
  cfg.verbose = g->verbosity > 0;
  cfg.cookie_domains = (const char *const *) conf->cookie_domains;
  return cadc_client_new (&cfg, g_steal_pointer (&auth));
}

static CadcClient *
make_client (CsGlobalOptions *g, GError **error)
{
  return make_client_full (g, NULL, FALSE, error);
}

static gboolean
pick_format (CsGlobalOptions *g, VoFormat *fmt, GError **error)
{
  if (g->format != NULL)
    return vo_format_from_string (g->format, fmt, error);
  *fmt = (g->output == NULL && isatty (1)) ? VO_FORMAT_TABLE : VO_FORMAT_VOTABLE;
  return TRUE;
}

/* An output: stdout, or a temporary file renamed on commit. */
typedef struct {
  GOutputStream *stream;
  char *path;
  char *tmp;
} Output;

static gboolean
output_open (Output *o, const char *path, GError **error)
{
  memset (o, 0, sizeof *o);
  if (path == NULL || strcmp (path, "-") == 0)
    {
      o->stream = g_unix_output_stream_new (1, FALSE);
      return TRUE;
    }
  {
    g_autofree char *tmpl = g_strconcat (path, ".part-XXXXXX", NULL);
    int fd = g_mkstemp_full (tmpl, O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0)
      {
        int e = errno;
        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                     "cannot create a file next to %s: %s", path, g_strerror (e));
        return FALSE;
      }
    o->stream = g_unix_output_stream_new (fd, TRUE);
    o->path = g_strdup (path);
    o->tmp = g_steal_pointer (&tmpl);
  }
  return TRUE;
}

static gboolean
output_commit (Output *o, GError **error)
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
  g_clear_pointer (&o->tmp, g_free);
  g_clear_pointer (&o->path, g_free);
  return ok;
}

static void
output_abort (Output *o)
{
  if (o->stream != NULL)
    g_output_stream_close (o->stream, NULL, NULL);
  g_clear_object (&o->stream);
  if (o->tmp != NULL)
    g_unlink (o->tmp);
  g_clear_pointer (&o->tmp, g_free);
  g_clear_pointer (&o->path, g_free);
}

static void
report_result (CsGlobalOptions *g, CadcQueryResult *r)
{
  if (r->status == VO_QUERY_STATUS_OVERFLOW)
    fprintf (stderr, "cadc-samp: warning: result truncated at %" G_GUINT64_FORMAT
             " rows (QUERY_STATUS=OVERFLOW%s%s)\n", r->n_rows,
             r->status_text && *r->status_text ? ": " : "",
             r->status_text ? r->status_text : "");
  if (g->verbosity > 0)
    fprintf (stderr, "cadc-samp: %" G_GUINT64_FORMAT " rows\n", r->n_rows);
}

/* Runs @adql and writes the result per the global options. */
static int
run_query (CsGlobalOptions *g, const char *adql, gint64 maxrec, const char *const *uploads)
{
  GError *error = NULL;
  g_autoptr(CadcClient) c = make_client (g, &error);
  CadcQueryOptions o = { maxrec, uploads, VO_FORMAT_VOTABLE };
  g_autoptr(CadcQueryResult) r = NULL;
  Output out;

  if (c == NULL || !pick_format (g, &o.format, &error) || !output_open (&out, g->output, &error))
    return fail (error);
  if (g->verbosity > 1)
    fprintf (stderr, "cadc-samp: ADQL: %s\n", adql);
  r = cadc_client_query (c, adql, &o, out.stream, NULL, &error);
  if (r == NULL)
    {
      output_abort (&out);
      return fail (error);
    }
  if (!output_commit (&out, &error))
    return fail (error);
  report_result (g, r);
  return CS_EXIT_OK;
}

/* ======================== collections, region, name ==================== */

static int
cmd_collections (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  int rc;
  GError *error = NULL;
  g_autoptr(CadcClient) c = NULL;
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(CadcQueryResult) r = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(VoTable) t = NULL;
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GHashTable) bands = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) g_ptr_array_unref);
  int ccol, bcol;

  if (!parse_command (argc, argv, NULL, pos, 0, 0, NULL, &rc,
                      "Usage: cadc-samp collections\n\n"
                      "List the CADC collections with their energy bands (one per line:\n"
                      "COLLECTION<TAB>band,band,...).\n"))
    return rc;
  c = make_client (g, &error);
  if (c == NULL)
    return fail (error);
  r = cadc_client_query (c, vo_adql_collections (), NULL, mem, NULL, &error);
  if (r == NULL)
    return fail (error);
  g_output_stream_close (mem, NULL, NULL);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
  t = vo_table_load_bytes (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  if (t == NULL)
    return fail (error);
  ccol = vo_table_find_field (t, "collection");
  bcol = vo_table_find_field (t, "energy_emBand");
  if (bcol < 0)
    bcol = vo_table_find_field (t, "energy_emband");
  if (ccol < 0 || bcol < 0)
    return fail (g_error_new (VO_ERROR, VO_ERROR_NOT_FOUND,
                              "collections: result lacks collection/energy_emBand columns"));
  for (guint i = 0; i < vo_table_get_n_rows (t); i++)
    {
      const char *coll = vo_table_get_string (t, i, (guint) ccol);
      const char *band = vo_table_get_string (t, i, (guint) bcol);
      GPtrArray *b;
      if (coll == NULL)
        continue;
      b = g_hash_table_lookup (bands, coll);
      if (b == NULL)
        {
          b = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (bands, g_strdup (coll), b);
          g_ptr_array_add (order, (gpointer) coll);
        }
      if (band != NULL)
        g_ptr_array_add (b, g_strdup (band));
    }
  for (guint i = 0; i < order->len; i++)
    {
      GPtrArray *b = g_hash_table_lookup (bands, order->pdata[i]);
      printf ("%s\t", (char *) order->pdata[i]);
      for (guint k = 0; k < b->len; k++)
        printf ("%s%s", k ? "," : "", (char *) b->pdata[k]);
      printf ("\n");
    }
  return CS_EXIT_OK;
}

static int
cmd_region (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  const char *radius = NULL, *collection = NULL, *type = NULL;
  Opt opts[] = {
    { "--radius", TRUE, &radius, NULL, NULL },
    { "--collection", TRUE, &collection, NULL, NULL },
    { "--type", TRUE, &type, NULL, NULL },
    { NULL, FALSE, NULL, NULL, NULL },
  };
  int rc;
  GError *error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *adql = NULL;
  double ra, dec, r = 1.0 / 60.0, fra, fdec;

  if (!parse_command (argc, argv, opts, pos, 1, G_MAXUINT, "POSITION is missing", &rc,
                      "Usage: cadc-samp region POSITION [--radius R] [--collection C] [--type image]\n\n"
                      "CAOM observations and planes whose footprint intersects the circle\n"
                      "(astroquery query_region).  POSITION: 'RA DEC' in degrees or\n"
                      "sexagesimal (ICRS); R with a unit (deg, arcmin, arcsec), default 1 arcmin.\n"))
    return rc;
  text = join_args (pos, 0, pos->len);
  if (!vo_coords_parse_position (text, &ra, &dec, &error)
      || (radius != NULL && !vo_coords_parse_radius (radius, &r, &error)))
    return usage_error ("region", error);
  vo_coords_icrs_to_fk5 (ra, dec, &fra, &fdec);
  adql = vo_adql_query_region (fra, fdec, r, collection, type);
  return run_query (g, adql, -1, NULL);
}

static int
cmd_name (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  int rc;
  g_autofree char *adql = NULL;

  if (!parse_command (argc, argv, NULL, pos, 1, 1, "give exactly one TARGET", &rc,
                      "Usage: cadc-samp name TARGET\n\n"
                      "Observations whose target name contains TARGET (case-insensitive;\n"
                      "astroquery query_name).\n"))
    return rc;
  adql = vo_adql_query_name (pos->pdata[0]);
  return run_query (g, adql, -1, NULL);
}

/* ======================== query, job, jobs ============================= */

static int
cmd_query (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  g_autoptr(GPtrArray) uploads = g_ptr_array_new ();
  const char *maxrec_s = NULL;
  gboolean async = FALSE;
  int rc;
  Opt opts[] = {
    { "--maxrec", TRUE, &maxrec_s, NULL, NULL },
    { "--upload", TRUE, NULL, NULL, uploads },
    { "--async", FALSE, NULL, &async, NULL },
    { NULL, FALSE, NULL, NULL, NULL },
  };
  gint64 maxrec = -1;
  GError *error = NULL;

  if (!parse_command (argc, argv, opts, pos, 1, 1, "give exactly one ADQL string", &rc,
                      "Usage: cadc-samp query ADQL [--maxrec N] [--upload NAME=FILE]... [--async]\n\n"
                      "Run ADQL on the TAP service (sync; --async: a UWS job, waited for,\n"
                      "its result fetched and the job deleted).  Uploaded tables are\n"
                      "TAP_UPLOAD.NAME.  A truncated result (MAXREC) is reported on stderr.\n"))
    return rc;
  if (maxrec_s != NULL)
    {
      char *end;
      maxrec = g_ascii_strtoll (maxrec_s, &end, 10);
      if (*end != '\0' || end == maxrec_s || maxrec < 0)
        {
          cs_print_error ("query: --maxrec needs a non-negative integer, not '%s'", maxrec_s);
          return CS_EXIT_USAGE;
        }
    }
  g_ptr_array_add (uploads, NULL);
  if (!async)
    return run_query (g, pos->pdata[0], maxrec, (const char *const *) uploads->pdata);
  {
    g_autoptr(CadcClient) c = make_client (g, &error);
    CadcQueryOptions o = { maxrec, (const char *const *) uploads->pdata, VO_FORMAT_VOTABLE };
    g_autofree char *job = NULL;
    g_autoptr(VoUwsJob) j = NULL;
    g_autoptr(CadcQueryResult) r = NULL;
    Output out;

    if (c == NULL || !pick_format (g, &o.format, &error))
      return fail (error);
    job = cadc_client_job_create (c, pos->pdata[0], &o, TRUE, &error);
    if (job == NULL)
      return fail (error);
    if (g->verbosity >= 0)
      fprintf (stderr, "cadc-samp: job %s\n", job);
    j = cadc_client_job_get (c, job, TRUE, 3600, &error);
    if (j == NULL || !output_open (&out, g->output, &error))
      return fail (error);
    r = cadc_client_job_fetch (c, job, o.format, out.stream, &error);
    if (r == NULL)
      {
        output_abort (&out);
        return fail (error);
      }
    if (!output_commit (&out, &error))
      return fail (error);
    report_result (g, r);
    if (!cadc_client_job_delete (c, job, &error))
      {
        cs_print_error ("warning: %s", error->message);
        g_clear_error (&error);
      }
    return CS_EXIT_OK;
  }
}

static void
print_job (const VoUwsJob *j)
{
  printf ("jobId\t%s\nphase\t%s\n", j->job_id, j->phase_text ? j->phase_text : "");
  if (j->owner_id)
    printf ("owner\t%s\n", j->owner_id);
  if (j->creation_time)
    printf ("created\t%s\n", j->creation_time);
  if (j->start_time)
    printf ("started\t%s\n", j->start_time);
  if (j->end_time)
    printf ("ended\t%s\n", j->end_time);
  for (guint i = 0; i < j->parameters->len; i++)
    {
      VoUwsParameter *p = j->parameters->pdata[i];
      printf ("param\t%s=%s\n", p->id, p->value ? p->value : "");
    }
  for (guint i = 0; i < j->results->len; i++)
    {
      VoUwsResult *r = j->results->pdata[i];
      printf ("result\t%s\t%s\n", r->id, r->href ? r->href : "");
    }
  if (j->error_message)
    printf ("error\t%s\n", j->error_message);
}

static int
cmd_job (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  gboolean wait = FALSE, result = FALSE, abort_ = FALSE, delete = FALSE;
  int rc;
  Opt opts[] = {
    { "--wait", FALSE, NULL, &wait, NULL },
    { "--result", FALSE, NULL, &result, NULL },
    { "--abort", FALSE, NULL, &abort_, NULL },
    { "--delete", FALSE, NULL, &delete, NULL },
    { NULL, FALSE, NULL, NULL, NULL },
  };
  GError *error = NULL;
  g_autoptr(CadcClient) c = NULL;
  g_autofree char *url = NULL;
  g_autoptr(VoUwsJob) j = NULL;

  if (!parse_command (argc, argv, opts, pos, 1, 1, "give one job ID or URL", &rc,
                      "Usage: cadc-samp job ID|URL [--wait] [--result] [--abort] [--delete]\n\n"
                      "Show a TAP async job; --wait until it ends, --result writes its\n"
                      "result, --abort stops it, --delete removes it.\n"))
    return rc;
  c = make_client (g, &error);
  if (c == NULL || (url = cadc_client_job_url (c, pos->pdata[0], &error)) == NULL)
    return fail (error);
  if (abort_ && !cadc_client_job_abort (c, url, &error))
    return fail (error);
  if (!delete || wait || result)
    {
      j = cadc_client_job_get (c, url, wait, 0, &error);
      if (j == NULL)
        return fail (error);
    }
  if (result)
    {
      VoFormat fmt;
      Output out;
      g_autoptr(CadcQueryResult) r = NULL;
      if (!pick_format (g, &fmt, &error) || !output_open (&out, g->output, &error))
        return fail (error);
      r = cadc_client_job_fetch (c, url, fmt, out.stream, &error);
      if (r == NULL)
        {
          output_abort (&out);
          return fail (error);
        }
      if (!output_commit (&out, &error))
        return fail (error);
      report_result (g, r);
    }
  else if (j != NULL)
    print_job (j);
  if (delete && !cadc_client_job_delete (c, url, &error))
    return fail (error);
  if (j != NULL && !result && (j->phase == VO_UWS_PHASE_ERROR) && wait)
    return CS_EXIT_ARCHIVE;
  return CS_EXIT_OK;
}

static int
cmd_jobs (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  g_autoptr(GPtrArray) phases = g_ptr_array_new ();
  const char *last_s = NULL, *after = NULL;
  int rc;
  Opt opts[] = {
    { "--phase", TRUE, NULL, NULL, phases },
    { "--last", TRUE, &last_s, NULL, NULL },
    { "--after", TRUE, &after, NULL, NULL },
    { NULL, FALSE, NULL, NULL, NULL },
  };
  GError *error = NULL;
  g_autoptr(CadcClient) c = NULL;
  g_autoptr(GPtrArray) list = NULL;
  int last = 0;

  if (!parse_command (argc, argv, opts, pos, 0, 0, NULL, &rc,
                      "Usage: cadc-samp jobs [--phase P]... [--last N] [--after ISO-TIME]\n\n"
                      "List your TAP async jobs (ID, phase, creation time).\n"))
    return rc;
  if (last_s != NULL && (last = atoi (last_s)) <= 0)
    {
      cs_print_error ("jobs: --last needs a positive integer");
      return CS_EXIT_USAGE;
    }
  g_ptr_array_add (phases, NULL);
  c = make_client (g, &error);
  if (c == NULL)
    return fail (error);
  list = cadc_client_job_list (c, (const char *const *) phases->pdata, last, after, &error);
  if (list == NULL)
    return fail (error);
  for (guint i = 0; i < list->len; i++)
    {
      VoUwsJobRef *r = list->pdata[i];
      printf ("%s\t%s\t%s\n", r->job_id, vo_uws_phase_to_string (r->phase),
              r->creation_time ? r->creation_time : "");
    }
  return CS_EXIT_OK;
}

/* ======================== tables ======================================= */

static int
cmd_tables (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  gboolean names = FALSE;
  int rc;
  Opt opts[] = { { "--names", FALSE, NULL, &names, NULL }, { NULL, FALSE, NULL, NULL, NULL } };
  GError *error = NULL;
  g_autoptr(CadcClient) c = NULL;
  g_autoptr(GBytes) b = NULL;
  g_autoptr(VoVosiTableset) ts = NULL;

  if (!parse_command (argc, argv, opts, pos, 0, 0, NULL, &rc,
                      "Usage: cadc-samp tables [--names]\n\n"
                      "The TAP service's tables (VOSI): NAME<TAB>description, or only names.\n"))
    return rc;
  c = make_client (g, &error);
  if (c == NULL || (b = cadc_client_get_tables (c, NULL, &error)) == NULL)
    return fail (error);
  ts = vo_vosi_tableset_parse (g_bytes_get_data (b, NULL), g_bytes_get_size (b), &error);
  if (ts == NULL)
    return fail (error);
  for (guint s = 0; s < ts->schemas->len; s++)
    {
      VoVosiSchema *sc = ts->schemas->pdata[s];
      for (guint i = 0; i < sc->tables->len; i++)
        {
          VoVosiTable *t = sc->tables->pdata[i];
          if (names)
            printf ("%s\n", t->name);
          else
            {
              g_autofree char *d = g_strdup (t->description ? t->description : "");
              g_strdelimit (d, "\t\r\n", ' ');
              printf ("%s\t%s\n", t->name, g_strstrip (d));
            }
        }
    }
  return CS_EXIT_OK;
}

static int
cmd_table (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  int rc;
  GError *error = NULL;
  g_autoptr(CadcClient) c = NULL;
  g_autoptr(GBytes) b = NULL;
  g_autoptr(VoVosiTable) t = NULL;

  if (!parse_command (argc, argv, NULL, pos, 1, 1, "give one table NAME", &rc,
                      "Usage: cadc-samp table NAME\n\n"
                      "Columns of one table: name, datatype, unit, ucd, description.\n"))
    return rc;
  c = make_client (g, &error);
  if (c == NULL || (b = cadc_client_get_tables (c, pos->pdata[0], &error)) == NULL)
    return fail (error);
  t = vo_vosi_table_parse (g_bytes_get_data (b, NULL), g_bytes_get_size (b), &error);
  if (t == NULL)
    return fail (error);
  for (guint i = 0; i < t->columns->len; i++)
    {
      VoVosiColumn *col = t->columns->pdata[i];
      g_autofree char *d = g_strdup (col->description ? col->description : "");
      g_strdelimit (d, "\t\r\n", ' ');
      printf ("%s\t%s%s%s%s\t%s\t%s\t%s\n", col->name, col->datatype ? col->datatype : "",
              col->arraysize ? "[" : "", col->arraysize ? col->arraysize : "",
              col->arraysize ? "]" : "",
              col->unit ? col->unit : "", col->ucd ? col->ucd : "", g_strstrip (d));
    }
  return CS_EXIT_OK;
}

/* ======================== data-urls, cutout-urls, cutouts ============== */

static gboolean
parse_circle (const char *pos_text, const char *radius_text, double *ra, double *dec,
              double *r, GError **error)
{
  double ira, idec;

  if (!vo_coords_parse_position (pos_text, &ira, &idec, error)
      || !vo_coords_parse_radius (radius_text, r, error))
    return FALSE;
  vo_coords_icrs_to_fk5 (ira, idec, ra, dec);
  return TRUE;
}

static void
print_list (char **urls)
{
  for (guint i = 0; urls[i] != NULL; i++)
    printf ("%s\n", urls[i]);
}

static int
cmd_data_urls (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  gboolean aux = FALSE;
  int rc;
  Opt opts[] = { { "--aux", FALSE, NULL, &aux, NULL }, { NULL, FALSE, NULL, NULL, NULL } };
  GError *error = NULL;
  g_autoptr(CadcClient) c = NULL;
  g_auto(GStrv) ids = NULL;
  g_auto(GStrv) urls = NULL;

  if (!parse_command (argc, argv, opts, pos, 1, 1, "give one RESULT file", &rc,
                      "Usage: cadc-samp data-urls [--aux] RESULT\n\n"
                      "DataLink #this URLs (with --aux also previews etc.) for the rows of\n"
                      "a result VOTable with a publisherID column (file, or - for stdin).\n"))
    return rc;
  if ((ids = cadc_publisher_ids_from_file (pos->pdata[0], &error)) == NULL)
    return fail (error);
  c = make_client (g, &error);
  if (c == NULL || (urls = cadc_client_data_urls (c, (const char *const *) ids, aux, &error)) == NULL)
    return fail (error);
  print_list (urls);
  return CS_EXIT_OK;
}

static int
cmd_cutout_urls (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  int rc;
  GError *error = NULL;
  g_autoptr(CadcClient) c = NULL;
  g_auto(GStrv) ids = NULL;
  g_auto(GStrv) urls = NULL;
  g_autofree char *ptext = NULL;
  double ra, dec, r;

  if (!parse_command (argc, argv, NULL, pos, 3, G_MAXUINT, "RESULT POSITION RADIUS expected", &rc,
                      "Usage: cadc-samp cutout-urls RESULT POSITION RADIUS\n\n"
                      "SODA cutout URLs (CIRCLE) for the rows of a result VOTable.\n"))
    return rc;
  ptext = join_args (pos, 1, pos->len - 1);
  if (!parse_circle (ptext, pos->pdata[pos->len - 1], &ra, &dec, &r, &error))
    return usage_error ("cutout-urls", error);
  if ((ids = cadc_publisher_ids_from_file (pos->pdata[0], &error)) == NULL)
    return fail (error);
  c = make_client (g, &error);
  if (c == NULL
      || (urls = cadc_client_cutout_urls (c, (const char *const *) ids, ra, dec, r, &error)) == NULL)
    return fail (error);
  print_list (urls);
  return CS_EXIT_OK;
}

#define PARALLEL_DOWNLOADS 4

typedef struct {
  CadcClient *client;
  char **urls;
  char *dir;
  guint next, running, done, failed, total;
  guint64 bytes;
  gboolean tty;
  GPtrArray *paths;
} Downloads;

static void start_next (Downloads *d);

static void
show_progress (Downloads *d)
{
  if (d->tty)
    fprintf (stderr, "\rcutouts: %u/%u done, %u failed, %" G_GUINT64_FORMAT " KiB ", d->done,
             d->total, d->failed, d->bytes / 1024);
}

static void
on_bytes (guint64 bytes, gpointer data)
{
  (void) bytes;
  (void) data;
}

typedef struct {
  Downloads *d;
  char *path;
  char *url;
} One;

static void
one_done (GObject *src, GAsyncResult *res, gpointer data)
{
  One *o = data;
  Downloads *d = o->d;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  (void) src;
  d->running--;
  d->done++;
  if (!cadc_client_download_finish (d->client, res, &error))
    {
      d->failed++;
      if (d->tty)
        fprintf (stderr, "\n");
      cs_print_error ("%s", error->message);
    }
  else
    {
      if (g_stat (o->path, &st) == 0)
        d->bytes += (guint64) st.st_size;
      g_ptr_array_add (d->paths, g_strdup (o->path));
    }
  show_progress (d);
  g_free (o->path);
  g_free (o->url);
  g_free (o);
  start_next (d);
}

static void
start_next (Downloads *d)
{
  while (d->running < PARALLEL_DOWNLOADS && d->urls[d->next] != NULL)
    {
      One *o = g_new0 (One, 1);
      g_autofree char *name = g_strdup_printf ("cutout-%03u.fits", d->next + 1);
      o->d = d;
      o->url = g_strdup (d->urls[d->next]);
      o->path = g_build_filename (d->dir, name, NULL);
      d->next++;
      d->running++;
      cadc_client_download_async (d->client, o->url, o->path, on_bytes, d, NULL, one_done, o);
    }
}

/* Opens each downloaded file as FITS (cfitsio through cs-fits when
 * available): a file that is not FITS counts as failed and is removed. */
static gboolean
check_fits (const char *path, GError **error)
{
  long nx = 0, ny = 0;

  if (!cs_fits_image_get_size (path, &nx, &ny, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  if (nx <= 0 || ny <= 0)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE, "%s: empty FITS image", path);
      return FALSE;
    }
  return TRUE;
}

static int
cmd_cutouts (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  const char *collection = NULL, *dir = ".";
  gboolean urls_only = FALSE;
  int rc;
  Opt opts[] = {
    { "--collection", TRUE, &collection, NULL, NULL },
    { "--dir", TRUE, &dir, NULL, NULL },
    { "--urls-only", FALSE, NULL, &urls_only, NULL },
    { NULL, FALSE, NULL, NULL, NULL },
  };
  GError *error = NULL;
  g_autoptr(CadcClient) c = NULL;
  g_autofree char *ptext = NULL;
  g_autofree char *adql = NULL;
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(CadcQueryResult) qr = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(VoTable) t = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_auto(GStrv) urls = NULL;
  double ra, dec, r;
  int col;
  guint bad = 0;

  if (!parse_command (argc, argv, opts, pos, 2, G_MAXUINT, "POSITION RADIUS expected", &rc,
                      "Usage: cadc-samp cutouts POSITION RADIUS [--collection C] [--dir D] [--urls-only]\n\n"
                      "Find images around POSITION, compute SODA cutout URLs and download\n"
                      "them (4 at a time) into D as cutout-NNN.fits; each file is checked\n"
                      "to be FITS.  A cutout that fails (e.g. no overlap) is reported and\n"
                      "the others continue.\n"))
    return rc;
  ptext = join_args (pos, 0, pos->len - 1);
  if (!parse_circle (ptext, pos->pdata[pos->len - 1], &ra, &dec, &r, &error))
    return usage_error ("cutouts", error);
  c = make_client (g, &error);
  if (c == NULL)
    return fail (error);
  adql = vo_adql_query_region (ra, dec, r, collection, "image");
  qr = cadc_client_query (c, adql, NULL, mem, NULL, &error);
  if (qr == NULL)
    return fail (error);
  g_output_stream_close (mem, NULL, NULL);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
  t = vo_table_load_bytes (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  if (t == NULL)
    return fail (error);
  col = vo_table_find_field (t, "publisherID");
  if (col < 0)
    return fail (g_error_new (VO_ERROR, VO_ERROR_NOT_FOUND, "publisherID column missing"));
  for (guint i = 0; i < vo_table_get_n_rows (t); i++)
    {
      const char *v = vo_table_get_string (t, i, (guint) col);
      if (v != NULL && *v != '\0')
        g_ptr_array_add (ids, (gpointer) v);
    }
  g_ptr_array_add (ids, NULL);
  if (ids->len == 1)
    {
      fprintf (stderr, "cadc-samp: no images found\n");
      return CS_EXIT_OK;
    }
  urls = cadc_client_cutout_urls (c, (const char *const *) ids->pdata, ra, dec, r, &error);
  if (urls == NULL)
    return fail (error);
  if (urls_only)
    {
      print_list (urls);
      return CS_EXIT_OK;
    }
  if (g_mkdir_with_parents (dir, 0755) != 0)
    return fail (g_error_new (G_FILE_ERROR, g_file_error_from_errno (errno), "cannot create %s: %s",
                              dir, g_strerror (errno)));
  {
    Downloads d = { c, urls, (char *) dir, 0, 0, 0, 0, g_strv_length (urls), 0, isatty (2),
                    g_ptr_array_new_with_free_func (g_free) };
    start_next (&d);
    while (d.done < d.total)
      g_main_context_iteration (vo_http_get_context (cadc_client_get_http (c)), TRUE);
    if (d.tty)
      fprintf (stderr, "\n");
    for (guint i = 0; i < d.paths->len; i++)
      {
        g_autoptr(GError) e = NULL;
        if (!check_fits (d.paths->pdata[i], &e))
          {
            cs_print_error ("%s", e->message);
            g_unlink (d.paths->pdata[i]);
            bad++;
          }
        else
          {
            long nx = 0, ny = 0;
            cs_fits_image_get_size (d.paths->pdata[i], &nx, &ny, NULL);
            printf ("%s\t%ldx%ld\n", (char *) d.paths->pdata[i], nx, ny);
          }
      }
    bad += d.failed;
    g_ptr_array_unref (d.paths);
    if (bad > 0)
      {
        cs_print_error ("%u of %u cutouts failed", bad, d.total);
        return bad == d.total ? CS_EXIT_ARCHIVE : CS_EXIT_FAILED;
      }
  }
  return CS_EXIT_OK;
}

/* ======================== login, logout, whoami ======================== */

/* The terminal settings to restore if a signal ends the prompt. */
static struct termios prompt_tty;

static void
restore_tty (int sig)
{
  tcsetattr (0, TCSAFLUSH, &prompt_tty);
  signal (sig, SIG_DFL);
  raise (sig);
}

/* Reads a password from the terminal without echo (echo comes back even
 * on ^C), or a line from stdin. */
static char *
read_password (const char *user)
{
  struct termios quiet;
  gboolean tty = isatty (0) && tcgetattr (0, &prompt_tty) == 0;
  void (*old_int) (int) = SIG_DFL, (*old_term) (int) = SIG_DFL;
  GString *s = g_string_sized_new (128);
  int ch;

  if (tty)
    {
      fprintf (stderr, "Password for %s: ", user);
      old_int = signal (SIGINT, restore_tty);
      old_term = signal (SIGTERM, restore_tty);
      quiet = prompt_tty;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (0, TCSAFLUSH, &quiet);
    }
  while ((ch = getchar ()) != EOF && ch != '\n')
    g_string_append_c (s, (char) ch);
  if (tty)
    {
      tcsetattr (0, TCSAFLUSH, &prompt_tty);
      signal (SIGINT, old_int);
      signal (SIGTERM, old_term);
      fprintf (stderr, "\n");
    }
  if (s->len > 0 && s->str[s->len - 1] == '\r')
    g_string_truncate (s, s->len - 1);
  return g_string_free (s, FALSE);
}

static int
cmd_login (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  const char *user = NULL, *cert = NULL, *login_url = NULL;
  int rc;
  Opt opts[] = {
    { "--user", TRUE, &user, NULL, NULL },
    { "--cert", TRUE, &cert, NULL, NULL },
    { "--login-url", TRUE, &login_url, NULL, NULL },
    { NULL, FALSE, NULL, NULL, NULL },
  };
  GError *error = NULL;
  g_autoptr(CadcAuth) auth = NULL;

  if (!parse_command (argc, argv, opts, pos, 0, 0, NULL, &rc,
                      "Usage: cadc-samp login [--user U] [--cert FILE] [--login-url URL]\n\n"
                      "Log in to CADC: with --cert, remember a PEM proxy certificate (with\n"
                      "its key) for TLS; otherwise ask for U's password (from the terminal\n"
                      "without echo, or one line of stdin; or from ~/.netrc for the login\n"
                      "host) and keep the CADC_SSO token in a 0600 file until logout.\n"))
    return rc;
  auth = cadc_auth_load (&error);
  if (auth == NULL)
    return fail (error);
  if (cert != NULL)
    {
      g_autofree char *abs = g_canonicalize_filename (cert, NULL);
      if (!check_cert (g, abs, &error))
        return fail (error);
      cadc_auth_set_cert (auth, abs);
    }
  else
    {
      g_autoptr(CadcClient) c = make_client_full (g, login_url, TRUE, &error);
      g_autofree char *url = NULL;
      g_autofree char *host = NULL;
      g_autofree char *nuser = NULL;
      char *pw = NULL;
      VoHttpRequest *req;
      g_autoptr(VoHttpResponse) resp = NULL;
      g_autofree char *token = NULL;

      if (c == NULL || (url = cadc_client_get_login_url (c, &error)) == NULL)
        return fail (error);
      host = vo_http_url_host (url);
      if (host != NULL && cadc_netrc_lookup (NULL, host, TRUE, &nuser, &pw, NULL)
          && (user == NULL || strcmp (user, nuser) == 0))
        user = nuser;
      else
        {
          g_clear_pointer (&pw, g_free);
          if (user == NULL)
            {
              cs_print_error ("login: --user is needed (or a ~/.netrc entry for %s)",
                              host ? host : url);
              return CS_EXIT_USAGE;
            }
          pw = read_password (user);
          if (*pw == '\0')
            {
              g_free (pw);
              cs_print_error ("login: no password given");
              return CS_EXIT_AUTH;
            }
        }
      req = vo_http_request_new (VO_HTTP_POST, url);
      vo_http_request_add_field (req, "username", user);
      vo_http_request_add_field (req, "password", pw);
      vo_http_request_add_header (req, "Accept: text/plain");
      vo_http_request_set_retry (req, FALSE);
      memset (pw, 0, strlen (pw));
      g_free (pw);
      resp = vo_http_send (cadc_client_get_http (c), req, NULL, &error);
      if (resp == NULL)
        {
          g_prefix_error (&error, "login failed: ");
          int code = exit_code_for (error);
          cs_print_error ("%s", error->message);
          g_error_free (error);
          return code == CS_EXIT_ARCHIVE ? CS_EXIT_AUTH : code;
        }
      token = g_strstrip (g_strndup (g_bytes_get_data (vo_http_response_get_body (resp), NULL),
                                     g_bytes_get_size (vo_http_response_get_body (resp))));
      if (*token == '\0')
        {
          cs_print_error ("login: the service returned no token");
          return CS_EXIT_AUTH;
        }
      cadc_auth_set_token (auth, token);
      memset (token, 0, strlen (token));
      cadc_auth_set_user (auth, user);
    }
  if (!cadc_auth_save (auth, &error))
    return fail (error);
  if (g->verbosity >= 0)
    fprintf (stderr, "cadc-samp: logged in%s%s\n", cadc_auth_get_user (auth) ? " as " : "",
             cadc_auth_get_user (auth) ? cadc_auth_get_user (auth) : "");
  return CS_EXIT_OK;
}

static int
cmd_logout (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  int rc;
  GError *error = NULL;

  (void) g;
  if (!parse_command (argc, argv, NULL, pos, 0, 0, NULL, &rc,
                      "Usage: cadc-samp logout\n\nForget the saved token and certificate.\n"))
    return rc;
  if (!cadc_auth_forget (&error))
    return fail (error);
  return CS_EXIT_OK;
}

static int
cmd_whoami (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  int rc;
  GError *error = NULL;
  g_autoptr(CadcAuth) auth = NULL;

  (void) g;
  if (!parse_command (argc, argv, NULL, pos, 0, 0, NULL, &rc,
                      "Usage: cadc-samp whoami\n\nShow the saved login state (never the secrets).\n"))
    return rc;
  auth = cadc_auth_load (&error);
  if (auth == NULL)
    return fail (error);
  if (!cadc_auth_has_token (auth) && cadc_auth_get_cert (auth) == NULL)
    {
      printf ("anonymous\n");
      return CS_EXIT_OK;
    }
  if (cadc_auth_get_user (auth) != NULL)
    printf ("user\t%s\n", cadc_auth_get_user (auth));
  if (cadc_auth_has_token (auth))
    printf ("cookie\tCADC_SSO (token saved)\n");
  if (cadc_auth_get_cert (auth) != NULL)
    {
      g_autoptr(GDateTime) expiry = NULL;
      g_autoptr(GError) e = NULL;
      g_autofree char *date = NULL;
      /* whoami reports, it does not refuse: a bad certificate is shown as such */
      if (cadc_auth_check_cert (cadc_auth_get_cert (auth), NULL, &expiry, &e))
        date = g_date_time_format (expiry, "valid until %Y-%m-%d %H:%M:%S UTC");
      printf ("certificate\t%s (%s)\n", cadc_auth_get_cert (auth),
              date != NULL ? date : e->message);
    }
  return CS_EXIT_OK;
}

const CsCommand cs_command_collections = { "collections", "list CADC collections and their bands", cmd_collections };
const CsCommand cs_command_region = { "region", "CAOM query around a sky position", cmd_region };
const CsCommand cs_command_name = { "name", "CAOM query by target name", cmd_name };
const CsCommand cs_command_query = { "query", "run ADQL (sync or async) on the TAP service", cmd_query };
const CsCommand cs_command_job = { "job", "show, wait for, fetch, abort or delete a TAP job", cmd_job };
const CsCommand cs_command_jobs = { "jobs", "list TAP async jobs", cmd_jobs };
const CsCommand cs_command_tables = { "tables", "list the TAP service's tables", cmd_tables };
const CsCommand cs_command_table = { "table", "columns of one table", cmd_table };
const CsCommand cs_command_data_urls = { "data-urls", "DataLink download URLs for a result", cmd_data_urls };
const CsCommand cs_command_cutout_urls = { "cutout-urls", "SODA cutout URLs for a result", cmd_cutout_urls };
const CsCommand cs_command_cutouts = { "cutouts", "find and download image cutouts", cmd_cutouts };
const CsCommand cs_command_login = { "login", "log in (password or certificate)", cmd_login };
const CsCommand cs_command_logout = { "logout", "forget saved credentials", cmd_logout };
const CsCommand cs_command_whoami = { "whoami", "show the saved login state", cmd_whoami };

/* cmd-query.c: ADQL on the TAP service, and its UWS jobs.
 *
 * query (sync, streamed to the output; --async creates a job, waits for
 * it, fetches its result and deletes it), job (show, wait for, fetch,
 * abort or delete one job by ID or URL) and jobs (list them).  Results go
 * through a CsOutput, so -o FILE appears only when complete.  A job wait
 * on a terminal (stderr a tty, not -q) shows one line rewritten with \r:
 * the phase and the time waited (polled every second instead of the
 * server's WAIT=, so that the time moves); piped, nothing.  Shared
 * plumbing: cmd-archive.c.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-archive-private.h"
#include "vo-uws.h"

/* `query -`: the ADQL from standard input, at most this many bytes (a
 * command-line argument stops at 128 KiB on Linux; TAP services refuse
 * far smaller queries than this).  doc/EXITCODES.md, doc/SECURITY.md. */
#define MAX_STDIN_QUERY ((gsize) 16 << 20)

/* Reads the ADQL of `query -`.  Too long: NULL with *@usage set (exit 2);
 * a read error: NULL, an I/O error (exit 5).  Returns: (transfer full). */
static char *
read_stdin_query (gboolean *usage, GError **error)
{
  GString *q = g_string_new (NULL);
  char buf[65536];

  *usage = FALSE;
  for (;;)
    {
      ssize_t n = read (0, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int e = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                       "cannot read the ADQL from standard input: %s", g_strerror (e));
          g_string_free (q, TRUE);
          return NULL;
        }
      if (n == 0)
        break;
      if (q->len + (gsize) n > MAX_STDIN_QUERY)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                       "the ADQL on standard input is longer than %" G_GSIZE_FORMAT
                       " MiB (nothing was sent)", MAX_STDIN_QUERY >> 20);
          *usage = TRUE;
          g_string_free (q, TRUE);
          return NULL;
        }
      g_string_append_len (q, buf, n);
    }
  return g_string_free (q, FALSE);
}

static gboolean
is_blank (const char *s)
{
  for (; *s != '\0'; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

/* cadc_client_job_get (wait), with the progress line on a terminal:
 * "job: EXECUTING, 12 s".  @timeout: seconds, 0 = no limit. */
static VoUwsJob *
wait_job (CsGlobalOptions *g, CadcClient *c, const char *url, guint timeout, GError **error)
{
  gint64 start = g_get_monotonic_time ();
  int width = 0;

  if (!isatty (2) || g->verbosity < 0)
    return cadc_client_job_get (c, url, TRUE, timeout, error);
  for (;;)
    {
      VoUwsJob *j = cadc_client_job_get (c, url, FALSE, 0, error);
      gint64 secs = (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
      g_autofree char *phase = NULL;
      g_autofree char *line = NULL;
      gboolean done;
      int n;

      if (j == NULL)
        {
          if (width > 0)
            fprintf (stderr, "\n");
          return NULL;
        }
      done = vo_uws_phase_is_final (j->phase) || !vo_uws_phase_is_active (j->phase);
      phase = cs_safe (j->phase_text);
      line = g_strdup_printf ("job: %s, %" G_GINT64_FORMAT " s", phase, secs);
      n = (int) g_utf8_strlen (line, -1);
      fprintf (stderr, "\r%s%*s", line, width > n ? width - n : 0, "");
      width = n;
      if (!done && timeout > 0 && secs >= (gint64) timeout)
        {
          fprintf (stderr, "\n");
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "job %s still %s after %u s",
                       url, phase, timeout);
          vo_uws_job_free (j);
          return NULL;
        }
      if (done)
        {
          fprintf (stderr, "\n");
          return j;
        }
      fflush (stderr);
      vo_uws_job_free (j);
      g_usleep (G_USEC_PER_SEC);
    }
}

static int
cmd_query (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  g_auto(GStrv) uploads = NULL;
  g_autofree char *maxrec_s = NULL;
  gboolean async = FALSE;
  int rc;
  GOptionEntry entries[] = {
    { "maxrec", 0, 0, G_OPTION_ARG_FILENAME, &maxrec_s, "at most N rows (MAXREC)", "N" },
    { "upload", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &uploads, "a table (VOTable or FITS) as TAP_UPLOAD.NAME; repeatable", "NAME=FILE" },
    { "async", 0, 0, G_OPTION_ARG_NONE, &async, "run it as a UWS job", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  gint64 maxrec = -1;
  GError *error = NULL;

  g_autofree char *adql = NULL;

  static const CliCommandLine cl = {
    "Usage: cadc-samp query ADQL|- [--maxrec N] [--upload NAME=FILE]... [--async]\n\n"
      "Run ADQL on the TAP service (sync; --async: a UWS job, waited for,\n"
      "its result fetched and the job deleted).  ADQL '-' reads the query\n"
      "from standard input (at most 16 MiB).  Uploaded tables are\n"
      "TAP_UPLOAD.NAME.  A truncated result (MAXREC) is reported on stderr.\n",
    1, 1, "give exactly one ADQL string",
  };

  if (!cmd_archive_parse_command (g, argc, argv, &cl, entries, pos, &rc))
    return rc;
  if (strcmp (pos->pdata[0], "-") == 0)
    {
      gboolean usage;
      adql = read_stdin_query (&usage, &error);
      if (adql == NULL)
        return usage ? cmd_archive_usage_error ("query", error) : cli_exit_fail (CLI_STAGE_ARCHIVE, error);
    }
  else
    adql = g_strdup (pos->pdata[0]);
  if (is_blank (adql))
    {
      cs_print_error ("query: the ADQL is empty (nothing was sent)");
      return CS_EXIT_USAGE;
    }
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
  if (!async)
    return cmd_archive_run_query (g, adql, maxrec, (const char *const *) uploads);
  {
    g_autoptr(CadcClient) c = cmd_archive_make_client (g, &error);
    CadcQueryOptions o = { maxrec, (const char *const *) uploads, VO_FORMAT_VOTABLE };
    g_autofree char *job = NULL;
    g_autoptr(VoUwsJob) j = NULL;
    g_autoptr(CadcQueryResult) r = NULL;
    g_autoptr(GOutputStream) sink = NULL;
    VoFormat fmt = VO_FORMAT_VOTABLE;
    CsOutput out;

    if (c == NULL || !cmd_archive_pick_format (g, &fmt, &error))
      return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
    job = cadc_client_job_create (c, adql, &o, TRUE, &error);
    if (job == NULL)
      return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
    if (g->verbosity >= 0)
      {
        g_autofree char *safe = cs_safe (job);
        fprintf (stderr, "cadc-samp: job %s\n", safe);
      }
    j = wait_job (g, c, job, 3600, &error);
    if (j == NULL || !cs_output_open (&out, g->output, &error))
      return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
    sink = cmd_archive_result_sink (g, fmt, out.stream, &o.format);
    r = cadc_client_job_fetch (c, job, o.format, sink, &error);
    if (r != NULL && !cmd_archive_result_finish (g, fmt, sink, out.stream, &error))
      g_clear_pointer (&r, cadc_query_result_free);
    if ((rc = cmd_archive_output_finish (g, &out, r, error)) != CS_EXIT_OK)
      return rc;
    if (!cadc_client_job_delete (c, job, &error))
      {
        cs_print_error ("warning: %s", error->message);
        g_clear_error (&error);
      }
    return CS_EXIT_OK;
  }
}

/* One NAME<TAB>VALUE line; VALUE came from the server. */
static void
print_field (const char *name, const char *value)
{
  g_autofree char *v = cs_safe (value);
  printf ("%s\t%s\n", name, v);
}

static void
print_job (const VoUwsJob *j)
{
  print_field ("jobId", j->job_id);
  print_field ("phase", j->phase_text);
  if (j->owner_id)
    print_field ("owner", j->owner_id);
  if (j->creation_time)
    print_field ("created", j->creation_time);
  if (j->start_time)
    print_field ("started", j->start_time);
  if (j->end_time)
    print_field ("ended", j->end_time);
  for (guint i = 0; i < j->parameters->len; i++)
    {
      VoUwsParameter *p = j->parameters->pdata[i];
      g_autofree char *pv = g_strdup_printf ("%s=%s", p->id, p->value ? p->value : "");
      print_field ("param", pv);
    }
  for (guint i = 0; i < j->results->len; i++)
    {
      VoUwsResult *r = j->results->pdata[i];
      g_autofree char *id = cs_safe (r->id);
      g_autofree char *href = cs_safe (r->href);
      printf ("result\t%s\t%s\n", id, href);
    }
  if (j->error_message)
    print_field ("error", j->error_message);
}

static int
cmd_job (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  gboolean wait = FALSE, result = FALSE, abort_ = FALSE, delete = FALSE;
  int rc;
  GOptionEntry entries[] = {
    { "wait", 0, 0, G_OPTION_ARG_NONE, &wait, "wait until the job ends", NULL },
    { "result", 0, 0, G_OPTION_ARG_NONE, &result, "write its result (per the global options)", NULL },
    { "abort", 0, 0, G_OPTION_ARG_NONE, &abort_, "abort the job", NULL },
    { "delete", 0, 0, G_OPTION_ARG_NONE, &delete, "delete the job", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  GError *error = NULL;
  g_autoptr(CadcClient) c = NULL;
  g_autofree char *url = NULL;
  g_autoptr(VoUwsJob) j = NULL;

  static const CliCommandLine cl = {
    "Usage: cadc-samp job ID|URL [--wait] [--result] [--abort] [--delete]\n\n"
      "Show a TAP async job; --wait until it ends, --result writes its\n"
      "result, --abort stops it, --delete removes it.\n",
    1, 1, "give one job ID or URL",
  };

  if (!cmd_archive_parse_command (g, argc, argv, &cl, entries, pos, &rc))
    return rc;
  c = cmd_archive_make_client (g, &error);
  if (c == NULL || (url = cadc_client_job_url (c, pos->pdata[0], &error)) == NULL)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  if (abort_ && !cadc_client_job_abort (c, url, &error))
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  if (!delete || wait || result)
    {
      j = wait ? wait_job (g, c, url, 0, &error) : cadc_client_job_get (c, url, FALSE, 0, &error);
      if (j == NULL)
        return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
    }
  if (result)
    {
      VoFormat fmt, wire;
      CsOutput out;
      g_autoptr(CadcQueryResult) r = NULL;
      g_autoptr(GOutputStream) sink = NULL;
      if (!cmd_archive_pick_format (g, &fmt, &error)
          || !cs_output_open (&out, g->output, &error))
        return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
      sink = cmd_archive_result_sink (g, fmt, out.stream, &wire);
      r = cadc_client_job_fetch (c, url, wire, sink, &error);
      if (r != NULL && !cmd_archive_result_finish (g, fmt, sink, out.stream, &error))
        g_clear_pointer (&r, cadc_query_result_free);
      if ((rc = cmd_archive_output_finish (g, &out, r, error)) != CS_EXIT_OK)
        return rc;
    }
  else if (j != NULL)
    print_job (j);
  if (delete && !cadc_client_job_delete (c, url, &error))
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  if (j != NULL && !result && (j->phase == VO_UWS_PHASE_ERROR) && wait)
    return CS_EXIT_ARCHIVE;
  return CS_EXIT_OK;
}

static int
cmd_jobs (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  g_auto(GStrv) phases = NULL;
  g_autofree char *last_s = NULL, *after = NULL;
  int rc;
  GOptionEntry entries[] = {
    { "phase", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &phases, "only jobs in phase P; repeatable", "P" },
    { "last", 0, 0, G_OPTION_ARG_FILENAME, &last_s, "only the N most recent jobs", "N" },
    { "after", 0, 0, G_OPTION_ARG_FILENAME, &after, "only jobs created after ISO-TIME", "ISO-TIME" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  GError *error = NULL;
  g_autoptr(CadcClient) c = NULL;
  g_autoptr(GPtrArray) list = NULL;
  int last = 0;

  static const CliCommandLine cl = {
    "Usage: cadc-samp jobs [--phase P]... [--last N] [--after ISO-TIME]\n\n"
      "List your TAP async jobs (ID, phase, creation time).\n",
    0, 0, NULL,
  };

  if (!cmd_archive_parse_command (g, argc, argv, &cl, entries, pos, &rc))
    return rc;
  if (last_s != NULL && (last = atoi (last_s)) <= 0)
    {
      cs_print_error ("jobs: --last needs a positive integer");
      return CS_EXIT_USAGE;
    }
  c = cmd_archive_make_client (g, &error);
  if (c == NULL)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  list = cadc_client_job_list (c, (const char *const *) phases, last, after, &error);
  if (list == NULL)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  for (guint i = 0; i < list->len; i++)
    {
      VoUwsJobRef *r = list->pdata[i];
      g_autofree char *id = cs_safe (r->job_id);
      g_autofree char *created = cs_safe (r->creation_time);
      printf ("%s\t%s\t%s\n", id, vo_uws_phase_to_string (r->phase), created);
    }
  return CS_EXIT_OK;
}

const CsCommand cs_command_query = { "query", "run ADQL (sync or async) on the TAP service", cmd_query };
const CsCommand cs_command_job = { "job", "show, wait for, fetch, abort or delete a TAP job", cmd_job };
const CsCommand cs_command_jobs = { "jobs", "list TAP async jobs", cmd_jobs };

/* test-uws.c: UWS job documents, job lists, phases, href resolution. */
#include "config.h"

#include <string.h>
#include "vo-uws.h"
#include "vo-error.h"

static VoUwsJob *
load_job (const char *name, GError **error)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autofree char *data = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return vo_uws_job_parse (data, len, error);
}

static void
test_completed (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoUwsJob) job = load_job ("uws-job-completed.xml", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (job->job_id, ==, "abc123xyz");
  g_assert_cmpstr (job->run_id, ==, "my-run");
  g_assert_null (job->owner_id);                       /* xsi:nil */
  g_assert_cmpint (job->phase, ==, VO_UWS_PHASE_COMPLETED);
  g_assert_cmpstr (job->quote, ==, "2030-05-02T10:00:00.000Z");
  g_assert_cmpstr (job->creation_time, ==, "2030-05-01T10:00:00.000Z");
  g_assert_cmpstr (job->start_time, ==, "2030-05-01T10:00:01.000Z");
  g_assert_cmpstr (job->end_time, ==, "2030-05-01T10:00:03.250Z");
  g_assert_cmpint (job->execution_duration, ==, 600);
  g_assert_cmpstr (job->destruction, ==, "2030-05-08T10:00:00.000Z");
  g_assert_cmpuint (job->parameters->len, ==, 4);
  g_assert_cmpstr (vo_uws_job_get_parameter (job, "query"), ==,
                   "select top 3 observationID from caom2.Observation where collection='IRIS' & 1=1");
  g_assert_cmpstr (vo_uws_job_get_parameter (job, "LANG"), ==, "ADQL");
  g_assert_null (vo_uws_job_get_parameter (job, "MAXREC"));
  VoUwsParameter *up = job->parameters->pdata[3];
  g_assert_true (up->by_reference);
  g_assert_cmpuint (job->results->len, ==, 3);
  /* never results[0]: the diag entry is not a URL */
  const VoUwsResult *r = vo_uws_job_get_result (job);
  g_assert_nonnull (r);
  g_assert_cmpstr (r->id, ==, "result");
  g_assert_cmpstr (r->href, ==, "https://example.cadc.test/argus/results/result_abc123xyz.xml");
  g_assert_null (job->error_message);
}

static void
test_relative (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoUwsJob) job = load_job ("uws-job-relative.xml", &error);
  g_assert_no_error (error);
  g_assert_null (job->run_id);
  g_assert_null (job->quote);
  g_assert_cmpint (job->execution_duration, ==, 3600);
  const VoUwsResult *r = vo_uws_job_get_result (job);
  g_assert_nonnull (r);
  g_assert_cmpstr (r->id, ==, "table");           /* "final:1" skipped */
  g_autofree char *url = vo_uws_resolve_href ("http://127.0.0.1:18080/__system__/tap/run/async/q7x2",
                                              r->href, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, "http://127.0.0.1:18080/__system__/tap/run/async/results/result");
  g_autofree char *url2 = vo_uws_resolve_href ("http://h.test/tap/async/q7x2/", r->href, &error);
  g_assert_cmpstr (url2, ==, "http://h.test/tap/async/q7x2/results/result");
  g_autofree char *url3 = vo_uws_resolve_href ("http://h.test/tap/async/q7x2", "/abs/x", &error);
  g_assert_cmpstr (url3, ==, "http://h.test/abs/x");
  g_autofree char *url4 = vo_uws_resolve_href ("http://h.test/a", "https://o.test/r", &error);
  g_assert_cmpstr (url4, ==, "https://o.test/r");
  g_assert_no_error (error);
  g_assert_null (vo_uws_resolve_href ("not a url", "x", &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_PARSE);
}

static void
test_error_job (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoUwsJob) job = load_job ("uws-job-error.xml", &error);
  g_assert_no_error (error);
  g_assert_cmpint (job->phase, ==, VO_UWS_PHASE_ERROR);
  g_assert_null (job->run_id);                    /* empty element */
  g_assert_cmpstr (job->owner_id, ==, "someone");
  g_assert_cmpint (job->execution_duration, ==, 0);
  g_assert_cmpstr (job->error_type, ==, "fatal");
  g_assert_cmpstr (job->error_message, ==, "IllegalArgumentException: unknown table caom2.Nope");
  g_assert_null (vo_uws_job_get_result (job));
  g_assert_cmpuint (job->parameters->len, ==, 0);

  g_autoptr (VoUwsJob) ex = load_job ("uws-job-executing.xml", &error);
  g_assert_no_error (error);
  g_assert_cmpint (ex->phase, ==, VO_UWS_PHASE_EXECUTING);   /* default namespace, spaces */
  g_assert_cmpint (ex->execution_duration, ==, -1);
}

static void
test_bad (void)
{
  g_autoptr (GError) error = NULL;
  g_assert_null (load_job ("uws-job-noid.xml", &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_PARSE);
  g_clear_error (&error);
  const char *bad[] = {
    "", "<job><jobId>x</jobId>", "<jobs/>",
    "<job><jobId>x</jobId><phase>RUN</phase><executionDuration>ten</executionDuration></job>",
    "<job><phase>PENDING</phase></job>",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_null (vo_uws_job_parse (bad[i], strlen (bad[i]), &error));
      g_assert_error (error, VO_ERROR, VO_ERROR_PARSE);
      g_clear_error (&error);
    }
}

static void
test_phases (void)
{
  const char *names[] = { "PENDING", "QUEUED", "EXECUTING", "COMPLETED", "ERROR",
                          "ABORTED", "HELD", "SUSPENDED", "ARCHIVED" };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      VoUwsPhase p = vo_uws_phase_from_string (names[i]);
      g_assert_cmpint (p, !=, VO_UWS_PHASE_UNKNOWN);
      g_assert_cmpstr (vo_uws_phase_to_string (p), ==, names[i]);
    }
  g_assert_cmpint (vo_uws_phase_from_string ("completed\n"), ==, VO_UWS_PHASE_COMPLETED);
  g_assert_cmpint (vo_uws_phase_from_string ("RUN"), ==, VO_UWS_PHASE_UNKNOWN);
  g_assert_cmpint (vo_uws_phase_from_string (NULL), ==, VO_UWS_PHASE_UNKNOWN);

  g_assert_true (vo_uws_phase_is_final (VO_UWS_PHASE_COMPLETED));
  g_assert_true (vo_uws_phase_is_final (VO_UWS_PHASE_ERROR));
  g_assert_true (vo_uws_phase_is_final (VO_UWS_PHASE_ABORTED));
  g_assert_true (vo_uws_phase_is_final (VO_UWS_PHASE_ARCHIVED));
  g_assert_false (vo_uws_phase_is_final (VO_UWS_PHASE_PENDING));
  g_assert_false (vo_uws_phase_is_final (VO_UWS_PHASE_EXECUTING));
  g_assert_true (vo_uws_phase_is_active (VO_UWS_PHASE_QUEUED));
  g_assert_true (vo_uws_phase_is_active (VO_UWS_PHASE_EXECUTING));
  g_assert_false (vo_uws_phase_is_active (VO_UWS_PHASE_PENDING));
  g_assert_false (vo_uws_phase_is_active (VO_UWS_PHASE_HELD));
  g_assert_false (vo_uws_phase_is_active (VO_UWS_PHASE_COMPLETED));
}

static void
test_job_list (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "uws-jobs.xml", NULL);
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_autoptr (GPtrArray) list = vo_uws_job_list_parse (data, len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  VoUwsJobRef *a = list->pdata[0], *b = list->pdata[1], *c = list->pdata[2];
  g_assert_cmpstr (a->job_id, ==, "j1");
  g_assert_null (a->href);
  g_assert_cmpint (a->phase, ==, VO_UWS_PHASE_COMPLETED);
  g_assert_cmpstr (a->run_id, ==, "first");
  g_assert_cmpstr (a->owner_id, ==, "user1");
  g_assert_cmpstr (a->creation_time, ==, "2030-05-01T10:00:00.000Z");
  g_assert_cmpstr (b->href, ==, "https://example.cadc.test/argus/async/j2");
  g_assert_cmpint (b->phase, ==, VO_UWS_PHASE_EXECUTING);
  g_assert_null (b->run_id);
  g_assert_cmpint (c->phase, ==, VO_UWS_PHASE_ABORTED);

  const char empty[] = "<uws:jobs xmlns:uws='http://www.ivoa.net/xml/UWS/v1.0'/>";
  g_autoptr (GPtrArray) none = vo_uws_job_list_parse (empty, strlen (empty), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
  const char noid[] = "<jobs><jobref><phase>PENDING</phase></jobref></jobs>";
  g_assert_null (vo_uws_job_list_parse (noid, strlen (noid), &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_PARSE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/uws/job/completed", test_completed);
  g_test_add_func ("/uws/job/relative-result", test_relative);
  g_test_add_func ("/uws/job/error", test_error_job);
  g_test_add_func ("/uws/job/bad", test_bad);
  g_test_add_func ("/uws/phases", test_phases);
  g_test_add_func ("/uws/job-list", test_job_list);
  return g_test_run ();
}

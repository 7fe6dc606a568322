/* cadc-client-uws.c: TAP async jobs (UWS) of a CadcClient.
 *
 * Create (POST {tap}/async with the query fields of a sync query; the
 * 303 Location is the job, not followed), PHASE=RUN and ABORT, polling
 * with WAIT until a final phase (servers that ignore WAIT are polled at
 * most twice a second), the result fetched through the same CadcStream as
 * a sync query, DELETE, and the job list.  A job given as a URL on our
 * TAP service gets the TAP capabilities' credential choice.
 */
#include "config.h"

#include "cadc-client-private.h"

#include <string.h>

#include "vo-error.h"

char *
cadc_client_job_url (CadcClient *c, const char *id_or_url, GError **error)
{
  g_autofree char *tap = NULL;

  if (strstr (id_or_url, "://") != NULL)
    {
      /* a job of our TAP service: its capabilities decide the credentials */
      if (c->tap != NULL)
        cadc_client_ensure_tap_security (c);
      return vo_url_normalize (id_or_url);
    }
  tap = cadc_client_get_tap_url (c, error);
  if (tap == NULL)
    return NULL;
  return g_strconcat (tap, "/async/", id_or_url, NULL);
}

static gboolean
post_phase (CadcClient *c, const char *job_url, const char *phase, GError **error)
{
  g_autofree char *url = g_strconcat (job_url, "/phase", NULL);
  VoHttpRequest *req = vo_http_request_new (VO_HTTP_POST, url);
  g_autoptr(VoHttpResponse) resp = NULL;

  vo_http_request_add_field (req, "PHASE", phase);
  vo_http_request_set_max_body (req, VO_LIMIT_UWS_JOB, "a UWS job document");
  resp = vo_http_send (c->http, req, NULL, error);
  return resp != NULL;
}

char *
cadc_client_job_create (CadcClient *c, const char *adql, const CadcQueryOptions *o,
                        gboolean run, GError **error)
{
  g_autofree char *tap = cadc_client_get_tap_url (c, error);
  g_autofree char *url = NULL;
  g_autofree char *job_url = NULL;
  g_autoptr(VoHttpResponse) resp = NULL;
  VoHttpRequest *req;
  GPtrArray *temps;

  if (tap == NULL)
    return NULL;
  url = g_strconcat (tap, "/async", NULL);
  req = vo_http_request_new (VO_HTTP_POST, url);
  temps = g_ptr_array_new_with_free_func (g_free);
  if (!cadc_client_add_query_fields (req, adql, o, temps, error))
    {
      cadc_client_unlink_temps (temps);
      vo_http_request_free (req);
      return NULL;
    }
  vo_http_request_set_follow (req, FALSE);
  vo_http_request_set_retry (req, FALSE);
  resp = vo_http_send (c->http, req, NULL, error);
  cadc_client_unlink_temps (temps);
  if (resp == NULL)
    return NULL;
  if (vo_http_response_get_location (resp) == NULL)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_FAILED,
                   "POST %s: HTTP %u without a job Location", url,
                   vo_http_response_get_status (resp));
      return NULL;
    }
  job_url = vo_url_normalize (vo_http_response_get_location (resp));
  if (run && !post_phase (c, job_url, "RUN", error))
    return NULL;
  return g_steal_pointer (&job_url);
}

VoUwsJob *
cadc_client_job_get (CadcClient *c, const char *job_url, gboolean wait, guint timeout,
                     GError **error)
{
  gint64 deadline = timeout > 0 ? g_get_monotonic_time () + (gint64) timeout * G_USEC_PER_SEC : 0;

  for (;;)
    {
      VoHttpRequest *req = vo_http_request_new (VO_HTTP_GET, job_url);
      g_autoptr(VoHttpResponse) resp = NULL;
      VoUwsJob *job;
      gsize n;
      const char *d;

      if (wait)
        vo_http_request_add_field (req, "WAIT", "30");
      vo_http_request_set_max_body (req, VO_LIMIT_UWS_JOB, "a UWS job document");
      resp = vo_http_send (c->http, req, NULL, error);
      if (resp == NULL)
        return NULL;
      d = g_bytes_get_data (vo_http_response_get_body (resp), &n);
      job = vo_uws_job_parse (d, n, error);
      if (job == NULL)
        return NULL;
      if (!wait || vo_uws_phase_is_final (job->phase) || !vo_uws_phase_is_active (job->phase))
        return job;
      if (deadline > 0 && g_get_monotonic_time () > deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "job %s still %s after %u s", job_url, job->phase_text, timeout);
          vo_uws_job_free (job);
          return NULL;
        }
      vo_uws_job_free (job);
      /* servers that ignore WAIT answer at once: do not spin */
      g_usleep (G_USEC_PER_SEC / 2);
    }
}

gboolean
cadc_client_job_abort (CadcClient *c, const char *job_url, GError **error)
{
  return post_phase (c, job_url, "ABORT", error);
}

gboolean
cadc_client_job_delete (CadcClient *c, const char *job_url, GError **error)
{
  g_autoptr(VoHttpResponse) resp =
    vo_http_send (c->http, vo_http_request_new (VO_HTTP_DELETE, job_url), NULL, error);

  return resp != NULL;
}

CadcQueryResult *
cadc_client_job_fetch (CadcClient *c, const char *job_url, VoFormat format,
                       GOutputStream *out, GError **error)
{
  g_autoptr(VoUwsJob) job = cadc_client_job_get (c, job_url, FALSE, 0, error);
  const VoUwsResult *res;
  g_autofree char *href = NULL;
  VoHttpRequest *req;
  g_autoptr(VoHttpResponse) resp = NULL;
  CadcStream *s;
  CadcQueryResult *r;

  if (job == NULL)
    return NULL;
  if (job->phase == VO_UWS_PHASE_ERROR || job->phase == VO_UWS_PHASE_ABORTED)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_JOB_ABORTED, "job %s is %s%s%s", job->job_id,
                   job->phase_text, job->error_message ? ": " : "",
                   job->error_message ? job->error_message : "");
      return NULL;
    }
  if (job->phase != VO_UWS_PHASE_COMPLETED)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "job %s is %s, not COMPLETED",
                   job->job_id, job->phase_text);
      return NULL;
    }
  res = vo_uws_job_get_result (job);
  if (res == NULL)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND, "job %s has no result", job->job_id);
      return NULL;
    }
  href = vo_uws_resolve_href (job_url, res->href, error);
  if (href == NULL)
    return NULL;
  req = vo_http_request_new (VO_HTTP_GET, href);
  s = cadc_stream_new (out, format);
  vo_http_request_set_sink (req, cadc_stream_sink, s);
  resp = vo_http_send (c->http, req, NULL, error);
  r = resp != NULL ? cadc_stream_finish (s, error) : NULL;
  cadc_stream_free (s);
  return r;
}

GPtrArray *
cadc_client_job_list (CadcClient *c, const char *const *phases, gint last, const char *after,
                      GError **error)
{
  g_autofree char *tap = cadc_client_get_tap_url (c, error);
  g_autofree char *url = NULL;
  VoHttpRequest *req;
  g_autoptr(VoHttpResponse) resp = NULL;
  gsize n;
  const char *d;

  if (tap == NULL)
    return NULL;
  url = g_strconcat (tap, "/async", NULL);
  req = vo_http_request_new (VO_HTTP_GET, url);
  for (guint i = 0; phases != NULL && phases[i] != NULL; i++)
    vo_http_request_add_field (req, "PHASE", phases[i]);
  if (last > 0)
    {
      g_autofree char *l = g_strdup_printf ("%d", last);
      vo_http_request_add_field (req, "LAST", l);
    }
  if (after != NULL)
    vo_http_request_add_field (req, "AFTER", after);
  vo_http_request_set_max_body (req, VO_LIMIT_UWS_JOB_LIST, "the UWS job list");
  resp = vo_http_send (c->http, req, NULL, error);
  if (resp == NULL)
    return NULL;
  d = g_bytes_get_data (vo_http_response_get_body (resp), &n);
  return vo_uws_job_list_parse (d, n, error);
}

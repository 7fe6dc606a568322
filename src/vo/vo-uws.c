/* vo-uws.c: UWS 1.1 job and job-list parsing (tree walk over vo-xmlutil).
 *
 * Element names are matched without namespace; unknown elements are
 * ignored, missing optional ones are NULL.  A job without jobId or phase is
 * a parse error, since nothing sensible can be done with it.
 */
#include "config.h"

#include "vo-uws.h"
#include "vo-error.h"
#include "vo-xmlutil.h"

#include <string.h>

static const char *const phase_names[] = {
  "UNKNOWN", "PENDING", "QUEUED", "EXECUTING", "COMPLETED", "ERROR",
  "ABORTED", "HELD", "SUSPENDED", "ARCHIVED",
};

VoUwsPhase
vo_uws_phase_from_string (const char *text)
{
  if (text == NULL)
    return VO_UWS_PHASE_UNKNOWN;
  g_autofree char *s = g_strstrip (g_strdup (text));
  for (gsize i = 0; i < G_N_ELEMENTS (phase_names); i++)
    if (g_ascii_strcasecmp (s, phase_names[i]) == 0)
      return (VoUwsPhase) i;
  return VO_UWS_PHASE_UNKNOWN;
}

const char *
vo_uws_phase_to_string (VoUwsPhase phase)
{
  if ((gsize) phase >= G_N_ELEMENTS (phase_names))
    return "UNKNOWN";
  return phase_names[phase];
}

gboolean
vo_uws_phase_is_final (VoUwsPhase phase)
{
  return phase == VO_UWS_PHASE_COMPLETED || phase == VO_UWS_PHASE_ERROR
         || phase == VO_UWS_PHASE_ABORTED || phase == VO_UWS_PHASE_ARCHIVED;
}

gboolean
vo_uws_phase_is_active (VoUwsPhase phase)
{
  return phase == VO_UWS_PHASE_QUEUED || phase == VO_UWS_PHASE_EXECUTING;
}

static void
result_free (VoUwsResult *r)
{
  g_free (r->id);
  g_free (r->href);
  g_free (r);
}

static void
parameter_free (VoUwsParameter *p)
{
  g_free (p->id);
  g_free (p->value);
  g_free (p);
}

void
vo_uws_job_free (VoUwsJob *job)
{
  if (job == NULL)
    return;
  g_free (job->job_id);
  g_free (job->run_id);
  g_free (job->owner_id);
  g_free (job->phase_text);
  g_free (job->quote);
  g_free (job->creation_time);
  g_free (job->start_time);
  g_free (job->end_time);
  g_free (job->destruction);
  g_clear_pointer (&job->parameters, g_ptr_array_unref);
  g_clear_pointer (&job->results, g_ptr_array_unref);
  g_free (job->error_message);
  g_free (job->error_type);
  g_free (job);
}

static char *
href_of (const xmlNode *node)
{
  xmlChar *v = xmlGetNsProp (node, (const xmlChar *) "href",
                             (const xmlChar *) "http://www.w3.org/1999/xlink");
  if (v == NULL)
    return vo_xmlutil_attr (node, "href");
  char *s = g_strstrip (g_strdup ((const char *) v));
  xmlFree (v);
  return s;
}

VoUwsJob *
vo_uws_job_parse (const char *data, gsize len, GError **error)
{
  g_autoptr (VoXmlDoc) doc = vo_xmlutil_read (data, len, "UWS job document", error);
  if (doc == NULL)
    return NULL;
  xmlNode *root = xmlDocGetRootElement (doc);
  if (!vo_xmlutil_is (root, "job"))
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                   "Not a UWS job document (root element <%s>)",
                   (const char *) root->name);
      return NULL;
    }

  g_autoptr (VoUwsJob) job = g_new0 (VoUwsJob, 1);
  job->parameters = g_ptr_array_new_with_free_func ((GDestroyNotify) parameter_free);
  job->results = g_ptr_array_new_with_free_func ((GDestroyNotify) result_free);
  job->job_id = vo_xmlutil_child_text (root, "jobId");
  job->run_id = vo_xmlutil_child_text (root, "runId");
  job->owner_id = vo_xmlutil_child_text (root, "ownerId");
  job->phase_text = vo_xmlutil_child_text (root, "phase");
  job->quote = vo_xmlutil_child_text (root, "quote");
  job->creation_time = vo_xmlutil_child_text (root, "creationTime");
  job->start_time = vo_xmlutil_child_text (root, "startTime");
  job->end_time = vo_xmlutil_child_text (root, "endTime");
  job->destruction = vo_xmlutil_child_text (root, "destruction");

  if (job->job_id == NULL || job->phase_text == NULL)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                   "UWS job document without %s",
                   job->job_id == NULL ? "jobId" : "phase");
      return NULL;
    }
  job->phase = vo_uws_phase_from_string (job->phase_text);

  job->execution_duration = -1;
  g_autofree char *dur = vo_xmlutil_child_text (root, "executionDuration");
  if (dur != NULL)
    {
      guint64 v;
      if (!g_ascii_string_to_unsigned (dur, 10, 0, G_MAXINT64, &v, NULL))
        {
          g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                       "UWS job %s: bad executionDuration '%s'",
                       job->job_id, dur);
          return NULL;
        }
      job->execution_duration = (gint64) v;
    }

  xmlNode *params = vo_xmlutil_child (root, "parameters");
  for (xmlNode *p = vo_xmlutil_child (params, "parameter"); p;
       p = vo_xmlutil_next (p, "parameter"))
    {
      VoUwsParameter *par = g_new0 (VoUwsParameter, 1);
      par->id = vo_xmlutil_attr (p, "id");
      par->value = vo_xmlutil_text (p, FALSE);
      g_autofree char *byref = vo_xmlutil_attr (p, "byReference");
      par->by_reference = g_strcmp0 (byref, "true") == 0;
      if (par->id == NULL)
        {
          parameter_free (par);
          continue;
        }
      g_ptr_array_add (job->parameters, par);
    }

  xmlNode *results = vo_xmlutil_child (root, "results");
  for (xmlNode *r = vo_xmlutil_child (results, "result"); r;
       r = vo_xmlutil_next (r, "result"))
    {
      VoUwsResult *res = g_new0 (VoUwsResult, 1);
      res->id = vo_xmlutil_attr (r, "id");
      res->href = href_of (r);
      g_ptr_array_add (job->results, res);
    }

  xmlNode *summary = vo_xmlutil_child (root, "errorSummary");
  if (summary != NULL)
    {
      job->error_type = vo_xmlutil_attr (summary, "type");
      job->error_message = vo_xmlutil_child_text (summary, "message");
    }
  return g_steal_pointer (&job);
}

const char *
vo_uws_job_get_parameter (const VoUwsJob *job, const char *id)
{
  g_return_val_if_fail (job != NULL && id != NULL, NULL);
  for (guint i = 0; i < job->parameters->len; i++)
    {
      const VoUwsParameter *p = job->parameters->pdata[i];
      if (g_ascii_strcasecmp (p->id, id) == 0)
        return p->value;
    }
  return NULL;
}

/* http(s) URL, or a relative reference (no scheme at all). */
static gboolean
href_is_fetchable (const char *href)
{
  if (href == NULL || *href == '\0')
    return FALSE;
  if (g_str_has_prefix (href, "http://") || g_str_has_prefix (href, "https://"))
    return TRUE;
  const char *scheme = g_uri_peek_scheme (href);
  return scheme == NULL;
}

const VoUwsResult *
vo_uws_job_get_result (const VoUwsJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);
  for (guint i = 0; i < job->results->len; i++)
    {
      const VoUwsResult *r = job->results->pdata[i];
      if (g_strcmp0 (r->id, "result") == 0 && href_is_fetchable (r->href))
        return r;
    }
  for (guint i = 0; i < job->results->len; i++)
    {
      const VoUwsResult *r = job->results->pdata[i];
      if (g_strcmp0 (r->id, "diag") != 0 && g_strcmp0 (r->id, "rowcount") != 0
          && href_is_fetchable (r->href))
        return r;
    }
  return NULL;
}

char *
vo_uws_resolve_href (const char *job_url, const char *href, GError **error)
{
  g_return_val_if_fail (job_url != NULL && href != NULL, NULL);

  g_autoptr (GError) local = NULL;
  char *out = g_uri_resolve_relative (job_url, href, G_URI_FLAGS_ENCODED, &local);
  if (out == NULL)
    g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                 "Cannot resolve result reference '%s' against '%s': %s",
                 href, job_url, local->message);
  return out;
}

static void
jobref_free (VoUwsJobRef *ref)
{
  g_free (ref->job_id);
  g_free (ref->href);
  g_free (ref->run_id);
  g_free (ref->owner_id);
  g_free (ref->creation_time);
  g_free (ref);
}

GPtrArray *
vo_uws_job_list_parse (const char *data, gsize len, GError **error)
{
  g_autoptr (VoXmlDoc) doc = vo_xmlutil_read (data, len, "UWS job list", error);
  if (doc == NULL)
    return NULL;
  xmlNode *root = xmlDocGetRootElement (doc);
  if (!vo_xmlutil_is (root, "jobs"))
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                   "Not a UWS job list (root element <%s>)",
                   (const char *) root->name);
      return NULL;
    }
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) jobref_free);
  for (xmlNode *j = vo_xmlutil_child (root, "jobref"); j;
       j = vo_xmlutil_next (j, "jobref"))
    {
      VoUwsJobRef *ref = g_new0 (VoUwsJobRef, 1);
      ref->job_id = vo_xmlutil_attr (j, "id");
      ref->href = href_of (j);
      g_autofree char *phase = vo_xmlutil_child_text (j, "phase");
      ref->phase = vo_uws_phase_from_string (phase);
      ref->run_id = vo_xmlutil_child_text (j, "runId");
      ref->owner_id = vo_xmlutil_child_text (j, "ownerId");
      ref->creation_time = vo_xmlutil_child_text (j, "creationTime");
      if (ref->job_id == NULL)
        {
          g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                       "UWS job list: jobref without id");
          jobref_free (ref);
          g_ptr_array_unref (list);
          return NULL;
        }
      g_ptr_array_add (list, ref);
    }
  return list;
}

/* vo-uws.h: UWS 1.1 job documents and job lists (async TAP, SODA async).
 *
 * Parsing only; the HTTP exchanges live with the caller.  Results are kept
 * with their ids so the caller can choose id="result" (CADC also lists
 * id="diag" and id="rowcount" entries whose hrefs are not URLs).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  VO_UWS_PHASE_UNKNOWN = 0,
  VO_UWS_PHASE_PENDING,
  VO_UWS_PHASE_QUEUED,
  VO_UWS_PHASE_EXECUTING,
  VO_UWS_PHASE_COMPLETED,
  VO_UWS_PHASE_ERROR,
  VO_UWS_PHASE_ABORTED,
  VO_UWS_PHASE_HELD,
  VO_UWS_PHASE_SUSPENDED,
  VO_UWS_PHASE_ARCHIVED,
} VoUwsPhase;

/* "COMPLETED" -> VO_UWS_PHASE_COMPLETED (case-insensitive, stripped);
 * anything unrecognised -> VO_UWS_PHASE_UNKNOWN. */
VoUwsPhase vo_uws_phase_from_string (const char *text);
/* Upper-case name; (transfer none). */
const char *vo_uws_phase_to_string (VoUwsPhase phase);
/* COMPLETED, ERROR, ABORTED, ARCHIVED: the job will not change any more. */
gboolean vo_uws_phase_is_final (VoUwsPhase phase);
/* QUEUED, EXECUTING: the server is working on it (worth waiting for). */
gboolean vo_uws_phase_is_active (VoUwsPhase phase);

typedef struct {
  char *id;
  char *href;          /* as written (may be relative or not a URL) */
} VoUwsResult;

typedef struct {
  char *id;
  char *value;
  gboolean by_reference;
} VoUwsParameter;

typedef struct {
  char       *job_id;
  char       *run_id;             /* nullable (xsi:nil) */
  char       *owner_id;           /* nullable */
  VoUwsPhase  phase;
  char       *phase_text;         /* as written */
  char       *quote;              /* ISO 8601 text, nullable */
  char       *creation_time;
  char       *start_time;
  char       *end_time;
  gint64      execution_duration; /* seconds; -1 when absent */
  char       *destruction;
  GPtrArray  *parameters;         /* VoUwsParameter* */
  GPtrArray  *results;            /* VoUwsResult* */
  char       *error_message;      /* errorSummary/message, nullable */
  char       *error_type;         /* "fatal"/"transient", nullable */
} VoUwsJob;

/* Parses a <uws:job> document.  Errors: VO_ERROR_PARSE.
 * Returns: (transfer full) (nullable). */
VoUwsJob *vo_uws_job_parse (const char *data, gsize len, GError **error);
void vo_uws_job_free (VoUwsJob *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoUwsJob, vo_uws_job_free)

/* Value of parameter @id (case-insensitive), or NULL. (transfer none) */
const char *vo_uws_job_get_parameter (const VoUwsJob *job, const char *id);

/* The main result: id="result"; else the first result whose href is an
 * http(s) URL or a relative reference (never "final:3" or "query:..");
 * else NULL.  (transfer none) */
const VoUwsResult *vo_uws_job_get_result (const VoUwsJob *job);

/* Resolves @href against @job_url (RFC 3986, via GUri); absolute hrefs
 * pass through.  Errors: VO_ERROR_PARSE.  Returns: (transfer full). */
char *vo_uws_resolve_href (const char *job_url, const char *href,
                           GError **error);

typedef struct {
  char       *job_id;
  char       *href;            /* xlink:href, nullable (CADC writes none) */
  VoUwsPhase  phase;
  char       *run_id;
  char       *owner_id;
  char       *creation_time;
} VoUwsJobRef;

/* Parses a <uws:jobs> list.  Returns: (transfer full) (element-type
 * VoUwsJobRef) (nullable). */
GPtrArray *vo_uws_job_list_parse (const char *data, gsize len, GError **error);

G_END_DECLS

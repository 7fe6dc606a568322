/* fuzz-uws.c: UWS job documents (vo_uws_job_parse) and job lists
 * (vo_uws_job_list_parse), plus the result lookup and href resolution the
 * async TAP client does with a parsed job. */
#include "fuzz-common.h"
#include "vo-uws.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init_once ();
  const char *doc = (const char *) data;

  g_autoptr (GError) error = NULL;
  VoUwsJob *job = vo_uws_job_parse (doc, size, &error);
  fuzz_check_result (job != NULL, error);
  if (job != NULL)
    {
      vo_uws_job_get_parameter (job, "QUERY");
      const VoUwsResult *res = vo_uws_job_get_result (job);
      if (res != NULL && res->href != NULL)
        {
          g_autoptr (GError) rerr = NULL;
          g_autofree char *url =
            vo_uws_resolve_href ("https://example.org/tap/async/abc", res->href, &rerr);
          fuzz_check_result (url != NULL, rerr);
        }
      vo_uws_job_free (job);
    }

  g_autoptr (GError) error2 = NULL;
  GPtrArray *list = vo_uws_job_list_parse (doc, size, &error2);
  fuzz_check_result (list != NULL, error2);
  if (list != NULL)
    g_ptr_array_unref (list);
  return 0;
}

/* fuzz-xmlrpc.c: XML-RPC documents from SAMP peers: methodCall in lenient
 * (client) and strict (hub) modes, and methodResponse.  Parsed values are
 * checked as SAMP values and re-serialized, as the hub forwards them. */
#include "fuzz-common.h"
#include "samp-xmlrpc.h"
#include "samp-value.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init_once ();
  const char *doc = (const char *) data;

  for (int strict = 0; strict <= 1; strict++)
    {
      char *method = NULL;
      GVariant *args = NULL;
      g_autoptr (GError) error = NULL;
      gboolean ok = samp_xmlrpc_parse_call_full (doc, size,
                                                 strict ? SAMP_XMLRPC_STRICT : SAMP_XMLRPC_LENIENT,
                                                 &method, &args, &error);
      fuzz_check_result (ok, error);
      if (ok)
        {
          if (method == NULL || args == NULL)
            abort ();
          g_autoptr (GError) verr = NULL;
          samp_value_check (args, &verr);
          g_autofree char *json = samp_value_to_json (args);
          g_autoptr (GError) serr = NULL;
          GBytes *again = samp_xmlrpc_serialize_call (method, args, &serr);
          fuzz_check_result (again != NULL, serr);
          if (again != NULL)
            g_bytes_unref (again);
          g_free (method);
          g_variant_unref (args);
        }
    }

  g_autoptr (GError) error = NULL;
  GVariant *value = samp_xmlrpc_parse_response (doc, size, &error);
  fuzz_check_result (value != NULL, error);
  if (value != NULL)
    {
      g_autoptr (GError) rerr = NULL;
      samp_response_check (value, &rerr);
      g_autofree char *json = samp_value_to_json (value);
      g_autoptr (GError) serr = NULL;
      GBytes *again = samp_xmlrpc_serialize_response (value, &serr);
      fuzz_check_result (again != NULL, serr);
      if (again != NULL)
        g_bytes_unref (again);
      g_variant_unref (value);
    }
  return 0;
}

/* fuzz-xmlrpc.c: XML-RPC documents from SAMP peers: methodCall in lenient
 * (client) and strict (hub) modes, and methodResponse.  Parsed values are
 * checked as SAMP values and re-serialized, as the hub forwards them.
 *
 * Differential check of samp-xmlrpc-fast (the byte-level reader that
 * takes documents before libxml2 does):
 *  - whenever it reads a document to its end, libxml2's pass
 *    (samp_xmlguard_parse) must accept the document too and hand the same
 *    sequence of elements and the same text (adjacent text pieces joined)
 *    to a recording sink;
 *  - every entry point (call lenient, call strict, response) must give
 *    the same outcome with and without the fast reader
 *    (SAMP_XMLRPC_NO_FAST): both succeed with equal method names and
 *    g_variant_equal values of the same type, or both fail with the same
 *    error domain, code and message ("same" for errors is all three: the
 *    fast reader never makes an error of its own, it declines and libxml2
 *    runs, and when it does read a document the reader's error comes from
 *    the same events).
 * Any difference aborts. */
#include <string.h>

#include "fuzz-common.h"
#include "samp-xmlrpc.h"
#include "samp-xmlrpc-fast.h"
#include "samp-value.h"

static char *
rec_start (gpointer data, const char *name)
{
  g_string_append_printf (data, "\x01<%s>", name);
  return NULL;
}

static char *
rec_end (gpointer data)
{
  g_string_append (data, "\x01</>");
  return NULL;
}

static char *
rec_text (gpointer data, const char *text, gsize len)
{
  g_string_append_len (data, text, (gssize) len);
  return NULL;
}

static const SampXmlSink recorder = { rec_start, rec_end, rec_text };

static void
same_error (const GError *a, const GError *b)
{
  if ((a == NULL) != (b == NULL))
    abort ();
  if (a != NULL && (a->domain != b->domain || a->code != b->code
                    || strcmp (a->message, b->message) != 0))
    abort ();
}

static void
same_value (GVariant *a, GVariant *b)
{
  if ((a == NULL) != (b == NULL))
    abort ();
  if (a != NULL && (!g_variant_equal (a, b)
                    || strcmp (g_variant_get_type_string (a), g_variant_get_type_string (b)) != 0))
    abort ();
}

static void
differential (const char *doc, size_t size)
{
  g_autoptr (GString) fast = g_string_new (NULL);
  g_autoptr (GString) slow = g_string_new (NULL);

  if (samp_xmlfast_parse (doc, size, &recorder, fast))
    {
      g_autoptr (GError) error = NULL;
      if (!samp_xmlfast_parse (doc, size, NULL, NULL))
        abort ();
      if (!samp_xmlguard_parse (doc, size, &recorder, slow, &error))
        abort ();
      if (strcmp (fast->str, slow->str) != 0)
        abort ();
    }
  for (int strict = 0; strict <= 1; strict++)
    {
      SampXmlrpcFlags flags = strict ? SAMP_XMLRPC_STRICT : SAMP_XMLRPC_LENIENT;
      g_autofree char *m1 = NULL, *m2 = NULL;
      g_autoptr (GVariant) a1 = NULL, a2 = NULL;
      g_autoptr (GError) e1 = NULL, e2 = NULL;
      gboolean ok1 = samp_xmlrpc_parse_call_full (doc, size, flags, &m1, &a1, &e1);
      gboolean ok2 = samp_xmlrpc_parse_call_full (doc, size, flags | SAMP_XMLRPC_NO_FAST,
                                                  &m2, &a2, &e2);
      if (ok1 != ok2 || g_strcmp0 (m1, m2) != 0)
        abort ();
      same_value (a1, a2);
      same_error (e1, e2);
    }
  {
    g_autoptr (GError) e1 = NULL, e2 = NULL;
    g_autoptr (GVariant) v1 = samp_xmlrpc_parse_response (doc, size, &e1);
    g_autoptr (GVariant) v2 = samp_xmlrpc_parse_response_full (doc, size, SAMP_XMLRPC_NO_FAST, &e2);
    same_value (v1, v2);
    same_error (e1, e2);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init_once ();
  const char *doc = (const char *) data;

  differential (doc, size);
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

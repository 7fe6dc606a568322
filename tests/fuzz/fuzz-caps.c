/* fuzz-caps.c: VOSI capabilities (vo_caps_parse) and the registry's
 * resource-caps text (vo_registry_parse), with the look-ups the client
 * makes on the results. */
#include "fuzz-common.h"
#include "vo-caps.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init_once ();
  const char *doc = (const char *) data;

  g_autoptr (GError) e1 = NULL;
  VoCapabilities *caps = vo_caps_parse (doc, size, &e1);
  fuzz_check_result (caps != NULL, e1);
  if (caps != NULL)
    {
      g_autoptr (GError) derr = NULL;
      g_autofree char *dl = vo_caps_datalink_url (caps, &derr);
      fuzz_check_result (dl != NULL, derr);
      g_autoptr (GError) terr = NULL;
      g_autofree char *tap = vo_caps_access_url (caps, VO_STD_TAP, &terr);
      vo_caps_find (caps, VO_STD_TAP);
      const char *const methods[] = { VO_SECURITY_CERT, VO_SECURITY_COOKIE, NULL };
      const char *chosen = NULL;
      g_autoptr (GError) merr = NULL;
      g_autofree char *auth = vo_caps_access_url_for_methods (caps, VO_STD_TAP, methods,
                                                              &chosen, &merr);
      if (tap != NULL)
        {
          g_auto (GStrv) sec = vo_caps_security_methods_for_url (caps, tap);
          gsize rank = 0;
          g_auto (GStrv) sec2 = vo_caps_security_methods_match (caps, NULL, tap, &rank);
        }
      vo_caps_free (caps);
    }

  g_autoptr (GError) e2 = NULL;
  VoRegistry *reg = vo_registry_parse (doc, size, &e2);
  fuzz_check_result (reg != NULL, e2);
  if (reg != NULL)
    {
      g_autoptr (GError) lerr = NULL;
      g_autofree char *url = vo_registry_lookup (reg, "tap", &lerr);
      vo_registry_free (reg);
    }
  return 0;
}

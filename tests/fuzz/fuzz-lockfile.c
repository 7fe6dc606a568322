/* fuzz-lockfile.c: SAMP lockfile text (samp_lockfile_parse), with explicit
 * length and, when the input has no NUL, as a NUL-terminated string. */
#include "fuzz-common.h"
#include "samp-lockfile.h"
#include <string.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init_once ();
  g_autoptr (GError) error = NULL;
  SampLockfile *lf = samp_lockfile_parse ((const char *) data, size, &error);
  fuzz_check_result (lf != NULL, error);
  if (lf != NULL)
    {
      if (lf->secret == NULL || lf->hub_url == NULL)
        abort ();
      samp_lockfile_free (lf);
    }

  if (memchr (data, 0, size) == NULL)
    {
      g_autofree char *text = g_strndup ((const char *) data, size);
      g_autoptr (GError) e2 = NULL;
      lf = samp_lockfile_parse (text, -1, &e2);
      fuzz_check_result (lf != NULL, e2);
      if (lf != NULL)
        samp_lockfile_free (lf);
    }

  g_autofree char *line = g_strndup ((const char *) data, size);
  g_free (samp_lockfile_url_to_path (line));
  return 0;
}

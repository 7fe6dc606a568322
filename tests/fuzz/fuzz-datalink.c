/* fuzz-datalink.c: DataLink responses (vo_datalink_parse) and the URL list
 * the data-urls command builds from them. */
#include "fuzz-common.h"
#include "vo-datalink.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init_once ();
  g_autoptr (GError) error = NULL;
  VoDatalink *dl = vo_datalink_parse ((const char *) data, size, &error);
  fuzz_check_result (dl != NULL, error);
  if (dl != NULL)
    {
      g_auto (GStrv) a = vo_datalink_dup_data_urls (dl, FALSE);
      g_auto (GStrv) b = vo_datalink_dup_data_urls (dl, TRUE);
      for (guint i = 0; i < dl->services->len; i++)
        vo_service_descriptor_find_param (g_ptr_array_index (dl->services, i), "ID");
      vo_datalink_free (dl);
    }
  return 0;
}

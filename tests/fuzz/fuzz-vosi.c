/* fuzz-vosi.c: VOSI tableset, single table and availability documents. */
#include "fuzz-common.h"
#include "vo-vosi.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init_once ();
  const char *doc = (const char *) data;

  g_autoptr (GError) e1 = NULL;
  VoVosiTableset *ts = vo_vosi_tableset_parse (doc, size, &e1);
  fuzz_check_result (ts != NULL, e1);
  if (ts != NULL)
    {
      g_auto (GStrv) names = vo_vosi_tableset_dup_table_names (ts);
      const VoVosiTable *t = vo_vosi_tableset_find (ts, "ivoa.ObsCore");
      if (t != NULL)
        vo_vosi_table_find_column (t, "obs_id");
      vo_vosi_tableset_free (ts);
    }

  g_autoptr (GError) e2 = NULL;
  VoVosiTable *table = vo_vosi_table_parse (doc, size, &e2);
  fuzz_check_result (table != NULL, e2);
  if (table != NULL)
    {
      vo_vosi_table_find_column (table, "obs_id");
      vo_vosi_table_free (table);
    }

  g_autoptr (GError) e3 = NULL;
  VoVosiAvailability *av = vo_vosi_availability_parse (doc, size, &e3);
  fuzz_check_result (av != NULL, e3);
  if (av != NULL)
    vo_vosi_availability_free (av);
  return 0;
}

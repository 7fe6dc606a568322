/* test-cadc-model.c: which data model a VOSI tableset describes, and the
 * query writer each model gets (cadc-model.h).
 */
#include "config.h"

#include <string.h>

#include "cadc-model.h"
#include "vo-error.h"

static VoVosiTableset *
tableset (const char *schemas)
{
  g_autofree char *doc = g_strdup_printf (
      "<?xml version=\"1.0\"?><vtm:tableset xmlns:vtm=\"http://www.ivoa.net/xml/VOSITables/v1.0\" "
      "xmlns:vs=\"http://www.ivoa.net/xml/VODataService/v1.1\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">%s</vtm:tableset>", schemas);
  GError *error = NULL;
  VoVosiTableset *ts = vo_vosi_tableset_parse (doc, strlen (doc), &error);
  g_assert_no_error (error);
  return ts;
}

#define OBSCORE(columns) \
  "<schema><name>ivoa</name><table><name>ivoa.obscore</name>" columns "</table></schema>"
#define S_REGION(attrs) \
  "<column><name>s_region</name><dataType xsi:type=\"vs:VOTableType\" arraysize=\"*\"" attrs \
  ">char</dataType></column>"

static void
test_from_tables (void)
{
  g_autoptr(GError) error = NULL;
  CadcModel m;
  struct {
    const char *doc;
    CadcModelKind kind;
    gboolean point_only;
  } cases[] = {
    /* CADC: caom2 (and, like DaCHS, ivoa.obscore too) -> CAOM2 */
    { "<schema><name>caom2</name><table><name>caom2.Plane</name></table></schema>"
      OBSCORE (""), CADC_MODEL_CAOM2, FALSE },
    { OBSCORE ("") "<schema><name>tap_schema</name><table><name>caom2.Observation</name>"
      "</table></schema>", CADC_MODEL_CAOM2, FALSE },
    /* no columns listed: s_region taken as a geometry */
    { OBSCORE (""), CADC_MODEL_OBSCORE, FALSE },
    { OBSCORE (S_REGION (" extendedType=\"adql:REGION\"")), CADC_MODEL_OBSCORE, FALSE },
    { OBSCORE (S_REGION (" xtype=\"polygon\"")), CADC_MODEL_OBSCORE, FALSE },
    /* s_region without a geometry type, or missing: s_ra/s_dec */
    { OBSCORE (S_REGION ("")), CADC_MODEL_OBSCORE, TRUE },
    { OBSCORE ("<column><name>s_ra</name></column>"), CADC_MODEL_OBSCORE, TRUE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VoVosiTableset) ts = tableset (cases[i].doc);
      g_assert_true (cadc_model_from_tables (ts, &m, &error));
      g_assert_no_error (error);
      g_assert_cmpint (m.kind, ==, cases[i].kind);
      g_assert_cmpint (m.point_only, ==, cases[i].point_only);
    }
  g_autoptr(VoVosiTableset) none = tableset ("<schema><name>tap_schema</name><table>"
                                             "<name>tap_schema.tables</name></table></schema>");
  g_assert_false (cadc_model_from_tables (none, &m, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "neither a caom2 schema nor ivoa.obscore"));
}

static void
test_parse (void)
{
  g_autoptr(GError) error = NULL;
  CadcModelKind k;

  g_assert_true (cadc_model_parse ("ObsCore", &k, &error));
  g_assert_cmpint (k, ==, CADC_MODEL_OBSCORE);
  g_assert_true (cadc_model_parse ("caom2", &k, &error));
  g_assert_cmpint (k, ==, CADC_MODEL_CAOM2);
  g_assert_true (cadc_model_parse (NULL, &k, &error));
  g_assert_cmpint (k, ==, CADC_MODEL_UNKNOWN);
  g_assert_false (cadc_model_parse ("caom3", &k, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_assert_cmpstr (cadc_model_name (CADC_MODEL_OBSCORE), ==, "obscore");
}

/* The writers: CAOM2 gets FK5 as astroquery; ObsCore ICRS as given. */
static void
test_writers (void)
{
  CadcModel caom = { CADC_MODEL_CAOM2, FALSE };
  CadcModel obs = { CADC_MODEL_OBSCORE, TRUE };
  g_autofree char *c = cadc_model_adql_region (&caom, 131.28125, 54.3, 0.3, "CFHT", "image");
  g_autofree char *o = cadc_model_adql_region (&obs, 131.28125, 54.3, 0.3, "VOTEST", NULL);

  g_assert_nonnull (strstr (c, "from caom2.Observation"));
  g_assert_nonnull (strstr (c, "CIRCLE('ICRS', 131.28125392933424, 54.29999417826928, 0.3)"));
  g_assert_cmpstr (o, ==, "SELECT * FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), "
                   "CIRCLE('ICRS', 131.28125, 54.3, 0.3)) = 1 AND obs_collection='VOTEST'");
  g_assert_nonnull (strstr (cadc_model_adql_collections (&obs), "obs_collection"));
  g_assert_nonnull (strstr (cadc_model_adql_collections (NULL), "caom2.EnumField"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/from-tables", test_from_tables);
  g_test_add_func ("/model/parse", test_parse);
  g_test_add_func ("/model/writers", test_writers);
  return g_test_run ();
}

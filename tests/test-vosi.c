/* test-vosi.c: VOSI tableset, single table and availability documents. */
#include "config.h"

#include <string.h>
#include "vo-vosi.h"
#include "vo-error.h"

static char *
load (const char *name, gsize *len)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  char *data = NULL;
  g_assert_true (g_file_get_contents (path, &data, len, NULL));
  return data;
}

static void
test_tableset_cadc (void)
{
  gsize len;
  g_autofree char *data = load ("vosi-tableset.xml", &len);
  g_autoptr (GError) error = NULL;
  g_autoptr (VoVosiTableset) ts = vo_vosi_tableset_parse (data, len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ts->schemas->len, ==, 3);
  g_auto (GStrv) names = vo_vosi_tableset_dup_table_names (ts);
  g_autofree char *joined = g_strjoinv (",", names);
  g_assert_cmpstr (joined, ==, "caom2.Observation,caom2.Plane,caom2.EnumField,"
                   "ivoa.ObsCore,tap_schema.schemas,tap_schema.tables");
  const VoVosiTable *t = vo_vosi_tableset_find (ts, "caom2.Plane");
  g_assert_nonnull (t);
  g_assert_cmpstr (t->type, ==, "output");
  g_assert_cmpstr (t->description, ==, "the products of the observation");
  g_assert_cmpuint (t->columns->len, ==, 0);
  g_assert_null (vo_vosi_tableset_find (ts, "caom2.plane"));   /* case-sensitive */
  g_assert_null (vo_vosi_tableset_find (ts, "nope"));
  const VoVosiTable *oc = vo_vosi_tableset_find (ts, "ivoa.ObsCore");
  g_assert_cmpstr (oc->title, ==, "ObsCore 1.1");
  const VoVosiSchema *s = ts->schemas->pdata[0];
  g_assert_cmpstr (s->name, ==, "caom2");
  g_assert_cmpstr (s->description, ==, "Common Archive Observation Model");
}

static void
test_tableset_dachs (void)
{
  gsize len;
  g_autofree char *data = load ("vosi-tableset-dachs.xml", &len);
  g_autoptr (GError) error = NULL;
  g_autoptr (VoVosiTableset) ts = vo_vosi_tableset_parse (data, len, &error);
  g_assert_no_error (error);
  const VoVosiTable *t = vo_vosi_tableset_find (ts, "caom2.plane");
  g_assert_nonnull (t);
  g_assert_cmpstr (t->utype, ==, "caom2:Plane");
  g_assert_cmpuint (t->columns->len, ==, 3);
  const VoVosiColumn *pb = vo_vosi_table_find_column (t, "position_bounds");
  g_assert_nonnull (pb);
  g_assert_cmpstr (pb->datatype, ==, "double");
  g_assert_cmpstr (pb->arraysize, ==, "*");
  g_assert_cmpstr (pb->xtype, ==, "polygon");
  g_assert_cmpstr (pb->unit, ==, "deg");
  g_assert_cmpstr (pb->ucd, ==, "pos.outline;obs.field");
  const VoVosiColumn *pid = t->columns->pdata[0];
  g_assert_cmpuint (pid->flags->len, ==, 2);
  g_assert_cmpstr (pid->flags->pdata[1], ==, "nullable");
  const VoVosiColumn *tl = t->columns->pdata[2];
  g_assert_null (tl->arraysize);
  g_assert_null (tl->description);
}

static void
test_single_schema (void)
{
  const char doc[] = "<schema><name>s</name><table><name>s.t</name></table></schema>";
  g_autoptr (GError) error = NULL;
  g_autoptr (VoVosiTableset) ts = vo_vosi_tableset_parse (doc, strlen (doc), &error);
  g_assert_no_error (error);
  g_assert_nonnull (vo_vosi_tableset_find (ts, "s.t"));
}

static void
test_table (void)
{
  gsize len;
  g_autofree char *data = load ("vosi-table.xml", &len);
  g_autoptr (GError) error = NULL;
  g_autoptr (VoVosiTable) t = vo_vosi_table_parse (data, len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (t->name, ==, "caom2.Observation");
  g_assert_cmpstr (t->type, ==, "output");
  g_assert_cmpuint (t->columns->len, ==, 3);
  const VoVosiColumn *uri = t->columns->pdata[0];
  g_assert_cmpstr (uri->name, ==, "observationURI");
  g_assert_cmpstr (uri->utype, ==, "caom2:Observation.uri");
  g_assert_cmpstr (uri->xtype, ==, "uri");            /* from extendedType */
  g_assert_cmpstr (uri->datatype, ==, "char");
  const VoVosiColumn *id = vo_vosi_table_find_column (t, "obsID");
  g_assert_cmpstr (id->arraysize, ==, "36");
  g_assert_cmpstr (id->xtype, ==, "uuid");
  g_assert_cmpuint (id->flags->len, ==, 2);
  const VoVosiColumn *ra = vo_vosi_table_find_column (t, "target_position_cval1");
  g_assert_cmpstr (ra->unit, ==, "deg");
  g_assert_cmpstr (ra->ucd, ==, "pos.eq.ra");
  g_assert_cmpstr (ra->description, ==, "RA of the target");
  g_assert_null (vo_vosi_table_find_column (t, "obsid"));
  g_assert_cmpuint (t->foreign_keys->len, ==, 1);
  const VoVosiForeignKey *fk = t->foreign_keys->pdata[0];
  g_assert_cmpstr (fk->target_table, ==, "caom2.ObservationMember");
  g_assert_cmpstr (fk->from_columns->pdata[0], ==, "obsID");
  g_assert_cmpstr (fk->target_columns->pdata[0], ==, "compositeID");
  g_assert_cmpstr (fk->description, ==, "join to members");
}

static void
test_availability (void)
{
  gsize len;
  g_autofree char *data = load ("vosi-availability.xml", &len);
  g_autoptr (GError) error = NULL;
  g_autoptr (VoVosiAvailability) av = vo_vosi_availability_parse (data, len, &error);
  g_assert_no_error (error);
  g_assert_false (av->available);
  g_assert_cmpstr (av->up_since, ==, "2030-01-01T00:00:00Z");
  g_assert_cmpstr (av->back_at, ==, "2030-01-02T00:00:00Z");
  g_assert_null (av->down_at);
  g_assert_cmpuint (av->notes->len, ==, 2);
  g_assert_cmpstr (av->notes->pdata[1], ==, "database upgrade");

  const char up[] = "<?xml-stylesheet href='x'?><avl:availability xmlns:avl='http://www.ivoa.net/xml/VOSIAvailability/v1.0'><avl:available>true</avl:available></avl:availability>";
  g_autoptr (VoVosiAvailability) av2 = vo_vosi_availability_parse (up, strlen (up), &error);
  g_assert_no_error (error);
  g_assert_true (av2->available);
  g_assert_cmpuint (av2->notes->len, ==, 0);
}

static void
test_bad (void)
{
  struct { const char *doc; int which; } bad[] = {
    { "", 0 }, { "<tableset><schema>", 0 }, { "<capabilities/>", 0 },
    { "<tableset><schema><table><description>x</description></table></schema></tableset>", 0 },
    { "<table><name>t</name><column><unit>deg</unit></column></table>", 1 },
    { "<tableset/>", 1 },
    { "<availability><available>maybe</available></availability>", 2 },
    { "<availability/>", 2 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      gsize len = strlen (bad[i].doc);
      gpointer r;
      if (bad[i].which == 0)
        r = vo_vosi_tableset_parse (bad[i].doc, len, &error);
      else if (bad[i].which == 1)
        r = vo_vosi_table_parse (bad[i].doc, len, &error);
      else
        r = vo_vosi_availability_parse (bad[i].doc, len, &error);
      g_assert_null (r);
      g_assert_error (error, VO_ERROR, VO_ERROR_PARSE);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vosi/tableset/cadc", test_tableset_cadc);
  g_test_add_func ("/vosi/tableset/dachs", test_tableset_dachs);
  g_test_add_func ("/vosi/tableset/single-schema", test_single_schema);
  g_test_add_func ("/vosi/table", test_table);
  g_test_add_func ("/vosi/availability", test_availability);
  g_test_add_func ("/vosi/bad", test_bad);
  return g_test_run ();
}

/* bridge-sky.c: result tables every sky tool can draw (see the header).
 *
 * The whole result is loaded (at most max-rows rows) and written again as
 * TABLEDATA: FIELDs are copied with their metadata, the new columns are
 * computed per row from position_bounds.  A column of the input that is
 * called ra, dec, s_region or datalink (the uploaded positions of a
 * crossmatch) is renamed peer_<name>, and every other ";meta.main"
 * position UCD loses its meta.main, so a tool finds exactly one position.
 * An ObsCore result has its position already (s_ra, s_dec, s_region): it
 * gets no new columns, only its own front columns and meta.main on s_ra
 * and s_dec (DaCHS, for one, writes plain pos.eq.ra).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bridge-sky.h"
#include "bridge-table.h"
#include "vo-region.h"
#include "vo-error.h"
#include "vo-votable.h"
#include "vo-votable-writer.h"

const char *const cs_bridge_sky_front_columns[] = {
  "collection", "observationID", "target_name", "instrument_name", "energy_bandpassName",
  "energy_emBand", "time_bounds_lower", "time_exposure", "calibrationLevel",
  "dataProductType", NULL
};

/* ObsCore's names for the same, then its position and access columns. */
static const char *const obscore_front_columns[] = {
  "obs_collection", "obs_id", "target_name", "instrument_name", "facility_name",
  "dataproduct_type", "t_min", "t_exptime", "calib_level", "em_min", "em_max", "s_ra",
  "s_dec", "s_region", "access_format", "access_url", NULL
};

/* The columns we add, written after the front columns. */
enum { NEW_DATALINK, NEW_RA, NEW_DEC, NEW_SREGION, N_NEW };
static const char *const new_names[N_NEW] = { "datalink", "ra", "dec", "s_region" };

static void
attr (GString *s, const char *name, const char *value)
{
  if (value == NULL)
    return;
  g_string_append_c (s, ' ');
  g_string_append (s, name);
  g_string_append (s, "=\"");
  vo_xml_append_escaped (s, value, TRUE);
  g_string_append_c (s, '"');
}

static void
text_element (GString *s, const char *element, const char *text)
{
  if (text == NULL || *text == '\0')
    return;
  g_string_append_printf (s, "<%s>", element);
  vo_xml_append_escaped (s, text, FALSE);
  g_string_append_printf (s, "</%s>", element);
}

/* A FIELD (or PARAM, with @value) from @f, with @name/@ucd overriding. */
static void
write_field (GString *s, const char *element, const VoField *f, const char *name,
             const char *ucd, const char *value)
{
  g_string_append_printf (s, "<%s", element);
  attr (s, "ID", f->id);
  attr (s, "name", name);
  attr (s, "datatype", f->datatype_str);
  attr (s, "arraysize", f->arraysize);
  attr (s, "xtype", f->xtype);
  attr (s, "unit", f->unit);
  attr (s, "ucd", ucd);
  attr (s, "utype", f->utype);
  attr (s, "ref", f->ref);
  attr (s, "value", value);
  g_string_append_c (s, '>');
  text_element (s, "DESCRIPTION", f->description);
  if (f->null_value)
    {
      g_string_append (s, "<VALUES");
      attr (s, "null", f->null_value);
      g_string_append (s, "/>");
    }
  g_string_append_printf (s, "</%s>\n", element);
}

static void
write_info (GString *s, const VoInfo *info)
{
  g_string_append (s, "<INFO");
  attr (s, "ID", info->id);
  attr (s, "name", info->name);
  attr (s, "value", info->value ? info->value : "");
  g_string_append_c (s, '>');
  vo_xml_append_escaped (s, info->text ? info->text : "", FALSE);
  g_string_append (s, "</INFO>\n");
}

/* Another RESOURCE (a DataLink service descriptor), with its PARAMs,
 * GROUPed as they were. */
static void
write_resource (GString *s, const VoResource *res)
{
  g_string_append (s, "<RESOURCE");
  attr (s, "ID", res->id);
  attr (s, "name", res->name);
  attr (s, "type", res->type);
  attr (s, "utype", res->utype);
  g_string_append (s, ">\n");
  for (guint i = 0; i < res->infos->len; i++)
    write_info (s, res->infos->pdata[i]);
  const char *group = NULL;
  for (guint i = 0; i < res->params->len; i++)
    {
      const VoParam *p = res->params->pdata[i];
      if (g_strcmp0 (p->group, group) != 0)
        {
          if (group)
            g_string_append (s, "</GROUP>\n");
          group = p->group;
          if (group)
            {
              g_string_append (s, "<GROUP");
              attr (s, "name", group);
              g_string_append (s, ">\n");
            }
        }
      write_field (s, "PARAM", &p->field, p->field.name, p->field.ucd,
                   p->value ? p->value : "");
    }
  if (group)
    g_string_append (s, "</GROUP>\n");
  g_string_append (s, "</RESOURCE>\n");
}

/* The DataLink links endpoint of the result's service descriptor and the
 * column its ID parameter refers to. */
static char *
find_datalink (const VoTable *t, int *id_col)
{
  for (guint r = 0; r < vo_table_get_n_resources (t); r++)
    {
      const VoResource *res = vo_table_get_resource (t, r);
      const char *access = NULL, *standard = NULL, *ref = NULL;
      for (guint i = 0; i < res->params->len; i++)
        {
          const VoParam *p = res->params->pdata[i];
          if (g_strcmp0 (p->field.name, "accessURL") == 0)
            access = p->value;
          else if (g_strcmp0 (p->field.name, "standardID") == 0)
            standard = p->value;
          else if (g_strcmp0 (p->field.name, "ID") == 0 && p->field.ref)
            ref = p->field.ref;
        }
      if (access == NULL || ref == NULL || standard == NULL
          || strstr (standard, "DataLink") == NULL)
        continue;
      for (guint c = 0; c < vo_table_get_n_fields (t); c++)
        {
          const VoField *f = vo_table_get_field (t, c);
          if (g_strcmp0 (f->id, ref) == 0 || (f->id == NULL && g_strcmp0 (f->name, ref) == 0))
            {
              *id_col = (int) c;
              return g_strdup (access);
            }
        }
    }
  return NULL;
}

static gboolean
is_new_name (const char *name)
{
  for (guint i = 0; i < N_NEW; i++)
    if (name && g_ascii_strcasecmp (name, new_names[i]) == 0)
      return TRUE;
  return FALSE;
}

/* @ucd without ";meta.main" when it is a position UCD.  (transfer full) */
static char *
demote_ucd (const char *ucd)
{
  if (ucd == NULL)
    return NULL;
  if (!g_str_has_prefix (ucd, "pos.") || strstr (ucd, ";meta.main") == NULL)
    return g_strdup (ucd);
  g_auto(GStrv) parts = g_strsplit (ucd, ";meta.main", -1);
  return g_strjoinv ("", parts);
}

gboolean
cs_bridge_sky_rewrite (const char *in_path, const char *out_path, GError **error)
{
  g_autoptr(VoTable) t = vo_table_load_file (in_path, error);
  if (t == NULL)
    return FALSE;
  int pb = vo_table_find_field (t, "position_bounds");
  /* ObsCore: s_ra/s_dec made the main position; no new columns */
  int s_ra = pb < 0 ? vo_table_find_field (t, "s_ra") : -1;
  int s_dec = pb < 0 ? vo_table_find_field (t, "s_dec") : -1;
  gboolean obscore = s_ra >= 0 && s_dec >= 0;
  if (pb < 0 && !obscore)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
                   "the table has neither position_bounds nor s_ra/s_dec");
      return FALSE;
    }
  const char *const *front = obscore ? obscore_front_columns : cs_bridge_sky_front_columns;
  guint nf = vo_table_get_n_fields (t), nr = vo_table_get_n_rows (t);
  int id_col = -1;
  g_autofree char *dl = obscore ? NULL : find_datalink (t, &id_col);

  /* the output order: front columns, the new ones, the rest (index -1-k
   * stands for new column k) */
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree gboolean *used = g_new0 (gboolean, nf);
  for (guint k = 0; front[k]; k++)
    for (guint c = 0; c < nf; c++)
      if (!used[c]
          && g_ascii_strcasecmp (vo_table_get_field (t, c)->name ? vo_table_get_field (t, c)->name
                                                                 : "",
                                 front[k]) == 0)
        {
          used[c] = TRUE;
          g_array_append_val (order, c);
          break;
        }
  for (int k = dl ? NEW_DATALINK : NEW_RA; !obscore && k < N_NEW; k++)
    {
      int v = -1 - k;
      g_array_append_val (order, v);
    }
  for (guint c = 0; c < nf; c++)
    if (!used[c])
      g_array_append_val (order, c);

  g_autoptr(GString) s = g_string_new (
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\">\n"
    "<RESOURCE type=\"results\">\n");
  const VoResource *results = NULL;
  for (guint r = 0; r < vo_table_get_n_resources (t) && results == NULL; r++)
    if (g_strcmp0 (vo_table_get_resource (t, r)->type, "results") == 0)
      results = vo_table_get_resource (t, r);
  if (results == NULL && vo_table_get_n_resources (t) > 0)
    results = vo_table_get_resource (t, 0);
  for (guint i = 0; results && i < results->infos->len; i++)
    if (!((VoInfo *) results->infos->pdata[i])->after_table)
      write_info (s, results->infos->pdata[i]);
  g_string_append (s, "<COOSYS ID=\"cadc_samp_icrs\" system=\"ICRS\"/>\n"
                      "<TABLE name=\"cadc\">\n");
  for (guint i = 0; i < order->len; i++)
    {
      int c = g_array_index (order, int, i);
      switch (c)
        {
        case -1 - NEW_DATALINK:
          g_string_append (s, "<FIELD name=\"datalink\" datatype=\"char\" arraysize=\"*\" "
                              "ucd=\"meta.ref.url\"><DESCRIPTION>the row's DataLink "
                              "document (data, previews, cutouts)</DESCRIPTION></FIELD>\n");
          break;
        case -1 - NEW_RA:
          g_string_append (s, "<FIELD name=\"ra\" datatype=\"double\" unit=\"deg\" "
                              "ucd=\"pos.eq.ra;meta.main\" ref=\"cadc_samp_icrs\">"
                              "<DESCRIPTION>right ascension of the centre of the footprint "
                              "(ICRS)</DESCRIPTION></FIELD>\n");
          break;
        case -1 - NEW_DEC:
          g_string_append (s, "<FIELD name=\"dec\" datatype=\"double\" unit=\"deg\" "
                              "ucd=\"pos.eq.dec;meta.main\" ref=\"cadc_samp_icrs\">"
                              "<DESCRIPTION>declination of the centre of the footprint "
                              "(ICRS)</DESCRIPTION></FIELD>\n");
          break;
        case -1 - NEW_SREGION:
          g_string_append (s, "<FIELD name=\"s_region\" datatype=\"char\" arraysize=\"*\" "
                              "xtype=\"adql:REGION\" ucd=\"pos.outline;obs.field\">"
                              "<DESCRIPTION>the footprint (position_bounds) as "
                              "STC-S</DESCRIPTION></FIELD>\n");
          break;
        default:
          {
            const VoField *f = vo_table_get_field (t, (guint) c);
            g_autofree char *name = !obscore && is_new_name (f->name)
                                      ? g_strconcat ("peer_", f->name, NULL)
                                      : g_strdup (f->name);
            g_autofree char *ucd = c == s_ra    ? g_strdup ("pos.eq.ra;meta.main")
                                   : c == s_dec ? g_strdup ("pos.eq.dec;meta.main")
                                                : demote_ucd (f->ucd);
            write_field (s, "FIELD", f, name, ucd, NULL);
          }
        }
    }
  g_string_append (s, "<DATA><TABLEDATA>\n");
  for (guint r = 0; r < nr; r++)
    {
      const char *bounds = pb >= 0 ? vo_table_get_string (t, r, (guint) pb) : NULL;
      double ra = NAN, dec = NAN;
      g_autoptr(VoRegion) reg = bounds ? vo_region_parse (bounds) : NULL;
      g_autofree char *stcs = reg ? vo_region_to_stcs (reg) : NULL;
      if (reg)
        vo_region_center (reg, &ra, &dec);
      g_string_append (s, "<TR>");
      for (guint i = 0; i < order->len; i++)
        {
          int c = g_array_index (order, int, i);
          const char *v = NULL;
          g_autofree char *owned = NULL;
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          if (c == -1 - NEW_DATALINK)
            {
              const char *id = id_col >= 0 ? vo_table_get_string (t, r, (guint) id_col) : NULL;
              g_autofree char *q = id && *id ? g_uri_escape_string (id, NULL, FALSE) : NULL;
              v = owned = q ? g_strconcat (dl, strchr (dl, '?') ? "&ID=" : "?ID=", q, NULL) : NULL;
            }
          else if (c == -1 - NEW_RA || c == -1 - NEW_DEC)
            {
              double x = c == -1 - NEW_RA ? ra : dec;
              if (isfinite (x))
                v = g_ascii_formatd (buf, sizeof buf, "%.8f", x);
            }
          else if (c == -1 - NEW_SREGION)
            v = stcs;
          else
            v = vo_table_get_string (t, r, (guint) c);
          if (v == NULL)
            g_string_append (s, "<TD/>");
          else
            {
              g_string_append (s, "<TD>");
              vo_xml_append_escaped (s, v, FALSE);
              g_string_append (s, "</TD>");
            }
        }
      g_string_append (s, "</TR>\n");
    }
  g_string_append (s, "</TABLEDATA></DATA></TABLE>\n");
  for (guint i = 0; results && i < results->infos->len; i++)
    if (((VoInfo *) results->infos->pdata[i])->after_table)
      write_info (s, results->infos->pdata[i]);
  g_string_append (s, "</RESOURCE>\n");
  for (guint r = 0; r < vo_table_get_n_resources (t); r++)
    if (vo_table_get_resource (t, r) != results)
      write_resource (s, vo_table_get_resource (t, r));
  g_string_append (s, "</VOTABLE>\n");
  /* a scratch file renamed over the ".part" by the caller: no fsync */
  return g_file_set_contents_full (out_path, s->str, (gssize) s->len,
                                   G_FILE_SET_CONTENTS_NONE, 0600, error);
}

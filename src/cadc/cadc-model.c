/* cadc-model.c: CAOM2 or ObsCore, from a VOSI tableset, and the query
 * writers per model (cadc-model.h).  No I/O.
 */
#include "config.h"

#include "cadc-model.h"

#include <string.h>

#include "vo-adql.h"
#include "vo-coords.h"
#include "vo-error.h"

gboolean
cadc_model_parse (const char *text, CadcModelKind *kind, GError **error)
{
  if (text == NULL || *text == '\0')
    *kind = CADC_MODEL_UNKNOWN;
  else if (g_ascii_strcasecmp (text, "caom2") == 0)
    *kind = CADC_MODEL_CAOM2;
  else if (g_ascii_strcasecmp (text, "obscore") == 0)
    *kind = CADC_MODEL_OBSCORE;
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "unknown data model '%s' (use caom2 or obscore)", text);
      return FALSE;
    }
  return TRUE;
}

const char *
cadc_model_name (CadcModelKind kind)
{
  switch (kind)
    {
    case CADC_MODEL_CAOM2:
      return "caom2";
    case CADC_MODEL_OBSCORE:
      return "obscore";
    case CADC_MODEL_UNKNOWN:
    default:
      return "unknown";
    }
}

/* A column type that ADQL geometry functions accept. */
static gboolean
is_geometry (const VoVosiColumn *col)
{
  static const char *const xtypes[] = {
    "adql:REGION", "adql:POLYGON", "adql:POINT", "region", "polygon", "circle", "point",
    "shape", "moc", NULL,
  };

  if (col->xtype == NULL)
    return FALSE;
  for (gsize i = 0; xtypes[i] != NULL; i++)
    if (g_ascii_strcasecmp (col->xtype, xtypes[i]) == 0)
      return TRUE;
  return FALSE;
}

gboolean
cadc_model_from_tables (const VoVosiTableset *ts, CadcModel *model, GError **error)
{
  const VoVosiTable *obscore = NULL;

  memset (model, 0, sizeof *model);
  for (guint s = 0; s < ts->schemas->len; s++)
    {
      const VoVosiSchema *sc = ts->schemas->pdata[s];
      if (sc->name != NULL && g_ascii_strcasecmp (sc->name, "caom2") == 0)
        {
          model->kind = CADC_MODEL_CAOM2;
          return TRUE;
        }
      for (guint i = 0; i < sc->tables->len; i++)
        {
          const VoVosiTable *t = sc->tables->pdata[i];
          if (t->name == NULL)
            continue;
          if (g_ascii_strncasecmp (t->name, "caom2.", 6) == 0)
            {
              model->kind = CADC_MODEL_CAOM2;
              return TRUE;
            }
          if (g_ascii_strcasecmp (t->name, "ivoa.obscore") == 0)
            obscore = t;
        }
    }
  if (obscore == NULL)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
                   "the TAP service has neither a caom2 schema nor ivoa.obscore "
                   "(give --model, or use `query`)");
      return FALSE;
    }
  model->kind = CADC_MODEL_OBSCORE;
  if (obscore->columns->len > 0)
    {
      const VoVosiColumn *region = vo_vosi_table_find_column (obscore, "s_region");
      model->point_only = region == NULL || !is_geometry (region);
    }
  return TRUE;
}

static gboolean
is_obscore (const CadcModel *model)
{
  return model != NULL && model->kind == CADC_MODEL_OBSCORE;
}

char *
cadc_model_adql_region (const CadcModel *model, double ra, double dec, double radius,
                        const char *collection, const char *data_product_type)
{
  double fra, fdec;

  if (is_obscore (model))
    return vo_adql_obscore_region (ra, dec, radius, collection, data_product_type,
                                   model->point_only);
  vo_coords_icrs_to_fk5 (ra, dec, &fra, &fdec);
  return vo_adql_query_region (fra, fdec, radius, collection, data_product_type);
}

char *
cadc_model_adql_name (const CadcModel *model, const char *name)
{
  return is_obscore (model) ? vo_adql_obscore_name (name) : vo_adql_query_name (name);
}

const char *
cadc_model_adql_collections (const CadcModel *model)
{
  return is_obscore (model) ? vo_adql_obscore_collections () : vo_adql_collections ();
}

char *
cadc_model_adql_crossmatch (const CadcModel *model, const char *upload_name,
                            const char *ra_column, const char *dec_column, double radius,
                            const char *collection, GError **error)
{
  if (is_obscore (model))
    return vo_adql_obscore_crossmatch (upload_name, ra_column, dec_column, radius, collection,
                                       model->point_only, error);
  return vo_adql_crossmatch (upload_name, ra_column, dec_column, radius, collection, error);
}

char *
cadc_model_adql_footprint (const CadcModel *model, const double *vertices, gsize n_vertices,
                           const char *collection, GError **error)
{
  if (is_obscore (model))
    return vo_adql_obscore_footprint (vertices, n_vertices, collection, model->point_only,
                                      error);
  return vo_adql_footprint (vertices, n_vertices, collection, error);
}

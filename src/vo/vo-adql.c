/* vo-adql.c: building ADQL text.
 *
 * Only string assembly: no parsing, no I/O.  Every string literal goes
 * through vo_adql_quote and every identifier through vo_adql_is_identifier,
 * so no user text can change the shape of a query.  Numbers go through
 * vo_format_double so they match astroquery's Python str(float).
 */
#include "config.h"

#include "vo-adql.h"
#include "vo-coords.h"
#include "vo-error.h"

#include <math.h>
#include <string.h>

char *
vo_adql_quote (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  GString *s = g_string_sized_new (strlen (text) + 2);
  g_string_append_c (s, '\'');
  for (const char *p = text; *p; p++)
    {
      if (*p == '\'')
        g_string_append_c (s, '\'');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '\'');
  return g_string_free (s, FALSE);
}

gboolean
vo_adql_is_identifier (const char *name)
{
  if (name == NULL || !g_ascii_isalpha (name[0]))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

static void
append_equals (GString *s, const char *column, const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  g_autofree char *q = vo_adql_quote (value);
  g_string_append_printf (s, " AND %s=%s", column, q);
}

char *
vo_adql_query_region (double ra_deg, double dec_deg, double radius_deg,
                      const char *collection, const char *data_product_type)
{
  g_autofree char *ra = vo_format_double (ra_deg);
  g_autofree char *dec = vo_format_double (dec_deg);
  g_autofree char *r = vo_format_double (radius_deg);
  GString *s = g_string_new (NULL);

  g_string_append_printf (s,
      "SELECT * from caom2.Observation o join caom2.Plane p ON o.obsID=p.obsID "
      "WHERE INTERSECTS( CIRCLE('ICRS', %s, %s, %s), position_bounds) = 1 "
      "AND (quality_flag IS NULL OR quality_flag != 'junk')", ra, dec, r);
  append_equals (s, "collection", collection);
  append_equals (s, "dataProductType", data_product_type);
  return g_string_free (s, FALSE);
}

char *
vo_adql_query_name (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  g_autofree char *lower = g_utf8_strdown (name, -1);
  g_autofree char *pattern = g_strconcat ("%", lower, "%", NULL);
  g_autofree char *q = vo_adql_quote (pattern);
  return g_strconcat ("select * from caom2.Observation o join caom2.Plane p "
                      "on o.obsID=p.obsID where lower(target_name) like ",
                      q, NULL);
}

const char *
vo_adql_collections (void)
{
  return "select distinct collection, energy_emBand from caom2.EnumField";
}

static const char plane_columns[] =
  "o.collection, o.observationID, o.target_name, o.instrument_name, "
  "p.energy_bandpassName, p.time_bounds_lower, p.productID, "
  "p.publisherID, p.dataProductType, p.calibrationLevel, p.position_bounds";

char *
vo_adql_crossmatch (const char *upload_name, const char *ra_column,
                    const char *dec_column, double radius_deg,
                    const char *collection, GError **error)
{
  const char *names[] = { upload_name, ra_column, dec_column };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (!vo_adql_is_identifier (names[i]))
      {
        g_set_error (error, VO_ERROR, VO_ERROR_QUERY,
                     "'%s' is not a valid ADQL table or column name",
                     names[i] ? names[i] : "(null)");
        return NULL;
      }
  if (!(radius_deg > 0.0 && radius_deg <= 180.0))
    {
      g_set_error (error, VO_ERROR, VO_ERROR_QUERY,
                   "crossmatch radius must be > 0 and <= 180 deg");
      return NULL;
    }

  g_autofree char *r = vo_format_double (radius_deg);
  GString *s = g_string_new (NULL);
  g_string_append_printf (s,
      "SELECT u.*, %s FROM tap_upload.%s AS u "
      "JOIN caom2.Plane AS p ON INTERSECTS(CIRCLE('ICRS', u.%s, u.%s, %s), "
      "p.position_bounds) = 1 "
      "JOIN caom2.Observation AS o ON o.obsID = p.obsID "
      "WHERE (p.quality_flag IS NULL OR p.quality_flag != 'junk')",
      plane_columns, upload_name, ra_column, dec_column, r);
  append_equals (s, "o.collection", collection);
  return g_string_free (s, FALSE);
}

char *
vo_adql_footprint (const double *vertices, gsize n_vertices,
                   const char *collection, GError **error)
{
  if (vertices == NULL || n_vertices < 3)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_QUERY,
                   "a footprint polygon needs at least 3 vertices");
      return NULL;
    }
  GString *s = g_string_new (NULL);
  g_string_append_printf (s,
      "SELECT %s FROM caom2.Observation AS o "
      "JOIN caom2.Plane AS p ON o.obsID = p.obsID "
      "WHERE INTERSECTS(POLYGON('ICRS'", plane_columns);
  for (gsize i = 0; i < 2 * n_vertices; i++)
    {
      double v = vertices[i];
      if (!isfinite (v) || ((i % 2) == 0 ? (v < 0 || v > 360) : (v < -90 || v > 90)))
        {
          g_set_error (error, VO_ERROR, VO_ERROR_QUERY,
                       "footprint vertex %" G_GSIZE_FORMAT " is out of range",
                       i / 2 + 1);
          g_string_free (s, TRUE);
          return NULL;
        }
      g_autofree char *t = vo_format_double (v);
      g_string_append_printf (s, ", %s", t);
    }
  g_string_append (s, "), p.position_bounds) = 1 "
                   "AND (p.quality_flag IS NULL OR p.quality_flag != 'junk')");
  append_equals (s, "o.collection", collection);
  return g_string_free (s, FALSE);
}

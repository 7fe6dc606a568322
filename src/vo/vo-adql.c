/* vo-adql.c: building ADQL text.
 *
 * Only string assembly: no parsing, no I/O.  Every string literal goes
 * through vo_adql_quote and every identifier through vo_adql_is_identifier,
 * so no user text can change the shape of a query.  Numbers go through
 * vo_format_double so they match astroquery's Python str(float).
 *
 * Two data models: CAOM2 (caom2.Observation/Plane, astroquery's bytes) and
 * ObsCore 1.1 (ivoa.obscore, the vo_adql_obscore_* writers).  Which one a
 * service gets is decided above this layer (cadc-model.h).  ObsCore
 * queries use != (DaCHS 2.7 rejects <>) and ICRS coordinates.
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

/* '%name%' in lower case, quoted: a case-insensitive substring LIKE. */
static char *
substring_pattern (const char *name)
{
  g_autofree char *lower = g_utf8_strdown (name, -1);
  g_autofree char *pattern = g_strconcat ("%", lower, "%", NULL);
  return vo_adql_quote (pattern);
}

char *
vo_adql_query_name (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  g_autofree char *q = substring_pattern (name);
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

/* The names a crossmatch builds into its query: ADQL identifiers, and a
 * radius in (0, 180] deg. */
static gboolean
check_crossmatch (const char *upload_name, const char *ra_column, const char *dec_column,
                  double radius_deg, GError **error)
{
  const char *names[] = { upload_name, ra_column, dec_column };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (!vo_adql_is_identifier (names[i]))
      {
        g_set_error (error, VO_ERROR, VO_ERROR_QUERY,
                     "'%s' is not a valid ADQL table or column name",
                     names[i] ? names[i] : "(null)");
        return FALSE;
      }
  if (!(radius_deg > 0.0 && radius_deg <= 180.0))
    {
      g_set_error (error, VO_ERROR, VO_ERROR_QUERY,
                   "crossmatch radius must be > 0 and <= 180 deg");
      return FALSE;
    }
  return TRUE;
}

char *
vo_adql_crossmatch (const char *upload_name, const char *ra_column,
                    const char *dec_column, double radius_deg,
                    const char *collection, GError **error)
{
  if (!check_crossmatch (upload_name, ra_column, dec_column, radius_deg, error))
    return NULL;

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

/* "POLYGON('ICRS', ra1, dec1, ...)" appended to @s, each vertex checked. */
static gboolean
append_polygon (GString *s, const double *vertices, gsize n_vertices, GError **error)
{
  if (vertices == NULL || n_vertices < 3)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_QUERY,
                   "a footprint polygon needs at least 3 vertices");
      return FALSE;
    }
  g_string_append (s, "POLYGON('ICRS'");
  for (gsize i = 0; i < 2 * n_vertices; i++)
    {
      double v = vertices[i];
      if (!isfinite (v) || ((i % 2) == 0 ? (v < 0 || v > 360) : (v < -90 || v > 90)))
        {
          g_set_error (error, VO_ERROR, VO_ERROR_QUERY,
                       "footprint vertex %" G_GSIZE_FORMAT " is out of range",
                       i / 2 + 1);
          return FALSE;
        }
      g_autofree char *t = vo_format_double (v);
      g_string_append_printf (s, ", %s", t);
    }
  g_string_append_c (s, ')');
  return TRUE;
}

char *
vo_adql_footprint (const double *vertices, gsize n_vertices,
                   const char *collection, GError **error)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_string_append_printf (s,
      "SELECT %s FROM caom2.Observation AS o "
      "JOIN caom2.Plane AS p ON o.obsID = p.obsID "
      "WHERE INTERSECTS(", plane_columns);
  if (!append_polygon (s, vertices, n_vertices, error))
    return NULL;
  g_string_append (s, ", p.position_bounds) = 1 "
                   "AND (p.quality_flag IS NULL OR p.quality_flag != 'junk')");
  append_equals (s, "o.collection", collection);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* --- ObsCore 1.1 (ivoa.obscore) --------------------------------------- */

/* What a crossmatch or footprint selects of an ObsCore row besides u.*:
 * the same things plane_columns gives for CAOM2, in ObsCore's names. */
static const char obscore_columns[] =
  "o.obs_collection, o.obs_id, o.target_name, o.instrument_name, "
  "o.dataproduct_type, o.calib_level, o.t_min, o.obs_publisher_did, "
  "o.access_url, o.access_format, o.s_ra, o.s_dec, o.s_region";

/* The position test against @shape (an ADQL CIRCLE or POLYGON): the
 * footprint s_region, or with @point_only the centre (s_ra, s_dec). */
static void
append_obscore_position (GString *s, const char *prefix, const char *shape,
                         gboolean point_only)
{
  if (point_only)
    g_string_append_printf (s, "CONTAINS(POINT('ICRS', %ss_ra, %ss_dec), %s) = 1",
                            prefix, prefix, shape);
  else
    g_string_append_printf (s, "INTERSECTS(%s, %ss_region) = 1", shape, prefix);
}

static char *
circle (const char *ra, const char *dec, double radius_deg)
{
  g_autofree char *r = vo_format_double (radius_deg);
  return g_strdup_printf ("CIRCLE('ICRS', %s, %s, %s)", ra, dec, r);
}

char *
vo_adql_obscore_region (double ra_deg, double dec_deg, double radius_deg,
                        const char *collection, const char *data_product_type,
                        gboolean point_only)
{
  g_autofree char *ra = vo_format_double (ra_deg);
  g_autofree char *dec = vo_format_double (dec_deg);
  g_autofree char *shape = circle (ra, dec, radius_deg);
  GString *s = g_string_new ("SELECT * FROM ivoa.obscore WHERE ");

  append_obscore_position (s, "", shape, point_only);
  append_equals (s, "obs_collection", collection);
  append_equals (s, "dataproduct_type", data_product_type);
  return g_string_free (s, FALSE);
}

char *
vo_adql_obscore_name (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  g_autofree char *q = substring_pattern (name);
  return g_strconcat ("SELECT * FROM ivoa.obscore WHERE lower(target_name) LIKE ", q, NULL);
}

const char *
vo_adql_obscore_collections (void)
{
  return "SELECT obs_collection, em_min, em_max FROM ivoa.obscore "
         "GROUP BY obs_collection, em_min, em_max ORDER BY obs_collection";
}

char *
vo_adql_obscore_crossmatch (const char *upload_name, const char *ra_column,
                            const char *dec_column, double radius_deg,
                            const char *collection, gboolean point_only, GError **error)
{
  if (!check_crossmatch (upload_name, ra_column, dec_column, radius_deg, error))
    return NULL;

  g_autofree char *ra = g_strconcat ("u.", ra_column, NULL);
  g_autofree char *dec = g_strconcat ("u.", dec_column, NULL);
  g_autofree char *shape = circle (ra, dec, radius_deg);
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "SELECT u.*, %s FROM tap_upload.%s AS u "
                          "JOIN ivoa.obscore AS o ON ", obscore_columns, upload_name);
  append_obscore_position (s, "o.", shape, point_only);
  append_equals (s, "o.obs_collection", collection);
  return g_string_free (s, FALSE);
}

char *
vo_adql_obscore_footprint (const double *vertices, gsize n_vertices,
                           const char *collection, gboolean point_only, GError **error)
{
  g_autoptr(GString) shape = g_string_new (NULL);
  GString *s;

  if (!append_polygon (shape, vertices, n_vertices, error))
    return NULL;
  s = g_string_new (NULL);
  g_string_append_printf (s, "SELECT %s FROM ivoa.obscore AS o WHERE ", obscore_columns);
  append_obscore_position (s, "o.", shape->str, point_only);
  append_equals (s, "o.obs_collection", collection);
  return g_string_free (s, FALSE);
}

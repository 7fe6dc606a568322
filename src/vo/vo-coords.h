/* vo-coords.h: sky positions and radii as the CADC client takes them.
 *
 * POSITION text (ICRS) in sexagesimal ("08h45m07.5s +54d18m00s",
 * "08:45:07.5 +54:18:00", "08 45 07.5 +54 18 00") or decimal degrees
 * ("131.28 54.3", "131.28,54.3"); RADIUS text with a unit ("0.3deg",
 * "1arcmin", "5arcsec", "1'", "5\"", bare number = degrees); the fixed
 * ICRS -> FK5 J2000 frame-bias rotation astroquery applies before it builds
 * ADQL; and Python-repr style number formatting for ADQL and SODA URLs.
 * Pure functions: no I/O, no locale dependence.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parses an ICRS position.  On success stores RA in [0, 360) and Dec in
 * [-90, 90], both in degrees.  On error (VO_ERROR_PARSE, message naming
 * the text) the outputs are left unchanged. */
gboolean vo_coords_parse_position (const char *text,
                                   double     *ra_deg,
                                   double     *dec_deg,
                                   GError    **error);

/* Parses a radius with an optional unit (deg, degree(s), d, arcmin, amin,
 * ', arcsec, asec, ", mas); a bare number is degrees.  The radius must be
 * > 0 and <= 180 degrees.  Stores degrees. */
gboolean vo_coords_parse_radius (const char *text,
                                 double     *radius_deg,
                                 GError    **error);

/* Rotates an ICRS direction into FK5 J2000 with the fixed frame-bias matrix
 * (USNO circular 179, as astropy).  RA out in [0, 360). */
void vo_coords_icrs_to_fk5 (double  ra_icrs,
                            double  dec_icrs,
                            double *ra_fk5,
                            double *dec_fk5);

/* Shortest text that reads back as exactly @value, formatted as Python's
 * repr(float): "0.3", "131.2812539293342", "2.0", "1e-05", "1e+16", "nan",
 * "inf".  Always uses '.'.  Returns: (transfer full). */
char *vo_format_double (double value);

G_END_DECLS

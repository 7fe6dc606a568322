/* vo-region.h: a sky region as archives write it, parsed once.
 *
 * CAOM's position_bounds ("ra1 dec1 ra2 dec2 ..." or "polygon ...",
 * "circle ra dec r"), ObsCore's s_region and STC-S ("Polygon ICRS ...",
 * "Circle ICRS ra dec r") all come down to a shape and a list of numbers.
 * vo_region_parse() validates them once (finite numbers, |dec| <= 90, at
 * least 3 vertices, a positive radius, no word after the first number, no
 * galactic or ecliptic frame); the callers then take what they need: the
 * STC-S text (the numbers written as the archive wrote them), the
 * vertices, or the centre.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  VO_REGION_POLYGON,   /* v: ra1 dec1 ra2 dec2 ... (n >= 3 vertices) */
  VO_REGION_CIRCLE,    /* v: ra dec radius (degrees) */
} VoRegionShape;

typedef struct {
  VoRegionShape shape;
  guint n;             /* numbers in v (2 x vertices, or 3) */
  double *v;
  char **text;         /* the same numbers as written in the input */
} VoRegion;

/* Returns: (transfer full) (nullable): the region @text describes, or NULL
 * when it is none of the forms above (NULL and "" included). */
VoRegion *vo_region_parse (const char *text);
void vo_region_free (VoRegion *region);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoRegion, vo_region_free)

/* "Polygon ICRS ra1 dec1 ..." or "Circle ICRS ra dec r".
 * Returns: (transfer full). */
char *vo_region_to_stcs (const VoRegion *region);

/* The centre, degrees: a circle's centre; for a polygon the mean of its
 * vertices' declinations and the circular mean of their right ascensions
 * (so a polygon across RA 0 is centred near 0, not 180), in [0, 360). */
void vo_region_center (const VoRegion *region, double *ra, double *dec);

G_END_DECLS

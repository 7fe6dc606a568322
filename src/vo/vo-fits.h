/* vo-fits.h: what cadc-samp needs from FITS files, through cfitsio.
 *
 * vo-fits.c is the only file that includes fitsio.h: a fitsfile and the
 * cfitsio status never leave it, and every failure becomes a GError in the
 * VO_FITS_ERROR domain (the cfitsio status number and message are in the
 * text).  Files are opened with fits_open_diskfile, so cfitsio's extended
 * file-name syntax ("file.fits[1][col ...]") is never interpreted.
 * A fitsfile is opened, used and closed within one call, so these functions
 * are safe from any single thread.
 */
#pragma once

#include <gio/gio.h>

#include "vo-votable.h"

G_BEGIN_DECLS

#define VO_FITS_ERROR (vo_fits_error_quark ())

typedef enum {
  VO_FITS_ERROR_OPEN,      /* the file cannot be opened or read */
  VO_FITS_ERROR_NOT_FITS,  /* it is not a FITS file */
  VO_FITS_ERROR_NO_TABLE,  /* no binary or ASCII table HDU */
  VO_FITS_ERROR_NO_IMAGE,  /* no HDU with an image of at least 1 axis */
  VO_FITS_ERROR_NO_WCS,    /* the image has no celestial WCS */
  VO_FITS_ERROR_FAILED,    /* any other cfitsio failure */
  VO_FITS_ERROR_TOO_LARGE, /* a .fits.gz unpacks to more than the cap */
} VoFitsError;

GQuark vo_fits_error_quark (void);

/* A gzip-compressed FITS file (a peer's .fits.gz, a downloaded cutout) is
 * unpacked into a 0600 temporary file in $TMPDIR before cfitsio reads it.
 * The unpacked size is capped: past the cap the unpacking stops, the
 * partial file is removed and the call fails with VO_FITS_ERROR_TOO_LARGE.
 * Default 2 GiB: a CFHT MegaCam mosaic (36 CCDs of 2048x4612 32-bit
 * pixels), among the largest single images CADC serves, is about 1.4 GB
 * unpacked, while gzip reaches 1000:1 on a crafted file (a 2 MB .fits.gz
 * can fill 2 GB of $TMPDIR).  Configurable: [limits] max-unpacked-fits
 * (doc/CONFIG.md, cadc-limits.h).  Set once at start-up. */
#define VO_FITS_DEFAULT_MAX_UNPACKED ((guint64) 2 << 30)
void vo_fits_set_max_unpacked (guint64 max_bytes);
guint64 vo_fits_get_max_unpacked (void);

/**
 * vo_fits_table_read:
 * Reads the first table HDU of @path and reports it through the same
 * callbacks as the VOTable reader: @table_start with one VoField per column
 * (name from TTYPEn, unit TUNITn, ucd TUCDn, utype TUTYPn, description
 * TCOMMn, null TNULLn; datatype from TFORMn: L boolean, X bit, B
 * unsignedByte, I short, J int, K long, A char, E float, D double, C/M
 * complex; scaled integers become the next wider integer for the usual
 * unsigned offsets, else double; variable-length P/Q columns get
 * arraysize "*"), then @row for each row with text cells (nulls: TNULLn,
 * NaN, undefined logicals), then @table_end.  A FALSE from @row stops
 * the read (not an error).  Errors: VO_FITS_ERROR.
 */
gboolean vo_fits_table_read (const char *path, const VoTableCallbacks *callbacks,
                             gpointer user_data, GError **error);

/* Writes the first table of @path as a VOTable (TABLEDATA) to @out, e.g.
 * for a TAP upload.  Errors: VO_FITS_ERROR, G_IO_ERROR. */
gboolean vo_fits_table_to_votable (const char *path, GOutputStream *out,
                                   GError **error);

/* Proves @path is FITS with an image: NAXIS1 and NAXIS2 (1 for a 1-D
 * image) of the first HDU holding a non-empty image (primary or
 * extension, tile-compressed included). */
gboolean vo_fits_image_get_size (const char *path, long *naxis1, long *naxis2,
                                 GError **error);

/* The sky footprint of that image: RA/Dec in degrees of its 4 outer pixel
 * corners, (0.5,0.5), (NAXIS1+0.5,0.5), (NAXIS1+0.5,NAXIS2+0.5),
 * (0.5,NAXIS2+0.5), from the celestial WCS keywords (CRVAL/CRPIX/CDELT/
 * CROTA or CD matrix; TAN, SIN, ARC, STG, CAR, AIT, MER, NCP, GLS).
 * VO_FITS_ERROR_NO_WCS when there is none. */
gboolean vo_fits_image_get_footprint (const char *path, double ra[4],
                                      double dec[4], GError **error);

/* For --version: the run-time cfitsio's version, "4.2.0".  (transfer full) */
char *vo_fits_library_version (void);

G_END_DECLS

/* vo-limits.h: the size caps of the documents cadc-samp holds whole in
 * memory (parsed as one tree, not streamed), in one table.
 *
 * Each is enforced while the document arrives (vo-http aborts the
 * transfer at the cap: VO_HTTP_ERROR_TOO_LARGE naming the URL, the
 * document and the cap; the archive commands exit 4).  The values are
 * far above what a real service sends (a UWS job document or a
 * capabilities document is a few KB; CADC's whole VOSI tableset is about
 * 0.3 MB) and far below what hurts a desktop (a 400 MB job document used
 * to take 1.45 GB of RSS).  TAP results and downloads are streamed and
 * have no such cap.  Listed in doc/SECURITY.md.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VO_LIMIT_UWS_JOB          ((gsize) 1 << 20)    /* one UWS job document */
#define VO_LIMIT_UWS_JOB_LIST     ((gsize) 16 << 20)   /* the job list (~300 B a job) */
#define VO_LIMIT_CAPABILITIES     ((gsize) 1 << 20)    /* a VOSI capabilities document */
#define VO_LIMIT_REGISTRY         ((gsize) 1 << 20)    /* registry resource-caps */
#define VO_LIMIT_VOSI_TABLES      ((gsize) 16 << 20)   /* VOSI tableset or one table */
#define VO_LIMIT_VOSI_AVAILABILITY ((gsize) 1 << 20)   /* VOSI availability */
#define VO_LIMIT_DATALINK         ((gsize) 16 << 20)   /* one DataLink answer (a batch of IDs) */
/* Any other collected body: VO_HTTP_DEFAULT_MAX_BODY (16 MiB); error
 * bodies: their first VO_HTTP_MAX_ERROR_BODY (64 KiB) bytes (vo-http.h). */

G_END_DECLS

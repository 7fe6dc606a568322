/* vo-cleanup.h: partial files that must not survive an interrupted run.
 *
 * A download or an -o output is written to a temporary name
 * (NAME.part-XXXXXX) and renamed when complete; a gzip FITS file is
 * unpacked to a temporary file.  Each such path is registered here while
 * it exists.  Once vo_cleanup_on_signals() has been called (the archive
 * commands do it), SIGINT, SIGTERM and SIGHUP remove every registered
 * file and then end the process by the same signal, so the shell sees
 * the usual status (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP).
 *
 * The handler only calls unlink(), which is async-signal-safe, on paths
 * registered in a fixed table of slots; registration is thread-safe.
 * Processes that handle signals through their main loop (listen, hub,
 * send, status) do not install it: they clean up on their own way out.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Remember @path (copied) for removal on a signal.  At most 256 paths at
 * a time; beyond that the path is not tracked (and a warning is logged). */
void vo_cleanup_add (const char *path);
/* Forget @path (after renaming or removing it). */
void vo_cleanup_remove (const char *path);
/* Install the SIGINT/SIGTERM/SIGHUP handler (idempotent). */
void vo_cleanup_on_signals (void);

G_END_DECLS

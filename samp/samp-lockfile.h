/* samp-lockfile.h: Standard Profile hub discovery (SAMP §3.15, §4.3).
 *
 * The lockfile is found through SAMP_HUB=std-lockurl:<URL> (file: or
 * http: URLs), else $HOME/.samp.  Parsing is tolerant: '#' comments,
 * CRLF line ends, blank lines, lines without '=' and unknown keys are all
 * fine; only samp.secret and samp.hub.xmlrpc.url are mandatory.  The
 * secret is kept in the struct but never logged or shown by libsamp.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char *secret;           /* samp.secret */
  char *hub_url;          /* samp.hub.xmlrpc.url, exactly as written */
  char *profile_version;  /* samp.profile.version (nullable) */
  GHashTable *keys;       /* every key → value (strings), secret included */
  char *location;         /* URL it was read from (file:// or http://) */
} SampLockfile;

/* Returns: (transfer full): a lockfile parsed from @text (@len bytes or
 * -1 for NUL-terminated); NULL with SAMP_ERROR_BAD_LOCKFILE if a mandatory
 * key is missing. */
SampLockfile *samp_lockfile_parse (const char *text, gssize len, GError **error);

/* Returns: (transfer full): the URL of the lockfile to use: the value of a
 * std-lockurl: SAMP_HUB, else file://$HOME/.samp.  Other SAMP_HUB prefixes
 * are ignored (with a g_debug). */
char *samp_lockfile_locate (void);

/* Read and parse the lockfile at @url (file: or http:, NULL = locate()).
 * A missing file is SAMP_ERROR_NO_HUB; an http error is SAMP_ERROR_NO_HUB
 * too.  Blocking (http reads time out after @timeout_ms). */
SampLockfile *samp_lockfile_load (const char *url, guint timeout_ms, GError **error);

/* The same without blocking the caller: a file: lockfile is read at once
 * (a local read), an http: one is fetched on a worker thread.  The
 * callback runs on the thread-default context of the caller. */
void samp_lockfile_load_async (const char *url, guint timeout_ms, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
/* Returns: (transfer full): the lockfile, or NULL and the error
 * samp_lockfile_load() would give. */
SampLockfile *samp_lockfile_load_finish (GAsyncResult *result, GError **error);

/* Returns: (transfer full) (nullable): the local path of a file: lockfile
 * URL (also the non-standard "file:/abs/path"); NULL for other URLs or a
 * malformed one. */
char *samp_lockfile_url_to_path (const char *url);

void samp_lockfile_free (SampLockfile *lf);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SampLockfile, samp_lockfile_free)

G_END_DECLS

/* samp-hub.h: an embedded SAMP Standard Profile hub (SAMP 1.3).
 *
 * A SampHub runs on the thread-default GMainContext of the thread that
 * calls samp_hub_start(): an XML-RPC server on 127.0.0.1 (ephemeral port)
 * implements every samp.hub.* method, and deliveries to clients are
 * asynchronous HTTP posts, queued per client, so one slow client never
 * delays the others.  The lockfile is written 0600 and atomically where
 * SAMP says (SAMP_HUB=std-lockurl:file:... or $HOME/.samp) and removed by
 * samp_hub_stop().
 */
#pragma once

#include "samp-api.h"
#include <glib.h>

G_BEGIN_DECLS

/* An embedded hub (opaque; samp_hub_free() frees it, g_autoptr works). */
typedef struct _SampHub SampHub;

/* Returns: (transfer full): a hub that is not yet running. */
SAMP_API SampHub *samp_hub_new (void);

/* Use @path as the lockfile instead of the standard location (tests).
 * Must be called before samp_hub_start(). */
SAMP_API void samp_hub_set_lockfile (SampHub *hub, const char *path);

/* Seconds after which a delivery to a client that does not answer counts
 * as failed and the client is unregistered (default 30). */
SAMP_API void samp_hub_set_delivery_timeout (SampHub *hub, guint seconds);

/* The SAMP Web Profile (SAMP 1.3 section 5) beside the Standard one. */
typedef enum {
  SAMP_HUB_WEB_AUTH_ASK,       /* ask on the hub's terminal (stdin); no terminal: refuse */
  SAMP_HUB_WEB_AUTH_ORIGINS,   /* only the origins listed */
  SAMP_HUB_WEB_AUTH_ACCEPT,    /* everyone (tests only) */
} SampHubWebAuth;

typedef struct {
  gboolean enabled;
  SampHubWebAuth auth;
  char **origins;              /* allowed origins ("http://host:port"), NULL-terminated */
  gboolean restrict_mtypes;    /* web clients send only the safe MTypes (default TRUE) */
  guint port;                  /* 0: the standard 21012 */
  guint idle_timeout;          /* s a web client taking callbacks may go without pulling
                                  them before it is taken as gone (0: 300) */
} SampHubWebOptions;

#define SAMP_HUB_WEB_PORT 21012

/* Run the Web Profile too (copied; call before samp_hub_start).  If its
 * port is taken, samp_hub_start() warns and runs the Standard Profile only. */
SAMP_API void samp_hub_set_web_profile (SampHub *hub, const SampHubWebOptions *options);

/* Parse "ask", "origins" or "accept". */
SAMP_API gboolean samp_hub_web_auth_parse (const char *text, SampHubWebAuth *auth, GError **error);

/* Returns: (transfer none) (nullable): the Web Profile's URL while it runs. */
SAMP_API const char *samp_hub_get_web_url (SampHub *hub);

/* Start listening and write the lockfile.  Fails (G_IO_ERROR_EXISTS) if a
 * live hub already owns the lockfile; a stale lockfile is replaced. */
SAMP_API gboolean samp_hub_start (SampHub *hub, GError **error);

/* Send samp.hub.event.shutdown to every client (iterating the hub's
 * context for at most a couple of seconds while the deliveries go out),
 * remove the lockfile, close the server.  Safe to call twice, and on a
 * hub that never started. */
SAMP_API void samp_hub_stop (SampHub *hub);

/* Returns: (transfer none) (nullable): the hub's XML-RPC URL once started. */
SAMP_API const char *samp_hub_get_url (SampHub *hub);

/* Returns: (transfer none) (nullable): the lockfile path once started. */
SAMP_API const char *samp_hub_get_lockfile (SampHub *hub);

/* Number of registered clients, the hub itself excluded. */
SAMP_API guint samp_hub_get_n_clients (SampHub *hub);

/* Stops the hub if needed, then frees it. */
SAMP_API void samp_hub_free (SampHub *hub);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SampHub, samp_hub_free)

/* Path of the Standard Profile lockfile: the file named by
 * SAMP_HUB=std-lockurl:file:..., else $HOME/.samp.  Returns NULL with
 * @error set when SAMP_HUB names a non-file lockurl.
 * Returns: (transfer full) (nullable) */
SAMP_API char *samp_hub_lockfile_path (GError **error);

/* TRUE if the lockfile at @lockfile (NULL: the standard one) names a hub
 * that answers samp.hub.ping within @timeout_ms.  Blocks at most that long. */
SAMP_API gboolean samp_hub_is_live (const char *lockfile, guint timeout_ms);

G_END_DECLS

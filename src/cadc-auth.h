/* cadc-auth.h: credentials for the CADC archive.
 *
 * CadcAuth holds what cadc-samp may send and to whom:
 *  - the CADC_SSO token from `login` (sent as Cookie: CADC_SSO="<token>"
 *    only to hosts inside the cookie domains, by default CADC's realms
 *    .canfar.net, .cadc-ccda.hia-iha.nrc-cnrc.gc.ca, .cadc.dao.nrc.ca;
 *    CADC_SAMP_COOKIE_DOMAINS=comma,list overrides), and the same token as
 *    a bearer token for the same domains when CADC_SAMP_BEARER=1;
 *  - a client certificate (PEM with the key), used for https only;
 *  - HTTP Basic credentials from ~/.netrc ($NETRC overrides the path) for
 *    the machine that equals the request's host, sent only when the server
 *    answers 401 (DaCHS protects embargoed files that way).
 * Login state lives in $XDG_CONFIG_HOME/cadc-samp/auth.ini, mode 0600,
 * written atomically, until `logout` removes it.  Nothing here logs a
 * secret.
 */
#pragma once

#include "vo-http.h"

G_BEGIN_DECLS

#define CADC_AUTH_ERROR (cadc_auth_error_quark ())
GQuark cadc_auth_error_quark (void);
typedef enum {
  CADC_AUTH_ERROR_FAILED,
  CADC_AUTH_ERROR_NO_CREDENTIALS,
  CADC_AUTH_ERROR_BAD_FILE,
} CadcAuthError;

typedef struct _CadcAuth CadcAuth;

/* Loads the saved login state (absent = anonymous).  Returns: (transfer full)
 * (nullable): NULL with @error when the state file is unreadable/corrupt. */
CadcAuth *cadc_auth_load (GError **error);
CadcAuth *cadc_auth_new_anonymous (void);
void cadc_auth_free (CadcAuth *auth);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CadcAuth, cadc_auth_free)

/* Writes the state file (0600, temp + rename). */
gboolean cadc_auth_save (CadcAuth *auth, GError **error);
/* Removes the state file (logout); TRUE when there was nothing to remove. */
gboolean cadc_auth_forget (GError **error);
/* Returns: (transfer full): $XDG_CONFIG_HOME/cadc-samp/auth.ini */
char *cadc_auth_state_path (void);

void cadc_auth_set_user (CadcAuth *auth, const char *user);
void cadc_auth_set_token (CadcAuth *auth, const char *token);
void cadc_auth_set_cert (CadcAuth *auth, const char *pem_path);
/* (transfer none) (nullable) */
const char *cadc_auth_get_user (CadcAuth *auth);
const char *cadc_auth_get_cert (CadcAuth *auth);
gboolean cadc_auth_has_token (CadcAuth *auth);

/* TRUE when @host is one of the cookie domains or inside one ("a.b.c" is
 * inside ".b.c" and "b.c"; "xb.c" is not). */
gboolean cadc_auth_host_in_domains (CadcAuth *auth, const char *host);

/* Looks up @machine (exact, case-insensitive) in the netrc file at @path
 * (NULL = $NETRC or ~/.netrc), or, when @substring, the first machine whose
 * name contains @machine (cadctap's rule for the login host).  The
 * "default" entry matches anything.  Returns FALSE without error when not
 * found; FALSE with @error when the file cannot be parsed. */
gboolean cadc_netrc_lookup (const char *path, const char *machine, gboolean substring,
                            char **login, char **password, GError **error);

/* A VoHttpCredentialsFunc (@user_data = the CadcAuth). */
VoHttpCredentials *cadc_auth_credentials_for_url (const char *url, gpointer user_data);

G_END_DECLS

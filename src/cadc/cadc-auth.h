/* cadc-auth.h: credentials for the CADC archive.
 *
 * CadcAuth holds what cadc-samp may send and to whom:
 *  - the CADC_SSO token from `login`, sent as Cookie: CADC_SSO="<token>"
 *    (or as Authorization: Bearer <token>) and only ever to hosts inside
 *    the cookie domains: by default CADC's realms .canfar.net,
 *    .cadc-ccda.hia-iha.nrc-cnrc.gc.ca, .cadc.dao.nrc.ca;
 *    CADC_SAMP_COOKIE_DOMAINS=comma,list or cadc_auth_set_cookie_domains
 *    (config file cookie-domains=) override;
 *  - a client certificate (PEM with the key), used for https only;
 *  - HTTP Basic credentials from ~/.netrc ($NETRC overrides the path) for
 *    the machine that equals the request's host, sent only when the server
 *    answers 401 (DaCHS protects embargoed files that way).
 * Token, cookie and Basic go only to potentially trustworthy URLs
 * (cadc_auth_url_trustworthy: https, or http to a loopback host), like a
 * browser's Secure cookie; any other http URL is served anonymously, with
 * a one-line warning per host when something was held back.
 * Which of these goes with a request follows the services' capabilities
 * (reference/cadc-protocol.md §6.3), see cadc_auth_choose().
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
  CADC_AUTH_ERROR_BAD_CERT,       /* unreadable, not PEM, no key, bad DER */
  CADC_AUTH_ERROR_CERT_EXPIRED,
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

/* Replaces the cookie domains (NULL = the default: the environment's
 * CADC_SAMP_COOKIE_DOMAINS, else CADC's realms). */
void cadc_auth_set_cookie_domains (CadcAuth *auth, const char *const *domains);

/* TRUE when @host is one of the cookie domains or inside one ("a.b.c" is
 * inside ".b.c" and "b.c"; "xb.c" is not). */
gboolean cadc_auth_host_in_domains (CadcAuth *auth, const char *host);

/* The W3C Secure Contexts rule that browsers apply to Secure cookies, and
 * the only place cadc-samp decides whether a URL may carry a credential
 * (token, cookie, Basic password, login password): TRUE for any https://
 * URL and for http:// URLs whose host is a loopback origin -- the name
 * "localhost", an IPv4 address 127.x.y.z in plain dotted-decimal form, or
 * the IPv6 address ::1 in brackets -- which never leave the machine
 * (libcurl >= 7.78 resolves "localhost" to loopback itself, never via DNS
 * or /etc/hosts).
 * Everything else is FALSE: other schemes, other hosts, user information
 * ("http://127.0.0.1@evil.example"), percent-encoded or backslashed
 * authorities, "localhost.example", "127.0.0.1.evil.example".  Pure. */
gboolean cadc_auth_url_trustworthy (const char *url);

/* Called with a one-line message when credentials are held back from a
 * URL (once per scheme+host per CadcAuth).  The default writes
 * "cadc-samp: warning: MESSAGE" to stderr. */
typedef void (*CadcAuthWarnFunc) (const char *message, gpointer user_data);
void cadc_auth_set_warn_func (CadcAuth *auth, CadcAuthWarnFunc func, gpointer user_data);

/* Looks up @machine in the netrc file at @path (NULL = $NETRC or
 * ~/.netrc) as curl does: the first "machine" entry whose name equals
 * @machine (case-insensitive; never a substring), else the "default"
 * entry, else nothing.  Tokens are whitespace separated, "quoted" values
 * may hold spaces and \" \\ \n \r \t escapes, "account" values are
 * skipped, "macdef NAME" skips its body up to the next empty line, '#'
 * starts a comment.  The entry must have both login and password.
 * Returns FALSE without error when not found; FALSE with @error when the
 * file cannot be read or parsed. */
gboolean cadc_netrc_lookup (const char *path, const char *machine, char **login,
                            char **password, GError **error);

/* --- per-URL choice (§6.3) ---------------------------------------------- */

typedef enum {
  CADC_CRED_NONE = 0,
  CADC_CRED_COOKIE = 1 << 0,   /* ivo://ivoa.net/sso#cookie */
  CADC_CRED_TOKEN = 1 << 1,    /* ivo://ivoa.net/sso#token (bearer) */
  CADC_CRED_CERT = 1 << 2,     /* ivo://ivoa.net/sso#tls-with-certificate */
  CADC_CRED_BASIC = 1 << 3,    /* ivo://ivoa.net/sso#BasicAA, on a 401 challenge */
} CadcCredKind;

/* The decision, pure.  @allowed: the security methods the capabilities
 * allow for the URL (vo_caps_security_methods_match), or NULL when no
 * loaded capability describes it.  @held: what we hold (COOKIE|TOKEN for
 * a token, CERT, BASIC for a netrc entry naming the URL's host).
 * @in_domains: the host is inside the cookie domains.  @https: the URL is
 * https.  @trustworthy: cadc_auth_url_trustworthy (URL).
 *  - Nothing goes to an untrustworthy URL (plain http off loopback).
 *  - The token (COOKIE/TOKEN) never leaves the cookie domains; the
 *    certificate is used for https only.
 *  - Described URL: the held credentials the capability allows; of these
 *    exactly one, in cadcutils' order cert, cookie, basic, token; none
 *    (anonymous) when nothing matches.
 *  - Undescribed URL (SODA, storage, other hosts): anonymous, except the
 *    cookie and the certificate inside the cookie domains, and Basic
 *    answering a 401 from the netrc host.
 * Returns: a CadcCredKind mask. */
guint cadc_auth_choose (const char *const *allowed, guint held, gboolean in_domains,
                        gboolean https, gboolean trustworthy);

/* The credentials for @url given the capabilities' @allowed methods (as
 * for cadc_auth_choose).  When the URL is not trustworthy but something
 * would have been sent over https, the warn function is told (once per
 * host).  Credentials for http on loopback come with direct = TRUE (no
 * proxy may see them).  Returns: (transfer full). */
VoHttpCredentials *cadc_auth_credentials_for (CadcAuth *auth, const char *url,
                                              const char *const *allowed);

/* A VoHttpCredentialsFunc (@user_data = the CadcAuth) for URLs that no
 * capability describes: cadc_auth_credentials_for (auth, url, NULL). */
VoHttpCredentials *cadc_auth_credentials_for_url (const char *url, gpointer user_data);

/* --- certificates ----------------------------------------------------------- */

/* The notAfter of the X.509 certificate in DER @der (pure; a small DER walk
 * of TBSCertificate.validity).  Errors: CADC_AUTH_ERROR_BAD_CERT.
 * Returns: (transfer full) (nullable): UTC. */
GDateTime *cadc_x509_not_after (const guint8 *der, gsize len, GError **error);

/* Validates the PEM file @path as cadcutils does before use: readable,
 * holds a CERTIFICATE and a PRIVATE KEY, and the first certificate's
 * notAfter is after @now (NULL = now).  Errors: CADC_AUTH_ERROR_BAD_CERT,
 * or CADC_AUTH_ERROR_CERT_EXPIRED "Client certificate (PATH) expired on
 * DATE. Run: cadc-get-cert".  @not_after (nullable) receives the expiry
 * (transfer full) so callers can warn when it is near (<= 3 days). */
gboolean cadc_auth_check_cert (const char *path, GDateTime *now, GDateTime **not_after,
                               GError **error);

/* cadc_auth_check_cert at the current time, as done before the saved
 * certificate is used, with cadcutils' early warning: when it is valid but
 * has 3 days or less left, @warning receives a sentence for the user
 * ("client certificate (PATH) expires on DATE; renew it with
 * cadc-get-cert"), otherwise NULL.  (transfer full) */
gboolean cadc_auth_check_cert_for_use (const char *path, char **warning, GError **error);

G_END_DECLS

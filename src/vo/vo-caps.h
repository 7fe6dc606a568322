/* vo-caps.h: service discovery: the registry's resource-caps list, VOSI
 * capabilities documents, and the rules that pick an access URL from them.
 *
 * Pure parsing and choosing (reference/cadc-protocol.md §1, §6.3); the
 * fetching is done by the caller.  Security methods are kept as their
 * standardID URIs; a <securityMethod/> without standardID is
 * VO_SECURITY_ANONYMOUS.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VO_SECURITY_ANONYMOUS "anonymous"
#define VO_SECURITY_COOKIE    "ivo://ivoa.net/sso#cookie"
#define VO_SECURITY_CERT      "ivo://ivoa.net/sso#tls-with-certificate"
#define VO_SECURITY_TOKEN     "ivo://ivoa.net/sso#token"
#define VO_SECURITY_BASIC     "ivo://ivoa.net/sso#BasicAA"

#define VO_STD_TAP            "ivo://ivoa.net/std/TAP"
#define VO_STD_DATALINK_10    "ivo://ivoa.net/std/DataLink#links-1.0"
#define VO_STD_DATALINK_11    "ivo://ivoa.net/std/DataLink#links-1.1"
#define VO_STD_SODA_SYNC      "ivo://ivoa.net/std/SODA#sync-1.0"
#define VO_STD_SODA_ASYNC     "ivo://ivoa.net/std/SODA#async-1.0"
#define VO_STD_LOGIN          "ivo://ivoa.net/std/UMS#login-0.1"
#define VO_STD_VOSI_CAPS      "ivo://ivoa.net/std/VOSI#capabilities"
#define VO_STD_VOSI_AVAIL     "ivo://ivoa.net/std/VOSI#availability"
#define VO_STD_VOSI_TABLES    "ivo://ivoa.net/std/VOSI#tables-1.1"

#define VO_CADC_IVO_PREFIX    "ivo://cadc.nrc.ca/"

/* ---- registry (resource-caps) ---------------------------------------- */

typedef struct {
  GPtrArray  *resource_ids;   /* char*, in file order */
  GHashTable *caps_urls;      /* resource id -> capabilities URL */
} VoRegistry;

/* Parses "resourceID = capabilitiesURL" lines; '#' comments and blank
 * lines ignored; CRLF accepted; key and value stripped; the line is split
 * at its first '=' (a URL may contain more).  A line without '=' or with
 * an empty side is a VO_ERROR_PARSE naming the line.  Later duplicates
 * replace earlier ones.  Returns: (transfer full) (nullable). */
VoRegistry *vo_registry_parse (const char *text, gsize len, GError **error);
void vo_registry_free (VoRegistry *reg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoRegistry, vo_registry_free)

/* "argus" -> "ivo://cadc.nrc.ca/argus"; "ivo://…" unchanged.
 * Returns: (transfer full). */
char *vo_registry_resource_id (const char *service);

/* The capabilities URL of @service (short name or ivo:// id); a @service
 * that starts with "http" is returned as is.  Unknown: VO_ERROR_NOT_FOUND
 * "Cannot find the capabilities of service X".  Returns: (transfer full). */
char *vo_registry_lookup (const VoRegistry *reg, const char *service,
                          GError **error);

/* ---- capabilities ---------------------------------------------------- */

typedef struct {
  char      *access_url;
  char      *use;                /* "full", "base", "dir" or NULL */
  char      *role;               /* "std" or NULL */
  char      *version;            /* nullable */
  GPtrArray *security_methods;   /* char*, document order; may be empty */
} VoInterface;

typedef struct {
  char      *standard_id;
  GPtrArray *interfaces;         /* VoInterface*, document order */
} VoCapability;

typedef struct {
  GPtrArray *capabilities;       /* VoCapability*, document order */
} VoCapabilities;

/* Parses a VOSI capabilities document (namespaces on children ignored).
 * Errors: VO_ERROR_PARSE.  Returns: (transfer full) (nullable). */
VoCapabilities *vo_caps_parse (const char *data, gsize len, GError **error);
void vo_caps_free (VoCapabilities *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoCapabilities, vo_caps_free)

/* First capability with @standard_id, or NULL.  (transfer none) */
const VoCapability *vo_caps_find (const VoCapabilities *caps,
                                  const char *standard_id);

/* astroquery's rule (§1.4.3): one interface -> its URL whatever its
 * security; otherwise the first interface whose first securityMethod is
 * absent, anonymous or cookie.  Else VO_ERROR_NOT_FOUND "capability X not
 * found or not working with anonymous or cookie access".
 * Returns: (transfer full) (nullable). */
char *vo_caps_access_url (const VoCapabilities *caps, const char *standard_id,
                          GError **error);

/* cadcutils' rule: for each of @methods (preference order, e.g. cert,
 * cookie, basic, token) the interface that lists exactly that method
 * (https preferred between equals); then an anonymous interface; else
 * VO_ERROR_NOT_FOUND "... does not support anonymous access. Please
 * authenticate first".  @methods may be NULL.  If @chosen_method is given
 * it receives the method matched (VO_SECURITY_ANONYMOUS for the fallback).
 * Returns: (transfer full) (nullable). */
char *vo_caps_access_url_for_methods (const VoCapabilities *caps,
                                      const char *standard_id,
                                      const char *const *methods,
                                      const char **chosen_method,
                                      GError **error);

/* The DataLink endpoint: links-1.1 first, then links-1.0 (astroquery's
 * rule inside each).  Returns: (transfer full) (nullable). */
char *vo_caps_datalink_url (const VoCapabilities *caps, GError **error);

/* §6.3: the security methods allowed for a request to @url, matched per
 * the accessURL's use attribute on scheme, host and port (case-
 * insensitive) and path (query, fragment, duplicate and trailing slashes
 * ignored on both sides): use="full" -> the same path (so DataLink's
 * ?ID=... still matches its endpoint); "base", "dir" or none -> the path
 * or anything below it, by whole segments, the longest such prefix
 * winning.  An exact (full) match beats any prefix.  An interface without
 * securityMethod allows anonymous.  No match: just anonymous.
 * Returns: (transfer full) NULL-terminated list. */
char **vo_caps_security_methods_for_url (const VoCapabilities *caps,
                                         const char *url);

/* The same rule, restricted to the capabilities with @standard_id (NULL =
 * all), but NULL when no interface covers @url (so that the caller can
 * tell "anonymous only" from "not described here").  @rank (nullable)
 * receives G_MAXSIZE for an exact (use="full") match, else the length of
 * the matching "scheme://host" + path prefix, so matches from several
 * documents can be compared (higher wins).  Returns: (transfer full) (nullable) NULL-terminated. */
char **vo_caps_security_methods_match (const VoCapabilities *caps,
                                       const char *standard_id,
                                       const char *url, gsize *rank);

/* ---- URLs ------------------------------------------------------------ */

/* Collapses runs of '/' in the path of @url (not in "scheme://").
 * Returns: (transfer full). */
char *vo_url_normalize (const char *url);

/* TAP base from a capabilities URL: removes a trailing "/capabilities"
 * suffix (NOT Python's rstrip of characters) and trailing slashes, then
 * normalises.  Returns: (transfer full). */
char *vo_url_tap_base (const char *capabilities_url);

G_END_DECLS

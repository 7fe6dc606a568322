/* cadc-config.h: where the archive client's endpoints come from.
 *
 * Group [archive] of the GKeyFile $XDG_CONFIG_HOME/cadc-samp/config (the
 * file `listen` reads its [listen] group from; doc/CONFIG.md):
 *   [archive]
 *   registry=URL            resource-caps URL (else the built-in fallbacks)
 *   tap=URL                 TAP base URL (no registry lookup for TAP)
 *   datalink=URL            DataLink endpoint
 *   login=URL               login (UMS#login-0.1) endpoint
 *   cookie-domains=a;b;c    hosts/domains that may receive the CADC_SSO
 *                           token (GKeyFile list: ';'-separated; ','
 *                           also accepted)
 *   model=caom2|obscore     the TAP service's data model (else discovered)
 *   collection=C            default --collection of region and cutouts
 * Every key is optional; unknown keys are warned about and ignored.
 *
 * Named archives: the built-in "cadc" is the group above; any other TAP
 * service is a group [archive.NAME] with
 *   tap=URL                 required
 *   datalink=URL            DataLink endpoint (CAOM2 results)
 *   model=caom2|obscore     else discovered from its VOSI tables
 *   collection=C            default --collection
 *   credentials=none|cadc   none (default): anonymous; cadc: the CADC
 *                           login's credentials, as for cadc
 * (no registry: the environment's CADC_REGISTRY_URL does not apply).
 *
 * Precedence, highest first: command line > environment
 * (CADC_REGISTRY_URL for registry, CADC_SAMP_COOKIE_DOMAINS for
 * cookie-domains) > config file > built-in default (NULL here: the
 * client then uses its defaults, e.g. the registry fallback list).
 * cadc_config_resolve() applies all three layers in that order.
 *
 * Pure data plus one file read: no network.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char *registry;         /* nullable */
  char *tap;              /* nullable */
  char *datalink;         /* nullable */
  char *login;            /* nullable */
  char **cookie_domains;  /* nullable, NULL-terminated; NULL = CADC's realms */
  char *name;             /* the archive's name (resolve_archive), nullable */
  char *model;            /* nullable: "caom2", "obscore" (cadc-model.h) */
  char *collection;       /* nullable: the default collection */
  gboolean anonymous;     /* a named archive without credentials=cadc */
} CadcConfig;

#define CADC_CONFIG_DEFAULT_ARCHIVE "cadc"

/* Returns: (transfer full): all fields NULL (built-in defaults). */
CadcConfig *cadc_config_new (void);
void cadc_config_free (CadcConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CadcConfig, cadc_config_free)

/* Returns: (transfer full): $XDG_CONFIG_HOME/cadc-samp/config. */
char *cadc_config_default_path (void);

/* Overlays the [archive] group of the key file @path (NULL = the default
 * path) on @config: each key present replaces the field.  A missing file
 * is not an error unless @must_exist.  Errors: G_FILE_ERROR /
 * G_KEY_FILE_ERROR prefixed with the path; @config may then be partly
 * updated. */
gboolean cadc_config_load (CadcConfig *config, const char *path, gboolean must_exist,
                           GError **error);

/* Overlays the environment: CADC_REGISTRY_URL -> registry,
 * CADC_SAMP_COOKIE_DOMAINS (comma or ';' separated) -> cookie_domains.
 * Empty variables are ignored. */
void cadc_config_apply_env (CadcConfig *config);

/* Overlays command-line values: each non-NULL argument replaces its field. */
void cadc_config_apply_overrides (CadcConfig *config, const char *registry, const char *tap,
                                  const char *datalink, const char *login);

/* The whole chain: defaults, then the file @path (NULL = default path; a
 * missing file is fine), then the environment, then the non-NULL
 * arguments.  Returns: (transfer full) (nullable): NULL with @error when
 * the file exists but cannot be read or parsed. */
CadcConfig *cadc_config_resolve (const char *path, const char *registry, const char *tap,
                                 const char *datalink, const char *login, GError **error);

/* As cadc_config_resolve for the archive @archive: NULL or "cadc" is
 * exactly that; another name reads [archive.NAME] of @path (registry,
 * environment and @registry/@login do not apply; @tap and @datalink
 * still override).  Errors: G_KEY_FILE_ERROR_GROUP_NOT_FOUND for an
 * unknown name ("unknown archive 'x' (known: cadc, ...)"), other
 * G_KEY_FILE_ERRORs for a bad section (no tap=, bad credentials=).
 * Returns: (transfer full) (nullable). */
CadcConfig *cadc_config_resolve_archive (const char *path, const char *archive,
                                         const char *registry, const char *tap,
                                         const char *datalink, const char *login,
                                         GError **error);

/* "cadc", then the NAME of every [archive.NAME] of @path (NULL = the
 * default path; a missing file is fine), in file order.
 * Returns: (transfer full) (nullable): NULL-terminated. */
char **cadc_config_archive_names (const char *path, GError **error);

/* Splits a domain list ("a, b;c") into trimmed, non-empty entries.
 * Returns: (transfer full): NULL-terminated (possibly empty). */
char **cadc_config_split_list (const char *text);

G_END_DECLS

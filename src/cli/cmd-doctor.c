/* cmd-doctor.c: `cadc-samp doctor`, is this machine set up?
 *
 * Runs every check a person needs before the archive and a SAMP session
 * work, in order, and prints one line per check:
 *
 *   ok       config: ~/.config/cadc-samp/config read (archives: cadc, dachs)
 *   problem  hub: no SAMP hub (no lockfile ~/.samp); start one: ...
 *
 * status ok, warning or problem (coloured on a terminal unless NO_COLOR or
 * TERM=dumb), the check's name, what was found, and for a warning or a
 * problem what to do.  The checks: the config file (read and parsed, each
 * archive's section resolved), the SAMP hub (the lockfile of SAMP_HUB or
 * ~/.samp, a samp.hub.ping), the clients registered with it (by name),
 * each archive (--archive, else every configured one: the registry and the
 * TAP service found through it, or the TAP service's capabilities; 5 s at
 * most each, anonymously), the credentials (the saved login state; the
 * certificate's notAfter, a warning at 3 days or less as before any use;
 * a token's presence; ~/.netrc's machines and permissions: never a
 * secret), and listen's cache directory (made and written).  --json gives
 * the same as one JSON object.  Exit 0 when nothing is a problem
 * (warnings included), 1 when something is (doc/EXITCODES.md).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cadc-auth.h"
#include "cadc-client.h"
#include "cadc-config.h"
#include "cli-options.h"
#include "samp.h"
#include "samp-hub.h"
#include "samp-lockfile.h"   /* private to libsamp: cadc-samp links it statically */
#include "vo-http.h"

#define ARCHIVE_TIMEOUT 5       /* seconds per archive look-up */
#define HUB_TIMEOUT_MS 2000

typedef enum { CHECK_OK, CHECK_WARNING, CHECK_PROBLEM } CheckStatus;

typedef struct {
  gboolean json, colour;
  guint n_problems, n_warnings;
  GString *json_out;
} Doctor;

static const char *const status_words[] = { "ok", "warning", "problem" };
static const char *const status_colours[] = { "\033[32m", "\033[33m", "\033[1;31m" };

static char *
json_string (const char *s)
{
  g_autoptr(GVariant) v = samp_string_new (s != NULL ? s : "");
  return samp_value_to_json (v);
}

/* One check's line.  @found and @todo (nullable) may quote servers and
 * files: they go through cs_safe. */
static void
report (Doctor *d, CheckStatus st, const char *check, const char *found, const char *todo)
{
  g_autofree char *sfound = cs_safe (found);
  g_autofree char *stodo = todo != NULL ? cs_safe (todo) : NULL;

  if (st == CHECK_PROBLEM)
    d->n_problems++;
  else if (st == CHECK_WARNING)
    d->n_warnings++;
  if (d->json)
    {
      g_autofree char *jc = json_string (check);
      g_autofree char *jf = json_string (sfound);
      g_autofree char *jt = json_string (stodo);
      g_string_append_printf (d->json_out, "%s\n  {\"check\": %s, \"status\": \"%s\", "
                              "\"found\": %s, \"todo\": %s}",
                              d->json_out->len > 1 ? "," : "", jc, status_words[st], jf,
                              stodo != NULL ? jt : "null");
      return;
    }
  if (d->colour)
    printf ("%s%-7s\033[0m  ", status_colours[st], status_words[st]);
  else
    printf ("%-7s  ", status_words[st]);
  printf ("%s: %s%s%s\n", check, sfound, stodo != NULL ? "; " : "", stodo != NULL ? stodo : "");
  fflush (stdout);
}

/* ------------------------------------------------------------ config */

/* The config file: absent is fine; present must parse and every archive
 * section must resolve.  Returns the archives to check (--archive, else
 * every configured one; none when the file cannot be read). */
static char **
check_config (Doctor *d, CsGlobalOptions *g)
{
  g_autofree char *path = cadc_config_default_path ();
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  g_autoptr(GString) bad = g_string_new (NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *found = g_strdup_printf ("no config file %s (the defaults: CADC's "
                                                "registry)", path);
      report (d, CHECK_OK, "config", found, NULL);
      return g_strdupv (g->archives != NULL ? g->archives : (char *[]) { "cadc", NULL });
    }
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &error)
      || (names = cadc_config_archive_names (path, &error)) == NULL)
    {
      g_autofree char *found = g_strdup_printf ("%s cannot be read: %s", path, error->message);
      report (d, CHECK_PROBLEM, "config", found,
              "fix the file (doc/CONFIG.md says what it holds) or move it away");
      return g_new0 (char *, 1);      /* no archive can be resolved */
    }
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GError) e = NULL;
      g_autoptr(CadcConfig) conf = cadc_config_resolve_archive (path, names[i], NULL, NULL,
                                                                NULL, NULL, &e);
      if (conf == NULL)
        g_string_append_printf (bad, "%s%s", bad->len ? "; " : "", e->message);
    }
  {
    g_autofree char *list = g_strjoinv (", ", names);
    g_autofree char *found = NULL;
    if (bad->len > 0)
      {
        found = g_strdup_printf ("%s: %s", path, bad->str);
        report (d, CHECK_PROBLEM, "config", found,
                "fix the section (an [archive.NAME] needs tap=URL; doc/CONFIG.md)");
      }
    else
      {
        found = g_strdup_printf ("%s read (archives: %s)", path, list);
        report (d, CHECK_OK, "config", found, NULL);
      }
  }
  return g_strdupv (g->archives != NULL ? g->archives : names);
}

/* ------------------------------------------------------------ SAMP */

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_utf8_collate (*(char *const *) a, *(char *const *) b);
}

/* The hub: its lockfile, a ping, then who is registered (by samp.name;
 * this check registers briefly as "cadc-samp doctor" and leaves itself
 * out). */
static void
check_hub (Doctor *d)
{
  g_autofree char *url = samp_lockfile_locate ();
  g_autofree char *path = samp_lockfile_url_to_path (url);
  const char *where = path != NULL ? path : url;
  g_autoptr(SampLockfile) lf = NULL;
  g_autoptr(SampClient) c = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) ids = NULL;
  g_autofree char *found = NULL;

  lf = samp_lockfile_load (url, HUB_TIMEOUT_MS, &error);
  if (lf == NULL)
    {
      if (g_error_matches (error, SAMP_ERROR, SAMP_ERROR_NO_HUB))
        {
          found = g_strdup_printf ("no SAMP hub (no lockfile %s)", where);
          report (d, CHECK_PROBLEM, "hub", found,
                  "start one: TOPCAT, Aladin or ds9 (their hub), or `cadc-samp hub &`; "
                  "`cadc-samp listen` starts its own when none runs");
        }
      else
        {
          found = g_strdup_printf ("the lockfile %s is unusable: %s", where, error->message);
          report (d, CHECK_PROBLEM, "hub", found,
                  "if no hub runs, remove it and start a hub (`cadc-samp hub &`)");
        }
      return;
    }
  if (!samp_hub_is_live (path, HUB_TIMEOUT_MS))
    {
      found = g_strdup_printf ("the lockfile %s names %s, which does not answer "
                               "samp.hub.ping", where, lf->hub_url);
      report (d, CHECK_PROBLEM, "hub", found,
              path != NULL ? "the hub has gone: remove the stale lockfile and start a hub "
                             "(`cadc-samp hub &`, TOPCAT, Aladin, ds9)"
                           : "the hub has gone: start a hub");
      return;
    }
  found = g_strdup_printf ("%s answers samp.hub.ping (lockfile %s)", lf->hub_url, where);
  report (d, CHECK_OK, "hub", found, NULL);
  g_clear_pointer (&found, g_free);

  c = samp_client_new ("cadc-samp doctor");
  samp_client_set_metadata (c, "samp.description.text", "cadc-samp doctor: checking the set-up");
  if (!samp_client_connect (c, &error))
    {
      found = g_strdup_printf ("cannot register with the hub: %s", error->message);
      report (d, CHECK_PROBLEM, "clients", found, "restart the hub");
      return;
    }
  ids = samp_client_list_known_clients (c);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(GVariant) md = NULL;
      const char *name;
      if (g_strcmp0 (ids[i], samp_client_get_self_id (c)) == 0)
        continue;
      md = samp_client_dup_known_metadata (c, ids[i]);
      name = samp_map_lookup_string (md, "samp.name");
      g_ptr_array_add (names, g_strdup (name != NULL ? name : ids[i]));
    }
  samp_client_disconnect (c);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  if (names->len <= 1)
    report (d, CHECK_WARNING, "clients", "no other client registered",
            "start TOPCAT, Aladin or ds9 to send them results");
  else
    {
      g_autofree char *list = g_strjoinv (", ", (char **) names->pdata);
      found = g_strdup_printf ("%u registered: %s", names->len - 1, list);
      report (d, CHECK_OK, "clients", found, NULL);
    }
}

/* ------------------------------------------------------------ archives */

/* GET TAP/capabilities, anonymously, ARCHIVE_TIMEOUT s at most. */
static gboolean
tap_answers (CadcClient *c, const char *tap, GError **error)
{
  g_autofree char *url = g_strconcat (tap, g_str_has_suffix (tap, "/") ? "" : "/",
                                      "capabilities", NULL);
  VoHttpRequest *req = vo_http_request_new (VO_HTTP_GET, url);
  g_autoptr(VoHttpResponse) resp = NULL;

  vo_http_request_set_timeout (req, ARCHIVE_TIMEOUT);
  vo_http_request_set_retry (req, FALSE);
  vo_http_request_set_max_body (req, 1024 * 1024, "TAP capabilities");
  resp = vo_http_send (cadc_client_get_http (c), req, NULL, error);
  return resp != NULL;
}

static void
check_archive (Doctor *d, CsGlobalOptions *g, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *check = g_strdup_printf ("archive %s", name);
  g_autofree char *config_path = cadc_config_default_path ();
  gboolean is_cadc = g_strcmp0 (name, CADC_CONFIG_DEFAULT_ARCHIVE) == 0;
  g_autoptr(CadcConfig) conf = NULL;
  g_autoptr(CadcClient) c = NULL;
  g_autofree char *found = NULL;
  g_autofree char *todo = NULL;
  CadcClientConfig cfg = { 0 };
  /* --tap and --registry apply to the archive the command line names */
  gboolean named = g->archive == NULL ? is_cadc : g_strcmp0 (g->archive, name) == 0;

  conf = cadc_config_resolve_archive (NULL, name, g->registry, named ? g->tap : NULL, NULL,
                                      NULL, &error);
  if (conf == NULL)
    {
      report (d, CHECK_PROBLEM, check, error->message, "fix its section of the config file");
      return;
    }
  cfg.registry = conf->registry;
  cfg.tap = conf->tap;
  cfg.verbose = g->verbosity > 0;
  cfg.timeout = ARCHIVE_TIMEOUT;
  cfg.retry_ms = 1;
  c = cadc_client_new (&cfg, cadc_auth_new_anonymous ());
  if (conf->tap != NULL)
    {
      if (tap_answers (c, conf->tap, &error))
        {
          found = g_strdup_printf ("TAP %s answers", conf->tap);
          report (d, CHECK_OK, check, found, NULL);
          return;
        }
      found = g_strdup_printf ("TAP %s %s: %s", conf->tap,
                               cadc_client_is_unreachable_error (error) ? "unreachable"
                                                                        : "does not work",
                               error->message);
      if (named && g->tap != NULL)
        todo = g_strdup ("check the --tap URL, or whether the service is up");
      else
        todo = g_strdup_printf ("check tap= in [archive%s%s] of %s, the network, or whether "
                                "the service is up", is_cadc ? "" : ".", is_cadc ? "" : name,
                                config_path);
      report (d, CHECK_PROBLEM, check, found, todo);
      return;
    }
  {
    g_autofree char *tap = cadc_client_get_tap_url (c, &error);
    const char *reg = conf->registry != NULL ? conf->registry : "CADC's registry";
    if (tap != NULL)
      {
        found = g_strdup_printf ("registry %s and TAP %s answer", reg, tap);
        report (d, CHECK_OK, check, found, NULL);
        return;
      }
    found = g_strdup_printf ("registry %s %s: %s", reg,
                             cadc_client_is_unreachable_error (error) ? "unreachable"
                                                                      : "did not give TAP",
                             error->message);
    todo = g_strdup_printf ("check the network%s", conf->registry != NULL
                            ? ", and the registry URL (--registry, CADC_REGISTRY_URL, "
                              "registry= in [archive])" : "");
    report (d, CHECK_PROBLEM, check, found, todo);
  }
}

/* ------------------------------------------------------------ credentials */

static void
check_certificate (Doctor *d, const char *cert)
{
  g_autoptr(GDateTime) expiry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  g_autofree char *found = NULL;

  if (!cadc_auth_check_cert (cert, NULL, &expiry, &error))
    {
      report (d, CHECK_PROBLEM, "certificate", error->message,
              g_error_matches (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_CERT_EXPIRED)
                ? "get a new one (cadc-get-cert) and run `cadc-samp login --cert FILE`"
                : "run `cadc-samp login --cert FILE` with a PEM proxy certificate and its key, "
                  "or `cadc-samp logout`");
      return;
    }
  if (cadc_auth_check_cert_for_use (cert, &warning, NULL) && warning != NULL)
    {
      report (d, CHECK_WARNING, "certificate", warning,
              "then run `cadc-samp login --cert FILE`");
      return;
    }
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *date = g_date_time_format (expiry, "%Y-%m-%d %H:%M UTC");
    gint64 days = g_date_time_difference (expiry, now) / G_TIME_SPAN_DAY;
    found = g_strdup_printf ("%s valid until %s (%" G_GINT64_FORMAT " days)", cert, date, days);
    report (d, CHECK_OK, "certificate", found, NULL);
  }
}

/* The machine names of a netrc file (never its logins or passwords). */
static char *
netrc_machines (const char *text)
{
  g_auto(GStrv) words = g_regex_split_simple ("\\s+", text, 0, 0);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (strcmp (words[i], "machine") == 0 && words[i + 1] != NULL)
        g_ptr_array_add (names, words[++i]);
      else if (strcmp (words[i], "default") == 0)
        g_ptr_array_add (names, "default");
    }
  g_ptr_array_add (names, NULL);
  return g_strjoinv (", ", (char **) names->pdata);
}

static void
check_netrc (Doctor *d)
{
  const char *env = g_getenv ("NETRC");
  g_autofree char *path = env != NULL && *env ? g_strdup (env)
                                              : g_build_filename (g_get_home_dir (), ".netrc", NULL);
  g_autofree char *text = NULL;
  g_autofree char *machines = NULL;
  g_autofree char *found = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      found = g_strdup_printf ("no %s (only needed for password-protected data)", path);
      report (d, CHECK_OK, "netrc", found, NULL);
      return;
    }
  if (!g_file_get_contents (path, &text, NULL, &error))
    {
      report (d, CHECK_PROBLEM, "netrc", error->message, "make it readable by you (chmod 600)");
      return;
    }
  machines = netrc_machines (text);
  if (st.st_mode & 077)
    {
      found = g_strdup_printf ("%s (machines: %s) can be read by others (mode %03o)", path,
                               *machines ? machines : "none", (unsigned) (st.st_mode & 0777));
      g_autofree char *todo = g_strdup_printf ("chmod 600 %s", path);
      report (d, CHECK_WARNING, "netrc", found, todo);
      return;
    }
  found = g_strdup_printf ("%s has entries for %s (passwords not shown)", path,
                           *machines ? machines : "no machine");
  report (d, CHECK_OK, "netrc", found, NULL);
}

static void
check_credentials (Doctor *d)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CadcAuth) auth = cadc_auth_load (&error);
  g_autofree char *state = cadc_auth_state_path ();
  g_autofree char *found = NULL;

  if (auth == NULL)
    {
      found = g_strdup_printf ("the login state %s cannot be read: %s", state, error->message);
      report (d, CHECK_PROBLEM, "login", found, "run `cadc-samp logout`, then log in again");
    }
  else if (!cadc_auth_has_token (auth) && cadc_auth_get_cert (auth) == NULL)
    report (d, CHECK_OK, "login", "anonymous (public data only)",
            NULL);
  else
    {
      const char *user = cadc_auth_get_user (auth);
      found = g_strdup_printf ("%s%s%s%s", user != NULL ? "user " : "", user != NULL ? user : "",
                               user != NULL ? ", " : "",
                               cadc_auth_has_token (auth) ? "CADC_SSO token saved (not shown)"
                                                          : "a client certificate");
      report (d, CHECK_OK, "login", found, NULL);
      if (cadc_auth_get_cert (auth) != NULL)
        check_certificate (d, cadc_auth_get_cert (auth));
    }
  check_netrc (d);
}

/* ------------------------------------------------------------ cache */

/* listen's result cache: $XDG_CACHE_HOME/cadc-samp, made 0700 and
 * written into (a file made and removed). */
static void
check_cache (Doctor *d)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "cadc-samp", NULL);
  g_autofree char *probe = g_build_filename (dir, ".doctor-probe-XXXXXX", NULL);
  g_autofree char *found = NULL;
  g_autofree char *todo = NULL;
  int fd = -1, e = 0;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    e = errno;
  else if ((fd = g_mkstemp_full (probe, O_WRONLY | O_CLOEXEC, 0600)) < 0)
    e = errno;
  if (fd >= 0)
    {
      close (fd);
      g_unlink (probe);
      found = g_strdup_printf ("%s is writable", dir);
      report (d, CHECK_OK, "cache", found, NULL);
      return;
    }
  found = g_strdup_printf ("cannot write into %s: %s", dir, g_strerror (e));
  todo = g_strdup_printf ("make it a directory you can write (mkdir -p %s; chmod 700 %s), or "
                          "point XDG_CACHE_HOME elsewhere", dir, dir);
  report (d, CHECK_PROBLEM, "cache", found, todo);
}

/* ------------------------------------------------------------ the command */

static gboolean
colours_wanted (void)
{
  const char *no_color = g_getenv ("NO_COLOR");

  return isatty (1) && (no_color == NULL || *no_color == '\0')
         && g_strcmp0 (g_getenv ("TERM"), "dumb") != 0;
}

static int
run_doctor (CsGlobalOptions *g, int argc, char **argv)
{
  static const CliCommandLine cl = {
    "Usage: cadc-samp doctor [--json]\n\n"
      "Check the set-up, one line per check (ok, warning or problem, and what\n"
      "to do): the config file, the SAMP hub (lockfile of SAMP_HUB or ~/.samp,\n"
      "ping) and its clients, each archive (--archive, else every configured\n"
      "one: registry and TAP service, 5 s at most), the saved login (the\n"
      "certificate's expiry, a token, ~/.netrc: never the secrets) and listen's\n"
      "cache directory.  Exit 0 when nothing is a problem, 1 when something is.\n",
    0, 0, NULL,
  };
  Doctor d = { 0 };
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &d.json, "print one JSON object instead of lines", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(GStrv) archives = NULL;
  int rc;

  if (!cli_options_parse (g, argc, argv, &cl, entries, args, &rc))
    return rc;
  d.colour = !d.json && colours_wanted ();
  d.json_out = g_string_new ("[");
  archives = check_config (&d, g);
  check_hub (&d);
  for (guint i = 0; archives[i] != NULL; i++)
    check_archive (&d, g, archives[i]);
  check_credentials (&d);
  check_cache (&d);
  if (d.json)
    printf ("{\"problems\": %u, \"warnings\": %u, \"checks\": %s\n]}\n", d.n_problems,
            d.n_warnings, d.json_out->str);
  else if (d.n_problems > 0 || d.n_warnings > 0)
    printf ("\n%u problem%s, %u warning%s\n", d.n_problems, d.n_problems == 1 ? "" : "s",
            d.n_warnings, d.n_warnings == 1 ? "" : "s");
  g_string_free (d.json_out, TRUE);
  return d.n_problems > 0 ? CS_EXIT_FAILED : CS_EXIT_OK;
}

const CsCommand cs_command_doctor = {
  "doctor", "check the set-up: hub, archives, credentials, cache", run_doctor
};

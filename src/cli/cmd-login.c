/* cmd-login.c: the saved CADC credentials.
 *
 * login (a PEM proxy certificate remembered with --cert, or a password
 * from ~/.netrc, the terminal without echo, or one line of stdin, POSTed
 * to the login service for a CADC_SSO token; only to an https login URL
 * or http on loopback unless --insecure), logout (forget both) and
 * whoami (the saved state, never the secrets).  Storage is cadc-auth's;
 * the password is wiped after use and the terminal's echo comes back
 * even when a signal ends the prompt.  Shared plumbing: cmd-archive.c.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cmd-archive-private.h"

/* The terminal settings to restore if a signal ends the prompt. */
static struct termios prompt_tty;

static void
restore_tty (int sig)
{
  tcsetattr (0, TCSAFLUSH, &prompt_tty);
  signal (sig, SIG_DFL);
  raise (sig);
}

/* Reads a password from the terminal without echo (echo comes back even
 * on ^C), or a line from stdin. */
static char *
read_password (const char *user)
{
  struct termios quiet;
  gboolean tty = isatty (0) && tcgetattr (0, &prompt_tty) == 0;
  void (*old_int) (int) = SIG_DFL, (*old_term) (int) = SIG_DFL;
  GString *s = g_string_sized_new (128);
  int ch;

  if (tty)
    {
      fprintf (stderr, "Password for %s: ", user);
      old_int = signal (SIGINT, restore_tty);
      old_term = signal (SIGTERM, restore_tty);
      quiet = prompt_tty;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (0, TCSAFLUSH, &quiet);
    }
  while ((ch = getchar ()) != EOF && ch != '\n')
    g_string_append_c (s, (char) ch);
  if (tty)
    {
      tcsetattr (0, TCSAFLUSH, &prompt_tty);
      signal (SIGINT, old_int);
      signal (SIGTERM, old_term);
      fprintf (stderr, "\n");
    }
  if (s->len > 0 && s->str[s->len - 1] == '\r')
    g_string_truncate (s, s->len - 1);
  return g_string_free (s, FALSE);
}

static int
cmd_login (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  g_autofree char *user_opt = NULL, *cert = NULL, *login_url = NULL;
  const char *user;
  gboolean insecure = FALSE;
  int rc;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_FILENAME, &user_opt, "the CADC user name", "U" },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, "remember this PEM proxy certificate (with its key)", "FILE" },
    { "login-url", 0, 0, G_OPTION_ARG_FILENAME, &login_url, "the login service (default: from the registry)", "URL" },
    { "insecure", 0, 0, G_OPTION_ARG_NONE, &insecure, "send the password to a plain-http login URL anyway", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  GError *error = NULL;
  g_autoptr(CadcAuth) auth = NULL;

  static const CliCommandLine cl = {
    "Usage: cadc-samp login [--user U] [--cert FILE] [--login-url URL] [--insecure]\n\n"
      "Log in to CADC: with --cert, remember a PEM proxy certificate (with\n"
      "its key) for TLS; otherwise ask for U's password (from the terminal\n"
      "without echo, or one line of stdin; or from ~/.netrc for the login\n"
      "host) and keep the CADC_SSO token in a 0600 file until logout.\n"
      "The password goes only to an https login URL (or http on this\n"
      "machine: localhost, 127.x.y.z, [::1]); --insecure sends it to a\n"
      "plain-http login URL anyway, readable by anyone on the way.\n",
    0, 0, NULL,
  };

  if (!cmd_archive_parse_command (g, argc, argv, &cl, entries, pos, &rc))
    return rc;
  if (g->archive != NULL && strcmp (g->archive, CADC_CONFIG_DEFAULT_ARCHIVE) != 0)
    {
      /* the one login there is, CADC's: an archive that uses it (credentials=cadc)
       * logs in where cadc does, through [archive]'s registry or login URL */
      g_autoptr(CadcConfig) conf = cmd_archive_config (g, NULL, &error);
      if (conf == NULL)
        return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
      if (conf->anonymous)
        {
          cs_print_error ("login: the archive '%s' takes no credentials (credentials=none in "
                          "[archive.%s]); login signs in to CADC, for cadc and the archives "
                          "with credentials=cadc", g->archive, g->archive);
          return CS_EXIT_USAGE;
        }
      g_clear_pointer (&g->archive, g_free);
    }
  user = user_opt;
  auth = cadc_auth_load (&error);
  if (auth == NULL)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  if (cert != NULL)
    {
      g_autofree char *abs = g_canonicalize_filename (cert, NULL);
      if (!cmd_archive_check_cert (g, abs, &error))
        return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
      cadc_auth_set_cert (auth, abs);
    }
  else
    {
      g_autoptr(CadcClient) c = cmd_archive_make_client_full (g, login_url, TRUE, &error);
      g_autofree char *url = NULL;
      g_autofree char *host = NULL;
      g_autofree char *nuser = NULL;
      char *pw = NULL;
      VoHttpRequest *req;
      g_autoptr(VoHttpResponse) resp = NULL;
      g_autofree char *token = NULL;

      if (c == NULL || (url = cadc_client_get_login_url (c, &error)) == NULL)
        return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
      if (!cadc_auth_url_trustworthy (url))
        {
          if (!insecure)
            {
              cs_print_error ("login: refusing to send a password over plain http to %s "
                              "(use an https login URL, or --insecure to send it anyway)", url);
              return CS_EXIT_USAGE;
            }
          fprintf (stderr, "cadc-samp: warning: --insecure: the password goes over plain "
                   "http to %s, readable by anyone on the way\n", url);
        }
      host = vo_http_url_host (url);
      if (host != NULL && cadc_netrc_lookup (NULL, host, &nuser, &pw, NULL)
          && (user == NULL || strcmp (user, nuser) == 0))
        user = nuser;
      else
        {
          g_clear_pointer (&pw, g_free);
          if (user == NULL)
            {
              cs_print_error ("login: --user is needed (or a ~/.netrc entry for %s)",
                              host ? host : url);
              return CS_EXIT_USAGE;
            }
          pw = read_password (user);
          if (*pw == '\0')
            {
              g_free (pw);
              cs_print_error ("login: no password given");
              return CS_EXIT_AUTH;
            }
        }
      req = vo_http_request_new (VO_HTTP_POST, url);
      vo_http_request_add_field (req, "username", user);
      vo_http_request_add_field (req, "password", pw);
      vo_http_request_add_header (req, "Accept: text/plain");
      vo_http_request_set_retry (req, FALSE);
      memset (pw, 0, strlen (pw));
      g_free (pw);
      resp = vo_http_send (cadc_client_get_http (c), req, NULL, &error);
      if (resp == NULL)
        {
          g_prefix_error (&error, "login failed: ");
          return cli_exit_fail (CLI_STAGE_LOGIN, error);
        }
      token = g_strstrip (g_strndup (g_bytes_get_data (vo_http_response_get_body (resp), NULL),
                                     g_bytes_get_size (vo_http_response_get_body (resp))));
      if (*token == '\0')
        {
          cs_print_error ("login: the service returned no token");
          return CS_EXIT_AUTH;
        }
      cadc_auth_set_token (auth, token);
      memset (token, 0, strlen (token));
      cadc_auth_set_user (auth, user);
    }
  if (!cadc_auth_save (auth, &error))
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  if (g->verbosity >= 0)
    fprintf (stderr, "cadc-samp: logged in%s%s\n", cadc_auth_get_user (auth) ? " as " : "",
             cadc_auth_get_user (auth) ? cadc_auth_get_user (auth) : "");
  return CS_EXIT_OK;
}

static int
cmd_logout (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  int rc;
  GError *error = NULL;

  (void) g;
  static const CliCommandLine cl = {
    "Usage: cadc-samp logout\n\nForget the saved token and certificate.\n",
    0, 0, NULL,
  };

  if (!cmd_archive_parse_command (g, argc, argv, &cl, NULL, pos, &rc))
    return rc;
  if (!cadc_auth_forget (&error))
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  return CS_EXIT_OK;
}

static int
cmd_whoami (CsGlobalOptions *g, int argc, char **argv)
{
  g_autoptr(GPtrArray) pos = g_ptr_array_new ();
  int rc;
  GError *error = NULL;
  g_autoptr(CadcAuth) auth = NULL;

  (void) g;
  static const CliCommandLine cl = {
    "Usage: cadc-samp whoami\n\nShow the saved login state (never the secrets).\n",
    0, 0, NULL,
  };

  if (!cmd_archive_parse_command (g, argc, argv, &cl, NULL, pos, &rc))
    return rc;
  auth = cadc_auth_load (&error);
  if (auth == NULL)
    return cli_exit_fail (CLI_STAGE_ARCHIVE, error);
  if (!cadc_auth_has_token (auth) && cadc_auth_get_cert (auth) == NULL)
    {
      printf ("anonymous\n");
      return CS_EXIT_OK;
    }
  if (cadc_auth_get_user (auth) != NULL)
    printf ("user\t%s\n", cadc_auth_get_user (auth));
  if (cadc_auth_has_token (auth))
    printf ("cookie\tCADC_SSO (token saved)\n");
  if (cadc_auth_get_cert (auth) != NULL)
    {
      g_autoptr(GDateTime) expiry = NULL;
      g_autoptr(GError) e = NULL;
      g_autofree char *date = NULL;
      /* whoami reports, it does not refuse: a bad certificate is shown as such */
      if (cadc_auth_check_cert (cadc_auth_get_cert (auth), NULL, &expiry, &e))
        date = g_date_time_format (expiry, "valid until %Y-%m-%d %H:%M:%S UTC");
      printf ("certificate\t%s (%s)\n", cadc_auth_get_cert (auth),
              date != NULL ? date : e->message);
    }
  return CS_EXIT_OK;
}

const CsCommand cs_command_login = { "login", "log in (password or certificate)", cmd_login };
const CsCommand cs_command_logout = { "logout", "forget saved credentials", cmd_logout };
const CsCommand cs_command_whoami = { "whoami", "show the saved login state", cmd_whoami };

/* cmd-hub.c: `cadc-samp hub`, a SAMP hub in the foreground.
 *
 * Starts the embedded hub (samp/samp-hub.h) and runs the main loop until
 * SIGINT or SIGTERM, then stops the hub: samp.hub.event.shutdown goes to
 * every client and the lockfile is removed.  Refuses to start over a live
 * hub (exit 1), replaces a stale lockfile.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "bridge-config.h"
#include "cli-hub-web.h"
#include "cli-options.h"
#include "samp-hub.h"

/* A foreground hub shows who registers and leaves (g_info in the "samp"
 * domain), unless the user chose G_MESSAGES_DEBUG. */
static void
show_hub_info (void)
{
  const char *cur = g_getenv ("G_MESSAGES_DEBUG");
  if (cur == NULL || *cur == '\0')
    g_setenv ("G_MESSAGES_DEBUG", "samp", TRUE);
  else if (strcmp (cur, "all") != 0 && strstr (cur, "samp") == NULL)
    {
      g_autofree char *both = g_strconcat (cur, " samp", NULL);
      g_setenv ("G_MESSAGES_DEBUG", both, TRUE);
    }
}

static int
hub_run (CsGlobalOptions *global, int argc, char **argv)
{
  char *lockfile = NULL;
  int timeout = 0;
  gboolean print_url = FALSE;
  char *config_path = NULL;
  CliHubWeb web = { 0 };
  GOptionEntry entries[] = {
    { "lockfile", 0, 0, G_OPTION_ARG_FILENAME, &lockfile,
      "write the lockfile here (default: SAMP_HUB std-lockurl or ~/.samp)", "PATH" },
    { "delivery-timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
      "drop a client whose callback does not answer within SECS (default 30)", "SECS" },
    { "print-url", 0, 0, G_OPTION_ARG_NONE, &print_url,
      "print the hub URL on stdout once running", NULL },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_path,
      "config file for [hub] (default $XDG_CONFIG_HOME/cadc-samp/config)", "FILE" },
    CLI_HUB_WEB_ENTRIES (web),
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };
  static const CliCommandLine cl = {
    "Usage: cadc-samp hub [--lockfile PATH] [--delivery-timeout SECS] [--print-url]\n"
    "                     [--web-profile [--web-auth=ask|origins|accept] [--web-origin ORIGIN]...\n"
    "                      [--no-web-restrict-mtypes]] [--config FILE]\n\n"
    "Run a SAMP hub in the foreground until SIGINT or SIGTERM.  With --web-profile\n"
    "(or [hub] web-profile=true) browser tools can join through the SAMP Web\n"
    "Profile on 127.0.0.1:21012, each with the user's consent (--web-auth).\n",
    0, 0, NULL,
  };
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int rc;
  gboolean ok = cli_options_parse (global, argc, argv, &cl, entries, args, &rc);
  g_autofree char *lockfile_owned = lockfile;
  g_autofree char *config_owned = config_path;
  if (!ok)
    return rc;
  SampHubWebOptions web_options;
  g_autofree char *default_path = cs_bridge_config_default_path ();
  if (!cli_hub_web_resolve (&web, config_owned ? config_owned : default_path,
                            config_owned != NULL, &web_options, &error))
    {
      cs_print_error ("%s", error->message);
      return CS_EXIT_USAGE;
    }
  g_auto(GStrv) web_origins = web_options.origins;
  if (timeout < 0)
    {
      cs_print_error ("--delivery-timeout must be positive");
      return CS_EXIT_USAGE;
    }
  if (global->verbosity < 0)
    cs_log_set_quiet (TRUE);     /* -q: warnings and errors only */
  else
    show_hub_info ();

  signal (SIGPIPE, SIG_IGN);
  g_autoptr(SampHub) hub = samp_hub_new ();
  if (lockfile_owned)
    samp_hub_set_lockfile (hub, lockfile_owned);
  if (timeout > 0)
    samp_hub_set_delivery_timeout (hub, (guint) timeout);
  samp_hub_set_web_profile (hub, &web_options);
  if (!samp_hub_start (hub, &error))
    return cli_exit_fail (CLI_STAGE_HUB, g_steal_pointer (&error));
  if (print_url)
    {
      printf ("%s\n", samp_hub_get_url (hub));
      fflush (stdout);
    }
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  CliStopSignals *signals = cli_stop_signals_watch (loop, NULL);
  g_main_loop_run (loop);
  samp_hub_stop (hub);
  cli_stop_signals_free (signals);
  return CS_EXIT_OK;
}

const CsCommand cs_command_hub = {
  "hub", "run a SAMP hub in the foreground", hub_run
};

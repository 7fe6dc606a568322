/* cmd-listen.c: `cadc-samp listen`, the SAMP <-> CADC bridge daemon.
 *
 * Parses the options, overlays them on the config file, builds a CsBridge
 * and runs the main loop until SIGINT/SIGTERM (or, with --once, until the
 * first request has been handled).  An optional POSITION on the command
 * line is handled as if a peer had pointed at it, an --image FILE as if a
 * peer had sent it with image.load.fits.
 *
 * The archive is found exactly as the archive commands find it
 * (cadc-config.h): --tap / --datalink / --registry (global options), then
 * $CADC_REGISTRY_URL, then the config file ([listen] tap=, datalink=,
 * registry= where given, else [archive]'s), then CADC's registry; the
 * bridge's CadcClients do the discovery.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cadc-auth.h"
#include "cadc-config.h"
#include "bridge.h"
#include "cli-hub-web.h"
#include "cli-options.h"
#include "cli-progress.h"
#include "cadc-limits.h"
#include "vo-fits.h"
#include "samp-error.h"
#include "vo-coords.h"

/* The first discovery on a terminal: one line for all archives still
 * being looked for ("contacting the CADC registry URL…, attempt 2:
 * unreachable, next in 3 s"), gone once each is found. */
typedef struct {
  GPtrArray *labels;      /* archives not found yet, in order */
  GHashTable *texts;      /* label -> its part of the line */
} DiscoveryLine;

static void
on_discovery (const CsBridgeDiscoveryProgress *p, gpointer data)
{
  DiscoveryLine *dl = data;
  g_autoptr(GString) line = g_string_new (NULL);

  g_autofree char *contact = g_strdup (p->contact);
  g_autofree char *tail = NULL;

  if (!g_ptr_array_find_with_equal_func (dl->labels, p->archive, g_str_equal, NULL))
    g_ptr_array_add (dl->labels, g_strdup (p->archive));
  if (p->next_in_s == 0)
    tail = g_strdup_printf ("…, attempt %u", p->attempt);
  else
    tail = g_strdup_printf ("…, attempt %u: %s, next in %u s", p->attempt,
                            p->unreachable ? "unreachable" : "failed", p->next_in_s);
  if (dl->labels->len == 1)
    {
      /* too wide for the terminal: the URL loses its middle, not the news */
      glong over = g_utf8_strlen (p->archive, -1) + g_utf8_strlen (contact, -1)
                   + g_utf8_strlen (tail, -1) + 16 - (cs_progress_columns () - 1);
      glong n = g_utf8_strlen (contact, -1);
      if (over > 0 && n > over + 8)
        {
          glong keep = n - over - 1;
          const char *mid = g_utf8_offset_to_pointer (contact, keep / 2);
          const char *end = g_utf8_offset_to_pointer (contact, n - (keep - keep / 2));
          char *cut = g_strdup_printf ("%.*s…%s", (int) (mid - contact), contact, end);
          g_free (contact);
          contact = cut;
        }
      else if (over > 0)
        {
          /* no room for the URL at all: "registry", "TAP service" */
          char *space = strstr (contact, " http");
          if (space != NULL)
            *space = '\0';
        }
    }
  if (p->done)
    g_hash_table_remove (dl->texts, p->archive);
  else
    g_hash_table_insert (dl->texts, g_strdup (p->archive),
                         g_strdup_printf ("contacting the %s %s%s", p->archive, contact, tail));
  for (guint i = 0; i < dl->labels->len; i++)
    {
      const char *t = g_hash_table_lookup (dl->texts, dl->labels->pdata[i]);
      if (t != NULL)
        g_string_append_printf (line, "%s%s", line->len ? " | " : "", t);
    }
  if (line->len > 0)
    {
      g_autofree char *safe = cs_safe (line->str);
      cs_progress_show (safe);
    }
  else
    cs_progress_end ();
}

static int
listen_run (CsGlobalOptions *global, int argc, char **argv)
{
  CliHubWeb web = { 0 };
  char *radius = NULL, *collection = NULL, *hub = NULL, *config_path = NULL, *image = NULL;
  char *frames = NULL;
  gboolean no_footprints = FALSE;
  gboolean once = FALSE, cutouts = FALSE, no_cutouts = FALSE, no_pointat = FALSE;
  gboolean no_table = FALSE, no_image = FALSE, no_highlight = FALSE;
  int max_cutouts = -1, max_rows = -1, cache_mb = -1;
  GOptionEntry entries[] = {
    { "radius", 'r', 0, G_OPTION_ARG_STRING, &radius,
      "search radius around a position (default 1arcmin)", "RADIUS" },
    { "collection", 'c', 0, G_OPTION_ARG_STRING, &collection,
      "only observations of this collection", "NAME" },
    { "cutouts", 0, 0, G_OPTION_ARG_NONE, &cutouts,
      "send cutouts of the best image planes to image viewers (default)", NULL },
    { "no-cutouts", 0, 0, G_OPTION_ARG_NONE, &no_cutouts, "do not send cutouts", NULL },
    { "max-cutouts", 0, 0, G_OPTION_ARG_INT, &max_cutouts,
      "at most N cutouts per position (default 3)", "N" },
    { "max-rows", 0, 0, G_OPTION_ARG_INT, &max_rows,
      "MAXREC of every query (default 2000)", "N" },
    { "no-pointat", 0, 0, G_OPTION_ARG_NONE, &no_pointat,
      "ignore coord.pointAt.sky", NULL },
    { "no-table", 0, 0, G_OPTION_ARG_NONE, &no_table,
      "do not crossmatch tables other tools load", NULL },
    { "no-image", 0, 0, G_OPTION_ARG_NONE, &no_image,
      "do not query the footprint of images other tools load", NULL },
    { "no-highlight", 0, 0, G_OPTION_ARG_NONE, &no_highlight,
      "ignore highlight/select of rows of our tables", NULL },
    { "no-footprints", 0, 0, G_OPTION_ARG_NONE, &no_footprints,
      "do not draw the observations' footprints in ds9", NULL },
    { "viewer-frames", 0, 0, G_OPTION_ARG_STRING, &frames,
      "reuse (default): new images replace cadc-samp's previous ones; new: add frames", "MODE" },
    { "cache-max-mb", 0, 0, G_OPTION_ARG_INT, &cache_mb,
      "size cap of the result cache in MiB (default 200)", "MB" },
    { "hub", 0, 0, G_OPTION_ARG_STRING, &hub,
      "auto (default): start a hub when none runs; never; always", "MODE" },
    { "once", 0, 0, G_OPTION_ARG_NONE, &once,
      "handle one request (the POSITION or --image), then exit", NULL },
    { "image", 0, 0, G_OPTION_ARG_FILENAME, &image,
      "query the footprint of this FITS image (its WCS) and send the table", "FILE" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_path,
      "config file (default $XDG_CONFIG_HOME/cadc-samp/config)", "FILE" },
    CLI_HUB_WEB_ENTRIES (web),
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };
  static const CliCommandLine cl = {
    "Usage: cadc-samp listen [OPTIONS] [POSITION]\n\n"
    "Answer SAMP messages with CADC queries: a position a tool points at, tables\n"
    "and images other tools load, and the cadc.* MTypes (doc/MTYPES.md).  A\n"
    "POSITION given here is handled as if a tool had pointed at it.\n",
    0, G_MAXUINT, NULL,
  };
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int rc;
  gboolean ok = cli_options_parse (global, argc, argv, &cl, entries, args, &rc);
  g_autofree char *radius_o = radius, *collection_o = collection, *hub_o = hub,
                  *config_o = config_path, *image_o = image, *frames_o = frames;
  if (!ok)
    return rc;
  /* What is left: an optional POSITION, possibly in several words. */
  g_autoptr(GString) position = g_string_new (NULL);
  for (guint i = 0; i < args->len; i++)
    g_string_append_printf (position, "%s%s", i > 0 ? " " : "", (char *) args->pdata[i]);

  g_autoptr(CsBridgeConfig) config = cs_bridge_config_new ();
  g_autofree char *default_path = cs_bridge_config_default_path ();
  if (!cs_bridge_config_load (config, config_o ? config_o : default_path, config_o != NULL,
                              &error))
    {
      cs_print_error ("%s", error->message);
      return CS_EXIT_USAGE;
    }
  if (radius_o && !vo_coords_parse_radius (radius_o, &config->radius_deg, &error))
    {
      cs_print_error ("--radius: %s", error->message);
      return CS_EXIT_USAGE;
    }
  if (collection_o)
    {
      g_free (config->collection);
      config->collection = *collection_o ? g_strdup (collection_o) : NULL;
    }
  if (!cli_hub_web_resolve (&web, config_o ? config_o : default_path, config_o != NULL,
                            &config->hub_web, &error))
    {
      cs_print_error ("%s", error->message);
      return CS_EXIT_USAGE;
    }
  if (hub_o && !cs_bridge_config_parse_hub_mode (hub_o, &config->hub_mode, &error))
    {
      cs_print_error ("--hub: %s", error->message);
      return CS_EXIT_USAGE;
    }
  if (frames_o && !cs_bridge_config_parse_viewer_frames (frames_o, &config->viewer_frames_reuse, &error))
    {
      cs_print_error ("--viewer-frames: %s", error->message);
      return CS_EXIT_USAGE;
    }
  config->footprints &= !no_footprints;
  if (cutouts)
    config->cutouts = TRUE;
  if (no_cutouts)
    config->cutouts = FALSE;
  if (max_cutouts >= 0)
    config->max_cutouts = (guint) max_cutouts;
  if (max_rows >= 0)
    config->max_rows = (guint) max_rows;
  if (cache_mb >= 0)
    config->cache_max_bytes = (guint64) cache_mb * 1024 * 1024;
  config->on_pointat &= !no_pointat;
  config->on_table &= !no_table;
  config->on_image &= !no_image;
  config->on_highlight &= !no_highlight;
  config->once = once;

  double ra = 0, dec = 0;
  if (position->len && !vo_coords_parse_position (position->str, &ra, &dec, &error))
    {
      cs_print_error ("%s", error->message);
      return CS_EXIT_USAGE;
    }

  if (image_o && !g_file_test (image_o, G_FILE_TEST_EXISTS) && g_str_has_suffix (image_o, "]")
      && strchr (image_o, '['))
    {
      /* ds9's $filename names an extension as FILE[N]: the footprint is
       * that of the file's first image HDU */
      g_autofree char *file = g_strndup (image_o, strrchr (image_o, '[') - image_o);
      if (g_file_test (file, G_FILE_TEST_IS_REGULAR))
        {
          g_message ("--image %s: using the first image HDU of %s", image_o, file);
          g_free (image_o);
          image_o = g_steal_pointer (&file);
        }
    }
  if (image_o)
    {
      double fra[4], fdec[4];
      if (!vo_fits_image_get_footprint (image_o, fra, fdec, &error))
        {
          cs_print_error ("--image %s: %s", image_o, error->message);
          return CS_EXIT_IO;
        }
    }

  /* Services: flag > environment > config file ([listen], then
   * [archive]) > CADC's registry. */
  g_autoptr(CadcConfig) conf = cadc_config_new ();
  if (!cadc_config_load (conf, config_o ? config_o : default_path, config_o != NULL, &error))
    {
      cs_print_error ("%s", error->message);
      return CS_EXIT_ARCHIVE;   /* as the archive commands (doc/CONFIG.md) */
    }
  if (config_o != NULL)
    cadc_limits_load (config_o);  /* main.c read the default file's [limits] */
  cadc_config_apply_overrides (conf, config->registry, config->tap, config->datalink, NULL);
  cadc_config_apply_env (conf);
  cadc_config_apply_overrides (conf, global->registry, global->tap, global->datalink, NULL);
  CadcClientConfig cadc = {
    .registry = conf->registry, .tap = conf->tap, .datalink = conf->datalink,
    .verbose = global->verbosity > 0,
    .cookie_domains = (const char *const *) conf->cookie_domains,
  };

  /* The archives: --archive (repeated), else [listen] archives=, else
   * CADC.  --model applies when there is one. */
  static const char *const cadc_only[] = { CADC_CONFIG_DEFAULT_ARCHIVE, NULL };
  const char *const *names = global->archives ? (const char *const *) global->archives
                             : config->archives ? (const char *const *) config->archives
                             : cadc_only;
  guint n_names = g_strv_length ((char **) names);
  g_autoptr(GPtrArray) confs = g_ptr_array_new_with_free_func ((GDestroyNotify) cadc_config_free);
  g_autoptr(GArray) specs = g_array_new (FALSE, TRUE, sizeof (CsBridgeArchiveSpec));
  for (guint i = 0; i < n_names; i++)
    {
      CsBridgeArchiveSpec spec = { 0 };
      CadcConfig *c = conf;
      gboolean seen = FALSE;
      for (guint j = 0; j < i; j++)
        seen = seen || strcmp (names[j], names[i]) == 0;
      if (seen)
        continue;   /* --archive a --archive a: one archive */
      if (strcmp (names[i], CADC_CONFIG_DEFAULT_ARCHIVE) != 0)
        {
          c = cadc_config_resolve_archive (config_o ? config_o : default_path, names[i], NULL,
                                           NULL, NULL, NULL, &error);
          if (c == NULL)
            {
              cs_print_error ("archive %s: %s", names[i], error->message);
              return CS_EXIT_USAGE;
            }
          g_ptr_array_add (confs, c);
        }
      spec.name = names[i];
      spec.label = c == conf ? "CADC" : names[i];
      spec.collection = c == conf ? NULL : c->collection;
      spec.anonymous = c->anonymous;
      spec.client = c == conf ? cadc : (CadcClientConfig) {
        .tap = c->tap, .datalink = c->datalink, .verbose = global->verbosity > 0,
      };
      if (!cadc_model_parse (n_names == 1 && global->model ? global->model : c->model,
                             &spec.client.model, &error))
        {
          cs_print_error ("archive %s: %s", names[i], error->message);
          return CS_EXIT_USAGE;
        }
      /* the cadc archive is CAOM2 (its --tap too, as listen always took
       * it) unless a model is given: no /tables to read first */
      if (spec.client.model == CADC_MODEL_UNKNOWN && c == conf)
        spec.client.model = CADC_MODEL_CAOM2;
      g_array_append_val (specs, spec);
    }
  if (config->log_level && g_str_equal (config->log_level, "debug")
      && g_getenv ("G_MESSAGES_DEBUG") == NULL)
    g_setenv ("G_MESSAGES_DEBUG", CS_OWN_LOG_DOMAINS, TRUE);

  signal (SIGPIPE, SIG_IGN);
  g_autoptr(CsBridge) bridge = cs_bridge_new (g_steal_pointer (&config),
                                              (CsBridgeArchiveSpec *) specs->data, specs->len,
                                              &error);
  if (bridge == NULL)
    return cli_exit_fail (CLI_STAGE_LISTEN_SETUP, g_steal_pointer (&error));
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  /* progress of the first discovery on a terminal, nothing when not */
  g_autoptr(GPtrArray) progress_labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) progress_texts = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                                g_free, g_free);
  DiscoveryLine progress = { progress_labels, progress_texts };
  if (isatty (2) && global->verbosity >= 0)
    cs_bridge_set_discovery_func (bridge, on_discovery, &progress);
  if (!cs_bridge_start (bridge, loop, &error))
    return cli_exit_fail (CLI_STAGE_LISTEN, g_steal_pointer (&error));
  if (position->len)
    cs_bridge_point_at (bridge, ra, dec);
  if (image_o)
    cs_bridge_load_image (bridge, image_o);
  CliStopSignals *signals = cli_stop_signals_watch (loop, "unregistering and exiting");
  g_main_loop_run (loop);
  cs_progress_end ();
  cs_bridge_stop (bridge);
  cli_stop_signals_free (signals);
  if (once && cs_bridge_get_n_failures (bridge) > 0)
    return CS_EXIT_ARCHIVE;   /* the error was logged */
  return CS_EXIT_OK;
}

const CsCommand cs_command_listen = {
  "listen", "run the SAMP <-> CADC bridge (answers pointAt, tables, custom MTypes)",
  listen_run
};

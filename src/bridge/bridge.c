/* bridge.c: the life cycle of the bridge (bridge.h).
 *
 * Makes the bridge (credentials, cache, the CadcClient every archive
 * request goes through: one credential state), connects to the hub
 * (starting one in-process when the hub mode says so), lets each flow
 * subscribe its MTypes (bridge-core.h has the map of the files), and
 * stops and frees it all.  The work itself is in the flow files.
 *
 * The archive need not be reachable at start: the TAP service is looked
 * up in the background once registered, and a failure is one log line;
 * every request looks it up again (CadcClient waits 2 s doubling to 60 s
 * between attempts) and is answered with a samp.error naming the archive
 * and the cause meanwhile, so the bridge works as soon as the archive is
 * back.  Only --once, a one-shot run, still needs it at start (exit 4).
 */
#include "config.h"

#include "bridge-flows.h"
#include "samp-hub.h"

/* The saved certificate is validated once, before the client uses it
 * (the archive commands' rule): expired or unusable -> the bridge does not
 * start (CADC_AUTH_ERROR); 3 days or less left -> one warning. */
static gboolean
check_cert (const char *path, GError **error)
{
  g_autofree char *warning = NULL;

  if (!cadc_auth_check_cert_for_use (path, &warning, error))
    return FALSE;
  if (warning != NULL)
    g_warning ("%s", warning);
  return TRUE;
}

static void
archive_free (CsBridgeArchive *a)
{
  if (a->cadc)
    cadc_client_free (a->cadc);
  g_free (a->name);
  g_free (a->label);
  g_free (a->collection);
  g_free (a->tap);
  g_free (a->last_position_name);
  g_free (a->contact);
  if (a->discovery_timer != 0)
    g_source_remove (a->discovery_timer);
  g_free (a);
}

CsBridge *
cs_bridge_new (CsBridgeConfig *config, const CsBridgeArchiveSpec *archives, guint n_archives,
               GError **error)
{
  g_autoptr(CsBridgeConfig) cfg = config;
  g_return_val_if_fail (n_archives > 0, NULL);
  g_autoptr(CadcAuth) auth = cadc_auth_load (error);
  if (auth == NULL)
    return NULL;
  if (cadc_auth_get_cert (auth) != NULL && !check_cert (cadc_auth_get_cert (auth), error))
    return NULL;
  g_autoptr(CsBridgeCache) cache = cs_bridge_cache_new (NULL, cfg->cache_max_bytes, error);
  if (cache == NULL)
    return NULL;
  CsBridge *b = g_new0 (CsBridge, 1);
  b->config = g_steal_pointer (&cfg);
  b->cache = g_steal_pointer (&cache);
  b->archives = g_ptr_array_new_with_free_func ((GDestroyNotify) archive_free);
  for (guint i = 0; i < n_archives; i++)
    {
      CsBridgeArchive *a = g_new0 (CsBridgeArchive, 1);
      a->name = g_strdup (archives[i].name);
      a->label = g_strdup (archives[i].label);
      a->collection = g_strdup (archives[i].collection);
      /* the user's credentials (validated above) to each archive that
       * takes them; a CadcClient owns its copy */
      CadcAuth *own = NULL;
      if (!archives[i].anonymous)
        own = auth != NULL ? g_steal_pointer (&auth) : cadc_auth_load (NULL);
      a->cadc = cadc_client_new (&archives[i].client, own);
      if (archives[i].client.tap != NULL)
        a->contact = g_strdup_printf ("TAP service %s", archives[i].client.tap);
      else if (archives[i].client.registry != NULL)
        a->contact = g_strdup_printf ("registry %s", archives[i].client.registry);
      else
        a->contact = g_strdup ("registry");
      g_ptr_array_add (b->archives, a);
    }
  cs_bridge_core_init (b);
  return b;
}

static void
on_hub_lost (SampClient *client, const char *reason, gpointer user_data)
{
  (void) client;
  (void) user_data;
  g_message ("hub lost (%s); will register again when a hub appears",
             reason ? reason : "no reason given");
}

static void
on_hub_connected (SampClient *client, gpointer user_data)
{
  (void) user_data;
  g_message ("registered with the hub at %s as %s", samp_client_get_hub_url (client),
             samp_client_get_self_id (client));
}

/* The background lookup of an archive's TAP service, started once
 * registered. */
typedef struct {
  CsBridge *bridge;
  CsBridgeArchive *archive;
} Discovery;

static void discovered (GObject *source, GAsyncResult *res, gpointer user_data);

static void
tell_discovery (CsBridge *b, CsBridgeArchive *a, guint next_in_s, gboolean unreachable,
                gboolean done)
{
  CsBridgeDiscoveryProgress p = { a->label, a->contact, a->discovery_attempt, next_in_s,
                                  unreachable, done };

  if (b->discovery_func != NULL)
    b->discovery_func (&p, b->discovery_data);
}

static void
discover_attempt (CsBridge *b, CsBridgeArchive *a)
{
  Discovery *d = g_new0 (Discovery, 1);

  d->bridge = b;
  d->archive = a;
  a->discovery_attempt++;
  tell_discovery (b, a, 0, FALSE, FALSE);
  cadc_client_discover_async (a->cadc, b->cancel, discovered, d);
}

static gboolean discovery_tick (gpointer data);

/* The wait between first-discovery attempts, in the background whether
 * or not anyone watches (a request meanwhile also tries, once the
 * client's own wait is over): the client's wait (2 s doubling to 60 s),
 * then the next attempt.  With a progress watcher (a terminal), a tick at
 * each whole second left, telling the time left. */
static void
discovery_wait (CsBridge *b, CsBridgeArchive *a, gboolean unreachable, gboolean failed_now)
{
  guint left = cadc_client_discovery_retry_in (a->cadc);
  Discovery *tick;
  guint step;

  if (left == 0 && failed_now)
    left = 1000;          /* a failure without a wait: never a busy loop */
  if (left == 0)
    {
      discover_attempt (b, a);
      return;
    }
  tell_discovery (b, a, (left + 999) / 1000, unreachable, FALSE);
  step = b->discovery_func == NULL ? left : left % 1000 ? left % 1000 : 1000;
  tick = g_new0 (Discovery, 1);
  tick->bridge = b;
  tick->archive = a;
  a->discovery_timer = g_timeout_add_full (G_PRIORITY_DEFAULT, step, discovery_tick, tick, g_free);
}

static gboolean
discovery_tick (gpointer data)
{
  Discovery *d = data;

  d->archive->discovery_timer = 0;
  discovery_wait (d->bridge, d->archive, TRUE, FALSE);
  return G_SOURCE_REMOVE;
}

static void
discovered (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autofree Discovery *d = user_data;
  CsBridgeArchive *a = d->archive;
  g_autoptr(GError) error = NULL;
  (void) source;

  if (!cadc_client_discover_finish (a->cadc, res, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;   /* stopping: the bridge may be going */
      gboolean unreachable = cadc_client_is_unreachable_error (error);
      if (a->discovery_attempt <= 1)
        {
          g_autofree char *line = g_strdup_printf (
            "listening; the %s archive is %s for now (%s); it is looked up again in the "
            "background and on the next request", a->label,
            unreachable ? "unreachable" : "not usable", error->message);
          g_message ("%s", line);
          cs_bridge_note_activity (d->bridge, line);
        }
      /* try again after the client's wait (counting down on a terminal) */
      if (a->discovery_timer == 0)
        discovery_wait (d->bridge, a, unreachable, TRUE);
      return;
    }
  if (a->discovery_attempt > 0)
    tell_discovery (d->bridge, a, 0, FALSE, TRUE);
  a->discovery_attempt = 0;   /* found: no more progress */
  if (a->tap == NULL)
    a->tap = cadc_client_get_tap_url (a->cadc, NULL);   /* known now: no network */
  g_message ("listening; %s%sTAP %s, results in %s", d->bridge->archives->len > 1 ? a->name : "",
             d->bridge->archives->len > 1 ? ": " : "", a->tap,
             cs_bridge_cache_get_dir (d->bridge->cache));
}

gboolean
cs_bridge_start (CsBridge *b, GMainLoop *loop, GError **error)
{
  b->loop = loop;
  for (guint i = 0; b->config->once && i < b->archives->len; i++)
    {
      /* a one-shot run: the archives now or exit 4, as the archive
       * commands (blocking, before the main loop runs) */
      CsBridgeArchive *a = g_ptr_array_index (b->archives, i);
      g_clear_pointer (&a->tap, g_free);
      a->tap = cadc_client_get_tap_url (a->cadc, error);
      if (a->tap == NULL)
        {
          g_prefix_error (error, "cannot find the %s TAP service: ", a->label);
          return FALSE;
        }
    }
  CsBridgeHubMode mode = b->config->hub_mode;
  if (mode == CS_BRIDGE_HUB_ALWAYS
      || (mode == CS_BRIDGE_HUB_AUTO && !samp_hub_is_live (NULL, 1000)))
    {
      b->hub = samp_hub_new ();
      samp_hub_set_web_profile (b->hub, &b->config->hub_web);
      if (!samp_hub_start (b->hub, error))
        {
          g_prefix_error (error, "cannot start a SAMP hub: ");
          return FALSE;
        }
      g_message ("started an in-process SAMP hub at %s", samp_hub_get_url (b->hub));
    }

  b->client = samp_client_new ("cadc-samp");
  samp_client_set_metadata (b->client, "samp.description.text",
                            "Queries the CADC archive for the positions, tables and images "
                            "other tools send, and sends back the results");
  samp_client_set_metadata (b->client, "samp.documentation.url",
                            "https://github.com/cadc-samp/cadc-samp");
  samp_client_set_metadata (b->client, "cadc-samp.version", PACKAGE_VERSION);
  cs_bridge_positions_subscribe (b);
  cs_bridge_calls_subscribe (b);
  cs_bridge_peer_tables_subscribe (b);
  cs_bridge_peer_images_subscribe (b);
  cs_bridge_rows_subscribe (b);
  cs_bridge_cutouts_subscribe (b);
  b->viewers = cs_viewers_new (b->client, b->config, b->cancel);
  cs_viewers_set_idle_func (b->viewers, (void (*) (gpointer)) cs_bridge_check_once, b);
  g_signal_connect (b->client, "hub-lost", G_CALLBACK (on_hub_lost), b);
  g_signal_connect (b->client, "hub-connected", G_CALLBACK (on_hub_connected), b);

  if (!samp_client_connect (b->client, error))
    return FALSE;
  for (guint i = 0; i < b->archives->len; i++)
    /* known already (--once): logs at once */
    discover_attempt (b, g_ptr_array_index (b->archives, i));
  samp_client_set_auto_reconnect (b->client, TRUE);
  return TRUE;
}

void
cs_bridge_set_discovery_func (CsBridge *b, CsBridgeDiscoveryFunc func, gpointer user_data)
{
  b->discovery_func = func;
  b->discovery_data = user_data;
}

void
cs_bridge_stop (CsBridge *b)
{
  g_cancellable_cancel (b->cancel);
  b->discovery_func = NULL;
  for (guint i = 0; i < b->archives->len; i++)
    {
      CsBridgeArchive *a = g_ptr_array_index (b->archives, i);
      g_clear_handle_id (&a->discovery_timer, g_source_remove);
    }
  cs_bridge_positions_stop (b);
  if (b->client)
    samp_client_disconnect (b->client);
  if (b->hub)
    samp_hub_stop (b->hub);
}

void
cs_bridge_load_image (CsBridge *b, const char *path)
{
  g_autofree char *name = g_path_get_basename (path);
  g_message ("image %s: querying its footprint", path);
  cs_bridge_footprint_query (b, "the command line", NULL, "--image", path, name);
}

guint
cs_bridge_get_n_failures (CsBridge *b)
{
  return b->n_failures;
}

guint
cs_bridge_get_n_queries (CsBridge *b)
{
  return b->n_queries;
}

void
cs_bridge_free (CsBridge *b)
{
  if (b == NULL)
    return;
  cs_bridge_stop (b);
  /* Let cancelled requests (SAMP calls, archive requests) report back
   * while everything they touch is still there (bounded: two seconds;
   * after the main loop has ended, never from inside a callback). */
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while ((b->position_cancel || b->n_inflight > 0)
         && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  /* Freeing the client ends the archive requests still running: their
   * callbacks run from inside cadc_client_free with G_IO_ERROR_CANCELLED
   * and still find the bridge whole (and their archive's client set: they
   * pass it to the _finish calls), so they go first. */
  for (guint i = 0; i < b->archives->len; i++)
    {
      CsBridgeArchive *a = g_ptr_array_index (b->archives, i);
      cadc_client_free (a->cadc);
      a->cadc = NULL;
    }
  g_clear_pointer (&b->viewers, cs_viewers_close);
  g_clear_object (&b->client);
  g_clear_pointer (&b->hub, samp_hub_free);
  g_clear_pointer (&b->cache, cs_bridge_cache_free);
  cs_bridge_core_clear (b);
  g_clear_object (&b->position_cancel);
  cs_bridge_config_free (b->config);
  g_ptr_array_free (b->archives, TRUE);
  g_free (b);
}

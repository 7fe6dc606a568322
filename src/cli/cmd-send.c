/* cmd-send.c: `cadc-samp send`, one SAMP message from the command line.
 *
 *   send table FILE|URL [--name N] [--id ID]    table.load.votable / .fits
 *   send image FILE|URL [--name N] [--id ID]    image.load.fits
 *   send point RA DEC                           coord.pointAt.sky
 *   send mtype MTYPE [key=value ...]
 * common: [--to CLIENT] [--call [--timeout S]]
 *
 * Registers briefly, sends, unregisters (also on SIGINT/SIGTERM).  By
 * default the message is a notification (to --to, else to all
 * subscribers); --call does callAndWait per recipient, in parallel, prints
 * each response and succeeds only if every one is samp.ok or samp.warning
 * (acted on, with a caveat).  Local files go out as absolute file:// URLs.
 */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>

#include "cli-options.h"
#include "samp.h"
#include "vo-sync.h"

static const char usage_text[] =
  "Usage: cadc-samp send table FILE|URL [--name NAME] [--id TABLE-ID] [OPTIONS]\n"
  "       cadc-samp send image FILE|URL [--name NAME] [--id IMAGE-ID] [OPTIONS]\n"
  "       cadc-samp send point RA DEC [OPTIONS]\n"
  "       cadc-samp send mtype MTYPE [KEY=VALUE ...] [OPTIONS]\n"
  "\n"
  "Send one SAMP message.  Tables ending in .fits/.fit/.fits.gz go as table.load.fits,\n"
  "others as table.load.votable; images as image.load.fits; points (decimal degrees,\n"
  "negative values allowed) as coord.pointAt.sky.  Local files are sent as file:// URLs.\n"
  "\n"
  "Exit status: 0 if sent (with --call: every recipient answered samp.ok or\n"
  "samp.warning), 1 if a recipient failed or nobody is subscribed, 2 usage,\n"
  "3 no SAMP hub, 5 file not found.\n";

typedef struct {
  char *to;
  char *name;
  char *id;
  gboolean call;
  guint timeout;
  GPtrArray *args;     /* positionals */
} SendOptions;

static SampClient *signal_client;

static gboolean
on_signal (gpointer data)
{
  (void) data;
  if (signal_client)
    samp_client_disconnect (signal_client);
  exit (CS_EXIT_FAILED);
  return G_SOURCE_REMOVE;
}

static gboolean
parse_options (CsGlobalOptions *g, int argc, char **argv, SendOptions *o, int *rc)
{
  static const CliCommandLine cl = { usage_text, 0, G_MAXUINT, NULL };
  g_autofree char *timeout = NULL;
  GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &o->to,
      "only this client (its id or samp.name); default: every subscriber", "CLIENT" },
    { "call", 0, 0, G_OPTION_ARG_NONE, &o->call,
      "call and wait for each recipient's response (default: notify)", NULL },
    { "timeout", 0, 0, G_OPTION_ARG_FILENAME, &timeout,
      "with --call: seconds to wait for each response (default 30)", "SECS" },
    { "name", 0, 0, G_OPTION_ARG_FILENAME, &o->name, "display name of the table or image", "NAME" },
    { "id", 0, 0, G_OPTION_ARG_FILENAME, &o->id,
      "table-id / image-id (default: generated, printed)", "ID" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  guint64 t;

  if (!cli_options_parse (g, argc, argv, &cl, entries, o->args, rc))
    return FALSE;
  if (timeout == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (timeout, 10, 1, 86400, &t, NULL))
    {
      cs_print_error ("send: --timeout needs a number of seconds (1-86400), not \"%s\"", timeout);
      *rc = CS_EXIT_USAGE;
      return FALSE;
    }
  o->timeout = (guint) t;
  return TRUE;
}

/* A URL stays as it is; a local file must exist and becomes file://ABS. */
static char *
to_url (const char *what, int *rc, GError **error)
{
  g_autofree char *abs = NULL;

  if (strstr (what, "://") != NULL)
    return g_strdup (what);
  if (!g_file_test (what, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s: no such file", what);
      *rc = CS_EXIT_IO;
      return NULL;
    }
  abs = g_canonicalize_filename (what, NULL);
  return g_filename_to_uri (abs, NULL, error);
}

static gboolean
is_fits_name (const char *s)
{
  g_autofree char *low = g_ascii_strdown (s, -1);
  char *q = strchr (low, '?');

  if (q)
    *q = '\0';
  return g_str_has_suffix (low, ".fits") || g_str_has_suffix (low, ".fit")
         || g_str_has_suffix (low, ".fits.gz") || g_str_has_suffix (low, ".fts");
}

/* Build MTYPE and params from the positionals; prints usage errors. */
static gboolean
build_message (SendOptions *o, char **mtype, GVariant **params, int *rc)
{
  const char *kind = o->args->len > 0 ? g_ptr_array_index (o->args, 0) : NULL;
  g_autoptr(GError) error = NULL;

  *rc = CS_EXIT_USAGE;
  if (kind == NULL)
    {
      cs_print_error ("send: what to send? table, image, point or mtype (see --help)");
      return FALSE;
    }
  if (strcmp (kind, "table") == 0 || strcmp (kind, "image") == 0)
    {
      gboolean table = kind[0] == 't';
      g_autofree char *url = NULL;
      g_autofree char *id = NULL;
      if (o->args->len != 2)
        {
          cs_print_error ("send %s: needs exactly one FILE or URL", kind);
          return FALSE;
        }
      url = to_url (g_ptr_array_index (o->args, 1), rc, &error);
      if (url == NULL)
        {
          cs_print_error ("%s", error->message);
          return FALSE;
        }
      id = o->id ? g_strdup (o->id)
                 : g_strdup_printf ("cadc-samp-%s-%d-%" G_GINT64_FORMAT, kind, (int) getpid (),
                                    g_get_real_time () / 1000);
      *mtype = g_strdup (!table ? "image.load.fits"
                         : is_fits_name (url) ? "table.load.fits" : "table.load.votable");
      *params = samp_map_new_strings ("url", url, table ? "table-id" : "image-id", id,
                                      "name", o->name, NULL);
      printf ("%s-id: %s\n", kind, id);
      return TRUE;
    }
  if (strcmp (kind, "point") == 0)
    {
      double ra, dec;
      g_autofree char *sra = NULL, *sdec = NULL;
      if (o->args->len != 3)
        {
          cs_print_error ("send point: needs RA and DEC in decimal degrees");
          return FALSE;
        }
      if (!samp_parse_float (g_ptr_array_index (o->args, 1), &ra, &error)
          || !samp_parse_float (g_ptr_array_index (o->args, 2), &dec, &error)
          || !isfinite (ra) || !isfinite (dec))
        {
          cs_print_error ("send point: %s", error ? error->message : "RA/DEC must be finite");
          return FALSE;
        }
      if (dec < -90 || dec > 90)
        {
          cs_print_error ("send point: DEC %g is outside [-90, 90]", dec);
          return FALSE;
        }
      ra = fmod (ra, 360.0);
      if (ra < 0)
        ra += 360.0;
      sra = samp_format_float (ra);
      sdec = samp_format_float (dec);
      *mtype = g_strdup ("coord.pointAt.sky");
      *params = samp_map_new_strings ("ra", sra, "dec", sdec, NULL);
      return TRUE;
    }
  if (strcmp (kind, "mtype") == 0)
    {
      GVariantBuilder b;
      const char *mt = o->args->len > 1 ? g_ptr_array_index (o->args, 1) : NULL;
      if (!samp_mtype_is_valid (mt))
        {
          cs_print_error ("send mtype: \"%s\" is not a valid MType", mt ? mt : "");
          return FALSE;
        }
      g_variant_builder_init (&b, SAMP_TYPE_MAP);
      for (guint i = 2; i < o->args->len; i++)
        {
          const char *kv = g_ptr_array_index (o->args, i);
          const char *eq = strchr (kv, '=');
          g_autofree char *key = NULL;
          if (eq == NULL || eq == kv)
            {
              g_variant_builder_clear (&b);
              cs_print_error ("send mtype: \"%s\" is not KEY=VALUE", kv);
              return FALSE;
            }
          key = g_strndup (kv, (gsize) (eq - kv));
          g_variant_builder_add (&b, "{sv}", key, g_variant_new_string (eq + 1));
        }
      *mtype = g_strdup (mt);
      *params = g_variant_ref_sink (g_variant_builder_end (&b));
      return TRUE;
    }
  cs_print_error ("send: unknown kind \"%s\": table, image, point or mtype", kind);
  return FALSE;
}

typedef struct {
  SampClient *client;
  char *id;
  GVariant *response;
  GError *error;
  guint *outstanding;
} CallSlot;

static gboolean
none_outstanding (gpointer data)
{
  return *(guint *) data == 0;
}

static void
call_done (GObject *source, GAsyncResult *res, gpointer data)
{
  CallSlot *s = data;

  s->response = samp_client_call_and_wait_finish (SAMP_CLIENT (source), res, &s->error);
  (*s->outstanding)--;
}

static const char *
client_label (SampClient *c, const char *id, char **buf)
{
  g_autoptr(GVariant) md = samp_client_dup_known_metadata (c, id);
  const char *name = samp_map_lookup_string (md, "samp.name");
  g_autofree char *raw = name ? g_strdup_printf ("%s (%s)", id, name) : g_strdup (id);

  *buf = cs_safe (raw);     /* the hub's id and the peer's name: their text */
  return *buf;
}

static int
do_send (SampClient *c, SendOptions *o, const char *mtype, GVariant *params)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) recipients = g_ptr_array_new_with_free_func (g_free);

  if (o->to != NULL)
    {
      char *id = samp_client_find_client (c, o->to);
      if (id == NULL)
        {
          cs_print_error ("no SAMP client with id or name \"%s\"", o->to);
          return CS_EXIT_FAILED;
        }
      g_ptr_array_add (recipients, id);
    }
  else if (o->call)
    {
      g_autoptr(GVariant) subs = samp_client_get_subscribed_clients (c, mtype, &error);
      GVariantIter it;
      const char *k;
      GVariant *v;
      if (subs == NULL)
        {
          cs_print_error ("%s", error->message);
          return CS_EXIT_FAILED;
        }
      g_variant_iter_init (&it, subs);
      while (g_variant_iter_next (&it, "{&sv}", &k, &v))
        {
          g_ptr_array_add (recipients, g_strdup (k));
          g_variant_unref (v);
        }
    }
  else
    {
      g_auto(GStrv) ids = samp_client_notify_all (c, mtype, g_variant_ref (params), &error);
      if (ids == NULL)
        {
          cs_print_error ("%s", error->message);
          return CS_EXIT_FAILED;
        }
      if (ids[0] == NULL)
        {
          cs_print_error ("no SAMP client is subscribed to %s", mtype);
          return CS_EXIT_FAILED;
        }
      for (guint i = 0; ids[i]; i++)
        {
          g_autofree char *buf = NULL;
          printf ("notified %s\n", client_label (c, ids[i], &buf));
        }
      return CS_EXIT_OK;
    }

  if (recipients->len == 0)
    {
      cs_print_error ("no SAMP client is subscribed to %s", mtype);
      return CS_EXIT_FAILED;
    }
  if (!o->call)
    {
      const char *id = g_ptr_array_index (recipients, 0);
      g_autofree char *buf = NULL;
      if (!samp_client_notify (c, id, mtype, g_variant_ref (params), &error))
        {
          cs_print_error ("%s: %s", client_label (c, id, &buf), error->message);
          return CS_EXIT_FAILED;
        }
      printf ("notified %s\n", client_label (c, id, &buf));
      return CS_EXIT_OK;
    }

  /* --call: callAndWait to every recipient at once */
  {
    guint outstanding = recipients->len;
    g_autofree CallSlot *slots = g_new0 (CallSlot, recipients->len);
    int rc = CS_EXIT_OK;

    for (guint i = 0; i < recipients->len; i++)
      {
        slots[i].id = g_ptr_array_index (recipients, i);
        slots[i].outstanding = &outstanding;
        samp_client_call_and_wait_async (c, slots[i].id, mtype, g_variant_ref (params),
                                         o->timeout, NULL, call_done, &slots[i]);
      }
    vo_sync_wait (NULL, NULL, none_outstanding, &outstanding);
    for (guint i = 0; i < recipients->len; i++)
      {
        g_autofree char *buf = NULL;
        const char *label = client_label (c, slots[i].id, &buf);
        if (slots[i].response == NULL)
          {
            g_autofree char *msg = cs_safe (slots[i].error->message);
            printf ("%s: failed: %s\n", label, msg);
            rc = CS_EXIT_FAILED;
            g_clear_error (&slots[i].error);
            continue;
          }
        {
          g_autofree char *json = samp_value_to_json (slots[i].response);
          g_autofree char *safe = cs_safe (json);
          printf ("%s: %s\n", label, safe);
        }
        /* samp.warning: the recipient acted on the message with a caveat
         * (SAMP 1.3 §3.9), e.g. TOPCAT with no window that uses a position */
        if (!samp_response_is_ok (slots[i].response)
            && g_strcmp0 (samp_response_get_status (slots[i].response), "samp.warning") != 0)
          rc = CS_EXIT_FAILED;
        g_variant_unref (slots[i].response);
      }
    return rc;
  }
}

static int
run_send (CsGlobalOptions *global, int argc, char **argv)
{
  SendOptions o = { 0 };
  g_autoptr(SampClient) c = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mtype = NULL;
  g_autoptr(GVariant) params = NULL;
  int rc = CS_EXIT_OK;

  o.timeout = 30;
  o.args = g_ptr_array_new ();
  if (!parse_options (global, argc, argv, &o, &rc) || !build_message (&o, &mtype, &params, &rc))
    goto out;

  /* not "cadc-samp": that name is the bridge's (listen), which peers and
   * users look for */
  c = samp_client_new ("cadc-samp send");
  samp_client_set_metadata (c, "samp.description.text", "cadc-samp send (command line)");
  signal_client = c;
  g_unix_signal_add (SIGINT, on_signal, NULL);
  g_unix_signal_add (SIGTERM, on_signal, NULL);
  if (!samp_client_connect (c, &error))
    {
      rc = cli_exit_fail (CLI_STAGE_SAMP, g_steal_pointer (&error));
      goto out;
    }
  rc = do_send (c, &o, mtype, params);
  fflush (stdout);
  samp_client_disconnect (c);
  signal_client = NULL;

out:
  g_free (o.to);
  g_free (o.name);
  g_free (o.id);
  g_ptr_array_unref (o.args);
  return rc;
}

const CsCommand cs_command_send = {
  "send", "send a table, image, sky position or any MType over SAMP", run_send
};

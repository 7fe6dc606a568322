/* cmd-status.c: `cadc-samp status`, who is on the SAMP hub.
 *
 * Registers briefly as a SAMP client, prints the hub URL, our own id and
 * every other registered client with its samp.name and subscriptions
 * (an aligned table, or JSON with --json), then unregisters; a running
 * `cadc-samp listen` also gets a line with its last activity (its
 * cadc-samp.last-activity metadata).  The hub secret and our private key
 * are never printed.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>

#include "cli-options.h"
#include "samp.h"

static const char usage_text[] =
  "Usage: cadc-samp status [--json]\n"
  "\n"
  "Show the SAMP hub in use (SAMP_HUB=std-lockurl:URL or ~/.samp), our client id\n"
  "while connected, and every registered client with its name and subscriptions;\n"
  "for a running `cadc-samp listen`, what it did last (its last table sent and\n"
  "who loaded it, or its last failure).\n";

static int
compare_strp (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static char **
subscription_keys (GVariant *subs)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GVariantIter it;
  const char *k;
  GVariant *v;

  if (subs != NULL)
    {
      g_variant_iter_init (&it, subs);
      while (g_variant_iter_next (&it, "{&sv}", &k, &v))
        {
          g_ptr_array_add (keys, g_strdup (k));
          g_variant_unref (v);
        }
    }
  g_ptr_array_sort (keys, compare_strp);
  g_ptr_array_add (keys, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&keys), FALSE);
}

static void
print_json (SampClient *c, char **ids)
{
  g_autofree char *url = NULL, *self = NULL;
  GString *out = g_string_new ("{");
  g_autoptr(GVariant) s_url = samp_string_new (samp_client_get_hub_url (c));
  g_autoptr(GVariant) s_self = samp_string_new (samp_client_get_self_id (c));

  url = samp_value_to_json (s_url);
  self = samp_value_to_json (s_self);
  g_string_append_printf (out, "\"hub_url\": %s, \"self_id\": %s, \"clients\": [", url, self);
  for (guint i = 0; ids[i]; i++)
    {
      g_autoptr(GVariant) md = samp_client_dup_known_metadata (c, ids[i]);
      g_autoptr(GVariant) subs = samp_client_dup_known_subscriptions (c, ids[i]);
      g_autoptr(GVariant) sid = samp_string_new (ids[i]);
      g_autoptr(GVariant) empty = samp_map_new_empty ();
      g_autofree char *j_id = samp_value_to_json (sid);
      g_autofree char *j_md = samp_value_to_json (md ? md : empty);
      g_autofree char *j_subs = samp_value_to_json (subs ? subs : empty);
      const char *name = samp_map_lookup_string (md, "samp.name");
      g_autoptr(GVariant) sname = samp_string_new (name ? name : "");
      g_autofree char *j_name = samp_value_to_json (sname);
      g_string_append_printf (out, "%s{\"id\": %s, \"name\": %s, \"metadata\": %s, "
                              "\"subscriptions\": %s}", i ? ", " : "", j_id, j_name, j_md, j_subs);
    }
  g_string_append (out, "]}\n");
  fputs (out->str, stdout);
  g_string_free (out, TRUE);
}

static void
print_table (SampClient *c, char **ids)
{
  int wid = 2, wname = 4;

  printf ("hub:     %s\n", samp_client_get_hub_url (c));
  printf ("self id: %s\n", samp_client_get_self_id (c));
  for (guint i = 0; ids[i]; i++)
    {
      g_autoptr(GVariant) md = samp_client_dup_known_metadata (c, ids[i]);
      const char *raw = samp_map_lookup_string (md, "samp.name");
      g_autofree char *name = raw ? cs_safe (raw) : NULL;   /* a peer's text */
      wid = MAX (wid, (int) strlen (ids[i]));
      wname = MAX (wname, name ? (int) g_utf8_strlen (name, -1) : 1);
    }
  printf ("\n%-*s  %-*s  %s\n", wid, "ID", wname, "NAME", "SUBSCRIPTIONS");
  for (guint i = 0; ids[i]; i++)
    {
      g_autoptr(GVariant) md = samp_client_dup_known_metadata (c, ids[i]);
      g_autoptr(GVariant) subs = samp_client_dup_known_subscriptions (c, ids[i]);
      g_auto(GStrv) keys = subscription_keys (subs);
      g_autofree char *joined = g_strjoinv (" ", keys);
      const char *raw = samp_map_lookup_string (md, "samp.name");
      g_autofree char *name = raw ? cs_safe (raw) : NULL;
      int pad = wname - (name ? (int) g_utf8_strlen (name, -1) : 1);
      printf ("%-*s  %s%*s  %s\n", wid, ids[i], name ? name : "-", pad, "", joined);
    }
  /* what a running `cadc-samp listen` did last (cs_bridge_note_activity) */
  for (guint i = 0; ids[i]; i++)
    {
      g_autoptr(GVariant) md = samp_client_dup_known_metadata (c, ids[i]);
      const char *last = samp_map_lookup_string (md, "cadc-samp.last-activity");
      if (last)
        printf ("\n%s last activity: %s\n", ids[i], last);
    }
}

/* Unregister before dying, so the hub keeps no dead client. */
static gboolean
on_signal (gpointer data)
{
  samp_client_disconnect (data);
  exit (CS_EXIT_FAILED);
  return G_SOURCE_REMOVE;
}

static int
run_status (CsGlobalOptions *global, int argc, char **argv)
{
  static const CliCommandLine cl = { usage_text, 0, 0, NULL };
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "print one JSON object instead of a table", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  int rc;
  g_autoptr(SampClient) c = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;

  if (!cli_options_parse (global, argc, argv, &cl, entries, args, &rc))
    return rc;

  c = samp_client_new ("cadc-samp status");
  samp_client_set_metadata (c, "samp.description.text", "cadc-samp status query");
  g_unix_signal_add (SIGINT, on_signal, c);
  g_unix_signal_add (SIGTERM, on_signal, c);
  if (!samp_client_connect (c, &error))
    return cli_exit_fail (CLI_STAGE_SAMP, g_steal_pointer (&error));
  ids = samp_client_list_known_clients (c);
  qsort (ids, g_strv_length (ids), sizeof (char *), compare_strp);
  if (json)
    print_json (c, ids);
  else
    print_table (c, ids);
  fflush (stdout);
  samp_client_disconnect (c);
  return CS_EXIT_OK;
}

const CsCommand cs_command_status = {
  "status", "show the SAMP hub and its registered clients", run_status
};

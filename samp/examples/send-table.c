/* send-table.c: send a VOTable to every SAMP client that takes tables.
 *
 *   send-table FILE.vot [NAME]
 *
 * Registers with the running hub as "send-table", sends
 * table.load.votable (the file's URL, a table-id and a display name) to
 * every subscribed client with samp.hub.callAll, prints each recipient's
 * answer and unregisters.  Exit status: 0 when at least one client took
 * the table, 1 otherwise.
 *
 * Build:  cc send-table.c $(pkg-config --cflags --libs samp) -o send-table
 */
#include <samp/samp.h>
#include <stdio.h>

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s FILE.vot [NAME]\n", argv[0]);
      return 2;
    }

  /* SAMP passes tables by URL: the recipients read the file themselves. */
  g_autofree char *path = g_canonicalize_filename (argv[1], NULL);
  g_autofree char *url = g_filename_to_uri (path, NULL, &error);
  if (url == NULL)
    {
      fprintf (stderr, "send-table: %s\n", error->message);
      return 2;
    }
  g_autofree char *name = g_path_get_basename (path);

  g_autoptr(SampClient) client = samp_client_new ("send-table");
  samp_client_set_metadata (client, "samp.description.text", "libsamp example: sends one table");
  if (!samp_client_connect (client, &error))
    {
      fprintf (stderr, "send-table: %s\n", error->message);
      return 1;
    }

  /* callAll: one response per recipient, each within 30 s. */
  GVariant *params = samp_map_new_strings ("url", url, "table-id", url,
                                           "name", argc > 2 ? argv[2] : name, NULL);
  g_autoptr(GVariant) answers = samp_client_call_all (client, "table.load.votable", params,
                                                      30, &error);
  if (answers == NULL)
    {
      fprintf (stderr, "send-table: %s\n", error->message);
      samp_client_disconnect (client);
      return 1;
    }

  guint n_ok = 0;
  GVariantIter iter;
  const char *id;
  GVariant *response;
  g_variant_iter_init (&iter, answers);
  while (g_variant_iter_loop (&iter, "{&sv}", &id, &response))
    {
      g_autoptr(GVariant) metadata = samp_client_get_metadata (client, id, NULL);
      const char *who = metadata ? samp_map_lookup_string (metadata, "samp.name") : NULL;
      g_autoptr(GError) failure = NULL;

      if (samp_response_check (response, &failure))
        {
          printf ("%s (%s): loaded %s\n", who ? who : "?", id, url);
          n_ok++;
        }
      else
        printf ("%s (%s): failed: %s\n", who ? who : "?", id, failure->message);
    }
  if (g_variant_n_children (answers) == 0)
    printf ("no client takes tables (table.load.votable)\n");

  samp_client_disconnect (client);
  return n_ok > 0 ? 0 : 1;
}

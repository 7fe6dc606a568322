/* listen-positions.c: print the sky positions other SAMP clients point at.
 *
 *   listen-positions
 *
 * Registers with the running hub as "listen-positions", subscribes to
 * coord.pointAt.sky and prints one line per position that arrives
 * ("ra=RA dec=DEC from NAME", degrees), answering samp.ok (samp.error for
 * a position that is not one).  Ctrl-C or SIGTERM unregisters and ends it.
 *
 * Build:  cc listen-positions.c $(pkg-config --cflags --libs samp) -o listen-positions
 */
#include <samp/samp.h>
#include <stdio.h>

/* Runs on the main loop for each coord.pointAt.sky; @msg_id is NULL for a
 * notification, else the call to answer. */
static void
on_point_at (SampClient *client, const char *sender_id, const char *msg_id,
             const char *mtype, GVariant *params, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  double ra, dec;

  (void) mtype;                 /* always coord.pointAt.sky: the one subscription */
  (void) user_data;
  if (!samp_parse_float (samp_map_lookup_string (params, "ra"), &ra, &error)
      || !samp_parse_float (samp_map_lookup_string (params, "dec"), &dec, &error))
    {
      if (msg_id != NULL)
        samp_client_reply (client, msg_id, samp_response_new_error (error->message));
      return;
    }

  /* The sender's name, from the client table libsamp keeps up to date. */
  g_autoptr(GVariant) metadata = samp_client_dup_known_metadata (client, sender_id);
  const char *who = metadata ? samp_map_lookup_string (metadata, "samp.name") : NULL;

  printf ("ra=%.6f dec=%+.6f from %s\n", ra, dec, who ? who : sender_id);
  fflush (stdout);
  if (msg_id != NULL)
    samp_client_reply (client, msg_id, samp_response_new_ok (NULL));
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(SampClient) client = samp_client_new ("listen-positions");

  samp_client_set_metadata (client, "samp.description.text",
                            "libsamp example: prints the positions it is sent");
  samp_client_subscribe (client, "coord.pointAt.sky", on_point_at, NULL);
  if (!samp_client_connect (client, &error))
    {
      fprintf (stderr, "listen-positions: %s\n", error->message);
      return 1;
    }
  printf ("listening as %s\n", samp_client_get_self_id (client));
  fflush (stdout);

  samp_client_quit_on_signals (client, loop);   /* SIGINT/SIGTERM: unregister, quit */
  g_main_loop_run (loop);
  return 0;
}

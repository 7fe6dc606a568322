/* bench-votable-parse: streams a VOTable file through VoTableReader,
 * counting rows, cells and non-null cells; prints "rows cells nonnull". */
#include "config.h"

#include <stdio.h>

#include "vo-votable.h"

typedef struct {
  guint64 rows, cells, nonnull;
} Count;

static gboolean
on_row (const VoCell *cells, guint n, gpointer user_data)
{
  Count *c = user_data;
  c->rows++;
  c->cells += n;
  for (guint i = 0; i < n; i++)
    c->nonnull += !cells[i].is_null;
  return TRUE;
}

int
main (int argc, char **argv)
{
  static const VoTableCallbacks cb = { .row = on_row };
  Count c = { 0 };
  g_autoptr (GError) error = NULL;

  if (argc != 2)
    return 2;
  g_autoptr (GFile) file = g_file_new_for_path (argv[1]);
  g_autoptr (GFileInputStream) in = g_file_read (file, NULL, &error);
  g_autoptr (VoTableReader) r = vo_table_reader_new (&cb, &c);
  if (in == NULL || !vo_table_reader_parse_stream (r, G_INPUT_STREAM (in), NULL, &error))
    {
      fprintf (stderr, "bench-votable-parse: %s\n", error->message);
      return 1;
    }
  printf ("%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n",
          c.rows, c.cells, c.nonnull);
  return 0;
}

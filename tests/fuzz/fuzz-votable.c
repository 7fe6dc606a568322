/* fuzz-votable.c: the streaming VOTable reader (vo_table_reader_feed /
 * finish) fed in chunks, and vo_table_load_bytes on the whole input.
 *
 * The first input byte seeds the chunk sizes (1..256 bytes, varying), so the
 * SAX push parser sees tags, base64 STREAM text and binary rows split at
 * every kind of boundary.  Every cell is converted to text and numbers, as
 * the callers do. */
#include "fuzz-common.h"
#include "vo-votable.h"

static gboolean
on_row (const VoCell *cells, guint n_cells, gpointer user_data)
{
  GString *out = user_data;
  for (guint i = 0; i < n_cells; i++)
    {
      double d;
      gint64 v;
      gboolean b;
      g_string_truncate (out, 0);
      vo_cell_to_string (&cells[i], out);
      vo_cell_get_double (&cells[i], &d);
      vo_cell_get_int64 (&cells[i], &v);
      vo_cell_get_boolean (&cells[i], &b);
    }
  return TRUE;
}

static void
on_table_start (const char *name, const VoField *fields, guint n_fields,
                gpointer user_data)
{
  (void) name;
  (void) user_data;
  g_auto (GStrv) names = vo_fields_unique_names (fields, n_fields);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init_once ();
  if (size == 0)
    return 0;

  guint seed = data[0];
  const char *doc = (const char *) data + 1;
  gsize len = size - 1;

  /* 1. streaming, in chunks of varying size */
  g_autoptr (GString) out = g_string_new (NULL);
  VoTableCallbacks cb = { 0 };
  cb.row = on_row;
  cb.table_start = on_table_start;
  VoTableReader *reader = vo_table_reader_new (&cb, out);
  g_autoptr (GError) error = NULL;
  gboolean ok = TRUE;
  gsize off = 0;
  while (ok && off < len)
    {
      gsize chunk = 1 + (seed % 256);
      seed = seed * 1103515245u + 12345u;
      seed = (seed >> 8) & 0xffffff;
      if (chunk > len - off)
        chunk = len - off;
      ok = vo_table_reader_feed (reader, doc + off, chunk, &error);
      off += chunk;
    }
  if (ok)
    ok = vo_table_reader_finish (reader, &error);
  fuzz_check_result (ok, error);
  if (ok)
    {
      const char *text = NULL;
      vo_table_reader_get_query_status (reader, &text);
      g_autoptr (GError) qerr = NULL;
      vo_table_reader_check_query_status (reader, &qerr);
    }
  vo_table_reader_free (reader);

  /* 2. the materialised table */
  g_autoptr (GError) error2 = NULL;
  VoTable *table = vo_table_load_bytes (doc, len, &error2);
  fuzz_check_result (table != NULL, error2);
  if (table != NULL)
    {
      guint nf = vo_table_get_n_fields (table);
      guint nr = vo_table_get_n_rows (table);
      for (guint r = 0; r < nr && r < 64; r++)
        for (guint c = 0; c < nf; c++)
          {
            double d;
            vo_table_get_string (table, r, c);
            vo_table_get_double (table, r, c, &d);
          }
      for (guint i = 0; i < vo_table_get_n_resources (table); i++)
        vo_resource_find_param (vo_table_get_resource (table, i), "x", NULL);
      g_autoptr (GError) qerr = NULL;
      vo_table_check_query_status (table, &qerr);
      vo_table_free (table);
    }
  return 0;
}

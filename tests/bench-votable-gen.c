/* bench-votable-gen: writes a CADC-like VOTable for the benchmark.
 * Usage: bench-votable-gen ROWS td|binary2 > file.xml
 * 40 columns: 20 char[*] (one an STC-S polygon), 13 double, 4 int, 2 long,
 * 1 boolean; column k is null with probability 5 % + 85 % * k / 39.
 * Deterministic (fixed LCG seed). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#define NCOL 40

static guint64 seed = 42;

static guint32
rnd (void)
{
  seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  return (guint32) (seed >> 33);
}

static double
frand (void)
{
  return rnd () / 2147483648.0;
}

static const char *
coltype (int k)
{
  return k < 20 ? "char" : k < 33 ? "double" : k < 37 ? "int" : k < 39 ? "long" : "boolean";
}

static void
value (int k, long row, GString *s)
{
  g_string_truncate (s, 0);
  if (k == 0)
    g_string_printf (s, "obs%ld", row);
  else if (k == 1)
    {
      double ra = frand () * 360, dec = frand () * 180 - 90;
      g_string_printf (s, "polygon %.10f %.10f %.10f %.10f %.10f %.10f %.10f %.10f",
                       ra, dec, ra + 0.1, dec, ra + 0.1, dec + 0.1, ra, dec + 0.1);
    }
  else if (k < 20)
    g_string_printf (s, "value-%u-%s", rnd () % 100000, k % 3 ? "CFHT" : "caom:JCMT/x");
  else if (k < 33)
    g_string_printf (s, "%.15g", frand () * 1000 - 500);
  else if (k < 37)
    g_string_printf (s, "%d", (int) (rnd () % 2000000) - 1000000);
  else if (k < 39)
    g_string_printf (s, "%" G_GINT64_FORMAT, (gint64) rnd () * 1000003);
  else
    g_string_assign (s, rnd () % 2 ? "T" : "F");
}

static void
put_be (GByteArray *b, guint64 v, int size)
{
  for (int i = size - 1; i >= 0; i--)
    {
      guint8 c = (guint8) (v >> (8 * i));
      g_byte_array_append (b, &c, 1);
    }
}

int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: %s ROWS td|binary2\n", argv[0]);
      return 2;
    }
  long rows = atol (argv[1]);
  gboolean bin = strcmp (argv[2], "binary2") == 0;
  GString *s = g_string_new (NULL);
  double pnull[NCOL];

  printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<VOTABLE xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\" version=\"1.4\">\n"
          "<RESOURCE type=\"results\">\n<INFO name=\"QUERY_STATUS\" value=\"OK\"/>\n<TABLE>\n");
  for (int k = 0; k < NCOL; k++)
    {
      pnull[k] = 0.05 + 0.85 * k / (NCOL - 1);
      printf ("<FIELD name=\"c%d\" datatype=\"%s\"%s%s/>\n", k, coltype (k),
              k < 20 ? " arraysize=\"*\"" : "", k == 1 ? " xtype=\"shape\"" : "");
    }
  printf (bin ? "<DATA><BINARY2><STREAM encoding=\"base64\">\n" : "<DATA><TABLEDATA>\n");

  GByteArray *b = g_byte_array_new ();
  char *b64 = g_malloc (1 << 20);
  int state = 0, save = 0;
  for (long r = 0; r < rows; r++)
    {
      if (!bin)
        {
          fputs ("<TR>", stdout);
          for (int k = 0; k < NCOL; k++)
            {
              if (frand () < pnull[k])
                {
                  fputs ("<TD/>", stdout);
                  continue;
                }
              value (k, r, s);
              printf ("<TD>%s</TD>", s->str);
            }
          fputs ("</TR>\n", stdout);
          continue;
        }
      guint8 mask[(NCOL + 7) / 8] = { 0 };
      gboolean isnull[NCOL];
      for (int k = 0; k < NCOL; k++)
        if ((isnull[k] = frand () < pnull[k]))
          mask[k / 8] |= (guint8) (0x80 >> (k % 8));
      g_byte_array_append (b, mask, sizeof mask);
      for (int k = 0; k < NCOL; k++)
        {
          if (isnull[k])
            {
              if (k < 20) put_be (b, 0, 4);
              else if (k < 33) put_be (b, 0, 8);
              else if (k < 37) put_be (b, 0, 4);
              else if (k < 39) put_be (b, 0, 8);
              else put_be (b, '?', 1);
              continue;
            }
          value (k, r, s);
          if (k < 20)
            {
              put_be (b, s->len, 4);
              g_byte_array_append (b, (guint8 *) s->str, s->len);
            }
          else if (k < 33)
            {
              double d = g_ascii_strtod (s->str, NULL);
              guint64 u;
              memcpy (&u, &d, 8);
              put_be (b, u, 8);
            }
          else if (k < 37)
            put_be (b, (guint32) atoi (s->str), 4);
          else if (k < 39)
            put_be (b, (guint64) g_ascii_strtoll (s->str, NULL, 10), 8);
          else
            put_be (b, (guint8) s->str[0], 1);
        }
      if (b->len > 256 * 1024 || r == rows - 1)
        {
          gsize n = g_base64_encode_step (b->data, b->len, TRUE, b64, &state, &save);
          fwrite (b64, 1, n, stdout);
          g_byte_array_set_size (b, 0);
        }
    }
  if (bin)
    {
      gsize n = g_base64_encode_close (TRUE, b64, &state, &save);
      fwrite (b64, 1, n, stdout);
    }
  printf (bin ? "</STREAM></BINARY2></DATA>\n" : "</TABLEDATA></DATA>\n");
  printf ("</TABLE>\n<INFO name=\"QUERY_STATUS\" value=\"OK\"/>\n</RESOURCE>\n</VOTABLE>\n");
  g_byte_array_unref (b);
  g_free (b64);
  g_string_free (s, TRUE);
  return 0;
}

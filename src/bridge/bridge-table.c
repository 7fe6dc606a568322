/* bridge-table.c: position columns, crossmatch uploads, table names.
 *
 * Only reads VoTables handed in by the caller and writes one small file;
 * it never looks at SAMP messages or the network.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bridge-table.h"
#include "vo-coords.h"

static int
find_by_ucd (const VoTable *t, const char *ucd, gboolean exact)
{
  guint n = vo_table_get_n_fields (t);
  for (guint i = 0; i < n; i++)
    {
      const char *u = vo_table_get_field (t, i)->ucd;
      if (u == NULL)
        continue;
      if (exact ? g_ascii_strcasecmp (u, ucd) == 0
                : g_ascii_strncasecmp (u, ucd, strlen (ucd)) == 0)
        return (int) i;
    }
  return -1;
}

static int
find_by_names (const VoTable *t, const char *const *names)
{
  guint n = vo_table_get_n_fields (t);
  for (const char *const *nm = names; *nm; nm++)
    for (guint i = 0; i < n; i++)
      {
        const char *fn = vo_table_get_field (t, i)->name;
        if (fn && g_ascii_strcasecmp (fn, *nm) == 0)
          return (int) i;
      }
  return -1;
}

gboolean
cs_bridge_table_find_position (const VoTable *t, int *ra_col, int *dec_col, GError **error)
{
  static const char *const ra_names[] = {
    "ra", "ra_deg", "raj2000", "_raj2000", "ra_icrs", "ra_j2000", "radeg", "alpha", NULL
  };
  static const char *const dec_names[] = {
    "dec", "dec_deg", "dej2000", "_dej2000", "decj2000", "dec_icrs", "dec_j2000", "dedeg",
    "decl", "delta", NULL
  };
  int ra = find_by_ucd (t, "pos.eq.ra;meta.main", TRUE);
  int dec = find_by_ucd (t, "pos.eq.dec;meta.main", TRUE);
  if (ra < 0 || dec < 0)
    {
      ra = find_by_ucd (t, "pos.eq.ra", FALSE);
      dec = find_by_ucd (t, "pos.eq.dec", FALSE);
    }
  if (ra < 0 || dec < 0)
    {
      ra = find_by_names (t, ra_names);
      dec = find_by_names (t, dec_names);
    }
  if (ra < 0 || dec < 0)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
                   "the table has no RA/Dec columns (no UCD pos.eq.ra/pos.eq.dec "
                   "and no column called ra/dec)");
      return FALSE;
    }
  *ra_col = ra;
  *dec_col = dec;
  return TRUE;
}

gboolean
cs_bridge_table_write_upload (const VoTable *t, int ra_col, int dec_col, const char *path,
                              guint *n_written, GError **error)
{
  g_autoptr(GString) s = g_string_new (
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\">\n"
    "<RESOURCE type=\"results\"><TABLE name=\"upload\">\n"
    "<FIELD name=\"row_index\" datatype=\"int\" ucd=\"meta.id\"/>\n"
    "<FIELD name=\"ra\" datatype=\"double\" unit=\"deg\" ucd=\"pos.eq.ra;meta.main\"/>\n"
    "<FIELD name=\"dec\" datatype=\"double\" unit=\"deg\" ucd=\"pos.eq.dec;meta.main\"/>\n"
    "<DATA><TABLEDATA>\n");
  guint n = vo_table_get_n_rows (t), written = 0;
  for (guint r = 0; r < n; r++)
    {
      double ra, dec;
      if (!vo_table_get_double (t, r, (guint) ra_col, &ra)
          || !vo_table_get_double (t, r, (guint) dec_col, &dec)
          || !isfinite (ra) || !isfinite (dec) || dec < -90 || dec > 90)
        continue;
      g_autofree char *a = vo_format_double (ra);
      g_autofree char *d = vo_format_double (dec);
      g_string_append_printf (s, "<TR><TD>%u</TD><TD>%s</TD><TD>%s</TD></TR>\n", r, a, d);
      written++;
    }
  g_string_append (s, "</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>\n");
  if (written == 0)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
                   "no row of the table has a valid position");
      return FALSE;
    }
  if (!g_file_set_contents_full (path, s->str, (gssize) s->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  *n_written = written;
  return TRUE;
}

char *
cs_bridge_table_name_for_position (const char *label, double ra, double dec,
                                   double radius_deg, const char *collection)
{
  double arcmin = radius_deg * 60;
  char rbuf[G_ASCII_DTOSTR_BUF_SIZE], rabuf[G_ASCII_DTOSTR_BUF_SIZE],
    decbuf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (rbuf, sizeof rbuf, "%g", arcmin >= 1 ? arcmin : arcmin * 60);
  g_ascii_formatd (rabuf, sizeof rabuf, "%.2f", ra);
  g_ascii_formatd (decbuf, sizeof decbuf, "%+.2f", dec);
  return g_strdup_printf ("%s%s%s%s%s%s r%s%s", label ? label : "", label ? " " : "",
                          collection ? collection : "",
                          collection ? " " : "", rabuf, decbuf, rbuf,
                          arcmin >= 1 ? "'" : "\"");
}

char *
cs_bridge_table_name_finish (const char *base, guint64 rows, gboolean overflow, guint seq)
{
  return g_strdup_printf ("%s %" G_GUINT64_FORMAT "%s row%s #%u", base, rows,
                          overflow ? "+" : "", rows == 1 && !overflow ? "" : "s", seq);
}

/* vo-coords.c: POSITION / RADIUS parsing, ICRS -> FK5, number formatting.
 *
 * A position is split into an RA part and a Dec part first (at a comma, at
 * whitespace between two tokens, after the "h..m..s" group, or three and
 * three plain numbers), then each part is read as an angle: "d:m:s",
 * letter units (h/d/deg/°, m/', s/"), or a plain decimal.  Numbers are
 * scanned by hand (digits, one '.', optional exponent) so "nan", "inf",
 * hex floats and trailing junk never get through; the value itself comes
 * from g_ascii_strtod, so the C locale never matters.  Nothing here
 * allocates more than the strings it returns.
 */
#include "config.h"

#include "vo-coords.h"
#include "vo-error.h"

#include <math.h>
#include <string.h>

/* ---- numbers ---------------------------------------------------------- */

/* Scans an unsigned decimal number at *p: digits [. digits] [e[+-]digits].
 * Advances *p past it.  Returns FALSE when no number starts at *p. */
static gboolean
scan_number (const char **p, double *out)
{
  const char *s = *p, *q = s;
  gboolean digits = FALSE;

  while (g_ascii_isdigit (*q)) { q++; digits = TRUE; }
  if (*q == '.')
    {
      q++;
      while (g_ascii_isdigit (*q)) { q++; digits = TRUE; }
    }
  if (!digits)
    return FALSE;
  if (*q == 'e' || *q == 'E')
    {
      const char *e = q + 1;
      if (*e == '+' || *e == '-')
        e++;
      if (g_ascii_isdigit (*e))
        {
          while (g_ascii_isdigit (*e))
            e++;
          q = e;
        }
    }
  g_autofree char *copy = g_strndup (s, q - s);
  char *end = NULL;
  double v = g_ascii_strtod (copy, &end);
  if (end == NULL || *end != '\0' || !isfinite (v))
    return FALSE;
  *out = v;
  *p = q;
  return TRUE;
}

static const char *
skip_space (const char *p)
{
  while (g_ascii_isspace (*p))
    p++;
  return p;
}

/* ---- angles ----------------------------------------------------------- */

/* Unit of one sexagesimal component. */
enum { U_NONE, U_HOUR, U_DEG, U_MIN, U_SEC };

static const char *
scan_unit (const char *p, int *unit)
{
  if (g_str_has_prefix (p, "\xc2\xb0"))         /* ° */
    { *unit = U_DEG; return p + 2; }
  if (g_str_has_prefix (p, "deg"))
    { *unit = U_DEG; return p + 3; }
  switch (*p)
    {
    case 'h': case 'H': *unit = U_HOUR; return p + 1;
    case 'd': case 'D': *unit = U_DEG; return p + 1;
    case 'm': case 'M': case '\'': *unit = U_MIN; return p + 1;
    case 's': case 'S': case '"': *unit = U_SEC; return p + 1;
    default: *unit = U_NONE; return p;
    }
}

/* Reads one angle (no surrounding whitespace) into degrees.  @is_ra makes
 * "a:b:c" hours; "d:m:s" with letters says so itself. */
static gboolean
parse_angle (const char *text, gboolean is_ra, double *deg)
{
  const char *p = text;
  double sign = 1.0;
  gboolean explicit_sign = FALSE;

  if (*p == '+' || *p == '-')
    {
      sign = (*p == '-') ? -1.0 : 1.0;
      explicit_sign = TRUE;
      p++;
    }
  if (explicit_sign && is_ra && sign < 0)
    return FALSE;

  if (strchr (p, ':') != NULL)
    {
      double v[3] = { 0, 0, 0 };
      int n = 0;
      while (TRUE)
        {
          if (n == 3 || !scan_number (&p, &v[n]))
            return FALSE;
          n++;
          if (*p == '\0')
            break;
          if (*p != ':')
            return FALSE;
          p++;
        }
      if (n < 2 || v[1] >= 60 || v[2] >= 60)
        return FALSE;
      /* only the last component may have a fraction */
      if ((n > 1 && v[0] != floor (v[0])) || (n > 2 && v[1] != floor (v[1])))
        return FALSE;
      double a = v[0] + v[1] / 60.0 + v[2] / 3600.0;
      *deg = sign * (is_ra ? a * 15.0 : a);
      return TRUE;
    }

  /* letter units, or a plain number */
  double total = 0.0, prev = 0.0;
  int first_unit = U_NONE, last_unit = U_NONE;
  int count = 0;
  while (*p != '\0')
    {
      double v;
      int unit;
      if (!scan_number (&p, &v))
        return FALSE;
      p = scan_unit (p, &unit);
      if (count == 0)
        {
          first_unit = unit;
          if (unit == U_NONE)
            {
              if (*p != '\0')
                return FALSE;
              total = v;
              count++;
              break;
            }
          if (unit != U_HOUR && unit != U_DEG)
            return FALSE;
          if (unit == U_HOUR && !is_ra)
            return FALSE;
          total = (unit == U_HOUR) ? v * 15.0 : v;
        }
      else
        {
          /* m after h|d, s after m (or directly after h|d) */
          if (unit == U_MIN && last_unit != first_unit)
            return FALSE;
          if (unit == U_SEC && last_unit == U_SEC)
            return FALSE;
          if (unit != U_MIN && unit != U_SEC)
            return FALSE;
          if (v >= 60 || prev != floor (prev) || last_unit == U_SEC)
            return FALSE;
          double scale = (unit == U_MIN) ? 60.0 : 3600.0;
          if (first_unit == U_HOUR)
            scale /= 15.0;
          total += v / scale;
        }
      last_unit = unit;
      prev = v;
      count++;
    }
  if (count == 0)
    return FALSE;
  *deg = sign * total;
  return TRUE;
}

/* ---- position --------------------------------------------------------- */

static gboolean
is_plain_number (const char *s)
{
  double v;
  const char *p = s;
  if (*p == '+' || *p == '-')
    p++;
  return scan_number (&p, &v) && *p == '\0';
}

/* Splits at runs of ASCII whitespace (works on any bytes, unlike GRegex). */
static char **
split_whitespace (const char *text)
{
  GPtrArray *tokens = g_ptr_array_new ();
  const char *p = text;
  while (*p)
    {
      while (g_ascii_isspace (*p))
        p++;
      if (*p == '\0')
        break;
      const char *start = p;
      while (*p && !g_ascii_isspace (*p))
        p++;
      g_ptr_array_add (tokens, g_strndup (start, p - start));
    }
  g_ptr_array_add (tokens, NULL);
  return (char **) g_ptr_array_free (tokens, FALSE);
}

/* Splits @text into RA and Dec parts (both stripped, owned). */
static gboolean
split_position (const char *text, char **ra_part, char **dec_part)
{
  const char *comma = strchr (text, ',');
  if (comma != NULL)
    {
      if (strchr (comma + 1, ',') != NULL)
        return FALSE;
      *ra_part = g_strstrip (g_strndup (text, comma - text));
      *dec_part = g_strstrip (g_strdup (comma + 1));
      return TRUE;
    }

  g_auto (GStrv) tokens = split_whitespace (text);
  guint n = g_strv_length (tokens);
  if (n == 2)
    {
      *ra_part = g_strdup (tokens[0]);
      *dec_part = g_strdup (tokens[1]);
      return TRUE;
    }
  if (n == 6)
    {
      gboolean plain = TRUE;
      for (guint i = 0; i < 6; i++)
        plain = plain && is_plain_number (tokens[i]);
      if (plain)
        {
          *ra_part = g_strjoin (":", tokens[0], tokens[1], tokens[2], NULL);
          *dec_part = g_strjoin (":", tokens[3], tokens[4], tokens[5], NULL);
          return TRUE;
        }
    }

  /* "08h 45m 07.5s +54d 18m 00s", "08h45m07.5s+54d18m00s": RA is the
   * h-group; everything after it is Dec. */
  GString *packed = g_string_new (NULL);
  for (const char *p = text; *p; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (packed, *p);
  const char *h = strpbrk (packed->str, "hH");
  if (h == NULL)
    {
      g_string_free (packed, TRUE);
      return FALSE;
    }
  const char *p = h + 1;
  for (int i = 0; i < 2; i++)
    {
      const char *q = p;
      double v;
      int unit;
      if (!scan_number (&q, &v))
        break;
      q = scan_unit (q, &unit);
      if (unit != (i == 0 ? U_MIN : U_SEC) && !(i == 0 && unit == U_SEC))
        break;
      p = q;
      if (unit == U_SEC)
        break;
    }
  *ra_part = g_strndup (packed->str, p - packed->str);
  *dec_part = g_strdup (p);
  g_string_free (packed, TRUE);
  return TRUE;
}

gboolean
vo_coords_parse_position (const char *text,
                          double     *ra_deg,
                          double     *dec_deg,
                          GError    **error)
{
  g_return_val_if_fail (text != NULL, FALSE);

  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_autofree char *ra_part = NULL, *dec_part = NULL;
  double ra = 0, dec = 0;

  if (*stripped == '\0'
      || !split_position (stripped, &ra_part, &dec_part)
      || *ra_part == '\0' || *dec_part == '\0'
      || !parse_angle (ra_part, TRUE, &ra)
      || !parse_angle (dec_part, FALSE, &dec))
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                   "Invalid POSITION '%s': expected RA and Dec as "
                   "'08h45m07.5s +54d18m00s', '08:45:07.5 +54:18:00' or "
                   "decimal degrees '131.28 54.3'", text);
      return FALSE;
    }
  if (!(ra >= 0.0 && ra <= 360.0))
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                   "Invalid POSITION '%s': RA out of range 0..360 deg (24h)",
                   text);
      return FALSE;
    }
  if (!(dec >= -90.0 && dec <= 90.0))
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                   "Invalid POSITION '%s': Dec out of range -90..90 deg", text);
      return FALSE;
    }
  if (ra == 360.0)
    ra = 0.0;
  *ra_deg = ra;
  *dec_deg = dec;
  return TRUE;
}

/* ---- radius ----------------------------------------------------------- */

static const struct { const char *name; double per_deg; } radius_units[] = {
  { "", 1.0 }, { "deg", 1.0 }, { "degree", 1.0 }, { "degrees", 1.0 },
  { "d", 1.0 }, { "\xc2\xb0", 1.0 },
  { "arcmin", 60.0 }, { "amin", 60.0 }, { "'", 60.0 },
  { "arcsec", 3600.0 }, { "asec", 3600.0 }, { "\"", 3600.0 },
  { "mas", 3600000.0 },
};

gboolean
vo_coords_parse_radius (const char *text, double *radius_deg, GError **error)
{
  g_return_val_if_fail (text != NULL, FALSE);

  g_autofree char *stripped = g_strstrip (g_strdup (text));
  const char *p = stripped;
  double v;
  gboolean negative = FALSE;

  if (*p == '+' || *p == '-')
    {
      negative = (*p == '-');
      p++;
    }
  if (!scan_number (&p, &v))
    goto bad;
  p = skip_space (p);
  for (gsize i = 0; i < G_N_ELEMENTS (radius_units); i++)
    if (g_ascii_strcasecmp (p, radius_units[i].name) == 0)
      {
        double deg = (negative ? -v : v) / radius_units[i].per_deg;
        if (!(deg > 0.0 && deg <= 180.0))
          {
            g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                         "Invalid RADIUS '%s': must be > 0 and <= 180 deg",
                         text);
            return FALSE;
          }
        *radius_deg = deg;
        return TRUE;
      }
bad:
  g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
               "Invalid RADIUS '%s': expected a number with an optional unit "
               "(deg, arcmin, arcsec, ', \"; default deg)", text);
  return FALSE;
}

/* ---- ICRS -> FK5 ------------------------------------------------------ */

static const double icrs_to_fk5[3][3] = {
  { 0.9999999999999928, -1.110223329740834e-07, -4.411804498096776e-08 },
  { 1.1102233723050031e-07, 0.9999999999999891, 9.64779225407974e-08 },
  { 4.411803426976324e-08, -9.647792743888518e-08, 0.9999999999999943 },
};

void
vo_coords_icrs_to_fk5 (double ra_icrs, double dec_icrs,
                       double *ra_fk5, double *dec_fk5)
{
  double ra = ra_icrs * G_PI / 180.0, dec = dec_icrs * G_PI / 180.0;
  double v[3] = { cos (dec) * cos (ra), cos (dec) * sin (ra), sin (dec) };
  double w[3];

  for (int i = 0; i < 3; i++)
    w[i] = icrs_to_fk5[i][0] * v[0] + icrs_to_fk5[i][1] * v[1]
           + icrs_to_fk5[i][2] * v[2];
  double a = atan2 (w[1], w[0]) * 180.0 / G_PI;
  if (a < 0)
    a += 360.0;
  if (a >= 360.0)
    a -= 360.0;
  *ra_fk5 = a;
  *dec_fk5 = atan2 (w[2], hypot (w[0], w[1])) * 180.0 / G_PI;
}

/* ---- formatting ------------------------------------------------------- */

char *
vo_format_double (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char fmt[16];

  if (isnan (value))
    return g_strdup ("nan");
  if (isinf (value))
    return g_strdup (value < 0 ? "-inf" : "inf");

  /* shortest %.Ne that reads back exactly */
  for (int prec = 0; prec <= 16; prec++)
    {
      g_snprintf (fmt, sizeof fmt, "%%.%de", prec);
      g_ascii_formatd (buf, sizeof buf, fmt, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }

  /* buf = [-]d[.ddd]e[+-]xx: collect digits and exponent */
  GString *digits = g_string_new (NULL);
  const char *p = buf;
  gboolean negative = (*p == '-');
  if (negative)
    p++;
  for (; *p && *p != 'e'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  int exp10 = (*p == 'e') ? atoi (p + 1) : 0;
  while (digits->len > 1 && digits->str[digits->len - 1] == '0')
    g_string_truncate (digits, digits->len - 1);

  GString *out = g_string_new (negative ? "-" : "");
  if (exp10 >= -4 && exp10 < 16)
    {
      if (exp10 >= 0)
        {
          for (int i = 0; i <= exp10; i++)
            g_string_append_c (out, (gsize) i < digits->len ? digits->str[i] : '0');
          g_string_append_c (out, '.');
          if ((gsize) exp10 + 1 < digits->len)
            g_string_append (out, digits->str + exp10 + 1);
          else
            g_string_append_c (out, '0');
        }
      else
        {
          g_string_append (out, "0.");
          for (int i = 0; i < -exp10 - 1; i++)
            g_string_append_c (out, '0');
          g_string_append (out, digits->str);
        }
    }
  else
    {
      g_string_append_c (out, digits->str[0]);
      if (digits->len > 1)
        {
          g_string_append_c (out, '.');
          g_string_append (out, digits->str + 1);
        }
      g_string_append_printf (out, "e%c%02d", exp10 < 0 ? '-' : '+', ABS (exp10));
    }
  g_string_free (digits, TRUE);
  return g_string_free (out, FALSE);
}

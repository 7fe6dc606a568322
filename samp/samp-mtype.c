/* samp-mtype.c: MType syntax checks and wildcard matching.
 *
 * Pure string code with no allocation: a pattern is "*", an MType, or an
 * MType followed by ".*", and "a.*" matches "a.b" and "a.b.c" but not "a".
 *
 * The SAMP 1.3 grammar says atoms are [0-9a-z_-], but the standard MTypes
 * themselves break it (coord.pointAt.sky, table.select.rowList) and JSAMP,
 * astropy and every desktop peer accept them, so upper-case letters are
 * accepted too.  Matching stays case-sensitive.
 */
#include "config.h"

#include <string.h>

#include "samp-mtype.h"

static gboolean
is_atom_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-';
}

/* Check [0-9A-Za-z_-]+(\.[0-9A-Za-z_-]+)* over exactly @len bytes. */
static gboolean
check_mtype (const char *s, gsize len)
{
  gboolean atom_empty = TRUE;

  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (s[i] == '.')
        {
          if (atom_empty)
            return FALSE;
          atom_empty = TRUE;
        }
      else if (is_atom_char (s[i]))
        atom_empty = FALSE;
      else
        return FALSE;
    }
  return !atom_empty;
}

gboolean
samp_mtype_is_valid (const char *mtype)
{
  return mtype != NULL && check_mtype (mtype, strlen (mtype));
}

gboolean
samp_mtype_pattern_is_valid (const char *pattern)
{
  gsize len;

  if (pattern == NULL)
    return FALSE;
  if (strcmp (pattern, "*") == 0)
    return TRUE;
  len = strlen (pattern);
  if (len > 2 && pattern[len - 1] == '*' && pattern[len - 2] == '.')
    return check_mtype (pattern, len - 2);
  return check_mtype (pattern, len);
}

gboolean
samp_mtype_matches (const char *pattern, const char *mtype)
{
  gsize plen;

  g_return_val_if_fail (pattern != NULL && mtype != NULL, FALSE);

  if (strcmp (pattern, "*") == 0)
    return TRUE;
  plen = strlen (pattern);
  if (plen > 2 && pattern[plen - 1] == '*' && pattern[plen - 2] == '.')
    /* "table.*": mtype must start with "table." and have more after it */
    return strncmp (pattern, mtype, plen - 1) == 0 && mtype[plen - 1] != '\0';
  return strcmp (pattern, mtype) == 0;
}

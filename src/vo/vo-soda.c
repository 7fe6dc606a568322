/* vo-soda.c: SODA sync cutout URL building (see vo-soda.h).
 *
 * Only string assembly over VoServiceDescriptor; numbers through
 * vo_format_double, parameters through vo_url_quote_plus, so the output
 * matches astroquery's urlencode byte for byte.
 */
#include "config.h"

#include "vo-soda.h"
#include "vo-caps.h"
#include "vo-coords.h"
#include "vo-error.h"

#include <string.h>

gboolean
vo_soda_descriptor_is_sync (const VoServiceDescriptor *desc)
{
  g_return_val_if_fail (desc != NULL, FALSE);
  if (g_strcmp0 (desc->standard_id, VO_STD_SODA_SYNC) == 0)
    return TRUE;
  if (desc->standard_id != NULL && g_str_has_prefix (desc->standard_id, "ivo://ivoa.net/std/SODA#async"))
    return FALSE;
  return desc->access_url != NULL && strstr (desc->access_url, "/sync") != NULL;
}

char *
vo_soda_circle (double ra_deg, double dec_deg, double radius_deg)
{
  g_autofree char *ra = vo_format_double (ra_deg);
  g_autofree char *dec = vo_format_double (dec_deg);
  g_autofree char *r = vo_format_double (radius_deg);
  return g_strdup_printf ("CIRCLE %s %s %s", ra, dec, r);
}

char *
vo_soda_cutout_url (const VoServiceDescriptor *desc,
                    double ra_deg, double dec_deg, double radius_deg,
                    GError **error)
{
  g_return_val_if_fail (desc != NULL, NULL);

  if (desc->access_url == NULL)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
                   "SODA service descriptor %s has no accessURL", desc->id);
      return NULL;
    }
  GString *s = g_string_new (desc->access_url);
  char sep = strchr (desc->access_url, '?') ? '&' : '?';
  gboolean have_id = FALSE;
  for (guint i = 0; i < desc->input_params->len; i++)
    {
      const VoServiceParam *p = desc->input_params->pdata[i];
      if (strcmp (p->name, "ID") != 0 && strcmp (p->name, "RUNID") != 0)
        continue;
      if (*p->value == '\0')
        continue;
      have_id = have_id || strcmp (p->name, "ID") == 0;
      g_autofree char *v = vo_url_quote_plus (p->value);
      g_string_append_printf (s, "%c%s=%s", sep, p->name, v);
      sep = '&';
    }
  if (!have_id)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
                   "SODA service descriptor %s has no ID value", desc->id);
      g_string_free (s, TRUE);
      return NULL;
    }
  g_autofree char *circle = vo_soda_circle (ra_deg, dec_deg, radius_deg);
  g_autofree char *pos = vo_url_quote_plus (circle);
  g_string_append_printf (s, "%cPOS=%s", sep, pos);
  return g_string_free (s, FALSE);
}

char **
vo_soda_cutout_urls (const VoDatalink *dl,
                     double ra_deg, double dec_deg, double radius_deg)
{
  g_return_val_if_fail (dl != NULL, NULL);

  GPtrArray *urls = g_ptr_array_new ();
  for (guint i = 0; i < dl->rows->len; i++)
    {
      const VoDatalinkRow *r = dl->rows->pdata[i];
      if ((g_strcmp0 (r->semantics, VO_SEMANTICS_CUTOUT) != 0
           && g_strcmp0 (r->semantics, VO_SEMANTICS_PROC) != 0) || r->service == NULL
          || !vo_soda_descriptor_is_sync (r->service))
        continue;
      char *url = vo_soda_cutout_url (r->service, ra_deg, dec_deg, radius_deg, NULL);
      if (url != NULL)
        g_ptr_array_add (urls, url);
    }
  g_ptr_array_add (urls, NULL);
  return (char **) g_ptr_array_free (urls, FALSE);
}

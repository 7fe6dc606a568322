/* vo-datalink.c: DataLink responses, service descriptors, request URLs.
 *
 * Built on the materialised VoTable of vo-votable (small documents).  The
 * link table is read column by column by name, so DataLink 1.0 (DaCHS,
 * 2022 CADC), 1.1 (current CADC) and older CADC layouts all work.  Nothing
 * here does I/O.  Rows keep borrowed pointers to the descriptors owned by
 * the same VoDatalink.
 */
#include "config.h"

#include "vo-datalink.h"
#include "vo-error.h"

#include <string.h>

/* ---- descriptors ------------------------------------------------------ */

static void
service_param_free (VoServiceParam *p)
{
  g_free (p->name);
  g_free (p->value);
  g_free (p->ref);
  g_free (p);
}

void
vo_service_descriptor_free (VoServiceDescriptor *desc)
{
  if (desc == NULL)
    return;
  g_free (desc->id);
  g_free (desc->access_url);
  g_free (desc->standard_id);
  g_free (desc->resource_identifier);
  g_free (desc->content_type);
  g_ptr_array_unref (desc->input_params);
  g_free (desc);
}

static VoServiceDescriptor *
descriptor_new (void)
{
  VoServiceDescriptor *d = g_new0 (VoServiceDescriptor, 1);
  d->input_params = g_ptr_array_new_with_free_func ((GDestroyNotify) service_param_free);
  return d;
}

static char *
strip_or_null (const char *s)
{
  if (s == NULL)
    return NULL;
  char *t = g_strstrip (g_strdup (s));
  if (*t == '\0')
    g_clear_pointer (&t, g_free);
  return t;
}

GPtrArray *
vo_service_descriptors_from_table (const VoTable *table)
{
  g_return_val_if_fail (table != NULL, NULL);

  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) vo_service_descriptor_free);
  for (guint i = 0; i < vo_table_get_n_resources (table); i++)
    {
      const VoResource *res = vo_table_get_resource (table, i);
      if (g_strcmp0 (res->type, "meta") != 0
          || res->utype == NULL || g_ascii_strcasecmp (res->utype, "adhoc:service") != 0)
        continue;
      VoServiceDescriptor *d = descriptor_new ();
      d->id = g_strdup (res->id ? res->id : "");
      for (guint j = 0; j < res->params->len; j++)
        {
          const VoParam *p = res->params->pdata[j];
          const char *name = p->field.name;
          if (name == NULL)
            continue;
          if (p->group != NULL)
            {
              if (strcmp (p->group, "inputParams") != 0)
                continue;
              VoServiceParam *sp = g_new0 (VoServiceParam, 1);
              sp->name = g_strdup (name);
              sp->value = g_strdup (p->value ? p->value : "");
              sp->ref = g_strdup (p->field.ref);
              g_ptr_array_add (d->input_params, sp);
            }
          else if (p->in_table)
            continue;
          else if (strcmp (name, "accessURL") == 0 && d->access_url == NULL)
            d->access_url = strip_or_null (p->value);
          else if (strcmp (name, "standardID") == 0 && d->standard_id == NULL)
            d->standard_id = strip_or_null (p->value);
          else if (strcmp (name, "resourceIdentifier") == 0 && d->resource_identifier == NULL)
            d->resource_identifier = strip_or_null (p->value);
          else if (strcmp (name, "contentType") == 0 && d->content_type == NULL)
            d->content_type = strip_or_null (p->value);
        }
      g_ptr_array_add (out, d);
    }
  return out;
}

/* Field index for a ref: by ID first (that is what ref= names), else name. */
static int
field_for_ref (const VoTable *table, const char *ref)
{
  for (guint i = 0; i < vo_table_get_n_fields (table); i++)
    if (g_strcmp0 (vo_table_get_field (table, i)->id, ref) == 0)
      return (int) i;
  return vo_table_find_field (table, ref);
}

VoServiceDescriptor *
vo_service_descriptor_resolve (const VoServiceDescriptor *desc,
                               const VoTable *table, guint row)
{
  g_return_val_if_fail (desc != NULL && table != NULL, NULL);

  VoServiceDescriptor *d = descriptor_new ();
  d->id = g_strdup (desc->id);
  d->access_url = g_strdup (desc->access_url);
  d->standard_id = g_strdup (desc->standard_id);
  d->resource_identifier = g_strdup (desc->resource_identifier);
  d->content_type = g_strdup (desc->content_type);
  for (guint i = 0; i < desc->input_params->len; i++)
    {
      const VoServiceParam *p = desc->input_params->pdata[i];
      VoServiceParam *q = g_new0 (VoServiceParam, 1);
      q->name = g_strdup (p->name);
      q->ref = g_strdup (p->ref);
      const char *value = p->value;
      if (p->ref != NULL && *p->value == '\0' && row < vo_table_get_n_rows (table))
        {
          int col = field_for_ref (table, p->ref);
          const char *cell = col >= 0 ? vo_table_get_string (table, row, col) : NULL;
          if (cell != NULL)
            value = cell;
        }
      q->value = g_strdup (value);
      g_ptr_array_add (d->input_params, q);
    }
  return d;
}

const VoServiceParam *
vo_service_descriptor_find_param (const VoServiceDescriptor *desc, const char *name)
{
  g_return_val_if_fail (desc != NULL && name != NULL, NULL);
  for (guint i = 0; i < desc->input_params->len; i++)
    {
      const VoServiceParam *p = desc->input_params->pdata[i];
      if (strcmp (p->name, name) == 0)
        return p;
    }
  return NULL;
}

/* ---- responses -------------------------------------------------------- */

static void
row_free (VoDatalinkRow *r)
{
  g_free (r->id);
  g_free (r->access_url);
  g_free (r->service_def);
  g_free (r->error_message);
  g_free (r->semantics);
  g_free (r->local_semantics);
  g_free (r->description);
  g_free (r->content_type);
  g_free (r->content_qualifier);
  g_free (r->link_auth);
  g_free (r);
}

void
vo_datalink_free (VoDatalink *dl)
{
  if (dl == NULL)
    return;
  g_ptr_array_unref (dl->rows);
  g_ptr_array_unref (dl->errors);
  g_ptr_array_unref (dl->services);
  g_free (dl);
}

static char *
cell (const VoTable *t, guint row, int col)
{
  if (col < 0)
    return NULL;
  return strip_or_null (vo_table_get_string (t, row, (guint) col));
}

VoDatalink *
vo_datalink_parse (const char *data, gsize len, GError **error)
{
  g_autoptr (VoTable) t = vo_table_load_bytes (data, len, error);
  if (t == NULL)
    {
      g_prefix_error (error, "DataLink response: ");
      return NULL;
    }
  if (!vo_table_check_query_status (t, error))
    {
      g_prefix_error (error, "DataLink service error: ");
      return NULL;
    }
  int c_id = vo_table_find_field (t, "ID");
  int c_url = vo_table_find_field (t, "access_url");
  int c_sem = vo_table_find_field (t, "semantics");
  if (c_id < 0 || c_url < 0 || c_sem < 0)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                   "DataLink response without %s column",
                   c_id < 0 ? "an ID" : c_url < 0 ? "an access_url" : "a semantics");
      return NULL;
    }
  int c_sdef = vo_table_find_field (t, "service_def");
  int c_err = vo_table_find_field (t, "error_message");
  int c_lsem = vo_table_find_field (t, "local_semantics");
  int c_desc = vo_table_find_field (t, "description");
  int c_ctype = vo_table_find_field (t, "content_type");
  int c_clen = vo_table_find_field (t, "content_length");
  int c_cqual = vo_table_find_field (t, "content_qualifier");
  int c_auth = vo_table_find_field (t, "link_auth");

  VoDatalink *dl = g_new0 (VoDatalink, 1);
  dl->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  dl->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  dl->services = vo_service_descriptors_from_table (t);
  dl->query_status = vo_table_get_query_status (t, NULL);

  for (guint i = 0; i < vo_table_get_n_rows (t); i++)
    {
      VoDatalinkRow *r = g_new0 (VoDatalinkRow, 1);
      r->id = cell (t, i, c_id);
      r->access_url = cell (t, i, c_url);
      r->service_def = cell (t, i, c_sdef);
      r->error_message = cell (t, i, c_err);
      r->semantics = cell (t, i, c_sem);
      r->local_semantics = cell (t, i, c_lsem);
      r->description = cell (t, i, c_desc);
      r->content_type = cell (t, i, c_ctype);
      r->content_qualifier = cell (t, i, c_cqual);
      r->link_auth = cell (t, i, c_auth);
      r->content_length = -1;
      g_autofree char *clen = cell (t, i, c_clen);
      gint64 v;
      if (clen && g_ascii_string_to_signed (clen, 10, 0, G_MAXINT64, &v, NULL))
        r->content_length = v;

      for (guint k = 0; r->service_def && k < dl->services->len; k++)
        {
          const VoServiceDescriptor *d = dl->services->pdata[k];
          if (strcmp (d->id, r->service_def) == 0)
            {
              r->service = d;
              break;
            }
        }

      if (r->error_message == NULL && r->access_url == NULL && r->service == NULL)
        r->error_message = r->service_def
          ? g_strdup_printf ("No service descriptor with ID %s", r->service_def)
          : g_strdup ("Link without access_url");
      g_ptr_array_add (r->error_message ? dl->errors : dl->rows, r);
    }
  return dl;
}

char **
vo_datalink_dup_data_urls (const VoDatalink *dl, gboolean include_auxiliaries)
{
  g_return_val_if_fail (dl != NULL, NULL);

  GPtrArray *urls = g_ptr_array_new ();
  for (guint i = 0; i < dl->rows->len; i++)
    {
      const VoDatalinkRow *r = dl->rows->pdata[i];
      if (g_strcmp0 (r->semantics, VO_SEMANTICS_CAOM_PKG) == 0
          || g_strcmp0 (r->semantics, VO_SEMANTICS_PACKAGE) == 0)
        continue;
      if (!include_auxiliaries && g_strcmp0 (r->semantics, VO_SEMANTICS_THIS) != 0)
        continue;
      if (r->service_def != NULL || r->access_url == NULL)
        continue;
      g_ptr_array_add (urls, g_strdup (r->access_url));
    }
  g_ptr_array_add (urls, NULL);
  return (char **) g_ptr_array_free (urls, FALSE);
}

/* ---- requests --------------------------------------------------------- */

char *
vo_url_quote_plus (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);
  static const char hex[] = "0123456789ABCDEF";
  GString *s = g_string_sized_new (strlen (text) * 3 / 2 + 1);
  for (const unsigned char *p = (const unsigned char *) text; *p; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '_' || *p == '.' || *p == '-' || *p == '~')
        g_string_append_c (s, *p);
      else if (*p == ' ')
        g_string_append_c (s, '+');
      else
        {
          g_string_append_c (s, '%');
          g_string_append_c (s, hex[*p >> 4]);
          g_string_append_c (s, hex[*p & 15]);
        }
    }
  return g_string_free (s, FALSE);
}

char *
vo_datalink_build_query (const char *const *ids, gsize n_ids, gboolean downloads_only)
{
  GString *s = g_string_new (NULL);
  for (gsize i = 0; i < n_ids; i++)
    {
      g_autofree char *q = vo_url_quote_plus (ids[i]);
      g_string_append_printf (s, "%sID=%s", s->len ? "&" : "", q);
    }
  if (downloads_only)
    g_string_append_printf (s, "%sREQUEST=downloads-only", s->len ? "&" : "");
  return g_string_free (s, FALSE);
}

char **
vo_datalink_build_urls (const char *endpoint, const char *const *ids, gsize n_ids,
                        gsize batch_size, gboolean downloads_only)
{
  g_return_val_if_fail (endpoint != NULL, NULL);
  if (batch_size == 0)
    batch_size = VO_DATALINK_BATCH_SIZE;
  const char *sep = strchr (endpoint, '?') ? "&" : "?";
  GPtrArray *urls = g_ptr_array_new ();
  for (gsize start = 0; start < n_ids; start += batch_size)
    {
      gsize n = MIN (batch_size, n_ids - start);
      g_autofree char *q = vo_datalink_build_query (ids + start, n, downloads_only);
      g_ptr_array_add (urls, g_strconcat (endpoint, sep, q, NULL));
    }
  g_ptr_array_add (urls, NULL);
  return (char **) g_ptr_array_free (urls, FALSE);
}

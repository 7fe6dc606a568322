/* vo-votable-load.c: VoTable, a small VOTable held in memory.
 *
 * Built on VoTableReader: keeps every RESOURCE (with its PARAMs and INFOs),
 * every INFO, and the FIELDs and rows (as strings) of the first TABLE of the
 * document.  Meant for small documents: DataLink responses, TAP error
 * documents, uploads.  Large results should use the streaming reader.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "vo-votable-private.h"

struct _VoTable {
  GPtrArray *resources;  /* VoResource*, document order */
  GPtrArray *stack;      /* VoResource* borrowed: open RESOURCEs */
  GPtrArray *infos;      /* VoInfo*, all INFOs */
  GArray *fields;        /* VoField of the first TABLE */
  GPtrArray *rows;       /* char** of n_fields strings (NULL = null) */
  gboolean have_table;
  gboolean in_first_table;
  VoQueryStatus status;
  char *status_text;
};

static VoInfo *
info_copy (const VoInfo *src)
{
  VoInfo *i = g_new0 (VoInfo, 1);
  i->name = g_strdup (src->name);
  i->value = g_strdup (src->value);
  i->id = g_strdup (src->id);
  i->text = g_strdup (src->text);
  i->in_table = src->in_table;
  i->after_table = src->after_table;
  return i;
}

static void
resource_free (gpointer p)
{
  VoResource *res = p;
  g_free (res->type);
  g_free (res->utype);
  g_free (res->id);
  g_free (res->name);
  g_ptr_array_unref (res->params);
  g_ptr_array_unref (res->infos);
  g_free (res);
}

static void
on_resource_start (const VoResourceInfo *info, gpointer user_data)
{
  VoTable *t = user_data;
  VoResource *res = g_new0 (VoResource, 1);
  res->type = g_strdup (info->type);
  res->utype = g_strdup (info->utype);
  res->id = g_strdup (info->id);
  res->name = g_strdup (info->name);
  res->params = g_ptr_array_new_with_free_func ((GDestroyNotify) vo_param_free);
  res->infos = g_ptr_array_new_with_free_func ((GDestroyNotify) vo_info_free);
  g_ptr_array_add (t->resources, res);
  g_ptr_array_add (t->stack, res);
}

static void
on_resource_end (const VoResourceInfo *info, gpointer user_data)
{
  VoTable *t = user_data;
  (void) info;
  if (t->stack->len > 0)
    g_ptr_array_remove_index (t->stack, t->stack->len - 1);
}

static void
on_table_start (const char *name, const VoField *fields, guint n_fields,
                gpointer user_data)
{
  VoTable *t = user_data;
  (void) name;
  if (t->have_table)
    return;
  t->have_table = TRUE;
  t->in_first_table = TRUE;
  g_array_set_size (t->fields, n_fields);
  for (guint i = 0; i < n_fields; i++)
    vo_field_copy (&g_array_index (t->fields, VoField, i), &fields[i]);
}

static gboolean
on_row (const VoCell *cells, guint n_cells, gpointer user_data)
{
  VoTable *t = user_data;
  if (!t->in_first_table)
    return TRUE;
  char **row = g_new0 (char *, n_cells);
  for (guint i = 0; i < n_cells; i++)
    row[i] = vo_cell_dup_string (&cells[i]);
  g_ptr_array_add (t->rows, row);
  return TRUE;
}

static void
on_table_end (gpointer user_data)
{
  VoTable *t = user_data;
  t->in_first_table = FALSE;
}

static void
on_info (const VoInfo *info, gpointer user_data)
{
  VoTable *t = user_data;
  g_ptr_array_add (t->infos, info_copy (info));
  if (t->stack->len > 0)
    {
      VoResource *res = g_ptr_array_index (t->stack, t->stack->len - 1);
      g_ptr_array_add (res->infos, info_copy (info));
    }
}

static void
on_param (const VoParam *param, gpointer user_data)
{
  VoTable *t = user_data;
  if (t->stack->len == 0)
    return;   /* PARAMs directly under VOTABLE are not kept */
  VoResource *res = g_ptr_array_index (t->stack, t->stack->len - 1);
  VoParam *p = g_new0 (VoParam, 1);
  vo_field_copy (&p->field, &param->field);
  p->value = g_strdup (param->value);
  p->group = g_strdup (param->group);
  p->in_table = param->in_table;
  g_ptr_array_add (res->params, p);
}

static const VoTableCallbacks load_callbacks = {
  .resource_start = on_resource_start,
  .resource_end = on_resource_end,
  .table_start = on_table_start,
  .row = on_row,
  .table_end = on_table_end,
  .info = on_info,
  .param = on_param,
};

static VoTable *
table_new (void)
{
  VoTable *t = g_new0 (VoTable, 1);
  t->resources = g_ptr_array_new_with_free_func (resource_free);
  t->stack = g_ptr_array_new ();
  t->infos = g_ptr_array_new_with_free_func ((GDestroyNotify) vo_info_free);
  t->fields = g_array_new (FALSE, TRUE, sizeof (VoField));
  t->rows = g_ptr_array_new ();
  return t;
}

void
vo_table_keep_rows (VoTable *t, const guint *rows, guint n_rows)
{
  GPtrArray *kept = g_ptr_array_new ();
  g_autofree gboolean *taken = g_new0 (gboolean, t->rows->len);

  for (guint k = 0; k < n_rows; k++)
    if (rows[k] < t->rows->len && !taken[rows[k]])
      {
        taken[rows[k]] = TRUE;
        g_ptr_array_add (kept, g_ptr_array_index (t->rows, rows[k]));
      }
  for (guint r = 0; r < t->rows->len; r++)
    if (!taken[r])
      {
        char **row = g_ptr_array_index (t->rows, r);
        for (guint i = 0; i < t->fields->len; i++)
          g_free (row[i]);
        g_free (row);
      }
  g_ptr_array_unref (t->rows);
  t->rows = kept;
}

void
vo_table_free (VoTable *t)
{
  if (t == NULL)
    return;
  for (guint r = 0; r < t->rows->len; r++)
    {
      char **row = g_ptr_array_index (t->rows, r);
      for (guint i = 0; i < t->fields->len; i++)
        g_free (row[i]);
      g_free (row);
    }
  g_ptr_array_unref (t->rows);
  for (guint i = 0; i < t->fields->len; i++)
    vo_field_clear (&g_array_index (t->fields, VoField, i));
  g_array_free (t->fields, TRUE);
  g_ptr_array_unref (t->resources);
  g_ptr_array_unref (t->stack);
  g_ptr_array_unref (t->infos);
  g_free (t->status_text);
  g_free (t);
}

VoTable *
vo_table_load_bytes (const char *data, gsize len, GError **error)
{
  g_autoptr (VoTable) t = table_new ();
  g_autoptr (VoTableReader) r = vo_table_reader_new (&load_callbacks, t);

  if (!vo_table_reader_feed (r, data, len, error)
      || !vo_table_reader_finish (r, error))
    return NULL;
  const char *text = NULL;
  t->status = vo_table_reader_get_query_status (r, &text);
  t->status_text = g_strdup (text);
  return g_steal_pointer (&t);
}

VoTable *
vo_table_load_file (const char *path, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) in = g_file_read (file, NULL, error);
  if (in == NULL)
    return NULL;
  g_autoptr (VoTable) t = table_new ();
  g_autoptr (VoTableReader) r = vo_table_reader_new (&load_callbacks, t);
  if (!vo_table_reader_parse_stream (r, G_INPUT_STREAM (in), NULL, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  const char *text = NULL;
  t->status = vo_table_reader_get_query_status (r, &text);
  t->status_text = g_strdup (text);
  return g_steal_pointer (&t);
}

guint
vo_table_get_n_rows (const VoTable *t)
{
  return t->rows->len;
}

guint
vo_table_get_n_fields (const VoTable *t)
{
  return t->fields->len;
}

const VoField *
vo_table_get_field (const VoTable *t, guint i)
{
  g_return_val_if_fail (i < t->fields->len, NULL);
  return &g_array_index (t->fields, VoField, i);
}

int
vo_table_find_field (const VoTable *t, const char *name)
{
  for (guint i = 0; i < t->fields->len; i++)
    {
      const VoField *f = &g_array_index (t->fields, VoField, i);
      if (f->name && strcmp (f->name, name) == 0)
        return (int) i;
    }
  for (guint i = 0; i < t->fields->len; i++)
    {
      const VoField *f = &g_array_index (t->fields, VoField, i);
      if (f->id && strcmp (f->id, name) == 0)
        return (int) i;
    }
  return -1;
}

const char *
vo_table_get_string (const VoTable *t, guint row, guint col)
{
  g_return_val_if_fail (row < t->rows->len, NULL);
  g_return_val_if_fail (col < t->fields->len, NULL);
  return ((char **) g_ptr_array_index (t->rows, row))[col];
}

gboolean
vo_table_get_double (const VoTable *t, guint row, guint col, double *value)
{
  const char *s = vo_table_get_string (t, row, col);
  VoCell cell = { 0 };

  *value = NAN;
  if (s == NULL)
    return FALSE;
  cell.field = vo_table_get_field (t, col);
  cell.text = s;
  cell.text_len = strlen (s);
  return vo_cell_get_double (&cell, value);
}

guint
vo_table_get_n_resources (const VoTable *t)
{
  return t->resources->len;
}

const VoResource *
vo_table_get_resource (const VoTable *t, guint i)
{
  g_return_val_if_fail (i < t->resources->len, NULL);
  return g_ptr_array_index (t->resources, i);
}

const VoResource *
vo_table_find_resource_by_id (const VoTable *t, const char *id)
{
  for (guint i = 0; i < t->resources->len; i++)
    {
      const VoResource *res = g_ptr_array_index (t->resources, i);
      if (res->id && strcmp (res->id, id) == 0)
        return res;
    }
  return NULL;
}

const VoParam *
vo_resource_find_param (const VoResource *res, const char *name,
                        const char *group)
{
  for (guint i = 0; i < res->params->len; i++)
    {
      const VoParam *p = g_ptr_array_index (res->params, i);
      if (p->field.name && strcmp (p->field.name, name) == 0
          && (group == NULL || g_strcmp0 (p->group, group) == 0))
        return p;
    }
  return NULL;
}

const GPtrArray *
vo_table_get_infos (const VoTable *t)
{
  return t->infos;
}

VoQueryStatus
vo_table_get_query_status (const VoTable *t, const char **text)
{
  if (text)
    *text = t->status_text;
  return t->status;
}

gboolean
vo_table_check_query_status (const VoTable *t, GError **error)
{
  if (t->status == VO_QUERY_STATUS_ERROR || t->status == VO_QUERY_STATUS_OTHER)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_QUERY, "%s",
                   t->status_text && *t->status_text ? t->status_text
                                                     : "Query failed");
      return FALSE;
    }
  return TRUE;
}

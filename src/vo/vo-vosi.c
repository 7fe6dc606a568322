/* vo-vosi.c: VOSI tableset / table / availability parsing.
 *
 * Tree walk over vo-xmlutil (no network, no entities, namespaces ignored
 * on element names).  Missing optional elements are NULL; a table or
 * column without <name> is a parse error because nothing can refer to it.
 */
#include "config.h"

#include "vo-vosi.h"
#include "vo-error.h"
#include "vo-xmlutil.h"

#include <string.h>

static void
column_free (VoVosiColumn *c)
{
  g_free (c->name);
  g_free (c->description);
  g_free (c->unit);
  g_free (c->ucd);
  g_free (c->utype);
  g_free (c->datatype);
  g_free (c->arraysize);
  g_free (c->xtype);
  g_ptr_array_unref (c->flags);
  g_free (c);
}

static void
foreign_key_free (VoVosiForeignKey *fk)
{
  g_free (fk->target_table);
  g_ptr_array_unref (fk->from_columns);
  g_ptr_array_unref (fk->target_columns);
  g_free (fk->description);
  g_free (fk->utype);
  g_free (fk);
}

void
vo_vosi_table_free (VoVosiTable *t)
{
  if (t == NULL)
    return;
  g_free (t->name);
  g_free (t->type);
  g_free (t->title);
  g_free (t->description);
  g_free (t->utype);
  g_ptr_array_unref (t->columns);
  g_ptr_array_unref (t->foreign_keys);
  g_free (t);
}

static void
schema_free (VoVosiSchema *s)
{
  g_free (s->name);
  g_free (s->title);
  g_free (s->description);
  g_free (s->utype);
  g_ptr_array_unref (s->tables);
  g_free (s);
}

void
vo_vosi_tableset_free (VoVosiTableset *ts)
{
  if (ts == NULL)
    return;
  g_ptr_array_unref (ts->schemas);
  g_free (ts);
}

static VoVosiColumn *
parse_column (const xmlNode *node, GError **error)
{
  VoVosiColumn *c = g_new0 (VoVosiColumn, 1);
  c->flags = g_ptr_array_new_with_free_func (g_free);
  c->name = vo_xmlutil_child_text (node, "name");
  c->description = vo_xmlutil_child_text (node, "description");
  c->unit = vo_xmlutil_child_text (node, "unit");
  c->ucd = vo_xmlutil_child_text (node, "ucd");
  c->utype = vo_xmlutil_child_text (node, "utype");
  xmlNode *dt = vo_xmlutil_child (node, "dataType");
  if (dt != NULL)
    {
      c->datatype = vo_xmlutil_text (dt, TRUE);
      c->arraysize = vo_xmlutil_attr (dt, "arraysize");
      c->xtype = vo_xmlutil_attr (dt, "xtype");
      if (c->xtype == NULL)
        c->xtype = vo_xmlutil_attr (dt, "extendedType");
    }
  for (xmlNode *f = vo_xmlutil_child (node, "flag"); f; f = vo_xmlutil_next (f, "flag"))
    {
      char *flag = vo_xmlutil_text (f, TRUE);
      if (flag)
        g_ptr_array_add (c->flags, flag);
    }
  if (c->name == NULL)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE, "VOSI column without a name");
      column_free (c);
      return NULL;
    }
  return c;
}

static VoVosiTable *
parse_table (const xmlNode *node, GError **error)
{
  g_autoptr (VoVosiTable) t = g_new0 (VoVosiTable, 1);
  t->columns = g_ptr_array_new_with_free_func ((GDestroyNotify) column_free);
  t->foreign_keys = g_ptr_array_new_with_free_func ((GDestroyNotify) foreign_key_free);
  t->name = vo_xmlutil_child_text (node, "name");
  t->type = vo_xmlutil_attr (node, "type");
  t->title = vo_xmlutil_child_text (node, "title");
  t->description = vo_xmlutil_child_text (node, "description");
  t->utype = vo_xmlutil_child_text (node, "utype");
  if (t->name == NULL)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE, "VOSI table without a name");
      return NULL;
    }
  for (xmlNode *c = vo_xmlutil_child (node, "column"); c; c = vo_xmlutil_next (c, "column"))
    {
      VoVosiColumn *col = parse_column (c, error);
      if (col == NULL)
        {
          g_prefix_error (error, "Table %s: ", t->name);
          return NULL;
        }
      g_ptr_array_add (t->columns, col);
    }
  for (xmlNode *k = vo_xmlutil_child (node, "foreignKey"); k;
       k = vo_xmlutil_next (k, "foreignKey"))
    {
      VoVosiForeignKey *fk = g_new0 (VoVosiForeignKey, 1);
      fk->from_columns = g_ptr_array_new_with_free_func (g_free);
      fk->target_columns = g_ptr_array_new_with_free_func (g_free);
      fk->target_table = vo_xmlutil_child_text (k, "targetTable");
      fk->description = vo_xmlutil_child_text (k, "description");
      fk->utype = vo_xmlutil_child_text (k, "utype");
      for (xmlNode *p = vo_xmlutil_child (k, "fkColumn"); p;
           p = vo_xmlutil_next (p, "fkColumn"))
        {
          char *from = vo_xmlutil_child_text (p, "fromColumn");
          char *to = vo_xmlutil_child_text (p, "targetColumn");
          g_ptr_array_add (fk->from_columns, from ? from : g_strdup (""));
          g_ptr_array_add (fk->target_columns, to ? to : g_strdup (""));
        }
      g_ptr_array_add (t->foreign_keys, fk);
    }
  return g_steal_pointer (&t);
}

static VoVosiSchema *
parse_schema (const xmlNode *node, GError **error)
{
  VoVosiSchema *s = g_new0 (VoVosiSchema, 1);
  s->tables = g_ptr_array_new_with_free_func ((GDestroyNotify) vo_vosi_table_free);
  s->name = vo_xmlutil_child_text (node, "name");
  s->title = vo_xmlutil_child_text (node, "title");
  s->description = vo_xmlutil_child_text (node, "description");
  s->utype = vo_xmlutil_child_text (node, "utype");
  for (xmlNode *t = vo_xmlutil_child (node, "table"); t; t = vo_xmlutil_next (t, "table"))
    {
      VoVosiTable *table = parse_table (t, error);
      if (table == NULL)
        {
          schema_free (s);
          return NULL;
        }
      g_ptr_array_add (s->tables, table);
    }
  return s;
}

VoVosiTableset *
vo_vosi_tableset_parse (const char *data, gsize len, GError **error)
{
  g_autoptr (VoXmlDoc) doc = vo_xmlutil_read (data, len, "VOSI tableset", error);
  if (doc == NULL)
    return NULL;
  xmlNode *root = xmlDocGetRootElement (doc);
  g_autoptr (VoVosiTableset) ts = g_new0 (VoVosiTableset, 1);
  ts->schemas = g_ptr_array_new_with_free_func ((GDestroyNotify) schema_free);

  if (vo_xmlutil_is (root, "schema"))
    {
      VoVosiSchema *s = parse_schema (root, error);
      if (s == NULL)
        return NULL;
      g_ptr_array_add (ts->schemas, s);
      return g_steal_pointer (&ts);
    }
  if (!vo_xmlutil_is (root, "tableset"))
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                   "Not a VOSI tableset (root element <%s>)",
                   (const char *) root->name);
      return NULL;
    }
  for (xmlNode *s = vo_xmlutil_child (root, "schema"); s; s = vo_xmlutil_next (s, "schema"))
    {
      VoVosiSchema *schema = parse_schema (s, error);
      if (schema == NULL)
        return NULL;
      g_ptr_array_add (ts->schemas, schema);
    }
  return g_steal_pointer (&ts);
}

char **
vo_vosi_tableset_dup_table_names (const VoVosiTableset *ts)
{
  g_return_val_if_fail (ts != NULL, NULL);
  GPtrArray *names = g_ptr_array_new ();
  for (guint i = 0; i < ts->schemas->len; i++)
    {
      const VoVosiSchema *s = ts->schemas->pdata[i];
      for (guint j = 0; j < s->tables->len; j++)
        g_ptr_array_add (names, g_strdup (((VoVosiTable *) s->tables->pdata[j])->name));
    }
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}

const VoVosiTable *
vo_vosi_tableset_find (const VoVosiTableset *ts, const char *name)
{
  g_return_val_if_fail (ts != NULL && name != NULL, NULL);
  for (guint i = 0; i < ts->schemas->len; i++)
    {
      const VoVosiSchema *s = ts->schemas->pdata[i];
      for (guint j = 0; j < s->tables->len; j++)
        {
          const VoVosiTable *t = s->tables->pdata[j];
          if (strcmp (t->name, name) == 0)
            return t;
        }
    }
  return NULL;
}

VoVosiTable *
vo_vosi_table_parse (const char *data, gsize len, GError **error)
{
  g_autoptr (VoXmlDoc) doc = vo_xmlutil_read (data, len, "VOSI table document", error);
  if (doc == NULL)
    return NULL;
  xmlNode *root = xmlDocGetRootElement (doc);
  if (!vo_xmlutil_is (root, "table"))
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                   "Not a VOSI table document (root element <%s>)",
                   (const char *) root->name);
      return NULL;
    }
  return parse_table (root, error);
}

const VoVosiColumn *
vo_vosi_table_find_column (const VoVosiTable *table, const char *name)
{
  g_return_val_if_fail (table != NULL && name != NULL, NULL);
  for (guint i = 0; i < table->columns->len; i++)
    {
      const VoVosiColumn *c = table->columns->pdata[i];
      if (strcmp (c->name, name) == 0)
        return c;
    }
  return NULL;
}

void
vo_vosi_availability_free (VoVosiAvailability *av)
{
  if (av == NULL)
    return;
  g_free (av->up_since);
  g_free (av->down_at);
  g_free (av->back_at);
  g_ptr_array_unref (av->notes);
  g_free (av);
}

VoVosiAvailability *
vo_vosi_availability_parse (const char *data, gsize len, GError **error)
{
  g_autoptr (VoXmlDoc) doc = vo_xmlutil_read (data, len, "VOSI availability document", error);
  if (doc == NULL)
    return NULL;
  xmlNode *root = xmlDocGetRootElement (doc);
  if (!vo_xmlutil_is (root, "availability"))
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                   "Not a VOSI availability document (root element <%s>)",
                   (const char *) root->name);
      return NULL;
    }
  g_autofree char *avail = vo_xmlutil_child_text (root, "available");
  gboolean value;
  if (g_strcmp0 (avail, "true") == 0 || g_strcmp0 (avail, "1") == 0)
    value = TRUE;
  else if (g_strcmp0 (avail, "false") == 0 || g_strcmp0 (avail, "0") == 0)
    value = FALSE;
  else
    {
      g_set_error (error, VO_ERROR, VO_ERROR_PARSE,
                   "VOSI availability: <available> is '%s', not true/false",
                   avail ? avail : "(missing)");
      return NULL;
    }
  VoVosiAvailability *av = g_new0 (VoVosiAvailability, 1);
  av->available = value;
  av->up_since = vo_xmlutil_child_text (root, "upSince");
  av->down_at = vo_xmlutil_child_text (root, "downAt");
  av->back_at = vo_xmlutil_child_text (root, "backAt");
  av->notes = g_ptr_array_new_with_free_func (g_free);
  for (xmlNode *n = vo_xmlutil_child (root, "note"); n; n = vo_xmlutil_next (n, "note"))
    {
      char *note = vo_xmlutil_text (n, TRUE);
      if (note)
        g_ptr_array_add (av->notes, note);
    }
  return av;
}

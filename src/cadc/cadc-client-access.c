/* cadc-client-access.c: data and cutout URLs for the rows of a result.
 *
 * A CAOM2 result (a publisherID column) goes, as before, through the
 * DataLink service the registry names (cadc_client_data_urls,
 * cadc_client_cutout_urls).  An ObsCore result (access_url and
 * access_format columns) is handled row by row, in order:
 *   - access_format DataLink (application/x-votable+xml;content=datalink):
 *     the DataLink document at access_url; its #this links (all links
 *     but packages with aux), or for cutouts the SODA sync URLs of its
 *     #cutout (or DaCHS's #proc) service descriptors;
 *   - anything else is the file itself: access_url is the data URL, and a
 *     cutout exists only when the result itself carries a SODA sync
 *     service descriptor for its rows.
 * A row that gives nothing (no access_url, no SODA, a DataLink error) is
 * a problem: warned about while other rows give URLs, the error when no
 * row gives any (the first failed DataLink request's own error, keeping
 * its domain and code, else VO_ERROR_NOT_FOUND listing the problems).
 */
#include "config.h"

#include "cadc-client-private.h"

#include <gio/gunixinputstream.h>
#include <string.h>

#include "vo-coords.h"
#include "vo-datalink.h"
#include "vo-error.h"
#include "vo-soda.h"
#include "vo-sync.h"

#define DATALINK_FORMAT "content=datalink"

VoTable *
cadc_result_load (const char *path, GError **error)
{
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GOutputStream) mem = NULL;
  g_autoptr(GBytes) b = NULL;

  if (strcmp (path, "-") != 0)
    return vo_table_load_file (path, error);
  in = g_unix_input_stream_new (0, FALSE);
  mem = g_memory_output_stream_new_resizable ();
  if (g_output_stream_splice (mem, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, error) < 0)
    return NULL;
  b = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
  return vo_table_load_bytes (g_bytes_get_data (b, NULL), g_bytes_get_size (b), error);
}

char **
cadc_result_column (const VoTable *t, const char *column)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  int col = vo_table_find_field (t, column);

  if (col < 0)
    return NULL;
  for (guint i = 0; i < vo_table_get_n_rows (t); i++)
    {
      const char *v = vo_table_get_string (t, i, (guint) col);
      if (v != NULL && *v != '\0')
        g_ptr_array_add (out, g_strdup (v));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_steal (out, NULL);
}

typedef struct {
  CadcClient *client;
  GCancellable *closed;
  VoTable *table;
  CadcUrlKind kind;
  double ra, dec, radius;     /* ICRS */
  int url_col, format_col, did_col;
  guint row;
  GPtrArray *out;             /* char* */
  GPtrArray *problems;        /* char* */
  GError *first_error;        /* the first DataLink request that failed */
} Access;

static void
access_free (Access *a)
{
  g_object_unref (a->closed);
  vo_table_free (a->table);
  g_ptr_array_unref (a->out);
  g_ptr_array_unref (a->problems);
  g_clear_error (&a->first_error);
  g_free (a);
}

static const char *
cell (Access *a, guint row, int col)
{
  const char *v = col >= 0 ? vo_table_get_string (a->table, row, (guint) col) : NULL;

  return v != NULL && *v != '\0' ? v : NULL;
}

/* "the row's DID" (or "row N") for messages.  (transfer full) */
static char *
row_name (Access *a, guint row)
{
  const char *did = cell (a, row, a->did_col);

  return did != NULL ? g_strdup (did) : g_strdup_printf ("row %u", row + 1);
}

static void
add_problem (Access *a, guint row, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
add_problem (Access *a, guint row, const char *format, ...)
{
  va_list ap;
  g_autofree char *name = row_name (a, row);
  g_autofree char *msg = NULL;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_ptr_array_add (a->problems, g_strdup_printf ("%s: %s", name, msg));
}

static void
add_urls (Access *a, char **urls)
{
  for (guint i = 0; urls[i] != NULL; i++)
    g_ptr_array_add (a->out, g_strdup (urls[i]));
}

/* A direct file: itself, or a cutout through the result's own SODA. */
static void
direct_row (Access *a, guint row, const char *url)
{
  g_autoptr(GPtrArray) descs = NULL;

  if (a->kind != CADC_URLS_CUTOUT)
    {
      g_ptr_array_add (a->out, g_strdup (url));
      return;
    }
  descs = vo_service_descriptors_from_table (a->table);
  for (guint i = 0; i < descs->len; i++)
    if (vo_soda_descriptor_is_sync (descs->pdata[i]))
      {
        g_autoptr(VoServiceDescriptor) d = vo_service_descriptor_resolve (descs->pdata[i],
                                                                          a->table, row);
        char *cut = vo_soda_cutout_url (d, a->ra, a->dec, a->radius, NULL);
        if (cut != NULL)
          {
            g_ptr_array_add (a->out, cut);
            return;
          }
      }
  {
    const char *format = cell (a, row, a->format_col);
    add_problem (a, row, "no cutout: a direct download (%s) and the service offers no SODA "
                 "cutout for it", format != NULL ? format : "no access_format");
  }
}

static void next_row (GTask *task);

static void
datalink_done (GObject *src, GAsyncResult *res, gpointer data)
{
  GTask *task = data;
  Access *a = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(VoDatalink) dl = NULL;
  g_auto(GStrv) urls = NULL;
  guint row = a->row - 1;

  (void) src;
  if (cadc_client_task_closed (a->closed, task))
    {
      g_object_unref (task);
      return;
    }
  body = cadc_client_fetch_finish (a->client, res, &error);
  if (body != NULL)
    dl = vo_datalink_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  if (dl == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
      add_problem (a, row, "DataLink: %s", error->message);
      if (a->first_error == NULL)
        {
          g_autofree char *name = row_name (a, row);
          a->first_error = g_steal_pointer (&error);
          g_prefix_error (&a->first_error, "%s: DataLink: ", name);
        }
      next_row (task);
      return;
    }
  for (guint k = 0; k < dl->errors->len; k++)
    {
      VoDatalinkRow *r = dl->errors->pdata[k];
      add_problem (a, row, "DataLink: %s", r->error_message ? r->error_message : "no link");
    }
  urls = a->kind == CADC_URLS_CUTOUT ? vo_soda_cutout_urls (dl, a->ra, a->dec, a->radius)
                                     : vo_datalink_dup_data_urls (dl, a->kind == CADC_URLS_AUX);
  if (urls[0] == NULL && a->kind == CADC_URLS_CUTOUT)
    add_problem (a, row, "no cutout: its DataLink document offers no SODA service");
  add_urls (a, urls);
  next_row (task);
}

static void
finish (GTask *task)
{
  Access *a = g_task_get_task_data (task);

  if (a->out->len == 0 && a->first_error != NULL)
    /* keeps its domain and code: a 401 stays an authentication failure */
    g_task_return_error (task, g_steal_pointer (&a->first_error));
  else if (a->out->len == 0 && a->problems->len > 0)
    {
      g_autofree char *all = NULL;
      g_ptr_array_add (a->problems, NULL);
      all = g_strjoinv ("; ", (char **) a->problems->pdata);
      g_task_return_new_error (task, VO_ERROR, VO_ERROR_NOT_FOUND, "%s", all);
    }
  else
    {
      for (guint i = 0; i < a->problems->len; i++)
        g_warning ("%s", (char *) a->problems->pdata[i]);
      g_ptr_array_add (a->out, NULL);
      g_task_return_pointer (task, g_ptr_array_steal (a->out, NULL), (GDestroyNotify) g_strfreev);
    }
  g_object_unref (task);
}

static void
next_row (GTask *task)
{
  Access *a = g_task_get_task_data (task);

  while (a->row < vo_table_get_n_rows (a->table))
    {
      guint row = a->row++;
      const char *url = cell (a, row, a->url_col);
      const char *format = cell (a, row, a->format_col);
      if (url == NULL)
        {
          add_problem (a, row, "no access_url");
          continue;
        }
      if (format != NULL && strstr (format, DATALINK_FORMAT) != NULL)
        {
          cadc_client_fetch_async (a->client, url, VO_LIMIT_DATALINK, "a DataLink document",
                                   g_task_get_cancellable (task), datalink_done, task);
          return;
        }
      direct_row (a, row, url);
    }
  finish (task);
}

/* A CAOM2 result: the registry's DataLink service, as before. */
static void
caom_done (GObject *src, GAsyncResult *res, gpointer data)
{
  GTask *task = data;
  GError *error = NULL;
  char **urls = cadc_client_data_urls_finish (g_task_get_task_data (task), res, &error);

  if (urls == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, urls, (GDestroyNotify) g_strfreev);
  g_object_unref (task);
}

void
cadc_client_result_urls_async (CadcClient *c, VoTable *table, CadcUrlKind kind, double ra,
                               double dec, double radius, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Access *a;
  g_auto(GStrv) ids = cadc_result_column (table, "publisherID");

  g_task_set_source_tag (task, cadc_client_result_urls_async);
  if (ids != NULL)
    {
      g_task_set_task_data (task, c, NULL);
      vo_table_free (table);
      if (kind == CADC_URLS_CUTOUT)
        {
          double fra, fdec;
          vo_coords_icrs_to_fk5 (ra, dec, &fra, &fdec);
          cadc_client_cutout_urls_async (c, (const char *const *) ids, fra, fdec, radius,
                                         cancellable, caom_done, task);
        }
      else
        cadc_client_data_urls_async (c, (const char *const *) ids, kind == CADC_URLS_AUX,
                                     cancellable, caom_done, task);
      return;
    }
  a = g_new0 (Access, 1);
  a->client = c;
  a->closed = g_object_ref (c->closed);
  a->table = table;
  a->kind = kind;
  a->ra = ra;
  a->dec = dec;
  a->radius = radius;
  a->url_col = vo_table_find_field (table, "access_url");
  a->format_col = vo_table_find_field (table, "access_format");
  a->did_col = vo_table_find_field (table, "obs_publisher_did");
  a->out = g_ptr_array_new_with_free_func (g_free);
  a->problems = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, a, (GDestroyNotify) access_free);
  if (a->url_col < 0)
    {
      g_task_return_new_error (task, VO_ERROR, VO_ERROR_NOT_FOUND,
                               "the result has neither a publisherID (CAOM2) nor an "
                               "access_url (ObsCore) column");
      g_object_unref (task);
      return;
    }
  next_row (task);
}

char **
cadc_client_result_urls_finish (CadcClient *c, GAsyncResult *result, GError **error)
{
  (void) c;
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  CadcClient *client;
  VoTable *table;
  CadcUrlKind kind;
  double ra, dec, radius;
} ResultArgs;

static void
result_start (gpointer data, GAsyncReadyCallback callback, gpointer user_data)
{
  ResultArgs *r = data;

  cadc_client_result_urls_async (r->client, r->table, r->kind, r->ra, r->dec, r->radius, NULL,
                                 callback, user_data);
}

char **
cadc_client_result_urls (CadcClient *c, VoTable *table, CadcUrlKind kind, double ra,
                         double dec, double radius, GError **error)
{
  ResultArgs r = { c, table, kind, ra, dec, radius };
  g_autoptr(GAsyncResult) res = vo_sync_run (vo_http_get_context (c->http), result_start, &r);

  return cadc_client_result_urls_finish (c, res, error);
}

/* cadc-client-tap.c: TAP sync queries, streamed to an output.
 *
 * cadc_client_query[_async] POSTs to {tap}/sync.  The answer goes through
 * a CadcStream as it arrives: a VoTableReader counts rows and keeps the
 * last QUERY_STATUS, and the bytes are either copied to the output as
 * they came (VOTable; held back until a TABLE starts, so an error document
 * never reaches the output) or re-serialised by a VoTableWriter driven
 * from the reader's callbacks (csv/tsv/table).  Uploads: UPLOAD=n,param:n
 * with the files as multipart; FITS tables are converted to temporary
 * VOTables first (vo-fits), removed when the request ends.  The stream and
 * the query fields are also used by the async jobs (cadc-client-uws.c).
 */
#include "config.h"

#include "cadc-client-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vo-fits.h"
#include "vo-sync.h"

struct _CadcStream {
  GOutputStream *out;
  VoFormat format;
  VoTableReader *reader;
  VoTableWriter *writer;
  gboolean began;
  guint tables;
  gboolean table_seen;    /* VOTable mode: raw bytes held back until then */
  GByteArray *pending;
  GError *error;          /* from writer callbacks */
};

static void
st_table_start (const char *name, const VoField *fields, guint n_fields, gpointer data)
{
  CadcStream *s = data;

  if (s->error != NULL || s->tables++ > 0)
    return;
  if (!vo_table_writer_begin (s->writer, "results", &s->error))
    return;
  s->began = TRUE;
  vo_table_writer_start_table (s->writer, name, fields, n_fields, &s->error);
}

static gboolean
st_row (const VoCell *cells, guint n_cells, gpointer data)
{
  CadcStream *s = data;

  if (s->error != NULL)
    return FALSE;
  if (s->tables > 1)
    return TRUE;
  return vo_table_writer_write_cells (s->writer, cells, n_cells, &s->error);
}

static void
st_table_end (gpointer data)
{
  CadcStream *s = data;

  if (s->error == NULL && s->tables == 1)
    vo_table_writer_end_table (s->writer, &s->error);
}

static const VoTableCallbacks convert_callbacks = {
  .table_start = st_table_start, .row = st_row, .table_end = st_table_end,
};

static void
raw_table_start (const char *name, const VoField *fields, guint n_fields, gpointer data)
{
  CadcStream *s = data;

  (void) name;
  (void) fields;
  (void) n_fields;
  s->table_seen = TRUE;
}

/* Raw VOTable output is held back until a TABLE's data starts, so an error
 * document (no TABLE) never reaches the output. */
static gboolean
raw_flush (CadcStream *s, GError **error)
{
  gboolean ok = TRUE;

  if (s->pending->len > 0 && s->out != NULL)
    ok = g_output_stream_write_all (s->out, s->pending->data, s->pending->len, NULL, NULL, error);
  g_byte_array_set_size (s->pending, 0);
  return ok;
}

CadcStream *
cadc_stream_new (GOutputStream *out, VoFormat format)
{
  CadcStream *s = g_new0 (CadcStream, 1);
  VoTableCallbacks none = { .table_start = raw_table_start };

  s->out = out != NULL ? g_object_ref (out) : NULL;
  s->format = format;
  s->pending = g_byte_array_new ();
  if (format != VO_FORMAT_VOTABLE && out != NULL)
    {
      s->writer = vo_table_writer_new (out, format);
      s->reader = vo_table_reader_new (&convert_callbacks, s);
    }
  else
    s->reader = vo_table_reader_new (&none, s);
  return s;
}

void
cadc_stream_free (CadcStream *s)
{
  g_clear_object (&s->out);
  g_clear_pointer (&s->reader, vo_table_reader_free);
  g_clear_pointer (&s->writer, vo_table_writer_free);
  g_clear_error (&s->error);
  g_byte_array_unref (s->pending);
  g_free (s);
}

gboolean
cadc_stream_sink (const char *data, gsize len, gpointer user_data, GError **error)
{
  CadcStream *s = user_data;

  if (!vo_table_reader_feed (s->reader, data, len, error))
    return FALSE;
  if (s->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&s->error));
      return FALSE;
    }
  if (s->format == VO_FORMAT_VOTABLE && s->out != NULL)
    {
      if (!s->table_seen)
        {
          g_byte_array_append (s->pending, (const guint8 *) data, len);
          return TRUE;
        }
      if (!raw_flush (s, error))
        return FALSE;
      return g_output_stream_write_all (s->out, data, len, NULL, NULL, error);
    }
  return TRUE;
}

void
cadc_query_result_free (CadcQueryResult *r)
{
  if (r == NULL)
    return;
  g_free (r->status_text);
  g_free (r);
}

/* End of body: finish parsing and writing, check QUERY_STATUS. */
CadcQueryResult *
cadc_stream_finish (CadcStream *s, GError **error)
{
  CadcQueryResult *r;
  const char *text = NULL;

  if (!vo_table_reader_finish (s->reader, error))
    return NULL;
  if (s->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&s->error));
      return NULL;
    }
  if (!vo_table_reader_check_query_status (s->reader, error))
    return NULL;
  if (s->format == VO_FORMAT_VOTABLE && !raw_flush (s, error))
    return NULL;
  if (s->writer != NULL)
    {
      if (!s->began && !vo_table_writer_begin (s->writer, "results", error))
        return NULL;
      if (!vo_table_writer_finish (s->writer, error))
        return NULL;
    }
  r = g_new0 (CadcQueryResult, 1);
  r->n_rows = vo_table_reader_get_n_rows (s->reader);
  r->status = vo_table_reader_get_query_status (s->reader, &text);
  r->status_text = g_strdup (text);
  return r;
}

void
cadc_client_unlink_temps (GPtrArray *temps)
{
  for (guint i = 0; temps != NULL && i < temps->len; i++)
    g_unlink (temps->pdata[i]);
  if (temps != NULL)
    g_ptr_array_unref (temps);
}

/* A FITS table upload becomes a temporary VOTable (path added to @temps). */
static char *
upload_file (const char *path, GPtrArray *temps, GError **error)
{
  char head[9] = { 0 };
  FILE *f = fopen (path, "rb");
  gboolean fits;
  g_autofree char *tmp = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  int fd;

  if (f == NULL)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "upload file %s: %s", path,
                   g_strerror (e));
      return NULL;
    }
  fits = fread (head, 1, 9, f) == 9 && memcmp (head, "SIMPLE  =", 9) == 0;
  fclose (f);
  if (!fits)
    return g_strdup (path);
  fd = g_file_open_tmp ("cadc-samp-upload-XXXXXX.xml", &tmp, error);
  if (fd < 0)
    return NULL;
  close (fd);
  g_ptr_array_add (temps, g_strdup (tmp));
  file = g_file_new_for_path (tmp);
  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, error);
  if (out == NULL || !vo_fits_table_to_votable (path, G_OUTPUT_STREAM (out), error)
      || !g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error))
    {
      g_prefix_error (error, "upload %s: ", path);
      return NULL;
    }
  return g_steal_pointer (&tmp);
}

gboolean
cadc_client_add_query_fields (VoHttpRequest *req, const char *adql, const CadcQueryOptions *o,
                  GPtrArray *temps, GError **error)
{
  g_autoptr(GString) upload = g_string_new (NULL);

  vo_http_request_add_field (req, "REQUEST", "doQuery");
  vo_http_request_add_field (req, "LANG", "ADQL");
  if (o != NULL && o->maxrec >= 0)
    {
      g_autofree char *m = g_strdup_printf ("%" G_GINT64_FORMAT, o->maxrec);
      vo_http_request_add_field (req, "MAXREC", m);
    }
  vo_http_request_add_field (req, "QUERY", adql);
  for (guint i = 0; o != NULL && o->uploads != NULL && o->uploads[i] != NULL; i++)
    {
      const char *eq = strchr (o->uploads[i], '=');
      g_autofree char *name = NULL;
      if (eq == NULL || eq == o->uploads[i] || eq[1] == '\0')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "upload '%s' is not NAME=FILE", o->uploads[i]);
          return FALSE;
        }
      name = g_strndup (o->uploads[i], eq - o->uploads[i]);
      if (!g_file_test (eq + 1, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                       "upload file %s does not exist", eq + 1);
          return FALSE;
        }
      {
        g_autofree char *send = upload_file (eq + 1, temps, error);
        if (send == NULL)
          return FALSE;
        g_string_append_printf (upload, "%s%s,param:%s", upload->len ? ";" : "", name, name);
        vo_http_request_add_file (req, name, send, eq + 1);
      }
    }
  if (upload->len > 0)
    vo_http_request_add_field (req, "UPLOAD", upload->str);
  return TRUE;
}

typedef struct {
  CadcClient *client;
  GCancellable *closed;
  char *adql;
  CadcQueryOptions options;     /* uploads owned */
  GOutputStream *out;
  CadcStream *stream;
  GPtrArray *temps;
} QueryCall;

static void
query_call_free (QueryCall *q)
{
  cadc_client_unlink_temps (q->temps);
  g_clear_pointer (&q->stream, cadc_stream_free);
  g_clear_object (&q->out);
  g_object_unref (q->closed);
  g_free (q->adql);
  g_strfreev ((char **) q->options.uploads);
  g_free (q);
}

static void
query_done (GObject *src, GAsyncResult *res, gpointer data)
{
  g_autoptr(GTask) task = data;
  QueryCall *q = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(VoHttpResponse) resp = NULL;
  CadcQueryResult *r;

  (void) src;
  if (cadc_client_task_closed (q->closed, task))
    return;
  resp = vo_http_send_finish (q->client->http, res, &error);
  if (resp == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  r = cadc_stream_finish (q->stream, &error);
  if (r == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, r, (GDestroyNotify) cadc_query_result_free);
}

/* TAP is known: send the query.  @task: (transfer full) */
static void
query_send (GTask *task)
{
  QueryCall *q = g_task_get_task_data (task);
  CadcClient *c = q->client;
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;
  g_autofree char *url = g_strconcat (c->tap, "/sync", NULL);
  VoHttpRequest *req = vo_http_request_new (VO_HTTP_POST, url);

  q->temps = g_ptr_array_new_with_free_func (g_free);
  if (!cadc_client_add_query_fields (req, q->adql, &q->options, q->temps, &error))
    {
      vo_http_request_free (req);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  q->stream = cadc_stream_new (q->out, q->options.format);
  vo_http_request_set_sink (req, cadc_stream_sink, q->stream);
  vo_http_send_async (c->http, req, cancellable, query_done, task);
}

static void
query_tap_ready (GObject *src, GAsyncResult *res, gpointer data)
{
  GTask *task = data;
  QueryCall *q = g_task_get_task_data (task);
  GError *error = NULL;

  (void) src;
  if (!cadc_client_tap_ready_finish (q->client, res, &error))
    g_task_return_error (task, error);
  else if (!cadc_client_task_closed (q->closed, task))
    {
      query_send (task);
      return;
    }
  g_object_unref (task);
}

void
cadc_client_query_async (CadcClient *c, const char *adql, const CadcQueryOptions *o,
                         GOutputStream *out, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  QueryCall *q = g_new0 (QueryCall, 1);

  g_task_set_source_tag (task, cadc_client_query_async);
  q->client = c;
  q->closed = g_object_ref (c->closed);
  q->adql = g_strdup (adql);
  q->options.maxrec = o != NULL ? o->maxrec : -1;
  q->options.format = o != NULL ? o->format : VO_FORMAT_VOTABLE;
  if (o != NULL && o->uploads != NULL)
    q->options.uploads = (const char *const *) g_strdupv ((char **) o->uploads);
  q->out = out != NULL ? g_object_ref (out) : NULL;
  g_task_set_task_data (task, q, (GDestroyNotify) query_call_free);
  if (cadc_client_tap_is_ready (c))
    query_send (task);          /* the usual case: no detour */
  else
    cadc_client_tap_ready_async (c, cancellable, query_tap_ready, task);
}

CadcQueryResult *
cadc_client_query_finish (CadcClient *c, GAsyncResult *result, GError **error)
{
  (void) c;
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  CadcClient *client;
  const char *adql;
  const CadcQueryOptions *options;
  GOutputStream *out;
  GCancellable *cancellable;
} QueryArgs;

static void
query_start (gpointer data, GAsyncReadyCallback callback, gpointer user_data)
{
  QueryArgs *a = data;

  cadc_client_query_async (a->client, a->adql, a->options, a->out, a->cancellable, callback,
                           user_data);
}

CadcQueryResult *
cadc_client_query (CadcClient *c, const char *adql, const CadcQueryOptions *o,
                   GOutputStream *out, GCancellable *cancellable, GError **error)
{
  QueryArgs a = { c, adql, o, out, cancellable };
  g_autoptr(GAsyncResult) res = vo_sync_run (vo_http_get_context (c->http), query_start, &a);

  return cadc_client_query_finish (c, res, error);
}

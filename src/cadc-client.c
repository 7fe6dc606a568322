/* cadc-client.c: endpoints, TAP sync/async, VOSI, DataLink, downloads.
 *
 * Discovery: registry text (resource-caps) -> capabilities URL of
 * ivo://cadc.nrc.ca/argus (TAP; base = capabilities URL minus
 * "/capabilities"), ivo://cadc.nrc.ca/caom2ops (DataLink links-1.1, then
 * 1.0) and ivo://cadc.nrc.ca/gms (UMS#login-0.1).  Parsing is vo-caps';
 * this file only fetches and caches.  With no registry configured the
 * fallback list is walked, moving on only after a transport error or 5xx.
 *
 * Credentials: the client is VoHttp's credentials callback.  It keeps the
 * capabilities documents that describe its URLs (TAP: all capabilities;
 * DataLink: only the links capability, so SODA stays "undescribed") and
 * hands the methods they allow for each request URL to cadc-auth, which
 * decides (cadc_auth_choose).
 *
 * Streaming queries: the VoHttp sink feeds a VoTableReader (rows, last
 * QUERY_STATUS) and either copies the raw bytes to the output (VOTable) or
 * drives a VoTableWriter from the reader's callbacks (csv/tsv/table).
 * Downloads go to "NAME.part-XXXXXX" in the target directory and are
 * renamed when complete; a failed download leaves nothing behind.
 */
#include "config.h"

#include "cadc-client.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <gio/gunixinputstream.h>
#include <unistd.h>

#include "cs-fits.h"
#include "vo-caps.h"
#include "vo-datalink.h"
#include "vo-error.h"
#include "vo-soda.h"

struct _CadcClient {
  VoHttp *http;
  CadcAuth *auth;
  char *registry_url;         /* NULL: try registry_fallbacks */
  char **registry_fallbacks;
  char **cookie_domains;      /* NULL: CadcAuth's default */
  char *tap;
  char *tap_caps_url;         /* from the registry, else {tap}/capabilities */
  char *datalink;
  char *login;
  VoRegistry *registry;
  GPtrArray *security;        /* SecDoc: capabilities that drive §6.3 */
  gboolean tap_security_loaded;
  gboolean verbose;
};

/* Capabilities consulted for the credential choice; @standard_id NULL =
 * every capability of the document. */
typedef struct {
  VoCapabilities *caps;
  char *standard_id;
} SecDoc;

static void
sec_doc_free (SecDoc *d)
{
  vo_caps_free (d->caps);
  g_free (d->standard_id);
  g_free (d);
}

/* @caps: (transfer full) */
static void
add_security (CadcClient *c, VoCapabilities *caps, const char *standard_id)
{
  SecDoc *d = g_new0 (SecDoc, 1);

  d->caps = caps;
  d->standard_id = g_strdup (standard_id);
  g_ptr_array_add (c->security, d);
}

char **
cadc_client_allowed_methods (CadcClient *c, const char *url)
{
  char **best = NULL;
  gsize best_rank = 0;

  for (guint i = 0; i < c->security->len; i++)
    {
      SecDoc *d = c->security->pdata[i];
      gsize rank = 0;
      char **m = vo_caps_security_methods_match (d->caps, d->standard_id, url, &rank);
      if (m == NULL)
        continue;
      if (best == NULL || rank > best_rank)
        {
          g_strfreev (best);
          best = m;
          best_rank = rank;
        }
      else
        g_strfreev (m);
    }
  return best;
}

static VoHttpCredentials *
client_credentials (const char *url, gpointer user_data)
{
  CadcClient *c = user_data;
  g_auto(GStrv) allowed = cadc_client_allowed_methods (c, url);

  return cadc_auth_credentials_for (c->auth, url, (const char *const *) allowed);
}

static void
use_auth (CadcClient *c, CadcAuth *auth)
{
  g_clear_pointer (&c->auth, cadc_auth_free);
  c->auth = auth != NULL ? auth : cadc_auth_new_anonymous ();
  if (c->cookie_domains != NULL)
    cadc_auth_set_cookie_domains (c->auth, (const char *const *) c->cookie_domains);
}

CadcClient *
cadc_client_new (const CadcClientConfig *config, CadcAuth *auth)
{
  static const char *const fallbacks[] = { CADC_REGISTRY_FALLBACKS, NULL };
  CadcClient *c = g_new0 (CadcClient, 1);
  const char *reg = config != NULL ? config->registry : NULL;
  const char *env_fb = g_getenv ("CADC_SAMP_REGISTRY_FALLBACKS");

  if (reg == NULL)
    reg = g_getenv ("CADC_REGISTRY_URL");
  if (reg != NULL && *reg != '\0')
    c->registry_url = g_strdup (reg);
  if (config != NULL && config->registry_fallbacks != NULL)
    c->registry_fallbacks = g_strdupv ((char **) config->registry_fallbacks);
  else if (env_fb != NULL && *env_fb != '\0')
    c->registry_fallbacks = g_strsplit (env_fb, ",", -1);
  else
    c->registry_fallbacks = g_strdupv ((char **) fallbacks);
  if (config != NULL && config->cookie_domains != NULL)
    c->cookie_domains = g_strdupv ((char **) config->cookie_domains);
  if (config != NULL && config->tap != NULL)
    c->tap = vo_url_tap_base (config->tap);
  if (config != NULL && config->datalink != NULL)
    c->datalink = vo_http_normalize_url (config->datalink);
  if (config != NULL && config->login != NULL)
    c->login = vo_http_normalize_url (config->login);
  c->verbose = config != NULL && config->verbose;
  c->security = g_ptr_array_new_with_free_func ((GDestroyNotify) sec_doc_free);
  use_auth (c, auth);
  c->http = vo_http_new (NULL);
  vo_http_set_verbose (c->http, c->verbose);
  vo_http_set_credentials_func (c->http, client_credentials, c, NULL);
  return c;
}

void
cadc_client_free (CadcClient *c)
{
  if (c == NULL)
    return;
  vo_http_free (c->http);
  cadc_auth_free (c->auth);
  g_free (c->registry_url);
  g_strfreev (c->registry_fallbacks);
  g_strfreev (c->cookie_domains);
  g_free (c->tap);
  g_free (c->tap_caps_url);
  g_free (c->datalink);
  g_free (c->login);
  g_clear_pointer (&c->registry, vo_registry_free);
  g_ptr_array_unref (c->security);
  g_free (c);
}

VoHttp *
cadc_client_get_http (CadcClient *c)
{
  return c->http;
}

CadcAuth *
cadc_client_get_auth (CadcClient *c)
{
  return c->auth;
}

void
cadc_client_set_auth (CadcClient *c, CadcAuth *auth)
{
  use_auth (c, auth);
  vo_http_reset_connections (c->http);
}

void
cadc_query_result_free (CadcQueryResult *r)
{
  if (r == NULL)
    return;
  g_free (r->status_text);
  g_free (r);
}

/* GET @url and return the body. */
static GBytes *
fetch (CadcClient *c, const char *url, GError **error)
{
  g_autoptr(VoHttpResponse) resp =
    vo_http_send (c->http, vo_http_request_new (VO_HTTP_GET, url), NULL, error);

  if (resp == NULL)
    return NULL;
  return g_bytes_ref (vo_http_response_get_body (resp));
}

/* ======================== endpoints ==================================== */

/* Worth trying the next registry: no connection/transport, or a 5xx. */
static gboolean
registry_unreachable (const GError *e)
{
  return e->domain == VO_CURL_ERROR || (e->domain == VO_HTTP_ERROR && e->code >= 500);
}

static gboolean
ensure_registry (CadcClient *c, GError **error)
{
  g_autoptr(GBytes) text = NULL;
  g_autoptr(GError) last = NULL;
  const char *used = NULL;
  const char *d;
  gsize n;

  if (c->registry != NULL)
    return TRUE;
  if (c->registry_url != NULL)
    {
      used = c->registry_url;
      text = fetch (c, used, error);
      if (text == NULL)
        {
          g_prefix_error (error, "registry: ");
          return FALSE;
        }
    }
  for (char **u = c->registry_fallbacks; text == NULL && u != NULL && *u != NULL; u++)
    {
      g_autoptr(GError) e = NULL;
      used = g_strstrip (*u);
      text = fetch (c, used, &e);
      if (text != NULL)
        break;
      if (!registry_unreachable (e))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&e), "registry: ");
          return FALSE;
        }
      if (c->verbose)
        g_message ("registry %s unreachable (%s), trying the next one", used, e->message);
      else
        g_debug ("registry %s unreachable (%s), trying the next one", used, e->message);
      g_clear_error (&last);
      last = g_steal_pointer (&e);
    }
  if (text == NULL)
    {
      if (last != NULL)
        g_propagate_prefixed_error (error, g_steal_pointer (&last),
                                    "registry: no registry answered; last: ");
      else
        g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND, "registry: no registry configured");
      return FALSE;
    }
  d = g_bytes_get_data (text, &n);
  c->registry = vo_registry_parse (d, n, error);
  if (c->registry == NULL)
    {
      g_prefix_error (error, "registry %s: ", used);
      return FALSE;
    }
  return TRUE;
}

static VoCapabilities *
fetch_caps (CadcClient *c, const char *caps_url, GError **error)
{
  g_autoptr(GBytes) body = fetch (c, caps_url, error);
  const char *d;
  gsize n;

  if (body == NULL)
    return NULL;
  d = g_bytes_get_data (body, &n);
  return vo_caps_parse (d, n, error);
}

/* The normalised capabilities URL of @service from the registry. */
static char *
service_caps_url (CadcClient *c, const char *service, GError **error)
{
  g_autofree char *caps_url = NULL;

  if (!ensure_registry (c, error))
    return NULL;
  caps_url = vo_registry_lookup (c->registry, service, error);
  if (caps_url == NULL)
    return NULL;
  return vo_http_normalize_url (caps_url);
}

static VoCapabilities *
service_caps (CadcClient *c, const char *service, GError **error)
{
  g_autofree char *caps_url = service_caps_url (c, service, error);

  if (caps_url == NULL)
    return NULL;
  return fetch_caps (c, caps_url, error);
}

static gboolean
holds_credentials (CadcClient *c)
{
  return cadc_auth_has_token (c->auth) || cadc_auth_get_cert (c->auth) != NULL;
}

/* The TAP capabilities drive the credential choice for TAP URLs; fetched
 * only when there is something to choose.  A service without a readable
 * capabilities document is treated as undescribed. */
static void
ensure_tap_security (CadcClient *c)
{
  g_autoptr(GError) e = NULL;
  g_autofree char *url = NULL;
  VoCapabilities *caps;

  if (c->tap_security_loaded || !holds_credentials (c))
    return;
  c->tap_security_loaded = TRUE;
  url = c->tap_caps_url != NULL ? g_strdup (c->tap_caps_url)
                                : g_strconcat (c->tap, "/capabilities", NULL);
  caps = fetch_caps (c, url, &e);
  if (caps == NULL)
    {
      g_debug ("TAP capabilities %s: %s (credentials as for an undescribed URL)", url,
               e->message);
      return;
    }
  add_security (c, caps, NULL);
}

char *
cadc_client_get_tap_url (CadcClient *c, GError **error)
{
  if (c->tap == NULL)
    {
      g_autofree char *caps_url = service_caps_url (c, "argus", error);
      if (caps_url == NULL)
        return NULL;
      c->tap = vo_url_tap_base (caps_url);
      c->tap_caps_url = g_steal_pointer (&caps_url);
    }
  ensure_tap_security (c);
  return g_strdup (c->tap);
}

char *
cadc_client_get_datalink_url (CadcClient *c, GError **error)
{
  if (c->datalink == NULL)
    {
      VoCapabilities *caps = service_caps (c, "caom2ops", error);
      char *url;
      if (caps == NULL)
        return NULL;
      url = vo_caps_datalink_url (caps, error);
      if (url == NULL)
        {
          vo_caps_free (caps);
          return NULL;
        }
      c->datalink = vo_http_normalize_url (url);
      g_free (url);
      /* only the DataLink capability: SODA and the rest stay undescribed */
      add_security (c, caps, vo_caps_find (caps, VO_STD_DATALINK_11) != NULL
                                     ? VO_STD_DATALINK_11 : VO_STD_DATALINK_10);
    }
  return g_strdup (c->datalink);
}

char *
cadc_client_get_login_url (CadcClient *c, GError **error)
{
  if (c->login == NULL)
    {
      g_autoptr(VoCapabilities) caps = service_caps (c, "gms", error);
      char *url;
      if (caps == NULL)
        return NULL;
      url = vo_caps_access_url (caps, VO_STD_LOGIN, error);
      if (url == NULL)
        return NULL;
      c->login = vo_http_normalize_url (url);
      g_free (url);
    }
  return g_strdup (c->login);
}

/* ======================== streaming results ============================ */

typedef struct {
  GOutputStream *out;
  VoFormat format;
  VoTableReader *reader;
  VoTableWriter *writer;
  gboolean began;
  guint tables;
  gboolean table_seen;    /* VOTable mode: raw bytes held back until then */
  GByteArray *pending;
  GError *error;          /* from writer callbacks */
} Stream;

static void
st_table_start (const char *name, const VoField *fields, guint n_fields, gpointer data)
{
  Stream *s = data;

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
  Stream *s = data;

  if (s->error != NULL)
    return FALSE;
  if (s->tables > 1)
    return TRUE;
  return vo_table_writer_write_cells (s->writer, cells, n_cells, &s->error);
}

static void
st_table_end (gpointer data)
{
  Stream *s = data;

  if (s->error == NULL && s->tables == 1)
    vo_table_writer_end_table (s->writer, &s->error);
}

static const VoTableCallbacks convert_callbacks = {
  .table_start = st_table_start, .row = st_row, .table_end = st_table_end,
};

static void
raw_table_start (const char *name, const VoField *fields, guint n_fields, gpointer data)
{
  Stream *s = data;

  (void) name;
  (void) fields;
  (void) n_fields;
  s->table_seen = TRUE;
}

/* Raw VOTable output is held back until a TABLE's data starts, so an error
 * document (no TABLE) never reaches the output. */
static gboolean
raw_flush (Stream *s, GError **error)
{
  gboolean ok = TRUE;

  if (s->pending->len > 0 && s->out != NULL)
    ok = g_output_stream_write_all (s->out, s->pending->data, s->pending->len, NULL, NULL, error);
  g_byte_array_set_size (s->pending, 0);
  return ok;
}

static Stream *
stream_new (GOutputStream *out, VoFormat format)
{
  Stream *s = g_new0 (Stream, 1);
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

static void
stream_free (Stream *s)
{
  g_clear_object (&s->out);
  g_clear_pointer (&s->reader, vo_table_reader_free);
  g_clear_pointer (&s->writer, vo_table_writer_free);
  g_clear_error (&s->error);
  g_byte_array_unref (s->pending);
  g_free (s);
}

static gboolean
stream_sink (const char *data, gsize len, gpointer user_data, GError **error)
{
  Stream *s = user_data;

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

/* End of body: finish parsing and writing, check QUERY_STATUS. */
static CadcQueryResult *
stream_finish (Stream *s, GError **error)
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

/* ======================== TAP sync ===================================== */

static void
unlink_temps (GPtrArray *temps)
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
  if (out == NULL || !cs_fits_table_to_votable (path, G_OUTPUT_STREAM (out), error)
      || !g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error))
    {
      g_prefix_error (error, "upload %s: ", path);
      return NULL;
    }
  return g_steal_pointer (&tmp);
}

static gboolean
add_query_fields (VoHttpRequest *req, const char *adql, const CadcQueryOptions *o,
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
  Stream *stream;
  GPtrArray *temps;
} QueryCall;

static void
query_call_free (QueryCall *q)
{
  unlink_temps (q->temps);
  stream_free (q->stream);
  g_free (q);
}

static void
query_done (GObject *src, GAsyncResult *res, gpointer data)
{
  GTask *task = data;
  QueryCall *q = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(VoHttpResponse) resp = vo_http_send_finish (q->client->http, res, &error);
  CadcQueryResult *r;

  (void) src;
  if (resp == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  r = stream_finish (q->stream, &error);
  if (r == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, r, (GDestroyNotify) cadc_query_result_free);
  g_object_unref (task);
}

void
cadc_client_query_async (CadcClient *c, const char *adql, const CadcQueryOptions *o,
                         GOutputStream *out, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  GError *error = NULL;
  g_autofree char *tap = cadc_client_get_tap_url (c, &error);
  g_autofree char *url = NULL;
  VoHttpRequest *req;
  QueryCall *q;
  GPtrArray *temps = g_ptr_array_new_with_free_func (g_free);

  g_task_set_source_tag (task, cadc_client_query_async);
  if (tap == NULL)
    {
      unlink_temps (temps);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  url = g_strconcat (tap, "/sync", NULL);
  req = vo_http_request_new (VO_HTTP_POST, url);
  if (!add_query_fields (req, adql, o, temps, &error))
    {
      unlink_temps (temps);
      vo_http_request_free (req);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  q = g_new0 (QueryCall, 1);
  q->client = c;
  q->temps = temps;
  q->stream = stream_new (out, o != NULL ? o->format : VO_FORMAT_VOTABLE);
  g_task_set_task_data (task, q, (GDestroyNotify) query_call_free);
  vo_http_request_set_sink (req, stream_sink, q->stream);
  vo_http_send_async (c->http, req, cancellable, query_done, task);
}

CadcQueryResult *
cadc_client_query_finish (CadcClient *c, GAsyncResult *result, GError **error)
{
  (void) c;
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  gboolean done;
  GAsyncResult *res;
} Wait;

static void
wait_done (GObject *src, GAsyncResult *res, gpointer data)
{
  Wait *w = data;

  (void) src;
  w->res = g_object_ref (res);
  w->done = TRUE;
}

CadcQueryResult *
cadc_client_query (CadcClient *c, const char *adql, const CadcQueryOptions *o,
                   GOutputStream *out, GCancellable *cancellable, GError **error)
{
  Wait w = { FALSE, NULL };
  GMainContext *ctx = vo_http_get_context (c->http);
  CadcQueryResult *r;

  g_main_context_push_thread_default (ctx);
  cadc_client_query_async (c, adql, o, out, cancellable, wait_done, &w);
  while (!w.done)
    g_main_context_iteration (ctx, TRUE);
  g_main_context_pop_thread_default (ctx);
  r = cadc_client_query_finish (c, w.res, error);
  g_object_unref (w.res);
  return r;
}

/* ======================== UWS jobs ===================================== */

char *
cadc_client_job_url (CadcClient *c, const char *id_or_url, GError **error)
{
  g_autofree char *tap = NULL;

  if (strstr (id_or_url, "://") != NULL)
    {
      /* a job of our TAP service: its capabilities decide the credentials */
      if (c->tap != NULL)
        ensure_tap_security (c);
      return vo_http_normalize_url (id_or_url);
    }
  tap = cadc_client_get_tap_url (c, error);
  if (tap == NULL)
    return NULL;
  return g_strconcat (tap, "/async/", id_or_url, NULL);
}

static gboolean
post_phase (CadcClient *c, const char *job_url, const char *phase, GError **error)
{
  g_autofree char *url = g_strconcat (job_url, "/phase", NULL);
  VoHttpRequest *req = vo_http_request_new (VO_HTTP_POST, url);
  g_autoptr(VoHttpResponse) resp = NULL;

  vo_http_request_add_field (req, "PHASE", phase);
  resp = vo_http_send (c->http, req, NULL, error);
  return resp != NULL;
}

char *
cadc_client_job_create (CadcClient *c, const char *adql, const CadcQueryOptions *o,
                        gboolean run, GError **error)
{
  g_autofree char *tap = cadc_client_get_tap_url (c, error);
  g_autofree char *url = NULL;
  g_autofree char *job_url = NULL;
  g_autoptr(VoHttpResponse) resp = NULL;
  VoHttpRequest *req;
  GPtrArray *temps;

  if (tap == NULL)
    return NULL;
  url = g_strconcat (tap, "/async", NULL);
  req = vo_http_request_new (VO_HTTP_POST, url);
  temps = g_ptr_array_new_with_free_func (g_free);
  if (!add_query_fields (req, adql, o, temps, error))
    {
      unlink_temps (temps);
      vo_http_request_free (req);
      return NULL;
    }
  vo_http_request_set_follow (req, FALSE);
  vo_http_request_set_retry (req, FALSE);
  resp = vo_http_send (c->http, req, NULL, error);
  unlink_temps (temps);
  if (resp == NULL)
    return NULL;
  if (vo_http_response_get_location (resp) == NULL)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_FAILED,
                   "POST %s: HTTP %u without a job Location", url,
                   vo_http_response_get_status (resp));
      return NULL;
    }
  job_url = vo_http_normalize_url (vo_http_response_get_location (resp));
  if (run && !post_phase (c, job_url, "RUN", error))
    return NULL;
  return g_steal_pointer (&job_url);
}

VoUwsJob *
cadc_client_job_get (CadcClient *c, const char *job_url, gboolean wait, guint timeout,
                     GError **error)
{
  gint64 deadline = timeout > 0 ? g_get_monotonic_time () + (gint64) timeout * G_USEC_PER_SEC : 0;

  for (;;)
    {
      VoHttpRequest *req = vo_http_request_new (VO_HTTP_GET, job_url);
      g_autoptr(VoHttpResponse) resp = NULL;
      VoUwsJob *job;
      gsize n;
      const char *d;

      if (wait)
        vo_http_request_add_field (req, "WAIT", "30");
      resp = vo_http_send (c->http, req, NULL, error);
      if (resp == NULL)
        return NULL;
      d = g_bytes_get_data (vo_http_response_get_body (resp), &n);
      job = vo_uws_job_parse (d, n, error);
      if (job == NULL)
        return NULL;
      if (!wait || vo_uws_phase_is_final (job->phase) || !vo_uws_phase_is_active (job->phase))
        return job;
      if (deadline > 0 && g_get_monotonic_time () > deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "job %s still %s after %u s", job_url, job->phase_text, timeout);
          vo_uws_job_free (job);
          return NULL;
        }
      vo_uws_job_free (job);
      /* servers that ignore WAIT answer at once: do not spin */
      g_usleep (G_USEC_PER_SEC / 2);
    }
}

gboolean
cadc_client_job_abort (CadcClient *c, const char *job_url, GError **error)
{
  return post_phase (c, job_url, "ABORT", error);
}

gboolean
cadc_client_job_delete (CadcClient *c, const char *job_url, GError **error)
{
  g_autoptr(VoHttpResponse) resp =
    vo_http_send (c->http, vo_http_request_new (VO_HTTP_DELETE, job_url), NULL, error);

  return resp != NULL;
}

CadcQueryResult *
cadc_client_job_fetch (CadcClient *c, const char *job_url, VoFormat format,
                       GOutputStream *out, GError **error)
{
  g_autoptr(VoUwsJob) job = cadc_client_job_get (c, job_url, FALSE, 0, error);
  const VoUwsResult *res;
  g_autofree char *href = NULL;
  VoHttpRequest *req;
  g_autoptr(VoHttpResponse) resp = NULL;
  Stream *s;
  CadcQueryResult *r;

  if (job == NULL)
    return NULL;
  if (job->phase == VO_UWS_PHASE_ERROR || job->phase == VO_UWS_PHASE_ABORTED)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_JOB_ABORTED, "job %s is %s%s%s", job->job_id,
                   job->phase_text, job->error_message ? ": " : "",
                   job->error_message ? job->error_message : "");
      return NULL;
    }
  if (job->phase != VO_UWS_PHASE_COMPLETED)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "job %s is %s, not COMPLETED",
                   job->job_id, job->phase_text);
      return NULL;
    }
  res = vo_uws_job_get_result (job);
  if (res == NULL)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND, "job %s has no result", job->job_id);
      return NULL;
    }
  href = vo_uws_resolve_href (job_url, res->href, error);
  if (href == NULL)
    return NULL;
  req = vo_http_request_new (VO_HTTP_GET, href);
  s = stream_new (out, format);
  vo_http_request_set_sink (req, stream_sink, s);
  resp = vo_http_send (c->http, req, NULL, error);
  r = resp != NULL ? stream_finish (s, error) : NULL;
  stream_free (s);
  return r;
}

GPtrArray *
cadc_client_job_list (CadcClient *c, const char *const *phases, gint last, const char *after,
                      GError **error)
{
  g_autofree char *tap = cadc_client_get_tap_url (c, error);
  g_autofree char *url = NULL;
  VoHttpRequest *req;
  g_autoptr(VoHttpResponse) resp = NULL;
  gsize n;
  const char *d;

  if (tap == NULL)
    return NULL;
  url = g_strconcat (tap, "/async", NULL);
  req = vo_http_request_new (VO_HTTP_GET, url);
  for (guint i = 0; phases != NULL && phases[i] != NULL; i++)
    vo_http_request_add_field (req, "PHASE", phases[i]);
  if (last > 0)
    {
      g_autofree char *l = g_strdup_printf ("%d", last);
      vo_http_request_add_field (req, "LAST", l);
    }
  if (after != NULL)
    vo_http_request_add_field (req, "AFTER", after);
  resp = vo_http_send (c->http, req, NULL, error);
  if (resp == NULL)
    return NULL;
  d = g_bytes_get_data (vo_http_response_get_body (resp), &n);
  return vo_uws_job_list_parse (d, n, error);
}

/* ======================== VOSI, DataLink ================================ */

GBytes *
cadc_client_get_tables (CadcClient *c, const char *name, GError **error)
{
  g_autofree char *tap = cadc_client_get_tap_url (c, error);
  g_autofree char *url = NULL;

  if (tap == NULL)
    return NULL;
  if (name != NULL)
    {
      g_autofree char *esc = vo_http_escape (name);
      url = g_strconcat (tap, "/tables/", esc, NULL);
    }
  else
    url = g_strconcat (tap, "/tables", NULL);
  return fetch (c, url, error);
}

char **
cadc_publisher_ids_from_file (const char *path, GError **error)
{
  g_autoptr(VoTable) t = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  int col;

  if (strcmp (path, "-") == 0)
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (0, FALSE);
      g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
      g_autoptr(GBytes) b = NULL;
      if (g_output_stream_splice (mem, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, error) < 0)
        return NULL;
      b = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
      t = vo_table_load_bytes (g_bytes_get_data (b, NULL), g_bytes_get_size (b), error);
    }
  else
    t = vo_table_load_file (path, error);
  if (t == NULL)
    return NULL;
  col = vo_table_find_field (t, "publisherID");
  if (col < 0)
    {
      g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
                   "publisherID column missing from %s", strcmp (path, "-") == 0 ? "stdin" : path);
      return NULL;
    }
  for (guint i = 0; i < vo_table_get_n_rows (t); i++)
    {
      const char *v = vo_table_get_string (t, i, (guint) col);
      if (v != NULL && *v != '\0')
        g_ptr_array_add (ids, g_strdup (v));
    }
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_steal (ids, NULL);
}

/* Runs @fn on the DataLink answer of every batch of IDs. */
static gboolean
datalink_batches (CadcClient *c, const char *const *ids, gboolean downloads_only,
                  gboolean (*fn) (VoDatalink *dl, gpointer data, GError **error),
                  gpointer data, GError **error)
{
  g_autofree char *endpoint = cadc_client_get_datalink_url (c, error);
  g_auto(GStrv) urls = NULL;

  if (endpoint == NULL)
    return FALSE;
  urls = vo_datalink_build_urls (endpoint, ids, g_strv_length ((char **) ids), 0,
                                 downloads_only);
  for (guint i = 0; urls[i] != NULL; i++)
    {
      g_autoptr(GBytes) body = fetch (c, urls[i], error);
      g_autoptr(VoDatalink) dl = NULL;
      gsize n;
      const char *d;

      if (body == NULL)
        return FALSE;
      d = g_bytes_get_data (body, &n);
      dl = vo_datalink_parse (d, n, error);
      if (dl == NULL || !fn (dl, data, error))
        return FALSE;
      for (guint k = 0; k < dl->errors->len; k++)
        {
          VoDatalinkRow *row = dl->errors->pdata[k];
          g_warning ("DataLink: %s: %s", row->id ? row->id : "?",
                     row->error_message ? row->error_message : "no link");
        }
    }
  return TRUE;
}

typedef struct {
  GPtrArray *out;
  gboolean aux;
  double ra, dec, radius;
} UrlCollect;

static gboolean
collect_data_urls (VoDatalink *dl, gpointer data, GError **error)
{
  UrlCollect *u = data;
  g_auto(GStrv) urls = vo_datalink_dup_data_urls (dl, u->aux);

  (void) error;
  for (guint i = 0; urls[i] != NULL; i++)
    g_ptr_array_add (u->out, g_strdup (urls[i]));
  return TRUE;
}

static gboolean
collect_cutout_urls (VoDatalink *dl, gpointer data, GError **error)
{
  UrlCollect *u = data;
  g_auto(GStrv) urls = vo_soda_cutout_urls (dl, u->ra, u->dec, u->radius);

  (void) error;
  for (guint i = 0; urls[i] != NULL; i++)
    g_ptr_array_add (u->out, g_strdup (urls[i]));
  return TRUE;
}

char **
cadc_client_data_urls (CadcClient *c, const char *const *ids, gboolean aux, GError **error)
{
  UrlCollect u = { g_ptr_array_new_with_free_func (g_free), aux, 0, 0, 0 };

  if (!datalink_batches (c, ids, TRUE, collect_data_urls, &u, error))
    {
      g_ptr_array_unref (u.out);
      return NULL;
    }
  g_ptr_array_add (u.out, NULL);
  return (char **) g_ptr_array_free (u.out, FALSE);
}

char **
cadc_client_cutout_urls (CadcClient *c, const char *const *ids, double ra, double dec,
                         double radius, GError **error)
{
  UrlCollect u = { g_ptr_array_new_with_free_func (g_free), FALSE, ra, dec, radius };

  if (!datalink_batches (c, ids, FALSE, collect_cutout_urls, &u, error))
    {
      g_ptr_array_unref (u.out);
      return NULL;
    }
  g_ptr_array_add (u.out, NULL);
  return (char **) g_ptr_array_free (u.out, FALSE);
}

/* ======================== downloads ==================================== */

typedef struct {
  CadcClient *client;
  char *path;
  char *tmp;
  int fd;
  guint64 bytes;
  CadcProgressFunc progress;
  gpointer progress_data;
} Download;

static void
download_free (Download *d)
{
  if (d->fd >= 0)
    close (d->fd);
  if (d->tmp != NULL)
    g_unlink (d->tmp);
  g_free (d->path);
  g_free (d->tmp);
  g_free (d);
}

static gboolean
download_sink (const char *data, gsize len, gpointer user_data, GError **error)
{
  Download *d = user_data;

  while (len > 0)
    {
      ssize_t w = write (d->fd, data, len);
      if (w < 0)
        {
          int e = errno;
          if (e == EINTR)
            continue;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "writing %s: %s",
                       d->tmp, g_strerror (e));
          return FALSE;
        }
      data += w;
      len -= (gsize) w;
      d->bytes += (guint64) w;
    }
  if (d->progress != NULL)
    d->progress (d->bytes, d->progress_data);
  return TRUE;
}

static void
download_done (GObject *src, GAsyncResult *res, gpointer data)
{
  GTask *task = data;
  Download *d = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(VoHttpResponse) resp = vo_http_send_finish (d->client->http, res, &error);

  (void) src;
  if (resp != NULL && vo_http_response_get_status (resp) == 204)
    error = g_error_new (VO_HTTP_ERROR, 204, "%s: HTTP 204 No Content (no overlap)",
                         vo_http_response_get_url (resp));
  if (error == NULL && (fsync (d->fd) != 0 || close (d->fd) != 0))
    {
      int e = errno;
      error = g_error_new (G_FILE_ERROR, g_file_error_from_errno (e), "writing %s: %s", d->tmp,
                           g_strerror (e));
    }
  d->fd = -1;
  if (error == NULL && g_rename (d->tmp, d->path) != 0)
    {
      int e = errno;
      error = g_error_new (G_FILE_ERROR, g_file_error_from_errno (e), "renaming to %s: %s",
                           d->path, g_strerror (e));
    }
  else if (error == NULL)
    g_clear_pointer (&d->tmp, g_free);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

void
cadc_client_download_async (CadcClient *c, const char *url, const char *path,
                            CadcProgressFunc progress, gpointer progress_data,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Download *d = g_new0 (Download, 1);
  VoHttpRequest *req;

  d->client = c;
  d->path = g_strdup (path);
  d->tmp = g_strconcat (path, ".part-XXXXXX", NULL);
  d->progress = progress;
  d->progress_data = progress_data;
  d->fd = g_mkstemp_full (d->tmp, O_WRONLY | O_CLOEXEC, 0644);
  g_task_set_task_data (task, d, (GDestroyNotify) download_free);
  if (d->fd < 0)
    {
      int e = errno;
      g_clear_pointer (&d->tmp, g_free);
      g_task_return_new_error (task, G_FILE_ERROR, g_file_error_from_errno (e),
                               "cannot create a file next to %s: %s", path, g_strerror (e));
      g_object_unref (task);
      return;
    }
  req = vo_http_request_new (VO_HTTP_GET, url);
  vo_http_request_set_sink (req, download_sink, d);
  vo_http_send_async (c->http, req, cancellable, download_done, task);
}

gboolean
cadc_client_download_finish (CadcClient *c, GAsyncResult *result, GError **error)
{
  (void) c;
  return g_task_propagate_boolean (G_TASK (result), error);
}

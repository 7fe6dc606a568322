/* samp-hub-reader.c: the hub's HTTP message reader, on GIO async streams.
 *
 * See samp-hub-reader.h.  The buffer grows with the bytes received, never
 * with what a header announces; the search for the end of the header
 * resumes where it stopped; a timeout cancels the read under way through
 * the reader's own GCancellable (itself cancelled with the parent's).
 */
#include "config.h"

#include <string.h>

#include "samp-hub-reader.h"
#include "samp-xmlrpc.h"

static void reader_process (HubReader *r);

void
hub_reader_stop_timer (HubReader *r)
{
  if (r->timer != NULL)
    {
      g_source_destroy (r->timer);
      g_source_unref (r->timer);
      r->timer = NULL;
    }
}

static gboolean
reader_timeout_cb (gpointer data)
{
  HubReader *r = data;
  g_source_unref (r->timer);
  r->timer = NULL;
  r->timed_out = TRUE;
  g_cancellable_cancel (r->cancel);   /* the read under way fails */
  return G_SOURCE_REMOVE;
}

void
hub_reader_arm_timer (HubReader *r, guint seconds)
{
  hub_reader_stop_timer (r);
  if (seconds == 0)
    return;
  r->timer = g_timeout_source_new_seconds (seconds);
  g_source_set_callback (r->timer, reader_timeout_cb, r, NULL);
  g_source_attach (r->timer, g_main_context_get_thread_default ());
}

static void
reader_reset (HubReader *r)
{
  g_clear_pointer (&r->start_line, g_free);
  g_clear_pointer (&r->headers, g_hash_table_unref);
  /* the body's buffer (its allocation grown to a read chunk) becomes the
   * read buffer again when nothing came after the body: no new 64 KiB
   * buffer per message */
  if (r->buf == NULL && r->body_buf != NULL)
    {
      r->buf = g_steal_pointer (&r->body_buf);
      g_byte_array_set_size (r->buf, 0);
    }
  else if (r->buf == NULL)
    r->buf = g_byte_array_new ();
  g_clear_pointer (&r->body_buf, g_byte_array_unref);
  r->body = NULL;
  r->content_length = -1;
  r->close = FALSE;
  r->in_body = FALSE;
  r->started = FALSE;
  r->scanned = 0;
  r->refuse_status = 0;
}

/* Ends the current message with an error; @status is the HTTP status a
 * server answers it with (0: just close). */
static void
reader_fail (HubReader *r, guint status, GError *error)
{
  hub_reader_stop_timer (r);
  r->refuse_status = status;
  r->done (r->owner, error);
}

void
hub_reader_start (HubReader *r)
{
  reader_reset (r);
  hub_reader_arm_timer (r, r->idle_timeout_s);
  reader_process (r);
}

static void
reader_read_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  HubReader *r = data;
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (src), res, &error);

  g_byte_array_set_size (r->buf, (guint) (r->pending_base + (n > 0 ? (gsize) n : 0)));
  if (n < 0)
    {
      if (r->timed_out)
        {
          g_clear_error (&error);
          error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                               r->started ? "Request not complete within %u s"
                                          : "Connection idle for %u s",
                               r->started ? r->request_timeout_s : r->idle_timeout_s);
        }
      /* a request under way that took too long gets 408; an idle
       * connection is just closed */
      reader_fail (r, r->timed_out && r->started ? 408 : 0, error);
      return;
    }
  if (n == 0)
    {
      reader_fail (r, 0, g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                      r->started ? "Connection closed in the middle of a message"
                                                 : "Connection closed"));
      return;
    }
  reader_process (r);
}

static void
reader_read_more (HubReader *r)
{
  r->pending_base = r->buf->len;
  g_byte_array_set_size (r->buf, r->buf->len + HUB_READ_CHUNK);
  g_input_stream_read_async (r->in, r->buf->data + r->pending_base, HUB_READ_CHUNK,
                             G_PRIORITY_DEFAULT, r->cancel, reader_read_cb, r);
}

/* Where the blank line ending the header section ends in buf, or 0.
 * The search resumes where the last one stopped: a peer sending its
 * header a byte at a time costs linear time, not quadratic. */
static gsize
find_head_end (const GByteArray *buf, gsize *scanned)
{
  gsize from = *scanned > 2 ? *scanned - 2 : 0;
  *scanned = buf->len;
  for (gsize i = from; i + 1 < buf->len; i++)
    if (buf->data[i] == '\n')
      {
        if (buf->data[i + 1] == '\n')
          return i + 2;
        if (i + 2 < buf->len && buf->data[i + 1] == '\r' && buf->data[i + 2] == '\n')
          return i + 3;
      }
  return 0;
}

/* Parses the header section buf[0..end); FALSE after reader_fail. */
static gboolean
reader_parse_head (HubReader *r, gsize end)
{
  g_autofree char *head = g_strndup ((const char *) r->buf->data, end);
  g_auto(GStrv) lines = NULL;

  g_byte_array_remove_range (r->buf, 0, (guint) end);
  r->scanned = 0;
  if (strlen (head) != end)
    {
      reader_fail (r, 400, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                        "NUL byte in the HTTP header"));
      return FALSE;
    }
  lines = g_strsplit (head, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gsize len = strlen (line);
      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
      if (i == 0)
        {
          r->start_line = g_strdup (line);
          continue;
        }
      char *colon = strchr (line, ':');
      if (len == 0 || colon == NULL)
        continue;
      *colon = '\0';
      char *value = g_strstrip (colon + 1);
      if (r->headers == NULL)
        r->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_replace (r->headers, g_ascii_strdown (line, -1), g_strdup (value));
      if (g_ascii_strcasecmp (line, "Content-Length") == 0)
        {
          guint64 n = 0;
          if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &n, NULL)
              || (r->content_length >= 0 && (guint64) r->content_length != n))
            {
              reader_fail (r, 400, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                                "Bad Content-Length"));
              return FALSE;
            }
          /* samp-xmlrpc refuses larger documents anyway: do not read them */
          if (n > SAMP_XMLRPC_MAX_SIZE)
            {
              reader_fail (r, 413, g_error_new (G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                                "Body of %" G_GUINT64_FORMAT " bytes is over the "
                                                "%" G_GSIZE_FORMAT "-byte limit",
                                                n, SAMP_XMLRPC_MAX_SIZE));
              return FALSE;
            }
          r->content_length = (gssize) n;
        }
      else if (g_ascii_strcasecmp (line, "Connection") == 0)
        r->close = g_ascii_strcasecmp (value, "close") == 0;
      else if (g_ascii_strcasecmp (line, "Transfer-Encoding") == 0)
        {
          reader_fail (r, 501, g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                            "Chunked bodies are not supported"));
          return FALSE;
        }
    }
  if (g_str_has_suffix (r->start_line, "HTTP/1.0"))
    r->close = TRUE;
  if (r->content_length < 0 && !g_str_has_prefix (r->start_line, "HTTP/")
      && !g_str_has_prefix (r->start_line, "POST ") && !g_str_has_prefix (r->start_line, "PUT "))
    r->content_length = 0;   /* GET, HEAD, OPTIONS: no body */
  if (r->content_length < 0)
    {
      reader_fail (r, 411, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                        "Missing Content-Length"));
      return FALSE;
    }
  return TRUE;
}

/* Uses what is buffered; reads more, or reports one message or error. */
static void
reader_process (HubReader *r)
{
  if (!r->in_body)
    {
      /* tolerate stray CRLFs between messages */
      guint skip = 0;
      while (skip < r->buf->len && (r->buf->data[skip] == '\r' || r->buf->data[skip] == '\n'))
        skip++;
      if (skip > 0)
        {
          g_byte_array_remove_range (r->buf, 0, skip);
          r->scanned = 0;
        }
      if (r->buf->len > 0 && !r->started)
        {
          r->started = TRUE;   /* from now on the request must be quick */
          hub_reader_arm_timer (r, r->request_timeout_s);
        }
      gsize end = find_head_end (r->buf, &r->scanned);
      if (end == 0 ? r->buf->len > HUB_HEADER_LIMIT : end > HUB_HEADER_LIMIT)
        {
          reader_fail (r, 431, g_error_new (G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                            "HTTP header over %d bytes", HUB_HEADER_LIMIT));
          return;
        }
      if (end == 0)
        {
          reader_read_more (r);
          return;
        }
      if (!reader_parse_head (r, end))
        return;
      r->in_body = TRUE;
    }
  if (r->buf->len < (gsize) r->content_length)
    {
      reader_read_more (r);
      return;
    }
  /* the body: the buffer itself when it holds nothing more (the usual
   * case, no copy); any bytes after it stay for the next message */
  gsize cl = (gsize) r->content_length;
  GByteArray *rest = NULL;     /* NULL: reader_reset reuses the body's buffer */
  if (r->buf->len > cl)
    {
      rest = g_byte_array_new ();
      g_byte_array_append (rest, r->buf->data + cl, r->buf->len - (guint) cl);
    }
  g_byte_array_set_size (r->buf, (guint) cl + 1);
  r->buf->data[cl] = '\0';
  r->body_buf = r->buf;
  r->body = (char *) r->body_buf->data;
  r->buf = rest;
  hub_reader_stop_timer (r);
  r->done (r->owner, NULL);
}

const char *
hub_reader_get_header (HubReader *r, const char *name)
{
  if (r->headers == NULL)
    return NULL;
  g_autofree char *lower = g_ascii_strdown (name, -1);
  return g_hash_table_lookup (r->headers, lower);
}

static void
reader_cancel_cb (GCancellable *parent, gpointer data)
{
  (void) parent;
  g_cancellable_cancel (data);
}

void
hub_reader_init (HubReader *r, GIOStream *io, GCancellable *parent,
             guint idle_timeout_s, guint request_timeout_s,
             void (*done) (gpointer, GError *), gpointer owner)
{
  r->in = g_object_ref (g_io_stream_get_input_stream (io));
  r->cancel = g_cancellable_new ();
  r->parent = g_object_ref (parent);
  r->parent_handler = g_cancellable_connect (parent, G_CALLBACK (reader_cancel_cb),
                                             g_object_ref (r->cancel), g_object_unref);
  r->buf = g_byte_array_new ();
  r->idle_timeout_s = idle_timeout_s;
  r->request_timeout_s = request_timeout_s;
  r->done = done;
  r->owner = owner;
  r->content_length = -1;
}

void
hub_reader_clear (HubReader *r)
{
  reader_reset (r);
  hub_reader_stop_timer (r);
  if (r->parent != NULL)
    g_cancellable_disconnect (r->parent, r->parent_handler);
  g_clear_object (&r->parent);
  g_clear_object (&r->cancel);
  g_clear_object (&r->in);
  g_clear_pointer (&r->buf, g_byte_array_unref);
}


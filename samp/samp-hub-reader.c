/* samp-hub-reader.c: the hub's HTTP connection I/O, one GSource per connection.
 *
 * See samp-hub-reader.h.  Why a custom source: GIO's asynchronous reads
 * and writes make a GTask and attach and destroy a socket source per
 * operation, and every attach or destroy of a source with a file
 * descriptor writes the main context's wakeup eventfd; a timer source per
 * request does the same.  Here the fd is added once; the source's
 * prepare/check look at flags and deadlines (prepare returns the time
 * left as the poll timeout), so a message costs one recv() and one send()
 * and no source changes.  Input that arrives while paused turns G_IO_IN
 * off (a rare wakeup) until the next start, so level-triggered polling
 * never spins.
 * The buffer grows with the bytes received (doubling), never with what a
 * header announces; the search for the end of the header resumes where it
 * stopped; headers are offsets into the buffer (NUL-terminated in place),
 * and the body's terminating NUL borrows the next message's first byte,
 * put back at the next start.  Callbacks (@done, @sent, @drained) are the
 * last thing a dispatch does: they may clear the reader.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "samp-hub-reader.h"
#include "samp-xmlrpc.h"

enum { R_PAUSED, R_READING, R_DRAINING };

#define BUF_INITIAL (16 * 1024)
#define MIN_ROOM 4096
#define BUF_KEEP (1024 * 1024)   /* a larger buffer is shrunk when empty */

typedef struct {
  GSource source;
  HubReader *r;
} ReaderSource;

typedef struct {
  gsize name, value;        /* offsets in buf, NUL-terminated there */
} HubHeaderSpan;

static gboolean reader_process (HubReader *r);

/* ---------------- events and deadlines ---------------- */

static void
reader_update_events (HubReader *r)
{
  if (r->fd < 0 || r->source == NULL)
    return;
  GIOCondition want = (r->in_off ? 0 : G_IO_IN) | (r->writing && r->write_error == NULL ? G_IO_OUT : 0);
  if (r->fd_tag == NULL)
    {
      if (want != 0)
        r->fd_tag = g_source_add_unix_fd (r->source, r->fd, want);
      r->events = want;
      return;
    }
  if (want != r->events)
    {
      g_source_modify_unix_fd (r->source, r->fd_tag, want);
      r->events = want;
    }
}

static gint64
deadline_after (guint seconds)
{
  return seconds == 0 ? 0 : g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
}

void
hub_reader_stop_timer (HubReader *r)
{
  r->deadline = 0;
}

void
hub_reader_arm_timer (HubReader *r, guint seconds)
{
  r->deadline = deadline_after (seconds);
}

/* Ready to dispatch without any fd event?  Also lowers *timeout to the
 * nearest deadline. */
static gboolean
reader_due (HubReader *r, gint64 now, gint *timeout)
{
  gboolean cancelled = g_atomic_int_get (&r->cancelled) != 0;
  if (r->writing && (r->write_error != NULL || cancelled))
    return TRUE;
  if (r->state != R_PAUSED
      && (r->kick || cancelled || r->timed_out || r->fd < 0))
    return TRUE;
  gint64 next = 0;
  if (r->deadline != 0)
    next = r->deadline;
  if (r->writing && r->write_deadline != 0 && (next == 0 || r->write_deadline < next))
    next = r->write_deadline;
  if (next == 0)
    return FALSE;
  if (now >= next)
    return TRUE;
  if (timeout != NULL)
    {
      gint64 ms = (next - now + 999) / 1000;
      if (ms > G_MAXINT)
        ms = G_MAXINT;
      if (*timeout < 0 || ms < *timeout)
        *timeout = (gint) ms;
    }
  return FALSE;
}

static gboolean
rs_prepare (GSource *s, gint *timeout)
{
  *timeout = -1;
  return reader_due (((ReaderSource *) s)->r, g_source_get_time (s), timeout);
}

static gboolean
rs_check (GSource *s)
{
  /* fd events make the source ready by themselves (GLib checks revents) */
  return reader_due (((ReaderSource *) s)->r, g_source_get_time (s), NULL);
}

/* ---------------- writing ---------------- */

static GError *
errno_error (int err, const char *what)
{
  return g_error_new (G_IO_ERROR, g_io_error_from_errno (err), "%s: %s", what, g_strerror (err));
}

/* sendmsg() what it takes; *error on failure.  Returns bytes sent. */
static gsize
reader_sendv (HubReader *r, struct iovec *iov, guint n, GError **error)
{
  struct msghdr msg = { 0 };
  msg.msg_iov = iov;
  msg.msg_iovlen = n;
  ssize_t k;
  do
    k = sendmsg (r->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
  while (k < 0 && errno == EINTR);
  if (k >= 0)
    return (gsize) k;
  if (errno != EAGAIN && errno != EWOULDBLOCK)
    *error = errno_error (errno, "Error sending data");
  return 0;
}

gboolean
hub_reader_send (HubReader *r, const GOutputVector *v, guint n,
                 guint timeout_s, HubReaderDone sent)
{
  g_return_val_if_fail (!r->writing && n <= 8, FALSE);
  gsize total = 0, done = 0;
  GError *error = NULL;
  for (guint i = 0; i < n; i++)
    total += v[i].size;
  if (r->closed)
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED, "Connection closed");
  else if (r->fd >= 0)
    {
      struct iovec iov[8];
      for (guint i = 0; i < n; i++)
        {
          iov[i].iov_base = (void *) v[i].buffer;
          iov[i].iov_len = v[i].size;
        }
      done = reader_sendv (r, iov, n, &error);
    }
  else
    {
      GOutputStream *out = g_io_stream_get_output_stream (r->io);
      GOutputVector copy[8];
      memcpy (copy, v, n * sizeof *v);    /* writev_all changes its vectors */
      g_output_stream_writev_all (out, copy, n, &done, NULL, &error);
    }
  if (error == NULL && done == total)
    return TRUE;
  r->writing = TRUE;
  r->sent = sent;
  r->write_error = error;
  if (error == NULL)
    {
      /* queue the rest */
      gsize rest = total - done;
      if (r->out_alloc < rest)
        {
          g_free (r->out);
          r->out = g_malloc (rest);
          r->out_alloc = rest;
        }
      r->out_len = 0;
      r->out_off = 0;
      for (guint i = 0; i < n; i++)
        {
          gsize skip = MIN (done, v[i].size);
          done -= skip;
          memcpy (r->out + r->out_len, (const guint8 *) v[i].buffer + skip, v[i].size - skip);
          r->out_len += v[i].size - skip;
        }
      r->write_timeout_s = timeout_s;
      r->write_deadline = deadline_after (timeout_s);
    }
  reader_update_events (r);
  return FALSE;
}

/* The queued write made progress, ended or failed: TRUE when @sent was
 * called (the reader may be gone). */
static gboolean
reader_flush (HubReader *r, gboolean writable, gint64 now)
{
  GError *error = g_steal_pointer (&r->write_error);
  if (error == NULL && g_atomic_int_get (&r->cancelled))
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
  if (error == NULL && writable)
    {
      struct iovec iov = { r->out + r->out_off, r->out_len - r->out_off };
      gsize n = reader_sendv (r, &iov, 1, &error);
      r->out_off += n;
      if (n > 0 && r->write_timeout_idle && r->write_timeout_s > 0)
        r->write_deadline = now + (gint64) r->write_timeout_s * G_USEC_PER_SEC;
    }
  if (error == NULL && r->out_off < r->out_len)
    {
      if (r->write_deadline == 0 || now < r->write_deadline)
        return FALSE;
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           "The peer did not take the response in time");
    }
  r->writing = FALSE;
  r->write_deadline = 0;
  if (r->out_alloc > BUF_KEEP)
    {
      g_clear_pointer (&r->out, g_free);
      r->out_alloc = 0;
    }
  reader_update_events (r);
  r->sent (r->owner, error);
  return TRUE;
}

/* ---------------- reading ---------------- */

/* Ends the current message with an error; @status is the HTTP status a
 * server answers it with (0: just close). */
static void
reader_fail (HubReader *r, guint status, GError *error)
{
  r->state = R_PAUSED;
  r->deadline = 0;
  r->refuse_status = status;
  r->consumed = r->len;        /* what is left is unusable */
  r->done (r->owner, error);
}

static void
reader_compact (HubReader *r)
{
  if (r->saved)
    {
      r->buf[r->consumed] = r->saved_byte;
      r->saved = FALSE;
    }
  if (r->consumed > 0)
    {
      memmove (r->buf, r->buf + r->consumed, r->len - r->consumed);
      r->len -= r->consumed;
      r->consumed = 0;
    }
  if (r->alloc > BUF_KEEP && r->len < BUF_INITIAL)
    {
      r->buf = g_realloc (r->buf, BUF_INITIAL);
      r->alloc = BUF_INITIAL;
    }
}

void
hub_reader_start (HubReader *r)
{
  reader_compact (r);
  r->mstart = 0;
  r->scanned = 0;
  r->in_body = FALSE;
  r->started = FALSE;
  r->start_line = NULL;
  r->body = NULL;
  r->content_length = -1;
  r->close = FALSE;
  r->refuse_status = 0;
  if (r->headers != NULL)
    g_array_set_size (r->headers, 0);
  r->state = R_READING;
  r->kick = r->len > 0;
  if (!r->timed_out)
    hub_reader_arm_timer (r, r->idle_timeout_s);
  if (r->in_off)
    {
      r->in_off = FALSE;
      reader_update_events (r);
    }
}

/* One read into the buffer: 1 bytes came, 0 none yet (EAGAIN), -1 after
 * reader_fail (the reader may be gone). */
static int
reader_read (HubReader *r)
{
  if (r->alloc - r->len - 1 < MIN_ROOM)
    {
      r->alloc = MAX (r->alloc * 2, (gsize) BUF_INITIAL);
      r->buf = g_realloc (r->buf, r->alloc);
    }
  gsize room = r->alloc - r->len - 1;
  gssize n;
  GError *error = NULL;
  if (r->fd >= 0)
    {
      do
        n = recv (r->fd, r->buf + r->len, room, MSG_DONTWAIT);
      while (n < 0 && errno == EINTR);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
      if (n < 0)
        error = errno_error (errno, "Error receiving data");
    }
  else
    n = g_input_stream_read (g_io_stream_get_input_stream (r->io), r->buf + r->len,
                             MIN (room, (gsize) HUB_READ_CHUNK), NULL, &error);
  if (n < 0)
    {
      reader_fail (r, 0, error);
      return -1;
    }
  if (n == 0)
    {
      reader_fail (r, 0, g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                      r->started ? "Connection closed in the middle of a message"
                                                 : "Connection closed"));
      return -1;
    }
  r->len += (gsize) n;
  return 1;
}

/* Where the blank line ending the header section ends in buf, or 0.
 * The search resumes where the last one stopped: a peer sending its
 * header a byte at a time costs linear time, not quadratic. */
static gsize
find_head_end (HubReader *r)
{
  gsize from = r->scanned > r->mstart + 2 ? r->scanned - 2 : r->mstart;
  const guint8 *b = r->buf;
  r->scanned = r->len;
  for (gsize i = from; i + 1 < r->len; i++)
    {
      const guint8 *nl = memchr (b + i, '\n', r->len - 1 - i);
      if (nl == NULL)
        break;
      i = (gsize) (nl - b);
      if (b[i + 1] == '\n')
        return i + 2;
      if (i + 2 < r->len && b[i + 1] == '\r' && b[i + 2] == '\n')
        return i + 3;
    }
  return 0;
}

static gboolean
is_space (guint8 c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Parses the header section buf[mstart..end); FALSE after reader_fail. */
static gboolean
reader_parse_head (HubReader *r, gsize end)
{
  char *b = (char *) r->buf;
  if (memchr (b + r->mstart, '\0', end - r->mstart) != NULL)
    {
      reader_fail (r, 400, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                        "NUL byte in the HTTP header"));
      return FALSE;
    }
  gsize p = r->mstart;
  gboolean first = TRUE;
  while (p < end)
    {
      char *nl = memchr (b + p, '\n', end - p);
      gsize eol = nl != NULL ? (gsize) (nl - b) : end;   /* always found: end follows a \n */
      gsize next = eol + 1;
      gsize lend = eol;
      if (lend > p && b[lend - 1] == '\r')
        lend--;
      if (first)
        {
          first = FALSE;
          r->start_off = p;
          b[lend] = '\0';
          p = next;
          continue;
        }
      char *colon = lend > p ? memchr (b + p, ':', lend - p) : NULL;
      if (colon == NULL)
        {
          p = next;
          continue;
        }
      *colon = '\0';
      gsize v = (gsize) (colon - b) + 1;
      while (v < lend && is_space ((guint8) b[v]))
        v++;
      gsize vend = lend;
      while (vend > v && is_space ((guint8) b[vend - 1]))
        vend--;
      b[vend] = '\0';
      const char *name = b + p;
      const char *value = b + v;
      gsize name_len = (gsize) (colon - name);
      HubHeaderSpan span = { p, v };
      g_array_append_val (r->headers, span);
      p = next;
      /* names compared only when the length matches */
      if (name_len == 14 && g_ascii_strcasecmp (name, "Content-Length") == 0)
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
      else if (name_len == 10 && g_ascii_strcasecmp (name, "Connection") == 0)
        r->close = g_ascii_strcasecmp (value, "close") == 0;
      else if (name_len == 17 && g_ascii_strcasecmp (name, "Transfer-Encoding") == 0)
        {
          reader_fail (r, 501, g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                            "Chunked bodies are not supported"));
          return FALSE;
        }
    }
  const char *start = b + r->start_off;
  if (g_str_has_suffix (start, "HTTP/1.0"))
    r->close = TRUE;
  if (r->content_length < 0 && !g_str_has_prefix (start, "HTTP/")
      && !g_str_has_prefix (start, "POST ") && !g_str_has_prefix (start, "PUT "))
    r->content_length = 0;   /* GET, HEAD, OPTIONS: no body */
  if (r->content_length < 0)
    {
      reader_fail (r, 411, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                        "Missing Content-Length"));
      return FALSE;
    }
  return TRUE;
}

/* Uses what is buffered; waits for more (FALSE), or reports one message
 * or error (TRUE: @done was called, the reader may be gone). */
static gboolean
reader_process (HubReader *r)
{
  if (!r->in_body)
    {
      /* tolerate stray CRLFs between messages */
      while (r->mstart < r->len && (r->buf[r->mstart] == '\r' || r->buf[r->mstart] == '\n'))
        r->mstart++;
      if (r->len > r->mstart && !r->started)
        {
          r->started = TRUE;   /* from now on the request must be quick */
          if (!r->timed_out)
            hub_reader_arm_timer (r, r->request_timeout_s);
        }
      gsize end = find_head_end (r);
      if (end == 0 ? r->len - r->mstart > HUB_HEADER_LIMIT : end - r->mstart > HUB_HEADER_LIMIT)
        {
          reader_fail (r, 431, g_error_new (G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                            "HTTP header over %d bytes", HUB_HEADER_LIMIT));
          return TRUE;
        }
      if (end == 0)
        return FALSE;
      if (!reader_parse_head (r, end))
        return TRUE;
      r->in_body = TRUE;
      r->body_off = end;
    }
  gsize cl = (gsize) r->content_length;
  if (r->len - r->body_off < cl)
    return FALSE;
  /* the body is NUL-terminated in place (alloc > len): the byte after
   * it, the next message's first, is put back at the next start */
  r->consumed = r->body_off + cl;
  r->saved = r->consumed < r->len;
  r->saved_byte = r->buf[r->consumed];
  r->buf[r->consumed] = '\0';
  r->start_line = (char *) r->buf + r->start_off;
  r->body = (char *) r->buf + r->body_off;
  r->state = R_PAUSED;
  r->deadline = 0;
  r->done (r->owner, NULL);
  return TRUE;
}

static void
reader_drain_step (HubReader *r, gboolean readable)
{
  if (readable)
    {
      /* read over the buffer (after a refusal nothing in it matters) */
      gssize n;
      if (r->fd >= 0)
        {
          do
            n = recv (r->fd, r->buf, r->alloc - 1, MSG_DONTWAIT);
          while (n < 0 && errno == EINTR);
          if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        }
      else
        n = g_input_stream_read (g_io_stream_get_input_stream (r->io), r->buf, r->alloc - 1,
                                 NULL, NULL);
      if (n > 0 && (gsize) n < r->drain_left)
        {
          r->drain_left -= (gsize) n;
          return;
        }
    }
  r->state = R_PAUSED;
  r->deadline = 0;
  r->drained (r->owner);
}

static gboolean
rs_dispatch (GSource *s, GSourceFunc callback, gpointer data)
{
  HubReader *r = ((ReaderSource *) s)->r;
  (void) callback;
  (void) data;
  GIOCondition rev = r->fd_tag != NULL ? g_source_query_unix_fd (s, r->fd_tag) : 0;
  gint64 now = g_source_get_time (s);

  if (r->writing && reader_flush (r, (rev & (G_IO_OUT | G_IO_ERR | G_IO_HUP)) != 0, now))
    return G_SOURCE_CONTINUE;   /* @sent was called */
  if (r->deadline != 0 && now >= r->deadline)
    {
      r->deadline = 0;
      r->timed_out = TRUE;
    }
  if (r->state == R_PAUSED)
    {
      if ((rev & (G_IO_IN | G_IO_HUP | G_IO_ERR)) && r->fd_tag != NULL)
        {
          /* input (or a hang-up) while nobody reads: stop polling for it
           * until the next start, or the poll would spin */
          r->in_off = TRUE;
          if ((rev & (G_IO_HUP | G_IO_ERR)) && !r->writing)
            {
              g_source_remove_unix_fd (s, r->fd_tag);
              r->fd_tag = NULL;
            }
          reader_update_events (r);
        }
      return G_SOURCE_CONTINUE;
    }
  gboolean readable = (r->fd < 0 && !r->closed) || (rev & (G_IO_IN | G_IO_HUP | G_IO_ERR));
  if (r->state == R_DRAINING)
    {
      if (r->timed_out || r->closed || g_atomic_int_get (&r->cancelled))
        readable = FALSE;       /* ends the drain */
      else if (!readable)
        return G_SOURCE_CONTINUE;
      reader_drain_step (r, readable);
      return G_SOURCE_CONTINUE;
    }
  if (r->timed_out)
    {
      reader_fail (r, r->started ? 408 : 0,
                   g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                r->started ? "Request not complete within %u s"
                                           : "Connection idle for %u s",
                                r->started ? r->request_timeout_s : r->idle_timeout_s));
      return G_SOURCE_CONTINUE;
    }
  if (g_atomic_int_get (&r->cancelled) || r->closed)
    {
      reader_fail (r, 0, g_error_new (G_IO_ERROR, r->closed ? G_IO_ERROR_CLOSED : G_IO_ERROR_CANCELLED,
                                      r->closed ? "Connection closed" : "Operation was cancelled"));
      return G_SOURCE_CONTINUE;
    }
  /* what is buffered first: reading before a pipelined message is used
   * up would let a peer that pipelines grow the buffer without end */
  if (r->kick)
    {
      r->kick = FALSE;
      if (reader_process (r))
        return G_SOURCE_CONTINUE;
    }
  if (readable && reader_read (r) > 0)
    reader_process (r);         /* (after reader_fail, @done was called) */
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs reader_source_funcs = {
  rs_prepare, rs_check, rs_dispatch, NULL, NULL, NULL,
};

/* ---------------- life ---------------- */

const char *
hub_reader_get_header (HubReader *r, const char *name)
{
  if (r->headers == NULL || r->start_line == NULL)
    return NULL;
  for (guint i = r->headers->len; i-- > 0;)
    {
      HubHeaderSpan *h = &g_array_index (r->headers, HubHeaderSpan, i);
      if (g_ascii_strcasecmp ((const char *) r->buf + h->name, name) == 0)
        return (const char *) r->buf + h->value;
    }
  return NULL;
}

static void
reader_cancel_cb (GCancellable *parent, gpointer data)
{
  HubReader *r = data;
  (void) parent;
  g_atomic_int_set (&r->cancelled, 1);
  if (r->source != NULL)
    g_main_context_wakeup (g_source_get_context (r->source));
}

void
hub_reader_init (HubReader *r, GIOStream *io, GCancellable *parent,
                 guint idle_timeout_s, guint request_timeout_s,
                 void (*done) (gpointer, GError *), gpointer owner)
{
  memset (r, 0, sizeof *r);
  r->io = g_object_ref (io);
  r->fd = -1;
  if (G_IS_SOCKET_CONNECTION (io))
    r->fd = g_socket_get_fd (g_socket_connection_get_socket (G_SOCKET_CONNECTION (io)));
  r->alloc = BUF_INITIAL;
  r->buf = g_malloc (r->alloc);
  r->headers = g_array_new (FALSE, FALSE, sizeof (HubHeaderSpan));
  r->idle_timeout_s = idle_timeout_s;
  r->request_timeout_s = request_timeout_s;
  r->done = done;
  r->owner = owner;
  r->content_length = -1;
  r->source = g_source_new (&reader_source_funcs, sizeof (ReaderSource));
  ((ReaderSource *) r->source)->r = r;
  g_source_set_name (r->source, "hub connection");
  /* GLib blocks a source that may not recurse while it dispatches: its
   * fd leaves the context's poll set and comes back after, each a write
   * of the context's wakeup eventfd.  The reader is consistent whenever
   * it calls out (state set first), so recursion does it no harm. */
  g_source_set_can_recurse (r->source, TRUE);
  reader_update_events (r);
  g_source_attach (r->source, g_main_context_get_thread_default ());
  if (parent != NULL)
    {
      r->parent = g_object_ref (parent);
      r->parent_handler = g_cancellable_connect (parent, G_CALLBACK (reader_cancel_cb), r, NULL);
    }
}

void
hub_reader_set_timeouts (HubReader *r, guint idle_timeout_s, guint request_timeout_s)
{
  r->idle_timeout_s = idle_timeout_s;
  r->request_timeout_s = request_timeout_s;
}

gsize
hub_reader_buffered (HubReader *r)
{
  return r->len - r->consumed;
}

void
hub_reader_drain (HubReader *r, gsize max_bytes, guint timeout_s,
                  void (*drained) (gpointer owner))
{
  r->state = R_DRAINING;
  r->drain_left = max_bytes;
  r->drained = drained;
  hub_reader_arm_timer (r, timeout_s);
  if (r->in_off)
    {
      r->in_off = FALSE;
      reader_update_events (r);
    }
}

void
hub_reader_close (HubReader *r)
{
  if (r->closed)
    return;
  r->closed = TRUE;
  r->state = R_PAUSED;
  r->writing = FALSE;
  g_clear_error (&r->write_error);
  if (r->fd_tag != NULL)
    {
      g_source_remove_unix_fd (r->source, r->fd_tag);
      r->fd_tag = NULL;
    }
  r->fd = -1;
  if (r->io != NULL)
    g_io_stream_close (r->io, NULL, NULL);
}

void
hub_reader_clear (HubReader *r)
{
  if (r->parent != NULL)
    g_cancellable_disconnect (r->parent, r->parent_handler);
  g_clear_object (&r->parent);
  if (r->source != NULL)
    {
      g_source_destroy (r->source);
      g_clear_pointer (&r->source, g_source_unref);
    }
  r->fd_tag = NULL;
  r->fd = -1;
  g_clear_error (&r->write_error);
  g_clear_pointer (&r->headers, g_array_unref);
  g_clear_pointer (&r->buf, g_free);
  g_clear_pointer (&r->out, g_free);
  r->len = r->alloc = r->consumed = 0;
  r->saved = FALSE;
  r->start_line = NULL;
  r->body = NULL;
  r->writing = FALSE;
  r->state = R_PAUSED;
  g_clear_object (&r->io);
}

/* samp-hub-reader.h: the hub's HTTP connection I/O (private to libsamp).
 *
 * One HubReader per connection, for its whole life: one persistent GSource
 * on the thread-default context watches the socket (G_IO_IN kept on,
 * G_IO_OUT only while a write is queued) and reads with non-blocking
 * recv() as it becomes readable: a peer that trickles bytes costs one
 * dispatch per arrival, never a wait.  Reads one message at a time (start
 * line, headers, Content-Length body); bytes after a message stay buffered
 * for the next one (pipelining).  Between messages (after @done, before
 * the next hub_reader_start) nothing is read: input that arrives then
 * waits in the kernel.
 * Limits: HUB_HEADER_LIMIT bytes of start line and headers (431), a body
 * of SAMP_XMLRPC_MAX_SIZE (413, before it is read), Content-Length
 * required (411) except in requests other than POST/PUT (a GET or an
 * OPTIONS has no body), no transfer codings (501); optional timeouts: idle
 * before a message starts (just close), and first byte to last (408).
 * Deadlines are fields checked by the source (no timer sources).
 * Writes (hub_reader_send) go straight to the socket with sendmsg(); only
 * what it does not take at once is copied and sent as it drains.
 * A stream that is not a socket (the fuzzer's memory stream) is read and
 * written with blocking GIO calls, as if always ready.
 * Used by the hub's server (requests) and its deliveries (responses).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HUB_HEADER_LIMIT (64 * 1024)  /* start line + headers, bytes */
#define HUB_READ_CHUNK (64 * 1024)

typedef void (*HubReaderDone) (gpointer owner, GError *error);

typedef struct {
  /* the connection */
  GIOStream *io;
  int fd;                   /* the socket's; -1: not a socket, or closed */
  gboolean closed;          /* hub_reader_close() */
  GSource *source;          /* persistent, for the reader's life */
  gpointer fd_tag;          /* the fd in source, or NULL */
  GIOCondition events;      /* what fd_tag polls for */
  gboolean in_off;          /* input arrived while paused: G_IO_IN off until the next start */
  GCancellable *parent;
  gulong parent_handler;
  gint cancelled;           /* atomic: @parent was cancelled */
  /* reading */
  int state;                /* paused, reading, draining */
  gboolean kick;            /* buffered bytes to look at without a read */
  guint8 *buf;              /* [0, len) read; alloc > len always */
  gsize len, alloc;
  gsize mstart;             /* the current message starts here */
  gsize consumed;           /* bytes of the last message, dropped at the next start */
  gboolean saved;           /* buf[consumed] was replaced by the body's NUL */
  guint8 saved_byte;
  gsize scanned;            /* buf searched for the header end up to here */
  gsize body_off;
  gboolean in_body;
  gboolean started;         /* bytes of the current message have arrived */
  GArray *headers;          /* HubHeaderSpan, of this message */
  gsize start_off;
  char *start_line;         /* in buf, set when @done reports a message */
  gssize content_length;
  gboolean close;
  char *body;               /* in buf (NUL-terminated) */
  guint refuse_status;      /* with an error: the HTTP status to answer (server) */
  guint idle_timeout_s, request_timeout_s;   /* 0 = none */
  gint64 deadline;          /* monotonic µs, 0 = none (hub_reader_arm_timer) */
  gboolean timed_out;
  gsize drain_left;
  void (*drained) (gpointer owner);
  HubReaderDone done;
  gpointer owner;
  /* writing */
  gboolean writing;         /* a write is queued: @sent will be called */
  guint8 *out;              /* [out_off, out_len) still to send */
  gsize out_off, out_len, out_alloc;
  GError *write_error;
  gint64 write_deadline;
  guint write_timeout_s;
  gboolean write_timeout_idle;  /* set by the owner: @timeout_s of hub_reader_send
                                 * counts from the last progress, not from the start */
  HubReaderDone sent;
} HubReader;

/* @done is called once per message: error NULL with start_line, close,
 * body (NUL-terminated, valid until the next hub_reader_start) and
 * content_length set; or an error (owned by @done), with refuse_status
 * the HTTP status a server answers it with (0: just close).  Timeouts 0 =
 * none.  @done is never called from inside hub_reader_start(). */
void hub_reader_init (HubReader *r, GIOStream *io, GCancellable *parent,
                      guint idle_timeout_s, guint request_timeout_s,
                      void (*done) (gpointer, GError *), gpointer owner);
/* Returns: (transfer none) (nullable): a header of the message just read
 * (@name case-insensitive; the last one of that name). */
const char *hub_reader_get_header (HubReader *r, const char *name);
/* Read the next message (uses buffered bytes first). */
void hub_reader_start (HubReader *r);
/* Frees what the reader holds and detaches its source; does not close
 * the stream (hub_reader_close does). */
void hub_reader_clear (HubReader *r);
/* A timer that fails the reader's reads when it fires (0 = none). */
void hub_reader_arm_timer (HubReader *r, guint seconds);
void hub_reader_stop_timer (HubReader *r);

/* ---- extensions ---- */

/* The timeouts of the following messages (hub_reader_init's). */
void hub_reader_set_timeouts (HubReader *r, guint idle_timeout_s, guint request_timeout_s);
/* Bytes received and not yet part of a message reported. */
gsize hub_reader_buffered (HubReader *r);
/* Send @n (<= 8) buffers.  TRUE: all were sent now.  FALSE: the rest is
 * copied and sent as the socket takes it, or sending failed; @sent is
 * then called once, later, from the main loop, with NULL or an error it
 * owns (G_IO_ERROR_TIMED_OUT after @timeout_s, 0 = none; counted from the
 * call, or with write_timeout_idle from the last bytes the peer took).
 * One write at a time. */
gboolean hub_reader_send (HubReader *r, const GOutputVector *v, guint n,
                          guint timeout_s, HubReaderDone sent);
/* Discard input until it ends, @max_bytes arrived or @timeout_s passed,
 * then call @drained once (a server lingering after a refusal). */
void hub_reader_drain (HubReader *r, gsize max_bytes, guint timeout_s,
                       void (*drained) (gpointer owner));
/* Stop reading and writing (no more callbacks) and close the stream;
 * the message read last stays readable until hub_reader_clear. */
void hub_reader_close (HubReader *r);

G_END_DECLS

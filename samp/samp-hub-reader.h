/* samp-hub-reader.h: the hub's HTTP message reader (private to libsamp).
 *
 * Reads one message at a time (start line, headers, Content-Length body)
 * from a stream, with asynchronous reads of at most HUB_READ_CHUNK bytes:
 * a peer that trickles bytes costs one callback per read, never a wait.
 * Bytes after a message stay buffered for the next one (pipelining).
 * Limits: HUB_HEADER_LIMIT bytes of start line and headers (431), a body
 * of SAMP_XMLRPC_MAX_SIZE (413, before it is read), Content-Length
 * required (411) except in requests other than POST/PUT (a GET or an
 * OPTIONS has no body), no transfer codings (501); optional timeouts: idle
 * before a message starts (just close), and first byte to last (408).
 * Used by the hub's server (requests) and its deliveries (responses).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HUB_HEADER_LIMIT (64 * 1024)  /* start line + headers, bytes */
#define HUB_READ_CHUNK (64 * 1024)

typedef struct {
  GInputStream *in;
  GCancellable *cancel;     /* this reader's: cancelled by @parent or a timeout */
  GCancellable *parent;
  gulong parent_handler;
  GByteArray *buf;          /* read, not yet consumed */
  gsize pending_base;       /* buf->len before the read under way */
  gboolean in_body;
  gboolean started;         /* bytes of the current message have arrived */
  gsize scanned;            /* buf searched for the header end up to here */
  char *start_line;
  GHashTable *headers;      /* lower-case name -> value (the last one), of this message */
  gssize content_length;
  gboolean close;
  GByteArray *body_buf;     /* holds body (NUL-terminated) */
  char *body;
  guint refuse_status;      /* with an error: the HTTP status to answer (server) */
  guint idle_timeout_s, request_timeout_s;   /* 0 = none */
  GSource *timer;
  gboolean timed_out;
  void (*done) (gpointer owner, GError *error);
  gpointer owner;
} HubReader;

/* @done is called once per message: error NULL with start_line, close,
 * body (NUL-terminated, valid until the next hub_reader_start) and
 * content_length set; or an error, with refuse_status the HTTP status a
 * server answers it with (0: just close).  Timeouts 0 = none. */
void hub_reader_init (HubReader *r, GIOStream *io, GCancellable *parent,
                      guint idle_timeout_s, guint request_timeout_s,
                      void (*done) (gpointer, GError *), gpointer owner);
/* Returns: (transfer none) (nullable): a header of the message just read
 * (@name case-insensitive). */
const char *hub_reader_get_header (HubReader *r, const char *name);
/* Read the next message (uses buffered bytes first). */
void hub_reader_start (HubReader *r);
void hub_reader_clear (HubReader *r);
/* A timer that cancels the reader's reads when it fires (0 = none). */
void hub_reader_arm_timer (HubReader *r, guint seconds);
void hub_reader_stop_timer (HubReader *r);

G_END_DECLS

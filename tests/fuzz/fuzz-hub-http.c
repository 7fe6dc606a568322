/* fuzz-hub-http.c: what a peer sends to the hub's XML-RPC port.  The bytes
 * are one connection's input stream: the hub's HTTP reader
 * (samp-hub-reader.c, on its main-loop source; a memory stream is read
 * with blocking reads where a socket gets recv()) reads messages
 * from it one after the other as on a keep-alive connection, and every
 * body read is parsed as the hub parses a call (strict XML-RPC).  Checks:
 * a message ends in exactly one callback (a body with its length, or an
 * error with a message); refusals carry a 4xx/5xx status. */
#include "fuzz-common.h"
#include <gio/gio.h>
#include <string.h>
#include "samp-hub-reader.h"
#include "samp-xmlrpc.h"

typedef struct {
  gboolean done;
  GError *error;
} Outcome;

static void
on_message (gpointer owner, GError *error)
{
  Outcome *o = owner;
  if (o->done)
    abort ();                 /* one callback per message */
  o->done = TRUE;
  o->error = error;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init_once ();
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data (data, (gssize) size, NULL);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GIOStream) io = g_simple_io_stream_new (in, out);
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  Outcome o = { 0 };
  HubReader r = { 0 };

  hub_reader_init (&r, io, cancel, 0, 0, on_message, &o);
  for (int messages = 0; messages < 64; messages++)
    {
      memset (&o, 0, sizeof o);
      hub_reader_start (&r);
      while (!o.done)
        g_main_context_iteration (NULL, TRUE);
      if (o.error != NULL)
        {
          if (o.error->message == NULL || o.error->message[0] == '\0')
            abort ();
          if (r.refuse_status != 0 && (r.refuse_status < 400 || r.refuse_status > 599))
            abort ();
          g_clear_error (&o.error);
          break;
        }
      if (r.body == NULL || r.content_length < 0 || r.body[r.content_length] != '\0')
        abort ();
      g_autofree char *method = NULL;
      g_autoptr(GError) perr = NULL;
      GVariant *params = NULL;
      gboolean ok = samp_xmlrpc_parse_call_full (r.body, (gsize) r.content_length,
                                                 SAMP_XMLRPC_STRICT, &method, &params, &perr);
      fuzz_check_result (ok, perr);
      if (params != NULL)
        g_variant_unref (params);
    }
  hub_reader_clear (&r);
  return 0;
}

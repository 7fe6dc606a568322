/* fuzz-http-server.c: what a hub answers a client's blocking calls, and
 * the same bytes as a request (samp-http.c, included whole for its
 * static readers, which samp_http_post_sync / samp_http_get_* use; the
 * callback server and the asynchronous POST read with samp-hub-reader,
 * fuzzed by fuzz-hub-http).  The bytes are read once as a request (start
 * line, headers, Content-Length or chunked body) and once as a response
 * (also a body up to EOF), through a GDataInputStream over memory, with
 * the same limits as on a socket.  Checks: a result, or an error with a
 * message and, for a request, a 4xx/5xx status to answer. */
#include "fuzz-common.h"
#include "../../samp/samp-http.c"

static void
read_once (const uint8_t *data, size_t size, gboolean as_response)
{
  g_autoptr(GInputStream) mem = g_memory_input_stream_new_from_data (data, (gssize) size, NULL);
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (mem);
  g_autoptr(GHashTable) headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *start = NULL;
  guint status = 400;
  Reader rd = { 0 };

  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_LF);
  rd.in = in;                  /* no socket, no deadline: never armed */
  if (!read_head (&rd, &start, headers, &status, &error))
    {
      fuzz_check_result (FALSE, error);
      if (status < 400 || status > 599)
        abort ();
      return;
    }
  g_autoptr(GBytes) body = read_body (&rd, headers, as_response, &status, &error);
  fuzz_check_result (body != NULL, error);
  if (body == NULL && (status < 400 || status > 599))
    abort ();
  if (body != NULL && g_bytes_get_size (body) > SAMP_HTTP_MAX_BODY)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init_once ();
  read_once (data, size, FALSE);
  read_once (data, size, TRUE);
  return 0;
}

/* fuzz-common.h: shared bits of the libFuzzer harnesses in tests/fuzz/.
 *
 * Every harness feeds untrusted bytes to one public parse function and
 * checks the contract: either a result, or FALSE/NULL with a GError that
 * has a non-empty message.  A crash, hang, leak or sanitizer report is a
 * finding.  GLib's g_error/g_critical abort (G_DEBUG=fatal-criticals is
 * set at start), so a critical from bad input is a finding too.
 */
#pragma once
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>

static inline void
fuzz_init_once (void)
{
  static gboolean done;
  if (done)
    return;
  done = TRUE;
  g_setenv ("G_DEBUG", "fatal-criticals", TRUE);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR);
  /* Quiet g_debug/g_message output of the parsers. */
  g_setenv ("G_MESSAGES_DEBUG", "", TRUE);
}

/* Abort unless exactly one of @ok and @error is set, and the error has a
 * message: "bad input gives a clear GError". */
static inline void
fuzz_check_result (gboolean ok, GError *error)
{
  if (ok && error != NULL)
    abort ();
  if (!ok && (error == NULL || error->message == NULL || error->message[0] == '\0'))
    abort ();
}

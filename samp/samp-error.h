/* samp-error.h: the SAMP_ERROR GError domain shared by all of libsamp.
 *
 * Runtime failures of hub discovery, transport and protocol are reported
 * with these codes; the message is for humans and never contains the hub
 * secret or a private key.
 */
#pragma once

#include "samp-api.h"
#include <glib.h>

G_BEGIN_DECLS

/* The GError domain of every libsamp failure. */
#define SAMP_ERROR (samp_error_quark ())
SAMP_API GQuark samp_error_quark (void);

/* The codes of SAMP_ERROR. */
typedef enum {
  SAMP_ERROR_NO_HUB,          /* no lockfile, or the hub it names is not answering */
  SAMP_ERROR_BAD_LOCKFILE,    /* lockfile unreadable or missing mandatory keys */
  SAMP_ERROR_HUB_FAULT,       /* an XML-RPC fault (message = the fault string) */
  SAMP_ERROR_TIMEOUT,         /* no answer in time */
  SAMP_ERROR_NOT_REGISTERED,  /* operation needs a registered client */
  SAMP_ERROR_PROTOCOL,        /* malformed XML-RPC, HTTP or SAMP data */
  SAMP_ERROR_FAILED,          /* anything else, e.g. a samp.error response */
} SampError;

G_END_DECLS

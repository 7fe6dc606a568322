/* samp.h: the only header users of libsamp include.
 *
 * libsamp speaks the IVOA SAMP Standard Profile (1.3): hub discovery,
 * XML-RPC encoding with strict SAMP typing, a callable client on the GLib
 * main loop, and an embedded hub.  It knows nothing of CADC.
 */
#pragma once

#include <glib.h>
#include <gio/gio.h>

#include "samp-error.h"
#include "samp-value.h"
#include "samp-mtype.h"
#include "samp-lockfile.h"
#include "samp-xmlrpc.h"
#include "samp-http.h"
#include "samp-client.h"

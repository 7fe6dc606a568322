/* samp.h: the only header users of libsamp include.
 *
 * libsamp speaks the IVOA SAMP Standard Profile (1.3): hub discovery,
 * XML-RPC encoding with strict SAMP typing, a callable client on the GLib
 * main loop, and an embedded hub.  It knows nothing of CADC.
 *
 * Other programs include it as <samp/samp.h> and build with
 * `pkg-config --cflags --libs samp` (doc/LIBSAMP.md; samp/examples/).
 * The headers it includes find each other by relative "..." includes, so
 * the same files serve the source tree (-I samp/) and the installed layout
 * ($(includedir)/samp/).  Not installed, and not part of the API:
 * samp-http.h (the HTTP transport), samp-xmlrpc.h and samp-xmlguard.h
 * (the XML-RPC codec), samp-lockfile.h (lockfile parsing), samp-hub-*.h
 * and samp-client-private.h.
 *
 * Stability.  The soname (libsamp.so.0) changes whenever a release
 * changes or removes anything exported; within one soname, releases only
 * add.  Stable, kept as they are through 1.0:
 *   samp-error.h    SampError, SAMP_ERROR
 *   samp-value.h    values, messages, responses (all but samp_value_to_json)
 *   samp-mtype.h    all of it
 *   samp-client.h   samp_client_new, _ref, _unref, _set_metadata, _subscribe,
 *                   _connect (and _async/_finish), _disconnect,
 *                   _quit_on_signals, _is_connected, _get_self_id,
 *                   _get_hub_id, _reply, _notify*, _notify_all*, _call*,
 *                   _call_and_wait*, _call_all*, _ping,
 *                   _get_registered_clients, _get_subscribed_clients,
 *                   _get_metadata, _get_subscriptions; the client table
 *                   (_list_known_clients, _dup_known_metadata,
 *                   _dup_known_subscriptions, _find_client, signal
 *                   "clients-changed")
 *   samp-hub.h      samp_hub_new, _start, _stop, _free, _get_url, _get_lockfile
 * May change before 1.0 (with a new soname):
 *   auto-reconnect  samp_client_set_auto_reconnect, _set_watch_interval,
 *                   _is_monitoring_lockfile, signals "hub-connected", "hub-lost"
 *   test hooks      samp_client_set_lockfile_url, samp_hub_set_lockfile,
 *                   samp_hub_set_delivery_timeout
 *   the rest        samp_client_get_hub_url, _get_callback_url,
 *                   samp_hub_get_n_clients, samp_hub_lockfile_path,
 *                   samp_hub_is_live, samp_value_to_json
 */
#pragma once

#include <glib.h>
#include <gio/gio.h>

#include "samp-api.h"
#include "samp-error.h"
#include "samp-value.h"
#include "samp-mtype.h"
#include "samp-client.h"
#include "samp-hub.h"

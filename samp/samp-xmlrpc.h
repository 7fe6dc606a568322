/* samp-xmlrpc.h: XML-RPC encoding of SAMP values (the only user of xmlrpc-c).
 *
 * Output is strict SAMP: only <string>, <array> and <struct>.  Input is
 * lenient, as SAMP asks: a bare <value>x</value> is a string, and <int>,
 * <i4>, <i8>, <double>, <boolean> and <dateTime.iso8601> are read as their
 * string forms; <nil/> reads as "".  <base64> is refused.
 *
 * Before parsing, a document that contains a DOCTYPE or ENTITY
 * declaration is refused (no entity expansion, ever), and so is one larger
 * than SAMP_XMLRPC_MAX_SIZE bytes.  All failures are SAMP_ERROR_PROTOCOL,
 * except a well-formed fault response, which is SAMP_ERROR_HUB_FAULT with
 * the fault string as message.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sanity limit on one XML-RPC document: 64 MiB.  SAMP messages carry
 * URLs, not data; anything near this is an attack or a bug. */
#define SAMP_XMLRPC_MAX_SIZE ((gsize) 64 * 1024 * 1024)

/* Returns: (transfer full): a SAMP list ("av") of the NULL-terminated
 * argument values (consumed: full or floating references). */
GVariant *samp_xmlrpc_args_new (GVariant *first, ...) G_GNUC_NULL_TERMINATED;

/* Serialize a methodCall.  @args: a SAMP list ("av") or NULL for none.
 * Returns: (transfer full): the document; NULL with SAMP_ERROR_PROTOCOL if
 * an argument is not a SAMP value. */
GBytes *samp_xmlrpc_serialize_call (const char *method, GVariant *args, GError **error);

/* Serialize a methodResponse carrying @value (NULL = empty string). */
GBytes *samp_xmlrpc_serialize_response (GVariant *value, GError **error);

/* Serialize a fault response (faultCode @code, faultString @message). */
GBytes *samp_xmlrpc_serialize_fault (int code, const char *message);

/* Parse a methodCall: sets @method (transfer full) and @args (a SAMP list
 * "av", transfer full).  On error both are left unset. */
gboolean samp_xmlrpc_parse_call (const char *xml, gsize len, char **method,
                                 GVariant **args, GError **error);

/* Parse a methodResponse.  Returns: (transfer full): the value as a SAMP
 * value; a fault gives NULL and SAMP_ERROR_HUB_FAULT. */
GVariant *samp_xmlrpc_parse_response (const char *xml, gsize len, GError **error);

G_END_DECLS

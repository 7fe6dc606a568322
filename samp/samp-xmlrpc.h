/* samp-xmlrpc.h: XML-RPC encoding of SAMP values (the only user of xmlrpc-c).
 *
 * Output is strict SAMP: only <string>, <array> and <struct>.  Input is
 * lenient by default, as SAMP asks of clients: a bare <value>x</value> is
 * a string, and <int>, <i4>, <i8>, <double>, <boolean> and
 * <dateTime.iso8601> are read as their string forms; <nil/> reads as "".
 * <base64> is refused.  Strict mode (SAMP_XMLRPC_STRICT, what a hub
 * uses) refuses every value that is not a string, array or struct, and
 * names the first one by its path, e.g.
 * "params[2]['samp.params']['n'] is an <int>: not a SAMP type ...".  The
 * check is made on the parsed values, never on the document text, so
 * string content such as "&lt;int&gt;" or "<![CDATA[<int>]]>" is fine.
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

typedef enum {
  SAMP_XMLRPC_LENIENT = 0,      /* scalars read as strings (clients) */
  SAMP_XMLRPC_STRICT = 1 << 0,  /* only string/array/struct (hubs) */
} SampXmlrpcFlags;

/* Parse a methodCall: sets @method (transfer full) and @args (a SAMP list
 * "av", transfer full).  On error both are left unset.  Lenient. */
gboolean samp_xmlrpc_parse_call (const char *xml, gsize len, char **method,
                                 GVariant **args, GError **error);

/* The same with @flags.  In strict mode a value of another type fails
 * with SAMP_ERROR_PROTOCOL and a message naming its path and element. */
gboolean samp_xmlrpc_parse_call_full (const char *xml, gsize len, SampXmlrpcFlags flags,
                                      char **method, GVariant **args, GError **error);

/* Parse a methodResponse.  Returns: (transfer full): the value as a SAMP
 * value; a fault gives NULL and SAMP_ERROR_HUB_FAULT. */
GVariant *samp_xmlrpc_parse_response (const char *xml, gsize len, GError **error);

G_END_DECLS

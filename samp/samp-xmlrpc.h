/* samp-xmlrpc.h: XML-RPC encoding of SAMP values.
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
 * Documents in the subset of XML that SAMP peers write are read by
 * samp-xmlrpc-fast.c, any other by one libxml2 pass (samp-xmlguard.c),
 * with the same results and errors.  That pass refuses
 * them if it is larger than SAMP_XMLRPC_MAX_SIZE bytes, not UTF-8
 * (UTF-16, UTF-32, Latin-1 ...; a UTF-8 BOM is fine), has a document type
 * declaration (so no entity is ever declared or expanded), nests lists
 * and maps more than SAMP_XMLRPC_MAX_DEPTH deep or elements more than
 * SAMP_XMLRPC_MAX_ELEMENT_DEPTH deep, or is not well-formed.  The same
 * checks guard calls (lenient and strict) and responses.  All failures
 * are SAMP_ERROR_PROTOCOL,
 * except a well-formed fault response, which is SAMP_ERROR_HUB_FAULT with
 * the fault string as message.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sanity limit on one XML-RPC document: 64 MiB.  SAMP messages carry
 * URLs, not data; anything near this is an attack or a bug. */
#define SAMP_XMLRPC_MAX_SIZE ((gsize) 64 * 1024 * 1024)

/* Deepest nesting of SAMP lists and maps (<array> and <struct> counted
 * together) in one document: 64.  Real SAMP messages nest 3 or 4 deep. */
#define SAMP_XMLRPC_MAX_DEPTH 64

/* Deepest nesting of XML elements of any kind: a methodCall with values
 * SAMP_XMLRPC_MAX_DEPTH deep needs 3 elements per level and 8 around. */
#define SAMP_XMLRPC_MAX_ELEMENT_DEPTH (3 * SAMP_XMLRPC_MAX_DEPTH + 8)

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
  SAMP_XMLRPC_NO_FAST = 1 << 1, /* libxml2's pass only, never samp-xmlrpc-fast
                                 * (for tests comparing the two) */
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

/* The same with @flags (lenient by default, as above). */
GVariant *samp_xmlrpc_parse_response_full (const char *xml, gsize len, SampXmlrpcFlags flags,
                                           GError **error);

/* For --version: the run-time xmlrpc-c's version, "1.33.14".  (transfer full) */
char *samp_xmlrpc_library_version (void);

G_END_DECLS

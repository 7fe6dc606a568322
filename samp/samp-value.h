/* samp-value.h: SAMP data (strings, lists, maps) as GVariants.
 *
 * A SAMP string is a GVariant of type "s", a list is "av" and a map is
 * "a{sv}"; list items and map values are boxed in "v" and are themselves
 * SAMP values.  Nothing else is SAMP (samp_value_check() says so).
 * Numbers and booleans travel as strings: samp_format_float() writes the
 * shortest decimal that reads back as the same double, the parse helpers
 * read what peers send (ints, floats, "0"/"1" booleans).
 *
 * Also here: SAMP message and response maps (samp_message_new(),
 * samp_response_new_ok() ...).  All constructors return floating-free,
 * full references (g_variant_ref_sink'ed).
 */
#pragma once

#include "samp-api.h"
#include <glib.h>

G_BEGIN_DECLS

/* The GVariant types of a SAMP map and a SAMP list. */
#define SAMP_TYPE_MAP  ((const GVariantType *) "a{sv}")
#define SAMP_TYPE_LIST ((const GVariantType *) "av")

/* TRUE if @value is a string, list or map of SAMP values (recursively);
 * otherwise FALSE with SAMP_ERROR_PROTOCOL naming the offending type. */
SAMP_API gboolean samp_value_check (GVariant *value, GError **error);

/* Returns: (transfer full): a string value. */
SAMP_API GVariant *samp_string_new (const char *s);

/* Returns: (transfer full): a map built from NULL-terminated pairs of
 * (const char *key, GVariant *value).  Values are consumed (full
 * or floating references); a value of NULL skips the pair. */
SAMP_API GVariant *samp_map_new_va (const char *first_key, ...) G_GNUC_NULL_TERMINATED;

/* Returns: (transfer full): a map of string values from NULL-terminated
 * (const char *key, const char *value) pairs. */
SAMP_API GVariant *samp_map_new_strings (const char *first_key, ...) G_GNUC_NULL_TERMINATED;

/* Returns: (transfer full): an empty map {}. */
SAMP_API GVariant *samp_map_new_empty (void);

/* Returns: (transfer full): a list of string values. */
SAMP_API GVariant *samp_list_new_strv (const char *const *strv);

/* Returns: (transfer none) (nullable): the string stored under @key in
 * @map, or NULL if absent or not a string. */
SAMP_API const char *samp_map_lookup_string (GVariant *map, const char *key);

/* Returns: (transfer full) (nullable): the value (unboxed) under @key. */
SAMP_API GVariant *samp_map_lookup (GVariant *map, const char *key);

/* Returns: (transfer full) (nullable): the map under @key, NULL if absent
 * or not a map. */
SAMP_API GVariant *samp_map_lookup_map (GVariant *map, const char *key);

/* Returns: (transfer full): the strings of a SAMP list (non-strings are
 * skipped); an empty vector if @list is NULL or not a list. */
SAMP_API char **samp_list_dup_strv (GVariant *list);

/* Returns: (transfer full): the shortest of %.15g/%.16g/%.17g that reads
 * back as @x exactly.  NaN and infinities give "NaN", "Infinity", "-Infinity". */
SAMP_API char *samp_format_float (double x);

/* Returns: (transfer full): decimal SAMP int. */
SAMP_API char *samp_format_int (gint64 x);

/* Parse a SAMP float (C locale, whole string, surrounding blanks allowed). */
SAMP_API gboolean samp_parse_float (const char *s, double *out, GError **error);
/* Parse a SAMP int: [+-]?[0-9]+. */
SAMP_API gboolean samp_parse_int (const char *s, gint64 *out, GError **error);
/* Parse a SAMP boolean: any SAMP int, non-zero = TRUE; also accepts
 * "true"/"false" (any case), which some peers send. */
SAMP_API gboolean samp_parse_bool (const char *s, gboolean *out, GError **error);

/* Returns: (transfer full): {samp.mtype: @mtype, samp.params: @params}.
 * @params: (nullable) (transfer full or floating: consumed): a map, NULL = {}. */
SAMP_API GVariant *samp_message_new (const char *mtype, GVariant *params);

/* Returns: (transfer full): {samp.status: samp.ok, samp.result: @result}
 * (@result NULL = {}). */
SAMP_API GVariant *samp_response_new_ok (GVariant *result);

/* Returns: (transfer full): {samp.status: samp.error,
 * samp.error: {samp.errortxt: @errortxt}}. */
SAMP_API GVariant *samp_response_new_error (const char *errortxt);

/* Returns: (transfer full): samp.warning with both a result and an error. */
SAMP_API GVariant *samp_response_new_warning (GVariant *result, const char *errortxt);

/* Returns: (transfer none) (nullable): samp.status of a response. */
SAMP_API const char *samp_response_get_status (GVariant *response);

/* TRUE if @response is a map with samp.status = samp.ok. */
SAMP_API gboolean samp_response_is_ok (GVariant *response);

/* Returns: (transfer full) (nullable): samp.result, or NULL. */
SAMP_API GVariant *samp_response_get_result (GVariant *response);

/* Returns: (transfer none) (nullable): samp.error.samp.errortxt. */
SAMP_API const char *samp_response_get_errortxt (GVariant *response);

/* TRUE for samp.ok / samp.warning; FALSE with SAMP_ERROR_FAILED carrying
 * the errortxt for samp.error, SAMP_ERROR_PROTOCOL if malformed. */
SAMP_API gboolean samp_response_check (GVariant *response, GError **error);

/* Returns: (transfer full): a compact JSON rendering of a SAMP value
 * (strings, arrays, objects), for CLI output and logs. */
SAMP_API char *samp_value_to_json (GVariant *value);

G_END_DECLS

/* bridge-calls.c: the custom query MTypes (doc/MTYPES.md).
 *
 *  - cadc.query.region {ra, dec, [radius], [collection]}
 *  - cadc.query.name {name}
 *  - cadc.query.adql {adql, [maxrec]}
 * Each runs its query (bridge-core's cs_bridge_run_query), replies
 * {url, rows} and offers the table to every table tool.  Every call gets
 * exactly one reply; errors carry a samp.errortxt.
 */
#include "config.h"

#include "bridge-flows.h"
#include "samp-value.h"

static void
on_query_region (SampClient *client, const char *sender, const char *msg_id,
                 const char *mtype, GVariant *params, gpointer user_data)
{
  CsBridge *b = user_data;
  g_autoptr(GError) error = NULL;
  double ra, dec, radius;
  const char *collection;
  (void) client;

  if (!cs_bridge_parse_region_params (b, params, &ra, &dec, &radius, &collection, &error))
    {
      cs_bridge_reply_error (b, msg_id, mtype, sender, error);
      return;
    }
  g_message ("%s from %s: ra=%.6f dec=%+.6f radius=%g deg collection=%s", mtype, sender, ra,
             dec, radius, collection ? collection : "(all)");
  CsBridgeAsk ask = { .kind = CS_BRIDGE_ASK_REGION, .ra = ra, .dec = dec, .radius = radius,
                      .collection = cs_bridge_opt_string (params, "collection"),
                      .maxrec = b->config->max_rows };
  g_autofree char *name = cs_bridge_table_name_for_position (NULL, ra, dec, radius,
                                                                collection);
  cs_bridge_run_query (b, msg_id, mtype, sender, name, &ask, NULL);
}

static void
on_query_name (SampClient *client, const char *sender, const char *msg_id,
               const char *mtype, GVariant *params, gpointer user_data)
{
  CsBridge *b = user_data;
  const char *target = cs_bridge_require_string (b, params, "name", "a target name", msg_id,
                                                 mtype, sender);
  (void) client;

  if (target == NULL)
    return;
  g_message ("%s from %s: name=\"%s\"", mtype, sender, target);
  CsBridgeAsk ask = { .kind = CS_BRIDGE_ASK_NAME, .text = target,
                      .maxrec = b->config->max_rows };
  g_autofree char *name = g_strdup_printf ("target %s", target);
  cs_bridge_run_query (b, msg_id, mtype, sender, name, &ask, NULL);
}

static void
on_query_adql (SampClient *client, const char *sender, const char *msg_id,
               const char *mtype, GVariant *params, gpointer user_data)
{
  CsBridge *b = user_data;
  g_autoptr(GError) error = NULL;
  const char *adql = cs_bridge_opt_string (params, "adql");
  const char *maxrec_s = cs_bridge_opt_string (params, "maxrec");
  gint64 maxrec = b->config->max_rows;
  (void) client;

  if (adql == NULL)
    error = g_error_new (VO_ERROR, VO_ERROR_PARSE, "parameter adql (the query) is required");
  else if (maxrec_s && (!samp_parse_int (maxrec_s, &maxrec, NULL) || maxrec < 0
                        || maxrec > G_MAXINT))
    error = g_error_new (VO_ERROR, VO_ERROR_PARSE,
                         "maxrec=\"%s\" is not a non-negative whole number", maxrec_s);
  if (error)
    {
      cs_bridge_reply_error (b, msg_id, mtype, sender, error);
      return;
    }
  g_message ("%s from %s: maxrec=%" G_GINT64_FORMAT " adql=%s", mtype, sender, maxrec, adql);
  CsBridgeAsk ask = { .kind = CS_BRIDGE_ASK_ADQL, .text = adql, .maxrec = (guint) maxrec };
  cs_bridge_run_query (b, msg_id, mtype, sender, "ADQL query", &ask, NULL);
}

void
cs_bridge_calls_subscribe (CsBridge *b)
{
  samp_client_subscribe (b->client, "cadc.query.region", on_query_region, b);
  samp_client_subscribe (b->client, "cadc.query.name", on_query_name, b);
  samp_client_subscribe (b->client, "cadc.query.adql", on_query_adql, b);
}

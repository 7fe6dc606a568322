/* samp-hub-web-auth.h: consent to Web Profile registrations (private to
 * libsamp; see samp-hub-web-auth.c). */
#pragma once

#include "samp-hub.h"

G_BEGIN_DECLS

typedef struct _WebAuth WebAuth;
/* @why: a short reason when refused (the client's fault says it), else NULL. */
typedef void (*WebAuthDone) (gpointer data, gboolean accepted, const char *why);

WebAuth *web_auth_new (SampHubWebAuth policy, char **origins, GMainContext *context);
/* Decide on a registration of @name from @origin (either may be NULL):
 * @done runs once, now or later on the context.  Logs the decision. */
void web_auth_check (WebAuth *auth, const char *origin, const char *name,
                     WebAuthDone done, gpointer data);
/* Pending questions are answered "refused". */
void web_auth_free (WebAuth *auth);

/* Returns: (transfer full): @text with control characters and non-ASCII
 * replaced by '?', at most 200 characters ("(none)" for NULL). */
char *web_auth_printable (const char *text);

G_END_DECLS

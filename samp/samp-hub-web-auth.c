/* samp-hub-web-auth.c: who may register through the Web Profile.
 *
 * A web registration names an application (samp.name) and comes from a
 * page's origin (the Origin header; "(none)" for a non-browser client).
 * Three policies (SampHubWebAuth): ACCEPT takes everyone (tests only);
 * ORIGINS takes only the origins listed; ASK asks on the hub's terminal
 * (its stdin and stderr) "y/N", one question at a time, the others
 * queued (at most ASK_QUEUE_MAX, then refused at once); no terminal, end
 * of input or no answer within ASK_TIMEOUT_S is a refusal.  The question
 * is asked asynchronously on the hub's main context: the hub goes on
 * serving everyone while it waits.
 *
 * This is the only place a page is refused (as JSAMP's ClientAuthorizer):
 * samp-hub-web.c grants CORS to every origin, so a refused page gets the
 * register fault, whose text is the reason given here ("origin O is not in
 * [hub] web-origins", "refused by the user", "no terminal to ask on ..."),
 * and can show it; the same reason is logged once.  What a page chose to
 * call itself and its origin are shown with control characters replaced
 * (no terminal escapes); no key or secret is ever shown or logged.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>

#include "samp-hub-web-auth.h"

#define ASK_TIMEOUT_S 120
#define ASK_QUEUE_MAX 16          /* questions waiting: more are refused at once */

typedef struct {
  char *origin;
  char *name;
  WebAuthDone done;
  gpointer data;
} Ask;

struct _WebAuth {
  SampHubWebAuth policy;
  char **origins;
  GMainContext *context;
  GQueue asks;              /* Ask: the head is the question on screen */
  GString *line;            /* answer typed so far */
  GSource *input;           /* stdin watch while a question is asked */
  GSource *timer;
  gboolean no_terminal;     /* stdin is not a terminal, or it ended */
};

char *
web_auth_printable (const char *text)
{
  if (text == NULL)
    return g_strdup ("(none)");
  GString *s = g_string_new (NULL);
  for (const char *p = text; *p && s->len < 200; p++)
    g_string_append_c (s, (*p >= 0x20 && *p < 0x7f) ? *p : '?');
  return g_string_free (s, FALSE);
}

WebAuth *
web_auth_new (SampHubWebAuth policy, char **origins, GMainContext *context)
{
  WebAuth *a = g_new0 (WebAuth, 1);
  a->policy = policy;
  a->origins = g_strdupv (origins);
  a->context = g_main_context_ref (context);
  g_queue_init (&a->asks);
  a->line = g_string_new (NULL);
  a->no_terminal = !isatty (STDIN_FILENO);
  return a;
}

static void
ask_free (Ask *k)
{
  g_free (k->origin);
  g_free (k->name);
  g_free (k);
}

static void
refuse_logged (const char *origin, const char *name, const char *why)
{
  g_autofree char *o = web_auth_printable (origin);
  g_autofree char *n = web_auth_printable (name);
  g_message ("SAMP Web Profile: registration of \"%s\" from origin %s refused: %s", n, o, why);
}

static void ask_next (WebAuth *a);

static void
stop_asking (WebAuth *a)
{
  if (a->input)
    {
      g_source_destroy (a->input);
      g_clear_pointer (&a->input, g_source_unref);
    }
  if (a->timer)
    {
      g_source_destroy (a->timer);
      g_clear_pointer (&a->timer, g_source_unref);
    }
}

/* The question on screen is answered (@yes) or given up (@why). */
static void
answer (WebAuth *a, gboolean yes, const char *why)
{
  stop_asking (a);
  Ask *k = g_queue_pop_head (&a->asks);
  if (k == NULL)
    return;
  if (yes)
    {
      g_autofree char *o = web_auth_printable (k->origin);
      g_autofree char *n = web_auth_printable (k->name);
      g_message ("SAMP Web Profile: registration of \"%s\" from origin %s accepted on the terminal",
                 n, o);
    }
  else
    refuse_logged (k->origin, k->name, why);
  k->done (k->data, yes, yes ? NULL : why);
  ask_free (k);
  ask_next (a);
}

static gboolean
on_timeout (gpointer data)
{
  WebAuth *a = data;
  g_clear_pointer (&a->timer, g_source_unref);
  fprintf (stderr, "\n(no answer within %d s: refused)\n", ASK_TIMEOUT_S);
  answer (a, FALSE, "no answer on the terminal in time");
  return G_SOURCE_REMOVE;
}

static gboolean
on_input (gint fd, GIOCondition cond, gpointer data)
{
  WebAuth *a = data;
  char buf[256];
  (void) cond;
  ssize_t n = read (fd, buf, sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      g_clear_pointer (&a->input, g_source_unref);
      a->no_terminal = TRUE;
      answer (a, FALSE, "the terminal's input ended");
      return G_SOURCE_REMOVE;
    }
  for (ssize_t i = 0; i < n; i++)
    {
      if (buf[i] != '\n' && buf[i] != '\r')
        {
          if (a->line->len < 64)
            g_string_append_c (a->line, buf[i]);
          continue;
        }
      g_strstrip (a->line->str);
      gboolean yes = g_ascii_strcasecmp (a->line->str, "y") == 0
                     || g_ascii_strcasecmp (a->line->str, "yes") == 0;
      g_string_truncate (a->line, 0);
      /* this source ends here; the next question (if any) gets its own */
      g_clear_pointer (&a->input, g_source_unref);
      answer (a, yes, "refused by the user");
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
ask_next (WebAuth *a)
{
  Ask *k = g_queue_peek_head (&a->asks);
  if (k == NULL || a->input != NULL)
    return;
  if (a->no_terminal)
    {
      answer (a, FALSE, "no terminal to ask on (see --web-auth)");
      return;
    }
  g_autofree char *o = web_auth_printable (k->origin);
  g_autofree char *n = web_auth_printable (k->name);
  fprintf (stderr, "\nSAMP Web Profile: a web page from origin %s asks to register as \"%s\".\n"
                   "It could then exchange messages with the other SAMP tools of this desktop.\n"
                   "Allow it? [y/N] ", o, n);
  fflush (stderr);
  g_string_truncate (a->line, 0);
  a->input = g_unix_fd_source_new (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_source_set_callback (a->input, (GSourceFunc) (void (*) (void)) on_input, a, NULL);
  g_source_attach (a->input, a->context);
  a->timer = g_timeout_source_new_seconds (ASK_TIMEOUT_S);
  g_source_set_callback (a->timer, on_timeout, a, NULL);
  g_source_attach (a->timer, a->context);
}

static gboolean
origin_listed (WebAuth *a, const char *origin)
{
  return origin != NULL && a->origins != NULL
         && g_strv_contains ((const char *const *) a->origins, origin);
}

void
web_auth_check (WebAuth *a, const char *origin, const char *name,
                WebAuthDone done, gpointer data)
{
  switch (a->policy)
    {
    case SAMP_HUB_WEB_AUTH_ACCEPT:
      {
        g_autofree char *o = web_auth_printable (origin);
        g_autofree char *n = web_auth_printable (name);
        g_message ("SAMP Web Profile: registration of \"%s\" from origin %s accepted "
                   "(--web-auth=accept)", n, o);
        done (data, TRUE, NULL);
        return;
      }
    case SAMP_HUB_WEB_AUTH_ORIGINS:
      if (origin_listed (a, origin))
        {
          g_autofree char *o = web_auth_printable (origin);
          g_autofree char *n = web_auth_printable (name);
          g_message ("SAMP Web Profile: registration of \"%s\" from origin %s accepted "
                     "(listed in web-origins)", n, o);
          done (data, TRUE, NULL);
        }
      else
        {
          g_autofree char *o = web_auth_printable (origin);
          g_autofree char *why = g_strdup_printf ("origin %s is not in [hub] web-origins", o);
          refuse_logged (origin, name, why);
          done (data, FALSE, why);
        }
      return;
    case SAMP_HUB_WEB_AUTH_ASK:
    default:
      break;
    }
  if (g_queue_get_length (&a->asks) >= ASK_QUEUE_MAX)
    {
      refuse_logged (origin, name, "too many registrations waiting for an answer");
      done (data, FALSE, "too many registrations waiting for an answer");
      return;
    }
  Ask *k = g_new0 (Ask, 1);
  k->origin = g_strdup (origin);
  k->name = g_strdup (name);
  k->done = done;
  k->data = data;
  g_queue_push_tail (&a->asks, k);
  ask_next (a);
}

void
web_auth_free (WebAuth *a)
{
  if (a == NULL)
    return;
  stop_asking (a);
  Ask *k;
  while ((k = g_queue_pop_head (&a->asks)) != NULL)
    {
      k->done (k->data, FALSE, "hub stopping");
      ask_free (k);
    }
  g_strfreev (a->origins);
  g_string_free (a->line, TRUE);
  g_main_context_unref (a->context);
  g_free (a);
}

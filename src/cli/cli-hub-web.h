/* cli-hub-web.h: the Web Profile options of `hub` and `listen` (--web-*)
 * and the [hub] group of the config file (doc/CONFIG.md). */
#pragma once

#include <glib.h>
#include "samp-hub.h"

G_BEGIN_DECLS

typedef struct {
  gboolean web_profile;
  gboolean no_restrict;
  char *auth;
  char **origins;
  int port;
} CliHubWeb;

/* The GOptionEntry lines of the options, into a command's table. */
#define CLI_HUB_WEB_ENTRIES(w) \
  { "web-profile", 0, 0, G_OPTION_ARG_NONE, &(w).web_profile, \
    "also run the SAMP Web Profile on 127.0.0.1:21012 (browser tools)", NULL }, \
  { "web-auth", 0, 0, G_OPTION_ARG_STRING, &(w).auth, \
    "who may register through the Web Profile: ask (default: y/N on this terminal), " \
    "origins (only --web-origin ones), accept (everyone: tests only)", "POLICY" }, \
  { "web-origin", 0, 0, G_OPTION_ARG_STRING_ARRAY, &(w).origins, \
    "an origin allowed under --web-auth=origins, e.g. http://localhost:8000 (repeatable)", \
    "ORIGIN" }, \
  { "no-web-restrict-mtypes", 0, 0, G_OPTION_ARG_NONE, &(w).no_restrict, \
    "let web clients send any MType, not only the safe list", NULL }, \
  { "web-port", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &(w).port, \
    "Web Profile port (tests; SAMP says 21012)", "PORT" }

/* Fill @out: the defaults, then [hub] of the config file @path (missing:
 * fine unless @must_exist), then the options in @w.  Frees @w's strings. */
gboolean cli_hub_web_resolve (CliHubWeb *w, const char *path, gboolean must_exist,
                              SampHubWebOptions *out, GError **error);

G_END_DECLS

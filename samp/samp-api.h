/* samp-api.h: SAMP_API, the mark of libsamp's exported functions.
 *
 * libsamp is compiled with -fvisibility=hidden: a function is in the
 * shared library's dynamic symbol table only if its declaration in a
 * public header starts with SAMP_API.  Everything else (the HTTP server,
 * the XML-RPC codec, the hub's internals) stays private to the library,
 * even where its name starts with samp_.  Installed; included by every
 * public header.
 */
#pragma once

/* Marks a declaration as exported from libsamp.so. */
#if defined(__GNUC__) || defined(__clang__)
#define SAMP_API __attribute__ ((visibility ("default")))
#else
#define SAMP_API
#endif

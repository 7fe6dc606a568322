/* cli-version.c: `cadc-samp --version`, as `curl --version` does it.
 *
 *   cadc-samp 0.1.0
 *   Libraries: GLib/2.74.6 libcurl/7.88.1 OpenSSL/3.0.17 zlib/1.2.13
 *     nghttp2/1.52.0 libxml2/2.9.14 xmlrpc-c/1.33.14 cfitsio/4.2.0
 *   Features: HTTPS HTTP2 IPv6 ...
 *
 * Each library is asked at run time, through the one file that wraps it
 * (vo-http.c, vo-xmlutil.c, vo-fits.c, samp-xmlrpc.c), so the line names
 * what the program runs with, not what it was built against.
 */
#include "config.h"

#include <stdio.h>

#include "cli-version.h"
#include "samp-xmlrpc.h"
#include "vo-fits.h"
#include "vo-http.h"
#include "vo-xmlutil.h"

void
cli_version_print (FILE *out)
{
  g_autofree char *http = vo_http_library_versions ();
  g_autofree char *http_features = vo_http_library_features ();
  g_autofree char *xml = vo_xml_library_version ();
  g_autofree char *xmlrpc = samp_xmlrpc_library_version ();
  g_autofree char *fits = vo_fits_library_version ();
  g_autoptr(GString) feats = g_string_new (NULL);

  /* what cadc-samp itself can do, then what its libcurl adds */
  g_string_append (feats, "SAMP-hub SAMP-client TAP DataLink SODA netrc");
  g_string_append (feats, http_features);
#if defined(__SANITIZE_ADDRESS__)
  g_string_append (feats, " ASan");
#endif
#if !defined(__OPTIMIZE__)
  g_string_append (feats, " debug");
#endif

  fprintf (out, "%s %s\nLibraries: GLib/%u.%u.%u %s libxml2/%s xmlrpc-c/%s cfitsio/%s\n"
           "Features: %s\n", PACKAGE_NAME, PACKAGE_VERSION, glib_major_version,
           glib_minor_version, glib_micro_version, http, xml, xmlrpc, fits, feats->str);
}

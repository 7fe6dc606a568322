/* cli-version.c: `cadc-samp --version`, as `curl --version` does it.
 *
 *   cadc-samp 0.1.0
 *   Libraries: GLib/2.74.6 libcurl/7.88.1 OpenSSL/3.0.17 zlib/1.2.13
 *     nghttp2/1.52.0 libxml2/2.9.14 xmlrpc-c/1.33.14 cfitsio/4.2.0
 *   Features: HTTPS HTTP2 IPv6 ...
 *
 * Each library is asked at run time where it can say (GLib's
 * glib_*_version, curl_version_info, libxml2's xmlParserVersion,
 * xmlrpc_version, cfitsio's ffvers), so the line names what the program
 * runs with, not what it was built against.  The one place outside the
 * wrappers (vo-http.c, vo-xmlutil.c, vo-fits.c, samp-xmlrpc.c) that
 * includes these libraries' headers: only to ask their versions.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <curl/curl.h>
#include <fitsio.h>
#include <libxml/parser.h>
#include <xmlrpc-c/base.h>

#include "cli-version.h"

/* xmlParserVersion is "20914" for 2.9.14 */
static char *
libxml2_version (void)
{
  const char *v = xmlParserVersion;
  long n = v != NULL ? strtol (v, NULL, 10) : 0;

  if (n <= 0)
    return g_strdup (LIBXML_DOTTED_VERSION);
  return g_strdup_printf ("%ld.%ld.%ld", n / 10000, n / 100 % 100, n % 100);
}

/* ffvers gives MAJOR + MINOR/100 + MICRO/10000 (4.2.0 is 4.020) */
static char *
cfitsio_version (void)
{
  float f = 0;
  long n;

  ffvers (&f);
  n = lround ((double) f * 10000.0);
  return g_strdup_printf ("%ld.%ld.%ld", n / 10000, n / 100 % 100, n % 100);
}

void
cli_version_print (FILE *out)
{
  const curl_version_info_data *cv = curl_version_info (CURLVERSION_NOW);
  g_autoptr(GString) libs = g_string_new (NULL);
  g_autoptr(GString) feats = g_string_new (NULL);
  g_autofree char *xml = libxml2_version ();
  g_autofree char *fits = cfitsio_version ();
  unsigned int xr_major = 0, xr_minor = 0, xr_point = 0;

  xmlrpc_version (&xr_major, &xr_minor, &xr_point);
  g_string_append_printf (libs, "GLib/%u.%u.%u libcurl/%s", glib_major_version,
                          glib_minor_version, glib_micro_version, cv->version);
  if (cv->ssl_version != NULL)
    g_string_append_printf (libs, " %s", cv->ssl_version);
  if (cv->libz_version != NULL)
    g_string_append_printf (libs, " zlib/%s", cv->libz_version);
  if (cv->age >= CURLVERSION_FIFTH && cv->nghttp2_version != NULL)
    g_string_append_printf (libs, " nghttp2/%s", cv->nghttp2_version);
  g_string_append_printf (libs, " libxml2/%s xmlrpc-c/%u.%u.%u cfitsio/%s", xml, xr_major,
                          xr_minor, xr_point, fits);

  /* what cadc-samp itself can do, then what its libcurl adds */
  g_string_append (feats, "SAMP-hub SAMP-client TAP DataLink SODA netrc");
  if (cv->features & CURL_VERSION_SSL)
    g_string_append (feats, " HTTPS");
  if (cv->features & CURL_VERSION_HTTP2)
    g_string_append (feats, " HTTP2");
  if (cv->features & CURL_VERSION_IPV6)
    g_string_append (feats, " IPv6");
  if (cv->features & CURL_VERSION_LIBZ)
    g_string_append (feats, " gzip");
#if defined(__SANITIZE_ADDRESS__)
  g_string_append (feats, " ASan");
#endif
#if !defined(__OPTIMIZE__)
  g_string_append (feats, " debug");
#endif

  fprintf (out, "%s %s\nLibraries: %s\nFeatures: %s\n", PACKAGE_NAME, PACKAGE_VERSION, libs->str,
           feats->str);
}

/* cadc-auth.c: login state, netrc and the per-URL credential choice.
 *
 * The state file is a GKeyFile ([login] user, token, cert) written with
 * mode 0600 to a temporary name in the same directory and renamed, so a
 * crash never leaves a half-written or world-readable secret.  The token
 * is only ever placed into a Cookie (or Bearer) header for hosts inside
 * the configured domains; the netrc password only into curl's Basic auth
 * for the exact host it names; neither to a URL that
 * cadc_auth_url_trustworthy() refuses (plain http off loopback).  See
 * cadc-auth.h.
 */
#include "config.h"

#include "cadc-auth.h"
#include "vo-caps.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

G_DEFINE_QUARK (cadc-auth-error-quark, cadc_auth_error)

static const char *const default_domains[] = {
  ".canfar.net", ".cadc-ccda.hia-iha.nrc-cnrc.gc.ca", ".cadc.dao.nrc.ca", NULL,
};

struct _CadcAuth {
  char *user;
  char *token;
  char *cert;
  char **domains;
  CadcAuthWarnFunc warn;
  gpointer warn_data;
  GHashTable *warned;         /* "scheme://host" already warned about */
};

static void
wipe_free (char *s)
{
  if (s != NULL)
    memset (s, 0, strlen (s));
  g_free (s);
}

static char **
configured_domains (void)
{
  const char *env = g_getenv ("CADC_SAMP_COOKIE_DOMAINS");

  if (env != NULL && *env != '\0')
    {
      char **d = g_strsplit (env, ",", -1);
      for (char **p = d; *p != NULL; p++)
        g_strstrip (*p);
      return d;
    }
  return g_strdupv ((char **) default_domains);
}

CadcAuth *
cadc_auth_new_anonymous (void)
{
  CadcAuth *auth = g_new0 (CadcAuth, 1);

  auth->domains = configured_domains ();
  auth->warned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return auth;
}

void
cadc_auth_set_warn_func (CadcAuth *auth, CadcAuthWarnFunc func, gpointer user_data)
{
  auth->warn = func;
  auth->warn_data = user_data;
}

void
cadc_auth_set_cookie_domains (CadcAuth *auth, const char *const *domains)
{
  g_strfreev (auth->domains);
  auth->domains = domains != NULL ? g_strdupv ((char **) domains) : configured_domains ();
}

char *
cadc_auth_state_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "cadc-samp", "auth.ini", NULL);
}

CadcAuth *
cadc_auth_load (GError **error)
{
  g_autoptr(CadcAuth) auth = cadc_auth_new_anonymous ();
  g_autofree char *path = cadc_auth_state_path ();
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&auth);
      g_set_error (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_BAD_FILE,
                   "cannot read login state %s: %s", path, local->message);
      return NULL;
    }
  auth->user = g_key_file_get_string (kf, "login", "user", NULL);
  auth->token = g_key_file_get_string (kf, "login", "token", NULL);
  auth->cert = g_key_file_get_string (kf, "login", "cert", NULL);
  return g_steal_pointer (&auth);
}

void
cadc_auth_free (CadcAuth *auth)
{
  if (auth == NULL)
    return;
  g_free (auth->user);
  wipe_free (auth->token);
  g_free (auth->cert);
  g_strfreev (auth->domains);
  g_hash_table_unref (auth->warned);
  g_free (auth);
}

gboolean
cadc_auth_save (CadcAuth *auth, GError **error)
{
  g_autofree char *path = cadc_auth_state_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *data = NULL;
  gsize len;
  int fd;

  if (auth->user != NULL)
    g_key_file_set_string (kf, "login", "user", auth->user);
  if (auth->token != NULL)
    g_key_file_set_string (kf, "login", "token", auth->token);
  if (auth->cert != NULL)
    g_key_file_set_string (kf, "login", "cert", auth->cert);
  data = g_key_file_to_data (kf, &len, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "cannot create %s: %s",
                   dir, g_strerror (e));
      return FALSE;
    }
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0 || fchmod (fd, 0600) != 0 || write (fd, data, len) != (ssize_t) len
      || fsync (fd) != 0)
    {
      int e = errno;
      if (fd >= 0)
        {
          close (fd);
          g_unlink (tmp);
        }
      memset (data, 0, len);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "cannot write %s: %s",
                   path, g_strerror (e));
      return FALSE;
    }
  memset (data, 0, len);
  close (fd);
  if (g_rename (tmp, path) != 0)
    {
      int e = errno;
      g_unlink (tmp);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "cannot rename to %s: %s",
                   path, g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

gboolean
cadc_auth_forget (GError **error)
{
  g_autofree char *path = cadc_auth_state_path ();

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "cannot remove %s: %s",
                   path, g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

void
cadc_auth_set_user (CadcAuth *auth, const char *user)
{
  g_free (auth->user);
  auth->user = g_strdup (user);
}

void
cadc_auth_set_token (CadcAuth *auth, const char *token)
{
  wipe_free (auth->token);
  auth->token = g_strdup (token);
}

void
cadc_auth_set_cert (CadcAuth *auth, const char *pem_path)
{
  g_free (auth->cert);
  auth->cert = g_strdup (pem_path);
}

const char *
cadc_auth_get_user (CadcAuth *auth)
{
  return auth->user;
}

const char *
cadc_auth_get_cert (CadcAuth *auth)
{
  return auth->cert;
}

gboolean
cadc_auth_has_token (CadcAuth *auth)
{
  return auth->token != NULL && *auth->token != '\0';
}

gboolean
cadc_auth_host_in_domains (CadcAuth *auth, const char *host)
{
  if (host == NULL)
    return FALSE;
  for (char **d = auth->domains; *d != NULL; d++)
    {
      const char *dom = **d == '.' ? *d + 1 : *d;
      gsize hl = strlen (host), dl = strlen (dom);
      if (dl == 0)
        continue;
      if (g_ascii_strcasecmp (host, dom) == 0)
        return TRUE;
      if (hl > dl && host[hl - dl - 1] == '.' && g_ascii_strcasecmp (host + hl - dl, dom) == 0)
        return TRUE;
    }
  return FALSE;
}

/* One netrc token at *p (after whitespace and comments), or NULL at the
 * end.  Quoted tokens may hold whitespace and escapes, as curl reads them. */
static char *
netrc_token (const char **pp, const char *path, GError **error)
{
  const char *p = *pp;
  GString *tok;

  for (;;)
    {
      while (g_ascii_isspace (*p))
        p++;
      if (*p != '#')
        break;
      while (*p != '\0' && *p != '\n')
        p++;
    }
  if (*p == '\0')
    {
      *pp = p;
      return NULL;
    }
  tok = g_string_new (NULL);
  if (*p == '"')
    {
      for (p++; *p != '\0' && *p != '"'; p++)
        {
          char ch = *p;
          if (ch == '\\' && p[1] != '\0')
            {
              ch = *++p;
              ch = ch == 'n' ? '\n' : ch == 'r' ? '\r' : ch == 't' ? '\t' : ch;
            }
          g_string_append_c (tok, ch);
        }
      if (*p != '"')
        {
          memset (tok->str, 0, tok->len);
          g_string_free (tok, TRUE);
          g_set_error (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_BAD_FILE,
                       "netrc %s: unterminated quoted string", path);
          *pp = p;
          return NULL;
        }
      p++;
    }
  else
    while (*p != '\0' && !g_ascii_isspace (*p))
      g_string_append_c (tok, *p++);
  *pp = p;
  return g_string_free (tok, FALSE);
}

/* A macro definition: the rest of the "macdef NAME" line, then lines up to
 * and including the first empty one. */
static const char *
netrc_skip_macdef (const char *p)
{
  p += strcspn (p, "\n");
  while (*p == '\n')
    {
      p++;
      if (*p == '\n' || (*p == '\r' && p[1] == '\n'))
        return p + (*p == '\r' ? 2 : 1);
      p += strcspn (p, "\n");
    }
  return p;
}

gboolean
cadc_netrc_lookup (const char *path, const char *machine, char **login, char **password,
                   GError **error)
{
  enum { NONE, MATCH, DEFAULT, OTHER } entry = NONE;
  g_autofree char *def_path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) local = NULL;
  char *m_login = NULL, *m_pw = NULL, *d_login = NULL, *d_pw = NULL;
  gboolean matched = FALSE, have_default = FALSE, ok = FALSE;
  const char *p;
  gsize len = 0;

  *login = NULL;
  *password = NULL;
  if (path == NULL)
    path = g_getenv ("NETRC");
  if (path == NULL)
    path = def_path = g_build_filename (g_get_home_dir (), ".netrc", NULL);
  if (!g_file_get_contents (path, &text, &len, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return FALSE;
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "netrc %s: ", path);
      return FALSE;
    }
  for (p = text;;)
    {
      g_autofree char *tok = netrc_token (&p, path, &local);
      char **slot = NULL;

      if (tok == NULL)
        break;
      if (strcmp (tok, "machine") == 0 || strcmp (tok, "default") == 0)
        {
          if (entry == MATCH)
            break;                      /* the first matching machine wins */
          entry = OTHER;
          if (strcmp (tok, "default") == 0)
            {
              if (!have_default)
                entry = DEFAULT;
              have_default = TRUE;
            }
          else
            {
              g_autofree char *name = netrc_token (&p, path, &local);
              if (name != NULL && machine != NULL && g_ascii_strcasecmp (name, machine) == 0)
                {
                  entry = MATCH;
                  matched = TRUE;
                }
              if (name == NULL)
                break;
            }
          continue;
        }
      if (strcmp (tok, "macdef") == 0)
        {
          p = netrc_skip_macdef (p);
          continue;
        }
      if (strcmp (tok, "login") == 0)
        slot = entry == MATCH ? &m_login : entry == DEFAULT ? &d_login : NULL;
      else if (strcmp (tok, "password") == 0)
        slot = entry == MATCH ? &m_pw : entry == DEFAULT ? &d_pw : NULL;
      else if (strcmp (tok, "account") != 0)
        continue;                       /* unknown token: ignored, as curl does */
      {
        char *value = netrc_token (&p, path, &local);
        if (value == NULL)
          break;
        if (slot != NULL && *slot == NULL)
          *slot = value;
        else
          wipe_free (value);
      }
    }
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  else if (matched && m_login != NULL && m_pw != NULL)
    {
      *login = g_steal_pointer (&m_login);
      *password = g_steal_pointer (&m_pw);
      ok = TRUE;
    }
  else if (!matched && d_login != NULL && d_pw != NULL)
    {
      *login = g_steal_pointer (&d_login);
      *password = g_steal_pointer (&d_pw);
      ok = TRUE;
    }
  g_free (m_login);
  wipe_free (m_pw);
  g_free (d_login);
  wipe_free (d_pw);
  memset (text, 0, len);
  return ok;
}

/* ======================== which URLs may carry credentials ============== */

/* "127.x.y.z": four dot-separated decimal numbers 0..255 without leading
 * zeros (no "127.1", no octal, no hex, no trailing dot), the first 127. */
static gboolean
is_loopback_ipv4 (const char *h)
{
  int parts = 0;

  for (const char *p = h;; p++)
    {
      const char *start = p;
      unsigned v = 0;
      while (g_ascii_isdigit (*p) && p - start < 3)
        v = v * 10 + (unsigned) (*p++ - '0');
      if (p == start || v > 255 || (*start == '0' && p - start > 1))
        return FALSE;
      if (parts == 0 && v != 127)
        return FALSE;
      parts++;
      if (*p == '\0')
        return parts == 4;
      if (*p != '.' || parts == 4)
        return FALSE;
    }
}

gboolean
cadc_auth_url_trustworthy (const char *url)
{
  g_autofree char *authority = NULL;
  const char *host, *port = NULL, *a;
  char *close;

  if (url == NULL)
    return FALSE;
  if (g_ascii_strncasecmp (url, "https://", 8) == 0)
    return TRUE;
  if (g_ascii_strncasecmp (url, "http://", 7) != 0)
    return FALSE;
  a = url + 7;
  authority = g_strndup (a, strcspn (a, "/?#"));
  /* user information, escapes or odd characters: not a plain host[:port] */
  if (strpbrk (authority, "@%\\ \t\r\n") != NULL)
    return FALSE;
  host = authority;
  if (*authority == '[')
    {
      g_autoptr(GInetAddress) addr = NULL;
      close = strchr (authority, ']');
      if (close == NULL || (close[1] != '\0' && close[1] != ':'))
        return FALSE;
      *close = '\0';
      port = close[1] == ':' ? close + 2 : NULL;
      host = authority + 1;
      addr = g_inet_address_new_from_string (host);
      if (addr == NULL || g_inet_address_get_family (addr) != G_SOCKET_FAMILY_IPV6
          || !g_inet_address_get_is_loopback (addr))
        return FALSE;
    }
  else
    {
      char *colon = strchr (authority, ':');
      if (colon != NULL)
        {
          *colon = '\0';
          port = colon + 1;
        }
      if (g_ascii_strcasecmp (host, "localhost") != 0 && !is_loopback_ipv4 (host))
        return FALSE;
    }
  for (const char *d = port; d != NULL && *d != '\0'; d++)
    if (!g_ascii_isdigit (*d))
      return FALSE;
  return TRUE;
}

/* ======================== per-URL choice ================================ */

static gboolean
allows (const char *const *allowed, const char *method)
{
  return allowed != NULL && g_strv_contains (allowed, method);
}

guint
cadc_auth_choose (const char *const *allowed, guint held, gboolean in_domains, gboolean https,
                  gboolean trustworthy)
{
  static const struct { guint kind; const char *method; } order[] = {
    { CADC_CRED_CERT, VO_SECURITY_CERT },
    { CADC_CRED_COOKIE, VO_SECURITY_COOKIE },
    { CADC_CRED_BASIC, VO_SECURITY_BASIC },
    { CADC_CRED_TOKEN, VO_SECURITY_TOKEN },
  };
  guint usable = trustworthy ? held : 0;

  if (!in_domains)
    usable &= ~(guint) (CADC_CRED_COOKIE | CADC_CRED_TOKEN);
  if (!https)
    usable &= ~(guint) CADC_CRED_CERT;
  if (allowed == NULL)
    {
      guint out = usable & (CADC_CRED_COOKIE | CADC_CRED_BASIC);
      if (in_domains)
        out |= usable & CADC_CRED_CERT;
      return out;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (order); i++)
    if ((usable & order[i].kind) && allows (allowed, order[i].method))
      return order[i].kind;
  return CADC_CRED_NONE;
}

/* Tells the user, once per scheme+host, that an http URL got nothing. */
static void
warn_withheld (CadcAuth *auth, const char *host)
{
  g_autofree char *origin = NULL;
  g_autofree char *msg = NULL;

  origin = g_strdup_printf (strchr (host, ':') != NULL ? "http://[%s]" : "http://%s", host);
  if (g_hash_table_contains (auth->warned, origin))
    return;
  msg = g_strdup_printf ("not sending credentials to %s: plain http (they go over https "
                         "only, or http to this machine); the request is anonymous", origin);
  g_hash_table_add (auth->warned, g_steal_pointer (&origin));
  if (auth->warn != NULL)
    auth->warn (msg, auth->warn_data);
  else
    fprintf (stderr, "cadc-samp: warning: %s\n", msg);
}

VoHttpCredentials *
cadc_auth_credentials_for (CadcAuth *auth, const char *url, const char *const *allowed)
{
  g_autofree char *host = vo_http_url_host (url);
  VoHttpCredentials *c = g_new0 (VoHttpCredentials, 1);
  gboolean in_domains = cadc_auth_host_in_domains (auth, host);
  gboolean https = g_ascii_strncasecmp (url, "https:", 6) == 0;
  gboolean trustworthy = cadc_auth_url_trustworthy (url);
  char *user = NULL, *pw = NULL;
  guint held = 0, chosen;

  if (cadc_auth_has_token (auth))
    held |= CADC_CRED_COOKIE | CADC_CRED_TOKEN;
  if (auth->cert != NULL)
    held |= CADC_CRED_CERT;
  if (host != NULL && cadc_netrc_lookup (NULL, host, &user, &pw, NULL))
    held |= CADC_CRED_BASIC;
  chosen = cadc_auth_choose (allowed, held, in_domains, https, trustworthy);
  /* held back only because of plain http: say so */
  if (!trustworthy && host != NULL
      && cadc_auth_choose (allowed, held, in_domains, https, TRUE) != CADC_CRED_NONE)
    warn_withheld (auth, host);
  if (chosen & CADC_CRED_COOKIE)
    c->cookie = g_strdup_printf ("CADC_SSO=\"%s\"", auth->token);
  if (chosen & CADC_CRED_TOKEN)
    c->bearer = g_strdup (auth->token);
  if (chosen & CADC_CRED_CERT)
    c->cert_file = g_strdup (auth->cert);
  if (chosen & CADC_CRED_BASIC)
    {
      c->basic_user = g_steal_pointer (&user);
      c->basic_password = g_steal_pointer (&pw);
    }
  c->direct = chosen != CADC_CRED_NONE && !https;
  g_free (user);
  wipe_free (pw);
  return c;
}

VoHttpCredentials *
cadc_auth_credentials_for_url (const char *url, gpointer user_data)
{
  return cadc_auth_credentials_for (user_data, url, NULL);
}

/* ======================== certificates ================================== */

/* One DER TLV at *p (single-byte tags, definite lengths). */
static gboolean
der_next (const guint8 **p, const guint8 *end, guint8 *tag, const guint8 **content,
          gsize *clen)
{
  const guint8 *q = *p;
  gsize len;

  if (end - q < 2)
    return FALSE;
  *tag = *q++;
  len = *q++;
  if (len & 0x80)
    {
      guint n = len & 0x7f;
      if (n == 0 || n > sizeof (gsize) || (gsize) (end - q) < n)
        return FALSE;
      len = 0;
      while (n-- > 0)
        len = (len << 8) | *q++;
    }
  if (len > (gsize) (end - q))
    return FALSE;
  *content = q;
  *clen = len;
  *p = q + len;
  return TRUE;
}

static gboolean
digits (const guint8 *s, gsize n, int *out)
{
  int v = 0;

  for (gsize i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      v = v * 10 + (s[i] - '0');
    }
  *out = v;
  return TRUE;
}

/* UTCTime YYMMDDHHMM[SS]Z or GeneralizedTime YYYYMMDDHHMMSS[.f]Z. */
static GDateTime *
der_time (guint8 tag, const guint8 *s, gsize n)
{
  int y, mo, d, h, mi, sec = 0;
  gsize yl = tag == 0x17 ? 2 : 4;

  if ((tag != 0x17 && tag != 0x18) || n < yl + 8 + 1 || s[n - 1] != 'Z'
      || !digits (s, yl, &y) || !digits (s + yl, 2, &mo) || !digits (s + yl + 2, 2, &d)
      || !digits (s + yl + 4, 2, &h) || !digits (s + yl + 6, 2, &mi))
    return NULL;
  if (n >= yl + 10 + 1 && g_ascii_isdigit (s[yl + 8]) && !digits (s + yl + 8, 2, &sec))
    return NULL;
  if (tag == 0x17)
    y += y < 50 ? 2000 : 1900;
  return g_date_time_new_utc (y, mo, d, h, mi, sec);
}

GDateTime *
cadc_x509_not_after (const guint8 *der, gsize len, GError **error)
{
  const guint8 *p = der, *end = der + len, *c, *tbs, *tend;
  gsize cl;
  guint8 tag;
  GDateTime *t = NULL;

  /* Certificate SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL,
   * serialNumber, signature, issuer, validity SEQUENCE { notBefore,
   * notAfter } ... } ... } */
  if (!der_next (&p, end, &tag, &c, &cl) || tag != 0x30)
    goto bad;
  p = c;
  end = c + cl;
  if (!der_next (&p, end, &tag, &tbs, &cl) || tag != 0x30)
    goto bad;
  p = tbs;
  tend = tbs + cl;
  if (!der_next (&p, tend, &tag, &c, &cl))
    goto bad;
  if (tag == 0xa0 && !der_next (&p, tend, &tag, &c, &cl))   /* version: serial next */
    goto bad;
  if (tag != 0x02)
    goto bad;
  if (!der_next (&p, tend, &tag, &c, &cl) || tag != 0x30      /* signature */
      || !der_next (&p, tend, &tag, &c, &cl) || tag != 0x30   /* issuer */
      || !der_next (&p, tend, &tag, &c, &cl) || tag != 0x30)  /* validity */
    goto bad;
  p = c;
  tend = c + cl;
  if (!der_next (&p, tend, &tag, &c, &cl)                     /* notBefore */
      || !der_next (&p, tend, &tag, &c, &cl))                 /* notAfter */
    goto bad;
  t = der_time (tag, c, cl);
  if (t != NULL)
    return t;
bad:
  g_set_error (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_BAD_CERT,
               "not an X.509 certificate (cannot read its validity)");
  return NULL;
}

/* The DER bytes of the first "-----BEGIN CERTIFICATE-----" block. */
static GBytes *
pem_first_cert (const char *pem)
{
  static const char begin[] = "-----BEGIN CERTIFICATE-----";
  const char *b = strstr (pem, begin), *e;
  guchar *out;
  gsize n = 0;
  gint state = 0;
  guint save = 0;

  if (b == NULL)
    return NULL;
  b += sizeof begin - 1;
  e = strstr (b, "-----END CERTIFICATE-----");
  if (e == NULL)
    return NULL;
  out = g_malloc ((gsize) (e - b) * 3 / 4 + 4);
  n = g_base64_decode_step (b, (gsize) (e - b), out, &state, &save);
  return g_bytes_new_take (out, n);
}

gboolean
cadc_auth_check_cert (const char *path, GDateTime *now, GDateTime **not_after,
                      GError **error)
{
  g_autofree char *pem = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GDateTime) expiry = NULL;
  g_autoptr(GDateTime) now_own = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &pem, &len, &local))
    {
      g_set_error (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_BAD_CERT,
                   "Client certificate %s: %s", path, local->message);
      return FALSE;
    }
  der = pem_first_cert (pem);
  if (der == NULL || strstr (pem, "PRIVATE KEY-----") == NULL)
    {
      memset (pem, 0, len);
      g_set_error (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_BAD_CERT,
                   "Client certificate %s is not a PEM file with a certificate and its "
                   "private key", path);
      return FALSE;
    }
  memset (pem, 0, len);
  expiry = cadc_x509_not_after (g_bytes_get_data (der, NULL), g_bytes_get_size (der), &local);
  if (expiry == NULL)
    {
      g_set_error (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_BAD_CERT,
                   "Client certificate %s: %s", path, local->message);
      return FALSE;
    }
  if (now == NULL)
    now = now_own = g_date_time_new_now_utc ();
  if (g_date_time_compare (expiry, now) <= 0)
    {
      g_autofree char *date = g_date_time_format (expiry, "%Y-%m-%d %H:%M:%S UTC");
      g_set_error (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_CERT_EXPIRED,
                   "Client certificate (%s) expired on %s. Run: cadc-get-cert", path, date);
      return FALSE;
    }
  if (not_after != NULL)
    *not_after = g_steal_pointer (&expiry);
  return TRUE;
}

gboolean
cadc_auth_check_cert_for_use (const char *path, char **warning, GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expiry = NULL;

  *warning = NULL;
  if (!cadc_auth_check_cert (path, now, &expiry, error))
    return FALSE;
  if (g_date_time_difference (expiry, now) <= 3 * G_TIME_SPAN_DAY)
    {
      g_autofree char *date = g_date_time_format (expiry, "%Y-%m-%d %H:%M:%S UTC");
      *warning = g_strdup_printf ("client certificate (%s) expires on %s; renew it with "
                                  "cadc-get-cert", path, date);
    }
  return TRUE;
}

/* cadc-auth.c: login state, netrc and the per-URL credential choice.
 *
 * The state file is a GKeyFile ([login] user, token, cert) written with
 * mode 0600 to a temporary name in the same directory and renamed, so a
 * crash never leaves a half-written or world-readable secret.  The token
 * is only ever placed into a Cookie (or Bearer) header for hosts inside
 * the configured domains; the netrc password only into curl's Basic auth
 * for the exact host it names.  See cadc-auth.h.
 */
#include "config.h"

#include "cadc-auth.h"
#include "vo-caps.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
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
  return auth;
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

/* netrc tokens: whitespace separated, "quoted strings" allowed; macdef
 * bodies run to the next blank line and are skipped. */
gboolean
cadc_netrc_lookup (const char *path, const char *machine, gboolean substring, char **login,
                   char **password, GError **error)
{
  g_autofree char *def = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) toks = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local = NULL;
  const char *p;
  gboolean in_match = FALSE, found = FALSE;

  *login = NULL;
  *password = NULL;
  if (path == NULL)
    path = g_getenv ("NETRC");
  if (path == NULL)
    path = def = g_build_filename (g_get_home_dir (), ".netrc", NULL);
  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return FALSE;
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "netrc %s: ", path);
      return FALSE;
    }
  for (p = text; *p != '\0';)
    {
      GString *tok;
      while (g_ascii_isspace (*p))
        p++;
      if (*p == '\0')
        break;
      if (*p == '#')
        {
          while (*p != '\0' && *p != '\n')
            p++;
          continue;
        }
      tok = g_string_new (NULL);
      if (*p == '"')
        {
          for (p++; *p != '\0' && *p != '"'; p++)
            {
              if (*p == '\\' && p[1] != '\0')
                p++;
              g_string_append_c (tok, *p);
            }
          if (*p != '"')
            {
              g_string_free (tok, TRUE);
              g_set_error (error, CADC_AUTH_ERROR, CADC_AUTH_ERROR_BAD_FILE,
                           "netrc %s: unterminated quoted string", path);
              return FALSE;
            }
          p++;
        }
      else
        while (*p != '\0' && !g_ascii_isspace (*p))
          g_string_append_c (tok, *p++);
      if (strcmp (tok->str, "macdef") == 0)
        {
          const char *end = strstr (p, "\n\n");
          p = end != NULL ? end + 2 : p + strlen (p);
          g_string_free (tok, TRUE);
          continue;
        }
      g_ptr_array_add (toks, g_string_free (tok, FALSE));
    }
  for (guint i = 0; i < toks->len && !found; i++)
    {
      const char *t = toks->pdata[i];
      if (strcmp (t, "machine") == 0 || strcmp (t, "default") == 0)
        {
          if (in_match && (*login != NULL || *password != NULL))
            found = TRUE;
          if (found)
            break;
          if (strcmp (t, "default") == 0)
            in_match = TRUE;
          else if (i + 1 < toks->len)
            {
              const char *m = toks->pdata[++i];
              in_match = substring ? strstr (m, machine) != NULL
                                   : g_ascii_strcasecmp (m, machine) == 0;
            }
          continue;
        }
      if (!in_match || i + 1 >= toks->len)
        continue;
      if (strcmp (t, "login") == 0)
        {
          g_free (*login);
          *login = g_strdup (toks->pdata[++i]);
        }
      else if (strcmp (t, "password") == 0)
        {
          wipe_free (*password);
          *password = g_strdup (toks->pdata[++i]);
        }
      else if (strcmp (t, "account") == 0)
        i++;
    }
  for (guint i = 0; i < toks->len; i++)
    memset (toks->pdata[i], 0, strlen (toks->pdata[i]));
  if (*login != NULL && *password != NULL)
    return TRUE;
  g_clear_pointer (login, g_free);
  g_clear_pointer (password, wipe_free);
  return FALSE;
}

/* ======================== per-URL choice ================================ */

static gboolean
allows (const char *const *allowed, const char *method)
{
  return allowed != NULL && g_strv_contains (allowed, method);
}

guint
cadc_auth_choose (const char *const *allowed, guint held, gboolean in_domains, gboolean https)
{
  static const struct { guint kind; const char *method; } order[] = {
    { CADC_CRED_CERT, VO_SECURITY_CERT },
    { CADC_CRED_COOKIE, VO_SECURITY_COOKIE },
    { CADC_CRED_BASIC, VO_SECURITY_BASIC },
    { CADC_CRED_TOKEN, VO_SECURITY_TOKEN },
  };
  guint usable = held;

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

VoHttpCredentials *
cadc_auth_credentials_for (CadcAuth *auth, const char *url, const char *const *allowed)
{
  g_autofree char *host = vo_http_url_host (url);
  VoHttpCredentials *c = g_new0 (VoHttpCredentials, 1);
  gboolean in_domains = cadc_auth_host_in_domains (auth, host);
  char *user = NULL, *pw = NULL;
  guint held = 0, chosen;

  if (cadc_auth_has_token (auth))
    held |= CADC_CRED_COOKIE | CADC_CRED_TOKEN;
  if (auth->cert != NULL)
    held |= CADC_CRED_CERT;
  if (host != NULL && cadc_netrc_lookup (NULL, host, FALSE, &user, &pw, NULL))
    held |= CADC_CRED_BASIC;
  chosen = cadc_auth_choose (allowed, held, in_domains,
                             g_ascii_strncasecmp (url, "https:", 6) == 0);
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

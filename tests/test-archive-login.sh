#!/bin/bash
# test-archive-login.sh: login / whoami / logout end to end, credentials per
# URL (§6.3), the [archive] config file and the registry fallbacks, against
# the stand-in login + protected TAP service tests/harness/login/login-server.py.
# Needs only python3 (no network beyond 127.0.0.1).
. "$(dirname "$0")/lib.sh"
setup_tmp
plan 28
mkdir -p "$XDG_CONFIG_HOME/cadc-samp"
STATE=$XDG_CONFIG_HOME/cadc-samp/auth.ini
CONF=$XDG_CONFIG_HOME/cadc-samp/config
PW='s3cret pw&=%+x'
printf '%s\n' "$PW" >"$T/pw"
start_login_server "$T/server.log" || bail "login server did not start"
PORT=$LOGIN_PORT
B=http://127.0.0.1:$PORT
DEAD=$(free_port)
DIAG_FILES=("$T/err" "$T/out")
cs () { timeout 60 "$CADC_SAMP" "$@" 2>"$T/err"; }
Q="select owner from t"

# config file: endpoints and cookie domains (no flags, no environment)
cat >"$CONF" <<EOF
[archive]
registry=$B/reg/resource-caps
cookie-domains=127.0.0.1;.example.invalid
EOF

# 1 the protected TAP refuses anonymous queries
cs query "$Q" --format csv >"$T/out"; rc=$?
check "anonymous query of the protected TAP: exit 6 (HTTP 401)" \
  eval "[ $rc = 6 ] && grep -q 401 '$T/err'"

# 2 bad password: exit 6, nothing saved
echo "wrong" | cs login --user alice; rc=$?
check "a bad password fails (exit 6) and saves nothing" eval "[ $rc = 6 ] && [ ! -e '$STATE' ]"

# 3 no password at all (stdin at EOF): refused before any request
: >"$T/server.log"
cs login --user alice </dev/null; rc=$?
check "an empty password is refused without asking the server" \
  eval "[ $rc = 6 ] && grep -q 'no password' '$T/err' && ! grep -q /ac/login '$T/server.log'"

# 4-6 password from stdin
cs -v login --user alice <"$T/pw"; rc=$?
cp "$T/err" "$T/login-v.err"
check "login with the password on stdin (registry and cookie domains from the config file)" test $rc = 0
check "state file is mode 0600 and holds the token, not the password" \
  eval "[ \"\$(stat -c %a '$STATE')\" = 600 ] && grep -q '^token=tok-' '$STATE' && ! grep -qF -- '$PW' '$STATE'"
check "the login POST sent username and password as form fields, not in the URL" \
  last_req /ac/login 'r["method"] == "POST" and r["fields"] == ["password", "username"] and "?" not in r["path"]'

# 6 whoami
cs whoami >"$T/out"
check "whoami reports user alice and the saved cookie" \
  eval "grep -qP '^user\talice' '$T/out' && grep -q CADC_SSO '$T/out' && ! grep -q 'tok-' '$T/out'"

# 7-8 query sends the cookie where the capabilities allow it
cs -v query "$Q" --format csv >"$T/out"; rc=$?
cp "$T/err" "$T/query-v.err"
check "query after login returns the user's row" eval "[ $rc = 0 ] && grep -qx alice '$T/out'"
check "the /tap/sync request carried Cookie: CADC_SSO=\"token\" and no bearer" \
  last_req /tap/sync 'r["cookie"] and r["cookie"].startswith("CADC_SSO=\"tok-") and r["authorization"] is None'

# 9 anonymous-only URL (VOSI tables): no cookie
cs tables --names >"$T/out"; rc=$?
check "tables (capabilities: anonymous only) succeeds without any credential" \
  eval "[ $rc = 0 ] && grep -qix caom2.plane '$T/out' && last_req /tap/tables 'r[\"cookie\"] is None and r[\"authorization\"] is None'"

# 10 another host name, not in the cookie domains: no cookie, so 401
: >"$T/server.log"
cs --tap "http://localhost:$PORT/tap" query "$Q" >"$T/out"; rc=$?
check "TAP named by a host outside the cookie domains gets no cookie (exit 6)" \
  eval "[ $rc = 6 ] && grep -q 401 '$T/err' && grep -q '\"path\": \"/tap/sync\"' '$T/server.log' && ! grep -q CADC_SSO '$T/server.log'"

# 11 a TAP whose capabilities allow only ivo://ivoa.net/sso#token: bearer, no cookie
cs --tap "$B/tapb" query "$Q" --format csv >"$T/out"; rc=$?
check "token-only TAP gets Authorization: Bearer and no cookie" \
  eval "[ $rc = 0 ] && grep -qx alice '$T/out' && last_req /tapb/sync 'r[\"authorization\"].startswith(\"Bearer tok-\") and r[\"cookie\"] is None'"

# 12 the password never shows up: server-side paths, -v logs, argv
check "the password is in no URL, no -v log, no state file" \
  eval "! grep -qF -- '$PW' '$T/login-v.err' '$T/query-v.err' '$STATE' && ! grep -F '\"path\"' '$T/server.log' | grep -qF 's3cret'"

# 13-15 logout
cs logout; rc=$?
check "logout removes the state file" eval "[ $rc = 0 ] && [ ! -e '$STATE' ]"
cs whoami >"$T/out"
check "whoami after logout: anonymous" grep -qx anonymous "$T/out"
cs query "$Q" >"$T/out"; rc=$?
check "query after logout is anonymous again (exit 6)" test $rc = 6

# 16 password from a terminal prompt (no echo)
"$PY" "$CS_HARNESS/login/drive-tty.py" "Password for alice:" "$T/pw" "$T/tty.out" -- \
  "$CADC_SAMP" login --user alice >/dev/null 2>&1; rc=$?
check "login from a TTY prompt; the password is not echoed; echo is back afterwards" \
  eval "[ $rc = 0 ] && grep -q 'Password for alice:' '$T/tty.out' && ! grep -qF 's3cret' '$T/tty.out' && grep -q '^token=' '$STATE' && grep -q 'tty echo: on' '$T/tty.out'"
cs logout
printf '^C\n' >"$T/ctrl-c"
"$PY" "$CS_HARNESS/login/drive-tty.py" "Password for alice:" "$T/ctrl-c" "$T/tty2.out" -- \
  "$CADC_SAMP" login --user alice >/dev/null 2>&1; rc=$?
check "^C at the password prompt: login ends, nothing saved, the terminal echoes again" \
  eval "[ $rc != 0 ] && [ ! -e '$STATE' ] && grep -q 'tty echo: on' '$T/tty2.out'"

# 17 password from ~/.netrc (the login host), no --user
printf 'machine 127.0.0.1\n  login alice\n  password "%s"\n' "$PW" >"$NETRC"; chmod 600 "$NETRC"
cs login </dev/null; rc=$?
cs whoami >"$T/out"
check "login with user and password from .netrc" eval "[ $rc = 0 ] && grep -qP '^user\talice' '$T/out'"
rm -f "$NETRC"

# 18-19 precedence: env over the config file, --registry over env
CADC_REGISTRY_URL=http://127.0.0.1:$DEAD/reg cs query "$Q" >"$T/out"; rc=$?
check "CADC_REGISTRY_URL overrides the config file's registry" \
  eval "[ $rc != 0 ] && grep -q '$DEAD' '$T/err'"
CADC_REGISTRY_URL=http://127.0.0.1:$DEAD/reg cs --registry "$B/reg/resource-caps" query "$Q" --format csv >"$T/out"; rc=$?
check "--registry overrides CADC_REGISTRY_URL" eval "[ $rc = 0 ] && grep -qx alice '$T/out'"

# 20 tap= in the config file
printf '[archive]\ntap=%s/tapb\ncookie-domains=127.0.0.1\n' "$B" >"$CONF"
cs query "$Q" --format csv >"$T/out"; rc=$?
check "tap= from the config file (no registry)" eval "[ $rc = 0 ] && grep -qx alice '$T/out'"

# 21 default cookie domains (CADC's realms): 127.0.0.1 gets nothing
printf '[archive]\nregistry=%s/reg/resource-caps\n' "$B" >"$CONF"
cs query "$Q" >"$T/out"; rc=$?
check "without cookie-domains the token stays inside CADC's domains (exit 6)" test $rc = 6
cs logout

# 22-23 registry fallbacks: dead port, then a 500, then a working registry
printf '[archive]\ncookie-domains=127.0.0.1\n' >"$CONF"
CADC_SAMP_REGISTRY_FALLBACKS="http://127.0.0.1:$DEAD/reg/resource-caps,$B/reg500,$B/reg/resource-caps" \
  cs -v tables --names >"$T/out"; rc=$?
check "registry fallbacks: a dead port and a 500 are skipped" \
  eval "[ $rc = 0 ] && grep -qix caom2.plane '$T/out' && [ \$(grep -c 'trying the next one' '$T/err') = 2 ]"
CADC_SAMP_REGISTRY_FALLBACKS="$B/nope,$B/reg/resource-caps" cs tables --names >"$T/out"; rc=$?
check "registry fallbacks stop at a 404 (only outages move on)" \
  eval "[ $rc != 0 ] && grep -q 404 '$T/err'"

# 25-26 login with --archive NAME: an archive using CADC's credentials
# (credentials=cadc) logs in to CADC through [archive]'s registry; one with
# none is a usage error that says why, before any request
cat >"$CONF" <<EOF
[archive]
registry=$B/reg/resource-caps
cookie-domains=127.0.0.1
[archive.mirror]
tap=$B/tap
credentials=cadc
[archive.open]
tap=$B/tap
EOF
: >"$T/server.log"
cs --archive mirror login --user alice <"$T/pw"; rc=$?
cs whoami >"$T/out"
check "--archive mirror (credentials=cadc) login: CADC's login, through [archive]'s registry" \
  eval "[ $rc = 0 ] && grep -qP '^user\talice' '$T/out' && grep -q /ac/login '$T/server.log'"
cs logout
: >"$T/server.log"
cs --archive open login --user alice <"$T/pw"; rc=$?
check "--archive open (credentials=none) login: exit 2, saying it takes no credentials; nothing asked" \
  eval "[ $rc = 2 ] && grep -q \"archive 'open' takes no credentials (credentials=none\" '$T/err' &&
        [ ! -s '$T/server.log' ] && [ ! -e '$STATE' ]"

# 24 a malformed config file is a clear error
printf '[archive\nregistry=x\n' >"$CONF"
cs tables >"$T/out"; rc=$?
check "a malformed config file names the file" eval "[ $rc != 0 ] && grep -q 'config' '$T/err'"

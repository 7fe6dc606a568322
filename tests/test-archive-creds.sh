#!/bin/bash
# test-archive-creds.sh: credentials never leave by the wrong door (issue #10).
#  - token, cookie and netrc Basic go over https, or plain http to this
#    machine (loopback), never over plain http to another host: that request
#    is anonymous and stderr says so in one line;
#  - credentials for loopback never pass through a proxy;
#  - login refuses a plain-http login URL unless --insecure;
#  - ~/.netrc machines match the host exactly;
#  - a use="full" DataLink interface called with ?ID=... gets only what it
#    lists;
#  - `listen` asked by a SAMP peer to load an http:// image elsewhere fetches
#    it anonymously.
# No network: tests/harness/login/login-server.py is the services and, named
# by http_proxy, the recording stand-in proxy that sees what would have
# crossed the network to http://archive.example.org.  Each step asserts on
# its own requests (reqs: python on r, the requests logged since the step
# began).
. "$(dirname "$0")/lib.sh"
setup_tmp
start_login_server "$T/server.log" || bail "login server did not start"
B=http://127.0.0.1:$LOGIN_PORT
FAR=http://archive.example.org     # any non-loopback http host; reached only via the proxy
PROXY=http://127.0.0.1:$LOGIN_PORT
STATE=$XDG_CONFIG_HOME/cadc-samp/auth.ini
mkdir -p "$XDG_CONFIG_HOME/cadc-samp"
printf '[archive]\nregistry=%s/reg/resource-caps\ncookie-domains=127.0.0.1;example.org\n' "$B" \
  >"$XDG_CONFIG_HOME/cadc-samp/config"
PW='s3cret pw&=%+x'
printf '%s\n' "$PW" >"$T/pw"
Q="select owner from t"
plan 16

# cs ARGS: cadc-samp ARGS, stderr in $T/err, exit status in rc
DIAG_FILES=("$T/err" "$T/out" "$LOGIN_LOG")
cs () { timeout 60 "$CADC_SAMP" "$@" 2>"$T/err"; rc=$?; why="exit $rc"; return $rc; }
# the server's log of each step starts empty; all.log keeps everything
reset_log () { cat "$LOGIN_LOG" >>"$T/all.log"; : >"$LOGIN_LOG"; }
# warned_once FILE: one warning line in FILE: no credentials for $FAR
warned_once () { [ "$(grep -c "warning: not sending credentials to $FAR" "$1")" = 1 ]; }

# --- login over http -------------------------------------------------------
# 1 loopback http is a trustworthy origin: no --insecure, no warning
cs login --user alice <"$T/pw"
[ $rc = 0 ] && grep -q '^token=tok-' "$STATE" && ! grep -qi warning "$T/err"
ok $? "login to an http login URL on 127.0.0.1 needs no --insecure and warns of nothing"
cp "$STATE" "$T/state.saved"

# 2 any other http login URL: refused before the password is read or sent
reset_log
http_proxy=$PROXY cs login --user alice --login-url "$FAR/ac/login" <"$T/pw"
[ $rc = 2 ] && grep -q 'plain http' "$T/err" && grep -q -- '--insecure' "$T/err" &&
  [ ! -s "$LOGIN_LOG" ] && cmp -s "$STATE" "$T/state.saved"
ok $? "login refuses a plain-http login URL elsewhere: exit 2, says why, sends nothing"

# 3 --insecure does what it says, and says it
http_proxy=$PROXY cs login --user alice --login-url "$FAR/ac/login" --insecure <"$T/pw"
[ $rc = 0 ] && [ "$(grep -c 'warning: --insecure' "$T/err")" = 1 ] &&
  reqs "any(x['proxied'] and x['path'] == '$FAR/ac/login' and x['fields'] == ['password', 'username'] for x in r)"
ok $? "login --insecure posts the password over plain http, with a one-line warning"

# --- the token over plain http ---------------------------------------------
# 4-5 the TAP at an http URL elsewhere gets neither cookie nor bearer
reset_log
http_proxy=$PROXY cs --tap "$FAR/tap" query "$Q" >"$T/out"
[ $rc = 6 ] && reqs "any(x['proxied'] and x['path'] == '$FAR/tap/sync' for x in r)"
ok $? "query of an http TAP elsewhere (inside the cookie domains) is anonymous: exit 6"
reqs "r and all(x['cookie'] is None and x['authorization'] is None for x in r)" && warned_once "$T/err"
ok $? "the proxy saw no Cookie and no Authorization; stderr has one warning line naming the host"

# 6 the same TAP on loopback gets the cookie -- directly, never via the proxy
reset_log
http_proxy=$PROXY cs query "$Q" --format csv >"$T/out"
[ $rc = 0 ] && grep -qx alice "$T/out" &&
  reqs "[x for x in r if x['path'] == '/tap/sync' and not x['proxied'] and x['cookie']]" &&
  ! reqs "any(x['proxied'] and x['cookie'] for x in r)" && ! grep -qi warning "$T/err"
ok $? "the TAP on 127.0.0.1 gets the cookie, not through http_proxy, no warning"

# --- netrc Basic over plain http -------------------------------------------
# 7 loopback: the registry behind Basic answers with alice's netrc password
printf 'machine 127.0.0.1 login alice password "%s"\nmachine archive.example.org login alice password "%s"\n' \
  "$PW" "$PW" >"$NETRC"
chmod 600 "$NETRC"
reset_log
cs --registry "$B/basic/reg/resource-caps" tables --names >"$T/out"
[ $rc = 0 ] && grep -qix caom2.plane "$T/out" &&
  reqs "any(x['path'] == '/basic/reg/resource-caps' and (x['authorization'] or '').startswith('Basic ') for x in r)"
ok $? "netrc Basic reaches a registry on 127.0.0.1 (401, then Authorization: Basic)"
# 8 elsewhere over http: the 401 gets no answer
reset_log
http_proxy=$PROXY cs --registry "$FAR/basic/reg/resource-caps" tables --names >"$T/out"
[ $rc != 0 ] && reqs "r and all(x['proxied'] and x['authorization'] is None for x in r)" && warned_once "$T/err"
ok $? "netrc Basic is not sent over plain http elsewhere: the proxy saw no Authorization, one warning"

# --- netrc: exact machine names --------------------------------------------
# 9 "machine my-127.0.0.1-host.example" is not 127.0.0.1
printf 'machine my-127.0.0.1-host.example login alice password "%s"\n' "$PW" >"$NETRC"
reset_log
cs login </dev/null
[ $rc = 2 ] && grep -q -- '--user is needed' "$T/err" && ! grep -q /ac/login "$LOGIN_LOG"
ok $? "a netrc machine that merely contains the login host is not used (exit 2, nothing posted)"
# 10 a default entry serves the login host when no machine names it
printf 'machine my-127.0.0.1-host.example login mallory password nope\ndefault login alice password "%s"\n' \
  "$PW" >"$NETRC"
cs login </dev/null
[ $rc = 0 ] && grep -q '^user=alice' "$STATE"
ok $? "the netrc default entry is used when no machine matches"
rm -f "$NETRC"

# --- DataLink use="full" ----------------------------------------------------
cat >"$T/result.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
<RESOURCE type="results"><TABLE><FIELD name="publisherID" datatype="char" arraysize="*"/>
<DATA><TABLEDATA><TR><TD>ivo://cadc.nrc.ca/TEST?1/1a</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>
EOF
# 11-13 the links endpoint is called with ?ID=...: its interface still decides
for v in "dl:anonymous only:none" "dlc:the certificate only:none" "dlk:the cookie:cookie"; do
  svc=${v%%:*}; rest=${v#*:}; what=${rest%%:*}; expect=${rest##*:}
  if [ "$expect" = none ]; then
    cond="x['cookie'] is None and x['authorization'] is None"
  else
    cond="(x['cookie'] or '').startswith('CADC_SSO=')"
  fi
  reset_log
  cs --registry "$B/reg${svc#dl}/resource-caps" data-urls "$T/result.xml" >"$T/out"
  [ $rc = 0 ] && grep -q '/files/0.fits' "$T/out" &&
    reqs "any(x['path'].startswith('/$svc/links?ID=') and $cond for x in r)" &&
    reqs "all($cond for x in r if x['path'].startswith('/$svc/links'))"
  ok $? "DataLink use=\"full\" allowing $what: /$svc/links?ID=... gets $expect"
done

# --- listen: a SAMP peer names an http image URL ----------------------------
# 14-15 (own hub in this HOME; the peer is `cadc-samp send`)
cs login --user alice <"$T/pw" >/dev/null
DIAG_FILES=("$LOGS/listen.log" "$LOGIN_LOG")
spawn listen env http_proxy="$PROXY" "$CADC_SAMP" listen --hub=always --tap "$B/tap" --no-cutouts
wait_until 20 grep -q 'listening;' "$LOGS/listen.log"
reset_log
cs send image "$FAR/img.fits" --call --timeout 30 >"$T/out"
cs send image "$B/img.fits" --call --timeout 30 >>"$T/out"
wait_until 5 eval '[ "$(grep -c img.fits "$LOGIN_LOG")" -ge 2 ]'   # both fetches logged
reqs "any(x['proxied'] and x['path'] == '$FAR/img.fits' and x['cookie'] is None and x['authorization'] is None for x in r)" &&
  warned_once "$LOGS/listen.log"
ok $? "listen fetches a peer's http image elsewhere without cookie (proxy record), warning in its log"
reqs "any(not x['proxied'] and x['path'] == '/img.fits' and (x['cookie'] or '').startswith('CADC_SSO=') for x in r)"
ok $? "listen fetches a peer's http image on 127.0.0.1 with the cookie, not via the proxy"
stop listen

# 16 over the whole run: what went through the proxy never held a secret
reset_log
grep -qF '"proxied": true' "$T/all.log" && ! grep -F '"proxied": true' "$T/all.log" | grep -qE 'CADC_SSO|Basic |Bearer |tok-|s3cret'
ok $? "no Cookie, Authorization, token or password in anything the proxy saw"

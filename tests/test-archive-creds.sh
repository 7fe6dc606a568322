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
# crossed the network to http://archive.example.org.
set -u
: "${CADC_SAMP:?}" "${CS_HARNESS:?}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

T=$(mktemp -d "${TMPDIR:-/tmp}/test-archive-creds.XXXXXX")
cleanup() {
  exec 7>&- 2>/dev/null
  [ -n "${LISTEN_PID:-}" ] && kill -TERM -- "-$LISTEN_PID" 2>/dev/null
  [ -n "${SRV_PID:-}" ] && kill "$SRV_PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
export HOME=$T/home XDG_CONFIG_HOME=$T/home/.config XDG_CACHE_HOME=$T/home/.cache NETRC=$T/netrc
unset SAMP_HUB
mkdir -p "$XDG_CONFIG_HOME/cadc-samp"
unset CADC_REGISTRY_URL CADC_SAMP_COOKIE_DOMAINS CADC_SAMP_REGISTRY_FALLBACKS
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
STATE=$XDG_CONFIG_HOME/cadc-samp/auth.ini
CONF=$XDG_CONFIG_HOME/cadc-samp/config
PW='s3cret pw&=%+x'
printf '%s\n' "$PW" >"$T/pw"

mkfifo "$T/srv-in"
setsid "$PY" "$CS_HARNESS/login/login-server.py" --log "$T/server.log" <"$T/srv-in" >"$T/port" 2>"$T/server.err" &
SRV_PID=$!
exec 7>"$T/srv-in"
for _ in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.1; done
PORT=$(head -1 "$T/port")
B=http://127.0.0.1:$PORT
FAR=http://archive.example.org     # any non-loopback http host; reached only via the proxy
PROXY=http://127.0.0.1:$PORT

n=0
ok() { n=$((n+1)); echo "ok $n - $1"; }
nok() { n=$((n+1)); echo "not ok $n - $1"; shift; for f in "$@"; do [ -f "$f" ] && sed 's/^/# /' "$f" | head -20; done; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else nok "$name" "$T/err" "$T/out" "$T/server.log"; fi; }
cs() { timeout 60 "$CADC_SAMP" "$@" 2>"$T/err"; }
# reqs EXPR: EXPR (python, on the list r of logged requests) holds
cat >"$T/reqs.py" <<'EOF'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(0 if eval(sys.argv[2], {}, {"r": r}) else 1)
EOF
reqs() { "$PY" "$T/reqs.py" "$T/server.log" "$1"; }
# the log of each step starts empty; all.log keeps everything
reset_log() { cat "$T/server.log" >>"$T/all.log" 2>/dev/null; : >"$T/server.log"; }
export -f reqs; export PY T
Q="select owner from t"

echo "1..16"
if [ -z "$PORT" ]; then
  for i in $(seq 1 16); do echo "not ok $i - login server did not start"; done
  sed 's/^/# /' "$T/server.err"; exit 0
fi

printf '[archive]\nregistry=%s/reg/resource-caps\ncookie-domains=127.0.0.1;example.org\n' "$B" >"$CONF"

# --- login over http -------------------------------------------------------
# 1 loopback http is a trustworthy origin: no --insecure, no warning
cs login --user alice <"$T/pw"; rc=$?
check "login to an http login URL on 127.0.0.1 needs no --insecure and warns of nothing" \
  bash -c "[ $rc = 0 ] && grep -q '^token=tok-' '$STATE' && ! grep -qi warning '$T/err'"
cp "$STATE" "$T/state.saved"

# 2 any other http login URL: refused before the password is read or sent
reset_log
http_proxy=$PROXY cs login --user alice --login-url "$FAR/ac/login" <"$T/pw"; rc=$?
check "login refuses a plain-http login URL elsewhere: exit 2, says why, sends nothing" \
  bash -c "[ $rc = 2 ] && grep -q 'plain http' '$T/err' && grep -q -- '--insecure' '$T/err' && [ ! -s '$T/server.log' ] && cmp -s '$STATE' '$T/state.saved'"

# 3 --insecure does what it says, and says it
http_proxy=$PROXY cs login --user alice --login-url "$FAR/ac/login" --insecure <"$T/pw"; rc=$?
check "login --insecure posts the password over plain http, with a one-line warning" \
  bash -c "[ $rc = 0 ] && [ \$(grep -c 'warning: --insecure' '$T/err') = 1 ] && reqs 'any(x[\"proxied\"] and x[\"path\"] == \"$FAR/ac/login\" and x[\"fields\"] == [\"password\", \"username\"] for x in r)'"

# --- the token over plain http ---------------------------------------------
# 4-5 the TAP at an http URL elsewhere gets neither cookie nor bearer
reset_log
http_proxy=$PROXY cs --tap "$FAR/tap" query "$Q" >"$T/out"; rc=$?
check "query of an http TAP elsewhere (inside the cookie domains) is anonymous: exit 6" \
  bash -c "[ $rc = 6 ] && reqs 'any(x[\"proxied\"] and x[\"path\"] == \"$FAR/tap/sync\" for x in r)'"
check "the proxy saw no Cookie and no Authorization; stderr has one warning line naming the host" \
  bash -c "reqs 'r and all(x[\"cookie\"] is None and x[\"authorization\"] is None for x in r)' && [ \$(grep -c 'warning: not sending credentials to $FAR' '$T/err') = 1 ]"

# 6 the same TAP on loopback gets the cookie -- directly, never via the proxy
reset_log
http_proxy=$PROXY cs query "$Q" --format csv >"$T/out"; rc=$?
check "the TAP on 127.0.0.1 gets the cookie, not through http_proxy, no warning" \
  bash -c "[ $rc = 0 ] && grep -qx alice '$T/out' && reqs '[x for x in r if x[\"path\"] == \"/tap/sync\" and not x[\"proxied\"] and x[\"cookie\"]]' && ! reqs 'any(x[\"proxied\"] and x[\"cookie\"] for x in r)' && ! grep -qi warning '$T/err'"

# --- netrc Basic over plain http -------------------------------------------
# 7 loopback: the registry behind Basic answers with alice's netrc password
printf 'machine 127.0.0.1 login alice password "%s"\nmachine archive.example.org login alice password "%s"\n' "$PW" "$PW" >"$NETRC"
chmod 600 "$NETRC"
reset_log
cs --registry "$B/basic/reg/resource-caps" tables --names >"$T/out"; rc=$?
check "netrc Basic reaches a registry on 127.0.0.1 (401, then Authorization: Basic)" \
  bash -c "[ $rc = 0 ] && grep -qix caom2.plane '$T/out' && reqs 'any(x[\"path\"] == \"/basic/reg/resource-caps\" and (x[\"authorization\"] or \"\").startswith(\"Basic \") for x in r)'"
# 8 elsewhere over http: the 401 gets no answer
reset_log
http_proxy=$PROXY cs --registry "$FAR/basic/reg/resource-caps" tables --names >"$T/out"; rc=$?
check "netrc Basic is not sent over plain http elsewhere: the proxy saw no Authorization, one warning" \
  bash -c "[ $rc != 0 ] && reqs 'r and all(x[\"proxied\"] and x[\"authorization\"] is None for x in r)' && [ \$(grep -c 'warning: not sending credentials to $FAR' '$T/err') = 1 ]"

# --- netrc: exact machine names --------------------------------------------
# 9 "machine my-127.0.0.1-host.example" is not 127.0.0.1
printf 'machine my-127.0.0.1-host.example login alice password "%s"\n' "$PW" >"$NETRC"
reset_log
cs login </dev/null; rc=$?
check "a netrc machine that merely contains the login host is not used (exit 2, nothing posted)" \
  bash -c "[ $rc = 2 ] && grep -q -- '--user is needed' '$T/err' && ! grep -q /ac/login '$T/server.log'"
# 10 a default entry serves the login host when no machine names it
printf 'machine my-127.0.0.1-host.example login mallory password nope\ndefault login alice password "%s"\n' "$PW" >"$NETRC"
cs login </dev/null; rc=$?
check "the netrc default entry is used when no machine matches" \
  bash -c "[ $rc = 0 ] && grep -q '^user=alice' '$STATE'"
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
  reset_log
  cs --registry "$B/reg${svc#dl}/resource-caps" data-urls "$T/result.xml" >"$T/out"; rc=$?
  if [ "$expect" = none ]; then
    cond="x[\"cookie\"] is None and x[\"authorization\"] is None"
  else
    cond="(x[\"cookie\"] or \"\").startswith(\"CADC_SSO=\")"
  fi
  check "DataLink use=\"full\" allowing $what: /$svc/links?ID=... gets $expect" \
    bash -c "[ $rc = 0 ] && grep -q '/files/0.fits' '$T/out' && reqs 'any(x[\"path\"].startswith(\"/$svc/links?ID=\") and $cond for x in r)' && reqs 'all($cond for x in r if x[\"path\"].startswith(\"/$svc/links\"))'"
done

# --- listen: a SAMP peer names an http image URL ----------------------------
# 14-15 (own hub in this HOME; the peer is `cadc-samp send`)
cs login --user alice <"$T/pw" >/dev/null
http_proxy=$PROXY setsid timeout 120 "$CADC_SAMP" listen --hub=always --tap "$B/tap" --no-cutouts \
  >"$T/listen.out" 2>"$T/listen.err" </dev/null &
LISTEN_PID=$!
for _ in $(seq 1 100); do grep -q 'listening;' "$T/listen.err" && break; sleep 0.2; done
reset_log
cs send image "$FAR/img.fits" --call --timeout 30 >"$T/out"
cs send image "$B/img.fits" --call --timeout 30 >>"$T/out"
sleep 0.5
check "listen fetches a peer's http image elsewhere without cookie (proxy record), warning in its log" \
  bash -c "reqs 'any(x[\"proxied\"] and x[\"path\"] == \"$FAR/img.fits\" and x[\"cookie\"] is None and x[\"authorization\"] is None for x in r)' && [ \$(grep -c 'warning: not sending credentials to $FAR' '$T/listen.err') = 1 ]"
check "listen fetches a peer's http image on 127.0.0.1 with the cookie, not via the proxy" \
  bash -c "reqs 'any(not x[\"proxied\"] and x[\"path\"] == \"/img.fits\" and (x[\"cookie\"] or \"\").startswith(\"CADC_SSO=\") for x in r)'"
kill -TERM -- "-$LISTEN_PID" 2>/dev/null; wait "$LISTEN_PID" 2>/dev/null; LISTEN_PID=

# 16 over the whole run: what went through the proxy never held a secret
reset_log
check "no Cookie, Authorization, token or password in anything the proxy saw" \
  bash -c "grep -qF '\"proxied\": true' '$T/all.log' && ! grep -F '\"proxied\": true' '$T/all.log' | grep -qE 'CADC_SSO|Basic |Bearer |tok-|s3cret'"

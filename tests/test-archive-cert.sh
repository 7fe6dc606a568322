#!/bin/bash
# test-archive-cert.sh: client certificates are validated before use, as
# cadcutils does: unreadable / not PEM / no key -> error; expired -> error
# "Client certificate (FILE) expired on DATE. Run: cadc-get-cert"; at most 3
# days left -> warning.  Certificates are made here with the openssl CLI
# (the test skips, saying so, without it).
. "$(dirname "$0")/lib.sh"
need_cmds openssl      # it makes the test certificates
setup_tmp
plan 17
STATE=$XDG_CONFIG_HOME/cadc-samp/auth.ini
DEAD=$(free_port)
DIAG_FILES=("$T/err" "$T/openssl.log")
cs () { timeout 60 "$CADC_SAMP" "$@" 2>"$T/err"; }

# --- certificates: a key, then self-signed certificates with chosen dates
cd "$T" || exit 1
make_test_certs || bail "could not make test certificates"
cp valid.crt nokey.pem
cp valid.pem client.pem
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout srv.key \
  -out srv.crt -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >>openssl.log 2>&1
printf 'this is not a certificate\n' >garbage.pem
head -c 300 valid.pem >truncated.pem; echo "-----END CERTIFICATE-----" >>truncated.pem; cat key.pem >>truncated.pem

if [ ! -s expired.pem ] || [ ! -s far.pem ] || [ ! -s srv.crt ]; then
  diag "$(cat openssl.log)"; bail "could not make test certificates"
fi

cs login --cert garbage.pem; rc=$?
check "garbage file: exit 6, 'not a PEM file'" eval "[ $rc = 6 ] && grep -q 'not a PEM' '$T/err' && [ ! -e '$STATE' ]"
cs login --cert nokey.pem; rc=$?
check "certificate without its private key: exit 6" eval "[ $rc = 6 ] && grep -q 'private key' '$T/err'"
cs login --cert truncated.pem; rc=$?
check "truncated certificate: exit 6, no crash" eval "[ $rc = 6 ] && grep -qi 'certificate' '$T/err'"
cs login --cert missing.pem; rc=$?
check "missing file: exit 6 naming it" eval "[ $rc = 6 ] && grep -q 'missing.pem' '$T/err'"
cs login --cert expired.pem; rc=$?
check "expired: exit 6, 'expired on 2020-01-02 03:04:05 UTC. Run: cadc-get-cert', nothing saved" \
  eval "[ $rc = 6 ] && grep -q 'expired on 2020-01-02 03:04:05 UTC. Run: cadc-get-cert' '$T/err' && [ ! -e '$STATE' ]"
cs login --cert soon.pem; rc=$?
check "2 days left: login works with a warning" eval "[ $rc = 0 ] && grep -q 'warning: client certificate' '$T/err'"
cs login --cert valid.pem; rc=$?
check "30 days left: login works, no warning; whoami names the file" \
  eval "[ $rc = 0 ] && ! grep -q warning '$T/err' && $CADC_SAMP whoami | grep -q 'certificate.*valid.pem (valid until 20'"
cs login --cert far.pem; rc=$?
check "notAfter in 2061 (GeneralizedTime) is valid" eval "[ $rc = 0 ] && ! grep -q warning '$T/err'"

# a saved certificate that has expired since: every archive command refuses it
cs login --cert valid.pem
cp expired.pem valid.pem
cs --tap "http://127.0.0.1:$DEAD/tap" query "select 1" >/dev/null; rc=$?
check "a saved certificate that expired since: query fails (exit 6) before any request" \
  eval "[ $rc = 6 ] && grep -q 'expired on' '$T/err' && ! grep -q '$DEAD' '$T/err'"
cs whoami >"$T/out"; rc=$?
check "whoami shows the saved certificate as expired (and still exits 0)" \
  eval "[ $rc = 0 ] && grep -q 'certificate.*expired on 2020-01-02' '$T/out'"
cs listen --hub=never --tap "http://127.0.0.1:$DEAD/tap" >/dev/null; rc=$?
check "listen refuses the expired saved certificate too (exit 6, before any request)" \
  eval "[ $rc = 6 ] && grep -q 'expired on' '$T/err' && ! grep -q '$DEAD' '$T/err'"
cp soon.pem valid.pem
cs --tap "http://127.0.0.1:$DEAD/tap" query "select 1" >/dev/null
check "a saved certificate near expiry: the command warns" grep -q 'warning: client certificate' "$T/err"
cs listen --hub=never --tap "http://127.0.0.1:$DEAD/tap" >/dev/null; rc=$?
check "listen warns of it too, once, then goes on (no hub here: exit 3)" \
  eval "[ $rc = 3 ] && [ \$(grep -c 'client certificate.*expires on' '$T/err') = 1 ]"

# --- TLS: the certificate only where the capabilities allow it
cs logout
start_login_server "$T/server.log" --tls srv.crt srv.key --client-ca valid.crt \
  || bail "login server did not start"
B=https://127.0.0.1:$LOGIN_PORT
export CURL_CA_BUNDLE=$T/srv.crt

cs login --cert client.pem
cs --tap "$B/tapc" query "select 1" --format csv >"$T/out"; rc=$?
check "https TAP allowing tls-with-certificate: the client certificate authenticates" \
  eval "[ $rc = 0 ] && grep -qx cadc-samp-test '$T/out' && last_req /tapc/sync 'r[\"client_cert\"] == \"cadc-samp-test\"'"
cs --tap "$B/tapc" tables --names >"$T/out"; rc=$?
check "its anonymous-only VOSI tables get no certificate" \
  eval "[ $rc = 0 ] && last_req /tapc/tables 'r[\"client_cert\"] is None'"
cs --tap "$B/tap" query "select 1" >"$T/out"; rc=$?
check "an https TAP allowing only cookie/token gets no certificate (exit 6)" \
  eval "[ $rc = 6 ] && last_req /tap/sync 'r[\"client_cert\"] is None'"
unset CURL_CA_BUNDLE
cs --tap "$B/tapc" query "select 1" >"$T/out"; rc=$?
check "without CURL_CA_BUNDLE the self-signed server is refused (verification stays on)" \
  eval "[ $rc != 0 ] && grep -qi 'certificate' '$T/err'"

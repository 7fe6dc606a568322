#!/bin/bash
# test-cli-terminal.sh: no server- or peer-supplied text reaches the
# terminal or the log with control characters in it (doc/SECURITY.md,
# src/vo-text.h).  The archive is tests/http-test-server.py's /hostile TAP
# service, every text of which carries ESC sequences (error bodies: retitle
# the window, clear the screen, colours, bare CR) or, inside XML where ESC
# is illegal, 8-bit CSI/OSC (U+009B, U+009D), DEL and a bidi override.
# Each case asserts that what the user sees is still there (the words)
# and that nothing else is: no C0 but tab and newline, no DEL, no C1, no
# bidi control.  The last cases run a private hub, `listen` and `send`
# (all cadc-samp, own HOME) and check listen's log of a peer's text and
# the samp.error text shown by `send --call`.
set -u
: "${CADC_SAMP:?}"
PY=${PYTHON3:-python3}
SRCDIR=${G_TEST_SRCDIR:-$(dirname "$0")}

T=$(mktemp -d "${TMPDIR:-/tmp}/test-cli-terminal.XXXXXX")
coproc SRV { exec "$PY" "$SRCDIR/http-test-server.py"; }
SRV_IN=${SRV[1]}
read -r PORT <&"${SRV[0]}"
PIDS=""
cleanup() {
  for p in $PIDS; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  exec {SRV_IN}>&-; wait 2>/dev/null; rm -rf "$T"
}
trap cleanup EXIT
export HOME=$T/home XDG_CONFIG_HOME=$T/home/.config XDG_CACHE_HOME=$T/home/.cache NETRC=$T/netrc
mkdir -p "$HOME"
unset CADC_REGISTRY_URL SAMP_HUB
TAP="--tap http://127.0.0.1:$PORT/hostile"

# clean FILE: prints what is wrong, if anything, and fails
clean() {
  "$PY" - "$1" <<'EOF'
import re, sys
data = open(sys.argv[1], "rb").read()
text = data.decode("utf-8", "replace")
bad = re.findall("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
if bad:
    print("# control characters: %r" % sorted(set(bad)))
    sys.exit(1)
EOF
}

n=0
ok() { n=$((n+1)); echo "ok $n - $1"; }
nok() { n=$((n+1)); echo "not ok $n - $1"; shift; for f in "$@"; do sed 's/^/# /' "$f" | cat -v | head -8; done; }
# shows NAME FILE WORDS...: FILE holds every word and no control character
shows() {
  local name=$1 f=$2; shift 2
  for w in "$@"; do
    grep -qF -- "$w" "$f" || { nok "$name (missing '$w')" "$f"; return; }
  done
  if clean "$f" >"$T/why"; then ok "$name"; else nok "$name" "$T/why" "$f"; fi
}
cs() { timeout 60 "$CADC_SAMP" "$@"; }

echo "1..11"

cs $TAP query "select 1" >"$T/out" 2>"$T/err"
shows "an HTTP error body's first line (ESC sequences, bare CR) on stderr" "$T/err" \
  "HTTP 400" "bad query" "FAKE OK"
cs $TAP query "select status" >"$T/out" 2>"$T/err"
shows "a QUERY_STATUS=ERROR message on stderr" "$T/err" "bad" "query"
cs $TAP --format table query "select table" >"$T/out" 2>"$T/err"
shows "--format table: column names and values" "$T/out" "col" "val"
cs $TAP tables >"$T/out" 2>"$T/err"
shows "tables: names and VOSI descriptions" "$T/out" "s.t" "desc"
cs $TAP table s.t >"$T/out" 2>"$T/err"
shows "table: column name, unit, description" "$T/out" "c" "char" "u" "d"
cs $TAP job j1 >"$T/out" 2>"$T/err"
shows "job: owner, parameters and the UWS error summary" "$T/out" \
  "jobId	j1" "phase	ERROR" "param	QUERY=select" "error	failed"
cs $TAP jobs >"$T/out" 2>"$T/err"
shows "jobs: job IDs and creation times" "$T/out" "ERROR" "2030"
cs $TAP job j1 --result >"$T/out" 2>"$T/err"
shows "job --result: the UWS error summary in the error message" "$T/err" "is ERROR" "failed"

# A private hub, listen on the hostile TAP, and a peer (send) whose
# target name carries C1 controls, a bidi override and a bare CR.
cs hub >"$T/hub.log" 2>&1 &
PIDS="$! $PIDS"
for _ in $(seq 50); do [ -f "$HOME/.samp" ] && break; sleep 0.1; done
cs $TAP listen --hub=never --no-pointat >"$T/listen.log" 2>&1 &
PIDS="$! $PIDS"
for _ in $(seq 100); do grep -q "listening" "$T/listen.log" && break; sleep 0.1; done
EVIL=$(printf 'evil\302\2332J\342\200\256name\rFAKE')
cs send mtype cadc.query.name "name=$EVIL" --call --timeout 20 >"$T/send.out" 2>"$T/send.err"
for _ in $(seq 50); do grep -q "error: CADC query failed" "$T/listen.log" && break; sleep 0.1; done
shows "listen's log of a peer's text" "$T/listen.log" 'name="evilname FAKE"'
shows "listen's log of the archive's error" "$T/listen.log" "CADC query failed" "bad query"
shows "send --call: the samp.error text a peer returned" "$T/send.out" "samp.error" "bad query"

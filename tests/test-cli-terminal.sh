#!/bin/bash
# test-cli-terminal.sh: no server- or peer-supplied text reaches the
# terminal or the log with control characters in it (doc/SECURITY.md,
# src/vo/vo-text.h).  The archive is tests/http-test-server.py's /hostile TAP
# service, every text of which carries ESC sequences (error bodies: retitle
# the window, clear the screen, colours, bare CR) or, inside XML where ESC
# is illegal, 8-bit CSI/OSC (U+009B, U+009D), DEL and a bidi override.
# Each case asserts that what the user sees is still there (the words)
# and that nothing else is: no C0 but tab and newline, no DEL, no C1, no
# bidi control.  The last cases run a private hub, `listen` and `send`
# (all cadc-samp, own HOME) and check listen's log of a peer's text and
# the samp.error text shown by `send --call`.
. "$(dirname "$0")/lib.sh"
setup_samp
start_http_server || bail "http-test-server.py did not start"
TAP="--tap $HTTP_URL/hostile"
plan 11

# shows FILE WORDS...: FILE holds every word and no control character but
# tab and newline (no DEL, no C1, no bidi control); else $why says what
shows () {
  local f=$1 w; shift
  for w in "$@"; do
    grep -qF -- "$w" "$f" || { why="missing '$w' in ${f##*/}:"$'\n'"$(head -8 "$f" | cat -v)"; return 1; }
  done
  why=$("$PY" - "$f" <<'EOF'
import re, sys
text = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
bad = re.findall("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
if bad:
    print("control characters in %s: %r" % (sys.argv[1].rsplit("/", 1)[-1], sorted(set(bad))))
    sys.exit(1)
EOF
  )
}
cs () { timeout 60 "$CADC_SAMP" "$@"; }

cs $TAP query "select 1" >"$T/out" 2>"$T/err"
check "an HTTP error body's first line (ESC sequences, bare CR) on stderr" shows "$T/err" \
  "HTTP 400" "bad query" "FAKE OK"
cs $TAP query "select status" >"$T/out" 2>"$T/err"
check "a QUERY_STATUS=ERROR message on stderr" shows "$T/err" "bad" "query"
cs $TAP --format table query "select table" >"$T/out" 2>"$T/err"
check "--format table: column names and values" shows "$T/out" "col" "val"
cs $TAP tables >"$T/out" 2>"$T/err"
check "tables: names and VOSI descriptions" shows "$T/out" "s.t" "desc"
cs $TAP table s.t >"$T/out" 2>"$T/err"
check "table: column name, unit, description" shows "$T/out" "c" "char" "u" "d"
cs $TAP job j1 >"$T/out" 2>"$T/err"
check "job: owner, parameters and the UWS error summary" shows "$T/out" \
  "jobId	j1" "phase	ERROR" "param	QUERY=select" "error	failed"
cs $TAP jobs >"$T/out" 2>"$T/err"
check "jobs: job IDs and creation times" shows "$T/out" "ERROR" "2030"
cs $TAP job j1 --result >"$T/out" 2>"$T/err"
check "job --result: the UWS error summary in the error message" shows "$T/err" "is ERROR" "failed"

# A private hub, listen on the hostile TAP, and a peer (send) whose
# target name carries C1 controls, a bidi override and a bare CR.
start_hub cadc || bail "cadc-samp hub did not start"
spawn listen "$CADC_SAMP" $TAP listen --hub=never --no-pointat
wait_until 10 grep -q "listening" "$LOGS/listen.log"
EVIL=$(printf 'evil\302\2332J\342\200\256name\rFAKE')
cs send mtype cadc.query.name "name=$EVIL" --call --timeout 20 >"$T/send.out" 2>"$T/send.err"
wait_until 5 grep -q "error: CADC query failed" "$LOGS/listen.log"
check "listen's log of a peer's text" shows "$LOGS/listen.log" 'name="evilname FAKE"'
check "listen's log of the archive's error" shows "$LOGS/listen.log" "CADC query failed" "bad query"
check "send --call: the samp.error text a peer returned" shows "$T/send.out" "samp.error" "bad query"

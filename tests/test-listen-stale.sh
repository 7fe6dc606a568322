#!/bin/bash
# test-listen-stale.sh: a listen killed with SIGKILL cannot remove its
# result directory ($XDG_CACHE_HOME/cadc-samp/run-*); the next listen
# removes it when it starts, and a clean exit leaves nothing.  Runs a
# private hub (cadc-samp hub) and listen with a private HOME; the TAP URL
# is never contacted (no positions are sent).
set -u
: "${CADC_SAMP:?}"

T=$(mktemp -d "${TMPDIR:-/tmp}/test-listen-stale.XXXXXX")
PIDS=""
cleanup() { for p in $PIDS; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
export HOME=$T/home XDG_CONFIG_HOME=$T/home/.config XDG_CACHE_HOME=$T/home/.cache NETRC=$T/netrc
mkdir -p "$HOME"
unset CADC_REGISTRY_URL SAMP_HUB
CACHE=$XDG_CACHE_HOME/cadc-samp

n=0
ok() { n=$((n+1)); echo "ok $n - $1"; }
nok() { n=$((n+1)); echo "not ok $n - $1"; shift; for f in "$@"; do [ -f "$f" ] && sed 's/^/# /' "$f" | head -8; done; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else nok "$name" "$T"/*.log; ls -la "$CACHE" 2>&1 | sed 's/^/# /'; fi; }
# start_listen LOG: starts listen (pid in LPID), waits for its run
# directory and puts it in RUN
start_listen() {
  "$CADC_SAMP" --tap http://127.0.0.1:9/tap listen --hub=never >"$1" 2>&1 &
  LPID=$!
  PIDS="$LPID $PIDS"
  for _ in $(seq 100); do grep -q "results in" "$1" && break; sleep 0.1; done
  RUN=$(sed -n 's/.*results in \(.*\)$/\1/p' "$1" | head -1)
}

echo "1..4"
timeout 120 "$CADC_SAMP" hub >"$T/hub.log" 2>&1 &
PIDS="$! $PIDS"
for _ in $(seq 50); do [ -f "$HOME/.samp" ] && break; sleep 0.1; done

start_listen "$T/first.log"; first=$RUN
kill -KILL "$LPID"; wait "$LPID" 2>/dev/null
check "a listen killed with SIGKILL leaves its run directory" [ -n "$first" ] && [ -d "$first" ]

start_listen "$T/second.log"; second=$RUN
check "the next listen removes it when it starts" bash -c "[ -n '$second' ] && [ -d '$second' ] && [ ! -e '$first' ]"
check "... and says so in its log" grep -q "removed the cache directory $first" "$T/second.log"

kill -TERM "$LPID"; wait "$LPID" 2>/dev/null
check "a listen that exits normally leaves no run directory" \
  bash -c "! ls -d '$CACHE'/run-* >/dev/null 2>&1"

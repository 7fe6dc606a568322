#!/bin/bash
# test-listen-stale.sh: a listen killed with SIGKILL cannot remove its
# result directory ($XDG_CACHE_HOME/cadc-samp/run-*); the next listen
# removes it when it starts, and a clean exit leaves nothing.  Runs a
# private hub (cadc-samp hub) and listen with a private HOME; the TAP URL
# is never contacted (no positions are sent).
. "$(dirname "$0")/lib.sh"
setup_samp; start_hub cadc || bail "cadc-samp hub did not start"
CACHE=$XDG_CACHE_HOME/cadc-samp
plan 5

# listen NAME: a listen spawned as NAME; RUN is the result directory it logs
listen () {
  spawn "$1" "$CADC_SAMP" --tap http://127.0.0.1:9/tap listen --hub=never
  wait_until 10 grep -q "results in" "$LOGS/$1.log"
  RUN=$(sed -n 's/.*results in \(.*\)$/\1/p' "$LOGS/$1.log" | head -1)
}
runs_left () { ls -d "$CACHE"/run-* >/dev/null 2>&1; }
why_cache () { why="$(ls -la "$CACHE" 2>&1)"; }

listen first; first=$RUN
kill -KILL "$(pid_of first)"; wait_exit first
DIAG_FILES=("$LOGS/first.log"); why_cache
check "a listen killed with SIGKILL leaves its run directory" eval '[ -n "$first" ] && [ -d "$first" ]'

listen second; second=$RUN
DIAG_FILES=("$LOGS/second.log"); why_cache
check "the next listen removes it when it starts" eval '[ -n "$second" ] && [ -d "$second" ] && [ ! -e "$first" ]'
check "... and says so in its log" grep -q "removed the cache directory $first" "$LOGS/second.log"

kill -TERM "$(pid_of second)"; wait_exit second; why_cache
check "SIGTERM: listen exits 0 (rc $EXIT_RC)" test "$EXIT_RC" = 0
check "a listen that exits normally leaves no run directory" eval '! runs_left'

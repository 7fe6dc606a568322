#!/bin/bash
# test-listen-progress.sh: `cadc-samp listen` on a terminal shows its first
# discovery as one line rewritten in place ("contacting the CADC registry
# URL…, attempt N: unreachable, next in N s"), its log lines printed above
# it, and the line gone once the archive is found; not on a terminal,
# nothing of it (the one log line saying the archive is unreachable, as
# before).  The terminal is harness/pty-run.py; the archive the local DaCHS
# behind harness/standin/archive-later.py on a port closed at first (the
# registry unreachable), served a few seconds later.  Waits between
# attempts: 1 s doubling to 2 s (CADC_SAMP_DISCOVERY_RETRY).
. "$(dirname "$0")/lib.sh"
setup_samp
start_dachs
plan 9
export CADC_SAMP_DISCOVERY_RETRY=1000,2000
PORT=$(free_port)
REG=http://127.0.0.1:$PORT/static/reg/resource-caps
DIAG_FILES=("$LOGS/listen.log")
# screen FILE: what a terminal shows at the end: each line with its
# carriage returns applied (a later write overwrites from column 0)
screen () {
  "$PY" -c '
import sys
for line in open(sys.argv[1], encoding="utf-8", errors="replace", newline="").read().split("\n"):
    cells = []
    for part in line.split("\r"):
        cells[:len(part)] = part
    print("".join(cells).rstrip())' "$1"
}

# --- on a terminal, the archive unreachable for ~4 s, then back
spawn listen "$PY" "$CS_HARNESS/pty-run.py" 200 env TERM=xterm \
  timeout --foreground --preserve-status -s INT 14 "$CADC_SAMP" listen --hub=always --registry "$REG"
sleep 4
serve archive "$CS_HARNESS/standin/archive-later.py" "$PORT" "$DACHS_URL" \
  || bail "the archive stand-in did not start"
wait_exit listen 40 || bail "listen under pty-run did not end"
OUT=$LOGS/listen.log
SCREEN=$(screen "$OUT")
check "the first attempt is shown: the archive and its registry" \
  grep -qF "contacting the CADC registry $REG…, attempt 1" "$OUT"
check "a failed attempt: unreachable, and a countdown to the next" eval '
  grep -qF "attempt 1: unreachable, next in 1 s" "$OUT" &&
  grep -qF "attempt 2: unreachable, next in 2 s" "$OUT" && grep -qF "attempt 2: unreachable, next in 1 s" "$OUT"'
check "rewritten in place: many writes, none left on the screen (no scrolling)" eval '
  [ "$(grep -o "contacting the CADC" "$OUT" | wc -l)" -gt 3 ] && ! grep -q "contacting" <<<"$SCREEN"'
check "once the archive is back: found, the log line says where" \
  eval 'grep -q "listening; TAP $DACHS_URL/tap" <<<"$SCREEN"'
check "log lines stay whole above the progress line (the hub, the unreachable archive)" eval '
  grep -q "^bridge-.*registered with the hub" <<<"$SCREEN" &&
  [ "$(grep -c "archive is unreachable for now" <<<"$SCREEN")" = 1 ]'
why="exit status $EXIT_RC" check "listen ended by SIGINT exits 0, its line cleared" eval '[ "$EXIT_RC" = 0 ]'

# --- a narrow terminal: the line fits, the URL loses its middle, not the news
spawn narrow "$PY" "$CS_HARNESS/pty-run.py" 70 env TERM=xterm \
  timeout --foreground --preserve-status -s INT 4 "$CADC_SAMP" listen --hub=always --registry "http://127.0.0.1:$(free_port)/static/reg/resource-caps"
wait_exit narrow 30
check "70 columns: every progress write fits in 69, the countdown still shown" eval '
  "$PY" -c "import sys; w=[x for x in open(sys.argv[1], encoding=\"utf-8\", newline=\"\").read().split(\"\r\") if \"contacting\" in x]; sys.exit(not w or max(map(len, w)) > 69)" "$LOGS/narrow.log" &&
  grep -q "…, attempt 1: unreachable, next in 1 s" "$LOGS/narrow.log"'

# --- not a terminal: nothing of the progress
P2=$(free_port)
spawn plain timeout --foreground --preserve-status -s INT 5 "$CADC_SAMP" listen --hub=always --registry "http://127.0.0.1:$P2/reg"
wait_exit plain 30
check "not a terminal: no progress line, no carriage return" eval '
  ! grep -q "contacting" "$LOGS/plain.log" && ! grep -q $'"'"'\r'"'"' "$LOGS/plain.log"'
check "not a terminal: the one log line about the unreachable archive, as before" \
  test "$(grep -c "archive is unreachable for now" "$LOGS/plain.log")" = 1

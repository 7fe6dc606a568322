#!/bin/bash
# test-cli-output.sh: where `-o FILE` writes, and what an interrupted
# command leaves behind (doc/EXITCODES.md, src/cmd-archive.c, cs-cleanup.h).
#
# -o replaces a regular file or creates a new path atomically (a temporary
# FILE.part-XXXXXX renamed on success, the old file's permissions kept); a
# symlink stays a link and its target is replaced; a FIFO, /dev/null and
# /dev/stdout are written straight through and stay what they are.
# SIGTERM/SIGINT in the middle of a download (`query -o`, `job --result
# -o`, `cutouts`) from tests/http-test-server.py's /trickle (a result that
# arrives one row every 0.2 s) removes the partial file and ends with the
# shell's 143/130.
set -u
: "${CADC_SAMP:?}"
PY=${PYTHON3:-python3}
SRCDIR=${G_TEST_SRCDIR:-$(dirname "$0")}

T=$(mktemp -d "${TMPDIR:-/tmp}/test-cli-output.XXXXXX")
coproc SRV { exec "$PY" "$SRCDIR/http-test-server.py"; }
SRV_IN=${SRV[1]}
read -r PORT <&"${SRV[0]}"
cleanup() { exec {SRV_IN}>&-; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
export HOME=$T/home XDG_CONFIG_HOME=$T/home/.config XDG_CACHE_HOME=$T/home/.cache NETRC=$T/netrc
mkdir -p "$HOME" "$T/w"
unset CADC_REGISTRY_URL SAMP_HUB
cd "$T/w" || exit 1
S=http://127.0.0.1:$PORT
Q="--tap $S/hostile --format csv query"   # + "select table": a 1-row CSV

n=0
ok() { n=$((n+1)); echo "ok $n - $1"; }
nok() { n=$((n+1)); echo "not ok $n - $1"; shift; for f in "$@"; do [ -f "$f" ] && sed 's/^/# /' "$f" | head -8; done; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else nok "$name" "$T/err"; ls -la "$T/w" | sed 's/^/# /'; fi; }
cs() { timeout 60 "$CADC_SAMP" "$@" 2>"$T/err"; }
no_part() { ! ls "$@" 2>/dev/null | grep -q '\.part-'; }
is_result() { grep -q '^col' "$1" && grep -q '^val' "$1"; }

echo "1..12"

cs $Q "select table" -o new.csv
check "-o NEW: the file appears, no .part left" bash -c "$(declare -f is_result no_part); is_result new.csv && no_part ."

echo old >kept.csv; chmod 640 kept.csv
ino=$(stat -c %i kept.csv)
cs $Q "select table" -o kept.csv
check "-o REGULAR: replaced by rename (new inode), mode 0640 kept" \
  bash -c "$(declare -f is_result); is_result kept.csv && [ \$(stat -c %a kept.csv) = 640 ] && [ \$(stat -c %i kept.csv) != $ino ]"

echo old >target.csv; chmod 600 target.csv; ln -s target.csv link.csv
cs $Q "select table" -o link.csv
check "-o SYMLINK: still a link to the same target; the target holds the result, mode 0600" \
  bash -c "$(declare -f is_result); [ -L link.csv ] && [ \$(readlink link.csv) = target.csv ] && is_result target.csv && [ \$(stat -c %a target.csv) = 600 ]"

mkdir sub; ln -s sub/made.csv dangling.csv
cs $Q "select table" -o dangling.csv
check "-o DANGLING SYMLINK: the link stays, its target is created" \
  bash -c "$(declare -f is_result); [ -L dangling.csv ] && is_result sub/made.csv"

mkfifo fifo
timeout 30 cat fifo >from-fifo & reader=$!
cs $Q "select table" -o fifo
wait $reader
check "-o FIFO: written through (the reader gets the result), still a FIFO" \
  bash -c "$(declare -f is_result); [ -p fifo ] && is_result from-fifo"

# As root a regression would rename over the machine's /dev/null: root
# uses a private node (mknod c 1 3) instead; others cannot harm /dev.
NULLDEV=/dev/null
if [ "$(id -u)" = 0 ] && mknod "$T/null" c 1 3 2>/dev/null; then NULLDEV=$T/null; fi
cs $Q "select table" -o "$NULLDEV"
check "-o a character device (null): succeeds and it stays a character device" [ -c "$NULLDEV" ]

echo first >appended.csv
timeout 60 "$CADC_SAMP" $Q "select table" -o /dev/stdout >>appended.csv 2>"$T/err"
check "-o /dev/stdout: the shell's redirection is used (>> appends)" \
  bash -c "[ \"\$(head -1 appended.csv)\" = first ] && grep -q '^val' appended.csv"

echo precious >failed.csv
cs --tap "$S/hostile" query "select 1" -o failed.csv
check "a failed query leaves -o FILE as it was, no .part" \
  bash -c "$(declare -f no_part); [ \"\$(cat failed.csv)\" = precious ] && no_part ."

# interrupted downloads: wait for the partial file, signal, check
interrupt() {   # SIGNAL WANT-RC DIR NAME ARGS...
  local sig=$1 want=$2 dir=$3 name=$4 pid rc; shift 4
  timeout 120 "$CADC_SAMP" "$@" >/dev/null 2>"$T/err" &
  pid=$!
  for _ in $(seq 200); do ls "$dir" | grep -q '\.part-' && break; sleep 0.05; done
  if ! ls "$dir" | grep -q '\.part-'; then nok "$name (no partial file appeared)" "$T/err"; kill "$pid"; wait "$pid"; return; fi
  kill -"$sig" "$pid"; wait "$pid"; rc=$?
  check "$name: exit $want, no .part left" bash -c "$(declare -f no_part); [ $rc = $want ] && no_part '$dir'"
}
echo precious >slow.xml
interrupt TERM 143 . "SIGTERM during query -o FILE" --tap "$S/trickle" -o slow.xml query "select 1"
check "... and the FILE it would have replaced is untouched" [ "$(cat slow.xml)" = precious ]
interrupt INT 130 . "SIGINT during job --result -o FILE" --tap "$S/trickle-job" -o res.xml job j1 --result
mkdir cut
interrupt TERM 143 cut "SIGTERM during cutouts' download" \
  --tap "$S/slowcut" --datalink "$S/slowcut/links" cutouts 10 10 1arcmin --dir cut

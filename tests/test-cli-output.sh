#!/bin/bash
# test-cli-output.sh: where `-o FILE` writes, and what an interrupted
# command leaves behind (doc/EXITCODES.md, src/cli/cmd-archive.c, vo-cleanup.h).
#
# -o replaces a regular file or creates a new path atomically (a temporary
# FILE.part-XXXXXX renamed on success, the old file's permissions kept); a
# symlink stays a link and its target is replaced; a FIFO, /dev/null and
# /dev/stdout are written straight through and stay what they are.
# SIGTERM/SIGINT in the middle of a download (`query -o`, `job --result
# -o`, `cutouts`) from tests/http-test-server.py's /trickle (a result that
# arrives one row every 0.2 s) removes the partial file and ends with the
# shell's 143/130.
. "$(dirname "$0")/lib.sh"
setup_tmp; mkdir "$T/w"; cd "$T/w" || bail "no temp dir"
start_http_server || bail "http-test-server.py did not start"
S=$HTTP_URL
Q="--tap $S/hostile --format csv query"   # + "select table": a 1-row CSV
plan 12

# cs ARGS: cadc-samp ARGS, stderr in $T/err; a failed check then shows it
# and the directory
DIAG_FILES=("$T/err")
cs () { timeout 60 "$CADC_SAMP" "$@" 2>"$T/err"; local rc=$?; why=$(ls -la); return $rc; }
no_part () { ! ls "$@" 2>/dev/null | grep -q '\.part-'; }
is_result () { grep -q '^col' "$1" && grep -q '^val' "$1"; }

cs $Q "select table" -o new.csv
check "-o NEW: the file appears, no .part left" eval 'is_result new.csv && no_part .'

echo old >kept.csv; chmod 640 kept.csv
ino=$(stat -c %i kept.csv)
cs $Q "select table" -o kept.csv
check "-o REGULAR: replaced by rename (new inode), mode 0640 kept" \
  eval 'is_result kept.csv && [ "$(stat -c %a kept.csv)" = 640 ] && [ "$(stat -c %i kept.csv)" != "$ino" ]'

echo old >target.csv; chmod 600 target.csv; ln -s target.csv link.csv
cs $Q "select table" -o link.csv
check "-o SYMLINK: still a link to the same target; the target holds the result, mode 0600" \
  eval '[ -L link.csv ] && [ "$(readlink link.csv)" = target.csv ] && is_result target.csv && [ "$(stat -c %a target.csv)" = 600 ]'

mkdir sub; ln -s sub/made.csv dangling.csv
cs $Q "select table" -o dangling.csv
check "-o DANGLING SYMLINK: the link stays, its target is created" \
  eval '[ -L dangling.csv ] && is_result sub/made.csv'

mkfifo fifo
spawn reader cat fifo          # what it reads is in $LOGS/reader.log
cs $Q "select table" -o fifo
wait_exit reader 30
check "-o FIFO: written through (the reader gets the result), still a FIFO" \
  eval '[ -p fifo ] && is_result "$LOGS/reader.log"'

# As root a regression would rename over the machine's /dev/null: root
# uses a private node (mknod c 1 3) instead; others cannot harm /dev.
NULLDEV=/dev/null
if [ "$(id -u)" = 0 ] && mknod "$T/null" c 1 3 2>/dev/null; then NULLDEV=$T/null; fi
cs $Q "select table" -o "$NULLDEV"
check "-o a character device (null): succeeds and it stays a character device" [ -c "$NULLDEV" ]

echo first >appended.csv
cs $Q "select table" -o /dev/stdout >>appended.csv
check "-o /dev/stdout: the shell's redirection is used (>> appends)" \
  eval '[ "$(head -1 appended.csv)" = first ] && grep -q "^val" appended.csv'

echo precious >failed.csv
cs --tap "$S/hostile" query "select 1" -o failed.csv
check "a failed query leaves -o FILE as it was, no .part" \
  eval '[ "$(cat failed.csv)" = precious ] && no_part .'

# interrupt SIGNAL DIR ARGS...: cadc-samp ARGS spawned as dl, sent SIGNAL
# once its partial file is in DIR; its exit status in EXIT_RC
interrupt () {
  local sig=$1 dir=$2; shift 2
  spawn dl "$CADC_SAMP" "$@"
  if wait_until 10 eval '! no_part "$dir"'; then
    kill -"$sig" "$(pid_of dl)"; wait_exit dl 30
  else
    EXIT_RC="none: no partial file appeared"; stop dl
  fi
  why="exit status $EXIT_RC; $(ls -la "$dir")"
}
DIAG_FILES=("$LOGS/dl.log")
echo precious >slow.xml
interrupt TERM . --tap "$S/trickle" -o slow.xml query "select 1"
check "SIGTERM during query -o FILE: exit 143, no .part left" eval '[ "$EXIT_RC" = 143 ] && no_part .'
check "... and the FILE it would have replaced is untouched" eval '[ "$(cat slow.xml)" = precious ]'
interrupt INT . --tap "$S/trickle-job" -o res.xml job j1 --result
check "SIGINT during job --result -o FILE: exit 130, no .part left" eval '[ "$EXIT_RC" = 130 ] && no_part .'
mkdir cut
interrupt TERM cut --tap "$S/slowcut" --datalink "$S/slowcut/links" cutouts 10 10 1arcmin --dir cut
check "SIGTERM during cutouts' download: exit 143, no .part left" eval '[ "$EXIT_RC" = 143 ] && no_part cut'

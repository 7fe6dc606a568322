#!/bin/bash
# test-cli-exitcodes.sh: every documented exit code of doc/EXITCODES.md
# that can be produced without the real archive, one row per case: the
# command, the code it must end with, and (for usage errors) proof that
# nothing was sent.  Usage cases point --tap at a dead port, so a command
# that reached the network would end with 4, not 2.  The archive side is
# tests/http-test-server.py (started here on port 0, stopped at the end):
# /hostile (errors, a job in ERROR), /huge (documents over their caps),
# /forbidden (403), /unauth (401).  SAMP cases run with a private HOME and
# no hub, so they never see the user's session.
. "$(dirname "$0")/lib.sh"
setup_tmp; cd "$T" || bail "no temp dir"
start_http_server || bail "http-test-server.py did not start"
S=$HTTP_URL
NONET="--tap http://127.0.0.1:$(free_port)/tap --registry http://127.0.0.1:$(free_port)/reg"
touch "$T/afile"
printf '<?xml version="1.0"?><VOTABLE version="1.4"><RESOURCE><TABLE><FIELD name="x" datatype="int"/><DATA><TABLEDATA><TR><TD>1</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>\n' >"$T/noids.xml"

# expected-code | what | arguments (word-split; no quoting inside fields)
CASES=$(cat <<EOF
2|no command|
2|unknown command|nosuch
2|unknown option of a command|$NONET query --bogus x
2|global option without its value|query select --tap
2|--format xml is a usage error, found before any network|$NONET --format xml query select_1
2|query without ADQL|$NONET query
2|query --maxrec not an integer|$NONET query --maxrec many select_1
2|region with a bad POSITION|$NONET region nowhere
2|region with Dec out of range|$NONET region 10 95
2|region with a bad RADIUS unit|$NONET region 10 10 --radius 5parsec
2|name without TARGET|$NONET name
2|collections takes no arguments|$NONET collections extra
2|table without NAME|$NONET table
2|job without ID|$NONET job
2|jobs --last 0|$NONET jobs --last 0
2|cutout-urls with a bad POSITION|$NONET cutout-urls noids.xml nowhere 1arcmin
2|cutouts with a bad RADIUS|$NONET cutouts 10 10 wide
2|login with an unknown option|login --bogus
2|whoami takes no arguments|whoami extra
2|logout takes no arguments|logout extra
2|send with an unknown kind|send nothing
2|listen with an unknown option|listen --bogus
2|hub with a negative --delivery-timeout|hub --delivery-timeout -1
2|doctor takes no arguments|doctor extra
2|--format xml after the command: archive commands|$NONET query select_1 --format xml
2|--format xml after the command: send|send point 1 2 --format xml
2|--format xml after the command: status|status --format xml
2|--format xml after the command: listen|listen --format xml
2|--format xml after the command: hub|hub --format xml
4|region 12 -30: -30 is the Dec, the query reaches the dead service|$NONET region 12 -30
3|send point 10 -30: -30 is the Dec, then no hub|send point 10 -30
3|status without a hub|status
3|send point without a hub|send point 10 20
3|listen --hub=never without a hub (TAP given)|$NONET listen --hub=never
4|query: HTTP 400 from the service|--tap $S/hostile query select_1
4|query: QUERY_STATUS=ERROR in an HTTP 200 answer|--tap $S/hostile query select_status
4|query: the service cannot be reached|$NONET query select_1
4|query --async: no job Location|--tap $S/hostile query --async select_1
4|job --wait on a job in ERROR|--tap $S/hostile job j1 --wait
4|job --result of a job in ERROR|--tap $S/hostile job j1 --result
4|job: a job document over its 1 MiB cap|--tap $S/huge job j1
4|tables: a tableset over its 16 MiB cap|--tap $S/huge tables
4|data-urls: a result without publisherID|$NONET data-urls noids.xml
5|-o into a directory that does not exist|--tap $S/hostile -o nodir/out.xml query select_table
5|data-urls: RESULT does not exist|$NONET data-urls missing.xml
5|query --upload of a missing file|--tap $S/hostile query --upload t=missing.xml select_1
5|cutouts --dir that cannot be made, before any network|$NONET cutouts 10 10 1arcmin --dir afile/sub
5|send table of a missing file|send table missing.xml
6|jobs: HTTP 403|--tap $S/forbidden jobs
6|query: HTTP 401|--tap $S/unauth query select_1
6|login --cert of a file that is no certificate|login --cert afile
0|query - with ADQL on stdin|--tap $S/hostile --format csv query -
0|job shows a job in ERROR without --wait|--tap $S/hostile job j1
EOF
)

plan $(( $(grep -c . <<<"$CASES") + 1 ))

# doc/EXITCODES.md starts with the codes and the error map as the program
# has them (`cadc-samp --exit-codes`, src/cli/cli-exit.c)
"$CADC_SAMP" --exit-codes >"$T/codes.md" 2>"$T/err"
head -n "$(wc -l <"$T/codes.md")" "$CS_TESTS_DIR/../doc/EXITCODES.md" >"$T/doc-head.md"
why="$(diff "$T/codes.md" "$T/doc-head.md")" \
  check "doc/EXITCODES.md starts with what cadc-samp --exit-codes prints" \
  eval 'grep -q "^| 6 | authentication" "$T/codes.md" && cmp -s "$T/codes.md" "$T/doc-head.md"'

# ADQL words: select_1 -> "select 1" (the table has one field per column)
adql() { local a; for a in "$@"; do case $a in select_*) printf '%s\n' "select ${a#select_}";; *) printf '%s\n' "$a";; esac; done; }

DIAG_FILES=("$T/err")
while IFS='|' read -r want what args; do
  [ -n "$want" ] || continue
  # shellcheck disable=SC2086
  mapfile -t argv < <(adql $args)
  if [ "$what" = "query - with ADQL on stdin" ]; then
    printf 'select table\n' | timeout 60 "$CADC_SAMP" "${argv[@]}" >"$T/out" 2>"$T/err"
  else
    timeout 60 "$CADC_SAMP" "${argv[@]}" </dev/null >"$T/out" 2>"$T/err"
  fi
  got=$?
  why="got $got" check "exit $want: $what" test "$got" = "$want"
done <<<"$CASES"

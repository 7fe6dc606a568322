#!/bin/bash
# test-cli-table.sh: results are readable on a terminal and unchanged in a
# pipe (issue 15, "Readable on a terminal").  Commands run under a
# pseudo-terminal (harness/pty-run.py) against the DaCHS TAP service: a
# CFHT region of 9 CAOM2 rows.  On the terminal the table shows the main
# columns first, no line is longer than the terminal ($COLUMNS, else the
# tty's size), long cells end in "…", a footer counts the rows and the
# columns left out, and the header is bold/underlined only when colours
# are allowed (not NO_COLOR, not TERM=dumb).  --columns picks the columns
# for table, csv and votable; an unknown one is a usage error naming the
# available ones.  Piped, without --columns, the VOTable is byte for byte
# what the TAP service sent, and --format table is every column as before.
# Downloads (cutouts) and async job waits (query --async) show one
# progress line on a terminal, nothing piped.
# Last, the bash completion (src/cli/cadc-samp.bash) as bash calls it:
# commands, global and per-command options, formats, the config's archives.
. "$(dirname "$0")/lib.sh"
setup_tmp
start_dachs
plan 26

POS=("08h45m07.5s +54d18m00s" --radius 0.3deg --collection CFHT)
cs () { timeout 60 "$CADC_SAMP" --tap "$DACHS_URL/tap" "$@"; }
# on_pty COLS CMD-ARGS...: cadc-samp under a terminal COLS wide (the tty's size)
on_pty () { local c=$1; shift; TERM=xterm timeout 60 "$PY" "$CS_HARNESS/pty-run.py" "$c" \
  "$CADC_SAMP" --tap "$DACHS_URL/tap" "$@"; }
# widest FILE: the longest line's width on screen (escape sequences do not count)
widest () { "$PY" -c '
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
print(max(len(re.sub(r"\x1b\[[0-9;]*m", "", l)) for l in t.split("\n")))' "$1"; }
# header FILE: the first line's words, escapes removed
header () { head -1 "$1" | sed 's/\x1b\[[0-9;]*m//g'; }
esc_in () { grep -q $'\x1b\\[' "$1"; }

# the whole result, piped: how many columns it has
cs region "${POS[@]}" >"$T/all.vot" 2>"$T/err"
# field_names VOT: the FIELD names in order, one a line
field_names () { grep -o '<FIELD [^>]*>' "$1" | sed 's/.* name="\([^"]*\)".*/\1/'; }
NCOL=$(field_names "$T/all.vot" | wc -l)
diag "the CFHT region has $(vot_rows "$T/all.vot") rows of $NCOL columns"

CURATED="collection observationID target_name instrument_name energy_bandpassName"
COLUMNS=80 on_pty 0 region "${POS[@]}" >"$T/t80"
why="widest line: $(widest "$T/t80")"$'\n'"$(cat -v "$T/t80")"
check "COLUMNS=80: no line is longer than 80" eval '[ "$(widest "$T/t80")" -le 80 ]'
why="header: $(header "$T/t80")"
check "the main CAOM2 columns come first" eval '[[ "$(header "$T/t80" | tr -s " ")" == "$CURATED"* ]]'
SHOWN=$(header "$T/t80" | wc -w)
why="footer: $(tail -1 "$T/t80"); shown $SHOWN of $NCOL"
check "the footer: 9 rows and the columns left out" \
  eval '[ "$(tail -1 "$T/t80")" = "9 rows; $((NCOL - SHOWN)) more columns: use --columns or --format votable" ]'
why="$(cat -v "$T/t80")"
check "9 rows under the header and its rule, cells aligned under the names" \
  eval '[ "$(sed -n "3,11p" "$T/t80" | grep -c "^CFHT  ")" = 9 ] && [ "$(wc -l <"$T/t80")" = 12 ]'

COLUMNS=200 on_pty 0 --model obscore region "${POS[@]}" >"$T/obscore"
cs --model obscore region "${POS[@]}" >"$T/obscore.vot" 2>"$T/err"
NOBS=$(vot_rows "$T/obscore.vot")
why="$(header "$T/obscore")"$'\n'"$(tail -1 "$T/obscore"); piped: $NOBS rows"
check "ObsCore rows: its main columns first, in the same order" \
  eval '[[ "$(header "$T/obscore" | tr -s " ")" == "obs_collection obs_id target_name instrument_name em_min em_max t_min t_exptime calib_level dataproduct_type"* ]] && [ "$NOBS" -gt 0 ] && [ "$(tail -1 "$T/obscore" | cut -d";" -f1)" = "$NOBS rows" ]'

COLUMNS=200 on_pty 0 region "${POS[@]}" >"$T/t200"
SHOWN2=$(header "$T/t200" | wc -w)
why="widest $(widest "$T/t200"), $SHOWN2 columns shown (80: $SHOWN); footer $(tail -1 "$T/t200")"
check "COLUMNS=200: wider, more columns, none longer than 200" \
  eval '[ "$(widest "$T/t200")" -le 200 ] && [ "$(widest "$T/t200")" -gt 150 ] && [ "$SHOWN2" -gt "$SHOWN" ] && grep -q "^9 rows; $((NCOL - SHOWN2)) more columns" "$T/t200"'

(unset COLUMNS; on_pty 100 region "${POS[@]}" >"$T/t100")
why="widest $(widest "$T/t100")"
check "without \$COLUMNS the tty's width (100) is the limit" \
  eval '[ "$(widest "$T/t100")" -le 100 ] && [ "$(widest "$T/t100")" -gt 80 ]'

COLUMNS=60 on_pty 0 region "${POS[@]}" --columns observationURI,position_bounds >"$T/long"
why="$(cat -v "$T/long")"
check "a cell too long for the terminal ends in an ellipsis, the line fits" \
  eval 'grep -q "^caom:CFHT/2401766 .*…\$" "$T/long" && [ "$(widest "$T/long")" -le 60 ]'

why="$(head -2 "$T/t80" | cat -v)"
check "on a terminal with colours the header is bold and underlined" \
  eval 'head -1 "$T/t80" | grep -q $'"'"'^\x1b\\[1;4mcollection\x1b\\[0m '"'"' && ! sed 1d "$T/t80" | grep -q $'"'"'\x1b'"'"
COLUMNS=80 NO_COLOR=1 on_pty 0 region "${POS[@]}" >"$T/nocolor"
(export COLUMNS=80; TERM=dumb timeout 60 "$PY" "$CS_HARNESS/pty-run.py" 0 "$CADC_SAMP" \
  --tap "$DACHS_URL/tap" region "${POS[@]}" >"$T/dumb")
why="NO_COLOR: $(head -1 "$T/nocolor" | cat -v)"$'\n'"TERM=dumb: $(head -1 "$T/dumb" | cat -v)"
check "NO_COLOR=1 and TERM=dumb: no escape sequence, the same table otherwise" \
  eval '! esc_in "$T/nocolor" && ! esc_in "$T/dumb" && cmp -s "$T/nocolor" "$T/dumb" && [ "$(header "$T/nocolor")" = "$(header "$T/t80")" ]'

COLUMNS=80 on_pty 0 region "${POS[@]}" --columns observationID,collection,time_exposure >"$T/cols"
why="$(cat -v "$T/cols")"
check "--columns on a terminal: those columns in that order, nothing left out" \
  eval '[ "$(header "$T/cols" | tr -s " ")" = "observationID collection time_exposure" ] && [ "$(tail -1 "$T/cols")" = "9 rows" ] && grep -q "^2401766 *CFHT *600.0\$" "$T/cols"'
cs region "${POS[@]}" --columns observationID,collection --format csv >"$T/cols.csv" 2>"$T/err"
why="$(head -3 "$T/cols.csv")"
check "--columns with csv: the header and 9 rows of two values" \
  eval '[ "$(head -1 "$T/cols.csv")" = "observationID,collection" ] && [ "$(grep -c "^24[0-9]*,CFHT\$" "$T/cols.csv")" = 9 ] && [ "$(wc -l <"$T/cols.csv")" = 10 ]'
cs region "${POS[@]}" --columns collection,observationID -o "$T/cols.vot" 2>"$T/err"
why="$(field_names "$T/cols.vot")"
check "--columns with votable: two FIELDs in that order, 9 rows" \
  eval '[ "$(field_names "$T/cols.vot" | tr "\n" " ")" = "collection observationID " ] && [ "$(vot_rows "$T/cols.vot")" = 9 ]'
cs region "${POS[@]}" --columns all --format csv >"$T/all.csv" 2>"$T/err"
why="$(head -1 "$T/all.csv" | cut -c1-200)"
check "--columns all: every column in the service's order" \
  eval '[ "$(head -1 "$T/all.csv" | tr "," "\n")" = "$(field_names "$T/all.vot")" ]'

cs region "${POS[@]}" --columns observationID,nosuch --format csv >"$T/out" 2>"$T/err"
rc=$?
why="rc=$rc: $(cut -c1-300 "$T/err")"
check "an unknown column: exit 2, naming it and the available ones, no output" \
  eval '[ $rc = 2 ] && grep -q "unknown column .nosuch. (available: .*observationID" "$T/err" && [ ! -s "$T/out" ]'

# piped and unchanged: the VOTable is what the service sent
cs -vv region "${POS[@]}" >/dev/null 2>"$T/trace"
ADQL=$(sed -n 's/^cadc-samp: ADQL: //p' "$T/trace")
curl -s -o "$T/direct.vot" --data-urlencode "QUERY=$ADQL" -d LANG=ADQL -d REQUEST=doQuery \
  "$DACHS_URL/tap/sync"
why="ADQL: $ADQL"$'\n'"$(cmp "$T/all.vot" "$T/direct.vot" 2>&1)"
check "piped without --columns: the VOTable byte for byte as the TAP service sent it" \
  eval '[ -n "$ADQL" ] && cmp -s "$T/all.vot" "$T/direct.vot"'
cs --format table region "${POS[@]}" >"$T/piped.txt" 2>"$T/err"
why="$(header "$T/piped.txt" | cut -c1-200)"
check "piped --format table: every column in the service's order, no footer, no escapes" \
  eval '[ "$(header "$T/piped.txt" | tr -s " " "\n" | grep -c .)" = "$NCOL" ] && head -1 "$T/piped.txt" | grep -q "^observationURI " && [ "$(wc -l <"$T/piped.txt")" = 11 ] && ! esc_in "$T/piped.txt"'

# cutouts: stderr on a terminal (stdout to a file), then both piped
REG="--registry $DACHS_URL/static/reg/resource-caps"
CUT=(cutouts 131.2812 54.3 0.01 --collection CFHT)
mkdir "$T/cut1" "$T/cut2"
TERM=xterm timeout 120 "$PY" "$CS_HARNESS/pty-run.py" 80 sh -c 'exec "$@" >"$0"' "$T/cut1.out" \
  "$CADC_SAMP" $REG "${CUT[@]}" --dir "$T/cut1" >"$T/cut1.tty"
why="$(cat -A "$T/cut1.tty")"
check "cutouts on a terminal: one line rewritten with CR (files, bytes, rate), 9/9 at the end" \
  eval '[ "$(wc -l <"$T/cut1.tty")" = 1 ] && [ "$(tr -cd "\r" <"$T/cut1.tty" | wc -c)" -ge 1 ] && tr "\r" "\n" <"$T/cut1.tty" | tail -1 | grep -qE "^cutouts: 9/9 files, [0-9.]+.(bytes|kB|MB), [0-9.]+.(bytes|kB|MB)/s *\$" && [ "$(wc -l <"$T/cut1.out")" = 9 ]'
timeout 120 "$CADC_SAMP" $REG "${CUT[@]}" --dir "$T/cut2" >"$T/cut2.out" 2>"$T/cut2.err"
why="stderr: $(cat -A "$T/cut2.err")"
check "cutouts piped: no progress, the same 9 files listed" \
  eval '[ ! -s "$T/cut2.err" ] && [ "$(wc -l <"$T/cut2.out")" = 9 ] && [ "$(ls "$T/cut2" | wc -l)" = 9 ]'

# query --async: the job's phase and the time waited, on stderr
Q=(query --async "SELECT TOP 3 obsID FROM caom2.Observation" --format csv)
TERM=xterm timeout 120 "$PY" "$CS_HARNESS/pty-run.py" 80 sh -c 'exec "$@" >"$0"' "$T/job1.out" \
  "$CADC_SAMP" --tap "$DACHS_URL/tap" "${Q[@]}" >"$T/job1.tty"
why="$(cat -A "$T/job1.tty")"
check "query --async on a terminal: one line of phase and seconds, COMPLETED at the end" \
  eval '[ "$(grep -vc "^cadc-samp: job http" "$T/job1.tty")" = 1 ] && grep -v "^cadc-samp: job" "$T/job1.tty" | tr "\r" "\n" | grep . | tail -1 | grep -qE "^job: COMPLETED, [0-9]+ s *\$" && [ "$(wc -l <"$T/job1.out")" = 4 ]'
cs "${Q[@]}" >"$T/job2.out" 2>"$T/job2.err"
why="$(cat -A "$T/job2.err")"
check "query --async piped: only the job's URL on stderr, the same result" \
  eval '[ "$(wc -l <"$T/job2.err")" = 1 ] && grep -q "^cadc-samp: job http" "$T/job2.err" && ! grep -q $'"'"'\r'"'"' "$T/job2.err" && [ "$(wc -l <"$T/job2.out")" = 4 ]'

# bash completion: _cadc_samp with COMP_WORDS/COMP_CWORD as bash sets them
mkdir -p "$XDG_CONFIG_HOME/cadc-samp"
printf '[archive.votest]\ntap=%s/tap\nmodel=obscore\n' "$DACHS_URL" >"$XDG_CONFIG_HOME/cadc-samp/config"
# completes WORD...: the candidates for the last WORD (after cadc-samp), one line
completes () { bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _cadc_samp
  echo "${COMPREPLY[*]}"' - "$CS_TESTS_DIR/../src/cli/cadc-samp.bash" "$CADC_SAMP" "$@"; }
why="$(completes "")"
check "completion: every command at the start" \
  eval '[ "$(completes "" | tr " " "\n" | sort | tr "\n" " ")" = "$("$CADC_SAMP" --help | sed -n "/^Commands:/,/^\$/s/^  \([a-z-]*\) .*/\1/p" | sort | tr "\n" " ")" ] && [ "$(completes cu)" = "cutout-urls cutouts" ]'
why="$(completes region --)"
check "completion: a command's options and the global ones" \
  eval '[ "$(completes region --)" = "--radius --collection --type --registry --tap --datalink --archive --model --output --format --columns --verbose --quiet" ] && [ "$(completes query --a)" = "--async --archive" ]'
why="$(completes --format "")"
check "completion: --format's values" eval '[ "$(completes --format "")" = "votable csv tsv table" ] && [ "$(completes region --format t)" = "tsv table" ]'
why="$(completes --archive "")"
check "completion: --archive's values are the config's archives" eval '[ "$(completes --archive "")" = "cadc votest" ]'
why="$(completes --tap http://x -o out.xml re)"
check "completion: global options with values before the command are skipped" \
  eval '[ "$(completes --tap http://x -o out.xml re)" = "region" ] && [ "$(completes --tap http://x region --col)" = "--collection --columns" ] && [ -z "$(completes region --radius "")" ]'

#!/bin/bash
# test-cli-cutouts-parallel.sh: `cadc-samp cutouts --parallel N` downloads
# at most N cutouts at a time, and every one of them still arrives; without
# it, many at once (32); a value outside 1..64 is a usage error (exit 2)
# before anything is asked.  The archive is the local DaCHS behind
# harness/standin/soda-latency.py, which holds every cutout 300 ms (as a
# remote SODA service computes it) and counts how many it serves at once
# (GET /standin/inflight: the most since the last ask).  The field: the
# dense field at (250, -40), r = 0.03 deg: 22 cutout URLs, 20 FITS files
# (2 planes do not overlap: reported, exit 1).
. "$(dirname "$0")/lib.sh"
setup_tmp
start_dachs
plan 7
serve soda "$CS_HARNESS/standin/soda-latency.py" "$DACHS_URL" 300 \
  || bail "the SODA stand-in did not start"
BASE=http://127.0.0.1:$SERVED_PORT
REG=$BASE/static/reg/resource-caps
FIELD=(250 -40 0.03)
most () { curl -sf "$BASE/standin/inflight" | sed -n 's/^max //p'; }

# cutouts DIR ARGS...: run into a fresh DIR; sets RC, the files in $T/DIR.list
cutouts () {
  local dir=$1; shift
  mkdir -p "$T/$dir"
  "$CADC_SAMP" --registry "$REG" -q cutouts "${FIELD[@]}" --dir "$T/$dir" "$@" \
    >"$T/$dir.out" 2>"$T/$dir.err"
  RC=$?
  find "$T/$dir" -name 'cutout-*.fits' -size +0 | sort >"$T/$dir.list"
}
DIAG_FILES=("$LOGS/soda.log")

most >/dev/null   # reset
cutouts two --parallel 2
M=$(most)
DIAG_FILES=("$T/two.err")
why="exit $RC; $(wc -l <"$T/two.list") files" \
  check "--parallel 2: the 20 cutouts that overlap are all downloaded, the 2 that do not reported (exit 1)" \
  eval '[ "$RC" = 1 ] && [ "$(wc -l <"$T/two.list")" = 20 ] && grep -q "2 of 22 cutouts failed" "$T/two.err"'
why="at most $M at once" check "--parallel 2: never more than 2 cutouts asked of the archive at once" \
  eval '[ "$M" = 2 ]'
check "each file it prints is a FITS image it checked (path and size)" \
  eval '[ "$(grep -c "cutout-.*\.fits	[0-9]*x[0-9]*$" "$T/two.out")" = 20 ]'

cutouts many
M=$(most)
why="at most $M at once" check "by default many at once: all 22 asked together (the default is 32)" \
  eval '[ "$M" = 22 ] && [ "$(wc -l <"$T/many.list")" = 20 ]'

cutouts one --parallel 1
M=$(most)
why="at most $M at once" check "--parallel 1: one after another, the same 20 files" \
  eval '[ "$M" = 1 ] && [ "$(wc -l <"$T/one.list")" = 20 ] && cmp -s <(sed "s|.*/||" "$T/one.list") <(sed "s|.*/||" "$T/two.list")'

for bad in 0 65 -3 many; do
  cutouts bad-$bad --parallel "$bad"
  echo "$bad $RC $(cat "$T/bad-$bad.err")" >>"$T/bad.txt"
done
DIAG_FILES=("$T/bad.txt")
check "--parallel 0, 65, -3 or a word: a usage error (exit 2) naming the option" eval '
  [ "$(grep -c "^[^ ]* 2 cadc-samp: cutouts: .*parallel" "$T/bad.txt")" = 4 ]'
check "... found before the archive is asked: nothing downloaded, no cutout served" eval '
  [ -z "$(cat "$T"/bad-*.list)" ] && [ "$(most)" = 0 ]'

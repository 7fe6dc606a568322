#!/bin/sh
# bench-votable.sh: VOTable parsing speed and memory, side by side.
# Generates a CADC-like 100k-row, 40-column VOTable (TABLEDATA and BINARY2;
# 1M rows too with BENCH_LARGE=1) and parses it with our streaming reader,
# a bare libxml2 SAX pass with empty callbacks, xmllint --stream and astropy
# (/usr/bin/python3), printing time, rows/s, MB/s, peak RSS and ratios.
# Targets: >= 9x astropy, faster than xmllint --stream, within 2x of bare
# SAX on TABLEDATA; BINARY2 faster than TABLEDATA; peak RSS < 32 MiB.
set -u
B=${CS_BUILDDIR:?}/tests
make -s -C "$B" bench-votable-gen bench-votable-parse bench-votable-sax >/dev/null || exit 1
W=$(mktemp -d "${TMPDIR:-/tmp}/bench-votable.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT INT TERM
fail=0

# run NAME CMD...: sets SECS (CPU seconds, user + system: every contender
# is single-threaded, and CPU time is steadier than wall time on a shared
# machine), WALL (elapsed seconds) and RSS_KB (peak resident set, KiB).
run () {
  name=$1; shift
  if ! /usr/bin/time -f '%e %U %S %M' -o "$W/time" "$@" >"$W/out" 2>"$W/err"; then
    echo "  $name: FAILED: $(head -c 300 "$W/err")"; SECS=; RSS_KB=; return 1
  fi
  read WALL u s RSS_KB <"$W/time"
  SECS=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
}

ratio () { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }

check () { # check DESC CONDITION(awk expr)
  if awk "BEGIN { exit !($2) }"; then echo "  target ok: $1"; else echo "  TARGET MISSED: $1"; fail=1; fi
}

bench_one () { # rows ser
  rows=$1; ser=$2; f="$W/t-$rows-$ser.xml"
  "$B/bench-votable-gen" "$rows" "$ser" >"$f" || { echo "generator failed"; exit 1; }
  mb=$(awk -v s="$(wc -c <"$f")" 'BEGIN { printf "%.1f", s / 1e6 }')
  echo "== $rows rows, $ser, $mb MB"
  run ours "$B/bench-votable-parse" "$f" || { fail=1; return; }
  t_ours=$SECS; r_ours=$RSS_KB
  echo "  (times are CPU seconds; wall clock in brackets)"
  echo "  ours:            ${t_ours}s [${WALL}s]  $(awk -v r="$rows" -v t="$t_ours" 'BEGIN{printf "%.0f", (t > 0 ? r / t : 0)}') rows/s  $(awk -v m="$mb" -v t="$t_ours" 'BEGIN{printf "%.0f", (t > 0 ? m / t : 0)}') MB/s  peak $((r_ours / 1024)) MiB  ($(cat "$W/out"))"
  eval "T_OURS_$ser=$t_ours"
  run sax "$B/bench-votable-sax" "$f" && { t_sax=$SECS;
    echo "  bare SAX:        ${SECS}s [${WALL}s]  peak $((RSS_KB / 1024)) MiB   ours/sax = $(ratio "$t_ours" "$t_sax")"; }
  if command -v xmllint >/dev/null 2>&1; then
    run xmllint xmllint --stream --huge --noout "$f" && { t_xl=$SECS;
      echo "  xmllint --stream: ${SECS}s [${WALL}s]  peak $((RSS_KB / 1024)) MiB   xmllint/ours = $(ratio "$t_xl" "$t_ours")"; }
  else
    t_xl=; echo "  xmllint: not installed"
  fi
  t_ap=
  if [ "$rows" -le 100000 ] && /usr/bin/python3 -c 'import astropy' 2>/dev/null; then
    run astropy /usr/bin/python3 -c 'import sys, warnings; warnings.simplefilter("ignore")
from astropy.io.votable import parse
t = parse(sys.argv[1]).get_first_table(); print(len(t.array))' "$f" && { t_ap=$SECS;
      echo "  astropy parse:   ${SECS}s [${WALL}s]  peak $((RSS_KB / 1024)) MiB   astropy/ours = $(ratio "$t_ap" "$t_ours")"; }
  fi
  check "peak RSS $((r_ours / 1024)) MiB < 32 MiB" "$r_ours < 32768"
  [ -n "$t_ap" ] && check ">= 9x astropy" "$t_ap >= 9 * $t_ours"
  if [ "$ser" = td ]; then
    [ -n "${t_xl:-}" ] && check "faster than xmllint --stream" "$t_ours < $t_xl"
    [ -n "${t_sax:-}" ] && check "within 2x of bare SAX" "$t_ours <= 2 * $t_sax"
  fi
}

bench_one 100000 td
bench_one 100000 binary2
check "BINARY2 faster than TABLEDATA" "$T_OURS_binary2 < $T_OURS_td"
if [ "${BENCH_LARGE:-0}" = 1 ]; then
  bench_one 1000000 td
  bench_one 1000000 binary2
fi
exit $fail

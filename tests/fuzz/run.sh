#!/bin/sh
# run.sh: runs harnesses built by build.sh, two at a time, niced.
#
#   tests/fuzz/run.sh OUTDIR SECONDS [NAME...]   (default: all harnesses)
#
# Corpora grow in OUTDIR/corpus/NAME; crashes are written as
# OUTDIR/crash-NAME-* (also leak-, timeout-, oom-); logs in OUTDIR/log-NAME.
# Limits: 10 s per input (a hang), 2 GiB RSS, 256 KiB inputs.
set -u
out=$1; secs=$2; shift 2
names=${*:-"votable datalink uws vosi caps coords xmlrpc lockfile fits"}
run_one() {
  n=$1
  mkdir -p "$out/corpus/$n"
  nice "$out/fuzz-$n" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len=262144 -print_final_stats=1 -artifact_prefix="$out/$n-" \
    "$out/corpus/$n" "$out/seeds/$n" > "$out/log-$n" 2>&1
  echo "$n: exit $? $(grep -h 'stat::number_of_executed_units' "$out/log-$n")"
}
set -- $names
while [ $# -gt 0 ]; do
  run_one "$1" &
  if [ $# -gt 1 ]; then run_one "$2" & shift; fi
  shift
  wait
done

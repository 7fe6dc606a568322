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
names=${*:-"votable datalink uws vosi caps coords xmlrpc hub-http http-server lockfile fits"}
run_one() {
  n=$1
  mkdir -p "$out/corpus/$n"
  # cfitsio callocs what a header announces and reports a failed calloc as
  # MEMORY_ALLOCATION: let an impossible size fail as it does outside ASan
  # (sizes that do succeed are still caught by -malloc_limit_mb/-rss_limit_mb).
  asan=${ASAN_OPTIONS:-}
  [ "$n" = fits ] && asan="allocator_may_return_null=1${asan:+:$asan}"
  ASAN_OPTIONS=$asan nice "$out/fuzz-$n" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
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

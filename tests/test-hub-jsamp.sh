#!/bin/bash
# test-hub-jsamp.sh: JSAMP's own hub test suite (`jsamp hubtester`, silent,
# exit 0 on success) against `cadc-samp hub`, plus refusal to start a
# second hub over the live one.
. "$(dirname "$0")/lib.sh"
need_jsamp
setup_samp
export JAVA_TOOL_OPTIONS="$JAVA_TOOL_OPTIONS -Djava.awt.headless=true"
unset DISPLAY
plan 3
spawn hub "$CADC_SAMP" hub
wait_file "$SAMP_LOCK" 10 || bail "cadc-samp hub wrote no lockfile"

DIAG_FILES=("$T/tester.log" "$LOGS/hub.log")
timeout 150 java -cp /usr/share/java/jsamp.jar org.astrogrid.samp.JSamp hubtester >"$T/tester.log" 2>&1
ok $? "jsamp hubtester passes against cadc-samp hub"

DIAG_FILES=("$T/hub2.log")
timeout 20 "$CADC_SAMP" hub >"$T/hub2.log" 2>&1; rc=$?
check "a second hub refuses to start over the live one (rc $rc)" \
  eval '[ $rc != 0 ] && grep -q "already running" "$T/hub2.log"'

DIAG_FILES=("$LOGS/hub.log")
kill -TERM "$(pid_of hub)"
wait_exit hub 10
check "hub exits on SIGTERM (rc $EXIT_RC) and removes its lockfile" \
  eval '[ $EXIT_RC = 0 ] && [ ! -e "$SAMP_LOCK" ]'

#!/bin/sh
# test-hub-jsamp.sh: JSAMP's own hub test suite (`jsamp hubtester`, silent,
# exit 0 on success) against `cadc-samp hub`, plus refusal to start a
# second hub over the live one.  Private HOME, user.home and lockfile.

CADC_SAMP=${CADC_SAMP:-../src/cadc-samp}
JSAMP_JAR=${JSAMP_JAR:-/usr/share/java/jsamp.jar}
if ! command -v java >/dev/null 2>&1 || [ ! -r "$JSAMP_JAR" ]; then
    echo "1..0 # SKIP JSAMP (jsamp.jar, java) not installed"
    exit 0
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/test-hub-jsamp.XXXXXX") || exit 1
HUBPID=
cleanup() {
    [ -n "$HUBPID" ] && kill -TERM -"$HUBPID" 2>/dev/null
    sleep 0.2
    [ -n "$HUBPID" ] && kill -KILL -"$HUBPID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

mkdir -p "$T/home" "$T/tmp"
HOME=$T/home
SAMP_HUB=std-lockurl:file://$T/home/.samp
JAVA_TOOL_OPTIONS="-Duser.home=$T/home -Djava.io.tmpdir=$T/tmp -Djava.awt.headless=true"
export HOME SAMP_HUB JAVA_TOOL_OPTIONS
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY DISPLAY

echo "1..3"
setsid "$CADC_SAMP" hub >"$T/hub.log" 2>&1 </dev/null &
HUBPID=$!
i=0
while [ ! -s "$T/home/.samp" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done

rc=0
if timeout 150 java -cp "$JSAMP_JAR" org.astrogrid.samp.JSamp hubtester >"$T/tester.log" 2>&1; then
    echo "ok 1 - jsamp hubtester passes against cadc-samp hub"
else
    echo "not ok 1 - jsamp hubtester passes against cadc-samp hub"
    grep -v "Picked up JAVA_TOOL_OPTIONS" "$T/tester.log" | head -40 | sed 's/^/# /'
    sed 's/^/# hub: /' "$T/hub.log" | tail -20
    rc=1
fi

if timeout 20 "$CADC_SAMP" hub >"$T/hub2.log" 2>&1; then
    echo "not ok 2 - a second hub refuses to start over the live one"
    rc=1
elif grep -q "already running" "$T/hub2.log"; then
    echo "ok 2 - a second hub refuses to start over the live one"
else
    echo "not ok 2 - a second hub refuses to start over the live one"
    sed 's/^/# /' "$T/hub2.log"
    rc=1
fi

kill -TERM "$HUBPID"
i=0
while kill -0 "$HUBPID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if ! kill -0 "$HUBPID" 2>/dev/null && [ ! -e "$T/home/.samp" ]; then
    echo "ok 3 - hub exits on SIGTERM and removes its lockfile"
else
    echo "not ok 3 - hub exits on SIGTERM and removes its lockfile"
    rc=1
fi
exit $rc

#!/bin/bash
# Start/stop a private SAMP hub for one test.
#
#   hub.sh start jsamp|astropy|cadc RUNDIR [PARENT_PID]   # prints nothing; rc 0 once the lockfile exists
#   hub.sh stop RUNDIR                               # SIGTERM the hub's process group (≤10 s, then KILL)
#   hub.sh kill RUNDIR                               # SIGKILL: no shutdown event, lockfile left stale
#
# cadc is `$CADC_SAMP hub` (cadc-samp's own hub).  The hub writes
# RUNDIR/home/.samp; callers export HOME=RUNDIR/home and
# SAMP_HUB=std-lockurl:file://RUNDIR/home/.samp (tests/lib.sh's setup_samp does).
# JVMs get -Duser.home=RUNDIR/home (Java ignores $HOME).  The hub runs in its own
# session (setsid); its pid (= process group) is in RUNDIR/pids/hub.pid.  With
# PARENT_PID, a watchdog kills the hub when that process dies, so a crashed
# test never leaves a hub behind.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON_SYSTEM:-/usr/bin/python3}

alive_pid() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null); [ -n "$s" ] && [ "${s#Z}" = "$s" ]; }

stop_group() {   # stop_group PIDFILE SIGNAL
    local f=$1 sig=$2 pid
    [ -s "$f" ] || return 0
    pid=$(cat "$f")
    if alive_pid "$pid"; then
        kill "-$sig" -- "-$pid" 2>/dev/null || kill "-$sig" "$pid" 2>/dev/null
        for _ in $(seq 1 100); do alive_pid "$pid" || break; sleep 0.1; done
        if alive_pid "$pid"; then kill -KILL -- "-$pid" 2>/dev/null; sleep 0.2; fi
    fi
    rm -f "$f"
}

cmd=${1:-}; shift || true
case "$cmd" in
start)
    kind=$1 run=$2 parent=${3:-}
    mkdir -p "$run/home" "$run/pids" "$run/logs" "$run/tmp"
    lock="$run/home/.samp"
    rm -f "$lock"
    export HOME="$run/home" SAMP_HUB="std-lockurl:file://$lock"
    export JAVA_TOOL_OPTIONS="-Duser.home=$run/home -Djava.io.tmpdir=$run/tmp"
    case "$kind" in
    jsamp)   setsid java -classpath /usr/share/java/jsamp.jar org.astrogrid.samp.JSamp \
                 hub -mode no-gui -profiles std </dev/null >"$run/logs/hub.log" 2>&1 & ;;
    astropy) setsid "$PY" "$HERE/astropy_hub.py" "$lock" </dev/null >"$run/logs/hub.log" 2>&1 & ;;
    cadc)    setsid "${CADC_SAMP:?}" hub </dev/null >"$run/logs/hub.log" 2>&1 & ;;
    *) echo "hub.sh: unknown hub kind $kind" >&2; exit 2;;
    esac
    hubpid=$!
    echo $hubpid > "$run/pids/hub.pid"
    if [ -n "$parent" ]; then
        # watchdog: own session, dies with the hub or kills it when the parent is gone
        setsid bash -c "while kill -0 $parent 2>/dev/null && kill -0 $hubpid 2>/dev/null; do sleep 1; done; kill -TERM -- -$hubpid 2>/dev/null; sleep 3; kill -KILL -- -$hubpid 2>/dev/null" \
            </dev/null >/dev/null 2>&1 &
    fi
    for _ in $(seq 1 300); do                       # ≤ 30 s
        [ -s "$lock" ] && grep -q '^samp.hub.xmlrpc.url=' "$lock" && exit 0
        alive_pid "$hubpid" || break
        sleep 0.1
    done
    echo "hub.sh: $kind hub did not write $lock; log:" >&2
    tail -5 "$run/logs/hub.log" >&2
    stop_group "$run/pids/hub.pid" KILL
    exit 1
    ;;
stop)  stop_group "$1/pids/hub.pid" TERM; rm -f "$1/home/.samp";;
kill)  stop_group "$1/pids/hub.pid" KILL;;
*) sed -n '2,15p' "$0"; exit 2;;
esac

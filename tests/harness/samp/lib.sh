# lib.sh: shell helpers for tests that need real SAMP hubs and peers.
# Source it from a bash test:  . "$CS_HARNESS/samp/lib.sh"; samph_init
#
# samph_init                 private $SAMPH_RUN (mktemp), HOME, SAMP_HUB lockfile,
#                            JAVA_TOOL_OPTIONS, XPA_*, TMPDIR; EXIT trap stops everything
# samph_have CMD...          true if every command is installed
# samph_launch NAME CMD...   start CMD in its own session (pid = process group)
# samph_stop NAME            SIGTERM NAME's group, ≤10 s, then SIGKILL
# samph_start_hub KIND       jsamp | astropy; waits for the lockfile
# samph_stop_hub / samph_kill_hub
# samph_start_xvfb           private display via Xvfb -displayfd; exports DISPLAY
# samph_wait_client NAME[:MTYPE] [SECS]   wait until registered (and subscribed)
# samph_py                   /usr/bin/python3 (the one with astropy)
SAMPH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SAMPH_PY=/usr/bin/python3

samph_have() { local c; for c in "$@"; do command -v "$c" >/dev/null 2>&1 || return 1; done; }

samph_init() {
    SAMPH_RUN=$(mktemp -d "${TMPDIR:-/tmp}/cs-samp.XXXXXX")
    mkdir -p "$SAMPH_RUN"/{home,pids,logs,tmp,xpa}
    export SAMPH_RUN HOME="$SAMPH_RUN/home"
    export SAMPH_LOCK="$SAMPH_RUN/home/.samp"
    export SAMP_HUB="std-lockurl:file://$SAMPH_LOCK"
    export JAVA_TOOL_OPTIONS="-Duser.home=$SAMPH_RUN/home -Djava.io.tmpdir=$SAMPH_RUN/tmp"
    export XPA_METHOD=local XPA_TMPDIR="$SAMPH_RUN/xpa"
    export TMPDIR="$SAMPH_RUN/tmp" TMP="$SAMPH_RUN/tmp" TEMP="$SAMPH_RUN/tmp"
    trap samph_cleanup EXIT
}

samph_alive_pid() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null); [ -n "$s" ] && [ "${s#Z}" = "$s" ]; }

samph_launch() {
    local name=$1; shift
    setsid "$@" </dev/null >"$SAMPH_RUN/logs/$name.log" 2>&1 &
    echo $! > "$SAMPH_RUN/pids/$name.pid"
}

samph_stop() {
    local f="$SAMPH_RUN/pids/$1.pid" pid
    [ -s "$f" ] || return 0
    pid=$(cat "$f")
    if samph_alive_pid "$pid"; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 1 100); do samph_alive_pid "$pid" || break; sleep 0.1; done
        samph_alive_pid "$pid" && kill -KILL -- "-$pid" 2>/dev/null
    fi
    rm -f "$f"
}

samph_start_hub() { "$SAMPH_DIR/hub.sh" start "$1" "$SAMPH_RUN" $$; }
samph_stop_hub() { "$SAMPH_DIR/hub.sh" stop "$SAMPH_RUN"; }
samph_kill_hub() { "$SAMPH_DIR/hub.sh" kill "$SAMPH_RUN"; }

samph_start_xvfb() {
    local fifo="$SAMPH_RUN/displayfd" d=""
    mkfifo "$fifo"
    setsid Xvfb -displayfd 3 -screen 0 1600x1200x24 -nolisten tcp -noreset 3>"$fifo" \
        </dev/null >"$SAMPH_RUN/logs/xvfb.log" 2>&1 &
    echo $! > "$SAMPH_RUN/pids/xvfb.pid"
    read -r -t 20 d < "$fifo" || return 1
    [ -n "$d" ] || return 1
    export DISPLAY=":$d"
}

samph_wait_client() {
    "$SAMPH_PY" "$SAMPH_DIR/samp_query.py" --wait "$1" --timeout "${2:-60}" >/dev/null
}

samph_cleanup() {
    local f
    for f in "$SAMPH_RUN"/pids/*.pid; do
        [ -e "$f" ] || continue
        case "$f" in */hub.pid|*/xvfb.pid) continue;; esac
        samph_stop "$(basename "$f" .pid)"
    done
    "$SAMPH_DIR/hub.sh" stop "$SAMPH_RUN"
    samph_stop xvfb
    rm -rf "$SAMPH_RUN"
}

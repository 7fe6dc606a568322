# tests/lib.sh: the one kit every shell test sources (bash).
#
#   . "$(dirname "$0")/lib.sh"
#   need_cmds java; need_astropy          # else the whole test is skipped, saying why
#   setup_samp; start_hub jsamp           # private HOME, lockfile, JVM home, XPA, TMPDIR
#   plan 3
#   check "status lists the listener" grep -q pylisten "$T/out"
#
# TAP: plan N, ok RC DESC, check DESC CMD..., results_of CMD..., skip REASON,
# skip_all REASON, bail REASON, diag TEXT...  A failed check prints the
# command, $why (set it before the call: why="..." check ...) and the tail of
# each file in DIAG_FILES.  results_of counts the "ok DESC"/"not ok DESC"
# lines of a driver that must keep state across steps (a SAMP peer).
# A test's exit status is 1 when a check failed or the count is not the plan.
#
# Isolation: setup_tmp makes $T (removed on EXIT unless KEEP_TMP=1) with a
# private HOME, XDG dirs, TMPDIR, NETRC; no proxy, no SAMP_HUB and no CADC_*
# setting from the caller's environment leaks in.  setup_samp adds the SAMP world:
# SAMP_HUB=std-lockurl:file://$SAMP_LOCK, JVMs' user.home and tmpdir,
# XPA_METHOD=local with a private XPA_TMPDIR.
#
# Processes: spawn NAME CMD... starts CMD in its own session (setsid), its
# output in $LOGS/NAME.log, its pid (= process group) in $T/pids/NAME.pid.
# stop NAME sends SIGTERM to the group, waits up to 10 s, then SIGKILL.
# On EXIT everything still running is stopped (newest first), then the
# hub, then Xvfb, then $T is removed.  Nothing is left behind.
#
# Stand-in servers (serve NAME SCRIPT, start_http_server, start_login_server)
# print their port and serve until their stdin, a FIFO the test holds open
# until EXIT, closes; they are stopped like spawned processes too.
#
# The hub is run by harness/samp/hub.sh (also used by the C tests), in $T's
# layout: $T/home/.samp, $T/pids/hub.pid, $LOGS/hub.log.

set -u        # a mistyped variable is an error, not an empty string
CS_TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CS_HARNESS=${CS_HARNESS:-$CS_TESTS_DIR/harness}
CS_TESTDATA=${CS_TESTDATA:-$CS_TESTS_DIR/data}
CADC_SAMP=${CADC_SAMP:-$CS_TESTS_DIR/../src/cadc-samp}
PY=${PYTHON3_ASTROPY:-/usr/bin/python3}    # the python with astropy (system one)
SAMP_TOOLS=$CS_HARNESS/samp
export CS_HARNESS CS_TESTDATA CADC_SAMP
CS_ORIG_TMPDIR=${TMPDIR:-/tmp}   # before setup_tmp moves TMPDIR into $T

# ---------------------------------------------------------------- TAP

TAP_N=0 TAP_PLAN= TAP_FAILED=0
DIAG_FILES=()

# plan N: print the plan; call it once, before the first result.
plan () { TAP_PLAN=$1; echo "1..$1"; }

# diag TEXT...: each line of TEXT as a TAP comment
diag () { local l; printf '%s\n' "$@" | while IFS= read -r l; do echo "# $l"; done; }

_tap_why () {
  [ -n "${why:-}" ] && diag "$why" | head -20
  local f
  for f in "${DIAG_FILES[@]}"; do
    [ -s "$f" ] && { echo "# --- ${f##*/}:"; tail -20 "$f" | sed 's/^/#   /'; }
  done
  return 0
}

# ok RC DESC: a result from an exit status already known ([ ... ]; ok $? "...").
ok () {
  TAP_N=$((TAP_N + 1))
  if [ "$1" = 0 ]; then echo "ok $TAP_N - $2"; return 0; fi
  echo "not ok $TAP_N - $2"
  TAP_FAILED=$((TAP_FAILED + 1))
  _tap_why
  return 1
}

# check DESC CMD...: run CMD (a program, function or `eval '...'`); ok when
# it exits 0.  On failure: the command, $why and the DIAG_FILES tails.
# (The kit's locals start with _k_ so that an eval'd command sees the test's variables.)
check () {
  local _k_desc=$1 _k_rc; shift
  "$@"; _k_rc=$?
  TAP_N=$((TAP_N + 1))
  if [ $_k_rc = 0 ]; then echo "ok $TAP_N - $_k_desc"; return 0; fi
  echo "not ok $TAP_N - $_k_desc"
  TAP_FAILED=$((TAP_FAILED + 1))
  diag "command (exit $_k_rc): $*" | head -5
  _tap_why
  return 1
}

# results_of CMD...: results stated by a driver CMD (say a python SAMP peer
# that must stay registered across several steps): each line it prints as
# "ok DESC" or "not ok DESC" (no number) becomes a result counted like
# ok's; "Bail out! REASON" bails; other lines ("# diag") pass through.
# CMD gets the caller's stdin (a heredoc).  Fewer results than planned fail.
results_of () {
  local _k_line
  while IFS= read -r _k_line; do
    case $_k_line in
      "not ok "*) ok 1 "${_k_line#not ok }";;
      "ok "*) ok 0 "${_k_line#ok }";;
      "Bail out! "*) bail "${_k_line#Bail out! }";;
      *) echo "$_k_line";;
    esac
  done < <("$@")
}

# skip REASON: one test skipped (its peer is not installed)
skip () { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N # SKIP $1"; }

# skip_all REASON: skip the rest of the test (all of it before plan) and exit 0.
skip_all () {
  if [ -z "$TAP_PLAN" ]; then
    echo "1..0 # SKIP $1"
  else
    while [ "$TAP_N" -lt "$TAP_PLAN" ]; do skip "$1"; done
  fi
  TAP_SKIPPED_ALL=1
  exit 0
}

# bail REASON: stop the test (a set-up failure); shows the logs' tails.
bail () {
  TAP_BAILED=1
  echo "Bail out! $1"
  local f
  for f in "${LOGS:-/nonexistent}"/*.log; do
    [ -s "$f" ] && { echo "# --- ${f##*/}:"; tail -5 "$f" | sed 's/^/#   /'; }
  done
  exit 1
}

# ---------------------------------------------------------------- prerequisites

# have CMD...: true if every command is installed
have () { local c; for c in "$@"; do command -v "$c" >/dev/null 2>&1 || return 1; done; }
have_jsamp () { [ -r /usr/share/java/jsamp.jar ] && have java; }
have_astropy () { "$PY" -c 'import astropy.samp, astropy.io.fits, astropy.io.votable' 2>/dev/null; }
have_dachs () { have dachs && dpkg -s gavodachs2-server >/dev/null 2>&1; }

# need_cmds CMD... / need_jsamp / need_astropy / need_dachs: else skip_all
need_cmds () {
  local c miss=
  for c in "$@"; do have "$c" || miss="$miss $c"; done
  [ -z "$miss" ] || skip_all "not installed:$miss"
}
need_jsamp () { have_jsamp || skip_all "JSAMP (jsamp.jar + java) not installed"; }
need_astropy () { have_astropy || skip_all "astropy not installed for $PY"; }
need_dachs () { have_dachs || skip_all "DaCHS (gavodachs2-server) not installed: run tests/harness/dachs/install.sh"; }

# ---------------------------------------------------------------- temp dir, environment

# setup_tmp: $T (private temp dir), $LOGS; HOME, XDG_*, TMPDIR, NETRC inside
# it; proxies, SAMP_HUB and CADC_* settings unset; EXIT removes it all.
setup_tmp () {
  local name; name=$(basename "$0" .sh)
  T=$(mktemp -d "${TMPDIR:-/tmp}/cs-$name.XXXXXX") || bail "mktemp failed"
  LOGS=$T/logs
  mkdir -p "$T/home/.config" "$T/cache" "$T/tmp" "$T/pids" "$LOGS"
  export T LOGS HOME=$T/home XDG_CONFIG_HOME=$T/home/.config XDG_CACHE_HOME=$T/cache
  export NETRC=$T/netrc TMPDIR=$T/tmp TMP=$T/tmp TEMP=$T/tmp
  unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
  unset CADC_REGISTRY_URL CADC_SAMP_COOKIE_DOMAINS CADC_SAMP_REGISTRY_FALLBACKS CURL_CA_BUNDLE
  unset SAMP_HUB   # no hub of the caller's session (setup_samp names a private one)
  trap _kit_cleanup EXIT
  trap 'exit 1' INT TERM HUP
}

# setup_samp: setup_tmp + a private SAMP world (no hub yet: start_hub)
setup_samp () {
  setup_tmp
  mkdir -p "$T/xpa"
  export SAMP_LOCK=$HOME/.samp
  export SAMP_HUB=std-lockurl:file://$SAMP_LOCK
  export JAVA_TOOL_OPTIONS="-Duser.home=$HOME -Djava.io.tmpdir=$T/tmp"
  export XPA_METHOD=local XPA_TMPDIR=$T/xpa
}

# at_exit CMD: run the shell command CMD first on EXIT (extra cleanup)
KIT_AT_EXIT=()
at_exit () { KIT_AT_EXIT+=("$1"); }

# ---------------------------------------------------------------- processes

KIT_SPAWNED=()
_alive () { local s; s=$(ps -o stat= -p "$1" 2>/dev/null); [ -n "$s" ] && [ "${s#Z}" = "$s" ]; }

# spawn NAME CMD...: start CMD in its own session; $LOGS/NAME.log; sets LAST_PID
spawn () {
  local name=$1; shift
  setsid "$@" </dev/null >"$LOGS/$name.log" 2>&1 &
  LAST_PID=$!
  echo "$LAST_PID" >"$T/pids/$name.pid"
  KIT_SPAWNED+=("$name")
}

# pid_of NAME: the pid (= process group) of a spawned NAME
pid_of () { cat "$T/pids/$1.pid" 2>/dev/null; }

# stop NAME: SIGTERM NAME's process group, wait up to 10 s, then SIGKILL
stop () {
  local f=$T/pids/$1.pid pid
  [ -s "$f" ] || return 0
  pid=$(cat "$f")
  if _alive "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    wait_until 10 eval "! _alive $pid" || kill -KILL -- "-$pid" 2>/dev/null
  fi
  rm -f "$f"
}

# wait_exit NAME [SECS]: wait (10 s) for spawned NAME to end; its exit
# status in EXIT_RC (124: still running).  Not in a $(...) subshell.
wait_exit () {
  local pid; pid=$(pid_of "$1")
  EXIT_RC=124
  if wait_until "${2:-10}" eval "! _alive $pid"; then wait "$pid" 2>/dev/null; EXIT_RC=$?; fi
  [ "$EXIT_RC" != 124 ]
}

_kit_cleanup () {
  local rc=$? i c
  for c in "${KIT_AT_EXIT[@]}"; do eval "$c"; done
  for (( i=${#KIT_SPAWNED[@]}-1; i>=0; i-- )); do
    case ${KIT_SPAWNED[$i]} in hub|xvfb) ;; *) stop "${KIT_SPAWNED[$i]}";; esac
  done
  [ -s "$T/pids/hub.pid" ] && "$SAMP_TOOLS/hub.sh" stop "$T"
  stop xvfb
  wait 2>/dev/null
  cd /
  [ "${KEEP_TMP:-0}" = 1 ] && echo "# kept $T" || rm -rf "$T"
  if [ -z "${TAP_SKIPPED_ALL:-}${TAP_BAILED:-}" ] && [ -n "$TAP_PLAN" ]; then
    rc=0
    if [ "$TAP_N" != "$TAP_PLAN" ]; then echo "# planned $TAP_PLAN tests, ran $TAP_N"; rc=1; fi
  fi
  [ "$TAP_FAILED" = 0 ] || rc=1
  exit $rc
}

# ---------------------------------------------------------------- port 21012

# cs_hold_web_port [SECS]: wait (default 600 s) for an exclusive flock on
# ${TMPDIR:-/tmp}/cadc-samp-web-port.lock (TMPDIR as it was before
# setup_tmp) and keep its fd open for the rest of the test, so no two tests
# or helpers bind the SAMP Web Profile port 21012 at once.  Call it before
# anything that binds 21012; the lock goes with the test's shell (and any
# process it spawned, which inherit the fd: they are stopped on EXIT).
cs_hold_web_port () {
  local lock="$CS_ORIG_TMPDIR/cadc-samp-web-port.lock"
  exec {CS_WEB_PORT_FD}>>"$lock" || bail "cannot open $lock"
  flock -w "${1:-600}" "$CS_WEB_PORT_FD" || bail "port 21012 lock $lock still held after ${1:-600} s"
}

# ---------------------------------------------------------------- waiting

# wait_until SECS CMD...: poll CMD every 0.1 s until it succeeds; false on timeout
wait_until () {
  local _k_end=$(( $(date +%s%N) / 1000000 + ${1%.*} * 1000 )); shift
  while :; do
    "$@" && return 0
    [ $(( $(date +%s%N) / 1000000 )) -ge $_k_end ] && return 1
    sleep 0.1
  done
}

# wait_file FILE [SECS]: until FILE exists and is not empty (20 s)
wait_file () { wait_until "${2:-20}" test -s "$1"; }

# ---------------------------------------------------------------- SAMP world

# start_hub jsamp|astropy|cadc: a private hub (waits for its lockfile);
# cadc is `cadc-samp hub`
start_hub () {
  rm -f "$T/pids/hub.pid"
  "$SAMP_TOOLS/hub.sh" start "$1" "$T" $$ || return 1
  KIT_SPAWNED+=(hub)
}
# stop_hub: SIGTERM (the hub sends samp.hub.event.shutdown, lockfile gone)
stop_hub () { "$SAMP_TOOLS/hub.sh" stop "$T"; }
# kill_hub: SIGKILL (no event, stale lockfile left)
kill_hub () { "$SAMP_TOOLS/hub.sh" kill "$T"; }

# start_xvfb [WxHxD]: a private X display (Xvfb picks a free one:
# -displayfd) with a screen of that size (1600x1200x24); exports DISPLAY
start_xvfb () {
  local d=
  mkfifo "$T/displayfd"
  setsid Xvfb -displayfd 3 -screen 0 "${1:-1600x1200x24}" -nolisten tcp -noreset 3>"$T/displayfd" \
    </dev/null >"$LOGS/xvfb.log" 2>&1 &
  echo $! >"$T/pids/xvfb.pid"
  read -r -t 20 d <"$T/displayfd" || return 1
  [ -n "$d" ] || return 1
  export DISPLAY=:$d
}

# start_xpans: the XPA name server ds9 needs, private to $XPA_TMPDIR
start_xpans () { spawn xpans xpans -f "$XPA_TMPDIR/xpans_unix" -l "$XPA_TMPDIR/xpans.log"; }

# wait_client NAME[:MTYPE] [SECS]: until a client of that samp.name is
# registered (and subscribed to MTYPE); 60 s
wait_client () { "$PY" "$SAMP_TOOLS/samp_query.py" --wait "$1" --timeout "${2:-60}" >/dev/null 2>&1; }

# registered NAME: is a client of that samp.name registered now
registered () { "$PY" "$SAMP_TOOLS/bridge-peer.py" wait-client "$1" 1 >/dev/null 2>&1; }

# peer ARGS...: the scriptable astropy peer (harness/samp/bridge-peer.py)
peer () { "$PY" "$SAMP_TOOLS/bridge-peer.py" "$@"; }

# start_recorder NAME FILE [ARGS...]: a peer that appends each message it
# receives to FILE as a JSON line (bridge-peer.py record); waits until registered
start_recorder () {
  local name=$1 file=$2; shift 2
  rm -f "$T/$name.ready"
  spawn "$name" "$PY" "$SAMP_TOOLS/bridge-peer.py" record "$file" --ready "$T/$name.ready" "$@"
  wait_file "$T/$name.ready" 30
}

# count_msgs FILE MTYPE: messages of MTYPE a recorder got so far
count_msgs () { local n; n=$(grep -c "\"mtype\": \"$2\"" "$1" 2>/dev/null); echo "${n:-0}"; }
# wait_msgs FILE MTYPE N SECS: until the recorder has N messages of MTYPE
wait_msgs () { wait_until "$4" eval "[ \$(count_msgs '$1' '$2') -ge $3 ]"; }
# last_param FILE MTYPE KEY: KEY of the last MTYPE message recorded
last_param () { grep "\"mtype\": \"$2\"" "$1" | tail -1 | json "d['params']['$3']"; }

# start_listen NAME ARGS...: `cadc-samp listen ARGS` spawned as NAME; waits
# until it is registered with the hub
start_listen () {
  local name=$1; shift
  spawn "$name" "$CADC_SAMP" listen "$@"
  wait_client cadc-samp 30
}

# ---------------------------------------------------------------- DaCHS

# start_dachs: the shared local DaCHS (tests/harness/dachs/start.sh,
# idempotent; never stopped by a test); sets DACHS_URL.  Skips when DaCHS
# is not installed, bails when it does not answer.
start_dachs () {
  need_dachs
  DACHS_URL=http://127.0.0.1:${DACHS_PORT:-18080}
  curl -sf -m 10 "$DACHS_URL/tap/availability" >/dev/null 2>&1 && return 0
  DACHS_URL=$( (trap - EXIT; timeout 300 "$CS_HARNESS/dachs/start.sh" 2>"$LOGS/dachs-start.log" | tail -1) )
  [ -n "$DACHS_URL" ] || bail "DaCHS did not start"
}

# start_dachs_parts: start_dachs, then start.sh even when DaCHS answers, so
# that a DaCHS started before a part was added (the vo2 ObsCore archive)
# imports it; for the tests that need such a part.
start_dachs_parts () {
  start_dachs
  timeout 300 "$CS_HARNESS/dachs/start.sh" >/dev/null 2>"$LOGS/dachs-parts.log" \
    || { tail -5 "$LOGS/dachs-parts.log"; bail "start.sh failed"; }
}

# ---------------------------------------------------------------- stand-in servers

# serve NAME SCRIPT [ARGS...]: a stand-in server, python SCRIPT (under $PY)
# that prints its port as its first line and serves until its stdin
# closes.  Its stdin is a FIFO this shell holds open until EXIT, so it never
# outlives the test; own session, stderr in $LOGS/NAME.log, stopped like a
# spawned NAME; sets SERVED_PORT.
serve () {
  local name=$1 script=$2 fd; shift 2
  rm -f "$T/$name.in" "$T/$name.port"; mkfifo "$T/$name.in"
  setsid "$PY" "$script" "$@" <"$T/$name.in" >"$T/$name.port" 2>"$LOGS/$name.log" &
  echo $! >"$T/pids/$name.pid"
  KIT_SPAWNED+=("$name")
  exec {fd}>"$T/$name.in"
  at_exit "exec $fd>&-"
  wait_file "$T/$name.port" 10 || return 1
  SERVED_PORT=$(head -1 "$T/$name.port")
}

# start_http_server: tests/http-test-server.py (the stand-in archive of
# vo-http's behaviours: /hostile, /huge, /trickle, /forbidden, /unauth ...,
# see its header); sets HTTP_PORT and HTTP_URL (http://127.0.0.1:PORT).
start_http_server () {
  serve http-server "$CS_TESTS_DIR/http-test-server.py" || return 1
  HTTP_PORT=$SERVED_PORT HTTP_URL=http://127.0.0.1:$SERVED_PORT
}

# start_login_server LOG [ARGS...]: harness/login/login-server.py (the
# stand-in CADC login + protected TAP, and the recording http_proxy), each
# request recorded as a JSON line in LOG; sets LOGIN_PORT and LOGIN_LOG.
start_login_server () {
  LOGIN_LOG=$1; shift
  serve login-server "$CS_HARNESS/login/login-server.py" --log "$LOGIN_LOG" "$@" || return 1
  LOGIN_PORT=$SERVED_PORT
}

# last_req PATH EXPR: EXPR (python, on r) holds for the login server's
# record of the last request to PATH
last_req () {
  "$PY" - "$LOGIN_LOG" "$@" <<'PYEOF'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
hits = [r for r in reqs if r["path"].split("?")[0] == sys.argv[2]]
sys.exit(0 if hits and eval(sys.argv[3], {}, {"r": hits[-1]}) else 1)
PYEOF
}

# reqs EXPR: EXPR (python, on r = the list of every request the login
# server recorded, oldest first) holds
reqs () {
  "$PY" -c 'import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(0 if eval(sys.argv[2], {}, {"r": r}) else 1)' "$LOGIN_LOG" "$1"
}

# ---------------------------------------------------------------- small tools

# json EXPR: EXPR (python, on d = the JSON read from stdin), printed
json () { "$PY" -c "import json,sys; d=json.loads(sys.stdin.read()); print($1)"; }
# json_lines EXPR: for each JSON line of stdin (a recorder's file), EXPR
# (python, on d; "a, b" prints both, space-separated), printed
json_lines () { "$PY" -c "import json,sys
for l in sys.stdin:
    d = json.loads(l); print(*[$1])"; }
# count_lines FILE PATTERN: lines of FILE matching the grep PATTERN (0 when none or no FILE)
count_lines () { local n; n=$(grep -c -- "$2" "$1" 2>/dev/null); echo "${n:-0}"; }
# wait_lines FILE PATTERN N SECS: until FILE (a log) has N lines matching PATTERN
wait_lines () { wait_until "$4" _kit_has_lines "$1" "$2" "$3"; }
_kit_has_lines () { [ "$(count_lines "$1" "$2")" -ge "$3" ]; }
# screenshot FILE: the whole X screen ($DISPLAY) as a PNG (imagemagick's import)
screenshot () { import -window root "$1" 2>/dev/null; }
# free_port: a TCP port on 127.0.0.1 nobody listens on
free_port () { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
# vot_rows FILE|file://URL: number of <TR> rows in a VOTable
vot_rows () { grep -o '<TR>' "${1#file://}" 2>/dev/null | wc -l; }

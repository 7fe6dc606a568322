# bridge-env.sh: sourced by the cadc-samp listen tests.  A private HOME and
# SAMP lockfile, a JSAMP (or astropy) hub, the local DaCHS, and helpers to
# start processes in their own process groups and stop exactly those.
#   . "$CS_HARNESS/samp/bridge-env.sh"; bridge_setup; bridge_start_hub jsamp; ...
# Every process is started with setsid; bridge_cleanup (trap EXIT) kills
# the recorded groups, waits, and removes the temp dir.
PY=${PYTHON3_ASTROPY:-/usr/bin/python3}
BRIDGE_PGIDS=()

bridge_setup () {
  BRIDGE_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cs-bridge-test.XXXXXX")
  export HOME=$BRIDGE_TMP/home XDG_CONFIG_HOME=$BRIDGE_TMP/config XDG_CACHE_HOME=$BRIDGE_TMP/cache
  mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
  export SAMP_HUB=std-lockurl:file://$HOME/.samp
  export JAVA_TOOL_OPTIONS="-Duser.home=$HOME -Djava.io.tmpdir=$BRIDGE_TMP"
  trap bridge_cleanup EXIT
}

# bridge_spawn LOGNAME CMD...: start in a new session; sets BRIDGE_LAST_PID.
bridge_spawn () {
  local log=$1; shift
  setsid "$@" </dev/null >"$BRIDGE_TMP/$log.log" 2>&1 &
  BRIDGE_LAST_PID=$!
  BRIDGE_PGIDS+=("$BRIDGE_LAST_PID")
}

# bridge_stop PID: SIGTERM its group, wait up to 10 s, then SIGKILL.
bridge_stop () {
  local pid=$1 i
  kill -TERM -- "-$pid" 2>/dev/null || return 0
  for i in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" = Z ] && return 0
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null
}

bridge_cleanup () {
  local i
  for (( i=${#BRIDGE_PGIDS[@]}-1; i>=0; i-- )); do bridge_stop "${BRIDGE_PGIDS[$i]}"; done
  wait 2>/dev/null
  [ -n "${BRIDGE_KEEP:-}" ] || rm -rf "$BRIDGE_TMP"
}

# bridge_wait_file FILE SECONDS
bridge_wait_file () {
  local i
  for i in $(seq $(( $2 * 10 ))); do [ -s "$1" ] && return 0; sleep 0.1; done
  return 1
}

have_jsamp () { [ -r /usr/share/java/jsamp.jar ] && command -v java >/dev/null; }
have_astropy () { "$PY" -c 'import astropy.samp' 2>/dev/null; }

# bridge_start_hub jsamp|astropy: sets BRIDGE_HUB_PID; waits for the lockfile.
bridge_start_hub () {
  if [ "$1" = jsamp ]; then
    bridge_spawn hub java -classpath /usr/share/java/jsamp.jar org.astrogrid.samp.JSamp \
      hub -mode no-gui -profiles std
  else
    bridge_spawn hub "$PY" -c '
import signal, sys, time
from astropy.samp import SAMPHubServer
h = SAMPHubServer(lockfile=sys.argv[1], web_profile=False, addr="127.0.0.1")
h.start()
signal.signal(signal.SIGTERM, lambda *a: (h.stop(), sys.exit(0)))
while True: time.sleep(1)' "$HOME/.samp"
  fi
  BRIDGE_HUB_PID=$BRIDGE_LAST_PID
  bridge_wait_file "$HOME/.samp" 20
}

# bridge_dachs: prints the DaCHS base URL, or nothing when not installed.
bridge_dachs () {
  local base=http://127.0.0.1:${DACHS_PORT:-18080}
  command -v dachs >/dev/null || return 1
  # Already running: do not go through start.sh (its lock can be held).
  if curl -sf -m 5 "$base/tap/availability" >/dev/null 2>&1; then
    echo "$base"; return 0
  fi
  ( trap - EXIT; timeout 120 "$CS_HARNESS/dachs/start.sh" 2>/dev/null | tail -1 )
}

# bridge_listen LOGNAME ARGS...: start cadc-samp listen; sets BRIDGE_LISTEN_PID
# and waits until it is registered.
bridge_listen () {
  local log=$1; shift
  bridge_spawn "$log" "$CADC_SAMP" listen "$@"
  BRIDGE_LISTEN_PID=$BRIDGE_LAST_PID
  "$PY" "$CS_HARNESS/samp/bridge-peer.py" wait-client cadc-samp 20
}

# count_lines FILE MTYPE: messages of that MType recorded so far
count_msgs () { local n; n=$(grep -c "\"mtype\": \"$2\"" "$1" 2>/dev/null); echo "${n:-0}"; }

# wait_msgs FILE MTYPE N SECONDS
wait_msgs () {
  local i
  for i in $(seq $(( $4 * 10 ))); do
    [ "$(count_msgs "$1" "$2")" -ge "$3" ] && return 0
    sleep 0.1
  done
  return 1
}

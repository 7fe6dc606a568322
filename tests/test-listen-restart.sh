#!/bin/bash
# test-listen-restart.sh: `cadc-samp listen` survives its hub.  A JSAMP hub
# is killed outright (no shutdown event, stale lockfile) and started again;
# then stopped cleanly (shutdown event, lockfile removed) and started again.
# Each time listen registers by itself with the new hub, and a pointAt from
# a (new) astropy peer still produces the known 9-row DaCHS table.
# Prints TAP; skips only when JSAMP, astropy or DaCHS is not installed.
set -u
. "$CS_HARNESS/samp/bridge-env.sh"
PEER="$PY $CS_HARNESS/samp/bridge-peer.py"
HUB="$CS_HARNESS/samp/hub.sh"
N=5
echo "1..$N"
skip_all () { for i in $(seq $N); do echo "ok $i # SKIP $1"; done; exit 0; }
have_jsamp || skip_all "JSAMP (jsamp.jar + java) not installed"
have_astropy || skip_all "astropy not installed for $PY"
bridge_setup
BASE=$(bridge_dachs) || true
[ -n "$BASE" ] || skip_all "DaCHS (the local TAP server) not installed or not starting"
T=0
check () { T=$((T+1)); if eval "$2"; then echo "ok $T - $1"; else echo "not ok $T - $1"; [ -n "${3:-}" ] && echo "# $3" | head -20; fi; }
json () { "$PY" -c "import json,sys; d=json.loads(sys.stdin.read()); print($1)"; }
# the hub lives in $BRIDGE_TMP/pids/hub.pid (hub.sh's layout: RUNDIR/home = $HOME)
trap '"$HUB" stop "$BRIDGE_TMP" >/dev/null 2>&1; bridge_cleanup' EXIT
hub_start () { "$HUB" start jsamp "$BRIDGE_TMP" $$; }

# A recorder registered with the current hub; its table count after a pointAt.
REC=$BRIDGE_TMP/rec.jsonl
RECORDER=""
recorder () {
  [ -n "$RECORDER" ] && bridge_stop "$RECORDER"
  rm -f "$BRIDGE_TMP/rec.ready"
  bridge_spawn recorder $PEER record "$REC" --mtype table.load.votable --ready "$BRIDGE_TMP/rec.ready"
  RECORDER=$BRIDGE_LAST_PID
  bridge_wait_file "$BRIDGE_TMP/rec.ready" 20
}
point_and_count () {   # point_and_count RA: prints the rows of the table that arrives
  local before url
  before=$(count_msgs "$REC" table.load.votable)
  $PEER send coord.pointAt.sky ra=$1 dec=54.3 --notify >/dev/null
  wait_msgs "$REC" table.load.votable $((before+1)) 90 || { echo none; return; }
  url=$(grep '"table.load.votable"' "$REC" | tail -1 | json 'd["params"]["url"]')
  grep -o '<TR>' "${url#file://}" 2>/dev/null | wc -l
}
registered_with () {   # registered_with N SECONDS: listen is registered with the current hub
  local i
  for i in $(seq $(( $2 * 2 ))); do
    [ "$(grep -c 'registered with the hub' "$BRIDGE_TMP/listen.log")" -ge "$1" ] \
      && $PEER wait-client cadc-samp 1 && return 0
    sleep 0.5
  done
  return 1
}

hub_start || { echo "Bail out! JSAMP hub did not start"; exit 1; }
recorder
bridge_listen listen --hub=never --tap "$BASE/tap" --radius 0.3deg --collection CFHT --no-cutouts
ROWS=$(point_and_count 131.28125)
check "before any restart: pointAt -> 9 rows ($ROWS)" "[ '$ROWS' = 9 ]"

# 2-3. kill -9 the hub (stale lockfile, no event), start a new one
"$HUB" kill "$BRIDGE_TMP"
sleep 1
hub_start || { echo "Bail out! JSAMP hub did not restart"; exit 1; }
registered_with 2 60
check "hub killed and restarted: listen registered again by itself" "[ $? = 0 ]" \
  "$(tail -5 "$BRIDGE_TMP/listen.log")"
recorder
ROWS=$(point_and_count 131.28126)
check "after the killed hub's restart: pointAt -> 9 rows ($ROWS)" "[ '$ROWS' = 9 ]" \
  "$(tail -5 "$BRIDGE_TMP/listen.log")"

# 4-5. clean stop (samp.hub.event.shutdown, lockfile removed), start again
"$HUB" stop "$BRIDGE_TMP"
sleep 1
hub_start || { echo "Bail out! JSAMP hub did not restart"; exit 1; }
registered_with 3 60
R=$?
recorder
ROWS=$(point_and_count 131.28127)
check "hub stopped and restarted: registered again, pointAt -> 9 rows ($ROWS)" \
  "[ $R = 0 ] && [ '$ROWS' = 9 ]" "$(tail -5 "$BRIDGE_TMP/listen.log")"
kill -0 "$BRIDGE_LISTEN_PID" 2>/dev/null
check "listen is the same process throughout" "[ $? = 0 ]"

#!/bin/bash
# test-listen-restart.sh: `cadc-samp listen` survives its hub.  A JSAMP hub
# is killed outright (no shutdown event, stale lockfile) and started again;
# then stopped cleanly (shutdown event, lockfile removed) and started again.
# Each time listen registers by itself with the new hub, and a pointAt from
# a (new) astropy peer still produces the known 9-row DaCHS table.
. "$(dirname "$0")/lib.sh"
need_jsamp; need_astropy
setup_samp
start_dachs
plan 5
REC=$T/rec.jsonl
DIAG_FILES=("$LOGS/listen.log")

# a recorder registered with the current hub (a new one after each restart)
recorder () { stop recorder; start_recorder recorder "$REC" --mtype table.load.votable; }
point_and_count () {   # point_and_count RA: prints the rows of the table that arrives
  local before; before=$(count_msgs "$REC" table.load.votable)
  peer send coord.pointAt.sky ra=$1 dec=54.3 --notify >/dev/null
  wait_msgs "$REC" table.load.votable $((before + 1)) 90 || { echo none; return; }
  vot_rows "$(last_param "$REC" table.load.votable url)"
}
registered_again () {   # registered_again N: listen logged its Nth registration and is registered
  [ "$(grep -c 'registered with the hub' "$LOGS/listen.log")" -ge "$1" ] && registered cadc-samp
}

start_hub jsamp || bail "JSAMP hub did not start"
recorder
start_listen listen --hub=never --tap "$DACHS_URL/tap" --radius 0.3deg --collection CFHT --no-cutouts
ROWS=$(point_and_count 131.28125)
check "before any restart: pointAt -> 9 rows ($ROWS)" test "$ROWS" = 9

# kill -9 the hub (stale lockfile, no event), start a new one
kill_hub
sleep 1
start_hub jsamp || bail "JSAMP hub did not restart"
check "hub killed and restarted: listen registered again by itself" wait_until 60 registered_again 2
recorder
ROWS=$(point_and_count 131.28126)
check "after the killed hub's restart: pointAt -> 9 rows ($ROWS)" test "$ROWS" = 9

# clean stop (samp.hub.event.shutdown, lockfile removed), start again
stop_hub
sleep 1
start_hub jsamp || bail "JSAMP hub did not restart"
wait_until 60 registered_again 3; R=$?
recorder
ROWS=$(point_and_count 131.28127)
check "hub stopped and restarted: registered again, pointAt -> 9 rows ($ROWS)" \
  eval '[ $R = 0 ] && [ "$ROWS" = 9 ]'
check "listen is the same process throughout" kill -0 "$(pid_of listen)"

#!/bin/bash
# test-listen-offline.sh: `cadc-samp listen` started while the archive is
# unreachable (a laptop on a train, CADC in maintenance) registers with the
# hub anyway, says so in one log line, answers calls with a samp.error that
# names the archive and the cause, looks the archive up again in the
# background, terminal or not, and serves the first query after the archive
# comes back, without a restart.  The archive is the local DaCHS
# behind harness/standin/archive-later.py: a registry on a port that is
# closed at first (connection refused) and served later.  `listen --once`
# with the archive unreachable still exits 4.  JSAMP hub (astropy's hub drops a
# reply that comes before it has registered the waiting callAndWait: an
# error answered at once is lost there), astropy peers.
. "$(dirname "$0")/lib.sh"
need_jsamp; need_astropy
setup_samp
start_dachs
plan 8
REC=$T/rec.jsonl
start_hub jsamp || bail "the JSAMP hub did not start"
start_recorder recorder "$REC" || bail "the recorder did not register"
PORT=$(free_port)
REG=http://127.0.0.1:$PORT/static/reg/resource-caps
status_text () { json 'd["samp.status"] + "|" + d.get("samp.error", {}).get("samp.errortxt", "") + "|" + d.get("samp.result", {}).get("rows", "")' <<<"$R"; }

# 1-2. the registry refuses connections: listen registers all the same
DIAG_FILES=("$LOGS/listen.log")
start_listen listen --hub=never --registry "$REG" --radius 0.3deg --collection CFHT --no-cutouts
check "listen registers with the hub while the archive is unreachable" \
  kill -0 "$(pid_of listen)"
wait_until 10 grep -q "unreachable" "$LOGS/listen.log"
why=$(cat "$LOGS/listen.log") \
check "one log line says the archive is unreachable and will be looked up again" \
  test "$(grep -c 'unreachable' "$LOGS/listen.log")" = 1

# 3. a call meanwhile: samp.error naming the archive and the cause
R=$(peer send cadc.query.region ra=131.28125 dec=54.3 radius=0.3deg collection=CFHT)
S=$(status_text)
why=$R check "cadc.query.region meanwhile -> samp.error naming CADC and the registry that refused ($S)" \
  eval '[[ "$S" == samp.error\|*CADC*127.0.0.1:$PORT* ]]'

# 4. a position meanwhile: no table, and listen is still there
peer send coord.pointAt.sky ra=131.28125 dec=54.3 --notify >/dev/null
wait_until 10 grep -q "position 131.28125 +54.30000: query failed" "$LOGS/listen.log"
check "pointAt meanwhile: no table sent, listen still running" \
  eval '[ "$(count_msgs "$REC" table.load.votable)" = 0 ] && kill -0 "$(pid_of listen)"'

# 5-7. the archive comes back on the same port: listen, retrying in the
# background (2 s after the first failure, doubling), finds it by itself,
# with no request and no restart; then the first query is served
serve archive "$CS_HARNESS/standin/archive-later.py" "$PORT" "$DACHS_URL" \
  || bail "the archive stand-in did not start"
wait_until 40 grep -q "TAP $DACHS_URL/tap" "$LOGS/listen.log"
why=$(cat "$LOGS/listen.log") \
check "listen finds the archive once it is back, by itself: its log names the TAP service" \
  grep -q "TAP $DACHS_URL/tap" "$LOGS/listen.log"
R=$(peer send cadc.query.region ra=131.28125 dec=54.3 radius=0.3deg collection=CFHT)
why=$R check "the first cadc.query.region after the archive is back -> samp.ok, 9 rows" \
  test "$(status_text)" = "samp.ok||9"
peer send coord.pointAt.sky ra=131.28125 dec=54.3 --notify >/dev/null
wait_msgs "$REC" table.load.votable 2 60
URL=$(last_param "$REC" table.load.votable url)
check "pointAt after the archive is back -> a 9-row table (got $(vot_rows "$URL"))" \
  test "$(vot_rows "$URL")" = 9
stop listen

# 8. --once keeps its exit status: the archive unreachable is exit 4
P2=$(free_port)
timeout 60 "$CADC_SAMP" listen --once --hub=never --registry "http://127.0.0.1:$P2/reg" \
  131.28125 54.3 >"$T/once.out" 2>"$T/once.err"
rc=$?
why="$(cat "$T/once.err")" \
check "listen --once with the archive unreachable exits 4 (got $rc)" test $rc = 4

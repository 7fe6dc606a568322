#!/bin/bash
# test-listen-archives.sh: `cadc-samp listen --archive A --archive B` sends
# one query per archive for each position, at once, and broadcasts one
# table per archive, named after it, each in its archive's data model
# (CADC's CAOM2; the ObsCore-only VOTEST archive of the DaCHS harness); a
# call's reply lists every archive's result; an archive that is down costs
# the others nothing: their tables still arrive, its failure is logged and
# named in the call's reply.  JSAMP hub, astropy peers, local DaCHS.
. "$(dirname "$0")/lib.sh"
need_jsamp; need_astropy
setup_samp
start_dachs
"$CS_HARNESS/dachs/start.sh" >/dev/null 2>&1 || bail "DaCHS (with its ObsCore-only part) did not start"
plan 10
REC=$T/rec.jsonl
start_hub jsamp || bail "the JSAMP hub did not start"
start_recorder recorder "$REC" || bail "the recorder did not register"
DOWN=$(free_port)
mkdir -p "$XDG_CONFIG_HOME/cadc-samp"
cat >"$XDG_CONFIG_HOME/cadc-samp/config" <<CONF
[archive]
tap=$DACHS_URL/tap
[archive.votest]
tap=$DACHS_URL/tap
model=obscore
collection=VOTEST
[archive.down]
tap=http://127.0.0.1:$DOWN/tap
model=obscore
CONF
# the tables received since line $1 of the recorder: "name|url" lines
tables_since () {
  tail -n +"$(( $1 + 1 ))" "$REC" | grep '"table.load.votable"' \
    | json_lines 'd["params"]["name"] + "|" + d["params"]["url"]'
}
url_of () { grep "^$1" <<<"$TABLES" | head -1 | cut -d'|' -f2; }
status_of () { json 'd["samp.status"]' <<<"$R"; }

# 1-4. two archives, one position: two tables, each named after its archive
DIAG_FILES=("$LOGS/listen.log")
start_listen listen --hub=never --archive cadc --archive votest --radius 0.3deg \
  --collection CFHT --no-cutouts
L0=$(wc -l <"$REC")
peer send coord.pointAt.sky ra=131.28125 dec=54.3 --notify >/dev/null
wait_until 90 eval '[ "$(tables_since $L0 | wc -l)" -ge 2 ]'
TABLES=$(tables_since "$L0")
why=$TABLES check "one pointAt -> two tables, one per archive (got $(wc -l <<<"$TABLES"))" \
  test "$(wc -l <<<"$TABLES")" = 2
CADC_URL=$(url_of "CADC CFHT 131.28+54.30 r18'")
VT_URL=$(url_of "votest VOTEST 131.28+54.30 r18'")
why=$TABLES check "the CADC table, CAOM2, has the 9 CFHT planes of test_misc (got $(vot_rows "$CADC_URL"))" \
  eval '[ "$(vot_rows "$CADC_URL")" = 9 ] && grep -q position_bounds "${CADC_URL#file://}"'
why=$TABLES check "the votest table, ObsCore, has the 13 VOTEST products there (got $(vot_rows "$VT_URL"))" \
  eval '[ "$(vot_rows "$VT_URL")" = 13 ] && grep -q "name=\"access_url\"" "${VT_URL#file://}"'
# 4. selecting rows of the ObsCore table: their files, through each row's
# access_url (a direct FITS file, or #this of its DataLink document)
VT_TID=$(grep '"table.load.votable"' "$REC" | grep -F "votest VOTEST" | tail -1 | json "d['params']['table-id']")
B=$(count_msgs "$REC" image.load.fits)
peer send table.select.rowList table-id="$VT_TID" --list row-list=0,1,2 >/dev/null
wait_msgs "$REC" image.load.fits $((B + 3)) 60
FILES=$(grep '"image.load.fits"' "$REC" | tail -n +$((B + 1)) | json_lines 'd["params"]["url"]')
why=$FILES check "select 3 rows of the votest table -> 3 image.load.fits of its vo2 files" \
  eval '[ "$(grep -c "/vo2/\|getproduct/vo2" <<<"$FILES")" = 3 ]'
R=$(peer send cadc.query.name name=VTJ0845+5418)
why=$R check "cadc.query.name on both -> samp.ok listing both archives (votest: 13 rows, cadc: 0)" \
  eval '[ "$(json "sorted((a[\"archive\"], a.get(\"rows\")) for a in d[\"samp.result\"][\"archives\"])" <<<"$R")" = "[('"'"'cadc'"'"', '"'"'0'"'"'), ('"'"'votest'"'"', '"'"'13'"'"')]" ]'
stop listen

# 5-9. one archive down: the other's table still comes, the failure is named
: >"$LOGS/listen.log"
start_listen listen2 --hub=never --archive cadc --archive down --radius 0.3deg \
  --collection CFHT --no-cutouts
DIAG_FILES=("$LOGS/listen2.log")
L0=$(wc -l <"$REC")
peer send coord.pointAt.sky ra=131.28125 dec=54.3 --notify >/dev/null
wait_until 90 eval '[ "$(tables_since $L0 | wc -l)" -ge 1 ]'
TABLES=$(tables_since "$L0")
why=$TABLES check "archive 'down' refuses connections: the CADC table still arrives (9 rows)" \
  eval '[ "$(vot_rows "$(url_of "CADC CFHT")")" = 9 ]'
wait_until 20 grep -q "(down): query failed" "$LOGS/listen2.log"
check "the log names the archive that failed and why" \
  grep -q "position 131.28125 +54.30000 (down): query failed: the down archive is unreachable" \
  "$LOGS/listen2.log"
R=$(peer send cadc.query.region ra=131.28125 dec=54.3 radius=0.3deg collection=CFHT)
why=$R check "cadc.query.region -> samp.warning: CADC's url and 9 rows, 'down' named as failed" \
  eval '[ "$(status_of)" = samp.warning ] && [ "$(json "d[\"samp.result\"][\"rows\"]" <<<"$R")" = 9 ] \
        && json "d[\"samp.error\"][\"samp.errortxt\"]" <<<"$R" | grep -q "1 of 2 archives failed: down:"'
check "listen is still running" kill -0 "$(pid_of listen2)"
stop listen2
L=$(grep -c "registered with the hub" "$LOGS/listen2.log")
check "nothing restarted: one registration" test "$L" = 1

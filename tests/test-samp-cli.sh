#!/bin/bash
# cadc-samp status / send against a real JSAMP hub and an astropy listener.
. "$(dirname "$0")/lib.sh"
need_jsamp; need_astropy
setup_samp
plan 17

elapsed () { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
faster () { awk -v e="$1" -v max="$2" 'BEGIN{exit !(e < max)}'; }   # faster SECS MAX

# no hub at all -> exit 3 fast
t0=$(date +%s.%N)
out=$(timeout 20 "$CADC_SAMP" status 2>&1); rc=$?
check "status without a hub exits 3 (rc=$rc: $out)" test $rc -eq 3
check "... in under 3 s ($(elapsed "$t0") s)" faster "$(elapsed "$t0")" 3

# stale lockfile (hub port closed) -> exit 3 fast, no hang
printf '# stale\nsamp.secret=deadbeef\nsamp.hub.xmlrpc.url=http://127.0.0.1:%s/xmlrpc\nsamp.profile.version=1.3\n' \
  "$(free_port)" >"$SAMP_LOCK"
t0=$(date +%s.%N)
out=$(timeout 20 "$CADC_SAMP" send point 10 20 2>&1); rc=$?
check "send with a stale lockfile exits 3 (rc=$rc: $out)" test $rc -eq 3
check "... in under 5 s ($(elapsed "$t0") s)" faster "$(elapsed "$t0")" 5
rm -f "$SAMP_LOCK"

start_hub jsamp || bail "JSAMP hub did not start"
spawn listen "$PY" "$SAMP_TOOLS/samp_listen.py" --name pylisten \
  --mtype coord.pointAt.sky --mtype table.load.votable --mtype table.load.fits \
  --mtype image.load.fits --mtype test.echo --duration 150 --ready "$T/ready" --out "$T/listen.jsonl"
wait_file "$T/ready" 30 || bail "the astropy listener did not register"

# status
out=$(timeout 30 "$CADC_SAMP" status 2>&1); rc=$?
why=$out
check "status exits 0" test $rc -eq 0
check "status lists the listener and its subscriptions" \
  grep -Eq '^c[0-9]+ +pylisten +.*coord.pointAt.sky' <<<"$out"
secret=$(sed -n 's/^samp.secret=//p' "$SAMP_LOCK")
check "status never prints the hub secret" eval '[ -n "$secret" ] && ! grep -qF -- "$secret" <<<"$out"'

# status --json is valid JSON with the hub and the listener
out=$(timeout 30 "$CADC_SAMP" status --json 2>/dev/null)
why=$out
check "status --json parses and names pylisten" "$PY" -c '
import json,sys; d=json.loads(sys.argv[1])
assert d["hub_url"].startswith("http://127.0.0.1:")
assert any(c["name"]=="pylisten" and "coord.pointAt.sky" in c["subscriptions"] for c in d["clients"])
' "$out"

# send point with a negative Dec
DIAG_FILES=("$T/listen.jsonl")
out=$(timeout 30 "$CADC_SAMP" send point 10.684708 -30.5 2>&1); rc=$?
check "send point notifies (rc=$rc: $out)" test $rc -eq 0
check "listener got ra=10.684708 dec=-30.5" wait_until 10 grep -q \
  '"mtype": "coord.pointAt.sky", "params": {"dec": "-30.5", "ra": "10.684708"}' "$T/listen.jsonl"

# send table (local file -> absolute file:// URL, table-id printed), by call
printf '<?xml version="1.0"?>\n<VOTABLE version="1.3"><RESOURCE><TABLE><FIELD name="a" datatype="int"/><DATA><TABLEDATA><TR><TD>1</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>\n' >"$T/t.vot"
out=$(cd "$T" && timeout 30 "$CADC_SAMP" send table t.vot --name "my table" --to pylisten --call --timeout 20 2>&1); rc=$?
why=$out
check "send table --call to pylisten exits 0 (rc=$rc)" test $rc -eq 0
tid=$(sed -n 's/^table-id: //p' <<<"$out")
got_table () {
  [ -n "$tid" ] && grep 'table.load.votable' "$T/listen.jsonl" | grep -F "\"table-id\": \"$tid\"" \
    | grep -F "\"url\": \"file://$T/t.vot\"" | grep -qF '"name": "my table"'
}
check "listener got file://$T/t.vot with name and the printed table-id ($tid)" wait_until 10 got_table

# send mtype key=value, --call to everyone subscribed
out=$(timeout 30 "$CADC_SAMP" send mtype test.echo x=1 'y=a b' --call 2>&1); rc=$?
why=$out
check "send mtype --call prints samp.ok and exits 0 (rc=$rc)" \
  eval '[ $rc -eq 0 ] && grep -q "pylisten.*samp.ok" <<<"$out"'
DIAG_FILES=()

# refusals
out=$(timeout 30 "$CADC_SAMP" send mtype test.nobody 2>&1); rc=$?
why=$out check "MType nobody subscribes to exits 1 (rc=$rc)" test $rc -eq 1
out=$(timeout 30 "$CADC_SAMP" send point 1 2 --to nosuchclient 2>&1); rc=$?
why=$out check "unknown --to client exits 1 (rc=$rc)" test $rc -eq 1
timeout 30 "$CADC_SAMP" send image /nonexistent/x.fits >/dev/null 2>&1; rc1=$?
timeout 30 "$CADC_SAMP" send point 10 -95 >/dev/null 2>&1; rc2=$?
check "missing file exits 5 ($rc1), Dec -95 exits 2 ($rc2)" eval '[ $rc1 -eq 5 ] && [ $rc2 -eq 2 ]'

# every cadc-samp invocation unregistered (only hub + listener remain)
n=$("$PY" "$SAMP_TOOLS/samp_query.py" --timeout 10 | json \
  'sum(1 for c in d.values() if "cadc-samp" in str(c.get("name", "")))')
check "no cadc-samp client left registered (found ${n:-?})" test "${n:-1}" = 0

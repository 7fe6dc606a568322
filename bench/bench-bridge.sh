#!/bin/bash
# bench-bridge.sh: cost of the bridge on top of the archive.
#  1. latency: coord.pointAt.sky notified -> table.load.votable received, for
#     a ~1000-row result from the local DaCHS, minus the time of the very
#     same ADQL posted directly to TAP /sync (curl, best of N).  Target < 20 ms.
#  2. memory: RSS of an idle `cadc-samp listen` after registration.  Target < 10 MiB.
# Env: CADC_SAMP, CS_SRCDIR (make bench).  Needs JSAMP, astropy and DaCHS.
set -u
CS_HARNESS=${CS_HARNESS:-$CS_SRCDIR/tests/harness}
. "$CS_HARNESS/samp/bridge-env.sh"
have_jsamp && have_astropy || { echo "bench-bridge: SKIP (JSAMP or astropy missing)"; exit 0; }
bridge_setup
BASE=$(bridge_dachs) || true
[ -n "$BASE" ] || { echo "bench-bridge: SKIP (DaCHS not available)"; exit 0; }
N=${BENCH_N:-7}
bridge_start_hub jsamp || { echo "hub did not start"; exit 1; }
REC=$BRIDGE_TMP/rec.jsonl
bridge_spawn recorder "$PY" "$CS_HARNESS/samp/bridge-peer.py" record "$REC" \
  --mtype table.load.votable --ready "$BRIDGE_TMP/rec.ready"
bridge_wait_file "$BRIDGE_TMP/rec.ready" 20
export G_MESSAGES_DEBUG=cadc-samp
bridge_listen listen --hub=never --tap "$BASE/tap" --radius 60deg --max-rows 1000 --no-cutouts
sleep 1
RSS=$(awk '/VmRSS/ {print $2}' /proc/"$(pgrep -P "$BRIDGE_LISTEN_PID" -x cadc-samp || echo "$BRIDGE_LISTEN_PID")"/status)

"$PY" - "$REC" "$N" "$BRIDGE_TMP/listen.log" "$BASE/tap/sync" "$RSS" <<'PYEOF'
import json, re, subprocess, sys, time
from astropy.samp import SAMPIntegratedClient
rec, n, log, sync, rss = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
c = SAMPIntegratedClient(name="bench"); c.connect()
def count():
    try:
        return sum(1 for l in open(rec) if "table.load.votable" in l)
    except FileNotFoundError:
        return 0
lat, rows = [], None
try:
    for i in range(n):
        before = count()
        ra = 131.28 + 0.0001 * i          # a new position each time
        t0 = time.time()
        c.notify_all({"samp.mtype": "coord.pointAt.sky",
                      "samp.params": {"ra": repr(ra), "dec": "54.3"}})
        while count() <= before and time.time() - t0 < 60:
            time.sleep(0.002)
        last = json.loads([l for l in open(rec)][-1])
        lat.append(last["t"] - t0)
        path = last["params"]["url"][len("file://"):]
        rows = open(path).read().count("<TR>")
        time.sleep(0.3)
finally:
    c.disconnect()
adql = re.findall(r"query \d+: (.*)", open(log).read())[-1]
direct = []
for i in range(n):
    t0 = time.time()
    subprocess.run(["curl", "-sf", "-o", "/dev/null", sync, "--data-urlencode", "LANG=ADQL",
                    "--data-urlencode", "REQUEST=doQuery", "--data-urlencode", "FORMAT=votable",
                    "--data-urlencode", "MAXREC=1000", "--data-urlencode", "QUERY=" + adql],
                   check=True)
    direct.append(time.time() - t0)
lat.sort(); direct.sort()
med = lambda v: v[len(v) // 2]
over = (med(lat) - med(direct)) * 1000
print("bench-bridge: result rows                      %d" % rows)
print("bench-bridge: pointAt -> table.load.votable    median %.1f ms (min %.1f)" % (med(lat) * 1000, lat[0] * 1000))
print("bench-bridge: same ADQL direct (curl)           median %.1f ms (min %.1f)" % (med(direct) * 1000, direct[0] * 1000))
print("bench-bridge: bridge overhead                   %.1f ms  (target < 20 ms) %s" % (over, "PASS" if over < 20 else "MISS"))
print("bench-bridge: idle RSS after registration       %.1f MiB (target < 10 MiB) %s" % (rss / 1024, "PASS" if rss < 10240 else "MISS"))
PYEOF

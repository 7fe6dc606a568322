#!/bin/bash
# test-bridge-obscore-viewers.sh: a table from an ObsCore archive (the DaCHS
# harness's VOTEST collection, [archive.votest] model=obscore), as an
# astronomer sees it in real Aladin and TOPCAT under a private Xvfb (JSAMP
# hub):
#  - Aladin draws one source per row (status NbObj of the table's plane);
#  - TOPCAT holds the table with the position it uses first: s_ra/s_dec
#    with UCD pos.eq.ra;meta.main / pos.eq.dec;meta.main, and the columns
#    people scan first (obs_collection, obs_id, target_name, ...) in front;
#  - a row highlighted in our table points every tool at that row's
#    s_ra/s_dec, and Aladin moves there;
#  - a screenshot is kept in tests/screenshots/.
# Skips only when Xvfb, TOPCAT, Aladin, JSAMP, astropy or DaCHS is missing.
. "$(dirname "$0")/lib.sh"
ALADIN_JAR=${ALADIN_JAR:-/usr/share/java/aladin.jar}
need_cmds Xvfb topcat java import; need_jsamp; need_astropy
[ -r "$ALADIN_JAR" ] || skip_all "Aladin ($ALADIN_JAR) not installed"
setup_samp
start_dachs_parts
plan 5
SHOTS=${G_TEST_BUILDDIR:-$PWD}/screenshots
mkdir -p "$SHOTS" "$HOME/.aladin"
SHOT=$SHOTS/test-bridge-obscore-viewers.png
rm -f "$SHOT"
mkdir -p "$XDG_CONFIG_HOME/cadc-samp"
cat >"$XDG_CONFIG_HOME/cadc-samp/config" <<CONF
[archive.votest]
tap=$DACHS_URL/tap
model=obscore
collection=VOTEST
CONF
start_xvfb || bail "Xvfb did not start"
start_hub jsamp || bail "JSAMP hub did not start"
spawn topcat topcat -nohub
spawn aladin java -Xmx1024m -jar "$ALADIN_JAR" -local -noreleasetest -nolog -noplugin \
  -location=300,100,1250,900
start_listen listen --hub=never --archive votest --radius 0.3deg --no-cutouts \
  || bail "listen did not register"
DIAG_FILES=("$LOGS/listen.log")

results_of timeout 300 env PYTHONPATH="$SAMP_TOOLS" "$PY" - "$T" "$LOGS/listen.log" "$SHOT" <<'PYEOF'
import re, subprocess, sys, time, warnings
warnings.simplefilter("ignore")
from astropy.samp import SAMPIntegratedClient
from viewer_kit import ok, wait_for, msg, Viewers

tmp, listen_log, shot = sys.argv[1:4]
me = SAMPIntegratedClient(name="obscore-viewers-test"); me.connect()
points = []
def on_point(pk, sender, mtype, params, extra):
    points.append((sender, dict(params)))
def on_point_call(pk, sender, msg_id, mtype, params, extra):
    points.append((sender, dict(params)))
    me.reply(msg_id, {"samp.status": "samp.ok", "samp.result": {}})
me.bind_receive_notification("coord.pointAt.sky", on_point)
me.bind_receive_call("coord.pointAt.sky", on_point_call)
def log():
    return open(listen_log).read()

v = Viewers(me, tmp)
bridge = v.find("cadc-samp", "coord.pointAt.sky")
if not (v.wait_registered() and bridge):
    print("Bail out! peers not registered: topcat=%s aladin=%s cadc-samp=%s" % (v.topcat, v.aladin, bridge))
    sys.exit(1)
v.aladin_show_sky()

# 1. a position -> the votest table, loaded by both tools
me.notify(bridge, msg("coord.pointAt.sky", ra="131.28125", dec="54.3"))
line = wait_for(lambda: re.search(r'table (cadc-samp-\S+) "([^"]+)": loaded by (.*)', log()), 90)
name = line.group(2) if line else ""
m = re.search(r"(\d+) rows", name)
rows = int(m.group(1)) if m else -1
ok(line and rows > 0 and "topcat" in line.group(3) and "Aladin" in line.group(3),
   "position -> table '%s'; listen logged: loaded by %s" % (name, line.group(3) if line else "?"), log())

# 2. Aladin draws every row
planes = wait_for(lambda: (lambda p: p if p.get(name) == rows else None)(v.aladin_planes()), 40, 1) or {}
ok(planes.get(name) == rows, "Aladin drew the table: plane '%s' with %s sources of %d"
   % (name, planes.get(name), rows), planes)
time.sleep(2)
subprocess.run(["import", "-window", "root", shot], timeout=60)

# 3. TOPCAT's copy: s_ra/s_dec are the main position, the main columns first
tc = wait_for(lambda: v.topcat_table(rows), 40, 1)
f = {fl.name: fl for fl in tc.fields} if tc is not None else {}
mains = [fl.name for fl in tc.fields if fl.ucd and "meta.main" in fl.ucd and fl.ucd.startswith("pos.")] \
    if tc is not None else []
front = [fl.name for fl in tc.fields][:3] if tc is not None else []
ok(tc is not None and mains == ["s_ra", "s_dec"] and f["s_ra"].ucd == "pos.eq.ra;meta.main"
   and f["s_dec"].ucd == "pos.eq.dec;meta.main" and front == ["obs_collection", "obs_id", "target_name"],
   "TOPCAT holds %d rows; main position columns %s; first columns %s" % (rows, mains, front),
   [(x.name, x.ucd) for x in tc.fields] if tc is not None else "no table")

# 4. a row highlighted in our table -> coord.pointAt.sky at its s_ra/s_dec; Aladin moves there
tid = line.group(1) if line else ""
points.clear()
want = (float(tc.array["s_ra"][2]), float(tc.array["s_dec"][2])) if tc is not None else (0, 0)
v.call(bridge, msg("table.highlight.row", row="2", **{"table-id": tid}), "20")
got = wait_for(lambda: [p for s, p in points if s == bridge], 20)
pos = (float(got[0]["ra"]), float(got[0]["dec"])) if got else None
moved = wait_for(lambda: v.aladin_at(*want), 20, 0.5)
ok(pos and abs(pos[0] - want[0]) < 1e-6 and abs(pos[1] - want[1]) < 1e-6 and moved,
   "highlight row 2 -> coord.pointAt.sky %s = its s_ra/s_dec %s; Aladin moved there (%s)"
   % (pos, want, bool(moved)), log())
me.disconnect()
PYEOF

# 5. the screenshot of Aladin drawing the rows
check "screenshot $SHOT" eval '[ "$(stat -c %s "$SHOT" 2>/dev/null || echo 0)" -gt 10000 ]'

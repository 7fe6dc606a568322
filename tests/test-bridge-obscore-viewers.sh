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
# a sky image under the table, so Aladin shows a small field (its status
# text then stays ASCII, see test-bridge-tables.sh)
"$PY" - "$T/sky.fits" <<'PYEOF'
import sys, numpy as np
from astropy.io import fits
from astropy.wcs import WCS
w = WCS(naxis=2); w.wcs.ctype = ["RA---TAN", "DEC--TAN"]; w.wcs.crval = [131.28125, 54.3]
w.wcs.crpix = [100.5, 100.5]; w.wcs.cdelt = [-0.005, 0.005]; w.wcs.radesys = "ICRS"
y, x = np.mgrid[0:200, 0:200]
fits.PrimaryHDU((np.sin(x / 7.0) * np.cos(y / 9.0) + 2).astype("float32"),
                header=w.to_header()).writeto(sys.argv[1])
PYEOF
start_xvfb || bail "Xvfb did not start"
start_hub jsamp || bail "JSAMP hub did not start"
spawn topcat topcat -nohub
spawn aladin java -Xmx1024m -jar "$ALADIN_JAR" -local -noreleasetest -nolog -noplugin \
  -location=300,100,1250,900
start_listen listen --hub=never --archive votest --radius 0.3deg --no-cutouts \
  || bail "listen did not register"
DIAG_FILES=("$LOGS/listen.log")

results_of timeout 300 "$PY" - "$T" "$LOGS/listen.log" "$SHOT" <<'PYEOF'
import os, re, subprocess, sys, time, urllib.request, warnings
warnings.simplefilter("ignore")
from astropy.samp import SAMPIntegratedClient
from astropy.io.votable import parse_single_table

tmp, listen_log, shot = sys.argv[1:4]
def ok(cond, what, diag=""):
    print(("ok %s" if cond else "not ok %s") % what, flush=True)
    if not cond and diag:
        for line in str(diag).splitlines()[-15:]:
            print("# " + line, flush=True)
def wait_for(pred, timeout, step=0.5):
    end = time.time() + timeout
    while time.time() < end:
        try:
            r = pred()
            if r:
                return r
        except Exception:
            pass
        time.sleep(step)
    return None

me = SAMPIntegratedClient(name="obscore-viewers-test"); me.connect()
points = []
def on_point(pk, sender, mtype, params, extra):
    points.append((sender, dict(params)))
def on_point_call(pk, sender, msg_id, mtype, params, extra):
    points.append((sender, dict(params)))
    me.reply(msg_id, {"samp.status": "samp.ok", "samp.result": {}})
me.bind_receive_notification("coord.pointAt.sky", on_point)
me.bind_receive_call("coord.pointAt.sky", on_point_call)
def find(name, mtype):
    for cid in me.get_subscribed_clients(mtype):
        if me.get_metadata(cid).get("samp.name") == name:
            return cid
def msg(mtype, **params):
    return {"samp.mtype": mtype, "samp.params": params}
def call(cid, m, timeout="30"):
    return me.call_and_wait(cid, m, timeout)
def log():
    return open(listen_log).read()

topcat = wait_for(lambda: find("topcat", "table.load.votable"), 120)
aladin = wait_for(lambda: find("Aladin", "script.aladin.send"), 120)
bridge = find("cadc-samp", "coord.pointAt.sky")
if not (topcat and aladin and bridge):
    print("Bail out! peers not registered: topcat=%s aladin=%s cadc-samp=%s" % (topcat, aladin, bridge))
    sys.exit(1)
def aladin_call(m, timeout=90):
    r = {}
    end = time.time() + timeout
    while time.time() < end:
        try:
            r = call(aladin, m, "20")
        except Exception as e:
            r = {"samp.status": "call failed", "error": str(e)}
            continue
        if r.get("samp.status") == "samp.ok":
            break
        time.sleep(1)
    return r
aladin_call(msg("image.load.fits", url="file://" + tmp + "/sky.fits", name="sky"))
aladin_call(msg("script.aladin.send", script="zoom 30arcmin"))
def aladin_planes():
    t = call(aladin, msg("script.aladin.send", script="status"), "20")["samp.result"]["script.result"]
    planes = {}
    for block in t.split("\n\n"):
        m = re.search(r'PlaneID\s+"?([^"\n]*)"?', block)
        k = re.search(r"NbObj\s+(\d+)", block)
        if m:
            planes[m.group(1)] = int(k.group(1)) if k else None
    return planes

# 1. a position -> the votest table, loaded by both tools
me.notify(bridge, msg("coord.pointAt.sky", ra="131.28125", dec="54.3"))
line = wait_for(lambda: re.search(r'table (cadc-samp-\S+) "([^"]+)": loaded by (.*)', log()), 90)
name = line.group(2) if line else ""
rows = int(re.search(r"(\d+) rows", name).group(1)) if re.search(r"(\d+) rows", name) else -1
ok(line and rows > 0 and "topcat" in line.group(3) and "Aladin" in line.group(3),
   "position -> table '%s'; listen logged: loaded by %s" % (name, line.group(3) if line else "?"), log())

# 2. Aladin draws every row
planes = wait_for(lambda: (lambda p: p if p.get(name) == rows else None)(aladin_planes()), 40, 1) or {}
ok(planes.get(name) == rows, "Aladin drew the table: plane '%s' with %s sources of %d"
   % (name, planes.get(name), rows), planes)
time.sleep(2)
subprocess.run(["import", "-window", "root", shot], timeout=60)

# 3. TOPCAT's copy: s_ra/s_dec are the main position, the main columns first
def stil():
    s = call(topcat, msg("table.get.stil", format="votable"), "20")
    if s.get("samp.status") != "samp.ok":
        return None
    path = os.path.join(tmp, "topcat-copy.xml")
    urllib.request.urlretrieve(s["samp.result"]["url"], path)
    t = parse_single_table(path)
    return t if len(t.array) == rows else None
tc = wait_for(stil, 40, 1)
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
call(bridge, msg("table.highlight.row", row="2", **{"table-id": tid}), "20")
got = wait_for(lambda: [p for s, p in points if s == bridge], 20)
pos = (float(got[0]["ra"]), float(got[0]["dec"])) if got else None
def aladin_there():
    s = call(aladin, msg("coord.get.sky"), "10")["samp.result"]
    return abs(float(s["ra"]) - want[0]) < 1e-3 and abs(float(s["dec"]) - want[1]) < 1e-3
moved = wait_for(aladin_there, 20, 0.5)
ok(pos and abs(pos[0] - want[0]) < 1e-6 and abs(pos[1] - want[1]) < 1e-6 and moved,
   "highlight row 2 -> coord.pointAt.sky %s = its s_ra/s_dec %s; Aladin moved there (%s)"
   % (pos, want, bool(moved)), log())
me.disconnect()
PYEOF

# 5. the screenshot of Aladin drawing the rows
check "screenshot $SHOT" eval '[ "$(stat -c %s "$SHOT" 2>/dev/null || echo 0)" -gt 10000 ]'

#!/bin/bash
# test-bridge-tables.sh: the tables `cadc-samp listen` broadcasts, as an
# astronomer sees them in real Aladin and TOPCAT under a private Xvfb (JSAMP
# hub, local DaCHS):
#  - Aladin draws the rows (its plane has one source per row, read back with
#    script.aladin.send status) and the next position's table replaces the
#    previous plane (viewer-frames=reuse); a screenshot is kept in
#    tests/screenshots/;
#  - TOPCAT holds the table with RA/Dec columns it can use (UCD
#    pos.eq.ra;meta.main / pos.eq.dec;meta.main, deg; read back with
#    table.get.stil) equal to the footprint centres, plus s_region (STC-S);
#  - a row highlighted in our table (table.highlight.row) points every tool
#    at that row's RA/Dec: an astropy peer receives
#    coord.pointAt.sky with TOPCAT's values and Aladin moves there;
#  - a row activated in TOPCAT (its "Send Sky Coordinates" action ticked
#    and invoked through its Activation Actions window, by xdotool clicks)
#    makes TOPCAT send coord.pointAt.sky with the row's ra/dec; listen
#    recognises a row of its own table and does not query it again;
#  - names are unique and descriptive, listen logs who loaded each table,
#    `cadc-samp send` registers under its own name, `cadc-samp status`
#    shows listen's last activity, and no table is sent but the two
#    positions'.
# Skips only when Xvfb, TOPCAT, Aladin, JSAMP, astropy or DaCHS is missing.
. "$(dirname "$0")/lib.sh"
ALADIN_JAR=${ALADIN_JAR:-/usr/share/java/aladin.jar}
need_cmds Xvfb topcat java import xdotool; need_jsamp; need_astropy
[ -r "$ALADIN_JAR" ] || skip_all "Aladin ($ALADIN_JAR) not installed"
setup_samp
start_dachs
plan 10
SHOTS=${G_TEST_BUILDDIR:-$PWD}/screenshots
mkdir -p "$SHOTS" "$HOME/.aladin"
rm -f "$SHOTS"/test-bridge-tables*.png   # the screenshots asserted on are this run's
start_xvfb || bail "Xvfb did not start"
start_hub jsamp || bail "JSAMP hub did not start"
spawn topcat topcat -nohub
spawn aladin java -Xmx1024m -jar "$ALADIN_JAR" -local -noreleasetest -nolog -noplugin \
  -location=300,100,1250,900
start_listen listen --hub=never --tap "$DACHS_URL/tap" --datalink "$DACHS_URL/caom2ops/q/sync/dlmeta" \
  --radius 0.3deg --collection CFHT --no-cutouts || bail "listen did not register"
DIAG_FILES=("$LOGS/listen.log")
SHOT=$SHOTS/test-bridge-tables.png

# 1-8: an astropy peer ("tables-test") that receives what the tools send
# drives TOPCAT, Aladin and listen and states each result (results_of);
# it leaves the second table's id and name in $T/table2
results_of timeout 400 env PYTHONPATH="$SAMP_TOOLS" "$PY" - "$T" "$LOGS/listen.log" "$CADC_SAMP" "$SHOTS" <<'PYEOF'
import math, os, re, subprocess, sys, time, warnings
warnings.simplefilter("ignore")
from astropy.samp import SAMPIntegratedClient
from viewer_kit import ok, wait_for, msg, Viewers

tmp, listen_log, cadc_samp, shots = sys.argv[1:5]
me = SAMPIntegratedClient(name="tables-test"); me.connect()
points, senders = [], []
def on_point(pk, sender, mtype, params, extra):
    points.append((sender, dict(params)))
def on_point_call(pk, sender, msg_id, mtype, params, extra):
    points.append((sender, dict(params)))
    me.reply(msg_id, {"samp.status": "samp.ok", "samp.result": {}})
def on_ping(pk, sender, msg_id, mtype, params, extra):
    senders.append(me.get_metadata(sender).get("samp.name"))
    me.reply(msg_id, {"samp.status": "samp.ok", "samp.result": {}})
me.bind_receive_notification("coord.pointAt.sky", on_point)
me.bind_receive_call("coord.pointAt.sky", on_point_call)
me.bind_receive_call("samp.app.ping", on_ping)
loads = {}   # table-id -> params of the table.load.votable we received too
def on_load(pk, sender, msg_id, mtype, params, extra):
    loads[params.get("table-id")] = dict(params)
    me.reply(msg_id, {"samp.status": "samp.ok", "samp.result": {}})
me.bind_receive_call("table.load.votable", on_load)
def log():
    return open(listen_log).read()

v = Viewers(me, tmp)
call, aladin_planes = v.call, v.aladin_planes
bridge = v.find("cadc-samp", "coord.pointAt.sky")
if not (v.wait_registered() and bridge):
    print("Bail out! peers not registered: topcat=%s aladin=%s cadc-samp=%s" % (v.topcat, v.aladin, bridge))
    sys.exit(1)
topcat, aladin = v.topcat, v.aladin
v.aladin_show_sky()

# 1. position 1 -> one table, named for what it is, loaded by both tools
me.notify(bridge, msg("coord.pointAt.sky", ra="131.28125", dec="54.3"))
line1 = wait_for(lambda: re.search(r'table (cadc-samp-\S+) "([^"]+)": loaded by (.*)', log()), 90)
name1 = line1.group(2) if line1 else ""
ok(line1 and re.fullmatch(r"CADC CFHT 131\.28\+54\.30 r18' 9 rows #1", name1)
   and "topcat" in line1.group(3) and "Aladin" in line1.group(3) and "failed" not in line1.group(3),
   "position -> table '%s'; listen logged: loaded by %s" % (name1, line1.group(3) if line1 else "?"),
   log())

# 2. Aladin draws its 9 rows (a catalogue plane of 9 sources)
planes = wait_for(lambda: (lambda p: p if p.get(name1) == 9 else None)(aladin_planes()), 40, 1) or {}
ok(planes.get(name1) == 9, "Aladin drew the table: plane '%s' with %s sources" % (name1, planes.get(name1)),
   planes)

# 3. TOPCAT holds it with usable RA/Dec (= footprint centres) and s_region
def stil():
    return v.topcat_table(9)
tc = wait_for(stil, 40, 1)
good, why = False, "no table from TOPCAT"
if tc is not None:
    f = {fl.name: fl for fl in tc.fields}
    ra, dec, sr = f.get("ra"), f.get("dec"), f.get("s_region")
    a = tc.array
    def centre(b):   # mean RA on the circle, mean Dec, as vo_region_center
        v = [float(x) for x in (b.tolist() if hasattr(b, "tolist") else b)]
        r, d = v[0::2], v[1::2]
        x = sum(math.cos(math.radians(q)) for q in r); y = sum(math.sin(math.radians(q)) for q in r)
        return math.degrees(math.atan2(y, x)) % 360, sum(d) / len(d)
    errs = [max(abs(centre(a["position_bounds"][i])[0] - a["ra"][i]),
                abs(centre(a["position_bounds"][i])[1] - a["dec"][i])) for i in range(9)]
    good = (ra is not None and dec is not None and sr is not None
            and ra.ucd == "pos.eq.ra;meta.main" and dec.ucd == "pos.eq.dec;meta.main"
            and str(ra.unit) == "deg" and sr.xtype == "adql:REGION"
            and sr.ucd == "pos.outline;obs.field"
            and str(a["s_region"][0]).startswith("Polygon ICRS ")
            and max(errs) < 1e-6
            and [fl.name for fl in tc.fields][:3] == ["collection", "observationID", "target_name"])
    why = "fields %s; max centre error %g" % ([(x.name, x.ucd) for x in tc.fields][:14], max(errs))
ok(good, "TOPCAT's copy has ra/dec (pos.eq.*;meta.main, deg) at the footprint centres and s_region (STC-S)", why)

# 4. position 2 -> a new table replaces the previous plane in Aladin
me.notify(bridge, msg("coord.pointAt.sky", ra="131.30", dec="54.31"))
line2 = wait_for(lambda: re.search(r'table (cadc-samp-\S+) "([^"]+#2)": loaded by (.*)', log()), 90)
name2 = line2.group(2) if line2 else ""
planes = wait_for(lambda: (lambda p: p if p.get(name2) == 9 and name1 not in p else None)(aladin_planes()),
                  40, 1) or aladin_planes()
cadc_planes = sorted(p for p in planes if p.startswith("CADC"))
ok(name2 != name1 and cadc_planes == [name2] and planes.get(name2) == 9,
   "second position -> '%s' replaced '%s' in Aladin (CADC planes now %s)" % (name2, name1, cadc_planes),
   planes)

# the screenshot (asserted in 10): Aladin drawing the second table's rows,
# TOPCAT holding both tables (taken now: the highlight below also sends a
# cutout, which Aladin may answer with a dialog)
shot = os.path.join(shots, "test-bridge-tables.png")
subprocess.run(["import", "-window", "root", shot], timeout=60)

# 5. TOPCAT has our second table (it answers a highlight of it; it replies
#    to the load before the table exists, so allow it time)
tid2 = line2.group(1) if line2 else ""
url2 = loads.get(tid2, {}).get("url", "")
last = [None]
def highlighted():
    last[0] = call(topcat, msg("table.highlight.row", row="3", url=url2, **{"table-id": tid2}), "20")
    return last[0].get("samp.status") == "samp.ok"
h = wait_for(highlighted, 30, 1)
tc2 = wait_for(stil, 40, 1)
ok(h and tc2 is not None, "TOPCAT accepts table.highlight.row for %s (row 3)" % tid2, last[0])

# 6. that row highlighted in our table (table.highlight.row, as a table tool
#    sends it) -> every tool is pointed at TOPCAT's ra/dec of the row;
#    Aladin moves there
points.clear()
want = (float(tc2.array["ra"][3]), float(tc2.array["dec"][3])) if tc2 is not None else (0, 0)
call(bridge, msg("table.highlight.row", row="3", **{"table-id": tid2}), "20")
got = wait_for(lambda: [p for s, p in points if s == bridge], 20)
pos = (float(got[0]["ra"]), float(got[0]["dec"])) if got else None
moved = wait_for(lambda: v.aladin_at(*want), 20, 0.5)
ok(pos and abs(pos[0] - want[0]) < 1e-6 and abs(pos[1] - want[1]) < 1e-6 and moved,
   "highlight row 3 -> coord.pointAt.sky %s = TOPCAT's ra/dec %s; Aladin moved there (%s)"
   % (pos, want, bool(moved)), log())

# 7. a user activates a row in TOPCAT with "Send Sky Coordinates" ticked
#    (Views > Activation Actions; select it; tick it; "Invoke now on row
#    N", N being the row last activated: row 3, highlighted in step 5):
#    TOPCAT sends coord.pointAt.sky with that row's ra/dec, and listen
#    does not query a row of its own table again
def geometry(title):
    out = subprocess.run(["xdotool", "search", "--name", title], capture_output=True,
                         text=True).stdout.split()
    if not out:
        return None
    g = subprocess.run(["xdotool", "getwindowgeometry", out[-1]], capture_output=True,
                       text=True).stdout
    m = re.search(r"Position: (-?\d+),(-?\d+)", g)
    return (int(m.group(1)), int(m.group(2))) if m else None
def click(x, y):
    subprocess.run(["xdotool", "mousemove", str(x), str(y)])
    time.sleep(0.3)
    subprocess.run(["xdotool", "click", "1"])
    time.sleep(1)
points.clear()
cx, cy = geometry("^TOPCAT$") or (0, 0)
click(cx + 63, cy + 9)       # Views
click(cx + 130, cy + 181)    # Activation Actions
act = wait_for(lambda: geometry("Activation Actions"), 15)
if act:
    ax, ay = act
    click(ax + 120, ay + 186)   # select "Send Sky Coordinates"
    click(ax + 40, ay + 186)    # tick it
    click(ax + 265, ay + 388)   # Invoke now on row (3 + 1)
want0 = (float(tc2.array["ra"][3]), float(tc2.array["dec"][3])) if tc2 is not None else (0, 0)
got = wait_for(lambda: [p for s, p in points if s == topcat], 20)
pos = (float(got[0]["ra"]), float(got[0]["dec"])) if got else None
quiet = wait_for(lambda: "is a row of \"%s\": viewers follow it, not queried" % name2 in log(), 10)
shot7 = os.path.join(shots, "test-bridge-tables-topcat.png")
subprocess.run(["import", "-window", "root", shot7], timeout=60)
ok(pos and abs(pos[0] - want0[0]) < 1e-6 and abs(pos[1] - want0[1]) < 1e-6 and quiet,
   "TOPCAT row 3 activated (Send Sky Coordinates) -> TOPCAT sent coord.pointAt.sky %s = the row's "
   "ra/dec %s; listen did not query it again" % (pos, want0), "%s\n%s" % (act, log()))

# 8. cadc-samp send registers as "cadc-samp send", not as the bridge
senders.clear()
me_id = me.get_public_id()
subprocess.run([cadc_samp, "send", "mtype", "samp.app.ping", "--to", me_id, "--call"],
               capture_output=True, timeout=60)
ok(senders == ["cadc-samp send"], "cadc-samp send registers as 'cadc-samp send' (%s)" % senders)

# for the shell's steps 9 and 10: the second table's id and name
with open(os.path.join(tmp, "table2"), "w") as f:
    f.write("%s\n%s\n" % (tid2, name2))
me.disconnect()
PYEOF

# 9. status shows what listen did last: the second table
{ read -r TID2; read -r NAME2; } <"$T/table2"
timeout 60 "$CADC_SAMP" status >"$T/status" 2>&1
why=$(cat "$T/status") check "cadc-samp status shows listen's last activity (table $TID2 \"$NAME2\")" \
  eval '[ -n "$TID2" ] && grep -F "table $TID2 \"$NAME2\": loaded by" "$T/status" | grep -q "last activity: [^ ]*Z table "'

# 10. the screenshot exists; and no table was sent but the two positions'
#     (neither the highlight's pointAt nor TOPCAT's came back as a query)
sleep 2
SENT=$(grep -o 'sent table [^[:space:]]' "$LOGS/listen.log" | wc -l)
check "screenshot $SHOT; $SENT tables sent" \
  eval '[ "$(stat -c %s "$SHOT" 2>/dev/null || echo 0)" -gt 10000 ] && [ "$SENT" = 2 ]'

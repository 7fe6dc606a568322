#!/bin/bash
# test-bridge-ds9-view.sh: what a person sees in a real ds9 (under a private
# Xvfb) while cadc-samp listen answers its pans:
#  - every cutout arrives (calls, one at a time: N sent -> N frames hold an
#    image), named COLLECTION/OBSERVATION/PRODUCT, and the log says who
#    loaded each one;
#  - the observations' footprints are drawn on the current frame as ds9
#    regions of group cadc-samp, replaced (never the user's own region) at
#    the next position;
#  - the workspace stays bounded: after 5 positions ds9 has the user's frame
#    and the cutouts of the last position; a highlight (one cutout) shrinks
#    our frames to one;
#  - a viewer that never answers gets notifications after viewer-timeout;
#  - the data files of selected rows go the same way;
#  - the ds9 analysis entry "Observations in this image" (listen --once
#    --image, an image-footprint query) replaces our footprints with its
#    own: one ds9 polygon per row of its table with a position_bounds; the
#    one-shot exits once its recipients answered;
#  - tables (calls) and images (ds9's call queue) do not fight: a position
#    arriving while ds9 loads cutouts ends with everything loaded;
#  - an image a peer sends the daemon (image.load.fits) gets the same
#    footprint query, and its footprints are drawn in ds9 the same way.
# Screenshots of the Xvfb screen are kept in tests/screenshots/ (ds9-view-*).
# Skips only when Xvfb, ds9/XPA, imagemagick, JSAMP, astropy or DaCHS is missing.
. "$(dirname "$0")/lib.sh"
need_cmds Xvfb ds9 xpaset xpaget xpans import; need_jsamp; need_astropy
setup_samp
start_dachs
plan 17
BASE=$DACHS_URL
SHOTS=${G_TEST_BUILDDIR:-$PWD}/screenshots
mkdir -p "$SHOTS"
rm -f "$SHOTS"/ds9-view-*.png    # the screenshots asserted on are this run's
LOG=$LOGS/listen.log
REC=$T/rec.jsonl

# --- what the checks read
# shot NAME: the whole Xvfb screen, ds9 raised above its Catalog Tool
shot () { xpaset -p ds9v raise 2>/dev/null; sleep 0.5; screenshot "$SHOTS/$1.png"; }
# listen_said N PATTERN [SECS]: listen's log has N lines matching PATTERN (60 s)
listen_said () { wait_lines "$LOG" "$2" "$1" "${3:-60}"; }
# batch_done N: the Nth batch of cutouts has been answered by ds9 and the
# Nth set of footprints drawn
batch_done () {
  listen_said "$1" 'footprint(s) drawn' 40
  listen_said "$1" "SAOImageDS9 .*: cadc-samp's frames are now"
}
# ds9_region_ids: the labels (observation IDs) of our polygons in ds9's current frame, sorted
ds9_region_ids () {
  xpaget ds9v regions -system wcs | grep 'tag={cadc-samp}' | sed -n 's/.*text={\([^}]*\)}.*/\1/p' | sort
}
ds9_polygons () { xpaget ds9v regions -system wcs | grep -c '^polygon'; }
user_circles () { xpaget ds9v regions -system wcs | grep -c 'text={mine}'; }
frames () { xpaget ds9v frame all | xargs; }
current_file () { basename "$(xpaget ds9v file)"; }
# table_ids FILE: the observationID of every row with a position_bounds, sorted
table_ids () {
  "$PY" - "$1" <<'PYEOF' 2>/dev/null
import sys, warnings
warnings.simplefilter("ignore")
from astropy.io.votable import parse_single_table
t = parse_single_table(sys.argv[1]).to_table()
if "position_bounds" in t.colnames:   # (a result without footprints has none)
    print("\n".join(sorted(str(o) for o, b in zip(t["observationID"], t["position_bounds"])
                           if getattr(b, "size", len(str(b))) > 0)))
PYEOF
}
# the copy the recorder kept of the last table, and that table's id
last_copy () { grep '"mtype": "table.load.votable"' "$REC" | tail -1 | json 'd.get("copy", "")'; }
last_table_id () { last_param "$REC" table.load.votable table-id; }
lines () { echo "$1" | grep -c .; }
# one_shot_running: ds9 runs a `cadc-samp listen --once` of its CADC menu now
one_shot_running () { pgrep -g "$(pid_of ds9)" -f 'cadc-samp listen --once' >/dev/null; }

# --- a private X display, XPA and JSAMP hub; the user's image and region
start_xvfb 1024x900x24 || bail "Xvfb did not start"   # ds9 (900x850) fills the screenshots
start_xpans
start_hub jsamp || bail "JSAMP hub did not start"
# 1.5 deg of noise around 131.28125 +54.3 with a TAN WCS
"$PY" - "$T/img.fits" <<'PYEOF'
import sys, numpy as np
from astropy.io import fits
from astropy.wcs import WCS
w = WCS(naxis=2); w.wcs.ctype = ["RA---TAN", "DEC--TAN"]; w.wcs.crval = [131.28125, 54.3]
w.wcs.crpix = [150.5, 150.5]; w.wcs.cdelt = [-18 / 3600, 18 / 3600]
data = np.random.default_rng(1).normal(100, 10, (300, 300)).astype(np.float32)
fits.PrimaryHDU(data, header=w.to_header()).writeto(sys.argv[1])
PYEOF
printf 'fk5\ncircle(131.28125,54.3,240") # color=red text={mine}\n' >"$T/mine.reg"

# a table tool that also takes images (an astropy peer: it answers calls)
mkdir -p "$T/copies"
start_recorder recorder "$REC" --mtype table.load.votable --mtype image.load.fits \
  --copy "$T/copies" || bail "the recorder did not register"
# ds9's analysis entries run cadc-samp (this build) against DaCHS
export PATH=$(dirname "$CADC_SAMP"):$PATH
mkdir -p "$XDG_CONFIG_HOME/cadc-samp"
printf '[listen]\ntap=%s/tap\nviewer-timeout=20\n' "$BASE" >"$XDG_CONFIG_HOME/cadc-samp/config"
spawn ds9 ds9 -title ds9v -geometry 900x850+0+0 "$T/img.fits"
peer wait-client SAOImageDS9 40 || xpaset -p ds9v samp connect 2>/dev/null
peer wait-client SAOImageDS9 20 || bail "ds9 did not register"
xpaset -p ds9v regions load "$T/mine.reg"
start_listen listen --hub=never --tap "$BASE/tap" --datalink "$BASE/caom2ops/q/sync/dlmeta" \
  --radius 0.3deg --collection CFHT --max-cutouts 3 || bail "listen did not register"
DIAG_FILES=("$LOG")
sleep 2    # ds9 refreshes its list of subscribers 1 s after register events

# 1. a pan: three cutouts, each loaded into a frame of its own
# (a pan while listen drives ds9 is not sent by ds9: wait for each batch to end)
xpaset -p ds9v pan to 131.28125 54.3 wcs fk5
batch_done 1
F1=$(frames)
DESC=""
for f in $F1; do
  xpaset -p ds9v frame frameno "$f"
  DESC="$DESC $f:$(current_file):$(xpaget ds9v fits size | xargs | tr ' ' x)"
done
xpaset -p ds9v frame frameno 1
check "ds9 pan -> 3 cutouts sent, 3 new frames each hold one (frames:$DESC)" eval '
  [ "$F1" = "1 2 3 4" ] && echo "$DESC" | grep -q " 1:img.fits:300x300" &&
  [ $(echo "$DESC" | grep -o ":ds9[0-9]*:[0-9]*x[0-9]*" | wc -l) = 3 ]'
LOADED=$(grep 'image.load.fits "CFHT/[0-9]*/[0-9a-z]*" .*: loaded by [^;]*; failed: none$' "$LOG" \
         | grep 'SAOImageDS9 (c[0-9]*) (frame [234])' | grep -c 'bridge-peer (c[0-9]*)')
why="$(grep 'image.load.fits' "$LOG" | head -3)" \
check "the log names each cutout COLLECTION/OBSERVATION/PRODUCT and who loaded it (3 lines: $LOADED)" \
  test "$LOADED" = 3
IDS=$(grep '"image.load.fits"' "$REC" | json_lines 'd["kind"], d["params"].get("image-id"), d["params"].get("name")' | xargs)
check "another image viewer gets calls with stable image-ids and names ($IDS)" eval '
  echo "$IDS" | grep -Eq "^call cadc-samp-1 CFHT/[0-9]+/[0-9a-z]+ call cadc-samp-2 CFHT/[0-9]+/[0-9a-z]+ call cadc-samp-3 CFHT/[0-9]+/[0-9a-z]+$"'

# 2. the footprints of that table, over the user's image, next to the user's region
WANT1=$(table_ids "$(last_copy)")
GOT1=$(ds9_region_ids)
MINE=$(user_circles)
why="want: $(echo $WANT1) got: $(echo $GOT1)" \
check "footprints: one cadc-samp polygon per row with a footprint ($(lines "$GOT1") of $(lines "$WANT1")); the user's circle stays ($MINE)" eval '
  [ -n "$WANT1" ] && [ "$WANT1" = "$GOT1" ] && [ "$MINE" = 1 ] && [ $(ds9_polygons) = $(lines "$WANT1") ]'
shot ds9-view-1-position

# 3. a second position replaces our footprints (only ours) and reuses our frames
xpaset -p ds9v pan to 130.1 54.2 wcs fk5
batch_done 2
WANT2=$(table_ids "$(last_copy)")
GOT2=$(ds9_region_ids)
MINE=$(user_circles)
why="want: $(echo $WANT2) got: $(echo $GOT2)" \
check "second position: only its footprints ($(lines "$GOT2") polygons, differing from the first set) and the user's circle" eval '
  [ -n "$WANT2" ] && [ "$WANT2" = "$GOT2" ] && [ "$WANT2" != "$WANT1" ] && [ "$MINE" = 1 ]'
check "second position: the cutouts went into the same frames ($(frames)), the user's frame is current again ($(xpaget ds9v frame))" eval '
  [ "$(frames)" = "1 2 3 4" ] && [ "$(xpaget ds9v frame)" = 1 ] && [ "$(current_file)" = img.fits ]'
shot ds9-view-2-second-position

# 4. five positions in all: still the user's frame + the last position's cutouts
n=2
for p in "131.3 54.25" "130.15 54.25" "131.2 54.35"; do
  n=$((n+1))
  xpaset -p ds9v pan to $p wcs fk5
  batch_done $n
done
check "after 5 positions ds9 has $(frames | wc -w) frames (the user's + 3 cutouts)" \
  eval '[ "$(frames)" = "1 2 3 4" ]'

# 4b. a pan in one of our cutout frames: the footprints still go over the
# user's image, and the cutout frame stays current
xpaset -p ds9v frame frameno 3
xpaset -p ds9v pan to 131.28125 54.3 wcs fk5
n=$((n+1))
batch_done $n
DRAWN=$(grep 'footprint(s) drawn' "$LOG" | tail -1 | sed 's/.*drawn in //')
IN3=$(xpaget ds9v regions -system wcs | grep -c 'tag={cadc-samp}')
CUR=$(xpaget ds9v frame)
xpaset -p ds9v frame frameno 1
IN1=$(xpaget ds9v regions -system wcs | grep -c 'tag={cadc-samp}')
check "a pan in our cutout frame 3: footprints drawn $DRAWN ($IN1 there, $IN3 in frame 3), frame $CUR current after the reload" eval '
  echo "$DRAWN" | grep -q "^frame 1 of SAOImageDS9" && [ "$IN1" -gt 0 ] && [ "$IN3" = 0 ] && [ "$CUR" = 3 ]'

# 5. a highlight in our table: one cutout, our two other frames go
peer send table.highlight.row table-id="$(last_table_id)" row=0 >/dev/null
listen_said $((n+1)) "SAOImageDS9 .*: cadc-samp's frames are now"
check "highlight -> its one cutout replaces ours: frames $(frames), the user's image untouched" eval '
  [ "$(frames)" = "1 2" ] && [ "$(current_file)" = img.fits ]'
shot ds9-view-3-highlight

# 6. a viewer that never answers: after viewer-timeout it gets notifications
REC2=$T/mute.jsonl
start_recorder mute "$REC2" --name mute-viewer --mtype image.load.fits --no-reply \
  || bail "the mute viewer did not register"
sleep 1
xpaset -p ds9v pan to 131.28125 54.3 wcs fk5
listen_said 1 'mute-viewer .* did not answer' 40
listen_said $((n+2)) "SAOImageDS9 .*: cadc-samp's frames are now"
xpaset -p ds9v pan to 131.3 54.25 wcs fk5
listen_said $((n+3)) "SAOImageDS9 .*: cadc-samp's frames are now"
listen_said 3 'notified: mute-viewer' 30
KINDS=$(grep -o '"kind": "[a-z]*"' "$REC2" | cut -d'"' -f4 | xargs)
why="$(grep -E 'mute|failed: [^n]' "$LOG" | tail -3)" \
check "a mute viewer: one call, then notifications ($KINDS); ds9 still got every cutout" eval '
  echo "$KINDS" | grep -Eq "^call( notify){3,}" &&
  [ $(grep "notified: mute-viewer" "$LOG" | grep -c "loaded by [^;]*SAOImageDS9") = 3 ] &&
  [ $(grep "mute-viewer" "$LOG" | grep -c "loaded by [^;]*SAOImageDS9") = 6 ]'

# 7. a selection in our table: the rows' data files go the same way
B=$(wc -l <"$LOG")
F=$(count_lines "$LOG" "SAOImageDS9 .*: cadc-samp's frames are now")
peer send table.select.rowList table-id="$(last_table_id)" --list row-list=0,1 >/dev/null
listen_said $((F+1)) "SAOImageDS9 .*: cadc-samp's frames are now"
SEL=$(tail -n +$((B+1)) "$LOG" | grep 'image.load.fits "CFHT/' | grep -c 'loaded by [^;]*SAOImageDS9')
check "select 2 rows -> their 2 data files loaded by ds9 ($SEL), in 2 of our frames ($(frames))" eval '
  [ "$SEL" = 2 ] && [ $(frames | wc -w) = 3 ]'
shot ds9-view-4-selection

# 8. Analysis > CADC > Observations in this image (a one-shot listen --once
# --image, an image-footprint query): its table carries footprints, and they
# replace ours in ds9, one polygon per row with a position_bounds
xpaset -p ds9v analysis load "$CS_TESTS_DIR/../src/bridge/ds9-cadc.ds9"
BEFORE=$(count_msgs "$REC" table.load.votable)
OLD=$(lines "$(ds9_region_ids)")
# done well inside viewer-timeout (20 s): nothing waited for a timeout
T0=$(date +%s)
xpaset -p ds9v analysis task "{Observations in this image}"
wait_until 10 one_shot_running && SEEN=running || SEEN="not seen"
wait_msgs "$REC" table.load.votable $((BEFORE+1)) 40
COPY3=$(last_copy)
WANT3=$(table_ids "$COPY3")
ROWS3=$(vot_rows "$COPY3")
why="table $COPY3 (name $(last_param "$REC" table.load.votable name))" \
check "Observations in this image -> a table of $ROWS3 rows, $(lines "$WANT3") of them with a footprint (position_bounds)" eval '
  [ -s "$COPY3" ] && [ "$ROWS3" -gt 0 ] && [ -n "$WANT3" ]'
GOT3=""
wait_until 20 eval 'GOT3=$(ds9_region_ids); [ "$GOT3" = "$WANT3" ]'
DT=$(( $(date +%s) - T0 ))
why="want: $(echo $WANT3) got: $(echo $GOT3)" \
check "Observations in this image -> the $OLD footprints drawn before are replaced by its $(lines "$WANT3") (one polygon per row with a position_bounds) in ${DT} s" eval '
  [ "$OLD" -gt 0 ] && [ -n "$WANT3" ] && [ "$GOT3" = "$WANT3" ] && [ $(ds9_polygons) = $(lines "$WANT3") ] &&
  [ "$(user_circles)" = 1 ] && [ $DT -lt 20 ]'
shot ds9-view-5-image-footprints
wait_until 30 eval '! one_shot_running'
check "the one-shot listen of that entry ($SEEN while ds9 loaded its table) has exited once its recipients answered" \
  eval '[ "$SEEN" = running ] && ! one_shot_running'

# 9. tables (calls to every table tool, ds9's Catalog Tool too) and images
# (ds9's call queue) do not fight: a position (131.3 +54.25, whose cutouts
# are all public) sent as soon as the previous position's table went out,
# so that its table call reaches ds9 while ds9 is still sent the previous
# cutouts (tried up to 3 times until the log shows that order) -> both
# tables loaded by ds9, every cutout of the last position too, no failure,
# and ds9 ends up with the last position's 3 cutouts and footprints
# position_when_table_sent N RA DEC: a peer already connected sends
# coord.pointAt.sky RA DEC to listen the moment the log has N "sent table" lines
position_when_table_sent () {
  rm -f "$T/pos.ready"
  "$PY" - "$LOG" "$@" "$T/pos.ready" <<'PYEOF' &
import sys, time
from astropy.samp import SAMPIntegratedClient
log, n, ra, dec, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
c = SAMPIntegratedClient(name="position-sender"); c.connect()
to = [i for i in c.get_registered_clients() if c.get_metadata(i).get("samp.name") == "cadc-samp"][0]
open(ready, "w").write("1")
end = time.time() + 40
while time.time() < end and open(log).read().count("sent table") < n:
    time.sleep(0.01)
c.notify(to, {"samp.mtype": "coord.pointAt.sky", "samp.params": {"ra": ra, "dec": dec}})
c.disconnect()
PYEOF
  wait_file "$T/pos.ready" 20
}
last_cutouts () { tail -n +$((B+1)) "$LOG" | grep 'image.load.fits "CFHT/[^"]*" [^ ]*CIRCLE+131\.300'; }
# the order of the bridge's work since line B: T (table sent), I (image loaded), F (ds9 batch done)
work_order () {
  tail -n +$((B+1)) "$LOG" | sed -n -e 's/.*: sent table .*/T/p' -e 's/.*: image.load.fits .*/I/p' \
    -e "s/.*SAOImageDS9 .*: cadc-samp's frames are now.*/F/p" | tr -d '\n'
}
for try in 1 2 3; do
  B=$(wc -l <"$LOG")
  S=$(count_lines "$LOG" 'sent table')
  position_when_table_sent $((S+1)) 131.3 54.25
  xpaset -p ds9v pan to 131.28125 54.3 wcs fk5
  wait $!
  wait_until 60 eval '[ $(last_cutouts | wc -l) -ge 3 ]'
  listen_said $((S+2)) 'table .*: loaded by' 60
  wait_until 30 eval '[[ $(work_order) == *F*F ]]'
  sleep 1
  ORDER=$(work_order)
  diag "try $try: the bridge's order of work (T table sent, I image loaded, F ds9 batch done): $ORDER"
  [[ $ORDER == TI*TI*F*F || $ORDER == T*TI*F*F ]] && break
  # (the second table went out after the first batch: the two did not meet, again)
  [[ $ORDER == TIIIFTIIIF ]] || break
done
NEW=$(tail -n +$((B+1)) "$LOG")
TABLES_DS9=$(echo "$NEW" | grep 'table cadc-samp-[0-9-]* "CADC CFHT 131[0-9.+]* .*: loaded by [^;]*SAOImageDS9' | grep -vc 'failed:')
LAST_DS9=$(last_cutouts | grep 'loaded by [^;]*SAOImageDS9' | grep -c 'failed: none$')
WANT4=$(table_ids "$(last_copy)")
GOT4=$(ds9_region_ids)
why="want: $(echo $WANT4) got: $(echo $GOT4)
$(echo "$NEW" | grep -E 'failed: [^n]|did not answer|ds9\.(set|get) ')" \
check "a position while ds9 loads the previous cutouts (order $ORDER): both tables loaded by ds9 ($TABLES_DS9), the last 3 cutouts too ($LAST_DS9), no failure; then frames $(frames) and the last position's $(lines "$GOT4") footprints" eval '
  [[ $ORDER != TIIIFT* ]] && [ "$TABLES_DS9" = 2 ] && [ "$LAST_DS9" = 3 ] && ! echo "$NEW" | grep -Eq "failed: [^n]|SAOImageDS9.*did not answer" &&
  [ $(frames | wc -w) = 4 ] && [ -n "$WANT4" ] && [ "$GOT4" = "$WANT4" ] && [ "$(user_circles)" = 1 ]'

# 10. a peer sends the daemon an image (image.load.fits, the same footprint
# query as the analysis entry's): the CFHT observations in that image's
# footprint arrive as a table and replace our footprints in ds9, one polygon
# per row with a position_bounds
BEFORE=$(count_msgs "$REC" table.load.votable)
D=$(count_lines "$LOG" 'CADC in img.fits: [0-9]* footprint(s) drawn')
peer send image.load.fits url="file://$T/img.fits" name=img.fits >/dev/null
wait_msgs "$REC" table.load.votable $((BEFORE+1)) 40
listen_said $((D+1)) 'CADC in img.fits: [0-9]* footprint(s) drawn' 40
WANT5=$(table_ids "$(last_copy)")
GOT5=$(ds9_region_ids)
NAME5=$(last_param "$REC" table.load.votable name)
why="want: $(echo $WANT5) got: $(echo $GOT5)" \
check "image.load.fits img.fits from a peer -> table '$NAME5' and its $(lines "$WANT5") footprints drawn in ds9 ($(lines "$GOT5") polygons), the user's circle stays" eval '
  [[ "$NAME5" == "CADC in img.fits "* ]] && [ -n "$WANT5" ] && [ "$GOT5" = "$WANT5" ] &&
  [ $(ds9_polygons) = $(lines "$WANT5") ] && [ "$(user_circles)" = 1 ]'
shot ds9-view-6-peer-image

check "screenshots of ds9 kept in tests/screenshots ($(cd "$SHOTS" && echo ds9-view-*.png))" \
  eval '[ $(file "$SHOTS"/ds9-view-*.png | grep -c "PNG image") = 6 ]'

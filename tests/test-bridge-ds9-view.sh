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
#    --image) draws that query's footprints.
# Screenshots of the Xvfb screen are kept in tests/screenshots/.  Prints TAP;
# skips only when Xvfb, ds9/XPA, JSAMP, astropy or DaCHS is missing.
set -u
. "$CS_HARNESS/samp/bridge-env.sh"
PEER="$PY $CS_HARNESS/samp/bridge-peer.py"
N=13
echo "1..$N"
skip_all () { for i in $(seq $N); do echo "ok $i # SKIP $1"; done; exit 0; }
for p in Xvfb ds9 xpaset xpaget xpans; do
  command -v $p >/dev/null || skip_all "$p not installed"
done
have_jsamp || skip_all "JSAMP not installed"
have_astropy || skip_all "astropy not installed for $PY"
bridge_setup
BASE=$(bridge_dachs) || true
[ -n "$BASE" ] || skip_all "DaCHS not available"
T=0
check () { T=$((T+1)); if eval "$2"; then echo "ok $T - $1"; else echo "not ok $T - $1"; [ -n "${3:-}" ] && echo "# $3"; fi; }
SHOTS=${G_TEST_BUILDDIR:-.}/screenshots
mkdir -p "$SHOTS"
shot () {   # shot NAME: the whole Xvfb screen, ds9 raised above its Catalog Tool
  xpaset -p ds9v raise 2>/dev/null; sleep 0.5
  if command -v import >/dev/null; then import -window root "$SHOTS/$1.png" 2>/dev/null
  else echo "# imagemagick's import is missing: no screenshot $1"; fi
}
LOG=$BRIDGE_TMP/listen.log
# wait_log PATTERN N SECONDS: until listen's log has N lines matching PATTERN
wait_log () {
  local i
  for i in $(seq $(( $3 * 10 ))); do
    [ "$(grep -c -- "$1" "$LOG" 2>/dev/null)" -ge "$2" ] && return 0
    sleep 0.1
  done
  return 1
}
# our polygons in ds9's current frame: their labels (observation IDs), sorted
ds9_region_ids () {
  xpaget ds9v regions -system wcs | grep 'tag={cadc-samp}' | sed -n 's/.*text={\([^}]*\)}.*/\1/p' | sort
}
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
last_copy () { grep '"table.load.votable"' "$REC" | tail -1 | "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read()).get("copy",""))' 2>/dev/null; }
frames () { xpaget ds9v frame all | xargs; }

# private X display and XPA, a JSAMP hub
exec 8>"$BRIDGE_TMP/display"
bridge_spawn xvfb Xvfb -displayfd 8 -screen 0 1024x900x24 -nolisten tcp
bridge_wait_file "$BRIDGE_TMP/display" 20 || { echo "Bail out! Xvfb did not start"; exit 1; }
DISPLAY=:$(head -1 "$BRIDGE_TMP/display"); export DISPLAY
export XPA_METHOD=local XPA_TMPDIR=$BRIDGE_TMP/xpa TMPDIR=$BRIDGE_TMP
mkdir -p "$XPA_TMPDIR"
bridge_spawn xpans xpans -f "$XPA_TMPDIR/xpans_unix" -l "$XPA_TMPDIR/xpans.log"
bridge_start_hub jsamp || { echo "Bail out! hub"; exit 1; }
# the user's image: 1.5 deg of noise around 131.28125 +54.3 with a TAN WCS
"$PY" - "$BRIDGE_TMP/img.fits" <<'PYEOF'
import sys, numpy as np
from astropy.io import fits
from astropy.wcs import WCS
w = WCS(naxis=2); w.wcs.ctype = ["RA---TAN", "DEC--TAN"]; w.wcs.crval = [131.28125, 54.3]
w.wcs.crpix = [150.5, 150.5]; w.wcs.cdelt = [-18 / 3600, 18 / 3600]
data = np.random.default_rng(1).normal(100, 10, (300, 300)).astype(np.float32)
fits.PrimaryHDU(data, header=w.to_header()).writeto(sys.argv[1])
PYEOF
printf 'fk5\ncircle(131.28125,54.3,240") # color=red text={mine}\n' >"$BRIDGE_TMP/mine.reg"

# a table tool that also takes images (an astropy peer: it answers calls)
REC=$BRIDGE_TMP/rec.jsonl
mkdir -p "$BRIDGE_TMP/copies"
bridge_spawn recorder $PEER record "$REC" --mtype table.load.votable --mtype image.load.fits \
  --ready "$BRIDGE_TMP/rec.ready" --copy "$BRIDGE_TMP/copies"
bridge_wait_file "$BRIDGE_TMP/rec.ready" 20
# ds9's analysis entries run cadc-samp (this build) against DaCHS
PATH=$(dirname "$CADC_SAMP"):$PATH; export PATH
mkdir -p "$XDG_CONFIG_HOME/cadc-samp"
printf '[listen]\ntap=%s/tap\nviewer-timeout=8\n' "$BASE" >"$XDG_CONFIG_HOME/cadc-samp/config"
bridge_spawn ds9 ds9 -title ds9v -geometry 900x850+0+0 "$BRIDGE_TMP/img.fits"
$PEER wait-client SAOImageDS9 40 || xpaset -p ds9v samp connect 2>/dev/null
$PEER wait-client SAOImageDS9 20
xpaset -p ds9v regions load "$BRIDGE_TMP/mine.reg"
bridge_listen listen --hub=never --tap "$BASE/tap" --datalink "$BASE/caom2ops/q/sync/dlmeta" \
  --radius 0.3deg --collection CFHT --max-cutouts 3
sleep 2    # ds9 refreshes its list of subscribers 1 s after register events

# 1. a pan: three cutouts, each loaded into a frame of its own
# (a pan while listen drives ds9 is not sent by ds9: wait for each batch to end)
xpaset -p ds9v pan to 131.28125 54.3 wcs fk5
wait_log 'footprint(s) drawn' 1 40
wait_log "SAOImageDS9 .*: cadc-samp's frames are now" 1 60
F1=$(frames)
DESC=""
for f in $F1; do
  xpaset -p ds9v frame frameno "$f"
  DESC="$DESC $f:$(basename "$(xpaget ds9v file)"):$(xpaget ds9v fits size | xargs | tr ' ' x)"
done
xpaset -p ds9v frame frameno 1
check "ds9 pan -> 3 cutouts sent, 3 new frames each hold one (frames:$DESC)" \
  "[ '$F1' = '1 2 3 4' ] && echo '$DESC' | grep -q ' 1:img.fits:300x300' \
   && [ \$(echo '$DESC' | grep -o ':ds9[0-9]*:[0-9]*x[0-9]*' | wc -l) = 3 ]" "$(tail -5 "$LOG")"
LOADED=$(grep 'image.load.fits "CFHT/[0-9]*/[0-9a-z]*" .*: loaded by [^;]*; failed: none$' "$LOG" \
         | grep 'SAOImageDS9 (c[0-9]*) (frame [234])' | grep -c 'bridge-peer (c[0-9]*)')
check "the log names each cutout COLLECTION/OBSERVATION/PRODUCT and who loaded it (3 lines: $LOADED)" \
  "[ '$LOADED' = 3 ]" "$(grep 'image.load.fits' "$LOG" | head -3)"
IDS=$(grep '"image.load.fits"' "$REC" | "$PY" -c '
import json, sys
for l in sys.stdin:
    d = json.loads(l); p = d["params"]; print(d["kind"], p.get("image-id"), p.get("name"))' | xargs)
check "another image viewer gets calls with stable image-ids and names ($IDS)" \
  "echo '$IDS' | grep -Eq '^call cadc-samp-1 CFHT/[0-9]+/[0-9a-z]+ call cadc-samp-2 CFHT/[0-9]+/[0-9a-z]+ call cadc-samp-3 CFHT/[0-9]+/[0-9a-z]+$'"

# 2. the footprints of that table, over the user's image, next to the user's region
WANT1=$(table_ids "$(last_copy)")
GOT1=$(ds9_region_ids)
MINE=$(xpaget ds9v regions -system wcs | grep -c 'text={mine}')
check "footprints: one cadc-samp polygon per row with a footprint ($(echo "$GOT1" | grep -c .) of $(echo "$WANT1" | grep -c .)); the user's circle stays ($MINE)" \
  "[ -n '$WANT1' ] && [ '$WANT1' = '$GOT1' ] && [ '$MINE' = 1 ] \
   && [ \$(xpaget ds9v regions -system wcs | grep -c '^polygon') = \$(echo '$WANT1' | grep -c .) ]" \
  "want: $(echo $WANT1) got: $(echo $GOT1)"
shot ds9-view-1-position

# 3. a second position replaces our footprints (only ours) and reuses our frames
xpaset -p ds9v pan to 130.1 54.2 wcs fk5
wait_log 'footprint(s) drawn' 2 40
wait_log "SAOImageDS9 .*: cadc-samp's frames are now" 2 60
WANT2=$(table_ids "$(last_copy)")
GOT2=$(ds9_region_ids)
MINE=$(xpaget ds9v regions -system wcs | grep -c 'text={mine}')
check "second position: only its footprints ($(echo "$GOT2" | grep -c .) polygons, differing from the first set) and the user's circle" \
  "[ -n '$WANT2' ] && [ '$WANT2' = '$GOT2' ] && [ '$WANT2' != '$WANT1' ] && [ '$MINE' = 1 ]" \
  "want: $(echo $WANT2) got: $(echo $GOT2)"
check "second position: the cutouts went into the same frames ($(frames)), the user's frame is current again ($(xpaget ds9v frame))" \
  "[ \"\$(frames)\" = '1 2 3 4' ] && [ \"\$(xpaget ds9v frame)\" = 1 ] && [ \"\$(basename \$(xpaget ds9v file))\" = img.fits ]"
shot ds9-view-2-second-position

# 4. five positions in all: still the user's frame + the last position's cutouts
n=2
for p in "131.3 54.25" "130.15 54.25" "131.2 54.35"; do
  n=$((n+1))
  xpaset -p ds9v pan to $p wcs fk5
  wait_log 'footprint(s) drawn' $n 40
  wait_log "SAOImageDS9 .*: cadc-samp's frames are now" $n 60
done
check "after 5 positions ds9 has $(frames | wc -w) frames (the user's + 3 cutouts)" \
  "[ \"\$(frames)\" = '1 2 3 4' ]" "$(tail -3 "$LOG")"

# 4b. a pan in one of our cutout frames: the footprints still go over the
# user's image, and the cutout frame stays current
xpaset -p ds9v frame frameno 3
xpaset -p ds9v pan to 131.28125 54.3 wcs fk5
n=$((n+1))
wait_log 'footprint(s) drawn' $n 40
wait_log "SAOImageDS9 .*: cadc-samp's frames are now" $n 60
DRAWN=$(grep 'footprint(s) drawn' "$LOG" | tail -1 | sed 's/.*drawn in //')
IN3=$(xpaget ds9v regions -system wcs | grep -c 'tag={cadc-samp}')
CUR=$(xpaget ds9v frame)
xpaset -p ds9v frame frameno 1
IN1=$(xpaget ds9v regions -system wcs | grep -c 'tag={cadc-samp}')
check "a pan in our cutout frame 3: footprints drawn $DRAWN ($IN1 there, $IN3 in frame 3), frame $CUR current after the reload" \
  "echo '$DRAWN' | grep -q '^frame 1 of SAOImageDS9' && [ '$IN1' -gt 0 ] && [ '$IN3' = 0 ] && [ '$CUR' = 3 ]" "$(tail -3 "$LOG")"

# 5. a highlight in our table: one cutout, our two other frames go
TID=$(grep '"table.load.votable"' "$REC" | tail -1 | "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read())["params"]["table-id"])')
$PEER send table.highlight.row table-id="$TID" row=0 >/dev/null
wait_log "SAOImageDS9 .*: cadc-samp's frames are now" $((n+1)) 60
check "highlight -> its one cutout replaces ours: frames $(frames), the user's image untouched" \
  "[ \"\$(frames)\" = '1 2' ] && [ \"\$(basename \$(xpaget ds9v file))\" = img.fits ]" "$(tail -3 "$LOG")"
shot ds9-view-3-highlight

# 6. a viewer that never answers: after viewer-timeout it gets notifications
REC2=$BRIDGE_TMP/mute.jsonl
bridge_spawn mute $PEER record "$REC2" --name mute-viewer --mtype image.load.fits --no-reply \
  --ready "$BRIDGE_TMP/mute.ready"
bridge_wait_file "$BRIDGE_TMP/mute.ready" 20
sleep 1
xpaset -p ds9v pan to 131.28125 54.3 wcs fk5
wait_log 'mute-viewer .* did not answer' 1 40
wait_log "SAOImageDS9 .*: cadc-samp's frames are now" $((n+2)) 60
xpaset -p ds9v pan to 131.3 54.25 wcs fk5
wait_log "SAOImageDS9 .*: cadc-samp's frames are now" $((n+3)) 60
wait_log 'notified: mute-viewer' 3 30
KINDS=$(grep -o '"kind": "[a-z]*"' "$REC2" | cut -d'"' -f4 | xargs)
check "a mute viewer: one call, then notifications ($KINDS); ds9 still got every cutout" \
  "echo '$KINDS' | grep -Eq '^call( notify){3,}' && [ \$(grep 'notified: mute-viewer' '$LOG' | grep -c 'loaded by [^;]*SAOImageDS9') = 3 ] \
   && [ \$(grep 'mute-viewer' '$LOG' | grep -c 'loaded by [^;]*SAOImageDS9') = 6 ]" \
  "$(grep -E 'mute|failed: [^n]' "$LOG" | tail -3)"

# 7. a selection in our table: the rows' data files go the same way
TID=$(grep '"table.load.votable"' "$REC" | tail -1 | "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read())["params"]["table-id"])')
B=$(wc -l <"$LOG")
F=$(grep -c "SAOImageDS9 .*: cadc-samp's frames are now" "$LOG")
$PEER send table.select.rowList table-id="$TID" --list row-list=0,1 >/dev/null
wait_log "SAOImageDS9 .*: cadc-samp's frames are now" $((F+1)) 60
SEL=$(tail -n +$((B+1)) "$LOG" | grep 'image.load.fits "CFHT/' | grep -c 'loaded by [^;]*SAOImageDS9')
check "select 2 rows -> their 2 data files loaded by ds9 ($SEL), in 2 of our frames ($(frames))" \
  "[ '$SEL' = 2 ] && [ \$(frames | wc -w) = 3 ]" "$(tail -3 "$LOG")"
shot ds9-view-4-selection

# 8. Analysis > CADC > Observations in this image (a one-shot listen --once
# --image): the footprints of that query replace ours in ds9
xpaset -p ds9v analysis load "$G_TEST_SRCDIR/../src/ds9-cadc.ds9"
BEFORE=$(count_msgs "$REC" table.load.votable)
OLD=$(ds9_region_ids | grep -c .)
T0=$(date +%s)
xpaset -p ds9v analysis task "{Observations in this image}"
wait_msgs "$REC" table.load.votable $((BEFORE+1)) 40
WANT3=$(table_ids "$(last_copy)")
GOT3=""
for i in $(seq 100); do
  GOT3=$(ds9_region_ids)
  [ "$GOT3" = "$WANT3" ] && break
  sleep 0.2
done
DT=$(( $(date +%s) - T0 ))
check "Observations in this image -> the $OLD footprints drawn before are replaced by its $(echo "$WANT3" | grep -c .) (one per row with a position_bounds) in ${DT} s" \
  "[ '$OLD' -gt 0 ] && [ -s '$(last_copy)' ] && [ '$GOT3' = '$WANT3' ] && [ $DT -lt 8 ]" "want: $(echo $WANT3) got: $(echo $GOT3)"
shot ds9-view-5-image-footprints

check "screenshots of ds9 kept in tests/screenshots ($(cd "$SHOTS" && echo ds9-view-*.png))" \
  "! command -v import >/dev/null || [ \$(file '$SHOTS'/ds9-view-*.png | grep -c 'PNG image') = 5 ]"

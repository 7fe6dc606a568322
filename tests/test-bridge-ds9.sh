#!/bin/bash
# test-bridge-ds9.sh: a real ds9 under a private Xvfb drives cadc-samp listen:
# `xpaset pan to` makes ds9 send coord.pointAt.sky, listen queries DaCHS and
# the table arrives at a table tool (astropy recorder) with the known rows;
# then the ds9 analysis file is loaded into ds9 and its entries run (the
# image entry: the observations overlapping the frame's FITS footprint).  Prints TAP; skips only
# when Xvfb, ds9/XPA, JSAMP, astropy or DaCHS is missing.
set -u
. "$CS_HARNESS/samp/bridge-env.sh"
PEER="$PY $CS_HARNESS/samp/bridge-peer.py"
N=7
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

# private X display (Xvfb picks a free one) and private XPA
exec 8>"$BRIDGE_TMP/display"
bridge_spawn xvfb Xvfb -displayfd 8 -screen 0 1024x768x24 -nolisten tcp
bridge_wait_file "$BRIDGE_TMP/display" 20 || { echo "Bail out! Xvfb did not start"; exit 1; }
export DISPLAY=:$(head -1 "$BRIDGE_TMP/display")
export XPA_METHOD=local XPA_TMPDIR=$BRIDGE_TMP/xpa TMPDIR=$BRIDGE_TMP
mkdir -p "$XPA_TMPDIR"
bridge_spawn xpans xpans -f "$XPA_TMPDIR/xpans_unix" -l "$XPA_TMPDIR/xpans.log"
bridge_start_hub jsamp || { echo "Bail out! hub"; exit 1; }
"$PY" - "$BRIDGE_TMP/img.fits" <<'PYEOF'
import sys, numpy as np
from astropy.io import fits
from astropy.wcs import WCS
w = WCS(naxis=2); w.wcs.ctype = ["RA---TAN", "DEC--TAN"]; w.wcs.crval = [131.28125, 54.3]
w.wcs.crpix = [50.5, 50.5]; w.wcs.cdelt = [-1 / 3600, 1 / 3600]
fits.PrimaryHDU(np.zeros((100, 100), dtype=np.float32), header=w.to_header()).writeto(sys.argv[1])
PYEOF
REC=$BRIDGE_TMP/rec.jsonl
mkdir -p "$BRIDGE_TMP/copies"
bridge_spawn recorder $PEER record "$REC" --mtype table.load.votable --ready "$BRIDGE_TMP/rec.ready" \
  --copy "$BRIDGE_TMP/copies"
bridge_wait_file "$BRIDGE_TMP/rec.ready" 20
bridge_listen listen --hub=never --tap "$BASE/tap" --radius 0.3deg --collection CFHT --no-cutouts
export PATH=$(dirname "$CADC_SAMP"):$PATH   # the analysis commands run cadc-samp
mkdir -p "$XDG_CONFIG_HOME/cadc-samp"              # ... against DaCHS, radius default 1'
printf '[listen]\ntap=%s/tap\n' "$BASE" >"$XDG_CONFIG_HOME/cadc-samp/config"
bridge_spawn ds9 ds9 -title ds9b -geometry 700x700+0+0 "$BRIDGE_TMP/img.fits"
$PEER wait-client SAOImageDS9 40 || xpaset -p ds9b samp connect 2>/dev/null
$PEER wait-client SAOImageDS9 20
sleep 2    # ds9 refreshes its list of subscribers 1 s after register events
xpaset -p ds9b pan to 131.28125 54.3 wcs fk5
wait_msgs "$REC" table.load.votable 1 30
LAST=$(grep '"table.load.votable"' "$REC" | tail -1)
URL=$(echo "$LAST" | "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read())["params"]["url"])' 2>/dev/null)
ROWS=$(grep -o '<TR>' "${URL#file://}" 2>/dev/null | wc -l)
check "ds9 pan to 131.28125 54.3 -> CADC table with 9 rows at the table tool (got $ROWS)" \
  "[ '$ROWS' = 9 ]" "$(tail -3 "$BRIDGE_TMP/listen.log")"
check "listen logged ds9's pointAt" "grep -q 'coord.pointAt.sky from' '$BRIDGE_TMP/listen.log'"

# TOPCAT (when installed) holds the CADC table too: proven by table.get.stil
if command -v topcat >/dev/null; then
  bridge_spawn topcat topcat -nohub
  if $PEER wait-client topcat 60; then
    sleep 2
    xpaset -p ds9b pan to 131.28125 54.30001 wcs fk5
    STIL=""
    for i in $(seq 60); do
      R=$($PEER send table.get.stil format=votable --to topcat --timeout 10 2>/dev/null)
      STIL=$(echo "$R" | "$PY" -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["samp.result"]["url"] if d.get("samp.status")=="samp.ok" else "")' 2>/dev/null)
      [ -n "$STIL" ] && break
      sleep 0.5
    done
    TROWS=$(curl -sf -m 10 "$STIL" | grep -o '<TR>' | wc -l)
    check "ds9 pan -> TOPCAT holds the CADC table with 9 rows (table.get.stil: $TROWS)" "[ '$TROWS' = 9 ]"
  else
    check "TOPCAT registered" false "$(tail -3 "$BRIDGE_TMP/topcat.log")"
  fi
else
  T=$((T+1)); echo "ok $T # SKIP topcat not installed"
fi

# the analysis file loads into ds9 and defines the CADC menu
xpaset -p ds9b analysis load "$G_TEST_SRCDIR/../src/ds9-cadc.ds9"
sleep 1
check "ds9 loads the analysis file (no error, ds9 still answers)" \
  "xpaget ds9b version >/dev/null && ! grep -qi 'error' '$BRIDGE_TMP/ds9.log'" "$(tail -3 "$BRIDGE_TMP/ds9.log")"

# and its first command runs: a one-shot cadc-samp queries the frame centre
# with the default radius (1'), unlike the daemon above (0.3 deg)
BEFORE=$(count_msgs "$REC" table.load.votable)
xpaset -p ds9b pan to 131.28 54.31 wcs fk5
wait_msgs "$REC" table.load.votable $((BEFORE+1)) 30
BEFORE=$(count_msgs "$REC" table.load.votable)
xpaset -p ds9b analysis task "{Observations at the current position}"
wait_msgs "$REC" table.load.votable $((BEFORE+1)) 40
NAME=$(grep '"table.load.votable"' "$REC" | tail -1 | "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read())["params"]["name"])' 2>/dev/null)
check "Analysis > CADC > Observations at the current position -> table '$NAME'" \
  "[[ \"\$NAME\" == \"CADC 131.28+54.31 r1' \"*\" rows #\"[0-9]* ]]"

# Analysis > CADC > Observations in this image: the footprint of the
# frame's file (read by cadc-samp through cfitsio) -> exactly the
# observations the archive gives for the footprint astropy computes
"$PY" - "$BRIDGE_TMP/img.fits" >"$BRIDGE_TMP/fp.adql" <<'PYEOF'
import sys, warnings
warnings.simplefilter("ignore")
from astropy.io import fits
from astropy.wcs import WCS
fp = WCS(fits.getheader(sys.argv[1])).calc_footprint(undistort=False)
poly = ", ".join("%.10f, %.10f" % (ra % 360, dec) for ra, dec in fp)
print("SELECT p.publisherID FROM caom2.Plane AS p WHERE INTERSECTS(POLYGON('ICRS', %s), "
      "p.position_bounds) = 1 AND (p.quality_flag IS NULL OR p.quality_flag != 'junk')" % poly)
PYEOF
timeout 60 "$CADC_SAMP" --tap "$BASE/tap" query "$(cat "$BRIDGE_TMP/fp.adql")" --format csv \
  2>"$BRIDGE_TMP/fp.err" | tail -n +2 | sort >"$BRIDGE_TMP/fp.want"
BEFORE=$(count_msgs "$REC" table.load.votable)
xpaset -p ds9b analysis task "{Observations in this image}"
wait_msgs "$REC" table.load.votable $((BEFORE+1)) 40
LAST=$(grep '"table.load.votable"' "$REC" | tail -1)
NAME=$(echo "$LAST" | "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read())["params"]["name"])' 2>/dev/null)
COPY=$(echo "$LAST" | "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read()).get("copy",""))' 2>/dev/null)
"$PY" - "$COPY" >"$BRIDGE_TMP/fp.got" 2>/dev/null <<'PYEOF'
import sys, warnings
warnings.simplefilter("ignore")
from astropy.io.votable import parse_single_table
for pid in sorted(str(x) for x in parse_single_table(sys.argv[1]).to_table()["publisherID"]):
    print(pid)
PYEOF
check "Analysis > CADC > Observations in this image -> '$NAME' with the $(wc -l <"$BRIDGE_TMP/fp.got") observations of its footprint ($(wc -l <"$BRIDGE_TMP/fp.want") expected)" \
  "[[ \"\$NAME\" == 'CADC in img.fits '*' rows #'[0-9]* ]] && [ -s '$BRIDGE_TMP/fp.want' ] && cmp -s '$BRIDGE_TMP/fp.want' '$BRIDGE_TMP/fp.got'" \
  "want: $(cat "$BRIDGE_TMP/fp.want" "$BRIDGE_TMP/fp.err" | head -5) got: $(head -5 "$BRIDGE_TMP/fp.got")"

# Aladin (when installed): a position typed through script.aladin.send makes
# Aladin send coord.pointAt.sky; the CADC table for it arrives
if [ -r /usr/share/java/aladin.jar ]; then
  bridge_spawn aladin java -Xmx512m -jar /usr/share/java/aladin.jar -local -noreleasetest \
    -nolog -noplugin
  if $PEER wait-client Aladin 60; then
    sleep 2
    BEFORE=$(count_msgs "$REC" table.load.votable)
    $PEER send script.aladin.send "script=131.2812 +54.2999" --to Aladin --notify >/dev/null
    wait_msgs "$REC" table.load.votable $((BEFORE+1)) 30
    ANAME=$(grep '"table.load.votable"' "$REC" | tail -1 | "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read())["params"]["name"])' 2>/dev/null)
    AURL=$(grep '"table.load.votable"' "$REC" | tail -1 | "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read())["params"]["url"])' 2>/dev/null)
    AROWS=$(grep -o '<TR>' "${AURL#file://}" 2>/dev/null | wc -l)
    check "Aladin script position -> CADC table '$ANAME' with 9 rows ($AROWS)" \
      "[[ \"\$ANAME\" == \"CADC CFHT 131.28+54.30 r18' 9 rows #\"[0-9]* ]] && [ '$AROWS' = 9 ]"
  else
    check "Aladin registered" false "$(tail -3 "$BRIDGE_TMP/aladin.log")"
  fi
else
  T=$((T+1)); echo "ok $T # SKIP Aladin not installed"
fi

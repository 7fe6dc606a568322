#!/bin/bash
# test-bridge-ds9.sh: a real ds9 under a private Xvfb drives cadc-samp listen:
# `xpaset pan to` makes ds9 send coord.pointAt.sky, listen queries DaCHS and
# the table arrives at a table tool (astropy recorder) with the known rows;
# then the ds9 analysis file is loaded into ds9 and its entries run (the
# image entry: the observations overlapping the frame's FITS footprint).
# TOPCAT and Aladin, when installed, are driven the same way.
. "$(dirname "$0")/lib.sh"
need_cmds Xvfb ds9 xpaset xpaget xpans; need_jsamp; need_astropy
setup_samp
start_dachs
plan 7
BASE=$DACHS_URL
start_xvfb || bail "Xvfb did not start"
start_xpans
start_hub jsamp || bail "JSAMP hub did not start"
"$PY" - "$T/img.fits" <<'PYEOF'
import sys, numpy as np
from astropy.io import fits
from astropy.wcs import WCS
w = WCS(naxis=2); w.wcs.ctype = ["RA---TAN", "DEC--TAN"]; w.wcs.crval = [131.28125, 54.3]
w.wcs.crpix = [50.5, 50.5]; w.wcs.cdelt = [-1 / 3600, 1 / 3600]
fits.PrimaryHDU(np.zeros((100, 100), dtype=np.float32), header=w.to_header()).writeto(sys.argv[1])
PYEOF
REC=$T/rec.jsonl
mkdir -p "$T/copies"
start_recorder recorder "$REC" --mtype table.load.votable --copy "$T/copies" || bail "the recorder did not register"
start_listen listen --hub=never --tap "$BASE/tap" --radius 0.3deg --collection CFHT --no-cutouts \
  || bail "listen did not register"
export PATH=$(dirname "$CADC_SAMP"):$PATH   # the analysis commands run cadc-samp
mkdir -p "$XDG_CONFIG_HOME/cadc-samp"              # ... against DaCHS, radius default 1'
printf '[listen]\ntap=%s/tap\n' "$BASE" >"$XDG_CONFIG_HOME/cadc-samp/config"
spawn ds9 ds9 -title ds9b -geometry 700x700+0+0 "$T/img.fits"
peer wait-client SAOImageDS9 40 || xpaset -p ds9b samp connect 2>/dev/null
peer wait-client SAOImageDS9 20
sleep 2    # ds9 refreshes its list of subscribers 1 s after register events
xpaset -p ds9b pan to 131.28125 54.3 wcs fk5
wait_msgs "$REC" table.load.votable 1 30
ROWS=$(vot_rows "$(last_param "$REC" table.load.votable url)")
DIAG_FILES=("$LOGS/listen.log")
check "ds9 pan to 131.28125 54.3 -> CADC table with 9 rows at the table tool (got $ROWS)" test "$ROWS" = 9
check "listen logged ds9's pointAt" grep -q 'coord.pointAt.sky from' "$LOGS/listen.log"
DIAG_FILES=()

# TOPCAT (when installed) holds the CADC table too: proven by table.get.stil
if have topcat; then
  spawn topcat topcat -nohub
  if peer wait-client topcat 60; then
    sleep 2
    xpaset -p ds9b pan to 131.28125 54.30001 wcs fk5
    STIL=""
    for i in $(seq 60); do
      R=$(peer send table.get.stil format=votable --to topcat --timeout 10 2>/dev/null)
      STIL=$(echo "$R" | "$PY" -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["samp.result"]["url"] if d.get("samp.status")=="samp.ok" else "")' 2>/dev/null)
      [ -n "$STIL" ] && break
      sleep 0.5
    done
    TROWS=$(curl -sf -m 10 "$STIL" | grep -o '<TR>' | wc -l)
    check "ds9 pan -> TOPCAT holds the CADC table with 9 rows (table.get.stil: $TROWS)" test "$TROWS" = 9
  else
    why="$(tail -3 "$LOGS/topcat.log")" ok 1 "TOPCAT registered"
  fi
else
  skip "topcat not installed"
fi

# the analysis file loads into ds9 and defines the CADC menu
xpaset -p ds9b analysis load "$CS_TESTS_DIR/../src/bridge/ds9-cadc.ds9"
sleep 1
why="$(tail -3 "$LOGS/ds9.log")" check "ds9 loads the analysis file (no error, ds9 still answers)" \
  eval "xpaget ds9b version >/dev/null && ! grep -qi 'error' '$LOGS/ds9.log'"

# and its first command runs: a one-shot cadc-samp queries the frame centre
# with the default radius (1'), unlike the daemon above (0.3 deg)
BEFORE=$(count_msgs "$REC" table.load.votable)
xpaset -p ds9b pan to 131.28 54.31 wcs fk5
wait_msgs "$REC" table.load.votable $((BEFORE+1)) 30
BEFORE=$(count_msgs "$REC" table.load.votable)
xpaset -p ds9b analysis task "{Observations at the current position}"
wait_msgs "$REC" table.load.votable $((BEFORE+1)) 40
NAME=$(last_param "$REC" table.load.votable name)
check "Analysis > CADC > Observations at the current position -> table '$NAME'" \
  eval '[[ "$NAME" == "CADC 131.28+54.31 r1'"'"' "*" rows #"[0-9]* ]]'

# Analysis > CADC > Observations in this image: the footprint of the
# frame's file (read by cadc-samp through cfitsio) -> exactly the
# observations the archive gives for the footprint astropy computes
"$PY" - "$T/img.fits" >"$T/fp.adql" <<'PYEOF'
import sys, warnings
warnings.simplefilter("ignore")
from astropy.io import fits
from astropy.wcs import WCS
fp = WCS(fits.getheader(sys.argv[1])).calc_footprint(undistort=False)
poly = ", ".join("%.10f, %.10f" % (ra % 360, dec) for ra, dec in fp)
print("SELECT p.publisherID FROM caom2.Plane AS p WHERE INTERSECTS(POLYGON('ICRS', %s), "
      "p.position_bounds) = 1 AND (p.quality_flag IS NULL OR p.quality_flag != 'junk')" % poly)
PYEOF
timeout 60 "$CADC_SAMP" --tap "$BASE/tap" query "$(cat "$T/fp.adql")" --format csv \
  2>"$T/fp.err" | tail -n +2 | sort >"$T/fp.want"
BEFORE=$(count_msgs "$REC" table.load.votable)
xpaset -p ds9b analysis task "{Observations in this image}"
wait_msgs "$REC" table.load.votable $((BEFORE+1)) 40
NAME=$(last_param "$REC" table.load.votable name)
COPY=$(grep '"mtype": "table.load.votable"' "$REC" | tail -1 | json 'd.get("copy", "")')
"$PY" - "$COPY" >"$T/fp.got" 2>/dev/null <<'PYEOF'
import sys, warnings
warnings.simplefilter("ignore")
from astropy.io.votable import parse_single_table
for pid in sorted(str(x) for x in parse_single_table(sys.argv[1]).to_table()["publisherID"]):
    print(pid)
PYEOF
why="want: $(cat "$T/fp.want" "$T/fp.err" | head -5) got: $(head -5 "$T/fp.got")" check "Analysis > CADC > Observations in this image -> '$NAME' with the $(wc -l <"$T/fp.got") observations of its footprint ($(wc -l <"$T/fp.want") expected)" \
  eval '[[ "$NAME" == "CADC in img.fits "*" rows #"[0-9]* ]] && [ -s "$T/fp.want" ] && cmp -s "$T/fp.want" "$T/fp.got"'

# Aladin (when installed): a position typed through script.aladin.send makes
# Aladin send coord.pointAt.sky; the CADC table for it arrives
if [ -r /usr/share/java/aladin.jar ]; then
  spawn aladin java -Xmx512m -jar /usr/share/java/aladin.jar -local -noreleasetest \
    -nolog -noplugin
  if peer wait-client Aladin 60; then
    sleep 2
    BEFORE=$(count_msgs "$REC" table.load.votable)
    peer send script.aladin.send "script=131.2812 +54.2999" --to Aladin --notify >/dev/null
    wait_msgs "$REC" table.load.votable $((BEFORE+1)) 30
    ANAME=$(last_param "$REC" table.load.votable name)
    AROWS=$(vot_rows "$(last_param "$REC" table.load.votable url)")
    check "Aladin script position -> CADC table '$ANAME' with 9 rows ($AROWS)" \
      eval '[[ "$ANAME" == "CADC CFHT 131.28+54.30 r18'"'"' 9 rows #"[0-9]* ]] && [ "$AROWS" = 9 ]'
  else
    why="$(tail -3 "$LOGS/aladin.log")" ok 1 "Aladin registered"
  fi
else
  skip "Aladin not installed"
fi

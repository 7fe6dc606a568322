#!/bin/bash
# test-listen-registry.sh: `cadc-samp listen` finds the archive exactly as the
# archive commands do (--registry > $CADC_REGISTRY_URL > config [listen]
# registry= > config [archive] registry= > CADC's), through the DaCHS-served
# resource-caps, with no --tap and no --datalink; and a table.select.rowList
# on one of its tables sends the DataLink #this URLs that `cadc-samp
# data-urls` gives for those rows, at most max-selection of them.  JSAMP
# hub, astropy peers, local DaCHS.
# Prints TAP; skips only when JSAMP, astropy or DaCHS is not installed.
set -u
. "$CS_HARNESS/samp/bridge-env.sh"
PEER="$PY $CS_HARNESS/samp/bridge-peer.py"
N=13
echo "1..$N"
skip_all () { for i in $(seq $N); do echo "ok $i # SKIP $1"; done; exit 0; }
have_jsamp || skip_all "JSAMP (jsamp.jar + java) not installed"
have_astropy || skip_all "astropy not installed for $PY"
bridge_setup
BASE=$(bridge_dachs) || true
[ -n "$BASE" ] || skip_all "DaCHS (the local TAP server) not installed or not starting"
unset CADC_REGISTRY_URL
REG=$BASE/static/reg/resource-caps
T=0
check () { T=$((T+1)); if eval "$2"; then echo "ok $T - $1"; else echo "not ok $T - $1"; [ -n "${3:-}" ] && echo "# $3" | head -20; fi; }
json () { "$PY" -c "import json,sys; d=json.loads(sys.stdin.read()); print($1)"; }
last_param () { grep "\"$2\"" "$1" | tail -1 | json "d['params']['$3']"; }
rows_of () { grep -o '<TR>' "${1#file://}" 2>/dev/null | wc -l; }

bridge_start_hub jsamp || { echo "Bail out! JSAMP hub did not start"; exit 1; }
REC=$BRIDGE_TMP/rec.jsonl
bridge_spawn recorder $PEER record "$REC" --ready "$BRIDGE_TMP/rec.ready"
bridge_wait_file "$BRIDGE_TMP/rec.ready" 20
mkdir -p "$XDG_CONFIG_HOME/cadc-samp"
printf '[listen]\nmax-selection=2\n' >"$XDG_CONFIG_HOME/cadc-samp/config"

# 1. --registry only: TAP is discovered from the registry's argus entry
bridge_listen listen --hub=never --registry "$REG" --radius 0.3deg --collection CFHT --no-cutouts
for i in $(seq 50); do   # the line follows the registration by a moment
  grep -q "listening; TAP $BASE/tap" "$BRIDGE_TMP/listen.log" && break; sleep 0.2
done
check "listen --registry (no --tap) registers; TAP discovered as $BASE/tap" \
  "grep -q 'listening; TAP $BASE/tap' '$BRIDGE_TMP/listen.log'" "$(cat "$BRIDGE_TMP/listen.log")"

# 2. pointAt -> the known 9-row table
$PEER send coord.pointAt.sky ra=131.28125 dec=54.3 --notify >/dev/null
wait_msgs "$REC" table.load.votable 1 90
URL=$(last_param "$REC" table.load.votable url)
TID=$(last_param "$REC" table.load.votable table-id)
check "pointAt 131.28125 54.3 r=0.3 CFHT -> 9 rows through the registry (got $(rows_of "$URL"))" \
  "[ $(rows_of "$URL") = 9 ]"

# 3. select rows 0,1,2 of our table, max-selection=2 -> pointAt + the #this
# URLs of rows 0 and 1, the same as `cadc-samp data-urls` gives for them
"$PY" - "${URL#file://}" "$BRIDGE_TMP/sel.xml" <<'PYEOF'
import sys, warnings
warnings.simplefilter("ignore")
from astropy.io.votable import parse_single_table
from astropy.table import Table
t = parse_single_table(sys.argv[1]).to_table()
Table({"publisherID": [str(x) for x in t["publisherID"][:2]]}).write(
    sys.argv[2], format="votable", overwrite=True)
PYEOF
timeout 60 "$CADC_SAMP" --registry "$REG" data-urls "$BRIDGE_TMP/sel.xml" >"$BRIDGE_TMP/want" \
  2>"$BRIDGE_TMP/want.err"
head -2 "$BRIDGE_TMP/want" >"$BRIDGE_TMP/want2"
B1=$(count_msgs "$REC" coord.pointAt.sky); B2=$(count_msgs "$REC" image.load.fits)
R=$($PEER send table.select.rowList table-id=$TID --list row-list=0,1,2)
wait_msgs "$REC" image.load.fits $((B2+2)) 60
sleep 1
grep '"image.load.fits"' "$REC" | tail -n +$((B2+1)) | "$PY" -c '
import json, sys
for line in sys.stdin: print(json.loads(line)["params"]["url"])' >"$BRIDGE_TMP/got"
check "select rows 0,1,2 (max-selection 2) -> pointAt + $(wc -l <"$BRIDGE_TMP/got") image.load.fits = data-urls of rows 0,1 ($(wc -l <"$BRIDGE_TMP/want2"))" \
  "[ \$(count_msgs '$REC' coord.pointAt.sky) -gt $B1 ] && [ -s '$BRIDGE_TMP/want2' ] && cmp -s '$BRIDGE_TMP/want2' '$BRIDGE_TMP/got'" \
  "$R; want: $(cat "$BRIDGE_TMP/want2" "$BRIDGE_TMP/want.err"); got: $(cat "$BRIDGE_TMP/got")"

# 4. highlight of one row still sends pointAt + that row's SODA cutout
B1=$(count_msgs "$REC" coord.pointAt.sky); B2=$(count_msgs "$REC" image.load.fits)
R=$($PEER send table.highlight.row table-id=$TID row=1)
wait_msgs "$REC" image.load.fits $((B2+1)) 60
CUT=$(last_param "$REC" image.load.fits url)
check "highlight row 1 -> pointAt + one cutout image.load.fits ($CUT)" \
  "[ \$(count_msgs '$REC' coord.pointAt.sky) -gt $B1 ] && [ \$(count_msgs '$REC' image.load.fits) = $((B2+1)) ] && case '$CUT' in *CIRCLE*|*dlget*) true;; *) false;; esac" "$R"

# 5. $CADC_REGISTRY_URL beats the config file's registry= (flag > env > file)
printf '[listen]\nregistry=http://127.0.0.1:9/nothing/resource-caps\n' >"$BRIDGE_TMP/bad.conf"
B=$(count_msgs "$REC" table.load.votable)
CADC_REGISTRY_URL=$REG timeout 90 "$CADC_SAMP" listen --once --hub=never --config "$BRIDGE_TMP/bad.conf" \
  --radius 0.3deg --collection CFHT --no-cutouts 131.28125 54.3 >"$BRIDGE_TMP/env.log" 2>&1
RC=$?
wait_msgs "$REC" table.load.votable $((B+1)) 30
ER=$(grep -o 'region query r=0.3 deg: [0-9]* rows' "$BRIDGE_TMP/env.log" | awk '{print $5}')
check "CADC_REGISTRY_URL over config registry=: --once exits $RC with a 9-row table ($ER)" \
  "[ $RC = 0 ] && [ $(count_msgs "$REC" table.load.votable) -gt $B ] && [ '$ER' = 9 ]" \
  "$(tail -5 "$BRIDGE_TMP/env.log")"

# 6. the config file's registry= alone
printf '[listen]\nregistry=%s\n' "$REG" >"$BRIDGE_TMP/good.conf"
B=$(count_msgs "$REC" table.load.votable)
timeout 90 "$CADC_SAMP" listen --once --hub=never --config "$BRIDGE_TMP/good.conf" \
  --radius 0.3deg --collection CFHT --no-cutouts 131.28125 54.3 >"$BRIDGE_TMP/file.log" 2>&1
RC=$?
wait_msgs "$REC" table.load.votable $((B+1)) 30
check "config [listen] registry=: --once exits $RC with a table" \
  "[ $RC = 0 ] && [ $(count_msgs "$REC" table.load.votable) -gt $B ]" "$(tail -5 "$BRIDGE_TMP/file.log")"

# 7. the [archive] group the archive commands read (cadc-config.h)
printf '[archive]\nregistry=%s\n' "$REG" >"$BRIDGE_TMP/archive.conf"
B=$(count_msgs "$REC" table.load.votable)
timeout 90 "$CADC_SAMP" listen --once --hub=never --config "$BRIDGE_TMP/archive.conf" \
  --radius 0.3deg --collection CFHT --no-cutouts 131.28125 54.3 >"$BRIDGE_TMP/archive.log" 2>&1
RC=$?
wait_msgs "$REC" table.load.votable $((B+1)) 30
check "config [archive] registry= (shared with the archive commands): --once exits $RC with a table" \
  "[ $RC = 0 ] && [ $(count_msgs "$REC" table.load.votable) -gt $B ]" "$(tail -5 "$BRIDGE_TMP/archive.log")"

# 8. --registry beats CADC_REGISTRY_URL; an unreachable registry -> exit 4, said once
CADC_REGISTRY_URL=$REG timeout 60 "$CADC_SAMP" --registry http://127.0.0.1:9/reg listen --once \
  --hub=never 10 20 >"$BRIDGE_TMP/bad.log" 2>&1
RC=$?
check "--registry over CADC_REGISTRY_URL; unreachable registry -> exit $RC (4) naming TAP" \
  "[ $RC = 4 ] && grep -q 'cannot find the CADC TAP service' '$BRIDGE_TMP/bad.log'" "$(cat "$BRIDGE_TMP/bad.log")"

# 9. --once --image FILE: the footprint query of a local image (what the
# ds9 entry "Observations in this image" runs), endpoints from the registry
"$PY" - "$BRIDGE_TMP/img.fits" <<'PYEOF'
import sys, numpy as np
from astropy.io import fits
from astropy.wcs import WCS
w = WCS(naxis=2); w.wcs.ctype = ["RA---TAN", "DEC--TAN"]; w.wcs.crval = [131.28, 54.3]
w.wcs.crpix = [100.5, 100.5]; w.wcs.cdelt = [-0.002, 0.002]
fits.PrimaryHDU(np.zeros((200, 200), dtype=np.float32), header=w.to_header()).writeto(sys.argv[1])
fits.HDUList([fits.PrimaryHDU(), fits.ImageHDU(np.zeros((200, 200), dtype=np.float32),
              header=w.to_header())]).writeto(sys.argv[1].replace("img", "mef"))
PYEOF
B=$(count_msgs "$REC" table.load.votable)
timeout 90 "$CADC_SAMP" --registry "$REG" listen --once --hub=never --collection CFHT \
  --image "$BRIDGE_TMP/img.fits" >"$BRIDGE_TMP/image.log" 2>&1
RC=$?
wait_msgs "$REC" table.load.votable $((B+1)) 30
INAME=$(last_param "$REC" table.load.votable name)
IROWS=$(grep -o 'image from the command line: [0-9]* rows' "$BRIDGE_TMP/image.log" | awk '{print $6}')
check "listen --once --image img.fits -> exit $RC, '$INAME' with $IROWS rows (9)" \
  "[ $RC = 0 ] && [[ \"\$INAME\" == 'CADC in img.fits 9 rows #'[0-9]* ]] && [ '$IROWS' = 9 ]" "$(tail -5 "$BRIDGE_TMP/image.log")"

# 10. ds9's $filename of an extension, FILE[1] -> the file's image HDU
B=$(count_msgs "$REC" table.load.votable)
timeout 90 "$CADC_SAMP" --registry "$REG" listen --once --hub=never --collection CFHT \
  --image "$BRIDGE_TMP/mef.fits[1]" >"$BRIDGE_TMP/mef.log" 2>&1
RC=$?
wait_msgs "$REC" table.load.votable $((B+1)) 30
MNAME=$(last_param "$REC" table.load.votable name)
MROWS=$(grep -o 'image from the command line: [0-9]* rows' "$BRIDGE_TMP/mef.log" | awk '{print $6}')
check "listen --once --image 'mef.fits[1]' -> exit $RC, '$MNAME' with $MROWS rows (9)" \
  "[ $RC = 0 ] && [[ \"\$MNAME\" == 'CADC in mef.fits 9 rows #'[0-9]* ]] && [ '$MROWS' = 9 ]" "$(tail -5 "$BRIDGE_TMP/mef.log")"

# 11. --image of a file that is no FITS image -> exit 5 before anything is sent
echo "not a FITS file" >"$BRIDGE_TMP/not.fits"
timeout 30 "$CADC_SAMP" --registry "$REG" listen --once --hub=never --image "$BRIDGE_TMP/not.fits" \
  >"$BRIDGE_TMP/notfits.log" 2>&1
RC=$?
check "listen --once --image not-a-FITS -> exit $RC (5) naming --image" \
  "[ $RC = 5 ] && grep -q -- '--image' '$BRIDGE_TMP/notfits.log'" "$(cat "$BRIDGE_TMP/notfits.log")"

# 12. --once whose query fails -> exit 4, the failure logged
timeout 30 "$CADC_SAMP" --tap http://127.0.0.1:9/tap listen --once --hub=never 10 20 \
  >"$BRIDGE_TMP/fail.log" 2>&1
RC=$?
check "listen --once with the archive down -> exit $RC (4), 'query failed' logged" \
  "[ $RC = 4 ] && grep -q 'query failed' '$BRIDGE_TMP/fail.log'" "$(cat "$BRIDGE_TMP/fail.log")"

# 13. SIGTERM -> exit 0, unregistered
kill -TERM "$BRIDGE_LISTEN_PID"
for i in $(seq 100); do kill -0 "$BRIDGE_LISTEN_PID" 2>/dev/null || break; sleep 0.1; done
wait "$BRIDGE_LISTEN_PID"; RC=$?
check "SIGTERM -> exit $RC (0)" "[ $RC = 0 ]"

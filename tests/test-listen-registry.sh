#!/bin/bash
# test-listen-registry.sh: `cadc-samp listen` finds the archive exactly as the
# archive commands do (--registry > $CADC_REGISTRY_URL > config [listen]
# registry= > config [archive] registry= > CADC's), through the DaCHS-served
# resource-caps, with no --tap and no --datalink; and a table.select.rowList
# on one of its tables sends the DataLink #this URLs that `cadc-samp
# data-urls` gives for those rows, at most max-selection of them.  JSAMP
# hub, astropy peers, local DaCHS.
. "$(dirname "$0")/lib.sh"
need_jsamp; need_astropy
setup_samp
start_dachs
plan 13
REG=$DACHS_URL/static/reg/resource-caps
REC=$T/rec.jsonl
start_hub jsamp || bail "JSAMP hub did not start"
start_recorder recorder "$REC" || bail "the recorder did not register"
mkdir -p "$XDG_CONFIG_HOME/cadc-samp"
printf '[listen]\nmax-selection=2\n' >"$XDG_CONFIG_HOME/cadc-samp/config"
tables () { count_msgs "$REC" table.load.votable; }

# 1. --registry only: TAP is discovered from the registry's argus entry
DIAG_FILES=("$LOGS/listen.log")
start_listen listen --hub=never --registry "$REG" --radius 0.3deg --collection CFHT --no-cutouts
check "listen --registry (no --tap) registers; TAP discovered as $DACHS_URL/tap" \
  wait_until 10 grep -q "listening; TAP $DACHS_URL/tap" "$LOGS/listen.log"

# 2. pointAt -> the known 9-row table
peer send coord.pointAt.sky ra=131.28125 dec=54.3 --notify >/dev/null
wait_msgs "$REC" table.load.votable 1 90
URL=$(last_param "$REC" table.load.votable url)
TID=$(last_param "$REC" table.load.votable table-id)
check "pointAt 131.28125 54.3 r=0.3 CFHT -> 9 rows through the registry (got $(vot_rows "$URL"))" \
  test "$(vot_rows "$URL")" = 9

# 3. select rows 0,1,2 of our table, max-selection=2 -> pointAt + the #this
# URLs of rows 0 and 1, the same as `cadc-samp data-urls` gives for them
"$PY" - "${URL#file://}" "$T/sel.xml" <<'PYEOF'
import sys, warnings
warnings.simplefilter("ignore")
from astropy.io.votable import parse_single_table
from astropy.table import Table
t = parse_single_table(sys.argv[1]).to_table()
Table({"publisherID": [str(x) for x in t["publisherID"][:2]]}).write(
    sys.argv[2], format="votable", overwrite=True)
PYEOF
timeout 60 "$CADC_SAMP" --registry "$REG" data-urls "$T/sel.xml" >"$T/want" 2>"$T/want.err"
head -2 "$T/want" | sort >"$T/want2"
B1=$(count_msgs "$REC" coord.pointAt.sky); B2=$(count_msgs "$REC" image.load.fits)
# the two files are a set: the peer may log two calls in either order
R=$(peer send table.select.rowList table-id=$TID --list row-list=0,1,2)
wait_msgs "$REC" image.load.fits $((B2+2)) 60
sleep 1
grep '"image.load.fits"' "$REC" | tail -n +$((B2+1)) | "$PY" -c '
import json, sys
for line in sys.stdin: print(json.loads(line)["params"]["url"])' | sort >"$T/got"
why="$R; want: $(cat "$T/want2" "$T/want.err"); got: $(cat "$T/got")" \
check "select rows 0,1,2 (max-selection 2) -> pointAt + $(wc -l <"$T/got") image.load.fits = data-urls of rows 0,1 ($(wc -l <"$T/want2"))" \
  eval '[ $(count_msgs "$REC" coord.pointAt.sky) -gt $B1 ] && [ -s "$T/want2" ] && cmp -s "$T/want2" "$T/got"'

# 4. highlight of one row still sends pointAt + that row's SODA cutout
B1=$(count_msgs "$REC" coord.pointAt.sky); B2=$(count_msgs "$REC" image.load.fits)
R=$(peer send table.highlight.row table-id=$TID row=1)
wait_msgs "$REC" image.load.fits $((B2+1)) 60
CUT=$(last_param "$REC" image.load.fits url)
why=$R check "highlight row 1 -> pointAt + one cutout image.load.fits ($CUT)" \
  eval '[ $(count_msgs "$REC" coord.pointAt.sky) -gt $B1 ] && [ $(count_msgs "$REC" image.load.fits) = $((B2+1)) ] && case "$CUT" in *CIRCLE*|*dlget*) true;; *) false;; esac'

# 5. $CADC_REGISTRY_URL beats the config file's registry= (flag > env > file)
printf '[listen]\nregistry=http://127.0.0.1:9/nothing/resource-caps\n' >"$T/bad.conf"
B=$(tables)
CADC_REGISTRY_URL=$REG timeout 90 "$CADC_SAMP" listen --once --hub=never --config "$T/bad.conf" \
  --radius 0.3deg --collection CFHT --no-cutouts 131.28125 54.3 >"$T/env.log" 2>&1
RC=$?
wait_msgs "$REC" table.load.votable $((B+1)) 30
ER=$(grep -o 'region query r=0.3 deg: [0-9]* rows' "$T/env.log" | awk '{print $5}')
DIAG_FILES=("$T/env.log")
check "CADC_REGISTRY_URL over config registry=: --once exits $RC with a 9-row table ($ER)" \
  eval '[ $RC = 0 ] && [ $(tables) -gt $B ] && [ "$ER" = 9 ]'

# 6. the config file's registry= alone
printf '[listen]\nregistry=%s\n' "$REG" >"$T/good.conf"
B=$(tables)
timeout 90 "$CADC_SAMP" listen --once --hub=never --config "$T/good.conf" \
  --radius 0.3deg --collection CFHT --no-cutouts 131.28125 54.3 >"$T/file.log" 2>&1
RC=$?
wait_msgs "$REC" table.load.votable $((B+1)) 30
DIAG_FILES=("$T/file.log")
check "config [listen] registry=: --once exits $RC with a table" eval '[ $RC = 0 ] && [ $(tables) -gt $B ]'

# 7. the [archive] group the archive commands read (cadc-config.h)
printf '[archive]\nregistry=%s\n' "$REG" >"$T/archive.conf"
B=$(tables)
timeout 90 "$CADC_SAMP" listen --once --hub=never --config "$T/archive.conf" \
  --radius 0.3deg --collection CFHT --no-cutouts 131.28125 54.3 >"$T/archive.log" 2>&1
RC=$?
wait_msgs "$REC" table.load.votable $((B+1)) 30
DIAG_FILES=("$T/archive.log")
check "config [archive] registry= (shared with the archive commands): --once exits $RC with a table" \
  eval '[ $RC = 0 ] && [ $(tables) -gt $B ]'

# 8. --registry beats CADC_REGISTRY_URL; an unreachable registry -> exit 4, said once
CADC_REGISTRY_URL=$REG timeout 60 "$CADC_SAMP" --registry http://127.0.0.1:9/reg listen --once \
  --hub=never 10 20 >"$T/bad.log" 2>&1
RC=$?
DIAG_FILES=("$T/bad.log")
check "--registry over CADC_REGISTRY_URL; unreachable registry -> exit $RC (4) naming TAP" \
  eval '[ $RC = 4 ] && grep -q "cannot find the CADC TAP service" "$T/bad.log"'

# 9. --once --image FILE: the footprint query of a local image (what the
# ds9 entry "Observations in this image" runs), endpoints from the registry
"$PY" - "$T/img.fits" <<'PYEOF'
import sys, numpy as np
from astropy.io import fits
from astropy.wcs import WCS
w = WCS(naxis=2); w.wcs.ctype = ["RA---TAN", "DEC--TAN"]; w.wcs.crval = [131.28, 54.3]
w.wcs.crpix = [100.5, 100.5]; w.wcs.cdelt = [-0.002, 0.002]
fits.PrimaryHDU(np.zeros((200, 200), dtype=np.float32), header=w.to_header()).writeto(sys.argv[1])
fits.HDUList([fits.PrimaryHDU(), fits.ImageHDU(np.zeros((200, 200), dtype=np.float32),
              header=w.to_header())]).writeto(sys.argv[1].replace("img", "mef"))
PYEOF
B=$(tables)
timeout 90 "$CADC_SAMP" --registry "$REG" listen --once --hub=never --collection CFHT \
  --image "$T/img.fits" >"$T/image.log" 2>&1
RC=$?
wait_msgs "$REC" table.load.votable $((B+1)) 30
INAME=$(last_param "$REC" table.load.votable name)
IROWS=$(grep -o 'image from the command line: [0-9]* rows' "$T/image.log" | awk '{print $6}')
DIAG_FILES=("$T/image.log")
check "listen --once --image img.fits -> exit $RC, '$INAME' with $IROWS rows (9)" \
  eval '[ $RC = 0 ] && [[ "$INAME" == "CADC in img.fits 9 rows #"[0-9]* ]] && [ "$IROWS" = 9 ]'

# 10. ds9's $filename of an extension, FILE[1] -> the file's image HDU
B=$(tables)
timeout 90 "$CADC_SAMP" --registry "$REG" listen --once --hub=never --collection CFHT \
  --image "$T/mef.fits[1]" >"$T/mef.log" 2>&1
RC=$?
wait_msgs "$REC" table.load.votable $((B+1)) 30
MNAME=$(last_param "$REC" table.load.votable name)
MROWS=$(grep -o 'image from the command line: [0-9]* rows' "$T/mef.log" | awk '{print $6}')
DIAG_FILES=("$T/mef.log")
check "listen --once --image 'mef.fits[1]' -> exit $RC, '$MNAME' with $MROWS rows (9)" \
  eval '[ $RC = 0 ] && [[ "$MNAME" == "CADC in mef.fits 9 rows #"[0-9]* ]] && [ "$MROWS" = 9 ]'

# 11. --image of a file that is no FITS image -> exit 5 before anything is sent
echo "not a FITS file" >"$T/not.fits"
timeout 30 "$CADC_SAMP" --registry "$REG" listen --once --hub=never --image "$T/not.fits" \
  >"$T/notfits.log" 2>&1
RC=$?
DIAG_FILES=("$T/notfits.log")
check "listen --once --image not-a-FITS -> exit $RC (5) naming --image" \
  eval '[ $RC = 5 ] && grep -q -- "--image" "$T/notfits.log"'

# 12. --once whose query fails -> exit 4, the failure logged
timeout 30 "$CADC_SAMP" --tap http://127.0.0.1:9/tap listen --once --hub=never 10 20 >"$T/fail.log" 2>&1
RC=$?
DIAG_FILES=("$T/fail.log")
check "listen --once with the archive down -> exit $RC (4), 'query failed' logged" \
  eval '[ $RC = 4 ] && grep -q "query failed" "$T/fail.log"'

# 13. SIGTERM -> exit 0, unregistered
kill -TERM "$(pid_of listen)"
wait_exit listen 10
check "SIGTERM -> exit $EXIT_RC (0), unregistered" eval '[ $EXIT_RC = 0 ] && ! registered cadc-samp'

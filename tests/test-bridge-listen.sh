#!/bin/bash
# test-bridge-listen.sh: `cadc-samp listen` end to end against the JSAMP hub,
# astropy peers and the local DaCHS TAP server (the CADC test double).
# Prints TAP.  Skips (saying why) only when JSAMP, astropy or DaCHS is not
# installed.
set -u
. "$CS_HARNESS/samp/bridge-env.sh"
PEER="$PY $CS_HARNESS/samp/bridge-peer.py"
N=18
echo "1..$N"
skip_all () { for i in $(seq $N); do echo "ok $i # SKIP $1"; done; exit 0; }
have_jsamp || skip_all "JSAMP (jsamp.jar + java) not installed"
have_astropy || skip_all "astropy not installed for $PY"
bridge_setup
BASE=$(bridge_dachs) || true
[ -n "$BASE" ] || skip_all "DaCHS (the local TAP server) not installed or not starting"
T=0
ok () { T=$((T+1)); echo "ok $T - $1"; }
nok () { T=$((T+1)); echo "not ok $T - $1"; [ -n "${2:-}" ] && echo "# $2"; }
check () { if eval "$2"; then ok "$1"; else nok "$1" "${3:-}"; fi; }
json () { "$PY" -c "import json,sys; d=json.loads(sys.stdin.read()); print($1)"; }

bridge_start_hub jsamp || { echo "Bail out! JSAMP hub did not start"; exit 1; }
REC=$BRIDGE_TMP/rec.jsonl
bridge_spawn recorder $PEER record "$REC" --ready "$BRIDGE_TMP/rec.ready"
bridge_wait_file "$BRIDGE_TMP/rec.ready" 20
bridge_listen listen --hub=never --tap "$BASE/tap" --datalink "$BASE/caom2ops/q/sync/dlmeta" \
  --radius 0.3deg --collection CFHT --no-cutouts
check "listen registers as cadc-samp" "[ \$? = 0 ]"

# 2. pointAt (notify) -> table.load.votable with the DaCHS known answer (9 rows)
$PEER send coord.pointAt.sky ra=131.28125 dec=54.3 --notify >/dev/null
# generous: the first query meets a cold DaCHS that other tests may be loading
wait_msgs "$REC" table.load.votable 1 90
LAST=$(grep '"table.load.votable"' "$REC" | tail -1)
URL=$(echo "$LAST" | json 'd["params"]["url"]')
NAME=$(echo "$LAST" | json 'd["params"]["name"]')
ROWS=$(grep -o '<TR>' "$(echo "$URL" | sed 's|^file://||')" 2>/dev/null | wc -l)
check "pointAt 131.28125 54.3 r=0.3 CFHT -> table of 9 rows (got $ROWS) named '$NAME'" \
  "[ '$ROWS' = 9 ] && [[ \"\$NAME\" == \"CADC CFHT 131.28+54.30 r18' 9 rows #\"[0-9]* ]]"
check "result is a private file:// URL in a 0700 cache dir" \
  "[ \"\$(stat -c %a \"\$(dirname \"\${URL#file://}\")\")\" = 700 ]"
TID=$(echo "$LAST" | json 'd["params"]["table-id"]')

# 4. burst of 20 positions -> one or two queries; the last position's table arrives
BEFORE=$(count_msgs "$REC" table.load.votable)
Q0=$(grep -c 'region query\|, superseded\|query cancelled' "$BRIDGE_TMP/listen.log")
$PEER burst 20 131.0 54.3 0.01 >/dev/null
wait_msgs "$REC" table.load.votable $((BEFORE+1)) 90
sleep 2
AFTER=$(count_msgs "$REC" table.load.votable)
LASTNAME=$(grep '"table.load.votable"' "$REC" | tail -1 | json 'd["params"]["name"]')
QUERIES=$(( $(grep -c 'region query\|, superseded\|query cancelled' "$BRIDGE_TMP/listen.log") - Q0 ))
check "burst of 20 pointAts -> 1 table ($((AFTER-BEFORE))), of the last position ($LASTNAME), $QUERIES queries" \
  "[ $((AFTER-BEFORE)) = 1 ] && [[ \"\$LASTNAME\" == \"CADC CFHT 131.19+54.30 r18' \"*\" rows #\"[0-9]* ]] && [ $QUERIES -le 2 ]"

# 5-8. custom MTypes
R=$($PEER send cadc.query.region ra=131.28125 dec=54.3 radius=0.3deg collection=CFHT)
check "cadc.query.region -> samp.ok rows=9" \
  "[ \"\$(echo '$R' | json 'd[\"samp.status\"]+\" \"+d[\"samp.result\"][\"rows\"]')\" = 'samp.ok 9' ]" "$R"
R=$($PEER send cadc.query.name name=Nr3491_1)
check "cadc.query.name Nr3491_1 -> samp.ok rows=2" \
  "[ \"\$(echo '$R' | json 'd[\"samp.status\"]+\" \"+d[\"samp.result\"][\"rows\"]')\" = 'samp.ok 2' ]" "$R"
R=$($PEER send cadc.query.adql "adql=SELECT TOP 3 obsID FROM caom2.Observation" maxrec=10)
check "cadc.query.adql -> samp.ok rows=3" \
  "[ \"\$(echo '$R' | json 'd[\"samp.status\"]+\" \"+d[\"samp.result\"][\"rows\"]')\" = 'samp.ok 3' ]" "$R"
R=$($PEER send cadc.cutouts ra=131.2812 dec=54.3 radius=0.01deg collection=CFHT --timeout 60)
check "cadc.cutouts -> samp.ok with SODA cutout URLs" \
  "echo '$R' | json 'd[\"samp.status\"]==\"samp.ok\" and len(d[\"samp.result\"][\"urls\"])>0 and all(\"dlget\" in u or \"CIRCLE\" in u for u in d[\"samp.result\"][\"urls\"])' | grep -q True" "$R"

# 9. bad parameters -> samp.error with a useful text, never a crash
BAD=0; TXT=""
for args in "coord.pointAt.sky ra=abc dec=10" "coord.pointAt.sky ra=10 dec=95" \
            "cadc.query.region ra=10" "cadc.query.region ra=10 dec=20 radius=-1" \
            "cadc.query.name" "cadc.query.adql adql=SELEKT" \
            "table.load.votable name=x" "table.load.votable url=file:///nonexistent.xml" \
            "table.highlight.row table-id=$TID row=99999"; do
  R=$($PEER send $args)
  S=$(echo "$R" | json 'd["samp.status"]+"|"+d.get("samp.error",{}).get("samp.errortxt","")')
  case "$S" in samp.error\|?*) ;; *) BAD=$((BAD+1)); TXT="$TXT [$args => $R]";; esac
done
check "9 bad calls -> samp.error with errortxt" "[ $BAD = 0 ]" "$TXT"
R=$($PEER send samp.app.ping)
check "daemon still answers ping after bad input" \
  "[ \"\$(echo '$R' | json 'd[\"samp.status\"]')\" = samp.ok ]" "$R"

# 11. a peer's VOTable with UCD'd positions -> crossmatch table arrives
cat > "$BRIDGE_TMP/peer.xml" <<'VOT'
<?xml version="1.0"?>
<VOTABLE version="1.3" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE name="mine">
<FIELD name="src" datatype="char" arraysize="*"/>
<FIELD name="alpha" datatype="double" unit="deg" ucd="pos.eq.ra;meta.main"/>
<FIELD name="delta" datatype="double" unit="deg" ucd="pos.eq.dec;meta.main"/>
<DATA><TABLEDATA><TR><TD>a</TD><TD>131.2812</TD><TD>54.3</TD></TR>
<TR><TD>b</TD><TD>200.0</TD><TD>-80.0</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>
VOT
BEFORE=$(count_msgs "$REC" table.load.votable)
R=$($PEER send table.load.votable url=file://$BRIDGE_TMP/peer.xml table-id=peer1 name=mine)
wait_msgs "$REC" table.load.votable $((BEFORE+1)) 90
XNAME=$(grep '"table.load.votable"' "$REC" | tail -1 | json 'd["params"]["name"]')
XURL=$(grep '"table.load.votable"' "$REC" | tail -1 | json 'd["params"]["url"]')
XROWS=$(grep -o '<TR>' "${XURL#file://}" 2>/dev/null | wc -l)
check "peer table.load.votable -> crossmatch table '$XNAME' with $XROWS rows" \
  "[[ \"\$XNAME\" == 'CADC crossmatch of mine '*' rows #'[0-9]* ]] && [ $XROWS -ge 1 ]" "$R"

# 12. highlight of a row of our table -> pointAt and image.load.fits arrive
B1=$(count_msgs "$REC" coord.pointAt.sky); B2=$(count_msgs "$REC" image.load.fits)
R=$($PEER send table.highlight.row table-id=$TID row=0)
wait_msgs "$REC" image.load.fits $((B2+1)) 30
check "highlight row 0 of our table -> coord.pointAt.sky + image.load.fits" \
  "[ \$(count_msgs '$REC' coord.pointAt.sky) -gt $B1 ] && [ \$(count_msgs '$REC' image.load.fits) -gt $B2 ]" "$R"

# 13-16. FITS from peers (written here with astropy)
"$PY" - "$BRIDGE_TMP" <<'PYEOF'
import sys
import numpy as np
from astropy.io import fits
from astropy.wcs import WCS
d = sys.argv[1]
cols = [fits.Column(name="src", format="1A", array=np.array(["a", "b"])),
        fits.Column(name="alpha", format="D", unit="deg", array=[131.2812, 200.0]),
        fits.Column(name="delta", format="D", unit="deg", array=[54.3, -80.0])]
t = fits.BinTableHDU.from_columns(cols)
t.header["TUCD2"] = "pos.eq.ra;meta.main"
t.header["TUCD3"] = "pos.eq.dec;meta.main"
t.writeto(d + "/peer.fits", overwrite=True)
w = WCS(naxis=2)
w.wcs.ctype = ["RA---TAN", "DEC--TAN"]
w.wcs.crval = [131.28, 54.3]
w.wcs.crpix = [100.5, 100.5]
w.wcs.cdelt = [-0.002, 0.002]
fits.PrimaryHDU(np.zeros((200, 200), dtype=np.float32),
                header=w.to_header()).writeto(d + "/img.fits", overwrite=True)
with open(d + "/corrupt.fits", "wb") as f:
    f.write(b"SIMPLE  =                    T / not really" + b"\0" * 100)
PYEOF
# 13. the same positions as the VOTable of test 11, as a FITS binary table
# whose columns are found by UCD -> the same crossmatch rows
BEFORE=$(count_msgs "$REC" table.load.votable)
R=$($PEER send table.load.fits url=file://$BRIDGE_TMP/peer.fits table-id=peer2 name=minefits)
wait_msgs "$REC" table.load.votable $((BEFORE+1)) 90
FNAME=$(grep '"table.load.votable"' "$REC" | tail -1 | json 'd["params"]["name"]')
FURL=$(grep '"table.load.votable"' "$REC" | tail -1 | json 'd["params"]["url"]')
FROWS=$(grep -o '<TR>' "${FURL#file://}" 2>/dev/null | wc -l)
FSTATUS=$(echo "$R" | json 'd["samp.status"]')
check "peer table.load.fits -> $FSTATUS, crossmatch '$FNAME' with $FROWS rows (VOTable: $XROWS)" \
  "[ '$FSTATUS' = samp.ok ] && [[ \"\$FNAME\" == 'CADC crossmatch of minefits 9 rows #'[0-9]* ]] && [ $FROWS = 9 ] && [ $FROWS = $XROWS ]" "$R"

# 14. a 0.4 deg TAN image centred on 131.28 54.3 -> the observations overlapping it
BEFORE=$(count_msgs "$REC" table.load.votable)
R=$($PEER send image.load.fits url=file://$BRIDGE_TMP/img.fits)
wait_msgs "$REC" table.load.votable $((BEFORE+1)) 90
INAME=$(grep '"table.load.votable"' "$REC" | tail -1 | json 'd["params"]["name"]')
IURL=$(grep '"table.load.votable"' "$REC" | tail -1 | json 'd["params"]["url"]')
IROWS=$(grep -o '<TR>' "${IURL#file://}" 2>/dev/null | wc -l)
ISTATUS=$(echo "$R" | json 'd["samp.status"]')
check "peer image.load.fits -> $ISTATUS, '$INAME' with $IROWS rows" \
  "[ '$ISTATUS' = samp.ok ] && [[ \"\$INAME\" == 'CADC in img.fits 9 rows #'[0-9]* ]] && [ $IROWS = 9 ]" "$R"

# 15. corrupt or unusable FITS -> samp.error with a text; the daemon lives on
BAD=0; TXT=""
for args in "table.load.fits url=file://$BRIDGE_TMP/corrupt.fits" \
            "image.load.fits url=file://$BRIDGE_TMP/corrupt.fits" \
            "image.load.fits url=$BRIDGE_TMP/peer.fits" \
            "table.load.fits url=file://$BRIDGE_TMP/img.fits" \
            "image.load.fits url=file:///nonexistent.fits"; do
  R=$($PEER send $args)
  S=$(echo "$R" | json 'd["samp.status"]+"|"+d.get("samp.error",{}).get("samp.errortxt","")')
  echo "# ${args%% *} ${args##*/} => $S"
  case "$S" in samp.error\|?*) ;; *) BAD=$((BAD+1)); TXT="$TXT [$args => $R]";; esac
done
R=$($PEER send samp.app.ping)
check "5 unusable FITS calls -> samp.error with errortxt, daemon answers ping" \
  "[ $BAD = 0 ] && [ \"\$(echo '$R' | json 'd[\"samp.status\"]')\" = samp.ok ]" "$TXT $R"

# 16. the same image by http:// -> downloaded into the cache, same answer
mkdir -p "$BRIDGE_TMP/www" && cp "$BRIDGE_TMP/img.fits" "$BRIDGE_TMP/www/"
bridge_spawn www "$PY" -c '
import functools, http.server, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
open(sys.argv[2] + ".tmp", "w").write(str(s.server_address[1]))
__import__("os").rename(sys.argv[2] + ".tmp", sys.argv[2])
s.serve_forever()' "$BRIDGE_TMP/www" "$BRIDGE_TMP/www.port"
bridge_wait_file "$BRIDGE_TMP/www.port" 20
WWW_PID=$BRIDGE_LAST_PID
BEFORE=$(count_msgs "$REC" table.load.votable)
R=$($PEER send image.load.fits url=http://127.0.0.1:$(cat "$BRIDGE_TMP/www.port")/img.fits name=webimg)
wait_msgs "$REC" table.load.votable $((BEFORE+1)) 90
HNAME=$(grep '"table.load.votable"' "$REC" | tail -1 | json 'd["params"]["name"]')
HURL=$(grep '"table.load.votable"' "$REC" | tail -1 | json 'd["params"]["url"]')
HROWS=$(grep -o '<TR>' "${HURL#file://}" 2>/dev/null | wc -l)
HSTATUS=$(echo "$R" | json 'd["samp.status"]')
R404=$($PEER send image.load.fits url=http://127.0.0.1:$(cat "$BRIDGE_TMP/www.port")/missing.fits)
S404=$(echo "$R404" | json 'd["samp.status"]')
check "image.load.fits by http -> $HSTATUS, '$HNAME' with $HROWS rows; 404 -> $S404" \
  "[ '$HSTATUS' = samp.ok ] && [[ \"\$HNAME\" == 'CADC in webimg 9 rows #'[0-9]* ]] && [ $HROWS = 9 ] && [ '$S404' = samp.error ]" "$R $R404"
bridge_stop "$WWW_PID"

# 17. archive down -> samp.error, and the daemon still answers ping
bridge_spawn listen2 "$CADC_SAMP" listen --hub=never --tap http://127.0.0.1:9/tap --no-cutouts
sleep 2
R=$($PEER send cadc.query.region ra=10 dec=20 --to cadc-samp --timeout 60)
# both listeners are called "cadc-samp"; ask the broken one by its log instead
grep -q 'error' "$BRIDGE_TMP/listen2.log" || true
R2=$("$PY" - "$BRIDGE_TMP" <<'PYEOF'
import json, sys
from astropy.samp import SAMPIntegratedClient
c = SAMPIntegratedClient(name="bridge-down"); c.connect()
try:
    ids = [i for i in c.get_registered_clients()
           if c.get_metadata(i).get("samp.name") == "cadc-samp"]
    out = []
    for i in ids:
        r = c.call_and_wait(i, {"samp.mtype": "cadc.query.region",
                                "samp.params": {"ra": "10", "dec": "20"}}, "60")
        p = c.call_and_wait(i, {"samp.mtype": "samp.app.ping", "samp.params": {}}, "10")
        out.append([r["samp.status"], r.get("samp.error", {}).get("samp.errortxt", ""),
                    p["samp.status"]])
    print(json.dumps(out))
finally:
    c.disconnect()
PYEOF
)
check "archive down -> samp.error naming the failure, daemon answers ping" \
  "echo '$R2' | json 'any(s==\"samp.error\" and \"failed\" in t and pg==\"samp.ok\" for s,t,pg in d)' | grep -q True" "$R2"
bridge_stop "$BRIDGE_LAST_PID"

# 18. SIGTERM: unregisters, removes the cache, exits 0
CACHE=$(dirname "${URL#file://}")
kill -TERM "$BRIDGE_LISTEN_PID"
for i in $(seq 50); do kill -0 "$BRIDGE_LISTEN_PID" 2>/dev/null || break; sleep 0.1; done
wait "$BRIDGE_LISTEN_PID"; RC=$?
GONE=$($PEER wait-client cadc-samp 1 && echo still-registered || echo gone)
check "SIGTERM -> exit 0 ($RC), cache removed, unregistered ($GONE)" \
  "[ $RC = 0 ] && [ ! -e '$CACHE' ] && [ $GONE = gone ]"

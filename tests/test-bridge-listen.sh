#!/bin/bash
# test-bridge-listen.sh: `cadc-samp listen` end to end against the JSAMP hub,
# astropy peers and the local DaCHS TAP server (the CADC test double).
. "$(dirname "$0")/lib.sh"
need_jsamp; need_astropy
setup_samp
start_dachs
plan 18
BASE=$DACHS_URL
start_hub jsamp || bail "JSAMP hub did not start"
REC=$T/rec.jsonl
start_recorder recorder "$REC" || bail "the recorder did not register"
DIAG_FILES=("$LOGS/listen.log")
start_listen listen --hub=never --tap "$BASE/tap" --datalink "$BASE/caom2ops/q/sync/dlmeta" \
  --radius 0.3deg --collection CFHT --no-cutouts
ok $? "listen registers as cadc-samp"

# 2. pointAt (notify) -> table.load.votable with the DaCHS known answer (9 rows)
peer send coord.pointAt.sky ra=131.28125 dec=54.3 --notify >/dev/null
# generous: the first query meets a cold DaCHS that other tests may be loading
wait_msgs "$REC" table.load.votable 1 90
URL=$(last_param "$REC" table.load.votable url)
NAME=$(last_param "$REC" table.load.votable name)
ROWS=$(vot_rows "$URL")
check "pointAt 131.28125 54.3 r=0.3 CFHT -> table of 9 rows (got $ROWS) named '$NAME'" \
  eval '[ "$ROWS" = 9 ] && [[ "$NAME" == "CADC CFHT 131.28+54.30 r18'"'"' 9 rows #"[0-9]* ]]'
check "result is a private file:// URL in a 0700 cache dir" \
  test "$(stat -c %a "$(dirname "${URL#file://}")")" = 700
TID=$(last_param "$REC" table.load.votable table-id)

# 4. burst of 20 positions -> coalesced: far fewer queries than positions
# (one or two on an idle machine; a loaded one spreads the hub's deliveries
# past the 150 ms quiet time, so up to half is allowed), at most one table
# per query, and the last table is the last position listen received (the
# JSAMP hub does not keep a sender's notifications in order: 131.16 has been
# seen to arrive after 131.19)
BEFORE=$(count_msgs "$REC" table.load.votable)
Q0=$(grep -c 'region query\|, superseded\|query cancelled' "$LOGS/listen.log")
P0=$(grep -c 'coord.pointAt.sky from' "$LOGS/listen.log")
peer burst 20 131.0 54.3 0.01 >/dev/null
all_received () { [ $(( $(grep -c 'coord.pointAt.sky from' "$LOGS/listen.log") - P0 )) -ge 20 ]; }
wait_until 60 all_received
LASTPOS=$(grep -o 'coord.pointAt.sky from [^:]*: ra=[0-9.]*' "$LOGS/listen.log" | tail -1 \
          | awk -F'ra=' '{ printf "%.2f", $2 }')
last_is_final () { [[ "$(last_param "$REC" table.load.votable name)" == *"$LASTPOS+54.30"* ]]; }
wait_until 90 last_is_final
sleep 2
TABLES=$(( $(count_msgs "$REC" table.load.votable) - BEFORE ))
LASTNAME=$(last_param "$REC" table.load.votable name)
QUERIES=$(( $(grep -c 'region query\|, superseded\|query cancelled' "$LOGS/listen.log") - Q0 ))
check "burst of 20 pointAts -> $QUERIES queries, $TABLES table(s), the last of the last position received, $LASTPOS ($LASTNAME)" \
  eval '[ $TABLES -ge 1 ] && [ $TABLES -le $QUERIES ] && [ $QUERIES -le 10 ] && [ -n "$LASTPOS" ] && [[ "$LASTNAME" == "CADC CFHT $LASTPOS+54.30 r18'"'"' "*" rows #"[0-9]* ]]'

# 5-8. custom MTypes: the reply's status and row count
status_rows () { json 'd["samp.status"] + " " + d["samp.result"]["rows"]' <<<"$R"; }
status () { json 'd["samp.status"]' <<<"$R"; }
R=$(peer send cadc.query.region ra=131.28125 dec=54.3 radius=0.3deg collection=CFHT)
why=$R check "cadc.query.region -> samp.ok rows=9" test "$(status_rows)" = "samp.ok 9"
R=$(peer send cadc.query.name name=Nr3491_1)
why=$R check "cadc.query.name Nr3491_1 -> samp.ok rows=2" test "$(status_rows)" = "samp.ok 2"
R=$(peer send cadc.query.adql "adql=SELECT TOP 3 obsID FROM caom2.Observation" maxrec=10)
why=$R check "cadc.query.adql -> samp.ok rows=3" test "$(status_rows)" = "samp.ok 3"
R=$(peer send cadc.cutouts ra=131.2812 dec=54.3 radius=0.01deg collection=CFHT --timeout 60)
soda_urls () {
  json 'd["samp.status"] == "samp.ok" and len(d["samp.result"]["urls"]) > 0
        and all("dlget" in u or "CIRCLE" in u for u in d["samp.result"]["urls"])' <<<"$R" | grep -q True
}
why=$R check "cadc.cutouts -> samp.ok with SODA cutout URLs" soda_urls

# 9. bad parameters -> samp.error with a useful text, never a crash
BAD=0; TXT=""
for args in "coord.pointAt.sky ra=abc dec=10" "coord.pointAt.sky ra=10 dec=95" \
            "cadc.query.region ra=10" "cadc.query.region ra=10 dec=20 radius=-1" \
            "cadc.query.name" "cadc.query.adql adql=SELEKT" \
            "table.load.votable name=x" "table.load.votable url=file:///nonexistent.xml" \
            "table.highlight.row table-id=$TID row=99999"; do
  R=$(peer send $args)
  S=$(echo "$R" | json 'd["samp.status"]+"|"+d.get("samp.error",{}).get("samp.errortxt","")')
  case "$S" in samp.error\|?*) ;; *) BAD=$((BAD+1)); TXT="$TXT [$args => $R]";; esac
done
why=$TXT check "9 bad calls -> samp.error with errortxt" test $BAD = 0
R=$(peer send samp.app.ping)
why=$R check "daemon still answers ping after bad input" test "$(status)" = samp.ok

# 11. a peer's VOTable with UCD'd positions -> crossmatch table arrives
cat > "$T/peer.xml" <<'VOT'
<?xml version="1.0"?>
<VOTABLE version="1.3" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE name="mine">
<FIELD name="src" datatype="char" arraysize="*"/>
<FIELD name="alpha" datatype="double" unit="deg" ucd="pos.eq.ra;meta.main"/>
<FIELD name="delta" datatype="double" unit="deg" ucd="pos.eq.dec;meta.main"/>
<DATA><TABLEDATA><TR><TD>a</TD><TD>131.2812</TD><TD>54.3</TD></TR>
<TR><TD>b</TD><TD>200.0</TD><TD>-80.0</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>
VOT
BEFORE=$(count_msgs "$REC" table.load.votable)
R=$(peer send table.load.votable url=file://$T/peer.xml table-id=peer1 name=mine)
wait_msgs "$REC" table.load.votable $((BEFORE+1)) 90
XNAME=$(last_param "$REC" table.load.votable name)
XURL=$(last_param "$REC" table.load.votable url)
XROWS=$(vot_rows "$XURL")
why=$R check "peer table.load.votable -> crossmatch table '$XNAME' with $XROWS rows" \
  eval '[[ "$XNAME" == "CADC crossmatch of mine "*" rows #"[0-9]* ]] && [ $XROWS -ge 1 ]'

# 12. highlight of a row of our table -> pointAt and image.load.fits arrive
B1=$(count_msgs "$REC" coord.pointAt.sky); B2=$(count_msgs "$REC" image.load.fits)
R=$(peer send table.highlight.row table-id=$TID row=0)
wait_msgs "$REC" image.load.fits $((B2+1)) 30
why=$R check "highlight row 0 of our table -> coord.pointAt.sky + image.load.fits" \
  eval '[ $(count_msgs "$REC" coord.pointAt.sky) -gt $B1 ] && [ $(count_msgs "$REC" image.load.fits) -gt $B2 ]'

# 13-16. FITS from peers (written here with astropy)
"$PY" - "$T" <<'PYEOF'
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
R=$(peer send table.load.fits url=file://$T/peer.fits table-id=peer2 name=minefits)
wait_msgs "$REC" table.load.votable $((BEFORE+1)) 90
FNAME=$(last_param "$REC" table.load.votable name)
FURL=$(last_param "$REC" table.load.votable url)
FROWS=$(vot_rows "$FURL")
FSTATUS=$(echo "$R" | json 'd["samp.status"]')
why=$R check "peer table.load.fits -> $FSTATUS, crossmatch '$FNAME' with $FROWS rows (VOTable: $XROWS)" \
  eval '[ "$FSTATUS" = samp.ok ] && [[ "$FNAME" == "CADC crossmatch of minefits 9 rows #"[0-9]* ]] && [ $FROWS = 9 ] && [ $FROWS = $XROWS ]'

# 14. a 0.4 deg TAN image centred on 131.28 54.3 -> the observations overlapping it
BEFORE=$(count_msgs "$REC" table.load.votable)
R=$(peer send image.load.fits url=file://$T/img.fits)
wait_msgs "$REC" table.load.votable $((BEFORE+1)) 90
INAME=$(last_param "$REC" table.load.votable name)
IURL=$(last_param "$REC" table.load.votable url)
IROWS=$(vot_rows "$IURL")
ISTATUS=$(echo "$R" | json 'd["samp.status"]')
why=$R check "peer image.load.fits -> $ISTATUS, '$INAME' with $IROWS rows" \
  eval '[ "$ISTATUS" = samp.ok ] && [[ "$INAME" == "CADC in img.fits 9 rows #"[0-9]* ]] && [ $IROWS = 9 ]'

# 15. corrupt or unusable FITS -> samp.error with a text; the daemon lives on
BAD=0; TXT=""
for args in "table.load.fits url=file://$T/corrupt.fits" \
            "image.load.fits url=file://$T/corrupt.fits" \
            "image.load.fits url=$T/peer.fits" \
            "table.load.fits url=file://$T/img.fits" \
            "image.load.fits url=file:///nonexistent.fits"; do
  R=$(peer send $args)
  S=$(echo "$R" | json 'd["samp.status"]+"|"+d.get("samp.error",{}).get("samp.errortxt","")')
  echo "# ${args%% *} ${args##*/} => $S"
  case "$S" in samp.error\|?*) ;; *) BAD=$((BAD+1)); TXT="$TXT [$args => $R]";; esac
done
R=$(peer send samp.app.ping)
why="$TXT $R" check "5 unusable FITS calls -> samp.error with errortxt, daemon answers ping" \
  eval '[ $BAD = 0 ] && [ "$(status)" = samp.ok ]'

# 16. the same image by http:// -> downloaded into the cache, same answer
mkdir -p "$T/www" && cp "$T/img.fits" "$T/www/"
spawn www "$PY" -c '
import functools, http.server, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
open(sys.argv[2] + ".tmp", "w").write(str(s.server_address[1]))
__import__("os").rename(sys.argv[2] + ".tmp", sys.argv[2])
s.serve_forever()' "$T/www" "$T/www.port"
wait_file "$T/www.port" 20
BEFORE=$(count_msgs "$REC" table.load.votable)
R=$(peer send image.load.fits url=http://127.0.0.1:$(cat "$T/www.port")/img.fits name=webimg)
wait_msgs "$REC" table.load.votable $((BEFORE+1)) 90
HNAME=$(last_param "$REC" table.load.votable name)
HURL=$(last_param "$REC" table.load.votable url)
HROWS=$(vot_rows "$HURL")
HSTATUS=$(echo "$R" | json 'd["samp.status"]')
R404=$(peer send image.load.fits url=http://127.0.0.1:$(cat "$T/www.port")/missing.fits)
S404=$(echo "$R404" | json 'd["samp.status"]')
why="$R $R404" check "image.load.fits by http -> $HSTATUS, '$HNAME' with $HROWS rows; 404 -> $S404" \
  eval '[ "$HSTATUS" = samp.ok ] && [[ "$HNAME" == "CADC in webimg 9 rows #"[0-9]* ]] && [ $HROWS = 9 ] && [ "$S404" = samp.error ]'
stop www

# 17. archive down -> samp.error, and the daemon still answers ping
spawn listen2 "$CADC_SAMP" listen --hub=never --tap http://127.0.0.1:9/tap --no-cutouts
wait_until 20 grep -q 'registered with the hub' "$LOGS/listen2.log"
R=$(peer send cadc.query.region ra=10 dec=20 --to cadc-samp --timeout 60)
# both listeners are called "cadc-samp"; ask the broken one by its log instead
grep -q 'error' "$LOGS/listen2.log" || true
R2=$("$PY" - "$T" <<'PYEOF'
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
why="$R2" check "archive down -> samp.error naming the failure, daemon answers ping" \
  eval 'json "any(s == \"samp.error\" and \"failed\" in t and pg == \"samp.ok\" for s, t, pg in d)" <<<"$R2" | grep -q True'
stop listen2

# 18. SIGTERM: unregisters, removes the cache, exits 0
CACHE=$(dirname "${URL#file://}")
kill -TERM "$(pid_of listen)"
wait_exit listen 10; RC=$EXIT_RC
GONE=$(registered cadc-samp && echo still-registered || echo gone)
check "SIGTERM -> exit 0 ($RC), cache removed, unregistered ($GONE)" \
  eval '[ $RC = 0 ] && [ ! -e "$CACHE" ] && [ $GONE = gone ]'

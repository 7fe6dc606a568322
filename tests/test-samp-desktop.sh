#!/bin/bash
# cadc-samp send table/image to real desktop peers under a private Xvfb:
# TOPCAT (proven by polling its table.get.stil and counting rows) and ds9
# (proven by ds9.get cmd=file and "fits size").  Prints TAP.
set -u
. "$CS_HARNESS/samp/lib.sh"
N=6
echo "1..$N"
missing=""
for p in Xvfb java topcat ds9 xpans; do samph_have $p || missing="$missing $p"; done
/usr/bin/python3 -c 'import astropy.samp, astropy.io.fits' 2>/dev/null || missing="$missing astropy"
if [ -n "$missing" ]; then
    for i in $(seq 1 $N); do echo "ok $i # SKIP not installed:$missing"; done
    exit 0
fi
samph_init
T=0
ok() { T=$((T+1)); echo "ok $T - $1"; }
nok() { T=$((T+1)); echo "not ok $T - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
bail() { echo "Bail out! $1"; for f in "$SAMPH_RUN"/logs/*.log; do echo "# == $f"; tail -5 "$f" | sed 's/^/# /'; done; exit 1; }

samph_start_xvfb || bail "Xvfb did not start"
samph_start_hub jsamp || bail "JSAMP hub did not start"
samph_launch topcat topcat -nohub
samph_launch xpans xpans -f "$XPA_TMPDIR/xpans_unix" -l "$XPA_TMPDIR/xpans_unix.log"
sleep 0.3
samph_launch ds9 ds9 -title csds9 -geometry 600x600+0+0
"$SAMPH_PY" "$SAMPH_DIR/samp_query.py" --wait topcat:table.load.votable \
    --wait SAOImageDS9:image.load.fits --timeout 120 > "$SAMPH_RUN/reg.json" \
    || bail "TOPCAT/ds9 did not register: $(cat "$SAMPH_RUN/reg.json")"
echo "# registered: $(cat "$SAMPH_RUN/reg.json")"

# our own small data: a 5-row VOTable and a 64x48 FITS image with a TAN WCS
cat > "$SAMPH_RUN/five.vot" <<'VOT'
<?xml version="1.0"?>
<VOTABLE version="1.3" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
 <RESOURCE><TABLE name="five">
  <FIELD name="ra" datatype="double" unit="deg" ucd="pos.eq.ra;meta.main"/>
  <FIELD name="dec" datatype="double" unit="deg" ucd="pos.eq.dec;meta.main"/>
  <DATA><TABLEDATA>
   <TR><TD>10.68</TD><TD>41.27</TD></TR><TR><TD>10.69</TD><TD>41.28</TD></TR>
   <TR><TD>10.70</TD><TD>41.26</TD></TR><TR><TD>10.71</TD><TD>-1.5</TD></TR>
   <TR><TD>10.72</TD><TD>41.29</TD></TR>
  </TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>
VOT
"$SAMPH_PY" - "$SAMPH_RUN/img.fits" <<'PY' || bail "cannot write FITS"
import sys, numpy as np
from astropy.io import fits
h = fits.PrimaryHDU(np.arange(64 * 48, dtype=np.float32).reshape(48, 64))
for k, v in dict(CTYPE1="RA---TAN", CTYPE2="DEC--TAN", CRVAL1=10.68, CRVAL2=41.27, CRPIX1=32,
                 CRPIX2=24, CDELT1=-0.0003, CDELT2=0.0003).items():
    h.header[k] = v
h.writeto(sys.argv[1], overwrite=True)
PY

# TOPCAT
out=$(cd "$SAMPH_RUN" && timeout 60 "$CADC_SAMP" send table five.vot --name "cs five" --to topcat --call --timeout 30 2>&1); rc=$?
echo "# $out"
check "send table --call to TOPCAT answered samp.ok (rc=$rc)" [ $rc -eq 0 ]
rows=""
for _ in $(seq 1 40); do     # TOPCAT answers before the table is listed: poll (≤20 s)
    res=$("$SAMPH_PY" "$SAMPH_DIR/samp_send.py" table.get.stil format=votable --to topcat --timeout 10 2>/dev/null)
    url=$("$SAMPH_PY" -c 'import json,sys
d=json.loads(sys.argv[1])
for v in d.values():
    r=v.get("response",{})
    if r.get("samp.status")=="samp.ok": print(r["samp.result"]["url"])' "$res" 2>/dev/null)
    if [ -n "$url" ]; then
        rows=$("$SAMPH_PY" -c 'import sys,urllib.request
t=urllib.request.urlopen(sys.argv[1], timeout=10).read().decode()
print(t.count("<TR"))' "$url" 2>/dev/null)
        [ -n "$rows" ] && break
    fi
    sleep 0.5
done
check "TOPCAT holds the table with 5 rows (table.get.stil gave ${rows:-nothing})" [ "${rows:-0}" = 5 ]

# ds9
out=$(cd "$SAMPH_RUN" && timeout 60 "$CADC_SAMP" send image img.fits --to SAOImageDS9 --call --timeout 30 2>&1); rc=$?
echo "# $out"
check "send image --call to ds9 answered samp.ok (rc=$rc)" [ $rc -eq 0 ]
get() { "$SAMPH_PY" "$SAMPH_DIR/samp_send.py" ds9.get "cmd=$1" --to SAOImageDS9 --timeout 10 2>/dev/null \
        | "$SAMPH_PY" -c 'import json,sys
d=json.load(sys.stdin)
for v in d.values(): print(v["response"]["samp.result"].get("value",""))'; }
f=$(get file)
check "ds9.get cmd=file names our image ($f)" bash -c "[[ '$f' == *img.fits* ]]"
s=$(get "fits size")
check "ds9.get fits size is 64 48 ($s)" [ "$(echo $s)" = "64 48" ]

# point: both peers accept coord.pointAt.sky by call.  TOPCAT answers
# samp.warning ("coordinate pair not used") when no window of its uses the
# position, as on a fresh session; SAMP defines a warning as done, so either
# answer passes, and an error or silence fails
out=$(timeout 60 "$CADC_SAMP" send point 10.69 41.275 --call --timeout 30 2>&1); rc=$?
echo "# $out" | tr '\n' ' '; echo
check "send point --call: TOPCAT and ds9 answered samp.ok or samp.warning (rc=$rc)" \
    bash -c "[ $rc -eq 0 ] && grep -q topcat <<<'$out' && grep -q SAOImageDS9 <<<'$out' && ! grep -q samp.error <<<'$out'"

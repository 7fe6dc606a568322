#!/bin/bash
# cadc-samp send table/image to real desktop peers under a private Xvfb:
# TOPCAT (proven by polling its table.get.stil and counting rows) and ds9
# (proven by ds9.get cmd=file and "fits size").
. "$(dirname "$0")/lib.sh"
need_cmds Xvfb java topcat ds9 xpans; need_astropy
setup_samp
plan 6
start_xvfb || bail "Xvfb did not start"
start_hub jsamp || bail "JSAMP hub did not start"
spawn topcat topcat -nohub
start_xpans; sleep 0.3
spawn ds9 ds9 -title csds9 -geometry 600x600+0+0
"$PY" "$SAMP_TOOLS/samp_query.py" --wait topcat:table.load.votable \
  --wait SAOImageDS9:image.load.fits --timeout 120 >"$T/reg.json" \
  || bail "TOPCAT/ds9 did not register: $(cat "$T/reg.json")"
diag "registered: $(cat "$T/reg.json")"

# our own small data: a 5-row VOTable and a 64x48 FITS image with a TAN WCS
cat >"$T/five.vot" <<'VOT'
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
"$PY" - "$T/img.fits" <<'PY' || bail "cannot write FITS"
import sys, numpy as np
from astropy.io import fits
h = fits.PrimaryHDU(np.arange(64 * 48, dtype=np.float32).reshape(48, 64))
for k, v in dict(CTYPE1="RA---TAN", CTYPE2="DEC--TAN", CRVAL1=10.68, CRVAL2=41.27, CRPIX1=32,
                 CRPIX2=24, CDELT1=-0.0003, CDELT2=0.0003).items():
    h.header[k] = v
h.writeto(sys.argv[1], overwrite=True)
PY

# TOPCAT answers before the table is listed: poll table.get.stil for the rows
topcat_rows () {
  local res url
  res=$("$PY" "$SAMP_TOOLS/samp_send.py" table.get.stil format=votable --to topcat --timeout 10 2>/dev/null)
  url=$(json '"".join(v["response"]["samp.result"]["url"] for v in d.values()
                      if v.get("response", {}).get("samp.status") == "samp.ok")' <<<"$res" 2>/dev/null)
  [ -n "$url" ] && rows=$("$PY" -c 'import sys,urllib.request
print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode().count("<TR"))' "$url" 2>/dev/null)
  [ "${rows:-0}" = 5 ]
}
out=$(cd "$T" && timeout 60 "$CADC_SAMP" send table five.vot --name "cs five" --to topcat --call --timeout 30 2>&1); rc=$?
diag "$out"
why=$out check "send table --call to TOPCAT answered samp.ok (rc=$rc)" test $rc -eq 0
rows=
check "TOPCAT holds the table with 5 rows (table.get.stil)" wait_until 20 topcat_rows
diag "table.get.stil gave ${rows:-nothing} rows"

# ds9: ds9.get cmd=file and "fits size" prove the image is loaded
ds9_get () {
  "$PY" "$SAMP_TOOLS/samp_send.py" ds9.get "cmd=$1" --to SAOImageDS9 --timeout 10 2>/dev/null \
    | json '"".join(v["response"]["samp.result"].get("value", "") for v in d.values())'
}
out=$(cd "$T" && timeout 60 "$CADC_SAMP" send image img.fits --to SAOImageDS9 --call --timeout 30 2>&1); rc=$?
diag "$out"
why=$out check "send image --call to ds9 answered samp.ok (rc=$rc)" test $rc -eq 0
f=$(ds9_get file)
check "ds9.get cmd=file names our image ($f)" eval '[[ "$f" == *img.fits* ]]'
s=$(ds9_get "fits size")
check "ds9.get fits size is 64 48 ($s)" test "$(echo $s)" = "64 48"

# point: both peers accept coord.pointAt.sky by call.  TOPCAT answers
# samp.warning ("coordinate pair not used") when no window of its uses the
# position, as on a fresh session; SAMP defines a warning as done, so either
# answer passes, and an error or silence fails
out=$(timeout 60 "$CADC_SAMP" send point 10.69 41.275 --call --timeout 30 2>&1); rc=$?
answered () { grep -q topcat <<<"$out" && grep -q SAOImageDS9 <<<"$out" \
               && ! grep -q '"samp.status": "samp.error"' <<<"$out"; }
why=$out check "send point --call: TOPCAT and ds9 answered samp.ok or samp.warning (rc=$rc)" \
  eval '[ $rc -eq 0 ] && answered'

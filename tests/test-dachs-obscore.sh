#!/bin/bash
# test-dachs-obscore.sh: the local DaCHS publishes a second, non-CADC
# archive through ivoa.obscore only (tests/harness/dachs/obsonly.rd, schema
# vo2: collections VOTEST and VOSURVEY), beside the CADC double's planes.
# Asserts the known answers of tests/harness/dachs/README ("ObsCore-only
# archive") through real TAP /sync queries, and that its access_urls lead
# to real FITS files: directly, or through DataLink (#this, SODA).
# The CADC answers through ivoa.obscore are asserted as well.  DaCHS is
# started through start.sh (idempotent; it imports the vo2 part if missing)
# and left running; all this test writes lives in its temp dir.
. "$(dirname "$0")/lib.sh"
need_astropy
setup_tmp
start_dachs_parts          # with the vo2 part, whenever DaCHS was started
plan 22
URL=$DACHS_URL
DIAG_FILES=("$T/out")
NEAR="CIRCLE('ICRS',131.28125,54.3,0.3)"

# tap QUERY: the CSV rows of a sync TAP query (header removed) in $T/out
tap () {
  curl -s -S --max-time 60 "$URL/tap/sync" -d LANG=ADQL -d RESPONSEFORMAT=csv \
    --data-urlencode "QUERY=$1" >"$T/out.csv" 2>"$T/out" || return 1
  head -1 "$T/out.csv" >>"$T/out"
  tail -n +2 "$T/out.csv" | tr -d '\r'
}
# count QUERY WANT: a SELECT COUNT(*) answers WANT
count () { local got; got=$(tap "$1"); why="$1 -> '$got', want $2"; [ "$got" = "$2" ]; }

# 1-3 the two archives side by side in ivoa.obscore
check "ivoa.obscore has 1508 CADC + 46 VOTEST/VOSURVEY rows = 1554" \
  count "SELECT COUNT(*) FROM ivoa.obscore" 1554
check "the CADC planes are all still there (1508 ivo://cadc.nrc.ca/ DIDs)" \
  count "SELECT COUNT(*) FROM ivoa.obscore WHERE obs_publisher_did LIKE 'ivo://cadc.nrc.ca/%'" 1508
check "VOTEST has 31 rows, VOSURVEY 15, all with ivo://example.org/ DIDs" \
  eval '[ "$(tap "SELECT obs_collection, COUNT(*) FROM ivoa.obscore WHERE obs_publisher_did LIKE '"'ivo://example.org/%'"' GROUP BY obs_collection ORDER BY obs_collection" | tr "\n" " ")" = "VOSURVEY,15 VOTEST,31 " ]'

# 4-8 one position, both archives (astroquery's test_misc position)
check "INTERSECTS on s_region: VOTEST images within 0.3 deg of (131.28125, 54.3): 10" \
  count "SELECT COUNT(*) FROM ivoa.obscore WHERE obs_collection='VOTEST' AND dataproduct_type='image' AND INTERSECTS($NEAR, s_region)=1" 10
check "... all VOTEST products there: 13 (10 images, 2 spectra, 1 cube); VOSURVEY: 4" \
  eval 'count "SELECT COUNT(*) FROM ivoa.obscore WHERE obs_collection='"'VOTEST'"' AND INTERSECTS($NEAR, s_region)=1" 13 &&
        count "SELECT COUNT(*) FROM ivoa.obscore WHERE obs_collection='"'VOSURVEY'"' AND INTERSECTS($NEAR, s_region)=1" 4'
check "s_ra/s_dec fallback (CONTAINS POINT) finds the same 10 VOTEST images" \
  count "SELECT COUNT(*) FROM ivoa.obscore WHERE obs_collection='VOTEST' AND dataproduct_type='image' AND 1=CONTAINS(POINT('ICRS',s_ra,s_dec), $NEAR)" 10
tap "SELECT obs_publisher_did FROM ivoa.obscore WHERE obs_collection='CFHT' AND dataproduct_type='image' AND INTERSECTS($NEAR, s_region)=1" | sort >"$T/cfht-obscore"
tap "SELECT p.publisherID FROM caom2.Observation o JOIN caom2.Plane p ON o.obsID=p.obsID WHERE INTERSECTS($NEAR, position_bounds)=1 AND (quality_flag IS NULL OR quality_flag != 'junk') AND collection='CFHT' AND dataProductType='image'" | sort >"$T/cfht-caom2"
why="ObsCore: $(wc -l <"$T/cfht-obscore") rows, CAOM2 (test_misc): $(wc -l <"$T/cfht-caom2")"
check "CADC via ivoa.obscore, CFHT images there: the 9 of test_misc + the junk-flagged 2404092p = 10" \
  eval '[ "$(wc -l <"$T/cfht-obscore")" = 10 ] && [ "$(wc -l <"$T/cfht-caom2")" = 9 ] &&
        [ "$(comm -23 "$T/cfht-obscore" "$T/cfht-caom2")" = "ivo://cadc.nrc.ca/CFHT?2404092/2404092p" ] &&
        [ -z "$(comm -13 "$T/cfht-obscore" "$T/cfht-caom2")" ]'
check "images of every archive there: 31 (CFHT 10 GEMINI 1 HST 4 JCMT 2 VOSURVEY 4 VOTEST 10)" \
  eval '[ "$(tap "SELECT obs_collection, COUNT(*) FROM ivoa.obscore WHERE dataproduct_type='"'image'"' AND INTERSECTS($NEAR, s_region)=1 GROUP BY obs_collection ORDER BY obs_collection" | tr "\n" " ")" = "CFHT,10 GEMINI,1 HST,4 JCMT,2 VOSURVEY,4 VOTEST,10 " ]'

# 9-11 where no CADC row is; names
why=
check "(300, -60) r=0.5: 15 VOTEST rows (12 images, 2 spectra, 1 cube), no CADC row" \
  eval '[ "$(tap "SELECT obs_collection, dataproduct_type, COUNT(*) FROM ivoa.obscore WHERE INTERSECTS(CIRCLE('"'ICRS'"',300.0,-60.0,0.5), s_region)=1 GROUP BY obs_collection, dataproduct_type ORDER BY dataproduct_type" | tr "\n" " ")" = "VOTEST,cube,1 VOTEST,image,12 VOTEST,spectrum,2 " ]'
check "(130, -50) r=0.5: 1 VOSURVEY image only" \
  eval '[ "$(tap "SELECT obs_collection, dataproduct_type FROM ivoa.obscore WHERE INTERSECTS(CIRCLE('"'ICRS'"',130.0,-50.0,0.5), s_region)=1")" = "VOSURVEY,image" ]'
check "target_name='VTJ0845+5418': 13 rows; 'VTJ2000-6000': 15" \
  eval 'count "SELECT COUNT(*) FROM ivoa.obscore WHERE target_name='"'VTJ0845+5418'"'" 13 &&
        count "SELECT COUNT(*) FROM ivoa.obscore WHERE target_name='"'VTJ2000-6000'"'" 15'

# 12-13 how the products are reached
check "access_format: VOTEST 12 image/fits + 19 DataLink, VOSURVEY 6 + 9" \
  eval '[ "$(tap "SELECT obs_collection, access_format, COUNT(*) FROM ivoa.obscore WHERE obs_publisher_did LIKE '"'ivo://example.org/%'"' GROUP BY obs_collection, access_format ORDER BY obs_collection, access_format" | tr "\n" " ")" = "VOSURVEY,application/x-votable+xml;content=datalink,9 VOSURVEY,image/fits,6 VOTEST,application/x-votable+xml;content=datalink,19 VOTEST,image/fits,12 " ]'
check "DataLink rows: 13 with SODA (vo2/q/dl), 15 #this only (vo2/q/dlplain)" \
  eval 'count "SELECT COUNT(*) FROM ivoa.obscore WHERE access_url LIKE '"'%/vo2/q/dl/dlmeta?ID=%'"'" 13 &&
        count "SELECT COUNT(*) FROM ivoa.obscore WHERE access_url LIKE '"'%/vo2/q/dlplain/dlmeta?ID=%'"'" 15'

# a row's access_url by publisher DID
acc () { tap "SELECT access_url FROM ivoa.obscore WHERE obs_publisher_did='ivo://example.org/votest?$1'"; }
# fits_at FILE RA DEC: FILE is a FITS image whose celestial WCS puts its
# centre within 0.01 deg of RA DEC (what ds9 or Aladin would show)
fits_at () {
  "$PY" - "$@" >>"$T/out" 2>&1 <<'EOF'
import sys
from astropy.io import fits
from astropy.wcs import WCS
path, ra, dec = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
with fits.open(path) as h:
    w = WCS(h[0].header).celestial
    ny, nx = h[0].data.shape[-2:]
    c = w.pixel_to_world((nx - 1) / 2.0, (ny - 1) / 2.0)
    print(path, h[0].data.shape, w.wcs.ctype, c.ra.deg, c.dec.deg)
    sys.exit(0 if abs(c.ra.deg - ra) < 0.01 and abs(c.dec.deg - dec) < 0.01 else 1)
EOF
}
# links FILE: "semantics access_url service_def" per row of a DataLink VOTable
links () {
  "$PY" - "$1" 2>>"$T/out" <<'EOF'
import sys
from astropy.io.votable import parse_single_table
t = parse_single_table(sys.argv[1]).array
for r in t:
    print(r["semantics"], r["access_url"] or "-", r["service_def"] or "-")
EOF
}

# 14-15 a direct access_url
why=
U=$(acc vt0001)
check "vt0001's access_url is a direct FITS URL (/getproduct/...)" \
  eval '[ "$U" = "$URL/getproduct/vo2/data/fits/vt0001.fits" ]'
curl -s -f --max-time 60 -o "$T/vt0001.fits" "$U" 2>>"$T/out"
check "it downloads a FITS image with a celestial WCS centred on its s_ra/s_dec" \
  eval 'file "$T/vt0001.fits" | grep -q "FITS image data" && fits_at "$T/vt0001.fits" $(tap "SELECT s_ra, s_dec FROM ivoa.obscore WHERE obs_id='"'vt0001'"'" | tr , " ")'

# 16-19 a DataLink access_url with SODA
U=$(acc vt0002)
curl -s -f --max-time 60 -o "$T/dl.xml" "$U" 2>>"$T/out"
links "$T/dl.xml" >"$T/dl.links"
cp "$T/dl.links" "$T/out"
check "vt0002's DataLink gives a #this link to its FITS file" \
  grep -qx "#this $URL/getproduct/vo2/data/fits/vt0002.fits -" "$T/dl.links"
check "... and a SODA service descriptor (sync dlget)" \
  eval 'grep -q " - procsvc$" "$T/dl.links" && grep -q "value=\"$URL/vo2/q/dl/dlget\"" "$T/dl.xml"'
curl -s -f --max-time 60 -o "$T/this.fits" "$URL/getproduct/vo2/data/fits/vt0002.fits" 2>>"$T/out"
RD=$(tap "SELECT s_ra, s_dec FROM ivoa.obscore WHERE obs_id='vt0002'" | tr , ' ')
check "#this downloads the FITS image (centred on s_ra/s_dec)" fits_at "$T/this.fits" $RD
set -- $RD
curl -s -f --max-time 60 -o "$T/cut.fits" "$URL/vo2/q/dl/dlget" --get \
  --data-urlencode "ID=ivo://example.org/votest?vt0002" --data-urlencode "POS=CIRCLE $1 $2 0.01" 2>>"$T/out"
check "SODA cutout (POS=CIRCLE s_ra s_dec 0.01) is a smaller FITS image at the same place" \
  eval 'fits_at "$T/cut.fits" $RD && "$PY" -c "
import sys; from astropy.io import fits
a = fits.getdata(sys.argv[1]).shape; b = fits.getdata(sys.argv[2]).shape
print(a, b); sys.exit(0 if a[0] < b[0] and a[1] < b[1] else 1)" "$T/cut.fits" "$T/this.fits" >>"$T/out" 2>&1'

# 20-22 DataLink access_urls without SODA, and an unknown DID
U=$(acc vt0003)
curl -s -f --max-time 60 -o "$T/dlp.xml" "$U" 2>>"$T/out"
links "$T/dlp.xml" >"$T/dlp.links"
cp "$T/dlp.links" "$T/out"
check "vt0003's DataLink (dlplain) gives #this to its FITS file and no service descriptor" \
  eval 'grep -qx "#this $URL/getproduct/vo2/data/fits/vt0003.fits -" "$T/dlp.links" && ! grep -q procsvc "$T/dlp.links"'
U=$(acc vt0012)
curl -s -f --max-time 60 -o "$T/spec.xml" "$U" 2>>"$T/out"
links "$T/spec.xml" >"$T/spec.links"
cp "$T/spec.links" "$T/out"
check "vt0012 (a spectrum, DataLink only): #this to its FITS file, no #preview" \
  eval 'grep -qx "#this $URL/getproduct/vo2/data/fits/vt0012.fits -" "$T/spec.links" && ! grep -q "^#preview" "$T/spec.links"'
curl -s --max-time 60 -o "$T/nf.xml" "$URL/vo2/q/dl/dlmeta" --get \
  --data-urlencode "ID=ivo://example.org/votest?nosuch" 2>>"$T/out"
cp "$T/nf.xml" "$T/out"
check "an unknown DID gets a DataLink NotFoundFault row" \
  grep -q 'NotFoundFault' "$T/nf.xml"

#!/bin/bash
# test-archive-obscore.sh: cadc-samp on ObsCore archives and named archives,
# against the local DaCHS (tests/harness/dachs: the CADC double's planes
# through ivoa.obscore, and the ObsCore-only archive vo2, collections VOTEST
# and VOSURVEY; known answers in its README).  An ObsCore-only service (no
# caom2 schema, s_region not a geometry) is the stand-in
# harness/standin/obscore-only.py in front of DaCHS.  DaCHS is started
# through start.sh (idempotent; imports vo2 when missing) and left running;
# all this test writes lives in its temp dir.
. "$(dirname "$0")/lib.sh"
need_astropy
setup_tmp
start_dachs_parts          # with the vo2 part, whenever DaCHS was started
plan 28
URL=$DACHS_URL
TAP="--tap $URL/tap"
POS='08h45m07.5s +54d18m00s'
DIAG_FILES=("$T/err")
cs () { timeout 120 "$CADC_SAMP" "$@" 2>"$T/err"; }
rows () { tail -n +2 "$1" | grep -c .; }           # csv lines minus header
# col FILE NAME: the values of one column of a CSV result
col () { "$PY" -c "
import csv, sys
print('\n'.join(r['$2'] for r in csv.DictReader(open('$1'))))"; }
# one_row OBS_ID: the ObsCore row of OBS_ID as a VOTable, $T/OBS_ID.xml
one_row () { cs $TAP query "SELECT * FROM ivoa.obscore WHERE obs_id='$1'" -o "$T/$1.xml"; }

# 1-3 region through ObsCore on the CADC data: 10 CFHT rows, not 9 (ObsCore
# has no quality flag: the junk-flagged plane is there), test_misc's 9 among them
cs $TAP --model obscore region "$POS" --radius 0.3deg --collection CFHT --format csv >"$T/cfht.csv"
check "--model obscore region, collection CFHT: 10 rows" test "$(rows "$T/cfht.csv")" = 10
cs $TAP --model caom2 region "$POS" --radius 0.3deg --collection CFHT --type image \
  --format csv >"$T/caom.csv"
col "$T/caom.csv" publisherID | sort >"$T/caom.ids"
col "$T/cfht.csv" obs_publisher_did | sort >"$T/obscore.ids"
check "the 9 planes of astroquery's test_misc are among the ObsCore rows" \
  eval "[ \$(grep -c . '$T/caom.ids') = 9 ] && [ -z \"\$(comm -23 '$T/caom.ids' '$T/obscore.ids')\" ]"
check "the tenth is the junk-flagged plane CAOM2 leaves out" \
  test "$(comm -13 "$T/caom.ids" "$T/obscore.ids")" = "ivo://cadc.nrc.ca/CFHT?2404092/2404092p"

# 4 the VOTEST images at the same position
cs $TAP --model obscore region "$POS" --radius 0.3deg --collection VOTEST --type image \
  --format csv >"$T/vt.csv"
check "--model obscore region, VOTEST images: vt0001..vt0010" \
  test "$(col "$T/vt.csv" obs_id | sort | tr '\n' ' ')" = \
  "vt0001 vt0002 vt0003 vt0004 vt0005 vt0006 vt0007 vt0008 vt0009 vt0010 "

# 5 name -> target_name
cs $TAP --model obscore name VTJ0845+5418 --format csv >"$T/name.csv"
check "--model obscore name VTJ0845+5418: 13 rows, all VOTEST" \
  eval "[ \$(rows '$T/name.csv') = 13 ] && [ \"\$(col '$T/name.csv' obs_collection | sort -u)\" = VOTEST ]"

# 6 collections through obs_collection: CADC's 11 and the two of vo2, each
# with the IVOA wavebands of its rows' em_min..em_max (as CAOM2 names them:
# CFHT's filters from u to K, VLASS at 2-4 GHz)
cs $TAP --model obscore collections >"$T/coll"
check "--model obscore collections: 13 collections with their bands (VOTEST Optical, VOSURVEY Infrared, CFHT Infrared,Optical, VLASS Radio)" \
  eval "[ \$(grep -c . '$T/coll') = 13 ] && grep -qxP 'VOTEST\tOptical' '$T/coll' &&
        grep -qxP 'VOSURVEY\tInfrared' '$T/coll' && grep -qxP 'CFHT\tInfrared,Optical' '$T/coll' &&
        grep -qxP 'VLASS\tRadio' '$T/coll'"

# 7-8 model discovery from VOSI /tables: DaCHS has both schemas -> CAOM2
cs $TAP -vv region "$POS" --radius 0.3deg --collection CFHT --type image --format csv >"$T/disc.csv"
check "DaCHS (caom2 and ivoa.obscore): CAOM2 is discovered from /tables, test_misc's 9 rows" \
  eval "grep -q 'tap: data model caom2' '$T/err' && grep -q 'ADQL: SELECT \* from caom2.Observation' '$T/err' && [ \$(rows '$T/disc.csv') = 9 ]"
serve obscore-only "$CS_HARNESS/standin/obscore-only.py" "$URL" || bail "stand-in did not start"
ONLY=http://127.0.0.1:$SERVED_PORT
cs --tap "$ONLY/tap" -vv region "$POS" --radius 0.3deg --collection VOTEST --type image \
  --format csv >"$T/only.csv"
check "ObsCore-only service: ObsCore discovered, s_ra/s_dec fallback, the same 10 rows" \
  eval "grep -q 'tap: data model obscore (positions on s_ra/s_dec)' '$T/err' && grep -q 'ADQL: SELECT \* FROM ivoa.obscore' '$T/err' && grep -q \"CONTAINS(POINT('ICRS', s_ra, s_dec)\" '$T/err' && [ \$(rows '$T/only.csv') = 10 ]"

# 9-13 data-urls of ObsCore rows: direct FITS, DataLink+SODA, DataLink only
one_row vt0001; one_row vt0002; one_row vt0003
cs $TAP data-urls "$T/vt0001.xml" >"$T/u1"
check "data-urls of a direct-FITS row is its access_url" \
  test "$(cat "$T/u1")" = "$URL/getproduct/vo2/data/fits/vt0001.fits"
cs $TAP data-urls "$T/vt0002.xml" >"$T/u2"
cs $TAP data-urls --aux "$T/vt0002.xml" >"$T/u2aux"
check "data-urls of a DataLink row: its #this (--aux adds the #preview)" \
  eval "[ \"\$(cat '$T/u2')\" = '$URL/getproduct/vo2/data/fits/vt0002.fits' ] && grep -q 'preview' '$T/u2aux'"
cs $TAP data-urls "$T/vt0003.xml" >"$T/u3"
check "data-urls of a DataLink-only row: its #this" \
  test "$(cat "$T/u3")" = "$URL/getproduct/vo2/data/fits/vt0003.fits"
curl -s -S -m 60 -o "$T/vt0003.fits" "$(cat "$T/u3")" 2>"$T/err"
check "that URL is the 32x32 FITS image" "$PY" -c "
from astropy.io import fits; import sys
sys.exit(0 if fits.getdata('$T/vt0003.fits').shape == (32, 32) else 1)"
cs $TAP --model obscore region "$POS" --radius 0.3deg --collection VOTEST --type image -o "$T/vt.xml"
cs $TAP data-urls "$T/vt.xml" >"$T/uall"
check "data-urls of the 10 VOTEST images: 10 FITS URLs, in row order" \
  eval "[ \$(grep -c '\.fits$' '$T/uall') = 10 ]"

# 14-18 cutouts: SODA from vt0002's DataLink; none for the others, said clearly
cs $TAP cutout-urls "$T/vt0002.xml" 131.333933 54.322336 0.01 >"$T/c2"
check "cutout-urls of vt0002: one SODA URL from its DataLink service descriptor" \
  eval "[ \$(grep -c . '$T/c2') = 1 ] && grep -q '/vo2/q/dl/dlget?ID=.*vt0002&POS=CIRCLE+131.333933+54.322336+0.01' '$T/c2'"
curl -s -S -m 60 -o "$T/cut2.fits" "$(cat "$T/c2")" 2>"$T/err"
check "the cutout is a small FITS image (about 8x8 of 32x32)" "$PY" -c "
from astropy.io import fits; import sys
h, w = fits.getdata('$T/cut2.fits').shape
sys.exit(0 if 5 <= h <= 10 and 5 <= w <= 10 else 1)"
cs $TAP cutout-urls "$T/vt0001.xml" 131.315524 54.3 0.01 >"$T/c1"; rc=$?
check "cutout-urls of a direct-only row: exit 4, 'a direct download ... no SODA cutout'" \
  eval "[ $rc = 4 ] && [ ! -s '$T/c1' ] && grep -q 'vt0001: no cutout: a direct download (image/fits) and the service offers no SODA' '$T/err'"
cs $TAP cutout-urls "$T/vt0003.xml" 131.310905 54.353259 0.01 >"$T/c3"; rc=$?
check "cutout-urls of a DataLink row without SODA: exit 4, said so" \
  eval "[ $rc = 4 ] && grep -q 'vt0003: no cutout: its DataLink document offers no SODA service' '$T/err'"
cs $TAP --model obscore cutouts 131.28125 54.3 0.01 --collection VOTEST --dir "$T/cut" >"$T/cuts"
rc=$?
check "cutouts near vt0001..3: vt0002's cutout downloaded, the others reported, exit 0" \
  eval "[ $rc = 0 ] && [ \$(ls '$T/cut'/*.fits | wc -l) = 1 ] && grep -q 'vt0001: no cutout' '$T/err' && grep -q 'cutout-001.fits.8x8' '$T/cuts'"

start_http_server || bail "http-test-server did not start"
cat >"$T/unauth.xml" <<VOT
<?xml version="1.0"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE type="results"><TABLE>
<FIELD name="obs_publisher_did" datatype="char" arraysize="*"/>
<FIELD name="access_url" datatype="char" arraysize="*"/>
<FIELD name="access_format" datatype="char" arraysize="*"/>
<DATA><TABLEDATA><TR><TD>ivo://example.org/private?p1</TD><TD>$HTTP_URL/unauth/dl?ID=p1</TD>
<TD>application/x-votable+xml;content=datalink</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>
VOT
cs $TAP data-urls "$T/unauth.xml" >"$T/out"; rc=$?
check "a DataLink document that needs a login: exit 6 (authentication), naming the row" \
  eval "[ $rc = 6 ] && grep -q 'ivo://example.org/private?p1: DataLink: .*401' '$T/err'"

# 20-28 named archives
DEAD=$(free_port)
mkdir -p "$XDG_CONFIG_HOME/cadc-samp"
cat >"$XDG_CONFIG_HOME/cadc-samp/config" <<CFG
[archive]
registry=$URL/static/reg/resource-caps

[archive.votest]
tap=$URL/tap
model=obscore
collection=VOTEST

[archive.obsonly]
tap=$ONLY/tap

[archive.down]
tap=http://127.0.0.1:$DEAD/tap
CFG
cs --archive votest region "$POS" --radius 0.3deg --type image --format csv >"$T/named.csv"
check "--archive votest region: its model and collection, the 10 VOTEST images" \
  eval "[ \$(rows '$T/named.csv') = 10 ] && [ \"\$(col '$T/named.csv' obs_collection | sort -u)\" = VOTEST ]"
cs region --archive obsonly "$POS" --radius 0.3deg --collection VOSURVEY --format csv >"$T/named2.csv"
check "--archive after the command, model discovered: the 4 VOSURVEY images" \
  test "$(rows "$T/named2.csv")" = 4
cs --archive cadc region "$POS" --radius 0.3deg --collection CFHT --type image --format csv >"$T/cadc.csv"
check "--archive cadc is the built-in CADC (registry, CAOM2): 9 rows" test "$(rows "$T/cadc.csv")" = 9
cs archives >"$T/list"; rc=$?
DIAG_FILES=("$T/err" "$T/list")
check "archives: exit 0, four lines in config order" \
  eval "[ $rc = 0 ] && [ \"\$(cut -f1 '$T/list' | tr '\n' ' ')\" = 'cadc votest obsonly down ' ]"
check "archives: cadc with the registry's TAP and the discovered CAOM2" \
  grep -qxF "$(printf 'cadc\t%s/tap\tcaom2\tdiscovered' "$URL")" "$T/list"
check "archives: votest configured obscore, obsonly discovered obscore" \
  eval "grep -qxF \"\$(printf 'votest\t%s/tap\tobscore\tconfigured' '$URL')\" '$T/list' && grep -qxF \"\$(printf 'obsonly\t%s/tap\tobscore\tdiscovered' '$ONLY')\" '$T/list'"
check "archives: an archive that does not answer is listed as unreachable" \
  grep -q "^down	http://127.0.0.1:$DEAD/tap	-	unreachable: " "$T/list"
DIAG_FILES=("$T/err")
cs --archive nope region "$POS" >"$T/out"; rc=$?
check "an unknown archive: usage error (exit 2) naming the known ones" \
  eval "[ $rc = 2 ] && grep -q \"unknown archive 'nope' (known: cadc, votest, obsonly, down\" '$T/err'"
cs --archive votest --archive cadc region "$POS" >"$T/out"; rc=$?
check "--archive twice outside listen: usage error (exit 2), only listen asks several" \
  eval "[ $rc = 2 ] && grep -q 'only listen asks several archives at once' '$T/err'"

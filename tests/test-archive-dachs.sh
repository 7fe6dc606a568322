#!/bin/bash
# test-archive-dachs.sh: every archive subcommand of cadc-samp against the
# local DaCHS test double (tests/harness/dachs), with its known answers.
# DaCHS is started through start.sh (idempotent, flock-serialised) and left
# running for the other tests; everything this test creates lives in a
# private temp dir, and the UWS jobs it makes it deletes.
. "$(dirname "$0")/lib.sh"
setup_tmp
start_dachs
plan 23
URL=$DACHS_URL
REG="--registry $URL/static/reg/resource-caps"
TAP="--tap $URL/tap"
DIAG_FILES=("$T/err")
cs () { timeout 120 "$CADC_SAMP" "$@" 2>"$T/err"; }
rows () { grep -c . "$1" | awk '{print $1 - 1}'; }   # csv lines minus header

# 1-2 region (astroquery test_misc: 9 rows) through registry discovery, no --tap
cs $REG region --collection CFHT --type image --radius 0.3 '08h45m07.5s +54d18m00s' --format csv >"$T/region.csv"
check "region via registry (no --tap) returns 9 rows" test "$(rows "$T/region.csv")" = 9
cs $TAP region --radius 0.3 --type image --format csv -- 131.2812539293342 54.29999417826929 >"$T/region2.csv"
check "region without collection returns 16 rows" test "$(rows "$T/region2.csv")" = 16

# 3 name
cs $REG name Nr3491_1 --format csv >"$T/name.csv"
DEAD=$(free_port)
CADC_SAMP_REGISTRY_FALLBACKS="http://127.0.0.1:$DEAD/reg/resource-caps,$URL/static/reg/resource-caps" \
  cs -v name Nr3491_1 --format csv >"$T/name-fb.csv"
check "no registry configured: a dead first registry is skipped for the DaCHS one" \
  eval "cmp -s '$T/name.csv' '$T/name-fb.csv' && grep -q '127.0.0.1:$DEAD.*trying the next one' '$T/err'"
check "name Nr3491_1 returns 2 planes" test "$(rows "$T/name.csv")" = 2

# 4 -o writes a VOTable atomically (no temp left behind)
cs $REG -o "$T/name.xml" name Nr3491_1
check "-o FILE writes the VOTable, no .part file left" \
  eval "grep -q '<VOTABLE' '$T/name.xml' && ! ls '$T'/name.xml.part-* >/dev/null 2>&1"

# 5-6 data-urls
cs $REG data-urls "$T/name.xml" >"$T/urls"
check "data-urls gives 2 #this URLs" test "$(grep -c '^http' "$T/urls")" = 2
cs $REG data-urls --aux - <"$T/name.xml" >"$T/urls-aux"
check "data-urls --aux (stdin) gives more" test "$(grep -c '^http' "$T/urls-aux")" -gt 2

# 7 cutout-urls
cs $REG cutout-urls "$T/name.xml" 131.2812 54.3 0.01 >"$T/curls"
check "cutout-urls gives 2 SODA URLs with POS=CIRCLE" \
  eval "[ \$(grep -c 'POS=CIRCLE' '$T/curls') = 2 ]"

# 8-9 cutouts: valid FITS of about 16x16 pixels
cs $REG cutouts 131.2812 54.3 0.01 --collection CFHT --dir "$T/cut" >"$T/cut.out"
check "cutouts downloads 9 files" test "$(ls "$T/cut"/*.fits 2>/dev/null | wc -l)" = 9
check "cutouts are FITS images of 16-17 pixels a side (astropy)" "$PY" -c "
import glob, sys
from astropy.io import fits
fs = sorted(glob.glob('$T/cut/*.fits'))
shapes = [fits.getdata(f).shape for f in fs]
sys.exit(0 if fs and all(16 <= a <= 17 and 16 <= b <= 17 for a, b in shapes) else 1)"

# 10-11 query: sync vs async agree; the job runs to COMPLETED and is deleted
Q="select top 3 observationID from caom2.Observation where collection='IRIS' order by observationID"
cs $TAP query "$Q" --format csv >"$T/sync.csv"
cs $TAP query --async "$Q" --format csv >"$T/async.csv"
check "async query result equals the sync one (3 rows)" \
  eval "[ \$(grep -c . '$T/sync.csv') = 4 ] && cmp -s '$T/sync.csv' '$T/async.csv'"
JOB=$(grep -o 'async/[a-z0-9]*' "$T/err" | head -1 | cut -d/ -f2)
cs $TAP job "$JOB" >"$T/job.out"; rc=$?
check "the async job was deleted afterwards (job ID → error)" test $rc != 0

# 12-13 jobs lists the jobs this test makes itself: one left PENDING, one run
# to COMPLETED (a new DaCHS has none, and the query --async job is deleted)
mkjob() {  # POST a UWS job; prints its ID (curl does not follow the 303)
  curl -s -o /dev/null -w '%{redirect_url}' --data-urlencode LANG=ADQL --data-urlencode \
    "QUERY=select top 1 observationID from caom2.Observation" "$@" "$URL/tap/async" | sed 's|.*/||'
}
PENDING=$(mkjob)
DONE=$(mkjob)
at_exit 'for j in $PENDING $DONE; do curl -s -o /dev/null -d ACTION=DELETE "$URL/tap/async/$j"; done'  # even if we stop early
curl -s -o /dev/null -d PHASE=RUN "$URL/tap/async/$DONE/phase"
cs $TAP job "$DONE" --wait >/dev/null
cs $TAP jobs --last 50 >"$T/jobs.out"
check "jobs lists this test's PENDING job ($PENDING) as ID<TAB>PHASE" \
  grep -qP "^$PENDING\tPENDING\t" "$T/jobs.out"
cs $TAP jobs --phase COMPLETED >"$T/jobs2.out"
check "jobs --phase COMPLETED lists the completed job ($DONE) and only COMPLETED" \
  eval "grep -qP '^$DONE\tCOMPLETED\t' '$T/jobs2.out' && ! grep -vP '\tCOMPLETED\t' '$T/jobs2.out'"
cs $TAP job "$PENDING" --delete >/dev/null; cs $TAP job "$DONE" --delete >/dev/null

# 14 upload join returns the uploaded rows (a VOTable and a FITS table)
cat >"$T/up.xml" <<'EOF'
<?xml version="1.0"?>
<VOTABLE version="1.3" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE>
<FIELD name="pid" datatype="char" arraysize="*"/><DATA><TABLEDATA>
<TR><TD>ivo://cadc.nrc.ca/CFHT?2401766/2401766p</TD></TR>
<TR><TD>ivo://cadc.nrc.ca/CFHT?2401766/2401766o</TD></TR>
</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>
EOF
cs $TAP query "select p.planeID, u.pid from caom2.plane p join tap_upload.mine u on p.publisherID=u.pid" \
  --upload mine="$T/up.xml" --format csv >"$T/up.csv"
check "upload join returns the 2 uploaded rows" test "$(rows "$T/up.csv")" = 2
cs $TAP query "select 1 from tap_upload.x" --upload x="$T/missing.xml" >/dev/null; rc=$?
check "a missing upload file is an error (exit 5) before any request" \
  eval "[ $rc = 5 ] && grep -q 'does not exist' '$T/err'"

# 16 MAXREC overflow reported, exit 0
cs $TAP query "select planeURI from caom2.plane" --maxrec 5 --format csv >"$T/max.csv"; rc=$?
check "MAXREC overflow: 5 rows, exit 0, warning on stderr" \
  eval "[ $rc = 0 ] && [ \$(grep -c . '$T/max.csv') = 6 ] && grep -q OVERFLOW '$T/err'"

# 17 ADQL error: non-zero exit with the server's message, no output file
cs $TAP -o "$T/bad.xml" query "selec broken"; rc=$?
check "ADQL error exits 4 with the server's message, no output file" \
  eval "[ $rc = 4 ] && grep -q 'Could not parse' '$T/err' && [ ! -e '$T/bad.xml' ]"

# 18-19 collections and tables
cs $REG collections >"$T/coll"
check "collections lists 11 collections, CFHT with Infrared and Optical" \
  eval "[ \$(wc -l < '$T/coll') = 11 ] && grep -P '^CFHT\t' '$T/coll' | grep -q Infrared && grep -P '^CFHT\t' '$T/coll' | grep -q Optical"
cs $REG tables --names >"$T/tables"
check "tables --names lists caom2.plane, caom2.observation, ivoa.obscore" \
  eval "grep -qix caom2.plane '$T/tables' && grep -qix caom2.observation '$T/tables' && grep -qix ivoa.obscore '$T/tables'"
cs $REG table caom2.plane >"$T/table"
check "table caom2.plane lists publisherid and position_bounds columns" \
  eval "grep -qi '^publisherid' '$T/table' && grep -qi '^position_bounds' '$T/table'"

# 21-22 embargo: SODA on an embargoed plane needs HTTP Basic (netrc)
cs $REG cutouts 129.98 54.29 0.01 --dir "$T/emb1" >/dev/null; rc=$?
check "embargoed cutout fails without credentials (401), others succeed" \
  eval "[ $rc = 1 ] && grep -q '401' '$T/err' && [ \$(ls '$T/emb1' | wc -l) = 5 ]"
printf 'machine 127.0.0.1\n  login cadcauthtest\n  password test-password\n' >"$NETRC"
chmod 600 "$NETRC"
cs $REG cutouts 129.98 54.29 0.01 --dir "$T/emb2" >/dev/null; rc=$?
check "embargoed cutout succeeds with netrc credentials" \
  eval "[ $rc = 0 ] && [ \$(ls '$T/emb2' | wc -l) = 6 ]"
rm -f "$NETRC"

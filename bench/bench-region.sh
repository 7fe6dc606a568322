#!/bin/bash
# bench-region.sh: `cadc-samp region` on astroquery's test_misc query against
# the local DaCHS, as a whole process, beside curl POSTing the same ADQL and
# astroquery.cadc (Debian python3-astroquery, /usr/bin/python3) making the
# same call, in the same run.  Prints median wall times over N runs, the
# ratios, and peak RSS (from /usr/bin/time).  Targets: within 1.1x of
# curl's wall time, under 12 MiB peak RSS.
set -u
: "${CADC_SAMP:?}" "${CS_SRCDIR:?}"
N=${BENCH_RUNS:-7}
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-region.XXXXXX")
trap 'rm -rf "$T"' EXIT
export HOME=$T XDG_CONFIG_HOME=$T/.config

if ! command -v dachs >/dev/null 2>&1; then
  echo "bench-region: SKIP (DaCHS not installed; tests/harness/dachs/install.sh)"; exit 0
fi
URL=$("$CS_SRCDIR/tests/harness/dachs/start.sh" 2>/dev/null | tail -1)
[ -n "$URL" ] || { echo "bench-region: DaCHS did not start" >&2; exit 1; }
ADQL="SELECT * from caom2.Observation o join caom2.Plane p ON o.obsID=p.obsID WHERE INTERSECTS( CIRCLE('ICRS', 131.2812539293342, 54.29999417826929, 0.3), position_bounds) = 1 AND (quality_flag IS NULL OR quality_flag != 'junk') AND collection='CFHT' AND dataProductType='image'"

cat >"$T/aq.py" <<EOF
from astroquery.cadc import Cadc, conf
conf.CADC_REGISTRY_URL = "$URL/static/reg/resource-caps"
c = Cadc(url="$URL/tap")
t = c.query_region('08h45m07.5s +54d18m00s', radius='0.3 deg', collection='CFHT')
EOF

# run NAME CMD...: N timed runs; prints "median_seconds max_rss_kib"
run() {
  local name=$1; shift
  : >"$T/$name.times"
  for _ in $(seq "$N"); do
    /usr/bin/time -f '%e %M' -o "$T/$name.one" "$@" >"$T/$name.out" 2>/dev/null
    cat "$T/$name.one" >>"$T/$name.times"
  done
  sort -n "$T/$name.times" | awk '{t[NR]=$1; if ($2>m) m=$2} END {printf "%s %d\n", t[int((NR+1)/2)], m}'
}

# warm-up (server caches), then measure
"$CADC_SAMP" --tap "$URL/tap" region --collection CFHT --type image --radius 0.3 '08h45m07.5s +54d18m00s' >/dev/null 2>&1

read -r cs_t cs_m < <(run cadc-samp "$CADC_SAMP" --tap "$URL/tap" --format votable region \
  --collection CFHT --type image --radius 0.3 '08h45m07.5s +54d18m00s')
read -r cu_t cu_m < <(run curl curl -s -S "$URL/tap/sync" -d REQUEST=doQuery -d LANG=ADQL \
  --data-urlencode "QUERY=$ADQL")
aq_t=NA; aq_m=0
if /usr/bin/python3 -c 'import astroquery.cadc' 2>/dev/null; then
  read -r aq_t aq_m < <(run astroquery /usr/bin/python3 "$T/aq.py")
fi

rows=$(grep -o '<TR>' "$T/cadc-samp.out" | wc -l)
crow=$(grep -o '<TR>' "$T/curl.out" | wc -l)
echo "bench-region: test_misc region query against DaCHS ($URL), median of $N runs"
echo "  rows: cadc-samp $rows, curl $crow"
printf '  %-12s %8s s  peak RSS %6.1f MiB\n' cadc-samp "$cs_t" "$(awk "BEGIN{print $cs_m/1024}")"
printf '  %-12s %8s s  peak RSS %6.1f MiB\n' curl "$cu_t" "$(awk "BEGIN{print $cu_m/1024}")"
printf '  %-12s %8s s  peak RSS %6.1f MiB\n' astroquery "$aq_t" "$(awk "BEGIN{print $aq_m/1024}")"
r_curl=$(awk "BEGIN{printf \"%.2f\", $cs_t/$cu_t}")
echo "  cadc-samp / curl wall time: ${r_curl}x (target <= 1.10x)"
[ "$aq_t" != NA ] && echo "  astroquery / cadc-samp wall time: $(awk "BEGIN{printf \"%.2f\", $aq_t/$cs_t}")x"
ok=1
awk "BEGIN{exit !($cs_t <= 1.1*$cu_t)}" || { echo "  MISSED: wall time target"; ok=0; }
[ "$cs_m" -lt $((12*1024)) ] || { echo "  MISSED: 12 MiB peak RSS target"; ok=0; }
[ "$rows" = 9 ] || { echo "  WRONG: expected 9 rows"; ok=0; }
[ $ok = 1 ] && echo "  targets met"
exit 0

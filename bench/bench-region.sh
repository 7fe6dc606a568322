#!/bin/bash
# bench-region.sh: `cadc-samp region` on astroquery's test_misc query against
# the local DaCHS, as a whole process, beside curl POSTing the same ADQL and
# astroquery.cadc (Debian python3-astroquery, /usr/bin/python3) making the
# same call, in the same run.  The contenders take turns (run i of each,
# then run i+1), so a change of machine load hits them alike.  Prints
# median wall times and their IQR over N runs, the ratios, peak RSS (from
# /usr/bin/time) and, for scale, the memory floor: a program that links
# exactly our libraries and only sleeps.  Targets: within 1.1x of curl's
# wall time, under 12 MiB peak RSS.
set -u
: "${CADC_SAMP:?}" "${CS_SRCDIR:?}"
. "$(cd "$(dirname "$0")" && pwd)/memfloor.sh"
N=${BENCH_RUNS:-11}
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

# once NAME CMD...: one run, "wall_seconds peak_kib" appended to $T/NAME.times
# (wall time from bash's microsecond clock; /usr/bin/time only rounds to
# 10 ms; its own fork+exec is in every contender's time alike)
once() {
  local name=$1 t0 t1; shift
  t0=$EPOCHREALTIME
  /usr/bin/time -f '%M' -o "$T/$name.one" "$@" >"$T/$name.out" 2>/dev/null
  t1=$EPOCHREALTIME
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }') $(tail -1 "$T/$name.one")" \
    >>"$T/$name.times"
}
# summary NAME: "median_seconds iqr_seconds max_rss_kib"
summary() {
  sort -n "$T/$1.times" | awk '{t[NR]=$1; if ($2>m) m=$2}
    END {printf "%s %.4f %d\n", t[int((NR+1)/2)], t[int(NR*3/4)+1]-t[int(NR/4)+1], m}'
}

# warm-up (server caches), then measure, taking turns
"$CADC_SAMP" --tap "$URL/tap" region --collection CFHT --type image --radius 0.3 '08h45m07.5s +54d18m00s' >/dev/null 2>&1
HAVE_AQ=0
/usr/bin/python3 -c 'import astroquery.cadc' 2>/dev/null && HAVE_AQ=1
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$T/cadc-samp.times"; : >"$T/curl.times"; : >"$T/astroquery.times"
for _ in $(seq "$N"); do
  once cadc-samp "$CADC_SAMP" --tap "$URL/tap" --format votable region \
    --collection CFHT --type image --radius 0.3 '08h45m07.5s +54d18m00s'
  once curl curl -s -S "$URL/tap/sync" -d REQUEST=doQuery -d LANG=ADQL \
    --data-urlencode "QUERY=$ADQL"
  [ $HAVE_AQ = 1 ] && once astroquery /usr/bin/python3 "$T/aq.py"
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
read -r cs_t cs_iqr cs_m < <(summary cadc-samp)
read -r cu_t cu_iqr cu_m < <(summary curl)
aq_t=NA; aq_iqr=0; aq_m=0
[ $HAVE_AQ = 1 ] && read -r aq_t aq_iqr aq_m < <(summary astroquery)
F_RSS=0
memfloor_build "$CADC_SAMP" "$T" && read -r F_RSS F_ANON F_FILE < <(memfloor_rss "$T")

rows=$(grep -o '<TR>' "$T/cadc-samp.out" | wc -l)
crow=$(grep -o '<TR>' "$T/curl.out" | wc -l)
echo "bench-region: test_misc region query against DaCHS ($URL), median (IQR) of $N runs each, taking turns"
echo "  load average $LOAD0 (start), $LOAD1 (end); $(nproc) CPUs"
echo "  rows: cadc-samp $rows, curl $crow"
printf '  %-12s %8s s (IQR %6.4f)  peak RSS %6.1f MiB\n' cadc-samp "$cs_t" "$cs_iqr" "$(mib "$cs_m")"
printf '  %-12s %8s s (IQR %6.4f)  peak RSS %6.1f MiB\n' curl "$cu_t" "$cu_iqr" "$(mib "$cu_m")"
printf '  %-12s %8s s (IQR %6.4f)  peak RSS %6.1f MiB\n' astroquery "$aq_t" "$aq_iqr" "$(mib "$aq_m")"
[ "$F_RSS" -gt 0 ] && echo "  memory floor: our libraries linked into a program that only sleeps:" \
  "RSS $(mib "$F_RSS") MiB (anon $(mib "$F_ANON"), file $(mib "$F_FILE"))"
r_curl=$(awk "BEGIN{printf \"%.2f\", $cs_t/$cu_t}")
echo "  cadc-samp / curl wall time: ${r_curl}x (target <= 1.10x)"
[ "$aq_t" != NA ] && echo "  astroquery / cadc-samp wall time: $(awk "BEGIN{printf \"%.2f\", $aq_t/$cs_t}")x"
ok=1
awk "BEGIN{exit !($cs_t <= 1.1*$cu_t)}" || { echo "  MISSED: wall time target"; ok=0; }
[ "$cs_m" -lt $((12*1024)) ] || { echo "  MISSED: 12 MiB peak RSS target"; ok=0; }
[ "$rows" = 9 ] || { echo "  WRONG: expected 9 rows"; ok=0; }
[ $ok = 1 ] && echo "  targets met"
exit 0

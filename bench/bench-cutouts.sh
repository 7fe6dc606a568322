#!/bin/bash
# bench-cutouts.sh: `cadc-samp cutouts` against the same cutouts fetched one
# after another (astroquery's way: one HTTP session, serial; here one curl
# process given every URL, reusing its connection) and by `curl --parallel`
# (50 at a time), in the same run, taking turns.  The archive is DaCHS
# behind tests/harness/standin/soda-latency.py, which answers every SODA
# cutout 100 ms late (BENCH_SODA_DELAY_MS), as a remote archive does, from
# cutouts DaCHS made once (a warm-up run), so the bench measures the
# clients, not DaCHS.  The query: the dense field BENCH_FIELD at (250, -40),
# r = 0.03 deg: 22 cutout URLs, 20 FITS cutouts (2 planes do not overlap:
# HTTP 204 for every contender alike); r = 0.08: 102 URLs, for memory.
#
# cadc-samp's download phase = median(cutouts) - median(cutouts --urls-only)
# (the same query and DataLink look-ups without the downloads; process
# start cancels out).  Targets: serial / download phase >= 7x; download
# phase / curl --parallel <= 1.2x; peak RSS of the 102-URL run within
# 2 MiB of the 22-URL run (memory does not grow with the number of files).
# Also printed: whole commands (cutouts vs --urls-only + serial curl).
set -u
: "${CADC_SAMP:?}" "${CS_SRCDIR:?}"
N=${BENCH_RUNS:-7}
DELAY=${BENCH_SODA_DELAY_MS:-100}
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-cutouts.XXXXXX")
SPID=
cleanup() {
  exec 9>&- 2>/dev/null
  [ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
export HOME=$T XDG_CONFIG_HOME=$T/.config XDG_CACHE_HOME=$T/.cache
unset CADC_REGISTRY_URL http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy

if ! command -v dachs >/dev/null 2>&1; then
  echo "bench-cutouts: SKIP (DaCHS not installed; tests/harness/dachs/install.sh)"; exit 0
fi
URL=$("$CS_SRCDIR/tests/harness/dachs/start.sh" 2>/dev/null | tail -1)
[ -n "$URL" ] || { echo "bench-cutouts: DaCHS did not start" >&2; exit 1; }

# the stand-in: serves until its stdin (a FIFO held open on fd 9) closes
mkfifo "$T/standin.in"
/usr/bin/python3 "$CS_SRCDIR/tests/harness/standin/soda-latency.py" "$URL" "$DELAY" \
  <"$T/standin.in" >"$T/standin.port" 2>"$T/standin.log" &
SPID=$!
exec 9>"$T/standin.in"
for _ in $(seq 100); do [ -s "$T/standin.port" ] && break; sleep 0.1; done
PORT=$(head -1 "$T/standin.port")
[ -n "$PORT" ] || { echo "bench-cutouts: the SODA stand-in did not start" >&2; exit 1; }
REG=http://127.0.0.1:$PORT/static/reg/resource-caps
S20=(250 -40 0.03)
S100=(250 -40 0.08)

# once NAME CMD...: one run in a fresh directory; "wall_seconds peak_kib
# files" appended to $T/NAME.times
once() {
  local name=$1 t0 t1; shift
  rm -rf "$T/run"; mkdir -p "$T/run"
  t0=$EPOCHREALTIME
  (cd "$T/run" && /usr/bin/time -f '%M' -o "$T/$name.one" "$@" >"$T/$name.out" 2>"$T/$name.err")
  t1=$EPOCHREALTIME
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }') $(tail -1 "$T/$name.one")" \
    "$(find "$T/run" -name '*.fits' -size +0 | wc -l)" >>"$T/$name.times"
}
# summary NAME: "median_seconds iqr_seconds max_rss_kib files_of_the_last_run"
summary() {
  sort -n "$T/$1.times" | awk '{t[NR]=$1; if ($2>m) m=$2; f=$3}
    END {printf "%s %.4f %d %d\n", t[int((NR+1)/2)], t[int(NR*3/4)+1]-t[int(NR/4)+1], m, f}'
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
# curl_args FILE: -o NNN.fits URL for each URL of FILE
curl_args() {
  local i=0 u
  CURL_ARGS=()
  while IFS= read -r u; do i=$((i + 1)); CURL_ARGS+=(-o "$(printf '%03d' $i).fits" "$u"); done <"$1"
}

# warm-up: the stand-in asks DaCHS for each cutout once; the URL lists
for s in S20 S100; do
  declare -n pos=$s
  (mkdir -p "$T/warm" && cd "$T/warm" && "$CADC_SAMP" --registry "$REG" cutouts "${pos[@]}" >/dev/null 2>&1)
  "$CADC_SAMP" --registry "$REG" cutouts "${pos[@]}" --urls-only >"$T/urls-$s" 2>/dev/null
  rm -rf "$T/warm"
done
n20=$(wc -l <"$T/urls-S20"); n100=$(wc -l <"$T/urls-S100")
[ "$n20" -gt 0 ] || { echo "bench-cutouts: no cutout URLs from the stand-in" >&2; exit 1; }
curl_args "$T/urls-S20"

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
for f in urls cadc-samp serial parallel cadc-samp-100; do : >"$T/$f.times"; done
for i in $(seq "$N"); do
  once urls "$CADC_SAMP" --registry "$REG" cutouts "${S20[@]}" --urls-only
  once cadc-samp "$CADC_SAMP" --registry "$REG" -q cutouts "${S20[@]}"
  once serial curl -s "${CURL_ARGS[@]}"
  once parallel curl -s --parallel "${CURL_ARGS[@]}"
  [ "$i" -le 3 ] && once cadc-samp-100 "$CADC_SAMP" --registry "$REG" -q cutouts "${S100[@]}"
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
read -r u_t u_iqr u_m _ < <(summary urls)
read -r c_t c_iqr c_m c_f < <(summary cadc-samp)
read -r s_t s_iqr _ s_f < <(summary serial)
read -r p_t p_iqr _ p_f < <(summary parallel)
read -r h_t _ h_m h_f < <(summary cadc-samp-100)
dl=$(awk "BEGIN{printf \"%.4f\", $c_t - $u_t}")

echo "bench-cutouts: SODA cutouts from DaCHS behind a stand-in adding ${DELAY} ms per cutout;"
echo "  median (IQR) of $N runs each, taking turns; load average $LOAD0 (start), $LOAD1 (end); $(nproc) CPUs"
echo "  $n20 cutout URLs, FITS files: cadc-samp $c_f, serial curl $s_f, curl --parallel $p_f"
printf '  %-34s %7s s (IQR %6.4f)  peak RSS %5.1f MiB\n' "cadc-samp cutouts" "$c_t" "$c_iqr" "$(mib "$c_m")"
printf '  %-34s %7s s (IQR %6.4f)\n' "cadc-samp cutouts --urls-only" "$u_t" "$u_iqr"
printf '  %-34s %7s s\n' "  = cadc-samp's download phase" "$dl"
printf '  %-34s %7s s (IQR %6.4f)\n' "serial (one curl, one after another)" "$s_t" "$s_iqr"
printf '  %-34s %7s s (IQR %6.4f)\n' "curl --parallel" "$p_t" "$p_iqr"
r_serial=$(awk "BEGIN{printf \"%.1f\", $s_t/$dl}")
r_par=$(awk "BEGIN{printf \"%.2f\", $dl/$p_t}")
r_whole=$(awk "BEGIN{printf \"%.1f\", ($u_t+$s_t)/$c_t}")
echo "  serial / download phase: ${r_serial}x (target >= 7x)"
echo "  download phase / curl --parallel: ${r_par}x (target <= 1.2x)"
echo "  whole commands: (--urls-only + serial) / cutouts: ${r_whole}x"
echo "  memory: peak RSS $(mib "$c_m") MiB for $n20 URLs, $(mib "$h_m") MiB for $n100 URLs" \
  "($h_f files, ${h_t} s)"
ok=1
awk "BEGIN{exit !($s_t >= 7*$dl)}" || { echo "  MISSED: >= 7x the serial time"; ok=0; }
awk "BEGIN{exit !($dl <= 1.2*$p_t)}" || { echo "  MISSED: within 1.2x of curl --parallel"; ok=0; }
[ $((h_m - c_m)) -le 2048 ] || { echo "  MISSED: constant memory (102 URLs need more than 2 MiB over 22)"; ok=0; }
[ "$c_f" = "$s_f" ] && [ "$c_f" = "$p_f" ] || { echo "  WRONG: the contenders got different numbers of files"; ok=0; }
[ $ok = 1 ] && echo "  targets met"
exit 0

#!/bin/bash
# Start the local CADC test double (idempotent): PostgreSQL 15/main, then
# DaCHS on http://127.0.0.1:$DACHS_PORT (default 18080).  On first run (or
# when caom2.rd / gen_data.py / the port changed) it generates the synthetic
# CAOM2 data and imports it; the 100k-row bench table is re-imported only when
# bench.rd / caom2.rd / the port changed; the ObsCore-only archive (VOTEST,
# obsonly.rd, schema vo2) only when obsonly.rd / gen_obsonly.py / the port
# changed.  Run as root after install.sh.
#
#   TAP       $URL/tap          (sync, async, tables, capabilities, availability)
#   DataLink  $URL/caom2ops/q/sync/dlmeta?ID=<publisherID>
#   SODA      $URL/caom2ops/q/sync/dlget?ID=<publisherID>&POS=CIRCLE ra dec r
#   SODA async $URL/caom2ops/q/async/dlasync
#   registry  $URL/static/reg/resource-caps   (CADC resource-caps format)
#   VOTEST    $URL/vo2/q/dl/dlmeta?ID=<did>, $URL/vo2/q/dlplain/dlmeta?ID=<did>,
#             $URL/vo2/q/dl/dlget (SODA), $URL/getproduct/vo2/data/fits/<obs_id>.fits
#
# Prints the base URL (one line on stdout) on success; progress goes to
# stderr.  Safe to run concurrently (several tests at once): the whole start
# is serialised with flock on $DACHS_RUN/start.lock.  Logs: run/dachs-server.log, /var/gavo/logs.
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
command -v dachs >/dev/null && dpkg -s gavodachs2-server >/dev/null 2>&1 \
  || { echo "DaCHS not installed: run $DACHS_HERE/install.sh first" >&2; exit 1; }
# serialise concurrent starts (tests under make -j)
exec 9>"$DACHS_RUN/start.lock"
flock -w 600 9 || { echo "could not lock $DACHS_RUN/start.lock" >&2; exit 1; }
exec 3>&1 1>&2      # everything but the final URL goes to stderr
T0=$(date +%s.%N)
elapsed() { awk "BEGIN{printf \"%.2f\", $(date +%s.%N)-$T0}"; }

# --- 1. PostgreSQL -----------------------------------------------------------
# 9>&- 3>&-: the postmaster must not inherit the start lock (it would hold
# it for ever and every later start.sh would wait for it).
write_pg_conf && [ "$(pg_state)" = online ] && pg_ctlcluster "$PG_VER" "$PG_CLUSTER" restart 9>&- 3>&-
if [ "$(pg_state)" != online ]; then
  say "starting PostgreSQL $PG_VER/$PG_CLUSTER"
  pg_ctlcluster "$PG_VER" "$PG_CLUSTER" start 9>&- 3>&- || [ "$(pg_state)" = online ]   # lost a race: fine
  touch "$PG_MARKER"
fi
say "postgres online (pid $(head -1 /var/lib/postgresql/$PG_VER/$PG_CLUSTER/postmaster.pid)) t=$(elapsed)s"

# --- 2. DaCHS config ---------------------------------------------------------
CONF_CHANGED=0
write_gavo_rc && CONF_CHANGED=1

# --- 3. data + RDs (only when something changed) -----------------------------
# Two stamps, so that a change of the synthetic CAOM2 data (gen_data.py) does
# not regenerate the 100k-row bench table as well: caom2ops/q depends on
# caom2.rd + gen_data.py, bench/q on bench.rd + caom2.rd (its cadcCompat mixin).
STAMP_FILE=$GAVO_INPUTS/caom2ops/.cadc-test-stamp
BENCH_STAMP_FILE=$GAVO_INPUTS/bench/.cadc-test-stamp
STAMP=$(cat "$DACHS_HERE/caom2.rd" "$DACHS_HERE/gen_data.py" \
        <(echo "$DACHS_URL") | sha256sum | cut -c1-16)
BENCH_STAMP=$(cat "$DACHS_HERE/bench.rd" "$DACHS_HERE/caom2.rd" \
        <(echo "$DACHS_URL") | sha256sum | cut -c1-16)
psqlq() { su postgres -c "psql -d gavo -Atc \"$1\"" 2>/dev/null || true; }
have_caom2() {
  [ "$(psqlq 'SELECT count(*) FROM caom2.plane')" -gt 0 ] 2>/dev/null &&
  [ "$(psqlq "SELECT count(*) FROM ivoa.obscore WHERE obs_publisher_did LIKE 'ivo://cadc.nrc.ca/%'")" -gt 0 ] 2>/dev/null
}
have_bench() { [ "$(psqlq 'SELECT count(*) FROM bench.rows100k')" = 100000 ]; }
if [ "$(cat "$STAMP_FILE" 2>/dev/null)" != "$STAMP" ] || ! have_caom2; then
  say "importing CAOM2 data (stamp $STAMP)"
  TI=$(date +%s.%N)
  mkdir -p "$GAVO_INPUTS/caom2ops"
  rm -rf "$GAVO_INPUTS/caom2ops/data.new"
  "$PY" "$DACHS_HERE/gen_data.py" "$GAVO_INPUTS/caom2ops/data.new"
  rm -rf "$GAVO_INPUTS/caom2ops/data" && mv "$GAVO_INPUTS/caom2ops/data.new" "$GAVO_INPUTS/caom2ops/data"
  cp "$DACHS_HERE/caom2.rd" "$GAVO_INPUTS/caom2ops/q.rd"
  chown -R dachsroot:gavo "$GAVO_INPUTS/caom2ops"
  chmod -R a+rX "$GAVO_INPUTS/caom2ops"
  as_dachsroot dachs imp //obscore
  as_dachsroot dachs imp caom2ops/q
  # owner of the two embargoed files (HTTP Basic user for /getproduct, SODA)
  as_dachsroot dachs adm adduser cadcauthtest test-password 2>/dev/null \
    || as_dachsroot dachs adm changeuser cadcauthtest test-password
  echo "$STAMP" > "$STAMP_FILE"
  CONF_CHANGED=1
  say "CAOM2 import done in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N)-$TI}")s"
fi
if [ "$(cat "$BENCH_STAMP_FILE" 2>/dev/null)" != "$BENCH_STAMP" ] || ! have_bench; then
  say "importing bench table (stamp $BENCH_STAMP)"
  TI=$(date +%s.%N)
  mkdir -p "$GAVO_INPUTS/bench"
  cp "$DACHS_HERE/bench.rd" "$GAVO_INPUTS/bench/q.rd"
  chown -R dachsroot:gavo "$GAVO_INPUTS/bench"
  chmod -R a+rX "$GAVO_INPUTS/bench"
  as_dachsroot dachs imp bench/q
  echo "$BENCH_STAMP" > "$BENCH_STAMP_FILE"
  CONF_CHANGED=1
  say "bench import done in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N)-$TI}")s"
fi

# The non-CADC ObsCore-only archive (obsonly.rd, schema vo2): its own stamp
# (obsonly.rd, gen_obsonly.py, URL).  Its import adds its rows to the
# ivoa.obscore view and leaves every caom2/bench row as it is; a CAOM2
# re-import (dachs imp //obscore, caom2ops/q) keeps its rows in the view.
VO2_STAMP_FILE=$GAVO_INPUTS/vo2/.cadc-test-stamp
VO2_STAMP=$(cat "$DACHS_HERE/obsonly.rd" "$DACHS_HERE/gen_obsonly.py" \
        <(echo "$DACHS_URL") | sha256sum | cut -c1-16)
have_vo2() {
  [ "$(psqlq 'SELECT count(*) FROM vo2.main')" -gt 0 ] 2>/dev/null &&
  [ "$(psqlq "SELECT count(*) FROM ivoa.obscore WHERE obs_publisher_did LIKE 'ivo://example.org/%'")" = \
    "$(psqlq 'SELECT count(*) FROM vo2.main')" ]
}
if [ "$(cat "$VO2_STAMP_FILE" 2>/dev/null)" != "$VO2_STAMP" ] || ! have_vo2; then
  say "importing the ObsCore-only archive vo2 (stamp $VO2_STAMP)"
  TI=$(date +%s.%N)
  mkdir -p "$GAVO_INPUTS/vo2"
  rm -rf "$GAVO_INPUTS/vo2/data.new"
  "$PY" "$DACHS_HERE/gen_obsonly.py" "$GAVO_INPUTS/vo2/data.new"
  rm -rf "$GAVO_INPUTS/vo2/data" && mv "$GAVO_INPUTS/vo2/data.new" "$GAVO_INPUTS/vo2/data"
  cp "$DACHS_HERE/obsonly.rd" "$GAVO_INPUTS/vo2/q.rd"
  chown -R dachsroot:gavo "$GAVO_INPUTS/vo2"
  chmod -R a+rX "$GAVO_INPUTS/vo2"
  as_dachsroot dachs imp vo2/q
  echo "$VO2_STAMP" > "$VO2_STAMP_FILE"
  CONF_CHANGED=1
  say "vo2 import done in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N)-$TI}")s"
fi

# DaCHS 2.7 bug workaround: SODA-async result hrefs point to /datalinkuws/...
# (vanity for __system__/products/p/dlasync, which does not allow dlasync ->
# 403).  Point that vanity name at our async service instead.
VAN=/var/gavo/etc/vanitynames.txt
VANLINE="caom2ops/q/async/dlasync datalinkuws"
if ! grep -qxF "$VANLINE" "$VAN" 2>/dev/null; then
  echo "$VANLINE" >> "$VAN"; chown dachsroot:gavo "$VAN"; CONF_CHANGED=1
fi

# static CADC-style registry (resource-caps) so registry lookups work locally
REG=/var/gavo/web/nv_static/reg
mkdir -p "$REG"
cat > "$REG/resource-caps" <<EOF
# local CADC test double (DaCHS) -- same format as CADC's reg/resource-caps
ivo://cadc.nrc.ca/argus = $DACHS_URL/tap/capabilities
ivo://cadc.nrc.ca/tap = $DACHS_URL/tap/capabilities
ivo://cadc.nrc.ca/caom2ops = $DACHS_URL/caom2ops/q/sync/capabilities
EOF
chown -R dachsroot:gavo "$REG"; chmod -R a+rX "$REG"

# --- 4. DaCHS server -----------------------------------------------------------
OLD=$(cat "$DACHS_PIDFILE" 2>/dev/null || true)
# a DaCHS whose pid file was lost (started by an older start.sh with a
# test's private TMPDIR): adopt it, so that it can be restarted and stopped
if ! pid_alive "$OLD"; then
  ADOPT=$(listener_dachs_pid)
  if [ -n "$ADOPT" ]; then
    say "adopting DaCHS pid $ADOPT listening on $DACHS_PORT (its pid file was lost)"
    echo "$ADOPT" > "$DACHS_PIDFILE"; OLD=$ADOPT
  fi
fi
if pid_alive "$OLD" && [ "$CONF_CHANGED" = 0 ] && tap_ok; then
  say "DaCHS already running (pid $OLD)"
  echo "$DACHS_URL" >&3; exit 0
fi
if pid_alive "$OLD"; then
  say "restarting DaCHS (pid $OLD)"; "$DACHS_HERE/stop.sh" --dachs-only
fi
# a daemon started by the package postinst (only where services may start)
# keeps its pid in /var/gavo/state/web.pid: stop it via DaCHS (kills that pid)
DPID=$(cat /var/gavo/state/web.pid 2>/dev/null || true)
if pid_alive "$DPID"; then say "stopping package-started DaCHS daemon pid $DPID"; dachs serve stop || true; fi
if curl -s -o /dev/null --max-time 2 "$DACHS_URL/"; then
  echo "port $DACHS_PORT on $DACHS_HOST is taken by something else; set DACHS_PORT" >&2; exit 1
fi

TS=$(date +%s.%N)
# -f: stay in foreground (we own the pid); as root DaCHS raises fd limits and
# then drops privileges to user gavo.  setsid: own process group.
setsid dachs serve start -f >>"$DACHS_RUN/dachs-server.log" 2>&1 </dev/null 3>&- 9>&- &
echo $! > "$DACHS_PIDFILE"
NEW=$(cat "$DACHS_PIDFILE")
for _ in $(seq 1 600); do
  tap_ok && break
  pid_alive "$NEW" || { echo "DaCHS died; see $DACHS_RUN/dachs-server.log and /var/gavo/logs/dcErrors" >&2; exit 1; }
  sleep 0.1
done
tap_ok || { echo "DaCHS did not answer within 60 s" >&2; exit 1; }
say "DaCHS pid $NEW answering TAP after $(awk "BEGIN{printf \"%.2f\", $(date +%s.%N)-$TS}")s (total $(elapsed)s)"
echo "$DACHS_URL" >&3

#!/bin/bash
# Install GAVO DaCHS 2.7 (gavodachs2-server) + PostgreSQL 15 + pgsphere on
# Debian 12 as root, without systemd.  Idempotent; safe to re-run.
#
# Why two apt steps: gavodachs2-server's postinst runs createdb/createuser and
# `dachs init` against a *running* PostgreSQL.  In containers policy-rc.d
# forbids service starts (and there is no systemd), so installing everything
# in one go leaves gavodachs2-server half-configured ("dachs init" fails with
# OperationalError: connection to server on socket ... failed).  So: install
# PostgreSQL first, start the cluster with pg_ctlcluster, then install DaCHS.
#
# Env: DACHS_PORT (default 18080); PGSPHERE_FIX=pin|patch|none (see 2b);
#      WITH_PYVO=1 also installs python3-pyvo + python3-astroquery (only
#      needed for verify_py.py).  Log: $LOG (default ./install.log, appended).
set -euo pipefail
. "$(dirname "$0")/common.sh"
LOG=${LOG:-$DACHS_RUN/install.log}
exec > >(tee -a "$LOG") 2>&1
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
T0=$(date +%s.%N)
APT=(apt-get install -y -o DPkg::Lock::Timeout=900)
say "start (port $DACHS_PORT)"

# 0. package lists: fresh images have none (lists may be stored compressed)
if ! ls /var/lib/apt/lists/ 2>/dev/null | grep -q '_Packages'; then
  say "apt-get update"; apt-get update -o DPkg::Lock::Timeout=900
fi

# 1. PostgreSQL + extensions + DaCHS python libs + tools for data/verification
#    (--no-upgrade: leave an already installed PostgreSQL at its version)
say "step 1: postgresql-15, pgsphere, q3c, python3-gavo, astropy"
"${APT[@]}" --no-upgrade postgresql-15 postgresql-15-pgsphere postgresql-15-q3c \
  python3-gavo python3-astropy python3-numpy curl procps iproute2
[ "${WITH_PYVO:-0}" = 1 ] && "${APT[@]}" --no-upgrade python3-pyvo python3-astroquery
T1=$(date +%s.%N)

# 2. cluster 15/main: create if missing, loopback only, start without systemd
st=$(pg_state)
if [ "$st" = absent ]; then say "pg_createcluster $PG_VER $PG_CLUSTER"; pg_createcluster "$PG_VER" "$PG_CLUSTER"; fi
if write_pg_conf && [ "$(pg_state)" = online ]; then
  say "listen_addresses changed: restarting cluster"; pg_ctlcluster "$PG_VER" "$PG_CLUSTER" restart
fi
if [ "$(pg_state)" != online ]; then
  say "pg_ctlcluster $PG_VER $PG_CLUSTER start"; pg_ctlcluster "$PG_VER" "$PG_CLUSTER" start
  touch "$PG_MARKER"
fi

# 2b. pgsphere vs. PostgreSQL minor version.  PostgreSQL 15.20 (bookworm-
#     security) rejects pgsphere 1.2.0's two DaCHS-compat "@" operators
#     ("ERROR: commutator operator @> is already the commutator of operator
#     <@", pgsphere issues #85/#137; stricter commutator check back-patched in
#     PostgreSQL), so CREATE EXTENSION pg_sphere -- and hence `dachs init` --
#     fails.  15.18 (bookworm main) works.  PGSPHERE_FIX=pin (default): install
#     the newest non-security PostgreSQL 15 if the probe fails; =patch: strip the
#     COMMUTATOR/NEGATOR clauses of those two operators from the extension
#     script (a package-owned file; backup *.orig); =none: do nothing.
pgsphere_probe() {
  su postgres -c "dropdb --if-exists pgsphere_probe; createdb pgsphere_probe" >/dev/null
  local out; out=$(su postgres -c "psql -d pgsphere_probe -Atc 'CREATE EXTENSION pg_sphere'" 2>&1)
  su postgres -c "dropdb --if-exists pgsphere_probe" >/dev/null
  echo "$out" | grep -q '^CREATE EXTENSION$' && return 0
  say "pgsphere probe failed: $out"; return 1
}
EXT=$(ls /usr/share/postgresql/$PG_VER/extension/pg_sphere--1.2.0.sql 2>/dev/null || true)
if ! pgsphere_probe; then
  FIX=${PGSPHERE_FIX:-pin}
  if [ "$FIX" = pin ]; then
    PV=$(apt-cache madison postgresql-$PG_VER | grep -v -- '-security' | awk -F'|' 'NR==1{gsub(/ /,"",$2); print $2}')
    CUR=$(dpkg-query -W -f='${Version}' postgresql-$PG_VER)
    if [ -n "$PV" ] && [ "$PV" != "$CUR" ]; then
      say "installing PostgreSQL $PG_VER $PV (bookworm main) instead of $CUR"
      PKV="postgresql-$PG_VER=$PV postgresql-client-$PG_VER=$PV libpq5=$PV"
      dpkg -s libpq-dev >/dev/null 2>&1 && PKV="$PKV libpq-dev=$PV"
      "${APT[@]}" --allow-downgrades $PKV
      pg_ctlcluster "$PG_VER" "$PG_CLUSTER" restart
    fi
    pgsphere_probe || FIX=patch
  fi
  if [ "$FIX" = patch ] && [ -n "$EXT" ]; then
    say "patching $EXT (compat operators without COMMUTATOR/NEGATOR)"
    [ -f "$EXT.orig" ] || cp -p "$EXT" "$EXT.orig"
    "$PY" - "$EXT" <<'PYEOF'
import re, sys
p = sys.argv[1]; s = open(p).read()
i = s.index("-- a minimal set of backwards-compatible operators for GAVO DaCHS")
j = s.index("-- debugging", i)
blk = re.sub(r"\n\s*(COMMUTATOR|NEGATOR)\s*=\s*'[^']*',", "", s[i:j])
open(p, "w").write(s[:i] + blk + s[j:])
PYEOF
    pgsphere_probe
  fi
  pgsphere_probe || { say "pg_sphere still cannot be created; see above"; exit 1; }
fi

# 3. /etc/gavo.rc before the server package, so a server started by the
#    postinst (only happens where services may start) binds to loopback.
write_gavo_rc || true

# 4. DaCHS server package; postinst: users gavo + dachsroot, db "gavo",
#    `dachs init`, `dachs upgrade`; its service start is a no-op here.
say "step 4: gavodachs2-server"
"${APT[@]}" gavodachs2-server postgresql-15-pgsphere || true
# recover from an earlier attempt made while PostgreSQL was down
if dpkg -s gavodachs2-server 2>/dev/null | grep -q '^Status: install ok installed'; then :; else
  say "dpkg --configure -a (finishing gavodachs2-server)"; dpkg --configure -a
fi
dpkg -s gavodachs2-server | grep -q '^Status: install ok installed'
T2=$(date +%s.%N)

# 5. sanity: dachs init populated the database, pgsphere is there
su postgres -c "psql -d gavo -Atc 'SELECT count(*) FROM dc.tablemeta'" >/dev/null
su postgres -c "psql -d gavo -Atc \"SELECT 'pg_sphere '||extversion FROM pg_extension WHERE extname='pg_sphere'\""
say "done: step1 $(awk "BEGIN{print $T1-$T0}")s, dachs $(awk "BEGIN{print $T2-$T1}")s, total $(awk "BEGIN{print $(date +%s.%N)-$T0}")s"
say "next: $DACHS_HERE/start.sh"

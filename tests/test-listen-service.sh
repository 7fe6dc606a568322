#!/bin/bash
# test-listen-service.sh: cadc-samp-listen.service under a real systemd
# user manager, as a user runs it: `systemctl --user enable --now
# cadc-samp-listen` starts listen, which registers with its hub and logs to
# the journal (systemd sets JOURNAL_STREAM itself); a crash is restarted
# (Restart=on-failure), `systemctl --user stop` is not; and with the
# manager running, the autostart entry starts no second listen.
#
# The manager, a systemd-journald and everything they start run in a
# private mount and cgroup namespace: a tmpfs over /run (the journal's
# sockets, $XDG_RUNTIME_DIR, the /run/systemd/system mark that lets a user
# manager run on a machine not booted with systemd) and a cgroup of the
# test's own as the root of the cgroup2 tree the manager sees.  The test
# runs itself again inside them; outside, it kills whatever is left in its
# cgroup and removes it.  Needs root; CI runs as root.
. "$(dirname "$0")/lib.sh"
SYSTEMD=/lib/systemd/systemd JOURNALD=/lib/systemd/systemd-journald

if [ -z "${CS_SERVICE_CGROUP:-}" ]; then
  [ "$(id -u)" = 0 ] || skip_all "needs root for the namespaces of a private systemd user manager"
  [ -x "$SYSTEMD" ] && [ -x "$JOURNALD" ] || skip_all "systemd not installed"
  need_cmds unshare setpriv systemctl journalctl gio
  base=
  for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
    [ "$(stat -fc %T "$d" 2>/dev/null)" = cgroup2fs ] && { base=$d; break; }
  done
  [ -n "$base" ] || skip_all "no cgroup2 hierarchy for a private user manager"
  cg=$(mktemp -d "$base/cs-test-listen-service.XXXXXX") || skip_all "cannot make a cgroup under $base"
  CS_SERVICE_CGROUP=$cg bash -c 'echo $$ >"$CS_SERVICE_CGROUP/cgroup.procs" && exec unshare -m -C bash "$0"' "$0"
  rc=$?
  # whatever is left in the cgroup (nothing, when all went well), then the cgroup
  for _ in 1 2 3; do
    pids=$(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null)
    [ -z "$pids" ] && break
    echo "# killing what the namespace left: $pids"
    kill -KILL $pids 2>/dev/null
    sleep 0.5
  done
  find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
  [ ! -d "$cg" ] || { echo "# cgroup $cg could not be removed"; rc=1; }
  exit $rc
fi

# ---- inside the namespaces
mount -t tmpfs -o mode=755 tmpfs /run && mount -t cgroup2 none /sys/fs/cgroup \
  || { echo "1..0 # SKIP cannot mount /run and cgroup2 in a private namespace"; exit 0; }
if [ -d /var/log/journal ]; then mount -t tmpfs tmpfs /var/log/journal; fi
mkdir -p /run/systemd/journal /run/log/journal /run/systemd/journald.conf.d /run/systemd/system
printf '[Journal]\nStorage=volatile\nReadKMsg=no\nForwardToSyslog=no\nForwardToKMsg=no\nForwardToConsole=no\nForwardToWall=no\n' \
  >/run/systemd/journald.conf.d/test.conf
setup_samp
plan 8
export XDG_RUNTIME_DIR=/run/user/$(id -u)
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

# the unit as built, with this build's program; a drop-in keeps the
# service in the test's world (a user manager gives a service the HOME of
# the passwd entry)
UNITS=$XDG_CONFIG_HOME/systemd/user
mkdir -p "$UNITS/cadc-samp-listen.service.d" "$XDG_CONFIG_HOME/cadc-samp"
sed "s|^ExecStart=[^ ]*|ExecStart=$CADC_SAMP|" "${G_TEST_BUILDDIR:-$CS_TESTS_DIR}/../data/cadc-samp-listen.service" \
  >"$UNITS/cadc-samp-listen.service"
cat >"$UNITS/cadc-samp-listen.service.d/test.conf" <<EOF
[Service]
Environment=HOME=$HOME XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_CACHE_HOME=$XDG_CACHE_HOME
Environment=TMPDIR=$TMPDIR SAMP_HUB=$SAMP_HUB
EOF
printf '[listen]\ntap=http://127.0.0.1:9/tap\ncutouts=false\nunknown-test-key=1\n' \
  >"$XDG_CONFIG_HOME/cadc-samp/config"

spawn journald setpriv --pdeathsig TERM "$JOURNALD"
wait_until 10 test -S /run/systemd/journal/socket || bail "systemd-journald did not start"
# a sanitizer build (tests/Makefile.am exports ASAN_OPTIONS): the unit's
# seccomp filter leaves LeakSanitizer no ptrace (a fatal error at exit), and
# the SIGSEGV below must be a crash, not an ASan report; the manager hands
# its environment to the service
[ -z "${ASAN_OPTIONS:-}" ] || export ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0:handle_segv=0"
spawn manager setpriv --pdeathsig TERM "$SYSTEMD" --user
# the manager stops its services and exits on SIGTERM: first, on any exit
at_exit 'kill -TERM "$(pid_of manager)" 2>/dev/null; wait_until 20 eval "! _alive $(pid_of manager)"'
up () { systemctl --user show-environment >/dev/null 2>&1; }
wait_until 30 up || bail "the systemd user manager did not start"

sc () { systemctl --user "$@" 2>&1; }
prop () { systemctl --user show -P "$1" cadc-samp-listen.service 2>/dev/null; }
count_listen () { "$CADC_SAMP" status --json 2>/dev/null | grep -c '"name": "cadc-samp"'; }
listed () { [ "$(count_listen)" = 1 ]; }

DIAG_FILES=("$T/enable.log")
sc enable --now cadc-samp-listen >"$T/enable.log"
rc=$?
check "systemctl --user enable --now cadc-samp-listen (rc $rc): enabled for the user's default.target" \
  eval '[ $rc = 0 ] && [ -L "$UNITS/default.target.wants/cadc-samp-listen.service" ]'
why="$(sc status --no-pager cadc-samp-listen)"
check "the service runs listen, registered with the hub it started" \
  eval '[ "$(prop ActiveState)" = active ] && wait_until 30 listed'
pid1=$(prop MainPID)
why="$(grep -E '^(NoNewPrivs|Seccomp):' /proc/"$pid1"/status 2>&1)"
check "the running listen is sandboxed as the unit says: no new privileges, a seccomp filter" \
  eval 'grep -qx "NoNewPrivs:.1" /proc/$pid1/status && grep -qx "Seccomp:.2" /proc/$pid1/status'

# The unit's records: the manager runs each service in a cgroup named
# after it, which journald records as _SYSTEMD_CGROUP.
journal () { journalctl -D /run/log/journal -o json --no-pager 2>/dev/null >"$T/journal.json"; }
has_record () { journal; "$PY" - "$T/journal.json" <<'PYEOF'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("_TRANSPORT") == "journal" and r.get("SYSLOG_IDENTIFIER") == "cadc-samp" \
       and str(r.get("_SYSTEMD_CGROUP", "")).endswith("/cadc-samp-listen.service") \
       and r.get("PRIORITY") == "4" and "unknown key" in str(r.get("MESSAGE")):
        sys.exit(0)
sys.exit(1)
PYEOF
}
why="$(grep -i "cadc-samp" "$T/journal.json" 2>/dev/null | tail -3)"
check "its log is in the journal as native records of the unit (the config warning: PRIORITY 4, SYSLOG_IDENTIFIER cadc-samp)" \
  wait_until 10 has_record

kill -SEGV "$pid1" 2>/dev/null
restarted () { [ "$(prop NRestarts)" = 1 ] && [ "$(prop ActiveState)" = active ] && [ "$(prop MainPID)" != "$pid1" ]; }
why="$(sc status --no-pager cadc-samp-listen)"
check "a crash (SIGSEGV) is restarted after RestartSec: a new listen, registered again" \
  eval 'wait_until 30 restarted && wait_until 30 listed'

sc stop cadc-samp-listen >"$T/stop.log"
why="$(sc status --no-pager cadc-samp-listen)"
check "systemctl --user stop: listen exits 0 and is not restarted; its hub's lockfile is gone" \
  eval '[ "$(prop ActiveState)" = inactive ] && [ "$(prop ExecMainStatus)" = 0 ] && [ "$(prop NRestarts)" = 1 ] \
        && wait_until 10 test ! -e "$SAMP_LOCK"'

# The autostart entry, launched as a session launches it, with the manager
# running and the service started: no second listen.
sc start cadc-samp-listen >/dev/null
wait_until 30 listed
mkdir -p "$T/bin"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$CADC_SAMP" >"$T/bin/cadc-samp" && chmod +x "$T/bin/cadc-samp"
DIAG_FILES=("$LOGS/autostart.log")
# ours NAME: how many processes of our cgroup (the namespace's cgroup2
# root) are called NAME; guard: the entry's shell, still deciding
ours () {
  local p n=0
  for p in $(find /sys/fs/cgroup -name cgroup.procs -exec cat {} + 2>/dev/null); do
    [ "$(cat /proc/"$p"/comm 2>/dev/null)" = "$1" ] && n=$((n + 1))
  done
  echo $n
}
guard () { find /sys/fs/cgroup -name cgroup.procs -exec cat {} + 2>/dev/null \
             | while read -r p; do { tr '\0' ' ' </proc/"$p"/cmdline; } 2>/dev/null; echo; done \
             | grep -q "show-environment"; }
spawn autostart env PATH="$T/bin:$PATH" gio launch "$CS_TESTS_DIR/../data/cadc-samp-listen.desktop"
wait_exit autostart 20
wait_until 20 eval '! guard'
why="registered: $(count_listen); cadc-samp processes: $(ours cadc-samp)"
check "with the service running, the autostart entry starts no second listen" \
  eval '[ "$EXIT_RC" = 0 ] && [ "$(ours cadc-samp)" = 1 ] && [ "$(count_listen)" = 1 ]'
sc disable --now cadc-samp-listen >"$T/disable.log"
check "systemctl --user disable --now: stopped, and no longer started at login" \
  eval '[ "$(prop ActiveState)" = inactive ] && [ ! -e "$UNITS/default.target.wants/cadc-samp-listen.service" ]'

#!/bin/bash
# test-desktop-files.sh: listen's desktop integration as `make install`
# puts it (data/): the systemd user unit is valid for a user manager
# (systemd-analyze --user verify) and restarts listen on failure only; the
# XDG autostart entry is valid (desktop-file-validate) and, launched as a
# session would launch it (gio launch, GLib's desktop-entry launcher) where
# no systemd user manager runs, starts one listen that registers with a hub.
. "$(dirname "$0")/lib.sh"
need_cmds systemd-analyze desktop-file-validate gio
DATA_SRC=$CS_TESTS_DIR/../data
DATA_BUILD=${G_TEST_BUILDDIR:-$CS_TESTS_DIR}/../data
UNIT=$DATA_BUILD/cadc-samp-listen.service
DESKTOP=$DATA_SRC/cadc-samp-listen.desktop
setup_samp
plan 7

# the unit as built (ExecStart=$(bindir)/cadc-samp), with this build's
# program in place of the installed one, checked as a user manager would
mkdir -p "$T/run" "$T/units" && chmod 700 "$T/run"
sed "s|^ExecStart=[^ ]*|ExecStart=$CADC_SAMP|" "$UNIT" >"$T/units/cadc-samp-listen.service"
(cd "$T/units" && XDG_RUNTIME_DIR=$T/run systemd-analyze --user --man=no verify \
  ./cadc-samp-listen.service) >"$T/verify.log" 2>&1
rc=$?
DIAG_FILES=("$T/verify.log")
check "systemd-analyze --user verify: the unit is valid, not a word of warning (rc $rc)" \
  eval '[ $rc = 0 ] && [ ! -s "$T/verify.log" ]'
prop () { grep -x "$1" "$UNIT" >/dev/null; }
check "the unit runs the installed cadc-samp listen, restarts it on failure, starts with the user's session" \
  eval 'grep -q "^ExecStart=/.*/cadc-samp listen$" "$UNIT" && prop Restart=on-failure && prop WantedBy=default.target'
XDG_RUNTIME_DIR=$T/run systemd-analyze --user security --offline=true \
  "$T/units/cadc-samp-listen.service" >"$T/security.log" 2>&1
DIAG_FILES=("$T/security.log")
check "systemd-analyze security: the sandboxing a user manager can apply is on (seccomp filter, address families, no new privileges)" \
  eval 'grep -q "✓ SystemCallFilter=~@swap" "$T/security.log" && grep -q "✓ RestrictAddressFamilies=~…" "$T/security.log" && grep -q "✓ NoNewPrivileges=" "$T/security.log"'

desktop-file-validate "$DESKTOP" >"$T/validate.log" 2>&1
rc=$?
DIAG_FILES=("$T/validate.log")
check "desktop-file-validate: the autostart entry is valid, no hint either (rc $rc)" \
  eval '[ $rc = 0 ] && [ ! -s "$T/validate.log" ]'
check "the autostart entry steps aside where a systemd user manager runs (the service is the way there)" \
  eval 'grep -q "^Exec=sh -c \"systemctl --user show-environment .*|| exec cadc-samp listen\"$" "$DESKTOP" && grep -qx "X-systemd-skip=true" "$DESKTOP"'

# No user manager here ($XDG_RUNTIME_DIR is a fresh directory): the entry
# runs listen.  cadc-samp on PATH is this build's (TryExec looks for it).
mkdir -p "$T/bin"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$CADC_SAMP" >"$T/bin/cadc-samp"
chmod +x "$T/bin/cadc-samp"
mkdir -p "$XDG_CONFIG_HOME/cadc-samp"
printf '[listen]\ntap=http://127.0.0.1:9/tap\ncutouts=false\n' >"$XDG_CONFIG_HOME/cadc-samp/config"
DIAG_FILES=("$LOGS/autostart.log")
spawn autostart env PATH="$T/bin:$PATH" XDG_RUNTIME_DIR="$T/run" gio launch "$DESKTOP"
group=$LAST_PID
at_exit 'kill -TERM -- "-$group" 2>/dev/null'
count_listen () { "$CADC_SAMP" status --json 2>/dev/null | grep -c '"name": "cadc-samp"'; }
listed () { [ "$(count_listen)" -ge 1 ]; }
wait_until 30 listed
n=$(count_listen) procs=$(pgrep -c -g "$group" 'cadc-samp$')
check "launched where no user manager runs, the entry starts one listen (processes: $procs), registered with its hub ($n)" \
  eval '[ "$n" = 1 ] && [ "$procs" = 1 ]'
kill -TERM -- "-$group" 2>/dev/null
check "SIGTERM to the session's launch: listen ends and its hub's lockfile is gone" \
  wait_until 15 test ! -e "$SAMP_LOCK"

#!/bin/bash
# test-listen-journal.sh: `cadc-samp listen` under systemd logs to the
# journal as structured records, through the same safe filter as on a
# terminal.
#
# A real systemd-journald runs in a private mount namespace (a tmpfs over
# /run: its sockets and its volatile journal live and die there, the
# machine's /run is untouched).  listen runs as systemd runs a service:
# stdout and stderr on a journal stream (systemd-cat connects them) and
# $JOURNAL_STREAM naming that stream's device:inode, which systemd sets and
# systemd-cat does not, so we set it.  journalctl then reads the fields
# back.  A config file with an unknown [listen] key whose name carries an
# escape sequence and a BEL makes a warning at start; SIGTERM makes a notice.
# Needs root (the mount namespace); CI runs as root.
. "$(dirname "$0")/lib.sh"
JOURNALD=/lib/systemd/systemd-journald
[ "$(id -u)" = 0 ] || skip_all "needs root for a private mount namespace with a real systemd-journald"
[ -x "$JOURNALD" ] || skip_all "systemd-journald not installed"
need_cmds unshare setpriv systemd-cat journalctl
setup_samp
plan 8

mkdir -p "$XDG_CONFIG_HOME/cadc-samp"
printf '[listen]\nbogus\033c\007key=1\n' >"$XDG_CONFIG_HOME/cadc-samp/config"
LISTEN_ARGS=(listen --tap http://127.0.0.1:9/tap --no-cutouts)

# The namespace: journald, then listen on a journal stream; when listen has
# ended, the journal as JSON in $T/journal.json.
cat >"$T/ns.sh" <<'EOF'
set -u
mount -t tmpfs -o mode=755 tmpfs /run || exit 90
if [ -d /var/log/journal ]; then mount -t tmpfs tmpfs /var/log/journal || exit 90; fi
mkdir -p /run/systemd/journal /run/log/journal /run/systemd/journald.conf.d
cat >/run/systemd/journald.conf.d/test.conf <<CONF
[Journal]
Storage=volatile
ReadKMsg=no
ForwardToSyslog=no
ForwardToKMsg=no
ForwardToConsole=no
ForwardToWall=no
CONF
# journald ends with this script, however it ends (SIGKILL from the kit's
# stop included: the parent-death signal)
trap 'kill $(jobs -p) 2>/dev/null; wait' EXIT
setpriv --pdeathsig TERM "$JOURNALD" &
for _ in $(seq 100); do [ -S /run/systemd/journal/stdout ] && [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done
[ -S /run/systemd/journal/stdout ] || exit 91
systemd-cat -t cadc-samp-stream bash -c \
  'JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) exec "$CADC_SAMP" "$@"' sh "$@" &
echo $! >"$T/listen.pid"
wait $!
echo $? >"$T/listen.rc"
journalctl --sync 2>/dev/null
for _ in $(seq 50); do
  journalctl -D /run/log/journal -o json --no-pager >"$T/journal.tmp" 2>/dev/null
  grep -q 'signal received' "$T/journal.tmp" && break
  sleep 0.1
done
mv "$T/journal.tmp" "$T/journal.json"
EOF
export JOURNALD
DIAG_FILES=("$LOGS/journal.log")
spawn journal unshare -m bash "$T/ns.sh" "${LISTEN_ARGS[@]}"

listed () { "$CADC_SAMP" status --json 2>/dev/null | grep -q '"name": "cadc-samp"'; }
check "listen on a journal stream registers with its own hub" wait_until 30 listed
[ -s "$T/listen.pid" ] && kill -TERM "$(cat "$T/listen.pid")"
wait_file "$T/journal.json" 30
check "SIGTERM: listen exits 0 (rc $(cat "$T/listen.rc" 2>/dev/null))" \
  eval '[ "$(cat "$T/listen.rc" 2>/dev/null)" = 0 ]'

# record KEY=VALUE...: the first record of the journal with these fields
# (VALUE a substring of MESSAGE), printed as JSON; false when none
record () {
  "$PY" - "$T/journal.json" "$@" <<'PYEOF'
import json, sys
want = dict(a.split("=", 1) for a in sys.argv[2:])
for line in open(sys.argv[1]):
    r = json.loads(line)
    if all((v in r.get(k, "")) if k == "MESSAGE" and isinstance(r.get(k), str)
           else r.get(k) == v for k, v in want.items()):
        print(json.dumps(r))
        sys.exit(0)
sys.exit(1)
PYEOF
}
field () { "$PY" -c "import json,sys; v=json.loads(sys.stdin.read()).get('$1'); print(v if isinstance(v, str) else repr(v))"; }

DIAG_FILES=("$T/journal.json" "$LOGS/journal.log")
warn=$(record _TRANSPORT=journal MESSAGE='unknown key')
why="record: $warn"
check "the config warning is a native journal record: PRIORITY 4, SYSLOG_IDENTIFIER cadc-samp" \
  eval '[ "$(field PRIORITY <<<"$warn")" = 4 ] && [ "$(field SYSLOG_IDENTIFIER <<<"$warn")" = cadc-samp ]'
check "its fields say where it comes from: GLIB_DOMAIN bridge, CODE_FILE bridge-config.c, CODE_FUNC" \
  eval '[ "$(field GLIB_DOMAIN <<<"$warn")" = bridge ] && [[ "$(field CODE_FILE <<<"$warn")" = *bridge-config.c ]] && [ -n "$(field CODE_FUNC <<<"$warn" | grep -v None)" ]'
msg=$(field MESSAGE <<<"$warn")
why="MESSAGE: $msg"
check "the escape sequence and BEL of the key's name did not reach the journal (MESSAGE is text)" \
  eval '[[ "$msg" = *"unknown key \"bogus"* ]] && ! printf %s "$msg" | grep -q "[[:cntrl:]]"'
why=
check "SIGTERM's notice is a native record with PRIORITY 5" \
  eval 'n=$(record _TRANSPORT=journal MESSAGE="signal received") && [ "$(field PRIORITY <<<"$n")" = 5 ]'
check "nothing of the log went to the stream as text (no stdout-transport record of it)" \
  eval '! record _TRANSPORT=stdout MESSAGE="unknown key" >/dev/null'

# Without a journal on stderr (JOURNAL_STREAM naming another file), the same
# warning is a line on stderr, sanitized the same way.
JOURNAL_STREAM=1:1 timeout 30 "$CADC_SAMP" listen --hub=never --tap http://127.0.0.1:9/tap \
  --no-cutouts >"$T/plain.log" 2>&1
DIAG_FILES=("$T/plain.log")
check "JOURNAL_STREAM that is not stderr: the warning is a plain stderr line without control characters" \
  eval 'grep -q "unknown key \"bogus" "$T/plain.log" && ! grep -q "[[:cntrl:]]" "$T/plain.log"'

#!/bin/bash
# test-cli-stop-signals.sh: how the daemons (`cadc-samp hub`, `cadc-samp
# listen`) take SIGINT and SIGTERM.  The first stops them cleanly (clients
# told, lockfile removed, listen unregistered): exit 0.  A repeat within
# 0.5 s is the same request: `timeout -s INT` without --foreground signals
# the command and then its whole process group, so the daemon gets two
# at once, and before this the second killed the stopping daemon (exit
# 130, lockfile left behind).  A second signal later than that means "now":
# the daemon exits at once with 128 + the signal and says so.  The slow
# stop is made by a SAMP client whose callback server accepts connections
# and never answers (the hub waits up to 2 s for its shutdown event).
. "$(dirname "$0")/lib.sh"
setup_samp
plan 8

# --- timeout -s INT (no --foreground): two SIGINTs, one clean stop
spawn hub timeout --preserve-status -s INT 2 "$CADC_SAMP" hub --lockfile "$SAMP_LOCK"
wait_exit hub 20
DIAG_FILES=("$LOGS/hub.log")
why="exit $EXIT_RC" check "hub under timeout -s INT: stops cleanly, exit 0 (the group's second SIGINT ignored)" \
  eval '[ "$EXIT_RC" = 0 ] && grep -q "SAMP hub stopped" "$LOGS/hub.log" && ! grep -q "exiting now" "$LOGS/hub.log"'
check "... and its lockfile is gone" test ! -e "$SAMP_LOCK"

spawn listen timeout --preserve-status -s INT 3 "$CADC_SAMP" listen --hub=always \
  --registry "http://127.0.0.1:$(free_port)/reg"
wait_exit listen 30
DIAG_FILES=("$LOGS/listen.log")
why="exit $EXIT_RC" check "listen under timeout -s INT: unregisters and stops its hub, exit 0" \
  eval '[ "$EXIT_RC" = 0 ] && grep -q "signal received: unregistering and exiting" "$LOGS/listen.log" &&
        grep -q "SAMP hub stopped" "$LOGS/listen.log" && ! grep -q "exiting now" "$LOGS/listen.log"'
check "... and the lockfile of its hub is gone" test ! -e "$SAMP_LOCK"

# --- a stop that takes long: a later second signal ends it at once
spawn hub2 "$CADC_SAMP" hub --lockfile "$SAMP_LOCK"
wait_file "$SAMP_LOCK" 10 || bail "the hub did not start"
cat >"$T/mute.py" <<'PYEOF'
import socket, sys, time, xmlrpc.client
lock = dict(l.strip().split("=", 1) for l in open(sys.argv[1]) if "=" in l and not l.startswith("#"))
hub = xmlrpc.client.ServerProxy(lock["samp.hub.xmlrpc.url"])
reg = hub.samp.hub.register(lock["samp.secret"])
mute = socket.socket()
mute.bind(("127.0.0.1", 0))
mute.listen(8)          # connections accepted by the kernel, never answered
key = reg["samp.private-key"]
hub.samp.hub.setXmlrpcCallback(key, "http://127.0.0.1:%d/" % mute.getsockname()[1])
hub.samp.hub.declareSubscriptions(key, {"samp.hub.event.shutdown": {}})
print("ready", flush=True)
time.sleep(60)
PYEOF
spawn mute "$PY" "$T/mute.py" "$SAMP_LOCK"
wait_until 10 grep -q ready "$LOGS/mute.log" || bail "the mute client did not register"
HP=$(pid_of hub2)
kill -INT "$HP"; sleep 1; kill -INT "$HP"
wait_exit hub2 10
DIAG_FILES=("$LOGS/hub2.log" "$LOGS/mute.log")
why="exit $EXIT_RC" check "a second SIGINT 1 s into a slow stop: exit at once, 130 (128 + SIGINT)" \
  eval '[ "$EXIT_RC" = 130 ]'
check "... saying so" grep -q "cadc-samp: second interrupt: exiting now" "$LOGS/hub2.log"
stop mute
rm -f "$SAMP_LOCK"

# the same slow stop, the second SIGINT 0.2 s in (timeout's double, made
# deterministic): ignored, the stop finishes cleanly
spawn hub4 "$CADC_SAMP" hub --lockfile "$SAMP_LOCK"
wait_file "$SAMP_LOCK" 10 || bail "the hub did not start"
spawn mute2 "$PY" "$T/mute.py" "$SAMP_LOCK"
wait_until 10 grep -q ready "$LOGS/mute2.log" || bail "the mute client did not register"
HP=$(pid_of hub4)
kill -INT "$HP"; sleep 0.2; kill -INT "$HP"
wait_exit hub4 10
DIAG_FILES=("$LOGS/hub4.log" "$LOGS/mute2.log")
why="exit $EXIT_RC" check "a second SIGINT 0.2 s into a slow stop is the same request: the stop finishes, exit 0, no lockfile" \
  eval '[ "$EXIT_RC" = 0 ] && grep -q "SAMP hub stopped" "$LOGS/hub4.log" && ! grep -q "exiting now" "$LOGS/hub4.log" && [ ! -e "$SAMP_LOCK" ]'
stop mute2
rm -f "$SAMP_LOCK"

spawn hub3 "$CADC_SAMP" hub --lockfile "$SAMP_LOCK"
wait_file "$SAMP_LOCK" 10 || bail "the hub did not start"
kill -TERM "$(pid_of hub3)"; kill -TERM "$(pid_of hub3)"
wait_exit hub3 10
DIAG_FILES=("$LOGS/hub3.log")
why="exit $EXIT_RC" check "two SIGTERMs at once (no client to wait for): one clean stop, exit 0, no lockfile" \
  eval '[ "$EXIT_RC" = 0 ] && ! grep -q "exiting now" "$LOGS/hub3.log" && [ ! -e "$SAMP_LOCK" ]'

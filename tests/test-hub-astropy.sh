#!/bin/bash
# test-hub-astropy.sh: `cadc-samp hub` with real astropy.samp clients.
# Registration, wildcard subscriptions, notify/call/reply, callAndWait
# timeout, a client killed with SIGKILL is dropped (the others are told
# and keep working), shutdown event and lockfile removal on SIGTERM.
. "$(dirname "$0")/lib.sh"
need_astropy
setup_samp
plan 10
spawn hub "$CADC_SAMP" hub --delivery-timeout 5
wait_file "$SAMP_LOCK" 10 || bail "hub wrote no lockfile within 10 s"

# The clients (one python process) report "RC DESCRIPTION" lines; at READY
# they wait on stdin while the hub is sent SIGTERM, then check the event.
cat >"$T/clients.py" <<'PYEOF'
import os, signal, subprocess, sys, threading, time
from astropy.samp import SAMPIntegratedClient
import warnings
warnings.simplefilter("ignore")

n = 0
failed = 0
def ok(cond, what):    # one result line for the shell: "RC DESCRIPTION"
    global n, failed
    n += 1
    print("%d %s" % (0 if cond else 1, what), flush=True)
    if not cond:
        failed += 1

def wait_for(pred, timeout):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()

events = []
notes = []
def on_event(pk, sender, mtype, params, extra):
    events.append((sender, mtype, dict(params)))
a = SAMPIntegratedClient(name="A")
b = SAMPIntegratedClient(name="B")
c = SAMPIntegratedClient(name="C")
clients = [a, b, c]
try:
    for x in clients:
        x.connect()
    a.bind_receive_notification("samp.hub.event.unregister", on_event)
    a.bind_receive_notification("samp.hub.event.register", on_event)
    a.bind_receive_notification("samp.hub.event.shutdown", on_event)
    ids = [x.get_public_id() for x in clients]
    reg = a.get_registered_clients()
    ok(set(ids[1:]) <= set(reg) and "hub" in reg and ids[0] not in reg,
       "three clients registered; getRegisteredClients lists the others and hub")

    # B: wildcard subscription test.*, replies to calls, records notifications
    def b_note(pk, sender, mtype, params, extra):
        notes.append((sender, mtype, dict(params)))
    def b_call(pk, sender, msg_id, mtype, params, extra):
        b.reply(msg_id, {"samp.status": "samp.ok", "samp.result": {"echo": params.get("x", "")}})
    b.bind_receive_notification("test.*", b_note)
    b.bind_receive_call("test.*", b_call)
    subs = a.get_subscribed_clients("test.echo")
    other = a.get_subscribed_clients("other.echo")
    ok(ids[1] in subs and ids[1] not in other, "wildcard test.* matches test.echo only")

    a.notify(ids[1], {"samp.mtype": "test.echo", "samp.params": {"x": "1"}})
    ok(wait_for(lambda: any(m == "test.echo" and p.get("x") == "1" for s, m, p in notes), 5),
       "notify delivered through the hub")

    r = a.call_and_wait(ids[1], {"samp.mtype": "test.echo", "samp.params": {"x": "hello"}}, "10")
    ok(r.get("samp.status") == "samp.ok" and r.get("samp.result", {}).get("echo") == "hello",
       "callAndWait returns the recipient's reply")

    # C subscribes to slow.op and never replies: callAndWait times out
    def c_call(pk, sender, msg_id, mtype, params, extra):
        pass
    c.bind_receive_call("slow.op", c_call)
    t0 = time.time()
    try:
        a.call_and_wait(ids[2], {"samp.mtype": "slow.op", "samp.params": {}}, "1")
        timed_out = False
    except Exception as e:
        timed_out = "timeout" in str(e).lower()
    dt = time.time() - t0
    ok(timed_out and 0.9 <= dt < 5, "callAndWait with timeout 1 faults after %.2f s" % dt)

    # D: a separate process, killed with SIGKILL while registered
    d = subprocess.Popen([sys.executable, "-c", """
import time, warnings
warnings.simplefilter("ignore")
from astropy.samp import SAMPIntegratedClient
d = SAMPIntegratedClient(name="D")
d.connect()
d.bind_receive_notification("test.*", lambda *a: None)
print(d.get_public_id(), flush=True)
time.sleep(120)
"""], stdout=subprocess.PIPE, text=True)
    did = d.stdout.readline().strip()
    ok(did != "" and did in a.get_registered_clients(), "client D (%s) registered" % did)
    d.send_signal(signal.SIGKILL)
    d.wait()
    recips = a.notify_all({"samp.mtype": "test.echo", "samp.params": {"x": "2"}})
    dropped = wait_for(lambda: did not in a.get_registered_clients(), 10)
    told = wait_for(lambda: any(m == "samp.hub.event.unregister" and p.get("id") == did
                                for s, m, p in events), 5)
    ok(did in recips and dropped and told,
       "SIGKILLed client dropped after a failed delivery; unregister event sent")
    notes.clear()
    a.notify_all({"samp.mtype": "test.echo", "samp.params": {"x": "3"}})
    r = a.call_and_wait(ids[1], {"samp.mtype": "test.echo", "samp.params": {"x": "again"}}, "10")
    ok(wait_for(lambda: any(p.get("x") == "3" for s, m, p in notes), 5)
       and r.get("samp.result", {}).get("echo") == "again",
       "the other clients keep working after the drop")

    # hub shutdown: the caller sends SIGTERM; A must hear samp.hub.event.shutdown
    print("READY", flush=True)
    sys.stdin.readline()
    ok(wait_for(lambda: any(m == "samp.hub.event.shutdown" for s, m, p in events), 5),
       "samp.hub.event.shutdown received on hub SIGTERM")
finally:
    for x in clients:
        try:
            x.disconnect()
        except Exception:
            pass
sys.exit(1 if failed else 0)
PYEOF
mkfifo "$T/in"
timeout 120 "$PY" "$T/clients.py" <"$T/in" >"$T/out" 2>"$T/err" &
PYPID=$!
exec 3>"$T/in"
wait_until 90 eval 'grep -q READY "$T/out" || ! kill -0 $PYPID 2>/dev/null'
kill -TERM "$(pid_of hub)"
wait_exit hub 10
echo >&3
wait $PYPID
exec 3>&-

DIAG_FILES=("$T/err" "$LOGS/hub.log")
while read -r rc desc; do ok "$rc" "$desc"; done < <(grep -v READY "$T/out")
check "lockfile removed on SIGTERM" test ! -e "$SAMP_LOCK"

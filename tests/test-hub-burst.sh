#!/bin/bash
# test-hub-burst.sh: a burst of new connections while `cadc-samp hub` is busy
# (here: stopped with SIGSTOP, the deterministic form of a main loop that
# has not come round to accepting yet) is queued by the kernel, up to the
# hub's listen backlog of 128, not dropped: with GIO's default of 10, the
# 11th SYN on was dropped and retried by the client a second later (the
# stall at the end of every bench-hub.sh run, issue 14).  Once the hub runs
# again, every one of them is answered.  The same listener serves libsamp's
# callback servers (samp-hub-net.c).
. "$(dirname "$0")/lib.sh"
setup_samp
plan 3
N=100
spawn hub "$CADC_SAMP" hub --lockfile "$SAMP_LOCK"
wait_file "$SAMP_LOCK" 10 || bail "the hub did not start"
HP=$(pid_of hub)
cat >"$T/burst.py" <<'PYEND'
import os, select, signal, socket, sys, time
lock = dict(l.strip().split("=", 1) for l in open(sys.argv[1]) if "=" in l and not l.startswith("#"))
url = lock["samp.hub.xmlrpc.url"]
hostport = url.split("//", 1)[1].split("/", 1)[0]
host, port = hostport.split(":")
hub_pid, n = int(sys.argv[2]), int(sys.argv[3])
os.kill(hub_pid, signal.SIGSTOP)
socks = []
try:
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex((host, int(port)))
        socks.append(s)
    # a connection is established once the kernel has queued it for the hub
    end, done = time.time() + 3, set()
    while time.time() < end and len(done) < n:
        _, w, _ = select.select([], [s for s in socks if s not in done], [], 0.2)
        done.update(s for s in w if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0)
    print("established while the hub was stopped: %d of %d" % (len(done), n), flush=True)
finally:
    os.kill(hub_pid, signal.SIGCONT)
body = (b"<?xml version='1.0'?><methodCall><methodName>samp.hub.ping</methodName>"
        b"<params></params></methodCall>")
req = (b"POST /xmlrpc HTTP/1.1\r\nHost: %s\r\nContent-Type: text/xml\r\n"
       b"Content-Length: %d\r\nConnection: close\r\n\r\n" % (hostport.encode(), len(body)) + body)
answered = 0
for s in socks:
    s.setblocking(True)
    s.settimeout(20)
    try:
        s.sendall(req)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        answered += data.startswith(b"HTTP/1.1 200") and b"<methodResponse>" in data
    except OSError as e:
        print("# " + str(e), flush=True)
    s.close()
print("pings answered: %d of %d" % (answered, n), flush=True)
PYEND
"$PY" "$T/burst.py" "$SAMP_LOCK" "$HP" "$N" >"$T/burst.out" 2>&1
DIAG_FILES=("$T/burst.out" "$LOGS/hub.log")
check "$N connections at once to a hub that is not accepting yet: all queued by the kernel (backlog 128)" \
  grep -qx "established while the hub was stopped: $N of $N" "$T/burst.out"
check "once it runs again, every one is answered (samp.hub.ping)" \
  grep -qx "pings answered: $N of $N" "$T/burst.out"
check "and the hub is still running" eval 'kill -0 "$HP"'

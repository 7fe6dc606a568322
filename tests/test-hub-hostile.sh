#!/bin/bash
# test-hub-hostile.sh: a hostile local process attacks the XML-RPC servers
# of a real `cadc-samp hub` and of `cadc-samp listen --hub=always` (its
# in-process hub and its callback server), as in issue 10: 100 000 nested
# arrays and structs (a SIGSEGV before), UTF-16 documents with an internal
# DTD whose entity holds the hub secret (registered before), UTF-32 and
# BOM variants, an entity bomb (seconds of the hub's main loop before), an
# over-size body and header, and a request trickled byte by byte next to
# an idle connection.  Each attack must get an XML-RPC fault or an HTTP
# 4xx; after each the process is alive, keeps its lockfile and answers a
# normal call; a normal client's ping is answered while the trickler is
# still sending.  SIGTERM then ends each process cleanly, removing its
# lockfile.  The attacker is the same user: it reads the secret from the
# lockfile (mode 0600).  Prints TAP.
set -u
PY=${PYTHON3:-/usr/bin/python3}
[ -x "$PY" ] || PY=/usr/bin/python3
CADC_SAMP=${CADC_SAMP:-../src/cadc-samp}

T=$(mktemp -d "${TMPDIR:-/tmp}/test-hub-hostile.XXXXXX") || exit 1
PGIDS=()
spawn () {   # LOG CMD...: own session, so its whole group can be stopped
  local log=$1; shift
  setsid "$@" </dev/null >"$T/$log.log" 2>&1 &
  LAST_PID=$!
  PGIDS+=("$LAST_PID")
}
stop () {    # PID: SIGTERM its group, wait up to 10 s; sets STOP_RC
  local pid=$1 i
  kill -TERM -- "-$pid" 2>/dev/null
  for i in $(seq 100); do
    if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; STOP_RC=$?; return; fi
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  STOP_RC=124
}
cleanup () {
  local p
  for p in "${PGIDS[@]}"; do kill -KILL -- "-$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
wait_file () { local i; for i in $(seq $(( $2 * 10 ))); do [ -s "$1" ] && return 0; sleep 0.1; done; return 1; }

export HOME=$T/home XDG_CONFIG_HOME=$T/config XDG_CACHE_HOME=$T/cache
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY

cat >"$T/attack.py" <<'PYEOF'
"""The attacker: sys.argv = [NAME, LOCKFILE, PID, ROLE, TAP_START, COUNT].
ROLE 'hub': the hub URL in LOCKFILE is attacked.  ROLE 'callback': the
other listening TCP socket of process PID (its callback server) is
attacked; normal calls then go to it through the hub.  Prints COUNT TAP
lines numbered from TAP_START (without the plan), "not ok" for steps
that could not run."""
import os, re, socket, sys, threading, time, xmlrpc.client

name, lockfile, pid, role = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
n, per = int(sys.argv[5]), int(sys.argv[6])
port, path, method, url = 0, "/", "", ""
secret, hub_url, hub_port = "", "", 0
if role != "fake-hub":
    lock = dict(l.split("=", 1) for l in open(lockfile).read().splitlines()
                if "=" in l and not l.startswith("#"))
    secret = lock["samp.secret"]
    hub_url = lock["samp.hub.xmlrpc.url"].replace("\\:", ":")
    hub_port = int(re.match(r"http://127\.0\.0\.1:(\d+)/", hub_url).group(1))


def listening_ports(pid):
    """TCP ports on 127.0.0.1 that process PID listens on."""
    inodes = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            m = re.match(r"socket:\[(\d+)\]", os.readlink("/proc/%d/fd/%s" % (pid, fd)))
        except OSError:
            continue
        if m:
            inodes.add(m.group(1))
    ports = []
    for line in open("/proc/%d/net/tcp" % pid).read().splitlines()[1:]:
        f = line.split()
        if f[3] == "0A" and f[9] in inodes:      # LISTEN
            ports.append(int(f[1].split(":")[1], 16))
    return ports




def ok(cond, what):
    global n
    print("%s %d - %s: %s" % ("ok" if cond else "not ok", n, name, what), flush=True)
    n += 1


def connect():
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def request_head(length, extra=b""):
    return (b"POST " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: text/xml\r\nConnection: close\r\n" + extra +
            b"Content-Length: " + str(length).encode() + b"\r\n\r\n")


def read_response(s):
    """(status, body) of one HTTP response on socket s."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            return None, data
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    status = int(head.split(b" ")[1])
    m = re.search(rb"(?i)content-length:\s*(\d+)", head)
    want = int(m.group(1)) if m else None
    while want is None or len(body) < want:
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, body


def post(body, extra=b""):
    s = connect()
    try:
        s.sendall(request_head(len(body), extra) + body)
        return read_response(s)
    except (ConnectionResetError, BrokenPipeError) as e:
        return None, str(e).encode()
    finally:
        s.close()


def fault_of(status, body):
    """The fault string if this is an XML-RPC fault, else None."""
    if status != 200:
        return None
    try:
        xmlrpc.client.loads(body)
    except xmlrpc.client.Fault as f:
        return f.faultString
    except Exception:
        return None
    return None


def alive():
    """The process runs, its lockfile is there, and it answers a normal call."""
    try:
        os.kill(pid, 0)
    except OSError:
        return "process %d is gone" % pid
    if not os.path.exists(lockfile):
        return "lockfile is gone"
    hub = xmlrpc.client.ServerProxy(hub_url)
    try:
        if role == "hub":
            hub.samp.hub.ping()
            return None
        reg = hub.samp.hub.register(secret)
        pk = reg["samp.private-key"]
        try:
            ids = [i for i in hub.samp.hub.getRegisteredClients(pk)
                   if hub.samp.hub.getMetadata(pk, i).get("samp.name") == "cadc-samp"]
            if len(ids) != 1:
                return "cadc-samp is not registered: %r" % ids
            r = hub.samp.hub.callAndWait(pk, ids[0], {"samp.mtype": "samp.app.ping",
                                                      "samp.params": {}}, "20")
            if r.get("samp.status") != "samp.ok":
                return "ping through the hub: %r" % r
            # and straight to the callback URL: a well-formed call with a
            # wrong key is answered with a fault
            st, body = post(xmlrpc.client.dumps(("not-the-key", "c1", {"samp.mtype": "x",
                                                 "samp.params": {}}), method).encode())
            if "wrong private key" not in (fault_of(st, body) or ""):
                return "callback URL: %r %r" % (st, body[:200])
            return None
        finally:
            hub.samp.hub.unregister(pk)
    except Exception as e:
        return "normal call failed: %r" % e


def call_doc(value_xml, decl=""):
    return ('%s<methodCall><methodName>%s</methodName><params>'
            '<param><value>%s</value></param></params></methodCall>' % (decl, method, value_xml))


def attack(what, body, expect, extra=b""):
    """POST body; the answer must be a fault containing expect, or the
    HTTP status expect (an int)."""
    st, resp = post(body, extra)
    if isinstance(expect, int):
        good = st == expect
    else:
        f = fault_of(st, resp)
        good = f is not None and expect in f and secret not in f
    problem = alive()
    ok(good and problem is None, "%s -> %s%s" % (
        what, "HTTP %s %r" % (st, resp[:120]) if not good else
        ("HTTP %d" % st if isinstance(expect, int) else "fault saying %r" % expect),
        "" if problem is None else "; then " + problem))



HOSTILE_ANSWERS = [
    ("100000 nested arrays", ('<methodResponse><params><param><value>' + "<array><data><value>" * 100000
                              + "x" + "</value></data></array>" * 100000
                              + '</value></param></params></methodResponse>').encode()),
    ("UTF-16 with a DTD", b"\xff\xfe" + ('<?xml version="1.0" encoding="UTF-16"?>'
                                         '<!DOCTYPE m [<!ENTITY s "x">]><methodResponse><params><param>'
                                         '<value>&s;</value></param></params></methodResponse>').encode("utf-16-le")),
]


def serve_once_per_answer(answers, got):
    """A callback server answering the n-th POST with answers[n]."""
    import http.server

    class H(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            body = answers[min(len(got), len(answers) - 1)]
            got.append(1)
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def hostile_client_answers():
    """A registered client answers the hub's deliveries with hostile
    documents: the hub parses them (a response it reads) and stays up."""
    hub = xmlrpc.client.ServerProxy(hub_url)
    got = []
    srv = serve_once_per_answer([a for _, a in HOSTILE_ANSWERS], got)
    bad = hub.samp.hub.register(secret)
    sender = hub.samp.hub.register(secret)
    try:
        hub.samp.hub.setXmlrpcCallback(bad["samp.private-key"],
                                       "http://127.0.0.1:%d/" % srv.server_address[1])
        hub.samp.hub.declareSubscriptions(bad["samp.private-key"], {"test.hostile": {}})
        for i, (what, _) in enumerate(HOSTILE_ANSWERS):
            hub.samp.hub.notify(sender["samp.private-key"], bad["samp.self-id"],
                                {"samp.mtype": "test.hostile", "samp.params": {}})
            for _ in range(200):
                if len(got) > i:
                    break
                time.sleep(0.05)
            time.sleep(0.2)       # the hub reads and parses the answer
            problem = alive()
            ok(len(got) > i and problem is None,
               "a client answers the hub's delivery with %s: the hub stays up%s"
               % (what, "" if problem is None else " (" + problem + ")"))
    finally:
        for r in (bad, sender):
            try:
                hub.samp.hub.unregister(r["samp.private-key"])
            except Exception:
                pass
        srv.shutdown()


def fake_hub():
    """A hub that answers every call with a hostile document: our client
    (cadc-samp status) must fail with a clear message, not crash."""
    got = []
    for what, answer in HOSTILE_ANSWERS:
        srv = serve_once_per_answer([answer], got)
        with open(lockfile, "w") as f:
            f.write("samp.secret=x\nsamp.hub.xmlrpc.url=http://127.0.0.1:%d/xmlrpc\n"
                    "samp.profile.version=1.3\n" % srv.server_address[1])
        os.chmod(lockfile, 0o600)
        import subprocess
        env = dict(os.environ, SAMP_HUB="std-lockurl:file://" + lockfile)
        p = subprocess.run([os.environ["CADC_SAMP"], "status"], env=env, capture_output=True,
                           timeout=60, text=True)
        srv.shutdown()
        said = p.stderr.strip().splitlines()[-1:] or [""]
        ok(0 < p.returncode < 128 and got and ("deep" in said[0] or "UTF-8" in said[0]),
           "a hub answering %s: cadc-samp status exits %d saying %r" % (what, p.returncode, said[0]))

def main():
    global port, path, method, url
    if role == "hub":
        port, path = hub_port, "/xmlrpc"
        method = "samp.hub.register"
    else:
        others = [p for p in listening_ports(pid) if p != hub_port]
        assert len(others) == 1, others
        port, path = others[0], "/"
        method = "samp.client.receiveNotification"
    url = "http://127.0.0.1:%d%s" % (port, path)

    deep = 100000
    arrays = call_doc("<array><data><value>" * deep + "x" + "</value></data></array>" * deep)
    attack("100000 nested arrays (%d bytes)" % len(arrays), arrays.encode(), "more than 64 deep")
    structs = call_doc("<struct><member><name>k</name><value>" * deep + "x"
                       + "</value></member></struct>" * deep)
    attack("100000 nested structs (%d bytes)" % len(structs), structs.encode(), "more than 64 deep")

    dtd = '<!DOCTYPE methodCall [<!ENTITY s "%s">]>' % secret
    for label, codec, bom in (("UTF-16LE with BOM", "utf-16-le", b"\xff\xfe"),
                              ("UTF-16BE without BOM", "utf-16-be", b""),
                              ("UTF-32LE with BOM", "utf-32-le", b"\xff\xfe\0\0"),
                              ("UTF-32BE without BOM", "utf-32-be", b"")):
        enc = "UTF-16" if "16" in label else "UTF-32"
        doc = call_doc("&s;", '<?xml version="1.0" encoding="%s"?>%s' % (enc, dtd))
        attack("%s with a DTD entity holding the secret" % label, bom + doc.encode(codec),
               "only UTF-8 is accepted")
    attack("UTF-8 with BOM and a DTD entity holding the secret",
           b"\xef\xbb\xbf" + call_doc("&s;", '<?xml version="1.0"?>' + dtd).encode(), "DOCTYPE")
    bomb = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE m [<!ENTITY a0 "lollollollollol">'
    for i in range(1, 10):
        bomb += '<!ENTITY a%d "%s">' % (i, ("&a%d;" % (i - 1)) * 10)
    bomb += "]>" + call_doc("&a9;")
    attack("an entity bomb in UTF-16 (%d characters)" % len(bomb), b"\xff\xfe" + bomb.encode("utf-16-le"),
           "only UTF-8 is accepted")
    attack("an entity bomb in UTF-8", bomb.replace('encoding="UTF-16"', "").encode(), "DOCTYPE")

    # over-size body: the refusal comes before the body is sent
    s = connect()
    s.sendall(request_head(64 * 1024 * 1024 + 1))
    st, resp = read_response(s)
    s.close()
    problem = alive()
    ok(st == 413 and problem is None, "Content-Length of 64 MiB + 1 -> HTTP %s%s" % (st, "" if problem is None else "; then " + problem))
    # a plain client sends the whole over-size body without waiting: it
    # still reads the 413 (the server discards the rest before closing)
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        c.request("POST", path, body=b"x" * (64 * 1024 * 1024 + 1), headers={"Content-Type": "text/xml"})
        st = c.getresponse().status
    except OSError as e:
        st = repr(e)
    c.close()
    problem = alive()
    ok(st == 413 and problem is None, "a whole 64 MiB + 1 body sent at once -> HTTP %s%s" % (st, "" if problem is None else "; then " + problem))
    st, resp = post(b"<methodCall/>", b"X-Junk: " + b"a" * (70 * 1024) + b"\r\n")
    problem = alive()
    ok(st == 431 and problem is None, "a 70 KiB header -> HTTP %s%s" % (st, "" if problem is None else "; then " + problem))
    s = connect()
    try:
        s.sendall(b"POST / HTTP/1.1\r\nX-Endless: " + b"b" * (200 * 1024))
        st, resp = read_response(s)
    except (ConnectionResetError, BrokenPipeError):
        st = "reset"
    s.close()
    problem = alive()
    ok(st == 431 and problem is None, "a 200 KiB header line without end -> HTTP %s%s" % (st, "" if problem is None else "; then " + problem))

    # One connection sends nothing, one trickles a ping byte by byte; a normal
    # client's ping is answered while the trickler is still sending.
    idle = connect()
    ping = xmlrpc.client.dumps((), "samp.hub.ping" if role == "hub" else method).encode()
    trickle_req = request_head(len(ping)) + ping
    progress = {"sent": 0, "status": None}


    def trickler():
        t = connect()
        try:
            for b in trickle_req:
                t.sendall(bytes([b]))
                progress["sent"] += 1
                time.sleep(0.01)
            progress["status"] = read_response(t)[0]
        finally:
            t.close()


    th = threading.Thread(target=trickler)
    th.start()
    while progress["sent"] < 20:
        time.sleep(0.01)
    problem = alive()
    sent = progress["sent"]
    ok(problem is None and sent < len(trickle_req),
       "a normal call is answered while one connection is idle and one trickles "
       "(%d of %d bytes sent)%s" % (sent, len(trickle_req), "" if problem is None else ": " + problem))
    th.join()
    idle.close()
    ok(progress["status"] == 200, "the trickled request is answered in the end (HTTP %s)" % progress["status"])


    # A large valid document of small values takes xmlrpc-c seconds: it is
    # parsed off the main loop, so a normal call is answered before it.
    item = b"<value><string>abcdefgh</string></value>"
    big = ("<methodCall><methodName>%s</methodName><params><param><value><array><data>"
           % ("samp.hub.ping" if role == "hub" else method)).encode() \
        + item * (16 * 1024 * 1024 // len(item)) + b"</data></array></value></param></params></methodCall>"
    a = connect()
    a.sendall(request_head(len(big)) + big)
    time.sleep(0.1)
    # one quick call (a ping; for a callback server, a call with a wrong key)
    quick = xmlrpc.client.dumps((), "samp.hub.ping") if role == "hub" else \
        xmlrpc.client.dumps(("not-the-key", "c1", {"samp.mtype": "x", "samp.params": {}}), method)
    qst, qbody = post(quick.encode())
    a.setblocking(False)
    try:
        first = len(a.recv(1, socket.MSG_PEEK)) > 0
    except BlockingIOError:
        first = False
    a.setblocking(True)
    st, _ = read_response(a)
    a.close()
    problem = alive()
    if problem is None and qst != 200:
        problem = "the quick call got HTTP %s" % qst
    ok(problem is None and not first and st == 200,
       "a normal call is answered while a 16 MB call of %d small values is parsed "
       "(big one answered first: %s, then HTTP %s)%s" % (len(big) // len(item), first, st,
                                                          "" if problem is None else "; " + problem))
    if role == "hub":
        hostile_client_answers()


start = n
try:
    if role == "fake-hub":
        fake_hub()
    else:
        main()
except Exception as e:
    print("# %s: %r" % (name, e), flush=True)
while n < start + per:
    ok(False, "not run: an earlier step failed")
PYEOF

PER=16    # TAP lines attack.py prints per target (+2 for a hub)
echo "1..$(( 3 * PER + 2 + 2 + 3 + 2 ))"

# --- a standalone hub
spawn hub "$CADC_SAMP" hub --lockfile "$T/hub.lock"
HUB=$LAST_PID
wait_file "$T/hub.lock" 20
"$PY" "$T/attack.py" "cadc-samp hub" "$T/hub.lock" "$HUB" hub 1 $(( PER + 2 ))
stop "$HUB"; rc=$STOP_RC
[ "$rc" = 0 ] && [ ! -e "$T/hub.lock" ]
echo "$([ $? = 0 ] && echo ok || echo 'not ok') $(( PER + 3 )) - cadc-samp hub: SIGTERM after the attacks: exit $rc, lockfile removed"

# --- listen with its own hub: both its hub and its callback server
export SAMP_HUB=std-lockurl:file://$HOME/.samp
spawn listen "$CADC_SAMP" listen --hub=always --tap http://127.0.0.1:9/tap --no-cutouts
LISTEN=$LAST_PID
wait_file "$HOME/.samp" 20
registered=1
for _ in $(seq 100); do
  if "$CADC_SAMP" status --json 2>/dev/null | grep -q '"name": "cadc-samp"'; then registered=0; break; fi
  sleep 0.2
done
echo "$([ $registered = 0 ] && echo ok || echo 'not ok') $(( PER + 4 )) - listen --hub=always is registered with its own hub"
"$PY" "$T/attack.py" "listen's hub" "$HOME/.samp" "$LISTEN" hub $(( PER + 5 )) $(( PER + 2 ))
"$PY" "$T/attack.py" "listen's callback URL" "$HOME/.samp" "$LISTEN" callback $(( 2 * PER + 7 )) $PER
stop "$LISTEN"; rc=$STOP_RC
[ "$rc" = 0 ] && [ ! -e "$HOME/.samp" ]
echo "$([ $? = 0 ] && echo ok || echo 'not ok') $(( 3 * PER + 7 )) - listen: SIGTERM after the attacks: exit $rc, lockfile removed"

# --- our client against a hub that answers with hostile documents
"$PY" "$T/attack.py" "a hostile hub" "$T/fake-hub.lock" 0 fake-hub $(( 3 * PER + 8 )) 2

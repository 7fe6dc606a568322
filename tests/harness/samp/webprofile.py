#!/usr/bin/env python3
"""webprofile.py: a SAMP Web Profile client as a browser page would be one
(XML-RPC over HTTP to 127.0.0.1:21012 with an Origin header), for
tests/test-hub-web.sh.  Each command prints "ok DESC" / "not ok DESC" lines
(lib.sh results_of) and diagnostics as "# ..." lines.

  webprofile.py cors ORIGIN              preflight and the policy files
  webprofile.py register ORIGIN NAME accepted|refused [REASON]
  webprofile.py stranger ORIGIN          an unregistered page: CORS, but faults
  webprofile.py messaging ORIGIN DIR     long poll, Standard Profile peer,
                                         restricted MTypes, URL translator
  webprofile.py ask HUB-ARGS...          the hub under a pty, asked y then n
  webprofile.py hostile                  bad requests, then the hub still answers
  webprofile.py sees ORIGIN NAME         a web client sees the client called NAME
  webprofile.py idle ORIGIN SECONDS      a page taking callbacks that stops pulling
                                         them is unregistered after SECONDS; one that
                                         pulls, and one that takes none, stay
Standard Profile side: the lockfile named by SAMP_HUB=std-lockurl:file://...
"""
import http.client, os, pty, select, signal, socket, sys, threading, time
import urllib.parse, xmlrpc.client
from xmlrpc.server import SimpleXMLRPCServer

WEB = ("127.0.0.1", 21012)
results = []


def report(ok, desc, why=""):
    print(("ok " if ok else "not ok ") + desc, flush=True)
    if not ok and why:
        for line in str(why).splitlines()[:20]:
            print("# " + line, flush=True)


def hreq(method, path, body=None, headers=None, timeout=30):
    c = http.client.HTTPConnection(*WEB, timeout=timeout)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, hdrs, data


def webcall(origin, method, *params, timeout=30):
    """(result, fault, headers) of samp.webhub.METHOD"""
    body = xmlrpc.client.dumps(tuple(params), "samp.webhub." + method).encode()
    hdrs = {"Content-Type": "text/xml"}
    if origin:
        hdrs["Origin"] = origin
    status, rh, data = hreq("POST", "/", body, hdrs, timeout)
    if status != 200:
        return None, "HTTP %d %s" % (status, data[:200]), rh
    try:
        return xmlrpc.client.loads(data)[0][0], None, rh
    except xmlrpc.client.Fault as f:
        return None, f.faultString, rh


def std_hub():
    lock = os.environ["SAMP_HUB"].split("file://", 1)[1]
    kv = {}
    for line in open(lock):
        if "=" in line and not line.startswith("#"):
            k, v = line.strip().split("=", 1)
            kv[k] = v
    return xmlrpc.client.ServerProxy(kv["samp.hub.xmlrpc.url"]), kv["samp.secret"]


class StdClient:
    """A Standard Profile client with a callback server recording messages."""

    def __init__(self, name, subs):
        self.hub, secret = std_hub()
        reg = self.hub.samp.hub.register(secret)
        self.key, self.id = reg["samp.private-key"], reg["samp.self-id"]
        self.got = []
        srv = SimpleXMLRPCServer(("127.0.0.1", 0), logRequests=False, allow_none=True)
        srv.register_function(lambda k, s, m: self.got.append((s, m)) or "",
                              "samp.client.receiveNotification")
        srv.register_function(lambda k, s, i, m: self.got.append((s, m)) or "",
                              "samp.client.receiveCall")
        srv.register_function(lambda *a: "", "samp.client.receiveResponse")
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        self.srv = srv
        self.hub.samp.hub.declareMetadata(self.key, {"samp.name": name})
        self.hub.samp.hub.setXmlrpcCallback(self.key, "http://127.0.0.1:%d/" % srv.server_address[1])
        self.hub.samp.hub.declareSubscriptions(self.key, subs)

    def close(self):
        self.hub.samp.hub.unregister(self.key)
        self.srv.shutdown()


def cmd_cors(origin):
    st, h, _ = hreq("OPTIONS", "/", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
        "Access-Control-Request-Private-Network": "true"})
    report(200 <= st < 300 and h.get("access-control-allow-origin") == origin
           and "POST" in h.get("access-control-allow-methods", "")
           and "content-type" in h.get("access-control-allow-headers", "").lower(),
           "preflight OPTIONS from %s: %d, allows its origin, POST and Content-Type" % (origin, st),
           h)
    report(h.get("access-control-allow-private-network") == "true",
           "preflight answers Chrome's Access-Control-Request-Private-Network", h)
    st, h, _ = hreq("OPTIONS", "/", headers={"Access-Control-Request-Method": "POST"})
    report("access-control-allow-origin" not in h, "a preflight without Origin gets no CORS grant", h)
    st, h, body = hreq("GET", "/crossdomain.xml")
    report(st == 200 and b"<cross-domain-policy>" in body, "GET /crossdomain.xml (%d)" % st, body)
    st, h, body = hreq("GET", "/clientaccesspolicy.xml")
    report(st == 200 and b"<access-policy>" in body, "GET /clientaccesspolicy.xml (%d)" % st, body)
    res, fault, h = webcall(origin, "ping")
    report(fault is None and h.get("access-control-allow-origin") == origin,
           "samp.webhub.ping from %s answers with Access-Control-Allow-Origin" % origin, fault or h)


def cmd_register(origin, name, expect, reason=None):
    res, fault, h = webcall(origin, "register", {"samp.name": name})
    if expect == "accepted":
        report(fault is None and all(k in res for k in (
            "samp.private-key", "samp.hub-id", "samp.self-id", "samp.url-translator")),
            "%s from %s is registered (private-key, hub-id, self-id, url-translator)" % (name, origin),
            fault or res)
        if fault is None:
            webcall(origin, "unregister", res["samp.private-key"])
    else:
        report(fault is not None and "refused" in fault.lower(),
               "%s from %s is refused with a fault (%s)" % (name, origin, fault), res)
        if reason is not None:
            report(fault is not None and fault.startswith("registration refused: ")
                   and reason in fault and h.get("access-control-allow-origin") == origin,
                   "the fault, which the page may read (CORS), says why: %s" % reason, (fault, h))


def cmd_stranger(origin):
    """A page whose register was refused: the hub lets it talk (CORS), but
    every call that needs a private key gets a fault."""
    st, h, _ = hreq("OPTIONS", "/", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    report(st == 204 and h.get("access-control-allow-origin") == origin,
           "the preflight from %s is granted (%d): consent is decided at register" % (origin, st), h)
    for method, params in (("getRegisteredClients", ("",)),
                           ("getMetadata", ("nokey", "hub")),
                           ("notifyAll", ("nokey", {"samp.mtype": "table.load.votable",
                                                    "samp.params": {"url": "file:///etc/passwd"}})),
                           ("declareSubscriptions", ("nokey", {"*": {}})),
                           ("pullCallbacks", ("nokey", "0")),
                           ("allowReverseCallbacks", ("nokey", "1")),
                           ("unregister", ("nokey",))):
        res, fault, rh = webcall(origin, method, *params)
        report(fault is not None and "private key" in fault and res is None
               and rh.get("access-control-allow-origin") == origin,
               "without a key, %s gets a fault (%s)" % (method, fault), res)


def cmd_messaging(origin, tmpdir):
    reg, fault, _ = webcall(origin, "register", {"samp.name": "webpage"})
    if fault:
        report(False, "web client registers", fault)
        return
    key, wid, trans = reg["samp.private-key"], reg["samp.self-id"], reg["samp.url-translator"]
    report(key not in trans, "the URL translator does not carry the private key", trans)
    webcall(origin, "declareMetadata", key, {"samp.name": "webpage"})
    webcall(origin, "declareSubscriptions", key, {"table.load.votable": {}, "samp.app.ping": {}})
    webcall(origin, "allowReverseCallbacks", key, "1")
    std = StdClient("desktop", {"table.load.votable": {}, "x.test.unsafe": {}})
    ids = std.hub.samp.hub.getRegisteredClients(std.key)
    report(wid in ids, "a Standard Profile client sees the web client %s" % wid, ids)

    vot = os.path.join(tmpdir, "sent.vot")
    with open(vot, "w") as f:
        f.write("<VOTABLE version='1.4'><RESOURCE/></VOTABLE>\n")
    file_url = "file://" + vot
    pulled = {}

    def poll():
        t0 = time.time()
        pulled["cbs"], pulled["fault"], _ = webcall(origin, "pullCallbacks", key, "20", timeout=40)
        pulled["secs"] = time.time() - t0

    th = threading.Thread(target=poll)
    th.start()
    time.sleep(1.0)      # the poll is waiting now: nothing is queued
    std.hub.samp.hub.notify(std.key, wid, {"samp.mtype": "table.load.votable",
                                           "samp.params": {"url": file_url, "name": "t"}})
    th.join(40)
    cbs = pulled.get("cbs") or []
    got = [c for c in cbs if c.get("samp.methodName") == "receiveNotification"
           and c["samp.params"][0] == std.id
           and c["samp.params"][1]["samp.mtype"] == "table.load.votable"]
    report(bool(got) and pulled["secs"] < 15,
           "pullCallbacks (a long poll) returns the notify a Standard Profile client sent "
           "(%.1f s)" % pulled.get("secs", -1), pulled)

    # the translator serves what was sent to this client, nothing else
    st, h, body = hreq("GET", urllib.parse.urlparse(trans).path + "?" + urllib.parse.quote(file_url, safe=""),
                       headers={"Origin": origin})
    report(st == 200 and body == open(vot, "rb").read()
           and h.get("access-control-allow-origin") == origin,
           "the translator serves the file: URL sent to the client (%d)" % st, body[:200])
    st, h, body = hreq("HEAD", urllib.parse.urlparse(trans).path + "?" + urllib.parse.quote(file_url, safe=""))
    report(st == 200 and body == b"" and h.get("content-length") == str(os.path.getsize(vot)),
           "HEAD on the translator: its length, no body (%d)" % st, h)
    secret = os.path.join(tmpdir, "not-sent.txt")
    with open(secret, "w") as f:
        f.write("private\n")
    st, h, body = hreq("GET", urllib.parse.urlparse(trans).path + "?"
                       + urllib.parse.quote("file://" + secret, safe=""))
    report(st == 403 and b"private" not in body,
           "the translator refuses a local file nobody sent to the client (%d)" % st, body[:200])
    st, h, body = hreq("GET", urllib.parse.urlparse(trans).path + "?"
                       + urllib.parse.quote("http://example.org/other.vot", safe=""))
    report(st == 307 and h.get("location") == "http://example.org/other.vot",
           "an http URL of another host nobody sent is redirected, not fetched by the hub (%d)" % st, h)
    st, h, body = hreq("GET", "/translator/nosuchtoken?" + urllib.parse.quote(file_url, safe=""))
    report(st == 403, "the translator refuses an unknown client (%d)" % st, body[:200])
    st, h, body = hreq("GET", urllib.parse.urlparse(trans).path + "?" + urllib.parse.quote(file_url, safe=""),
                       headers={"Origin": "http://other.example"})
    report(st == 403 and "access-control-allow-origin" not in h and b"VOTABLE" not in body,
           "the translator refuses a page of another origin than its client's (%d)" % st, h)

    # restricted MTypes: sending one outside the safe list is refused
    res, fault, _ = webcall(origin, "notify", key, std.id,
                            {"samp.mtype": "x.test.unsafe", "samp.params": {}})
    subs, _, _ = webcall(origin, "getSubscribedClients", key, "x.test.unsafe")
    report(fault is not None and not subs,
           "a web client may not send x.test.unsafe (fault: %s) nor sees who takes it" % fault, res)
    n = len(std.got)
    res, fault, _ = webcall(origin, "notify", key, std.id,
                            {"samp.mtype": "table.load.votable",
                             "samp.params": {"url": "http://example.org/t.vot"}})
    deadline = time.time() + 10
    while len(std.got) == n and time.time() < deadline:
        time.sleep(0.1)
    report(fault is None and len(std.got) > n and std.got[-1][0] == wid,
           "a web client sends table.load.votable to the Standard Profile client", fault)

    # bounded queue: a web client that never pulls is dropped, with a log line
    for i in range(4200):
        try:
            std.hub.samp.hub.notify(std.key, wid, {"samp.mtype": "table.load.votable",
                                                   "samp.params": {"url": "http://x/%d" % i}})
        except xmlrpc.client.Fault:
            break
    time.sleep(0.5)
    ids = std.hub.samp.hub.getRegisteredClients(std.key)
    report(wid not in ids, "a web client that does not pull its callbacks (4096 queued) is "
           "unregistered", ids)
    std.close()


def cmd_ask(args):
    """Run the hub under a pty; answer its question y, then n."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(args[0], args)
    buf = bytearray()

    def wait_for(text, secs):
        end = time.time() + secs
        while time.time() < end:
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    buf.extend(os.read(fd, 65536))
                except OSError:
                    return False
            if text.encode() in buf:
                return True
        return False

    try:
        report(wait_for("SAMP Web Profile running", 20), "the hub runs under a terminal",
               buf.decode(errors="replace")[-2000:])
        for answer, expect in (("y", "accepted"), ("n", "refused")):
            out = {}
            name = "asking-" + expect
            th = threading.Thread(target=lambda: out.update(zip(
                ("res", "fault", "h"), webcall("http://localhost:8123", "register",
                                              {"samp.name": name}, timeout=60))))
            del buf[:]
            th.start()
            asked = wait_for("Allow it? [y/N]", 20)
            text = buf.decode(errors="replace")
            report(asked and "http://localhost:8123" in text and name in text,
                   "the hub asks on its terminal, naming the origin and the application", text)
            os.write(fd, (answer + "\n").encode())
            th.join(30)
            ok = out.get("fault") is None if expect == "accepted" else \
                out.get("fault") == "registration refused: refused by the user"
            report(ok, "answered %s: the registration is %s" % (answer, expect), out)
            if expect == "accepted" and out.get("res"):
                webcall("http://localhost:8123", "unregister", out["res"]["samp.private-key"])
    finally:
        os.kill(pid, signal.SIGTERM)
        end = time.time() + 10
        while time.time() < end:
            try:
                r, _, _ = select.select([fd], [], [], 0.2)
                if r:
                    os.read(fd, 65536)
            except OSError:
                pass
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                break
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def raw(data, secs=10):
    s = socket.create_connection(WEB, timeout=secs)
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
        return out
    except OSError as e:
        return str(e).encode()
    finally:
        s.close()


def cmd_hostile():
    r = raw(b"POST / HTTP/1.1\r\nContent-Length: 1000000000\r\n\r\n")
    report(r.startswith(b"HTTP/1.1 413"), "a 1 GB body is refused before it is read (413)", r[:200])
    r = raw(b"\x00\x01garbage\r\n\r\n")
    report(r.startswith(b"HTTP/1.1 4"), "garbage gets an HTTP error", r[:200])
    r = raw(b"POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nnot xml!!")
    report(b"faultString" in r, "a body that is not XML-RPC gets a fault", r[:300])
    r = raw(b"DELETE / HTTP/1.1\r\n\r\n")
    report(r.startswith(b"HTTP/1.1 405"), "DELETE gets 405", r[:200])
    res, fault, _ = webcall("http://localhost:8000", "register", "not a map")
    report(fault is not None, "register without an identity map gets a fault", res)
    res, fault, _ = webcall("http://localhost:8000", "pullCallbacks", "nokey", "1")
    report(fault is not None, "pullCallbacks with an unknown key gets a fault", res)
    res, fault, _ = webcall(None, "ping")
    report(fault is None, "the hub still answers afterwards", fault)


def cmd_sees(origin, name):
    reg, fault, _ = webcall(origin, "register", {"samp.name": "looking"})
    if fault:
        report(False, "web client registers", fault)
        return
    key = reg["samp.private-key"]
    names, end = [], time.time() + 30
    while time.time() < end and name not in names:
        ids, _, _ = webcall(origin, "getRegisteredClients", key)
        names = [(webcall(origin, "getMetadata", key, i)[0] or {}).get("samp.name") for i in ids or []]
        time.sleep(0.3)
    report(name in names, "a web client sees %s among the clients %s" % (name, names))
    webcall(origin, "unregister", key)


def cmd_idle(origin, seconds):
    idle = float(seconds)
    keys = {}
    for name in ("silent", "poller", "caller"):
        reg, fault, _ = webcall(origin, "register", {"samp.name": name})
        if fault:
            report(False, "web client %s registers" % name, fault)
            return
        keys[name] = reg["samp.private-key"]
        webcall(origin, "declareMetadata", keys[name], {"samp.name": name})
    for name in ("silent", "poller"):
        webcall(origin, "allowReverseCallbacks", keys[name], "1")
    stop = threading.Event()

    def poll():   # as sampjs: one long poll after another, without a break
        while not stop.is_set():
            webcall(origin, "pullCallbacks", keys["poller"], "1", timeout=30)
    t = threading.Thread(target=poll, daemon=True)
    t.start()
    hub, secret = std_hub()
    me = hub.samp.hub.register(secret)
    names = lambda: [hub.samp.hub.getMetadata(me["samp.private-key"], i).get("samp.name")
                     for i in hub.samp.hub.getRegisteredClients(me["samp.private-key"])]
    before = names()
    report(all(n in before for n in keys), "three web clients registered: %s" % before)
    end = time.time() + idle * 4 + 10
    while time.time() < end and "silent" in names():
        time.sleep(0.2)
    after = names()
    report("silent" not in after,
           "a page that takes callbacks and pulls none is unregistered (clients now: %s)" % after)
    report("poller" in after and "caller" in after,
           "the one that keeps pulling, and the one that takes no callbacks, stay: %s" % after)
    res, fault, _ = webcall(origin, "getRegisteredClients", keys["silent"])
    report(fault is not None and "key" in fault.lower(),
           "the gone page's key is no longer valid: %s" % fault)
    stop.set()
    t.join(10)
    for name in ("poller", "caller"):
        webcall(origin, "unregister", keys[name])
    hub.samp.hub.unregister(me["samp.private-key"])


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"cors": lambda: cmd_cors(*args),
     "register": lambda: cmd_register(*args),
     "stranger": lambda: cmd_stranger(*args),
     "messaging": lambda: cmd_messaging(*args),
     "ask": lambda: cmd_ask(args),
     "sees": lambda: cmd_sees(*args),
     "idle": lambda: cmd_idle(*args),
     "hostile": cmd_hostile}[cmd]()


if __name__ == "__main__":
    main()

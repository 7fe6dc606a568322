#!/usr/bin/env python3
"""bench-hub-web.py: notifications through a hub's Web Profile, beside the
same through its Standard Profile, with the same Python clients.

  bench-hub-web.py CLIENTS MESSAGES

One Standard Profile sender (xmlrpc.client, kept-alive connection) sends
MESSAGES samp.hub.notify of bench.load to each of CLIENTS receivers,
round-robin, counted at arrival; first to Standard Profile receivers
(SimpleXMLRPCServer callback servers), then to Web Profile receivers
(samp.webhub.register with an Origin header, allowReverseCallbacks, one
thread each long-polling pullCallbacks).  Prints "std msg/s N lost L" and
"web msg/s N lost L".  The hub is the one SAMP_HUB=std-lockurl:file://...
names; its Web Profile on 127.0.0.1:21012 must accept the origin and
bench.load (cadc-samp hub --web-profile --web-auth=accept
--no-web-restrict-mtypes).  Python is the limit of both numbers; their
ratio is the Web Profile's cost.
"""
import http.client, os, socket, sys, threading, time, xmlrpc.client
from xmlrpc.server import SimpleXMLRPCServer

WEB = ("127.0.0.1", 21012)
ORIGIN = "http://bench.localhost"
MTYPE = "bench.load"


def lockfile():
    path = os.environ["SAMP_HUB"].split("file://", 1)[1]
    kv = {}
    for line in open(path):
        if "=" in line and not line.startswith("#"):
            k, v = line.strip().split("=", 1)
            kv[k] = v
    return kv["samp.hub.xmlrpc.url"], kv["samp.secret"]


def webcall(method, *params, timeout=30):
    c = http.client.HTTPConnection(*WEB, timeout=timeout)
    body = xmlrpc.client.dumps(tuple(params), "samp.webhub." + method).encode()
    c.request("POST", "/", body=body, headers={"Content-Type": "text/xml", "Origin": ORIGIN})
    r = c.getresponse()
    data = r.read()
    c.close()
    if r.status != 200:
        raise RuntimeError("HTTP %d from samp.webhub.%s" % (r.status, method))
    return xmlrpc.client.loads(data)[0][0]


class Counter:
    def __init__(self):
        self.n = 0
        self.last = 0.0
        self.lock = threading.Lock()

    def add(self, k=1):
        with self.lock:
            self.n += k
            self.last = time.time()


def std_receivers(url, secret, nclients, counter):
    out = []
    for i in range(nclients):
        hub = xmlrpc.client.ServerProxy(url)
        reg = hub.samp.hub.register(secret)
        key = reg["samp.private-key"]
        srv = SimpleXMLRPCServer(("127.0.0.1", 0), logRequests=False, allow_none=True)
        srv.register_function(lambda k, s, m: counter.add() or "", "samp.client.receiveNotification")
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        hub.samp.hub.setXmlrpcCallback(key, "http://127.0.0.1:%d/" % srv.server_address[1])
        hub.samp.hub.declareSubscriptions(key, {MTYPE: {}})
        out.append((reg["samp.self-id"], lambda hub=hub, key=key, srv=srv: (
            hub.samp.hub.unregister(key), srv.shutdown())))
    return out


def wait_for_web_port(secs=30):
    deadline = time.time() + secs
    while True:
        try:
            socket.create_connection(WEB, timeout=1).close()
            return
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)


def web_receivers(nclients, counter, stop):
    wait_for_web_port()
    out = []
    for i in range(nclients):
        reg = webcall("register", {"samp.name": "bench%d" % i})
        key = reg["samp.private-key"]
        webcall("declareSubscriptions", key, {MTYPE: {}})
        webcall("allowReverseCallbacks", key, "1")

        def pull(key=key):
            while not stop.is_set():
                try:
                    cbs = webcall("pullCallbacks", key, "2", timeout=10)
                except Exception as e:          # the run says what it lost
                    print("# pull: %s" % e, file=sys.stderr)
                    return
                n = sum(1 for c in cbs if c.get("samp.methodName") == "receiveNotification")
                if n:
                    counter.add(n)
        threading.Thread(target=pull, daemon=True).start()
        out.append((reg["samp.self-id"], lambda key=key: webcall("unregister", key)))
    return out


def run(kind, nclients, nmsg):
    url, secret = lockfile()
    sender = xmlrpc.client.ServerProxy(url)
    skey = sender.samp.hub.register(secret)["samp.private-key"]
    counter, stop = Counter(), threading.Event()
    recv = (std_receivers(url, secret, nclients, counter) if kind == "std"
            else web_receivers(nclients, counter, stop))
    time.sleep(0.5)
    total = nclients * nmsg
    t0 = time.time()
    for m in range(nmsg):
        for rid, _ in recv:
            msg = {"samp.mtype": MTYPE, "samp.params": {"n": str(m)}}
            for attempt in range(200):
                try:
                    sender.samp.hub.notify(skey, rid, msg)
                    break
                except xmlrpc.client.Fault as f:
                    # JSAMP's hub: a web client is callable once its first poll is in
                    if "callable" not in f.faultString or attempt == 199:
                        raise
                    time.sleep(0.05)
    deadline = time.time() + 60
    while counter.n < total and time.time() < deadline:
        time.sleep(0.01)
    secs = max(counter.last - t0, 1e-6)
    stop.set()
    for _, bye in recv:
        try:
            bye()
        except Exception:
            pass
    sender.samp.hub.unregister(skey)
    print("%s msg/s %.0f lost %d" % (kind, counter.n / secs, total - counter.n), flush=True)


def main():
    nclients, nmsg = int(sys.argv[1]), int(sys.argv[2])
    run("std", nclients, nmsg)
    run("web", nclients, nmsg)


if __name__ == "__main__":
    main()

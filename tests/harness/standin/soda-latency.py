#!/usr/bin/env python3
"""soda-latency.py UPSTREAM [DELAY_MS]: DaCHS (UPSTREAM, e.g.
http://127.0.0.1:18080) as an archive whose SODA service answers every
cutout DELAY_MS (default 100) late, as a remote archive does; for
bench/bench-cutouts.sh.

Every request is forwarded to UPSTREAM (tap_proxy.Proxy); in the answers
(registry, capabilities, DataLink documents) UPSTREAM's address is
replaced by ours, so a client that starts at our registry
(/static/reg/resource-caps) makes every request here.  A SODA cutout
(a path with /dlget) is fetched from DaCHS once and then served from
memory: DaCHS makes cutouts one at a time (tens of ms each), which would
measure DaCHS, not the client; here each costs exactly the delay, in
parallel for parallel requests (a listen backlog of 256: a burst of
connections is accepted at once).  HTTP/1.1 with keep-alive, so clients
may reuse connections.  Prints its port, serves until stdin closes
(lib.sh's `serve`).  GET /standin/inflight answers "max N": the most
cutouts that were being served at once since the last such request
(which resets it), for test-cli-cutouts-parallel.sh.
"""
import http.server
import sys
import threading
import time
import urllib.error
import urllib.request

import tap_proxy

UPSTREAM = sys.argv[1].rstrip("/")
DELAY = (int(sys.argv[2]) if len(sys.argv) > 2 else 100) / 1000.0
cache = {}
lock = threading.Lock()
inflight = {"now": 0, "max": 0}


class SodaLatency(tap_proxy.Proxy):
    protocol_version = "HTTP/1.1"
    UPSTREAM = UPSTREAM
    NAME = "soda-latency"

    def own_base(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def fetch(self, body=None):
        req = urllib.request.Request(UPSTREAM + self.path, data=body, method=self.command)
        for h in ("Content-Type", "Accept"):
            if self.headers.get(h):
                req.add_header(h, self.headers[h])
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return r.status, r.headers.get("Content-Type"), r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type"), e.read()

    def handle_any(self, body=None):
        if self.path == "/standin/inflight" and self.command == "GET":
            with lock:
                most, inflight["max"] = inflight["max"], inflight["now"]
            self.answer(200, "text/plain", b"max %d\n" % most)
            return
        if "/dlget" in self.path and self.command == "GET":
            with lock:
                hit = cache.get(self.path)
                inflight["now"] += 1
                inflight["max"] = max(inflight["max"], inflight["now"])
            try:
                if hit is None:
                    hit = self.fetch()
                    with lock:
                        cache[self.path] = hit
                time.sleep(DELAY)
            finally:
                with lock:
                    inflight["now"] -= 1
            status, ctype, data = hit
        else:
            status, ctype, data = self.fetch(body)
            if ctype and ("xml" in ctype or ctype.startswith("text/")):
                data = data.replace(UPSTREAM.encode(), self.own_base().encode())
        self.answer(status, ctype, data)

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.handle_any(self.rfile.read(n))

    def log_message(self, fmt, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256    # 5 by default: a burst of connections waits for SYN retries


if __name__ == "__main__":
    srv = Server(("127.0.0.1", 0), SodaLatency)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    print(srv.server_address[1], flush=True)
    sys.stdin.read()
    srv.shutdown()

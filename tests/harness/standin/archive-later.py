#!/usr/bin/env python3
"""archive-later.py PORT UPSTREAM: the archive coming back.

A reverse proxy on 127.0.0.1:PORT to UPSTREAM (e.g. the local DaCHS,
http://127.0.0.1:18080), for a test that starts a client while PORT is
still closed (the archive unreachable: connection refused) and starts this
later (the archive back).  Every request (GET or POST, any path) is
forwarded with its body and content type; the answer comes back with its
status, content type and body.  Prints PORT on its first line once it
listens (lib.sh's `serve`), and serves until its stdin closes.
"""
import http.server
import sys
import threading
import urllib.error
import urllib.request

PORT = int(sys.argv[1])
UPSTREAM = sys.argv[2].rstrip("/")


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def forward(self, body=None):
        req = urllib.request.Request(UPSTREAM + self.path, data=body, method=self.command)
        for h in ("Content-Type", "Accept"):
            if self.headers.get(h):
                req.add_header(h, self.headers[h])
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                status, ctype, data = r.status, r.headers.get("Content-Type"), r.read()
        except urllib.error.HTTPError as e:
            status, ctype, data = e.code, e.headers.get("Content-Type"), e.read()
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.forward()

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.forward(self.rfile.read(n))

    def log_message(self, fmt, *args):
        sys.stderr.write("archive-later: " + (fmt % args) + "\n")


srv = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Proxy)
srv.daemon_threads = True
threading.Thread(target=srv.serve_forever, daemon=True).start()
print(PORT, flush=True)
sys.stdin.read()
srv.shutdown()

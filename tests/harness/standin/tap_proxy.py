"""tap_proxy.py: the reverse proxy the stand-ins share (not run by itself).

Proxy forwards every request (GET or POST, any path) to the class's
UPSTREAM with its body and content type, and sends the answer back with its
status, content type and body; a subclass answers some paths itself
through answer().  run(handler, port) serves on 127.0.0.1:PORT (0: a free
port), prints the port on its first line once it listens (lib.sh's
`serve`), and serves until stdin closes.
"""
import http.server
import sys
import threading
import urllib.error
import urllib.request


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    UPSTREAM = ""
    NAME = "proxy"

    def answer(self, status, ctype, data):
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def forward(self, body=None):
        req = urllib.request.Request(self.UPSTREAM + self.path, data=body, method=self.command)
        for h in ("Content-Type", "Accept"):
            if self.headers.get(h):
                req.add_header(h, self.headers[h])
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                self.answer(r.status, r.headers.get("Content-Type"), r.read())
        except urllib.error.HTTPError as e:
            self.answer(e.code, e.headers.get("Content-Type"), e.read())

    def do_GET(self):
        self.forward()

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.forward(self.rfile.read(n))

    def log_message(self, fmt, *args):
        sys.stderr.write(self.NAME + ": " + (fmt % args) + "\n")


def run(handler, port):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    print(srv.server_address[1], flush=True)
    sys.stdin.read()
    srv.shutdown()

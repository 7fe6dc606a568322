#!/usr/bin/env python3
"""The web server of the browser test (tests/test-web-browser.sh): a
static loopback server for a SAMP Web Profile page.

  GET /<file>            a file of this directory (the test pages)
  GET /sampjs/samp.js    sampjs, as npm installed it (install-deps.sh test:
                         $CS_SAMPJS_DIR, default
                         /usr/local/lib/cadc-samp-test/node_modules/sampjs);
                         never a copy in the repository

Only files directly in those two directories are served (no "..", no
subdirectories).  Listens on 127.0.0.1 port 0, prints the port on stdout,
then serves until stdin closes (tests/lib.sh's `serve`), so it never
outlives its test.  Each request is logged on stderr.
"""
import http.server
import os
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPJS = os.environ.get("CS_SAMPJS_DIR",
                        "/usr/local/lib/cadc-samp-test/node_modules/sampjs")
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8"}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/":
            path = "/index.html"
        base, name = (SAMPJS, path[len("/sampjs/"):]) if path.startswith("/sampjs/") \
            else (HERE, path[1:])
        ext = os.path.splitext(name)[1]
        if "/" in name or name.startswith(".") or ext not in TYPES:
            return self.send_error(404)
        try:
            with open(os.path.join(base, name), "rb") as f:
                body = f.read()
        except OSError:
            return self.send_error(404)
        self.send_response(200)
        self.send_header("Content-Type", TYPES[ext])
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        sys.stderr.write("%s\n" % (fmt % args))
        sys.stderr.flush()


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()          # until the test closes our stdin
    server.shutdown()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A tiny HTTP server for test-http: canned answers for vo-http's behaviours.

Listens on 127.0.0.1 port 0, prints the port on stdout, then serves until
stdin closes (the test's pipe), so it never outlives the test.
"""
import base64
import http.server
import sys
import threading
import time
import urllib.parse

COUNTS = {}
LOCK = threading.Lock()

ERROR_VOTABLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<VOTABLE xmlns="http://www.ivoa.net/xml/VOTable/v1.3" version="1.4">
<RESOURCE type="results">
<INFO name="QUERY_STATUS" value="ERROR">IllegalArgumentException: bad &lt;query&gt; at line 1</INFO>
</RESOURCE>
</VOTABLE>
"""


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", ctype="text/plain", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def route(self):
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        data = self.body()
        p = u.path
        if p == "/ok":
            return self.reply(200, b"hello")
        if p == "/echo":
            txt = "%s %s ua=%s body=%s" % (self.command, u.query, self.headers.get("User-Agent"),
                                           data.decode("latin-1"))
            return self.reply(200, txt.encode())
        if p == "/see-other":
            return self.reply(303, b"", headers=[("Location", "/echo?from=303")])
        if p == "/job":
            if self.command == "DELETE":
                return self.reply(303, b"", headers=[("Location", "/joblist")])
            return self.reply(200, b"job")
        if p == "/joblist":
            return self.reply(403, b"anonymous job listing not permitted")
        if p == "/flaky":
            key = q.get("key", ["x"])[0]
            with LOCK:
                COUNTS[key] = COUNTS.get(key, 0) + 1
                n = COUNTS[key]
            if n < 3:
                return self.reply(503, b"busy", headers=[("Retry-After", "1")])
            return self.reply(200, ("recovered after %d" % (n - 1)).encode())
        if p == "/always-429":
            return self.reply(429, b"slow down", headers=[("Retry-After", "0")])
        if p == "/error-votable":
            return self.reply(400, ERROR_VOTABLE, ctype="application/x-votable+xml")
        if p == "/notfound":
            return self.reply(404, b"no such thing\nsecond line")
        if p == "/headers":
            txt = "cookie=%s auth=%s" % (self.headers.get("Cookie"), self.headers.get("Authorization"))
            return self.reply(200, txt.encode())
        if p == "/basic":
            want = "Basic " + base64.b64encode(b"cadcauthtest:test-password").decode()
            if self.headers.get("Authorization") == want:
                return self.reply(200, b"secret data")
            return self.reply(401, b"auth please", headers=[("WWW-Authenticate", 'Basic realm="x"')])
        if p == "/big":
            n = int(q.get("n", ["1000000"])[0])
            return self.reply(200, b"x" * n, ctype="application/octet-stream")
        if p == "/upload":
            txt = "ctype=%s len=%d has_name=%s" % (self.headers.get("Content-Type"), len(data),
                                                   b'filename="tab.xml"' in data)
            return self.reply(200, txt.encode())
        if p == "/headers-peer":
            txt = "cookie=%s auth=%s peer=%d" % (self.headers.get("Cookie"),
                                                 self.headers.get("Authorization"),
                                                 self.client_address[1])
            return self.reply(200, txt.encode())
        if p == "/registry":
            base = "http://%s" % self.headers.get("Host")
            return self.reply(200, ("# test registry\nivo://cadc.nrc.ca/argus = %s/caps-tap\n"
                                    % base).encode())
        if p == "/status500":
            return self.reply(500, b"registry down")
        if p == "/caps-tap":
            base = "http://%s" % self.headers.get("Host")
            caps = ('<?xml version="1.0"?><capabilities><capability standardID="ivo://ivoa.net/std/TAP">'
                    '<interface><accessURL use="base">%s/tapx</accessURL>'
                    '<securityMethod standardID="ivo://ivoa.net/sso#cookie"/></interface></capability>'
                    '</capabilities>' % base)
            return self.reply(200, caps.encode(), ctype="text/xml")
        if p == "/peer":
            # the client's port: the same on a reused connection
            return self.reply(200, str(self.client_address[1]).encode())
        if p == "/slow":
            time.sleep(5)
            return self.reply(200, b"late")
        return self.reply(404, b"unknown path")

    do_GET = route
    do_POST = route
    do_DELETE = route


def main():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.handle_error = lambda *a: None   # client resets (cancel test) are expected
    print(srv.server_address[1], flush=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    sys.stdin.read()   # until the test closes the pipe (or dies)


if __name__ == "__main__":
    main()

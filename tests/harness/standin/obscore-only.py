#!/usr/bin/env python3
"""obscore-only.py UPSTREAM: an ObsCore-only TAP service in front of DaCHS.

A reverse proxy on 127.0.0.1 (a free port) to UPSTREAM (the local DaCHS,
http://127.0.0.1:18080) that answers GET /tap/tables itself: a VOSI
tableset with ONE schema, ivoa, holding ivoa.obscore, and no caom2 -- what
a non-CADC archive (ESO, MAST, GAVO ...) shows.  Its s_region column is
listed as plain char with no xtype (no ADQL geometry), as some services
publish it, so a client must match positions on s_ra/s_dec.  Everything
else (sync queries, DataLink, files) is forwarded with its method, body
and content type; the answer comes back with its status, content type and
body.  Prints the port on its first line once it listens (lib.sh's
`serve`), and serves until its stdin closes.
"""
import http.server
import sys
import threading
import urllib.error
import urllib.request

UPSTREAM = sys.argv[1].rstrip("/")

COLUMNS = [
    ("obs_collection", "char", ""), ("obs_id", "char", ""), ("obs_publisher_did", "char", ""),
    ("target_name", "char", ""), ("dataproduct_type", "char", ""), ("calib_level", "short", ""),
    ("s_ra", "double", "deg"), ("s_dec", "double", "deg"), ("s_fov", "double", "deg"),
    ("s_region", "char", ""), ("access_url", "char", ""), ("access_format", "char", ""),
]

TABLES = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<vtm:tableset xmlns:vtm="http://www.ivoa.net/xml/VOSITables/v1.0" '
    'xmlns:vs="http://www.ivoa.net/xml/VODataService/v1.1" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    '<schema><name>ivoa</name><table type="view"><name>ivoa.obscore</name>'
    '<description>ObsCore 1.1 (stand-in)</description>'
    + "".join('<column><name>%s</name>%s<dataType xsi:type="vs:VOTableType"%s>%s</dataType>'
              '</column>' % (n, "<unit>%s</unit>" % u if u else "",
                             ' arraysize="*"' if t == "char" else "", t)
              for n, t, u in COLUMNS)
    + '</table></schema></vtm:tableset>\n').encode()


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def answer(self, status, ctype, data):
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def forward(self, body=None):
        req = urllib.request.Request(UPSTREAM + self.path, data=body, method=self.command)
        for h in ("Content-Type", "Accept"):
            if self.headers.get(h):
                req.add_header(h, self.headers[h])
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                self.answer(r.status, r.headers.get("Content-Type"), r.read())
        except urllib.error.HTTPError as e:
            self.answer(e.code, e.headers.get("Content-Type"), e.read())

    def do_GET(self):
        if self.path.split("?")[0] == "/tap/tables":
            self.answer(200, "text/xml", TABLES)
        else:
            self.forward()

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.forward(self.rfile.read(n))

    def log_message(self, fmt, *args):
        sys.stderr.write("obscore-only: " + (fmt % args) + "\n")


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
srv.daemon_threads = True
threading.Thread(target=srv.serve_forever, daemon=True).start()
print(srv.server_address[1], flush=True)
sys.stdin.read()
srv.shutdown()

#!/usr/bin/env python3
"""A tiny HTTP server for test-http: canned answers for vo-http's behaviours.

Listens on 127.0.0.1 port 0, prints the port on stdout, then serves until
stdin closes (the test's pipe), so it never outlives the test.

It is also the hostile archive of the shell tests (tests/lib.sh's
start_http_server: test-cli-terminal.sh, test-cli-output.sh,
test-cli-exitcodes.sh) and of test-http-limits (test-util.h):
/hostile/... is a TAP service whose every text holds terminal control
sequences, /huge... sends documents bigger than
cadc-samp's caps (counting what it could send), /trickle sends a result
slowly so a download can be interrupted.

test-cadc-async: /registry-dl lists a TAP (/tapx) and a DataLink service
(/dl) with their capabilities (/registry-dl?hold=K answers only after a
request to /release?key=K); /hits?path=P says how many requests P got.
An optional argument is the port to listen on (a server that "comes
back" on the port a client was given).
"""
import base64
import http.server
import sys
import threading
import time
import urllib.parse

COUNTS = {}
HITS = {}
HOLDS = {}
LOCK = threading.Lock()


def hold(key):
    with LOCK:
        return HOLDS.setdefault(key, threading.Event())

ERROR_VOTABLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<VOTABLE xmlns="http://www.ivoa.net/xml/VOTable/v1.3" version="1.4">
<RESOURCE type="results">
<INFO name="QUERY_STATUS" value="ERROR">IllegalArgumentException: bad &lt;query&gt; at line 1</INFO>
</RESOURCE>
</VOTABLE>
"""


# A terminal attack: retitle the window, clear the screen, colour, move the
# cursor with an 8-bit CSI (U+009B), hide text with a bare CR.
ESC_TEXT = ("\x1b]0;pwned\x07\x1b[2J\x1b[31mbad query\x1b[0m near \u009b1;1H'x'\r"
            "FAKE OK\x7f\n second line").encode()
# XML 1.0 cannot carry ESC, but C1 controls, DEL and bidi overrides are legal.
C1 = "\u009b2J\u009d0;pwned\u009c\x7f\u202e"


def hostile_votable(status_error):
    if status_error:
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<VOTABLE version="1.4" '
                'xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE type="results">'
                '<INFO name="QUERY_STATUS" value="ERROR">bad %s query</INFO></RESOURCE></VOTABLE>\n'
                % C1).encode()
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<VOTABLE version="1.4" '
            'xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE type="results">'
            '<INFO name="QUERY_STATUS" value="OK"/><TABLE>'
            '<FIELD name="col%s" datatype="char" arraysize="*"/>'
            '<DATA><TABLEDATA><TR><TD>val%s</TD></TR></TABLEDATA></DATA></TABLE>'
            '</RESOURCE></VOTABLE>\n' % (C1, C1)).encode()


def hostile_job(job_id, extra=""):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<uws:job xmlns:uws="http://www.ivoa.net/xml/UWS/v1.0" version="1.1">'
            '<uws:jobId>%s</uws:jobId><uws:ownerId>own%s</uws:ownerId>'
            '<uws:phase>ERROR</uws:phase><uws:parameters>'
            '<uws:parameter id="QUERY">select%s %s</uws:parameter></uws:parameters>'
            '<uws:results/><uws:errorSummary type="fatal"><uws:message>failed%s</uws:message>'
            '</uws:errorSummary></uws:job>\n' % (job_id, C1, C1, extra, C1)).encode()


HOSTILE_TABLESET = ('<?xml version="1.0" encoding="UTF-8"?>\n<vosi:tableset '
                    'xmlns:vosi="http://www.ivoa.net/xml/VOSITables/v1.0"><schema><name>s</name>'
                    '<table><name>s.t%s</name><description>desc%s</description></table>'
                    '</schema></vosi:tableset>\n' % (C1, C1)).encode()
HOSTILE_TABLE = ('<?xml version="1.0" encoding="UTF-8"?>\n<vosi:table '
                 'xmlns:vosi="http://www.ivoa.net/xml/VOSITables/v1.0"><name>s.t</name>'
                 '<column><name>c%s</name><description>d%s</description><unit>u%s</unit>'
                 '<dataType>char</dataType></column></vosi:table>\n' % (C1, C1, C1)).encode()
HOSTILE_JOBS = ('<?xml version="1.0" encoding="UTF-8"?>\n<uws:jobs '
                'xmlns:uws="http://www.ivoa.net/xml/UWS/v1.0" version="1.1">'
                '<uws:jobref id="j%s1"><uws:phase>ERROR</uws:phase>'
                '<uws:creationTime>2030%s</uws:creationTime></uws:jobref></uws:jobs>\n'
                % (C1, C1)).encode()


SLOWCUT_RESULT = b"""<?xml version="1.0"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE type="results">
<INFO name="QUERY_STATUS" value="OK"/><TABLE>
<FIELD name="publisherID" datatype="char" arraysize="*"/>
<DATA><TABLEDATA><TR><TD>ivo://cadc.nrc.ca/TEST?1/1p</TD></TR></TABLEDATA></DATA></TABLE>
</RESOURCE></VOTABLE>
"""
SLOWCUT_LINKS = """<?xml version="1.0"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE type="results">
<INFO name="QUERY_STATUS" value="OK"/><TABLE>
<FIELD name="ID" datatype="char" arraysize="*"/><FIELD name="access_url" datatype="char" arraysize="*"/>
<FIELD name="service_def" datatype="char" arraysize="*"/><FIELD name="error_message" datatype="char" arraysize="*"/>
<FIELD name="semantics" datatype="char" arraysize="*"/>
<DATA><TABLEDATA><TR><TD>ivo://cadc.nrc.ca/TEST?1/1p</TD><TD/><TD>soda</TD><TD/><TD>#cutout</TD></TR>
</TABLEDATA></DATA></TABLE></RESOURCE>
<RESOURCE ID="soda" type="meta" utype="adhoc:service">
<PARAM name="standardID" datatype="char" arraysize="*" value="ivo://ivoa.net/std/SODA#sync-1.0"/>
<PARAM name="accessURL" datatype="char" arraysize="*" value="%s/trickle"/>
<GROUP name="inputParams"><PARAM name="ID" datatype="char" arraysize="*" value="ad:TEST/1p.fits"/>
<PARAM name="CIRCLE" datatype="double" arraysize="3" xtype="circle" unit="deg" value=""/></GROUP>
</RESOURCE></VOTABLE>
"""


TAPX_RESULT = b"""<?xml version="1.0"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE type="results">
<INFO name="QUERY_STATUS" value="OK"/><TABLE>
<FIELD name="publisherID" datatype="char" arraysize="*"/>
<DATA><TABLEDATA><TR><TD>ivo://cadc.nrc.ca/TEST?1/1p</TD></TR>
<TR><TD>ivo://cadc.nrc.ca/TEST?2/2p</TD></TR></TABLEDATA></DATA></TABLE>
</RESOURCE></VOTABLE>
"""
DL_LINKS = """<?xml version="1.0"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE type="results">
<INFO name="QUERY_STATUS" value="OK"/><TABLE>
<FIELD name="ID" datatype="char" arraysize="*"/><FIELD name="access_url" datatype="char" arraysize="*"/>
<FIELD name="service_def" datatype="char" arraysize="*"/><FIELD name="error_message" datatype="char" arraysize="*"/>
<FIELD name="semantics" datatype="char" arraysize="*"/>
<DATA><TABLEDATA>%s
</TABLEDATA></DATA></TABLE></RESOURCE>%s</VOTABLE>
"""
DL_SODA = """<RESOURCE ID="soda-%s" type="meta" utype="adhoc:service">
<PARAM name="standardID" datatype="char" arraysize="*" value="ivo://ivoa.net/std/SODA#sync-1.0"/>
<PARAM name="accessURL" datatype="char" arraysize="*" value="%s/soda/sync"/>
<GROUP name="inputParams"><PARAM name="ID" datatype="char" arraysize="*" value="%s"/>
<PARAM name="CIRCLE" datatype="double" arraysize="3" xtype="circle" unit="deg" value=""/></GROUP>
</RESOURCE>
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
        with LOCK:
            HITS[p] = HITS.get(p, 0) + 1
        if p == "/hits":
            with LOCK:
                return self.reply(200, str(HITS.get(q.get("path", [""])[0], 0)).encode())
        if p == "/release":
            hold(q.get("key", [""])[0]).set()
            return self.reply(200, b"released")
        if p == "/registry-dl" or p.startswith("/tapx/") or p.startswith("/dl/"):
            return self.archive(p, q)
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
        if p.startswith("/forbidden/"):
            return self.reply(403, b"permission denied")
        if p.startswith("/unauth/"):
            return self.reply(401, b"login first")
        if p.startswith("/hostile/"):
            return self.hostile(p[len("/hostile"):], data)
        if p.startswith("/huge"):
            return self.huge(p, q)
        if p == "/sent":
            # bytes /huge could send under KEY before the client hung up
            key = q.get("key", ["huge"])[0]
            for _ in range(100):
                with LOCK:
                    if key in COUNTS:
                        return self.reply(200, str(COUNTS[key]).encode())
                time.sleep(0.1)
            return self.reply(404, b"no such transfer")
        if p == "/trickle" or p.endswith("/trickle/sync"):
            return self.trickle()
        if p.startswith("/trickle-job/async/"):
            # a COMPLETED job whose result trickles
            base = "http://%s" % self.headers.get("Host")
            job = ('<?xml version="1.0"?><uws:job xmlns:uws="http://www.ivoa.net/xml/UWS/v1.0" '
                   'xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1">'
                   '<uws:jobId>j1</uws:jobId><uws:phase>COMPLETED</uws:phase><uws:results>'
                   '<uws:result id="result" xlink:href="%s/trickle"/></uws:results></uws:job>'
                   % base)
            return self.reply(200, job.encode(), ctype="text/xml")
        if p == "/slowcut/sync":
            # one image plane, whose SODA cutout trickles (cutouts command)
            return self.reply(200, SLOWCUT_RESULT, ctype="application/x-votable+xml")
        if p == "/slowcut/links":
            base = "http://%s" % self.headers.get("Host")
            return self.reply(200, (SLOWCUT_LINKS % base).encode(),
                              ctype="application/x-votable+xml")
        if p == "/slow":
            time.sleep(5)
            return self.reply(200, b"late")
        return self.reply(404, b"unknown path")

    def archive(self, p, q):
        """A small archive found through a registry: TAP /tapx (every query
        answers two publisherIDs) and DataLink /dl (per ID a #this file and
        a SODA #cutout; an ID containing "missing" gets an error row)."""
        base = "http://%s" % self.headers.get("Host")
        if p == "/registry-dl":
            if "hold" in q:
                hold(q["hold"][0]).wait(60)
            return self.reply(200, ("# test registry\n"
                                    "ivo://cadc.nrc.ca/argus = %s/tapx/capabilities\n"
                                    "ivo://cadc.nrc.ca/caom2ops = %s/dl/capabilities\n"
                                    % (base, base)).encode())
        if p in ("/tapx/capabilities", "/dl/capabilities"):
            std, url = (("ivo://ivoa.net/std/TAP", base + "/tapx") if p.startswith("/tapx")
                        else ("ivo://ivoa.net/std/DataLink#links-1.1", base + "/dl/links"))
            use = "base" if p.startswith("/tapx") else "full"
            caps = ('<?xml version="1.0"?><capabilities><capability standardID="%s">'
                    '<interface><accessURL use="%s">%s</accessURL></interface></capability>'
                    '</capabilities>' % (std, use, url))
            return self.reply(200, caps.encode(), ctype="text/xml")
        if p == "/tapx/sync":
            return self.reply(200, TAPX_RESULT, ctype="application/x-votable+xml")
        if p == "/dl/links":
            rows = []
            for i in q.get("ID", []):
                tail = i.rsplit("?", 1)[-1].replace("/", "-")
                if "missing" in i:
                    rows.append("<TR><TD>%s</TD><TD/><TD/><TD>NotFoundFault: %s</TD>"
                                "<TD>#this</TD></TR>" % (i, i))
                    continue
                rows.append("<TR><TD>%s</TD><TD>%s/files/%s.fits</TD><TD/><TD/><TD>#this</TD></TR>"
                            % (i, base, tail))
                rows.append("<TR><TD>%s</TD><TD>%s/files/%s-preview.png</TD><TD/><TD/>"
                            "<TD>#preview</TD></TR>" % (i, base, tail))
                rows.append("<TR><TD>%s</TD><TD/><TD>soda-%s</TD><TD/><TD>#cutout</TD></TR>"
                            % (i, tail))
            soda = "".join(DL_SODA % (tail, base, i) for i in q.get("ID", [])
                           if "missing" not in i
                           for tail in [i.rsplit("?", 1)[-1].replace("/", "-")])
            return self.reply(200, (DL_LINKS % ("\n".join(rows), soda)).encode(),
                              ctype="application/x-votable+xml")
        return self.reply(404, b"unknown path")

    def hostile(self, p, data):
        form = urllib.parse.parse_qs(data.decode("utf-8", "replace"))
        query = form.get("QUERY", [""])[0]
        if p == "/sync" and "status" in query:
            return self.reply(200, hostile_votable(True), ctype="application/x-votable+xml")
        if p == "/sync" and "table" in query:
            return self.reply(200, hostile_votable(False), ctype="application/x-votable+xml")
        if p == "/sync":
            return self.reply(400, ESC_TEXT)
        if p == "/tables":
            return self.reply(200, HOSTILE_TABLESET, ctype="text/xml")
        if p.startswith("/tables/"):
            return self.reply(200, HOSTILE_TABLE, ctype="text/xml")
        if p == "/async":
            return self.reply(200, HOSTILE_JOBS, ctype="text/xml")
        if p.startswith("/async/"):
            return self.reply(200, hostile_job("j1"), ctype="text/xml")
        return self.reply(404, ESC_TEXT)

    def huge(self, p, q):
        """/huge?n=BYTES[&status=S][&key=K]: BYTES of XML-ish filler;
        /huge/async/JOB: a UWS job document of 64 MiB; /huge/tables: a
        64 MiB tableset.  What could be sent is recorded under K."""
        n = int(q.get("n", [str(64 << 20)])[0])
        status = int(q.get("status", ["200"])[0])
        key = q.get("key", [p])[0]
        if p.startswith("/huge/async/"):
            head, filler, tail = hostile_job("big").split(b"select", 1)[0] + b"select ", b"x", \
                b"</uws:parameter></uws:parameters><uws:results/></uws:job>\n"
        elif p == "/huge/tables":
            head, filler, tail = (b'<?xml version="1.0"?><vosi:tableset xmlns:vosi='
                                  b'"http://www.ivoa.net/xml/VOSITables/v1.0"><schema><name>s</name>',
                                  b"<table><name>s.t</name></table>", b"</schema></vosi:tableset>")
        else:
            head, filler, tail = b"", b"x", b""
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(n))
        self.end_headers()
        sent = 0
        chunk = (filler * (65536 // len(filler) + 1))[:65536]
        try:
            self.wfile.write(head)
            sent = len(head)
            while sent < n - len(tail):
                k = min(len(chunk), n - len(tail) - sent)
                self.wfile.write(chunk[:k])
                sent += k
            self.wfile.write(tail)
            sent += len(tail)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True
        with LOCK:
            COUNTS[key] = sent

    def trickle(self):
        """A VOTable result that never ends: a row every 0.2 s."""
        self.send_response(200)
        self.send_header("Content-Type", "application/x-votable+xml")
        self.send_header("Content-Length", str(1 << 30))
        self.end_headers()
        try:
            self.wfile.write(b'<?xml version="1.0"?>\n<VOTABLE version="1.4" '
                             b'xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE type="results">'
                             b'<TABLE><FIELD name="a" datatype="int"/><DATA><TABLEDATA>\n')
            for i in range(3000):
                self.wfile.write(b"<TR><TD>%d</TD></TR>\n" % i)
                self.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    do_GET = route
    do_POST = route
    do_DELETE = route


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    srv.daemon_threads = True
    srv.handle_error = lambda *a: None   # client resets (cancel test) are expected
    print(srv.server_address[1], flush=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    sys.stdin.read()   # until the test closes the pipe (or dies)


if __name__ == "__main__":
    main()

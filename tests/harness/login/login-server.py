#!/usr/bin/env python3
"""A stand-in for CADC's login service and a protected TAP-like service.

What CADC's ac/login does (reference/cadc-protocol.md §6.1), nothing more:
  GET  /ac/capabilities     UMS#login-0.1, anonymous interface /ac/login
  POST /ac/login            form username=&password= -> 200 text/plain token,
                            401 on a bad password
and a service that needs the token:
  GET  /reg/resource-caps   registry (gms, argus, tapb); /reg500 answers 500
  GET  /tap/capabilities    TAP at /tap (use=base): cookie or token only;
                            VOSI tables at /tap/tables: anonymous only
  POST /tap/sync            a VOTable naming the user, only with
                            Cookie: CADC_SSO="<token>" or Authorization:
                            Bearer <token>; else 401
  GET  /tap/tables          a tiny tableset (anonymous)
  /tapb/...                 the same TAP, but its capabilities allow only
                            ivo://ivoa.net/sso#token (bearer)
  /tapc/...                 with --tls: capabilities allow only
                            ivo://ivoa.net/sso#tls-with-certificate; sync
                            answers only when a client certificate signed
                            by --client-ca was presented (user = its CN)
  GET  /basic/reg/resource-caps   the registry, behind HTTP Basic (401 with
                            WWW-Authenticate until alice's password comes)
  DataLink (caom2ops): /reg, /regc and /regk name /dl, /dlc and /dlk, whose
                            links-1.1 interface is use="full" and allows
                            anonymous only, the certificate only, or the
                            cookie; GET /dl*/links?ID=... answers a #this
                            link per ID
As a proxy: a request in absolute form ("GET http://host/path", what curl
sends to the proxy named by http_proxy) is served as if this server were
that host, and logged with "proxied": true -- so a test can see what a
client would have sent across the network to any http host.
Every request is appended as one JSON line to the --log file (method,
path with query, Host, Cookie, Authorization, form field names, proxied)
so a test can assert where credentials went (and, with --tls, the CN of
the client certificate presented, if any).  The password itself is never
logged.

Listens on 127.0.0.1 (port 0 unless --port), prints the port on stdout,
then serves until stdin closes, so it never outlives its test.
"""
import argparse
import base64
import http.server
import json
import secrets
import sys
import threading
import urllib.parse

USER = "alice"
PASSWORD = "s3cret pw&=%+x"   # characters that need form encoding
TOKENS = set()
LOCK = threading.Lock()
LOG = None

SEC = {
    "anon": "<securityMethod/>",
    "cookie": '<securityMethod standardID="ivo://ivoa.net/sso#cookie"/>',
    "token": '<securityMethod standardID="ivo://ivoa.net/sso#token"/>',
    "cert": '<securityMethod standardID="ivo://ivoa.net/sso#tls-with-certificate"/>',
}


def caps(*caps_list):
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<vosi:capabilities xmlns:vosi="http://www.ivoa.net/xml/VOSICapabilities/v1.0"'
           ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
           ' xmlns:vs="http://www.ivoa.net/xml/VODataService/v1.1">']
    for std, use, url, methods in caps_list:
        out.append('<capability standardID="%s"><interface xsi:type="vs:ParamHTTP" role="std">'
                   '<accessURL use="%s">%s</accessURL>%s</interface></capability>'
                   % (std, use, url, "".join(SEC[m] for m in methods)))
    out.append("</vosi:capabilities>")
    return "\n".join(out).encode()


def datalink(ids, base):
    rows = "".join("<TR><TD>%s</TD><TD>%s/files/%d.fits</TD><TD/><TD/><TD>#this</TD></TR>"
                   % (i.replace("&", "&amp;").replace("<", "&lt;"), base, n)
                   for n, i in enumerate(ids))
    return ("""<?xml version="1.0" encoding="UTF-8"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
<RESOURCE type="results"><INFO name="QUERY_STATUS" value="OK"/>
<TABLE><FIELD name="ID" datatype="char" arraysize="*"/>
<FIELD name="access_url" datatype="char" arraysize="*"/>
<FIELD name="service_def" datatype="char" arraysize="*"/>
<FIELD name="error_message" datatype="char" arraysize="*"/>
<FIELD name="semantics" datatype="char" arraysize="*"/>
<DATA><TABLEDATA>%s</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>
""" % rows).encode()


def votable(user):
    return ("""<?xml version="1.0" encoding="UTF-8"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
<RESOURCE type="results"><INFO name="QUERY_STATUS" value="OK"/>
<TABLE><FIELD name="owner" datatype="char" arraysize="*"/>
<DATA><TABLEDATA><TR><TD>%s</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>
""" % user).encode()


TABLES = b"""<?xml version="1.0" encoding="UTF-8"?>
<vosi:tableset xmlns:vosi="http://www.ivoa.net/xml/VOSITables/v1.0"
 xmlns:vs="http://www.ivoa.net/xml/VODataService/v1.1">
<schema><name>caom2</name><table><name>caom2.Plane</name>
<column><name>publisherID</name><dataType xsi:type="vs:VOTableType"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" arraysize="*">char</dataType></column>
</table></schema></vosi:tableset>
"""


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60

    def setup(self):
        if hasattr(self.request, "do_handshake"):
            self.request.settimeout(self.timeout)
            self.request.do_handshake()
        super().setup()

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", ctype="text/plain", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def proxied(self):
        return self.path.startswith("http://")

    def base(self):
        if self.proxied():
            return "http://" + urllib.parse.urlsplit(self.path).netloc
        scheme = "https" if self.server.tls else "http"
        return "%s://%s:%d" % ((scheme,) + self.server.server_address[:2])

    def client_cn(self):
        if not self.server.tls:
            return None
        cert = self.connection.getpeercert()
        for rdn in (cert or {}).get("subject", ()):
            for k, v in rdn:
                if k == "commonName":
                    return v
        return None

    def user_of_request(self):
        cookie = self.headers.get("Cookie") or ""
        auth = self.headers.get("Authorization") or ""
        with LOCK:
            for t in TOKENS:
                if 'CADC_SSO="%s"' % t in cookie or auth == "Bearer " + t:
                    return USER
        return None

    def route(self):
        u = urllib.parse.urlsplit(self.path)
        n = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(n) if n else b""
        form = urllib.parse.parse_qs(data.decode("latin-1"), keep_blank_values=True)
        with LOCK:
            LOG.write(json.dumps({
                "method": self.command, "path": self.path,
                "host": self.headers.get("Host"), "cookie": self.headers.get("Cookie"),
                "authorization": self.headers.get("Authorization"),
                "client_cert": self.client_cn(),
                "fields": sorted(form.keys()),
                "proxied": self.proxied(),
            }) + "\n")
            LOG.flush()
        p = u.path.rstrip("/")
        b = self.base()
        dl = {"/reg": "/dl", "/regc": "/dlc", "/regk": "/dlk", "/basic/reg": "/dl"}
        if p.endswith("/resource-caps") and p[:-len("/resource-caps")] in dl:
            if p.startswith("/basic/"):
                want = "Basic " + base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
                if self.headers.get("Authorization") != want:
                    return self.reply(401, b"who are you?",
                                      headers=[("WWW-Authenticate", 'Basic realm="reg"')])
            return self.reply(200, ("ivo://cadc.nrc.ca/gms = %s/ac/capabilities\n"
                                    "ivo://cadc.nrc.ca/argus = %s/tap/capabilities\n"
                                    "ivo://cadc.nrc.ca/tapb = %s/tapb/capabilities\n"
                                    "ivo://cadc.nrc.ca/caom2ops = %s%s/capabilities\n"
                                    % (b, b, b, b, dl[p[:-len("/resource-caps")]])).encode())
        for svc, methods in (("/dl", ["anon"]), ("/dlc", ["cert"]), ("/dlk", ["cookie"])):
            if p == svc + "/capabilities":
                return self.reply(200, caps(("ivo://ivoa.net/std/DataLink#links-1.1", "full",
                                             b + svc + "/links", methods)), "text/xml")
            if p == svc + "/links":
                ids = urllib.parse.parse_qs(u.query).get("ID", [])
                return self.reply(200, datalink(ids, b), "application/x-votable+xml")
        if p == "/reg500":
            return self.reply(500, b"registry down")
        if p == "/ac/capabilities":
            return self.reply(200, caps(("ivo://ivoa.net/std/UMS#login-0.1", "full",
                                         b + "/ac/login", ["anon"])), "text/xml")
        if p == "/ac/login":
            if self.command != "POST":
                return self.reply(405, b"POST only")
            if form.get("username") == [USER] and form.get("password") == [PASSWORD]:
                tok = "tok-" + secrets.token_hex(12)
                with LOCK:
                    TOKENS.add(tok)
                return self.reply(200, tok.encode())
            return self.reply(401, b"login failed")
        for svc, methods in (("/tap", ["cookie", "token"]), ("/tapb", ["token"]),
                             ("/tapc", ["cert"])):
            if p == svc + "/capabilities":
                return self.reply(200, caps(
                    ("ivo://ivoa.net/std/TAP", "base", b + svc, methods),
                    ("ivo://ivoa.net/std/VOSI#tables-1.1", "base", b + svc + "/tables", ["anon"])),
                    "text/xml")
            if p == svc + "/tables":
                return self.reply(200, TABLES, "text/xml")
            if p == svc + "/sync":
                who = self.client_cn() if svc == "/tapc" else self.user_of_request()
                if who is None:
                    return self.reply(401, b"authentication required")
                return self.reply(200, votable(who), "application/x-votable+xml")
        return self.reply(404, b"unknown path")

    do_GET = route
    do_POST = route


def main():
    global LOG
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="serve https")
    ap.add_argument("--client-ca", help="with --tls: accept client certificates it signed")
    a = ap.parse_args()
    LOG = open(a.log, "a")
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    srv.tls = a.tls is not None
    if srv.tls:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        if a.client_ca:
            ctx.verify_mode = ssl.CERT_OPTIONAL
            ctx.load_verify_locations(a.client_ca)
        # the handshake runs in each connection's own thread (Handler.setup),
        # not in accept(): one slow client must not hold up the next
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True,
                                     do_handshake_on_connect=False)
    print(srv.server_address[1], flush=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    sys.stdin.read()


if __name__ == "__main__":
    main()

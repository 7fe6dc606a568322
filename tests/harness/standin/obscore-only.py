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
body (tap_proxy.py).  Prints the port on its first line once it listens (lib.sh's
`serve`), and serves until its stdin closes.
"""
import sys

import tap_proxy

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


class Proxy(tap_proxy.Proxy):
    UPSTREAM = sys.argv[1].rstrip("/")
    NAME = "obscore-only"

    def do_GET(self):
        if self.path.split("?")[0] == "/tap/tables":
            self.answer(200, "text/xml", TABLES)
        else:
            self.forward()


tap_proxy.run(Proxy, 0)

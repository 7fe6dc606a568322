#!/usr/bin/env python3
"""archive-later.py PORT UPSTREAM: the archive coming back.

A reverse proxy on 127.0.0.1:PORT to UPSTREAM (e.g. the local DaCHS,
http://127.0.0.1:18080), for a test that starts a client while PORT is
still closed (the archive unreachable: connection refused) and starts this
later (the archive back).  Every request (GET or POST, any path) is
forwarded with its body and content type; the answer comes back with its
status, content type and body (tap_proxy.py).  Prints PORT on its first
line once it listens (lib.sh's `serve`), and serves until its stdin closes.
"""
import sys

import tap_proxy


class Proxy(tap_proxy.Proxy):
    UPSTREAM = sys.argv[2].rstrip("/")
    NAME = "archive-later"


tap_proxy.run(Proxy, int(sys.argv[1]))

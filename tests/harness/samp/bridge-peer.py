#!/usr/bin/python3
"""A scriptable astropy SAMP peer for the cadc-samp listen tests.

  bridge-peer.py record OUT [--name N] [--mtype MT ...] [--ready FILE] [--copy DIR]
      [--no-reply]
      register, subscribe (default: the table/image/coord MTypes), append each
      received message to OUT as one JSON line {t, kind, sender, mtype, params};
      with --copy, a file:// url is copied into DIR first (before the reply,
      as a loading tool would read it) and the line gets "copy": PATH;
      reply samp.ok to calls (never, with --no-reply: a viewer that does not
      answer); unregister on SIGTERM/SIGINT.
  bridge-peer.py send MTYPE [key=value ...] [--to NAME] [--notify] [--timeout S]
      [--list key=v1,v2]  send one message to the client named NAME (default
      cadc-samp) by callAndWait (or notify); print the response as JSON.
  bridge-peer.py burst N RA0 DEC0 STEP  notify N coord.pointAt.sky positions
      (RA0+i*STEP, DEC0) to all as fast as possible.
  bridge-peer.py wait-client NAME TIMEOUT   exit 0 once NAME is registered.
The hub is found through SAMP_HUB (std-lockurl:file://...).
"""
import json, os, shutil, signal, sys, threading, time
from urllib.parse import unquote, urlparse


def connect(name, subscribe=None, on_msg=None, reply=True):
    from astropy.samp import SAMPIntegratedClient
    c = SAMPIntegratedClient(name=name, description="cadc-samp test peer")
    c.connect()
    for mt in subscribe or []:
        c.bind_receive_notification(mt, lambda pk, s, m, p, e: on_msg("notify", s, m, p))

        def on_call(pk, s, msg_id, m, p, e, c=c):
            on_msg("call", s, m, p)
            if reply:
                c.reply(msg_id, {"samp.status": "samp.ok", "samp.result": {}})
        c.bind_receive_call(mt, on_call)
    return c


def find(c, name):
    for cid in c.get_registered_clients():
        try:
            if c.get_metadata(cid).get("samp.name") == name:
                return cid
        except Exception:
            pass
    return None


def record(args):
    out = args[0]
    name, mtypes, ready, copy, reply = "bridge-peer", [], None, None, True
    i = 1
    while i < len(args):
        if args[i] == "--name":
            name = args[i + 1]; i += 2
        elif args[i] == "--mtype":
            mtypes.append(args[i + 1]); i += 2
        elif args[i] == "--ready":
            ready = args[i + 1]; i += 2
        elif args[i] == "--copy":
            copy = args[i + 1]; i += 2
        elif args[i] == "--no-reply":
            reply = False; i += 1
        else:
            sys.exit("unknown argument " + args[i])
    mtypes = mtypes or ["coord.pointAt.sky", "table.load.votable", "image.load.fits",
                        "table.highlight.row", "table.select.rowList"]
    lock = threading.Lock()
    f = open(out, "a")

    def on_msg(kind, sender, mtype, params):
        with lock:
            line = {"t": time.time(), "kind": kind, "sender": sender,
                    "mtype": mtype, "params": params}
            url = params.get("url", "") if isinstance(params, dict) else ""
            if copy and url.startswith("file:"):
                on_msg.n += 1
                dest = os.path.join(copy, "copy-%d" % on_msg.n)
                try:
                    shutil.copyfile(unquote(urlparse(url).path), dest)
                    line["copy"] = dest
                except OSError as e:
                    line["copy_error"] = str(e)
            f.write(json.dumps(line) + "\n")
            f.flush()
    on_msg.n = 0
    c = connect(name, mtypes, on_msg, reply)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    if ready:
        with open(ready, "w") as r:
            r.write(c.get_public_id() + "\n")
    try:
        while not stop.wait(0.2):
            pass
    finally:
        c.disconnect()


def send(args):
    mtype, params, to, notify, timeout = args[0], {}, "cadc-samp", False, 30
    i = 1
    while i < len(args):
        a = args[i]
        if a == "--to":
            to = args[i + 1]; i += 2; continue
        if a == "--notify":
            notify = True; i += 1; continue
        if a == "--timeout":
            timeout = int(args[i + 1]); i += 2; continue
        if a == "--list":
            k, v = args[i + 1].split("=", 1)
            params[k] = v.split(",") if v else []
            i += 2; continue
        k, v = a.split("=", 1)
        params[k] = v
        i += 1
    c = connect("bridge-sender")
    try:
        target = find(c, to)
        if target is None:
            print(json.dumps({"error": "no client named " + to}))
            sys.exit(3)
        msg = {"samp.mtype": mtype, "samp.params": params}
        if notify:
            c.notify(target, msg)
            print(json.dumps({"notified": target}))
        else:
            r = c.call_and_wait(target, msg, str(timeout))
            print(json.dumps(r, sort_keys=True))
    finally:
        c.disconnect()


def burst(args):
    n, ra0, dec0, step = int(args[0]), float(args[1]), float(args[2]), float(args[3])
    c = connect("bridge-burst")
    try:
        for i in range(n):
            c.notify_all({"samp.mtype": "coord.pointAt.sky",
                          "samp.params": {"ra": repr(ra0 + i * step), "dec": repr(dec0)}})
    finally:
        c.disconnect()


def wait_client(args):
    name, timeout = args[0], float(args[1])
    c = connect("bridge-waiter")
    try:
        end = time.time() + timeout
        while time.time() < end:
            if find(c, name):
                return
            time.sleep(0.1)
        sys.exit(1)
    finally:
        c.disconnect()


if __name__ == "__main__":
    cmd = {"record": record, "send": send, "burst": burst, "wait-client": wait_client}
    if len(sys.argv) < 2 or sys.argv[1] not in cmd:
        sys.exit(__doc__)
    cmd[sys.argv[1]](sys.argv[2:])

"""viewer_kit: what the real-viewer tests (test-bridge-tables.sh,
test-bridge-obscore-viewers.sh) say to TOPCAT and Aladin, in one place.

A test's Python part states each result with ok() (the lines results_of
in tests/lib.sh reads), waits with wait_for(), and talks to the viewers
through a Viewers object around its astropy SAMP client.
"""
import os
import re
import time
import urllib.request


def ok(cond, what, diag=""):
    """One result, in the form results_of reads; the diag's last lines on failure."""
    print(("ok %s" if cond else "not ok %s") % what, flush=True)
    if not cond and diag:
        for line in str(diag).splitlines()[-15:]:
            print("# " + line, flush=True)


def wait_for(pred, timeout, step=0.5):
    """pred()'s first true value within timeout seconds (exceptions count as false), else None."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            r = pred()
            if r:
                return r
        except Exception:
            pass
        time.sleep(step)
    return None


def msg(mtype, **params):
    return {"samp.mtype": mtype, "samp.params": params}


def write_sky_fits(path, ra=131.28125, dec=54.3):
    """A 1 deg TAN image around ra/dec: under a table, Aladin then shows a
    small field and its status text stays ASCII (an all-sky view reports its
    size with a degree sign, which the JSAMP hub rejects as a SAMP string)."""
    import numpy as np
    from astropy.io import fits
    from astropy.wcs import WCS
    w = WCS(naxis=2)
    w.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    w.wcs.crval = [ra, dec]
    w.wcs.crpix = [100.5, 100.5]
    w.wcs.cdelt = [-0.005, 0.005]
    w.wcs.radesys = "ICRS"
    y, x = np.mgrid[0:200, 0:200]
    fits.PrimaryHDU((np.sin(x / 7.0) * np.cos(y / 9.0) + 2).astype("float32"),
                    header=w.to_header()).writeto(path)


class Viewers:
    """TOPCAT and Aladin as seen from the test's SAMP client @me."""

    def __init__(self, me, tmp):
        self.me, self.tmp = me, tmp
        self.topcat = self.aladin = None

    def find(self, name, mtype):
        for cid in self.me.get_subscribed_clients(mtype):
            if self.me.get_metadata(cid).get("samp.name") == name:
                return cid
        return None

    def call(self, cid, m, timeout="30"):
        return self.me.call_and_wait(cid, m, timeout)

    def wait_registered(self, timeout=120):
        """TOPCAT's and Aladin's client ids once both are there (None if not)."""
        self.topcat = wait_for(lambda: self.find("topcat", "table.load.votable"), timeout)
        self.aladin = wait_for(lambda: self.find("Aladin", "script.aladin.send"), timeout)
        return self.topcat and self.aladin

    def aladin_call(self, m, timeout=90):
        """Aladin registers before its GUI is ready (early calls fault or hang): retry."""
        r = {}
        end = time.time() + timeout
        while time.time() < end:
            try:
                r = self.call(self.aladin, m, "20")
            except Exception as e:
                r = {"samp.status": "call failed", "error": str(e)}
                continue
            if r.get("samp.status") == "samp.ok":
                break
            time.sleep(1)
        return r

    def aladin_show_sky(self):
        """A small sky image (write_sky_fits) under what comes, zoomed to 30'."""
        path = os.path.join(self.tmp, "sky.fits")
        if not os.path.exists(path):
            write_sky_fits(path)
        r = self.aladin_call(msg("image.load.fits", url="file://" + path, name="sky"))
        self.aladin_call(msg("script.aladin.send", script="zoom 30arcmin"))
        return r

    def aladin_planes(self):
        """Aladin's planes: name -> number of objects (its status script)."""
        t = self.call(self.aladin, msg("script.aladin.send", script="status"),
                      "20")["samp.result"]["script.result"]
        planes = {}
        for block in t.split("\n\n"):
            m = re.search(r'PlaneID\s+"?([^"\n]*)"?', block)
            k = re.search(r"NbObj\s+(\d+)", block)
            if m:
                planes[m.group(1)] = int(k.group(1)) if k else None
        return planes

    def aladin_at(self, ra, dec, tol=1e-3):
        s = self.call(self.aladin, msg("coord.get.sky"), "10")["samp.result"]
        return abs(float(s["ra"]) - ra) < tol and abs(float(s["dec"]) - dec) < tol

    def topcat_table(self, rows):
        """TOPCAT's current table (table.get.stil) as astropy reads it, if it has @rows rows."""
        from astropy.io.votable import parse_single_table
        s = self.call(self.topcat, msg("table.get.stil", format="votable"), "20")
        if s.get("samp.status") != "samp.ok":
            return None
        path = os.path.join(self.tmp, "topcat-copy.xml")
        urllib.request.urlretrieve(s["samp.result"]["url"], path)
        t = parse_single_table(path)
        return t if len(t.array) == rows else None

#!/usr/bin/python3
"""Synthetic products of a fictitious NON-CADC archive for obsonly.rd.

    gen_obsonly.py OUTDIR    writes OUTDIR/rows.jsonl and OUTDIR/fits/*.fits

Two collections, published only through ivoa.obscore (no CAOM2):
  VOTEST    near (131.28125, +54.3), the position of astroquery's test_misc
            query where the CADC double has CFHT planes too: 10 images, 2
            spectra and 1 cube within 0.2 deg, 3 images 0.6-0.9 deg away;
            and a far field at (300, -60) where no CADC row is: 12 images,
            2 spectra, 1 cube.
  VOSURVEY  4 infrared images near (131.28125, +54.3) and 11 at dec -50
            (ra 10, 40, ... 310), where no CADC row is.
Each row's access_mode says how ivoa.obscore's access_url reaches its file:
  direct  the FITS file itself (DaCHS /getproduct, access_format image/fits)
  soda    DataLink dlmeta of service vo2/q/dl (#this + SODA descriptor)
  dl      DataLink dlmeta of service vo2/q/dlplain (#this only)
Images get a real TAN celestial WCS (ICRS), the cubes RA/DEC/WAVE, the
spectra a 1D WAVE axis.  Fixed seed and no CHECKSUM: two runs give
byte-identical files.  The answers the tests rely on are in README.
"""
import json
import math
import os
import sys

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

ACCREF_BASE = "vo2/data/fits"
NEAR = (131.28125, 54.3)
FAR = (300.0, -60.0)


def square(ra, dec, fov):
    """DALI polygon (ra dec ...) of a fov x fov square centred on ra, dec."""
    h = fov / 2.0
    hr = h / math.cos(math.radians(dec))
    return [ra - hr, dec - h, ra + hr, dec - h, ra + hr, dec + h, ra - hr, dec + h]


def celestial_wcs(naxis, ra, dec, cdelt, npix):
    w = WCS(naxis=naxis)
    ctype = ["RA---TAN", "DEC--TAN", "WAVE"][:naxis]
    w.wcs.ctype = ctype
    w.wcs.crval = [ra, dec, 6.5e-7][:naxis]
    w.wcs.crpix = [(npix + 1) / 2.0, (npix + 1) / 2.0, 1.0][:naxis]
    w.wcs.cdelt = [-cdelt, cdelt, 2.5e-9][:naxis]
    w.wcs.cunit = ["deg", "deg", "m"][:naxis]
    w.wcs.radesys = "ICRS"
    w.wcs.equinox = 2000.0
    return w


def write_fits(path, kind, ra, dec, fov, rng, meta):
    if kind == "image":
        npix = 32
        w = celestial_wcs(2, ra, dec, fov / npix, npix)
        y, x = np.mgrid[0:npix, 0:npix]
        data = rng.normal(100.0, 5.0, (npix, npix))
        data += 800.0 * np.exp(-((x - 15.5) ** 2 + (y - 15.5) ** 2) / 8.0)
        hdr = w.to_header()
    elif kind == "cube":
        npix, nz = 16, 8
        w = celestial_wcs(3, ra, dec, fov / npix, npix)
        data = rng.normal(10.0, 1.0, (nz, npix, npix))
        hdr = w.to_header()
    else:  # spectrum
        n = 64
        data = 1.0 + 0.1 * rng.normal(size=n)
        hdr = fits.Header()
        hdr["CTYPE1"] = "WAVE"
        hdr["CUNIT1"] = "m"
        hdr["CRPIX1"] = 1.0
        hdr["CRVAL1"] = 3.8e-7
        hdr["CDELT1"] = (9.0e-7 - 3.8e-7) / (n - 1)
        hdr["RA"] = (ra, "target RA (deg, ICRS)")
        hdr["DEC"] = (dec, "target Dec (deg, ICRS)")
    for k, v in meta.items():
        hdr[k] = v
    fits.PrimaryHDU(data=data.astype(np.float32), header=hdr).writeto(
        path, overwrite=True)
    return os.path.getsize(path)


def main():
    outdir = sys.argv[1]
    fitsdir = os.path.join(outdir, "fits")
    os.makedirs(fitsdir, exist_ok=True)
    rng = np.random.default_rng(20240613)
    rows = []

    def add(coll, kind, ra, dec, fov, target, mode, calib):
        n = len(rows) + 1
        prefix = {"VOTEST": "vt", "VOSURVEY": "vs"}[coll]
        obs_id = "%s%04d" % (prefix, n)
        did = "ivo://example.org/%s?%s" % (coll.lower(), obs_id)
        fname = obs_id + ".fits"
        instr = {"image": "VTCam", "spectrum": "VTSpec", "cube": "VTIFU"}[kind]
        if coll == "VOSURVEY":
            instr = "VOSImager"
        em = {"image": (4.0e-7, 7.0e-7), "spectrum": (3.8e-7, 9.0e-7),
              "cube": (6.5e-7, 6.675e-7)}[kind]
        if coll == "VOSURVEY":
            em = (1.2e-6, 1.4e-6)
        texp = 300.0 + 60.0 * (n % 5)
        tmin = 59000.0 + 1.25 * n
        meta = {"OBJECT": target, "INSTRUME": instr, "TELESCOP": coll,
                "OBSID": obs_id, "EXPTIME": texp, "MJD-OBS": tmin}
        size = write_fits(os.path.join(fitsdir, fname), kind, ra, dec, fov,
                          rng, meta)
        rows.append({
            "obs_id": obs_id, "obs_collection": coll, "obs_publisher_did": did,
            "target_name": target, "instrument_name": instr,
            "facility_name": {"VOTEST": "VO Test Telescope",
                              "VOSURVEY": "VO Survey Telescope"}[coll],
            "dataproduct_type": kind, "calib_level": calib,
            "s_ra": round(ra, 6), "s_dec": round(dec, 6), "s_fov": fov,
            "s_region": [round(v, 6) for v in square(ra, dec, fov)],
            "s_resolution": 1.2 if coll == "VOTEST" else 2.5,
            "t_min": tmin, "t_max": tmin + texp / 86400.0, "t_exptime": texp,
            "em_min": em[0], "em_max": em[1],
            "obs_title": "%s %s %s %s" % (coll, obs_id, target, kind),
            "access_mode": mode,
            "accref": "%s/%s" % (ACCREF_BASE, fname), "fsize": size,
        })

    modes = ["direct", "soda", "dl"]
    # VOTEST near the test_misc position: 10 images within 0.2 deg
    for i in range(10):
        a = 2 * math.pi * i / 10
        r = 0.02 + 0.018 * i
        ra = NEAR[0] + r * math.cos(a) / math.cos(math.radians(NEAR[1]))
        dec = NEAR[1] + r * math.sin(a)
        add("VOTEST", "image", ra, dec, 0.1, "VTJ0845+5418", modes[i % 3],
            1 + i % 3)
    add("VOTEST", "spectrum", NEAR[0] + 0.01, NEAR[1] - 0.01, 0.001,
        "VTJ0845+5418", "direct", 2)
    add("VOTEST", "spectrum", NEAR[0] - 0.02, NEAR[1] + 0.015, 0.001,
        "VTJ0845+5418", "dl", 2)
    add("VOTEST", "cube", NEAR[0], NEAR[1], 0.02, "VTJ0845+5418", "dl", 3)
    # VOTEST outside the 0.3 deg circle (0.6-0.9 deg north)
    for i in range(3):
        add("VOTEST", "image", NEAR[0], NEAR[1] + 0.6 + 0.15 * i, 0.1,
            "VTJ0845+5500", modes[i % 3], 2)
    # VOTEST far field, where no CADC row is
    for i in range(12):
        a = 2 * math.pi * i / 12
        r = 0.05 + 0.01 * i
        ra = FAR[0] + r * math.cos(a) / math.cos(math.radians(FAR[1]))
        dec = FAR[1] + r * math.sin(a)
        add("VOTEST", "image", ra, dec, 0.1, "VTJ2000-6000", modes[i % 3],
            1 + i % 3)
    add("VOTEST", "spectrum", FAR[0], FAR[1], 0.001, "VTJ2000-6000", "direct", 2)
    add("VOTEST", "spectrum", FAR[0] + 0.02, FAR[1], 0.001, "VTJ2000-6000", "dl", 2)
    add("VOTEST", "cube", FAR[0], FAR[1] + 0.01, 0.02, "VTJ2000-6000", "direct", 3)
    # VOSURVEY: 4 near the test_misc position, 11 elsewhere (dec -50: every
    # CADC row but the bench field at (250, -40) is at dec >= -30)
    for i in range(4):
        add("VOSURVEY", "image", NEAR[0] + (0.05 * i - 0.075) / 0.5835,
            NEAR[1] + 0.03, 0.2, "VOS J0845+5418", modes[i % 3], 2)
    for i in range(11):
        add("VOSURVEY", "image", 10.0 + 30.0 * i, -50.0, 0.2,
            "VOS field %02d" % (i + 1), modes[i % 3], 1 + i % 2)

    with open(os.path.join(outdir, "rows.jsonl"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, sort_keys=True) + "\n")
    print("rows=%d -> %s" % (len(rows), outdir))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""make-fits-seeds.py DIR: small FITS seeds for fuzz-fits (an image with a
TAN WCS, an image extension with a CD matrix, a binary table with null,
scaled, bit, complex and variable-length columns, an ASCII table)."""
import sys, os
import numpy as np
from astropy.io import fits

d = sys.argv[1]
os.makedirs(d, exist_ok=True)

h = fits.Header()
h.update(CTYPE1='RA---TAN', CTYPE2='DEC--TAN', CRVAL1=131.28, CRVAL2=54.3,
         CRPIX1=4.5, CRPIX2=3.5, CDELT1=-0.001, CDELT2=0.001, CROTA2=10.0)
fits.PrimaryHDU(np.zeros((6, 8), dtype=np.int16), header=h).writeto(
    os.path.join(d, 'wcs.fits'), overwrite=True)

h2 = fits.Header()
h2.update(CTYPE1='RA---SIN', CTYPE2='DEC--SIN', CRVAL1=10.0, CRVAL2=-30.0,
          CRPIX1=2.0, CRPIX2=2.0, CD1_1=-1e-4, CD1_2=1e-5, CD2_1=1e-5, CD2_2=1e-4)
fits.HDUList([fits.PrimaryHDU(),
              fits.ImageHDU(np.zeros((3, 4), dtype=np.float32), header=h2)]).writeto(
    os.path.join(d, 'ext-sin.fits'), overwrite=True)

cols = [
    fits.Column(name='id', format='10A', array=np.array(['a', 'bb', ''])),
    fits.Column(name='n', format='J', null=-1, array=np.array([1, -1, 3])),
    fits.Column(name='u', format='I', bzero=32768, array=np.array([0, 1, 65535])),
    fits.Column(name='x', format='D', unit='deg', array=np.array([1.5, np.nan, -2.0])),
    fits.Column(name='f', format='L', array=np.array([True, False, True])),
    fits.Column(name='b', format='3X', array=np.array([[1, 0, 1], [0, 0, 0], [1, 1, 1]], dtype=bool)),
    fits.Column(name='c', format='C', array=np.array([1 + 2j, 0, -1j])),
    fits.Column(name='v', format='PE()', array=np.array([np.array([1.0], 'f4'), np.array([], 'f4'), np.array([2.0, 3.0], 'f4')], dtype=object)),
]
fits.HDUList([fits.PrimaryHDU(), fits.BinTableHDU.from_columns(cols)]).writeto(
    os.path.join(d, 'bintable.fits'), overwrite=True)

acols = [fits.Column(name='a', format='I5', array=np.array([1, 2])),
         fits.Column(name='s', format='A4', array=np.array(['x', 'yz']))]
fits.HDUList([fits.PrimaryHDU(), fits.TableHDU.from_columns(acols)]).writeto(
    os.path.join(d, 'ascii.fits'), overwrite=True)

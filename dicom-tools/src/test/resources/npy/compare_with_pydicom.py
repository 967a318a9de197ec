#!/usr/bin/python3
"""Compares .npy files with pydicom's pixel_array. Run with Debian's python (python3-pydicom, python3-numpy).

Arguments: triples DICOM_FILE FRAME_INDEX NPY_FILE (frame index zero-based, -1 for a single-frame file).
Prints one line per triple: 'OK <npy>' or 'DIFF <npy>: <what differs>'. The .npy must hold the
values pydicom gives in the same kind and size of type (little endian; pydicom keeps a big endian
file's byte order, which numpy compares by value).
"""
import sys
import warnings

import numpy
import pydicom

warnings.simplefilter('ignore')
args = sys.argv[1:]
for i in range(0, len(args), 3):
    path, frame, npy = args[i], int(args[i + 1]), args[i + 2]
    try:
        want = pydicom.dcmread(path).pixel_array
        if frame >= 0:
            want = want[frame]
        got = numpy.load(npy, allow_pickle=False)
        problems = []
        if got.dtype.byteorder == '>':
            problems.append('big endian dtype %s' % got.dtype.str)
        if (got.dtype.kind, got.dtype.itemsize) != (want.dtype.kind, want.dtype.itemsize):
            problems.append('dtype %s, pydicom %s' % (got.dtype.str, want.dtype.str))
        if got.shape != want.shape:
            problems.append('shape %s, pydicom %s' % (got.shape, want.shape))
        elif not numpy.array_equal(got, want):
            problems.append('%d values differ' % int((got != want).sum()))
        print(('DIFF %s: %s' % (npy, '; '.join(problems))) if problems else 'OK %s' % npy)
    except Exception as e:
        print('DIFF %s: %s: %s' % (npy, type(e).__name__, e))

#!/usr/bin/python3
"""Writes expected.json: what pydicom reports for every file of its own test-file set.

Run with Debian's python (python3-pydicom, python3-numpy):
    /usr/bin/python3 dicom/src/test/resources/pydicom/expected.py > dicom/src/test/resources/pydicom/expected.json

DicomReaderPydicomTest compares Radflow's reader with this file, file by file. pydicom is the
oracle; where it is lenient, the rules below say what Radflow's reader must do instead, and why:

- not-dicom: no 'DICM' at offset 128 and the first tag does not start a DICOM data set (group
  0x0002..0x00FF in either byte order, as dcmtk and pydicom's force=True accept). pydicom with
  force=True turns any text file into garbage elements; a reader for an uploader must say no.
- truncated: pydicom silently returns a shorter value when a length runs past the end of the
  file; the reader fails, naming the element (dcmtk's dcmdump fails on the same files).
- invalid-value: an attribute the pipeline uses is not a number (e.g. Number of Frames '1A');
  pydicom keeps the string, the reader fails naming the tag.
"""
import hashlib
import json
import os
import struct
import sys
import warnings

import numpy
import pydicom
from pydicom.dataelem import RawDataElement
from pydicom.encaps import generate_pixel_data_fragment, generate_pixel_data_frame, get_frame_offsets
from pydicom.filebase import DicomBytesIO
from pydicom.pixel_data_handlers.util import apply_modality_lut

ROOT = '/usr/lib/python3/dist-packages/pydicom/data/test_files'
PIXEL_DATA = 0x7FE00010
IMPLICIT_LE, EXPLICIT_LE, EXPLICIT_BE = '1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2'

TEXT = ['SOPClassUID', 'SOPInstanceUID', 'StudyInstanceUID', 'SeriesInstanceUID', 'Modality',
        'PhotometricInterpretation', 'SeriesDescription', 'StudyDescription', 'BodyPartExamined']
INTS = ['InstanceNumber', 'NumberOfFrames', 'Rows', 'Columns', 'BitsAllocated', 'BitsStored', 'HighBit',
        'PixelRepresentation', 'SamplesPerPixel', 'PlanarConfiguration', 'ImagesInAcquisition']
FLOATS = ['RescaleSlope', 'RescaleIntercept']
FLOAT_LISTS = ['WindowCenter', 'WindowWidth']
FRAMING = ['Rows', 'Columns', 'BitsAllocated', 'SamplesPerPixel']  # needed to split native pixel data


def tag_str(tag):
    return '(%04x,%04x)' % (tag >> 16, tag & 0xFFFF)


def looks_like_dataset(head):
    if len(head) < 8:
        return False
    le, be = struct.unpack('<H', head[:2])[0], struct.unpack('>H', head[:2])[0]
    return any(0x0002 <= g <= 0x00FF and g % 2 == 0 for g in (le, be))


def is_part10(path):
    with open(path, 'rb') as f:
        head = f.read(140)
    return len(head) >= 132 and head[128:132] == b'DICM', head


def truncated_elements(ds):
    """Elements whose declared length runs past the end of the file (pydicom keeps what is left)."""
    found = []

    def walk(d):
        for tag in list(d.keys()):
            raw = d.get_item(tag)
            if isinstance(raw, RawDataElement) and raw.length != 0xFFFFFFFF and raw.value is not None \
                    and len(raw.value) < raw.length:
                found.append(int(tag))
            elem = d[tag]
            if elem.VR == 'SQ':
                for item in elem.value:
                    walk(item)
    walk(ds)
    return found


def text(value):
    if value is None or value == '':
        return None
    if isinstance(value, pydicom.multival.MultiValue):
        return '\\'.join(str(v) for v in value)
    return str(value)


def number(value, kind):
    """(ok, parsed): ok is False when the file holds something that is not a number."""
    if value is None or value == '':
        return True, None
    values = list(value) if isinstance(value, pydicom.multival.MultiValue) else [value]
    try:
        parsed = [kind(v) if not isinstance(v, str) else kind(v.strip()) for v in values]
    except ValueError:
        return False, None
    return True, parsed


def attributes(ds, transfer_syntax):
    attrs = {'TransferSyntaxUID': transfer_syntax}
    invalid = []
    for k in TEXT:
        attrs[k] = text(ds.get(k))
    for k in INTS + FLOATS + FLOAT_LISTS:
        elem = ds.get(k)
        ok, parsed = number(elem, int if k in INTS else float)
        if not ok:
            invalid.append(tag_str(ds.data_element(k).tag))
            attrs[k] = None
        elif parsed is None:
            attrs[k] = [] if k in FLOAT_LISTS else None
        else:
            attrs[k] = parsed if k in FLOAT_LISTS else parsed[0]
    return attrs, invalid


def sha(b):
    return hashlib.sha256(bytes(b)).hexdigest()


def native_frame_size(a):
    bits = a['Rows'] * a['Columns'] * a['SamplesPerPixel'] * a['BitsAllocated']
    if a['PhotometricInterpretation'] == 'YBR_FULL_422':
        bits = bits * 2 // 3
    return bits // 8


def stats(values):
    flat = numpy.asarray(values, dtype=numpy.float64).ravel()
    picks = sorted(set(int(i) for i in numpy.linspace(0, flat.size - 1, 16)))
    return {'count': int(flat.size), 'min': float(flat.min()), 'max': float(flat.max()),
            'sum': float(flat.sum()), 'samples': {str(i): float(flat[i]) for i in picks}}


def pixel(ds, a, encapsulated):
    data = ds.PixelData
    frames = a['NumberOfFrames'] or 1
    if encapsulated:
        fp = DicomBytesIO(data)
        fp.is_little_endian = True
        has_table, offsets = get_frame_offsets(fp)
        fragments = list(generate_pixel_data_fragment(fp))
        try:
            frame_hashes = [sha(f) for f in generate_pixel_data_frame(data, frames)]
        except Exception:  # pydicom cannot split them either
            frame_hashes = None
        return {'kind': 'encapsulated', 'frames': frames, 'basicOffsetTable': list(offsets) if has_table else [],
                'fragmentSha256': [sha(f) for f in fragments], 'frameSha256': frame_hashes}
    missing = [k for k in FRAMING if a[k] is None]
    if missing:
        return {'kind': 'native', 'frames': frames, 'missing': missing}
    size = native_frame_size(a)
    result = {'kind': 'native', 'frames': frames, 'frameBytes': size,
              'frameSha256': [sha(data[i * size:(i + 1) * size]) for i in range(frames)]}
    if a['PhotometricInterpretation'] != 'YBR_FULL_422':
        arr = apply_modality_lut(ds.pixel_array, ds)
        if frames == 1:
            arr = arr[numpy.newaxis, ...]
        result['modality'] = {'0': stats(arr[0]), str(frames - 1): stats(arr[frames - 1])}
    return result


def expect(path):
    part10, head = is_part10(path)
    if not part10 and not looks_like_dataset(head):
        return {'error': {'kind': 'not-dicom'}}
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        ds = pydicom.dcmread(path, force=not part10)
        meta = getattr(ds, 'file_meta', None)
        declared = meta.get('TransferSyntaxUID') if meta is not None else None
        if declared:
            ts = str(declared)
        else:  # what pydicom deduced from the data set itself
            ts = IMPLICIT_LE if ds.is_implicit_VR else (EXPLICIT_LE if ds.is_little_endian else EXPLICIT_BE)
        truncated = truncated_elements(ds)
        attrs, invalid = attributes(ds, ts)
        tags = sorted(int(t) for t in ds.keys())
        out = {'attributes': attrs, 'tags': [tag_str(t) for t in tags]}
        header_truncated = [t for t in truncated if t < PIXEL_DATA]
        if invalid:
            out['error'] = {'kind': 'invalid-value', 'tag': invalid[0]}
            out['headerError'] = out['error']
        elif truncated:
            out['error'] = {'kind': 'truncated', 'tag': tag_str(truncated[0])}
            if header_truncated:
                out['headerError'] = out['error']
        if 'error' not in out and PIXEL_DATA in ds:
            out['pixel'] = pixel(ds, attrs, ds[PIXEL_DATA].is_undefined_length)
        return out


def main():
    files = []
    for dirpath, _, names in os.walk(ROOT):
        for name in names:
            files.append(os.path.relpath(os.path.join(dirpath, name), ROOT))
    result = {'pydicom': pydicom.__version__, 'root': ROOT, 'files': {}}
    for rel in sorted(files):
        result['files'][rel] = expect(os.path.join(ROOT, rel))
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()

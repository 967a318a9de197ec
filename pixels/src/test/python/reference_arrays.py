#!/usr/bin/python3
"""Writes the reference arrays the pixel decoder is compared with, computed independently of it:
pydicom's pixel_array with GDCM (python3-gdcm) for the compressed syntaxes pydicom sends to GDCM,
pydicom's own RLE decoder for RLE (pydicom's GDCM handler does not take RLE) and its numpy
handler for the native syntaxes.

Run with Debian's python (python3-pydicom, python3-numpy, python3-gdcm), from the repository root:
    /usr/bin/python3 pixels/src/test/python/reference_arrays.py

Inputs: every file of pydicom's test_files (dicomdirtests/ included) and the codec corpus
(pixels/src/test/resources/codec-corpus, written by make_codec_corpus.py). Output, in
pixels/src/test/resources/reference/: one gzip'd .npy per distinct array, named by the first 16
hex digits of its SHA-256, and index.json with one entry per file: its transfer syntax, whether
that syntax is lossy, the handler, the array's shape and dtype, the file's pixel description and
the colour model of the array; or why it has no reference (no pixel data, pydicom cannot read or
decode it).

The colour model of an array is not always the file's Photometric Interpretation: GDCM (through
OpenJPEG) undoes a JPEG 2000 multiple component transform, so YBR_RCT / YBR_ICT (and RGB) files
whose codestream sets it decode to RGB; JPEG YBR_FULL_422 decodes upsampled to YBR_FULL (GDCM),
and pydicom's numpy handler expands native YBR_FULL_422 to YBR_FULL. For the corpus, whose
sources are known, the model is also checked against the data: lossless files must equal their
source exactly, and lossy colour files must be closer to the source in the model claimed than
in the other.
"""
import gzip
import hashlib
import io
import json
import os
import sys
import warnings

import numpy as np
import pydicom
from pydicom import config
from pydicom.encaps import generate_pixel_data_frame
from pydicom.pixel_data_handlers import gdcm_handler, numpy_handler, rle_handler
from pydicom.pixel_data_handlers.util import convert_color_space

PYDICOM_ROOT = '/usr/lib/python3/dist-packages/pydicom/data/test_files'
CORPUS = 'pixels/src/test/resources/codec-corpus'
OUT = 'pixels/src/test/resources/reference'
RLE = '1.2.840.10008.1.2.5'
NATIVE = {'1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2'}
LOSSY = {'1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.53', '1.2.840.10008.1.2.4.55',
         '1.2.840.10008.1.2.4.81', '1.2.840.10008.1.2.4.91', '1.2.840.10008.1.2.4.93'}
JPEG_LS = {'1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81'}
JPEG_2000 = {'1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91', '1.2.840.10008.1.2.4.92', '1.2.840.10008.1.2.4.93'}
NOT_DICOM = ('.json', '.txt', '.dump', '.gz', '.npy', 'README')


def j2k_component_transform(ds):
    """True when the first frame's COD segment sets the multiple component transform."""
    frame = first_frame(ds)
    soc = frame.find(b'\xff\x4f\xff\x51')
    if soc < 0:
        return False
    at = soc + 2
    while at + 4 <= len(frame):
        marker = int.from_bytes(frame[at:at + 2], 'big')
        length = int.from_bytes(frame[at + 2:at + 4], 'big')
        if marker >> 8 != 0xFF or marker in (0xFF90, 0xFF93) or length < 2:
            return False
        if marker == 0xFF52:
            return frame[at + 8] == 1
        at += 2 + length
    return False


def first_frame(ds):
    return next(generate_pixel_data_frame(ds.PixelData, int(ds.get('NumberOfFrames', 1) or 1)))


def jpeg_ls_uninterleaved(ds):
    """True when the first scan of a JPEG-LS frame holds one component: interleave mode 0 (none)."""
    frame = first_frame(ds)
    sos = frame.find(b'\xff\xda')
    return sos >= 0 and sos + 4 < len(frame) and frame[sos + 4] == 1


def gdcm_fails(path):
    """pydicom 2.3's GDCM handler ignores whether GDCM decoded at all (it returns the unfilled
    buffer), so ask GDCM directly: a change to Explicit VR Little Endian decodes every frame."""
    import gdcm
    reader = gdcm.ImageReader()
    reader.SetFileName(path)
    if not reader.Read():
        return 'GDCM cannot read the file'
    change = gdcm.ImageChangeTransferSyntax()
    change.SetTransferSyntax(gdcm.TransferSyntax(gdcm.TransferSyntax.ExplicitVRLittleEndian))
    change.SetInput(reader.GetImage())
    return None if change.Change() else 'GDCM fails to decode its codestream'


def colour_model(ds, ts):
    pi = ds.PhotometricInterpretation.strip()
    if ds.SamplesPerPixel != 3:
        return pi
    try:
        if ts in JPEG_2000 and j2k_component_transform(ds):
            return 'RGB'
    except Exception:
        pass  # no frame to look at: the file fails anyway
    if pi == 'YBR_FULL_422':
        return 'YBR_FULL'
    return pi


class GdcmDirect:
    """python3-gdcm without pydicom, for the retired JPEG processes pydicom does not send to GDCM."""
    HANDLER_NAME = 'python3-gdcm direct'
    SYNTAXES = {'1.2.840.10008.1.2.4.53', '1.2.840.10008.1.2.4.55'}

    @staticmethod
    def decode(path, ds):
        import gdcm
        reader = gdcm.ImageReader()
        reader.SetFileName(path)
        assert reader.Read()
        image = reader.GetImage()
        raw = image.GetBuffer().encode('utf-8', 'surrogateescape')
        frames = int(ds.get('NumberOfFrames', 1) or 1)
        dtype = np.dtype(('<i' if ds.PixelRepresentation else '<u') + str(ds.BitsAllocated // 8))
        shape = (frames, ds.Rows, ds.Columns, ds.SamplesPerPixel)
        arr = np.frombuffer(raw[:int(np.prod(shape)) * dtype.itemsize], dtype).reshape(shape)
        return arr.reshape(tuple(d for i, d in enumerate(shape) if not (d == 1 and i in (0, 3))))


def describe(ds, ts):
    return dict(
        frames=int(ds.get('NumberOfFrames', 1) or 1),
        rows=int(ds.Rows), columns=int(ds.Columns), samples_per_pixel=int(ds.SamplesPerPixel),
        bits_allocated=int(ds.BitsAllocated), bits_stored=int(ds.get('BitsStored', ds.BitsAllocated)),
        high_bit=int(ds.get('HighBit', int(ds.get('BitsStored', ds.BitsAllocated)) - 1)),
        pixel_representation=int(ds.get('PixelRepresentation', 0)),
        photometric=ds.PhotometricInterpretation.strip(),
        colour_model=colour_model(ds, ts),
    )


def handler_for(ts):
    if ts in NATIVE:
        return numpy_handler
    if ts == RLE:
        return rle_handler
    if ts in GdcmDirect.SYNTAXES:
        return GdcmDirect
    return gdcm_handler


def save(arr):
    arr = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder('<'))
    digest = hashlib.sha256(repr((arr.dtype.str, arr.shape)).encode() + arr.tobytes()).hexdigest()[:16]
    path = os.path.join(OUT, digest + '.npy.gz')
    if not os.path.exists(path):
        buf = io.BytesIO()
        np.save(buf, arr)
        with open(path, 'wb') as f:
            f.write(gzip.compress(buf.getvalue(), 9, mtime=0))
    return digest


def load_source(name):
    with gzip.open(os.path.join(CORPUS, 'source-' + name + '.npy.gz')) as f:
        return np.load(io.BytesIO(f.read()))


def corpus_checks(entry, arr, manifest):
    """Lossless: equal to the source. Colour: the claimed model is the closer one."""
    m = manifest[entry['file']]
    source = load_source(m['source'])
    if m['lossless']:
        expected = source
        if m['source'].startswith('rgb') and entry['colour_model'] != 'RGB':
            raise SystemExit(entry['file'] + ': lossless RGB source decodes as ' + entry['colour_model'])
        if not np.array_equal(arr.reshape(expected.shape), expected):
            raise SystemExit(entry['file'] + ': lossless file does not decode to its source')
        entry['equals_source'] = True
        return
    diff = arr.reshape(source.shape).astype(np.int64) - source.astype(np.int64)
    offset = int(np.round(diff.mean())) if m['source'] != 'rgb8' else 0  # lossy colour is all 8-bit
    error = np.abs(diff - offset).mean()
    if m['source'] != 'rgb8' and error > (int(source.max()) - int(source.min())) * 0.03:
        raise SystemExit('%s: lossy file decodes %.1f from its source on average' % (entry['file'], error))
    # dcmtk's lossy JPEG turns signed 12-bit samples into unsigned ones by adding 2048
    if m['source'] != 'rgb8':
        entry['mean_error_vs_source'] = round(float(error), 3)
    if offset:
        entry['offset_vs_source'] = offset
    if m['source'] == 'rgb8':
        arr = arr.reshape(source.shape).astype(np.int32)
        as_rgb = np.abs(arr - source.astype(np.int32)).mean()
        as_ybr = np.abs(arr - convert_color_space(source, 'RGB', 'YBR_FULL', per_frame=True).astype(np.int32)).mean()
        closer = 'RGB' if as_rgb < as_ybr else 'YBR_FULL'
        if closer != entry['colour_model']:
            raise SystemExit('%s: decoded samples are closer to the source as %s than as %s' % (
                entry['file'], closer, entry['colour_model']))
        entry['colour_evidence'] = 'mean |decoded - source| %.2f as RGB, %.2f as YBR_FULL' % (as_rgb, as_ybr)


def main():
    warnings.simplefilter('ignore')
    if not os.path.isdir(PYDICOM_ROOT):
        raise SystemExit(PYDICOM_ROOT + ' is missing: apt-get install python3-pydicom')
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(CORPUS, 'manifest.json')) as f:
        manifest = json.load(f)
    entries = []
    used = set()
    for set_name, root in (('pydicom', PYDICOM_ROOT), ('corpus', CORPUS)):
        paths = []
        for d, _dirs, files in os.walk(root):
            paths += [os.path.join(d, f) for f in files if not f.endswith(NOT_DICOM) and not f.startswith(NOT_DICOM)]
        for path in sorted(paths):
            rel = os.path.relpath(path, root)
            entry = {'set': set_name, 'file': rel}
            entries.append(entry)
            try:
                ds = pydicom.dcmread(path, force=True)
                has_pixels = 'PixelData' in ds
            except Exception as e:
                entry.update(status='unreadable', why='pydicom cannot read it: %s: %s' % (type(e).__name__, e))
                continue
            if not has_pixels:
                entry.update(status='no-pixel-data', why='no Pixel Data (7fe0,0010)')
                continue
            meta = getattr(ds, 'file_meta', None)
            ts = str(meta.get('TransferSyntaxUID', '')) if meta is not None else ''
            if not ts:
                ts = '1.2.840.10008.1.2' if ds.is_implicit_VR else '1.2.840.10008.1.2.1' if ds.is_little_endian else '1.2.840.10008.1.2.2'
                ds.file_meta = pydicom.dataset.FileMetaDataset()
                ds.file_meta.TransferSyntaxUID = ts
            entry['transfer_syntax'] = ts
            handler = handler_for(ts)
            config.pixel_data_handlers = [handler]
            # the file's own description, read before pixel_array (pydicom's JPEG 2000 corrections touch it)
            try:
                described = describe(ds, ts)
            except (AttributeError, ValueError, TypeError):
                described = {}  # pydicom fails on it below
            failure = gdcm_fails(path) if handler in (gdcm_handler, GdcmDirect) else None
            if failure:
                entry.update(status='not-decoded', why=failure + " (pydicom's GDCM handler returns an unfilled buffer)")
                continue
            try:
                arr = GdcmDirect.decode(path, ds) if handler is GdcmDirect else ds.pixel_array
            except Exception as e:
                entry.update(status='not-decoded', why='pydicom (%s handler) cannot decode it: %s: %s' % (
                    handler.HANDLER_NAME, type(e).__name__, str(e).splitlines()[0][:300]))
                continue
            if ts in JPEG_LS and int(ds.SamplesPerPixel) > 1 and jpeg_ls_uninterleaved(ds):
                # GDCM hands back the planes one after another while reporting planar configuration 0,
                # and pydicom reshapes them as interleaved: read its buffer again as planes
                planes = arr.reshape(-1, int(ds.SamplesPerPixel), int(ds.Rows), int(ds.Columns))
                arr = np.moveaxis(planes, 1, 3).reshape(arr.shape)
                entry['note'] = ('uninterleaved (ILV 0) JPEG-LS: GDCM returns planes while reporting planar '
                                 'configuration 0; pydicom\'s array was re-read as planes')
            entry.update(status='decoded', lossy=ts in LOSSY, handler=handler.HANDLER_NAME, shape=list(arr.shape),
                         dtype=arr.dtype.str.replace('>', '<'), **described)
            if set_name == 'corpus':
                corpus_checks(entry, arr, manifest)
            entry['reference'] = save(arr)
            used.add(entry['reference'] + '.npy.gz')
    for f in os.listdir(OUT):
        if f.endswith('.npy.gz') and f not in used:
            os.remove(os.path.join(OUT, f))
    with open(os.path.join(OUT, 'index.json'), 'w') as f:
        json.dump({'pydicom_root': PYDICOM_ROOT, 'pydicom': pydicom.__version__, 'numpy': np.__version__,
                   'gdcm': __import__('gdcm').Version.GetVersion(), 'files': entries}, f, indent=1)
        f.write('\n')
    decoded = [e for e in entries if e['status'] == 'decoded']
    print('%d files, %d with reference arrays (%d distinct)' % (len(entries), len(decoded), len(used)), file=sys.stderr)
    for e in entries:
        if e['status'] not in ('decoded', 'no-pixel-data'):
            print('  %s/%s: %s' % (e['set'], e['file'], e['why']), file=sys.stderr)


if __name__ == '__main__':
    main()

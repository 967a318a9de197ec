#!/usr/bin/python3
"""Writes the codec corpus: small multi-frame DICOM files in the transfer syntaxes, colour models
and bit layouts that pydicom's own test files lack, encoded by real codecs (dcmtk's dcmcjpeg,
dcmcjpls, dcmcrle, dcmconv and GDCM's JPEG 2000 encoder through python3-gdcm), never by hand.

Run with Debian's python (python3-pydicom, python3-numpy, python3-gdcm, dcmtk):
    /usr/bin/python3 pixels/src/test/python/make_codec_corpus.py pixels/src/test/resources/codec-corpus

The sources are synthetic but deterministic (gradients, a disc and seeded noise): signed 12-bit
in 16, MONOCHROME1, 8-bit, RGB interleaved and planar (8 and 16 bits), PALETTE COLOR and
YBR_FULL, 2 or 3 frames each. manifest.json lists every file with its source and whether its codec is lossless, so
reference_arrays.py can check that lossless files decode to their source exactly. The generated
files are committed; the tests do not need dcmtk.
"""
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

import gdcm
import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.pixel_data_handlers.util import convert_color_space
from pydicom.uid import ExplicitVRLittleEndian

OUT = sys.argv[1] if len(sys.argv) > 1 else 'pixels/src/test/resources/codec-corpus'
ROWS, COLS = 48, 64
UID_ROOT = '1.2.826.0.1.3680043.10.1234.'  # fixed UIDs so reruns produce the same files


def uid(n):
    return UID_ROOT + str(n)


def sources():
    rng = np.random.default_rng(20261204)
    y, x = np.mgrid[0:ROWS, 0:COLS]
    disc = ((x - 30) ** 2 + (y - 22) ** 2) < 150

    def mono(frames, lo, hi):
        out = []
        for f in range(frames):
            v = lo + (hi - lo) * ((x + 2 * y + 9 * f) % 97) / 96.0
            v = np.where(disc, hi - (v - lo) / 2, v) + rng.normal(0, (hi - lo) / 60, (ROWS, COLS))
            out.append(np.clip(np.round(v), lo, hi))
        return np.stack(out)

    # 16-bit colour with unrelated high and low bytes (GDCM 3.0.21 reorders the bytes of such RLE)
    rgb16 = np.stack([np.stack([(x * 1021 + f * 4099) % 65536, (y * 1297 + x * 7) % 65536,
                                rng.integers(0, 65536, (ROWS, COLS))], -1) for f in range(2)]).astype(np.uint16)
    rgb = np.stack([np.stack([(x * 4 + f * 20) % 256, (y * 5 + f * 10) % 256, np.where(disc, 255 - 40 * f, (x + y) * 2 % 256)], -1)
                    for f in range(3)]).astype(np.uint8)
    return {
        # name: (array, photometric, bits stored, signed, planar)
        'mono16s': (mono(3, -2048, 2047).astype(np.int16), 'MONOCHROME2', 12, True, 0),
        'mono16m1': (mono(2, 0, 4095).astype(np.uint16), 'MONOCHROME1', 12, False, 0),
        'mono8': (mono(3, 0, 255).astype(np.uint8), 'MONOCHROME2', 8, False, 0),
        'rgb8': (rgb, 'RGB', 8, False, 0),
        'rgb8planar': (rgb, 'RGB', 8, False, 1),
        'rgb16': (rgb16, 'RGB', 16, False, 0),
        'rgb16planar': (rgb16, 'RGB', 16, False, 1),
        'palette8': (mono(2, 0, 255).astype(np.uint8), 'PALETTE COLOR', 8, False, 0),
        'ybr8': (convert_color_space(rgb, 'RGB', 'YBR_FULL', per_frame=True), 'YBR_FULL', 8, False, 0),
    }


def write_native(path, n, arr, pi, stored, signed, planar):
    ds = Dataset()
    fm = FileMetaDataset()
    fm.TransferSyntaxUID = ExplicitVRLittleEndian
    # multi-frame secondary capture: grayscale byte, grayscale word, true colour
    fm.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.7.' + ('4' if arr.ndim == 4 else '3' if arr.dtype.itemsize > 1 else '2')
    fm.MediaStorageSOPInstanceUID = uid(1000 + n)
    fm.ImplementationClassUID = UID_ROOT + '1'
    ds.file_meta = fm
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = fm.MediaStorageSOPClassUID
    ds.SOPInstanceUID = fm.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = uid(1)
    ds.SeriesInstanceUID = uid(2)
    ds.Modality = 'OT'
    ds.PatientName = 'Codec^Corpus'
    ds.PatientID = 'CODEC'
    ds.NumberOfFrames = arr.shape[0]
    ds.FrameIncrementPointer = 0x00181063
    ds.FrameTime = 40
    ds.Rows, ds.Columns = arr.shape[1], arr.shape[2]
    ds.SamplesPerPixel = 1 if arr.ndim == 3 else arr.shape[3]
    ds.PhotometricInterpretation = pi
    if ds.SamplesPerPixel > 1:
        ds.PlanarConfiguration = planar
    ds.BitsAllocated = arr.dtype.itemsize * 8
    ds.BitsStored = stored
    ds.HighBit = stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    if pi == 'PALETTE COLOR':
        ramp = np.arange(256, dtype=np.uint16)
        for colour, lut in (('Red', ramp * 257), ('Green', (255 - ramp) * 257), ('Blue', (ramp * 7 % 256) * 257)):
            setattr(ds, colour + 'PaletteColorLookupTableDescriptor', [256, 0, 16])
            setattr(ds, colour + 'PaletteColorLookupTableData', lut.astype('<u2').tobytes())
    data = np.moveaxis(arr, 3, 1) if planar == 1 else arr
    ds.PixelData = np.ascontiguousarray(data).astype(arr.dtype.newbyteorder('<')).tobytes()
    ds.save_as(path, write_like_original=False)


def run(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def j2k(src, dst, lossless, mct, photometric=None):
    """GDCM's JPEG 2000 encoder (OpenJPEG); the frames are written with pydicom (GDCM's writer
    refuses multi-frame secondary capture without patient geometry)."""
    r = gdcm.ImageReader()
    r.SetFileName(src)
    assert r.Read(), src
    codec = gdcm.JPEG2000Codec()
    codec.SetReversible(lossless)
    codec.SetMCT(mct)
    if not lossless:
        codec.SetRate(0, 4)
    c = gdcm.ImageChangeTransferSyntax()
    ts = gdcm.TransferSyntax.JPEG2000Lossless if lossless else gdcm.TransferSyntax.JPEG2000
    c.SetTransferSyntax(gdcm.TransferSyntax(ts))
    c.SetInput(r.GetImage())
    c.SetUserCodec(codec)
    assert c.Change(), dst
    fragments = c.GetOutput().GetDataElement().GetSequenceOfFragments()
    frames = []
    for i in range(fragments.GetNumberOfFragments()):
        value = fragments.GetFragment(i).GetByteValue()
        frames.append(value.GetBuffer().encode('utf-8', 'surrogateescape')[:int(str(value.GetLength()))])
    ds = pydicom.dcmread(src)
    ds.file_meta.TransferSyntaxUID = gdcm.TransferSyntax.GetTSString(ts)
    ds.PixelData = encapsulate([f + b'\0' if len(f) % 2 else f for f in frames])
    ds['PixelData'].is_undefined_length = True
    ds['PixelData'].VR = 'OB'
    ds.is_implicit_VR = False
    ds.is_little_endian = True
    if not lossless:
        ds.LossyImageCompression = '01'
    if photometric:
        # GDCM keeps RGB in the header; PS3.5 8.2.4 names the component transform in it
        ds.PhotometricInterpretation = photometric
    ds.save_as(dst, write_like_original=False)


# (output name, source, lossless?, how)
PLAN = [
    ('mono16s_implicit.dcm', 'mono16s', True, ('dcmconv', '+ti')),
    ('mono16s_big_endian.dcm', 'mono16s', True, ('dcmconv', '+tb')),
    ('mono16s_deflated.dcm', 'mono16s', True, ('dcmconv', '+td')),
    ('rgb8planar_explicit.dcm', 'rgb8planar', True, ('copy',)),
    ('rgb8planar_big_endian.dcm', 'rgb8planar', True, ('dcmconv', '+tb')),
    ('palette8_explicit.dcm', 'palette8', True, ('copy',)),
    ('ybr8_explicit.dcm', 'ybr8', True, ('copy',)),
    ('mono16s_rle.dcm', 'mono16s', True, ('dcmcrle',)),
    ('mono16m1_rle.dcm', 'mono16m1', True, ('dcmcrle',)),
    ('rgb8_rle.dcm', 'rgb8', True, ('dcmcrle',)),
    ('rgb8planar_rle.dcm', 'rgb8planar', True, ('dcmcrle',)),
    ('palette8_rle.dcm', 'palette8', True, ('dcmcrle',)),
    ('rgb16_rle.dcm', 'rgb16', True, ('dcmcrle',)),
    ('rgb16planar_rle.dcm', 'rgb16planar', True, ('dcmcrle',)),
    ('ybr8_rle.dcm', 'ybr8', True, ('dcmcrle',)),
    ('mono16s_jls.dcm', 'mono16s', True, ('dcmcjpls', '+el')),
    ('mono16m1_jls_near.dcm', 'mono16m1', False, ('dcmcjpls', '+en', '+md', '2')),
    ('mono16m1_jls.dcm', 'mono16m1', True, ('dcmcjpls', '+el')),
    ('rgb8_jls.dcm', 'rgb8', True, ('dcmcjpls', '+el')),
    ('rgb8_jls_near.dcm', 'rgb8', False, ('dcmcjpls', '+en', '+md', '2')),
    ('rgb8planar_jls_uninterleaved.dcm', 'rgb8planar', True, ('dcmcjpls', '+el', '+in')),
    ('palette8_jls.dcm', 'palette8', True, ('dcmcjpls', '+el')),
    ('mono16s_jpeg_sv1.dcm', 'mono16s', True, ('dcmcjpeg', '+e1')),
    ('mono16s_jpeg_p14_sv3.dcm', 'mono16s', True, ('dcmcjpeg', '+el', '+sv', '3')),
    ('rgb8_jpeg_p14_sv1.dcm', 'rgb8', True, ('dcmcjpeg', '+el', '+sv', '1')),
    ('palette8_jpeg_sv1.dcm', 'palette8', True, ('dcmcjpeg', '+e1')),
    ('mono8_jpeg_sv1_fragments.dcm', 'mono8', True, ('dcmcjpeg', '+e1', '+fs', '1')),
    ('mono8_jpeg_sv1_fragments_no_offsets.dcm', 'mono8', True, ('dcmcjpeg', '+e1', '+fs', '1', '-ot')),
    ('mono8_jpeg_baseline.dcm', 'mono8', False, ('dcmcjpeg', '+eb')),
    ('mono8_jpeg_spectral.dcm', 'mono8', False, ('dcmcjpeg', '+es')),
    ('mono8_jpeg_progressive.dcm', 'mono8', False, ('dcmcjpeg', '+ep')),
    ('mono16m1_jpeg_extended12.dcm', 'mono16m1', False, ('dcmcjpeg', '+ee')),
    ('mono16s_jpeg_extended12.dcm', 'mono16s', False, ('dcmcjpeg', '+ee')),
    ('rgb8_jpeg_baseline_ybr422.dcm', 'rgb8', False, ('dcmcjpeg', '+eb', '+s2')),
    ('rgb8_jpeg_baseline_ybr444.dcm', 'rgb8', False, ('dcmcjpeg', '+eb', '+s4')),
    ('rgb8_jpeg_baseline_rgb.dcm', 'rgb8', False, ('dcmcjpeg', '+eb', '+cr')),
    ('rgb8_jpeg_baseline_fragments_no_offsets.dcm', 'rgb8', False, ('dcmcjpeg', '+eb', '+s2', '+fs', '1', '-ot')),
    ('mono16s_j2k_lossless.dcm', 'mono16s', True, ('j2k', True, 0, None)),
    ('mono16s_j2k_lossy.dcm', 'mono16s', False, ('j2k', False, 0, None)),
    ('mono16m1_j2k_lossless.dcm', 'mono16m1', True, ('j2k', True, 0, None)),
    ('mono8_j2k_lossy.dcm', 'mono8', False, ('j2k', False, 0, None)),
    ('rgb8_j2k_rct.dcm', 'rgb8', True, ('j2k', True, 1, 'YBR_RCT')),
    ('rgb8_j2k_ict.dcm', 'rgb8', False, ('j2k', False, 1, 'YBR_ICT')),
    ('rgb8_j2k_lossy_rgb.dcm', 'rgb8', False, ('j2k', False, 0, None)),
    ('palette8_j2k_lossless.dcm', 'palette8', True, ('j2k', True, 0, None)),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = {}
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for n, (name, (arr, pi, stored, signed, planar)) in enumerate(sorted(sources().items())):
            paths[name] = os.path.join(tmp, name + '.dcm')
            write_native(paths[name], n, arr, pi, stored, signed, planar)
        for name, source, lossless, how in PLAN:
            dst = os.path.join(OUT, name)
            tool = how[0]
            if tool == 'copy':
                shutil.copyfile(paths[source], dst)
            elif tool == 'j2k':
                j2k(paths[source], dst, *how[1:])
            elif tool == 'dcmconv':
                run(tool, *how[1:], paths[source], dst)
            else:
                run(tool, '+un', *how[1:], paths[source], dst)  # +un: keep the UIDs, so reruns write the same files
            ds = pydicom.dcmread(dst)
            manifest[name] = {
                'source': source.replace('planar', ''),
                'lossless': lossless,
                'made_by': ' '.join(str(h) for h in how),
                'transfer_syntax': str(ds.file_meta.TransferSyntaxUID),
                'photometric': ds.PhotometricInterpretation,
                'frames': int(ds.get('NumberOfFrames', 1)),
            }
            print(name, manifest[name]['transfer_syntax'], ds.PhotometricInterpretation, os.path.getsize(dst), 'bytes')
        # the sources themselves, for the lossless checks (little-endian .npy, gzip'd; rgb8planar is rgb8)
        for name, (arr, *_rest) in sources().items():
            if not name.endswith('planar'):
                buf = io.BytesIO()
                np.save(buf, arr.astype(arr.dtype.newbyteorder('<')))
                with open(os.path.join(OUT, 'source-' + name + '.npy.gz'), 'wb') as f:
                    f.write(gzip.compress(buf.getvalue(), 9, mtime=0))
    with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""Builds one study the way a hospital PACS holds them, from pydicom's own test files.

Every image transfer syntax and colour model the pipeline must decode, multi-frame images, and
objects without pixels (SR, SEG, KO, RT plan), all given fresh UIDs under one study of one patient.
Compressed variants pydicom does not ship are made with dcmtk (JPEG, JPEG-LS, RLE) and GDCM
(JPEG 2000), the tools hospitals' own archives use.

    make_mixed_study.py OUT_DIR [--undecodable]

Writes OUT_DIR/*.dcm and OUT_DIR/index.json: one entry per file with its series description,
transfer syntax, photometric interpretation, frames, and whether it is an image. With
--undecodable, a second study holds one image in a transfer syntax no codec here decodes (MPEG-4).
"""
import copy
import json
import os
import subprocess
import sys
import tempfile

import gdcm
import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, generate_uid

FILES = os.path.join(os.path.dirname(pydicom.__file__), "data", "test_files")
PATIENT_ID = "RADFLOW-MIXED"


class Study:
    def __init__(self, out, study_uid):
        self.out = out
        self.study_uid = study_uid
        self.series = {}
        self.index = []

    def series_uid(self, description):
        if description not in self.series:
            self.series[description] = (generate_uid(), len(self.series) + 1)
        return self.series[description]

    def add(self, ds, description, name, image):
        """Re-identifies a data set into this study and writes it as it is encoded."""
        uid, number = self.series_uid(description)
        ds.StudyInstanceUID = self.study_uid
        ds.SeriesInstanceUID = uid
        ds.SeriesNumber = number
        ds.SeriesDescription = description
        ds.SOPInstanceUID = generate_uid()
        ds.PatientID = PATIENT_ID
        ds.PatientName = "Mixed^Study"
        ds.StudyDate = "20261204"
        ds.AccessionNumber = "RF0001"
        ds.InstanceNumber = sum(1 for e in self.index if e["series"] == description) + 1
        if "file_meta" in ds.__dict__ or hasattr(ds, "file_meta"):
            ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        path = os.path.join(self.out, name + ".dcm")
        ds.save_as(path, write_like_original=False)
        self.record(path, description, image)
        return path

    def record(self, path, description, image):
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        self.index.append({
            "file": os.path.basename(path), "series": description, "image": image,
            "studyInstanceUid": str(ds.StudyInstanceUID), "seriesInstanceUid": str(ds.SeriesInstanceUID),
            "sopInstanceUid": str(ds.SOPInstanceUID), "sopClassUid": str(ds.SOPClassUID),
            "modality": str(ds.get("Modality", "")), "transferSyntax": str(ds.file_meta.TransferSyntaxUID),
            "photometricInterpretation": str(ds.get("PhotometricInterpretation", "")),
            "frames": int(ds.get("NumberOfFrames", 1) or 1)})

    def transcode(self, native_path, description, name, tool, *args):
        """Re-encodes a native file written by add() with dcmtk; the UIDs stay those of the native file."""
        self.index = [e for e in self.index if e["file"] != os.path.basename(native_path)]
        path = os.path.join(self.out, name + ".dcm")
        subprocess.run([tool, *args, native_path, path], check=True, capture_output=True)
        os.remove(native_path)
        self.record(path, description, True)
        return path

    def transcode_j2k(self, native_path, description, name, lossless):
        self.index = [e for e in self.index if e["file"] != os.path.basename(native_path)]
        reader = gdcm.ImageReader()
        reader.SetFileName(native_path)
        if not reader.Read():
            raise RuntimeError("GDCM cannot read " + native_path)
        change = gdcm.ImageChangeTransferSyntax()
        ts = gdcm.TransferSyntax.JPEG2000Lossless if lossless else gdcm.TransferSyntax.JPEG2000
        change.SetTransferSyntax(gdcm.TransferSyntax(ts))
        if not lossless:
            codec = gdcm.JPEG2000Codec()
            codec.SetRate(0, 10)  # about 10:1
            change.SetUserCodec(codec)
        change.SetInput(reader.GetImage())
        if not change.Change():
            raise RuntimeError("GDCM cannot encode JPEG 2000")
        writer = gdcm.ImageWriter()
        writer.SetFile(reader.GetFile())
        writer.SetImage(change.GetOutput())
        path = os.path.join(self.out, name + ".dcm")
        writer.SetFileName(path)
        if not writer.Write():
            raise RuntimeError("GDCM cannot write " + path)
        os.remove(native_path)
        self.record(path, description, True)
        return path


def read(name):
    return pydicom.dcmread(os.path.join(FILES, name))


def multi_frame_ct(frames):
    """A multi-frame greyscale image from CT_small: the slice shifted once per frame."""
    ct = read("CT_small.dcm")
    pixels = ct.pixel_array
    stack = np.stack([np.roll(pixels, 9 * k, axis=1) for k in range(frames)])
    ds = copy.deepcopy(ct)
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7.3"  # Multi-frame Grayscale Word Secondary Capture
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.Modality = "OT"
    ds.NumberOfFrames = frames
    ds.FrameIncrementPointer = (0x0018, 0x2002)  # Frame Label Vector, as for other SC multi-frames
    ds.PixelRepresentation = 0
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelData = np.clip(stack.astype(np.int32) + 1024, 0, 4095).astype(np.uint16).tobytes()
    ds.RescaleIntercept = -1024
    ds.RescaleSlope = 1
    return ds


def multi_frame_8bit(frames):
    """The same multi-frame image in 8 bits, as JPEG baseline takes it."""
    ds = multi_frame_ct(frames)
    values = np.frombuffer(ds.PixelData, dtype=np.uint16)
    ds.PixelData = (values >> 4).astype(np.uint8).tobytes()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7.2"  # Multi-frame Grayscale Byte Secondary Capture
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.BitsAllocated = 8
    ds.BitsStored = 8
    ds.HighBit = 7
    ds.RescaleIntercept = 0
    for tag in ("WindowCenter", "WindowWidth"):
        if tag in ds:
            delattr(ds, tag)
    return ds


def palette_colour():
    """A PALETTE COLOR image: CT_small's values as 8-bit indices into a blue-to-red ramp."""
    ct = read("CT_small.dcm")
    values = ct.pixel_array.astype(np.float64)
    indices = ((values - values.min()) / max(1.0, values.max() - values.min()) * 255).astype(np.uint8)
    ds = copy.deepcopy(ct)
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.Modality = "OT"
    ds.PhotometricInterpretation = "PALETTE COLOR"
    ds.BitsAllocated = 8
    ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    for tag in ("RescaleIntercept", "RescaleSlope", "WindowCenter", "WindowWidth"):
        if tag in ds:
            delattr(ds, tag)
    ramp = np.arange(256)
    ds.RedPaletteColorLookupTableDescriptor = [256, 0, 16]
    ds.GreenPaletteColorLookupTableDescriptor = [256, 0, 16]
    ds.BluePaletteColorLookupTableDescriptor = [256, 0, 16]
    ds.RedPaletteColorLookupTableData = (ramp * 257).astype("<u2").tobytes()
    ds.GreenPaletteColorLookupTableData = ((255 - abs(2 * ramp - 255)) * 257).astype("<u2").tobytes()
    ds.BluePaletteColorLookupTableData = ((255 - ramp) * 257).astype("<u2").tobytes()
    for colour in ("Red", "Green", "Blue"):
        ds[colour + "PaletteColorLookupTableDescriptor"].VR = "US"
        ds[colour + "PaletteColorLookupTableData"].VR = "OW"
    ds.PixelData = indices.tobytes()
    return ds


def monochrome1():
    mr = read("MR_small.dcm")
    ds = copy.deepcopy(mr)
    ds.PhotometricInterpretation = "MONOCHROME1"
    return ds


def key_object_selection(study, referenced):
    """A Key Object Selection document (no pixels) pointing at one image of the study."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.88.59"
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.Modality = "KO"
    ds.ValueType = "CONTAINER"
    concept = Dataset()
    concept.CodeValue = "113000"
    concept.CodingSchemeDesignator = "DCM"
    concept.CodeMeaning = "Of Interest"
    ds.ConceptNameCodeSequence = Sequence([concept])
    item = Dataset()
    item.RelationshipType = "CONTAINS"
    item.ValueType = "IMAGE"
    ref = Dataset()
    ref.ReferencedSOPClassUID = referenced["sopClassUid"]
    ref.ReferencedSOPInstanceUID = referenced["sopInstanceUid"]
    item.ReferencedSOPSequence = Sequence([ref])
    ds.ContentSequence = Sequence([item])
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    return ds


def build(out, undecodable):
    os.makedirs(out, exist_ok=True)
    study = Study(out, generate_uid())
    # Native greyscale: explicit and implicit little endian, big endian, deflated.
    for k in range(2):
        study.add(read("CT_small.dcm"), "CT native", "ct-native-%d" % (k + 1), True)
    implicit = read("CT_small.dcm")
    implicit.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian
    implicit.is_implicit_VR = True  # pydicom writes the data set as these say, whatever the file meta claims
    implicit.is_little_endian = True
    study.add(implicit, "CT native", "ct-native-implicit", True)
    # JPEG 2000 CT, lossy and lossless (13 of 16 bits stored).
    study.add(read("693_J2KI.dcm"), "CT JPEG 2000", "ct-j2k-lossy", True)
    study.add(read("J2K_pixelrep_mismatch.dcm"), "CT JPEG 2000", "ct-j2k-lossless", True)
    # MR: RLE, JPEG-LS lossless, JPEG 2000 lossless, big endian, JPEG lossless SV1, MONOCHROME1.
    for name in ("MR_small_RLE", "MR_small_jpeg_ls_lossless", "MR_small_jp2klossless", "MR_small_bigendian"):
        study.add(read(name + ".dcm"), "MR compressed", "mr-" + name[9:].lower().replace("_", "-"), True)
    native = study.add(read("MR_small.dcm"), "MR compressed", "mr-native-for-sv1", True)
    study.transcode(native, "MR compressed", "mr-jpeg-lossless-sv1", "dcmcjpeg", "--encode-lossless-sv1")
    study.add(monochrome1(), "MR compressed", "mr-monochrome1", True)
    # NM in 12-bit extended JPEG.
    study.add(read("JPGExtended.dcm"), "NM 12-bit JPEG", "nm-jpeg-extended", True)
    # Colour: JPEG baseline YBR_FULL and YBR_FULL_422, RLE RGB, native YBR_FULL_422, JPEG 2000 RGB and YBR_RCT,
    # planar RGB in big endian, JPEG lossless RGB, palette colour, deflated.
    for name in ("SC_rgb_jpeg_dcmtk", "SC_rgb_dcmtk_+eb+cy+np", "SC_rgb_rle", "SC_ybr_full_422_uncompressed",
                 "SC_rgb_gdcm_KY", "GDCMJ2K_TextGBR", "SC_rgb_jpeg_gdcm"):
        study.add(read(name + ".dcm"), "Colour secondary capture", name.lower().replace("+", "").replace("_", "-"), True)
    study.add(read("ExplVR_BigEnd.dcm"), "US colour big endian", "us-rgb-bigendian", True)
    study.add(palette_colour(), "Palette colour", "ot-palette", True)
    study.add(read("image_dfl.dcm"), "Deflated", "ot-deflated", True)
    # Multi-frame: colour RLE, and greyscale native, JPEG-LS lossless and near-lossless, JPEG lossless and
    # 12-bit extended, RLE, JPEG 2000 lossless and lossy.
    study.add(read("SC_rgb_rle_2frame.dcm"), "Multi-frame", "mf-rgb-rle", True)
    study.add(multi_frame_ct(3), "Multi-frame", "mf-native", True)
    for name, tool, args in (("mf-jpeg-ls", "dcmcjpls", ["--encode-lossless"]),
                             ("mf-jpeg-ls-near-lossless", "dcmcjpls", ["--encode-nearlossless", "--max-deviation", "2"]),
                             ("mf-jpeg-lossless", "dcmcjpeg", ["--encode-lossless-sv1"]),
                             ("mf-jpeg-extended", "dcmcjpeg", ["--encode-extended"]), ("mf-rle", "dcmcrle", [])):
        native = study.add(multi_frame_ct(3), "Multi-frame", name + "-native", True)
        study.transcode(native, "Multi-frame", name, tool, *args)
    native = study.add(multi_frame_8bit(1), "Multi-frame", "ot-jpeg-baseline-native", True)
    study.transcode(native, "Multi-frame", "ot-jpeg-baseline", "dcmcjpeg", "--encode-baseline")
    native = study.add(multi_frame_8bit(3), "Multi-frame", "mf-jpeg-baseline-native", True)
    study.transcode(native, "Multi-frame", "mf-jpeg-baseline", "dcmcjpeg", "--encode-baseline")
    native = study.add(multi_frame_ct(3), "Multi-frame", "mf-j2k-native", True)
    study.transcode_j2k(native, "Multi-frame", "mf-j2k-lossless", True)
    native = study.add(multi_frame_ct(2), "Multi-frame", "mf-j2k-lossy-native", True)
    study.transcode_j2k(native, "Multi-frame", "mf-j2k-lossy", False)
    # Objects without pixels, each in a series of its own, and a segmentation (pixels, but not an image).
    study.add(read("test-SR.dcm"), "Structured report", "sr-comprehensive", False)
    study.add(read("liver_1frame.dcm"), "Segmentation", "seg-liver", False)
    study.add(read("rtplan.dcm"), "RT plan", "rt-plan", False)
    first_image = next(e for e in study.index if e["image"])
    study.add(key_object_selection(study, first_image), "Key objects", "ko-of-interest", False)
    index = {"studies": [{"studyInstanceUid": study.study_uid, "files": study.index}]}
    if undecodable:
        other = Study(out, generate_uid())
        ds = read("MR_small_jpeg_ls_lossless.dcm")
        ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.4.102"  # MPEG-4 AVC/H.264: no codec here decodes it
        other.add(ds, "MR in MPEG-4", "undecodable-mpeg4", True)
        index["studies"].append({"studyInstanceUid": other.study_uid, "files": other.index})
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f, indent=1)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    build(sys.argv[1], "--undecodable" in sys.argv[2:])

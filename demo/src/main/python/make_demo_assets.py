#!/usr/bin/python3
"""Builds the demo's bundled assets. Run from the repository root with Debian's python
(python3-onnx, python3-numpy, python3-pydicom):

    /usr/bin/python3 demo/src/main/python/make_demo_assets.py

It writes, under demo/src/main/resources/io/radflow/demo/:
  models/brightness.onnx  an INSTANCE-scope classifier: mean of the windowed image, then two
                          logits, so "bright" wins when more than half the window is lit
                          (IR 8, opset 13; input "image" [N, 1, 64, 64], output "scores" [N, 2]).
  dicom/phantom/INDEX     the names of the files below, one per line (a jar cannot list a folder).
  dicom/phantom/*.dcm     one synthetic CT study of two series (6 and 4 slices, 64 x 64, int16,
                          explicit VR little endian): a disc whose radius grows slice by slice,
                          with seeded noise. Real DICOM Part 10 files, so every reader in the
                          pipeline (Java's, pydicom) sees what it would see from a scanner.
Running it again gives the same bytes (fixed seeds, UIDs and dates).
"""
import datetime
import os
import uuid

import numpy as np
import onnx
import pydicom
from onnx import TensorProto, helper, numpy_helper
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, PYDICOM_IMPLEMENTATION_UID

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "io", "radflow", "demo"))


def brightness_model(path):
    # scores = mean(image) * [-8, 8] + [4, -4]: the two logits cross at mean 0.5.
    w = numpy_helper.from_array(np.array([[-8.0, 8.0]], dtype=np.float32), "w")
    b = numpy_helper.from_array(np.array([4.0, -4.0], dtype=np.float32), "b")
    nodes = [
        helper.make_node("ReduceMean", ["image"], ["m"], axes=[2, 3], keepdims=0),
        helper.make_node("MatMul", ["m", "w"], ["wm"]),
        helper.make_node("Add", ["wm", "b"], ["scores"]),
    ]
    graph = helper.make_graph(nodes, "brightness",
                              [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 1, 64, 64])],
                              [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["N", 2])],
                              initializer=[w, b])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="radflow-demo")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def uid(name):
    """A DICOM UID under 2.25 (UUID-derived), the same for the same name."""
    return "2.25." + str(uuid.uuid5(uuid.NAMESPACE_URL, "radflow-demo/" + name).int)


def phantom_study(directory):
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(20261127)
    study = uid("phantom-study")
    when = datetime.datetime(2026, 11, 27, 9, 30)
    yy, xx = np.mgrid[0:64, 0:64]
    names = []
    for series_number, (description, slices) in enumerate([("Phantom axial", 6), ("Phantom coronal", 4)], start=1):
        series = uid("phantom-series-%d" % series_number)
        for i in range(slices):
            radius = 8 + 4 * i
            disc = ((yy - 32) ** 2 + (xx - 32) ** 2) <= radius ** 2
            hu = np.where(disc, 300.0, -900.0) + rng.normal(0, 15, size=(64, 64))
            stored = np.round((hu + 1024.0)).astype(np.int16)  # slope 1, intercept -1024

            meta = FileMetaDataset()
            meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
            meta.MediaStorageSOPInstanceUID = uid("phantom-%d-%d" % (series_number, i))
            meta.TransferSyntaxUID = ExplicitVRLittleEndian
            meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
            ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
            ds.SOPClassUID = meta.MediaStorageSOPClassUID
            ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
            ds.StudyInstanceUID = study
            ds.SeriesInstanceUID = series
            ds.PatientName = "RADFLOW^PHANTOM"
            ds.PatientID = "RF-PHANTOM-1"
            ds.StudyDate = when.strftime("%Y%m%d")
            ds.StudyTime = when.strftime("%H%M%S")
            ds.StudyDescription = "Radflow demo phantom"
            ds.SeriesDescription = description
            ds.Modality = "CT"
            ds.SeriesNumber = series_number
            ds.InstanceNumber = i + 1
            ds.ImagesInAcquisition = slices
            ds.SamplesPerPixel = 1
            ds.PhotometricInterpretation = "MONOCHROME2"
            ds.Rows, ds.Columns = 64, 64
            ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 16, 15
            ds.PixelRepresentation = 1
            ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
            ds.WindowCenter, ds.WindowWidth = -300, 1200
            ds.PixelData = stored.tobytes()
            ds.is_little_endian, ds.is_implicit_VR = True, False
            name = "s%d-%02d.dcm" % (series_number, i + 1)
            ds.save_as(os.path.join(directory, name), write_like_original=False)
            names.append(name)
    with open(os.path.join(directory, "INDEX"), "w") as index:
        index.write("".join(n + "\n" for n in names))


if __name__ == "__main__":
    brightness_model(os.path.join(ROOT, "models", "brightness.onnx"))
    phantom_study(os.path.join(ROOT, "dicom", "phantom"))
    for dirpath, _, files in sorted(os.walk(ROOT)):
        for f in sorted(files):
            p = os.path.join(dirpath, f)
            print(os.path.relpath(p, ROOT), os.path.getsize(p))

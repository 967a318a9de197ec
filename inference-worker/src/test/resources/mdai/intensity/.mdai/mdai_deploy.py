"""An MD.ai-style test model: simple intensity statistics of each frame, read with pydicom and numpy.

Per frame it returns five outputs, one per label class:
  0 GLOBAL   probability = fraction of pixels above the frame's mean
  1 BBOX     the box around the pixels above t = (min + max) / 2
  2 LOCATION the first brightest pixel (row-major)
  3 MASK     pixels above t
  4 POLYGON  the corners of the box of class 1
Multi-frame instances get one set per frame with a zero-based frame_number. With the environment
variable INTENSITY_BATCH=1 (set through config.yaml's env) the model also has predict_batch.
"""
import os
from io import BytesIO

import numpy as np
import pydicom

from intensity_math import frame_outputs

print("intensity model imported")  # models print; this must not disturb the worker


class MDAIModel:
    def __init__(self):
        print("intensity model ready")
        self.calls = 0

    def _read(self, file):
        if file.get("content_path"):
            return pydicom.dcmread(file["content_path"])
        return pydicom.dcmread(BytesIO(file["content"]))

    def predict(self, data, how="predict"):
        self.calls += 1
        outputs = []
        for file in data["files"]:
            if file["content_type"] != "application/dicom":
                continue
            ds = self._read(file)
            pixels = ds.pixel_array.astype(np.float64)
            multi = int(getattr(ds, "NumberOfFrames", 1) or 1) > 1
            frames = pixels if multi else [pixels]
            for k, frame in enumerate(frames):
                for out in frame_outputs(frame):
                    out.update({
                        "study_uid": ds.StudyInstanceUID,
                        "series_uid": ds.SeriesInstanceUID,
                        "instance_uid": ds.SOPInstanceUID,
                        "frame_number": k if multi else None,
                        "note": "%s source=%s call=%d" % (how, data.get("input_data_source"), self.calls),
                    })
                    outputs.append(out)
        return outputs


if os.environ.get("INTENSITY_BATCH") == "1":
    def _predict_batch(self, data):
        outputs = []
        for group in data["files"]:
            outputs.extend(self.predict({**data, "files": group}, how="predict_batch groups=%d" % len(data["files"])))
        return outputs

    MDAIModel.predict_batch = _predict_batch

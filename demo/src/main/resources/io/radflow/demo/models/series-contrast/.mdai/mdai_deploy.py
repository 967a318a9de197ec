"""Radflow demo model, SERIES scope, in MD.ai's deployment interface.

For the files of one series it returns two outputs:
  class 0 "High contrast" (GLOBAL, SERIES): probability = share of the series' pixels more than
          one standard deviation away from the series mean of modality values;
  class 1 "Brightest point" (LOCAL, LOCATION): the brightest pixel of the series.
"""
from io import BytesIO

import numpy as np
import pydicom


def modality_values(ds):
    pixels = ds.pixel_array.astype(np.float64)
    return pixels * float(getattr(ds, "RescaleSlope", 1) or 1) + float(getattr(ds, "RescaleIntercept", 0) or 0)


class MDAIModel:
    def __init__(self):
        self.name = "series-contrast"

    def predict(self, data):
        datasets = [pydicom.dcmread(BytesIO(f["content"])) for f in data["files"] if f["content_type"] == "application/dicom"]
        if not datasets:
            return []
        frames = [modality_values(ds) for ds in datasets]
        values = np.concatenate([f.ravel() for f in frames])
        mean, std = values.mean(), values.std()
        high = float((np.abs(values - mean) > std).mean()) if std > 0 else 0.0
        best = max(range(len(frames)), key=lambda i: frames[i].max())
        row, col = np.unravel_index(int(np.argmax(frames[best])), frames[best].shape)
        first, brightest = datasets[0], datasets[best]
        return [
            {"type": "ANNOTATION", "study_uid": first.StudyInstanceUID, "series_uid": first.SeriesInstanceUID,
             "instance_uid": None, "frame_number": None, "class_index": 0, "data": None, "probability": high,
             "note": "%d instances, mean %.1f, sd %.1f" % (len(datasets), mean, std), "explanations": []},
            {"type": "ANNOTATION", "study_uid": brightest.StudyInstanceUID, "series_uid": brightest.SeriesInstanceUID,
             "instance_uid": brightest.SOPInstanceUID, "frame_number": None, "class_index": 1,
             "data": {"x": int(col), "y": int(row)}, "probability": None, "explanations": []},
        ]

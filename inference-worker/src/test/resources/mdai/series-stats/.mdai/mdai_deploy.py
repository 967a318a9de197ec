"""An MD.ai-style SERIES-scope test model, reading DICOM with pydicom and numpy.

For the files of one series, in the order given, it returns:
  0 GLOBAL (SERIES)   probability = fraction of all pixels of the series above the series mean,
                      note = the number of instances
  1 LOCATION          the first brightest pixel of the series (file order, then row-major)
"""
from io import BytesIO

import numpy as np
import pydicom


class MDAIModel:
    def predict(self, data):
        datasets = [pydicom.dcmread(BytesIO(f["content"])) for f in data["files"]]
        frames = [ds.pixel_array.astype(np.float64) for ds in datasets]
        everything = np.concatenate([f.ravel() for f in frames])
        mean = everything.mean()
        best, best_value = None, None
        for ds, frame in zip(datasets, frames):
            value = frame.max()
            if best_value is None or value > best_value:
                best, best_value = (ds, frame), value
        ds, frame = best
        r, c = np.unravel_index(int(np.argmax(frame)), frame.shape)
        first = datasets[0]
        return [
            {"type": "ANNOTATION", "study_uid": first.StudyInstanceUID, "series_uid": first.SeriesInstanceUID,
             "instance_uid": None, "class_index": 0, "probability": float((everything > mean).mean()),
             "note": "instances=%d" % len(datasets)},
            {"type": "ANNOTATION", "study_uid": ds.StudyInstanceUID, "series_uid": ds.SeriesInstanceUID,
             "instance_uid": ds.SOPInstanceUID, "class_index": 1, "data": {"x": int(c), "y": int(r)}},
        ]

"""Radflow demo model, STUDY scope, in MD.ai's deployment interface.

It reads only the headers of a study's files and returns one GLOBAL STUDY-scope output:
class 1 "Multi-series study" when the study has more than one series, else class 0
"Single-series study", with a note summarising modalities, series and instances.
"""
from collections import Counter
from io import BytesIO

import pydicom


class MDAIModel:
    def predict(self, data):
        headers = [pydicom.dcmread(BytesIO(f["content"]), stop_before_pixels=True) for f in data["files"]]
        if not headers:
            return []
        series = {h.SeriesInstanceUID for h in headers}
        modalities = Counter(str(getattr(h, "Modality", "?")) for h in headers)
        summary = ", ".join("%s x%d" % (m, n) for m, n in sorted(modalities.items()))
        return [{
            "type": "ANNOTATION", "study_uid": headers[0].StudyInstanceUID, "series_uid": None, "instance_uid": None,
            "frame_number": None, "class_index": 1 if len(series) > 1 else 0, "data": None, "probability": 1.0,
            "note": "%d series, %d instances (%s)" % (len(series), len(headers), summary), "explanations": [],
        }]

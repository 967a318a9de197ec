"""Radflow demo model, SERIES scope, in MD.ai's deployment interface.

For the files of one series it returns two outputs:
  class 0 "High contrast" (GLOBAL, SERIES): probability = share of the series' pixels more than
          one standard deviation away from the series mean of modality values;
  class 1 "Brightest point" (LOCAL, LOCATION): the brightest pixel of the series, with its frame
          when the image has several.

pydicom decodes every transfer syntax the worker's Python has a handler for (GDCM with
python3-gdcm: JPEG, JPEG-LS, JPEG 2000, RLE). Colour images count by their luminance.
"""
from io import BytesIO

import numpy as np
import pydicom


def frames(ds):
    """The image's frames as 2-D arrays of modality values (colour: BT.601 luminance)."""
    pixels = ds.pixel_array.astype(np.float64)
    colour = int(getattr(ds, "SamplesPerPixel", 1) or 1) == 3
    if colour:
        if str(ds.PhotometricInterpretation).startswith("YBR"):
            pixels = pixels[..., 0]  # Y is the luminance already
        else:
            pixels = pixels @ np.array([0.299, 0.587, 0.114])
    else:
        pixels = pixels * float(getattr(ds, "RescaleSlope", 1) or 1) + float(getattr(ds, "RescaleIntercept", 0) or 0)
    count = int(getattr(ds, "NumberOfFrames", 1) or 1)
    return list(pixels) if count > 1 else [pixels]


class MDAIModel:
    def __init__(self):
        self.name = "series-contrast"

    def predict(self, data):
        datasets = [pydicom.dcmread(BytesIO(f["content"])) for f in data["files"] if f["content_type"] == "application/dicom"]
        if not datasets:
            return []
        # (dataset, frame number or None, 2-D frame) for every frame of every image
        all_frames = []
        for ds in datasets:
            image_frames = frames(ds)
            for k, frame in enumerate(image_frames):
                all_frames.append((ds, k if len(image_frames) > 1 else None, frame))
        values = np.concatenate([f.ravel() for _, _, f in all_frames])
        mean, std = values.mean(), values.std()
        high = float((np.abs(values - mean) > std).mean()) if std > 0 else 0.0
        brightest, frame_number, best = max(all_frames, key=lambda t: t[2].max())
        row, col = np.unravel_index(int(np.argmax(best)), best.shape)
        first = datasets[0]
        return [
            {"type": "ANNOTATION", "study_uid": first.StudyInstanceUID, "series_uid": first.SeriesInstanceUID,
             "instance_uid": None, "frame_number": None, "class_index": 0, "data": None, "probability": high,
             "note": "%d instances, mean %.1f, sd %.1f" % (len(datasets), mean, std), "explanations": []},
            {"type": "ANNOTATION", "study_uid": brightest.StudyInstanceUID, "series_uid": brightest.SeriesInstanceUID,
             "instance_uid": brightest.SOPInstanceUID, "frame_number": frame_number, "class_index": 1,
             "data": {"x": int(col), "y": int(row)}, "probability": None, "explanations": []},
        ]

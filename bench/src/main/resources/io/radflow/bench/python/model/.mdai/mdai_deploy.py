"""The benchmark's MD.ai package: a small convolutional classifier in numpy, the kind of work a
CPU model does per image. Reads the DICOM with pydicom, applies the modality rescale and the
file's window (else its range), resizes to 192 x 192, runs three 3x3 convolution + ReLU + 2x2
max-pool blocks (8, 16, 32 channels, fixed pseudo-random weights), global average pooling and a
dense layer, and returns the softmax of two classes as GLOBAL labels with their probabilities.
"""
from io import BytesIO

import numpy as np
import pydicom

SIZE = 192
CHANNELS = (1, 8, 16, 32)


class MDAIModel:
    def __init__(self):
        rng = np.random.default_rng(7)
        self.kernels = [rng.standard_normal((9 * cin, cout)) / np.sqrt(9 * cin)
                        for cin, cout in zip(CHANNELS[:-1], CHANNELS[1:])]
        self.dense = rng.standard_normal((CHANNELS[-1], 2)) / np.sqrt(CHANNELS[-1])

    @staticmethod
    def _image(ds):
        x = ds.pixel_array.astype(np.float64)
        if x.ndim == 3:
            x = x[0]
        x = x * float(getattr(ds, "RescaleSlope", 1) or 1) + float(getattr(ds, "RescaleIntercept", 0) or 0)
        center, width = getattr(ds, "WindowCenter", None), getattr(ds, "WindowWidth", None)
        if center is not None and width is not None:
            c = float(center[0] if isinstance(center, pydicom.multival.MultiValue) else center)
            w = max(float(width[0] if isinstance(width, pydicom.multival.MultiValue) else width), 1.0)
            x = np.clip((x - (c - 0.5)) / (w - 1) + 0.5, 0, 1)
        else:
            x = (x - x.min()) / max(x.max() - x.min(), 1e-9)
        rows = (np.arange(SIZE) * x.shape[0] // SIZE)
        cols = (np.arange(SIZE) * x.shape[1] // SIZE)
        return x[np.ix_(rows, cols)][:, :, None]

    @staticmethod
    def _conv_block(x, kernel):
        h, w, c = x.shape
        padded = np.pad(x, ((1, 1), (1, 1), (0, 0)))
        patches = np.concatenate([padded[i:i + h, j:j + w, :] for i in range(3) for j in range(3)], axis=2)
        y = np.maximum(patches.reshape(h * w, 9 * c) @ kernel, 0).reshape(h, w, -1)
        return y.reshape(h // 2, 2, w // 2, 2, -1).max(axis=(1, 3))

    def predict(self, data):
        outputs = []
        for file in data["files"]:
            if file["content_type"] != "application/dicom":
                continue
            source = file["content_path"] if file.get("content_path") else BytesIO(file["content"])
            ds = pydicom.dcmread(source)
            x = self._image(ds)
            for kernel in self.kernels:
                x = self._conv_block(x, kernel)
            logits = x.mean(axis=(0, 1)) @ self.dense
            p = np.exp(logits - logits.max())
            p = p / p.sum()
            for k in range(2):
                outputs.append({"type": "ANNOTATION", "study_uid": str(ds.StudyInstanceUID),
                                "series_uid": str(ds.SeriesInstanceUID), "instance_uid": str(ds.SOPInstanceUID),
                                "class_index": k, "probability": float(p[k])})
        return outputs

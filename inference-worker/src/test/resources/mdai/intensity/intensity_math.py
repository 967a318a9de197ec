"""The statistics of the intensity test model, kept beside mdai_deploy.py's folder to show that
the package root is on sys.path."""
import numpy as np


def frame_outputs(frame):
    mean = frame.mean()
    lo, hi = frame.min(), frame.max()
    t = (lo + hi) / 2.0
    above = frame > t
    rows = np.flatnonzero(above.any(axis=1))
    cols = np.flatnonzero(above.any(axis=0))
    outputs = [{"type": "ANNOTATION", "class_index": 0, "probability": float((frame > mean).mean()), "data": None}]
    if rows.size:
        x0, y0, x1, y1 = int(cols[0]), int(rows[0]), int(cols[-1]), int(rows[-1])
        outputs.append({"type": "ANNOTATION", "class_index": 1, "probability": None,
                        "data": {"x": x0, "y": y0, "width": x1 - x0 + 1, "height": y1 - y0 + 1}})
        outputs.append({"type": "ANNOTATION", "class_index": 4, "probability": None,
                        "data": {"vertices": [[float(x0), float(y0)], [float(x1 + 1), float(y0)],
                                              [float(x1 + 1), float(y1 + 1)], [float(x0), float(y1 + 1)]]}})
        outputs.append({"type": "ANNOTATION", "class_index": 3, "probability": None,
                        "data": {"mask": above.astype(np.uint8).tolist()}})
    r, c = np.unravel_index(int(np.argmax(frame)), frame.shape)
    outputs.append({"type": "ANNOTATION", "class_index": 2, "probability": None, "data": {"x": int(c), "y": int(r)}})
    return outputs

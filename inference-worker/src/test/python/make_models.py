#!/usr/bin/python3
"""Builds the inference worker's small real ONNX test models and their expected outputs.

Run from the repository root with Debian's python (python3-onnx 1.12, python3-numpy,
python3-pydicom):

    /usr/bin/python3 inference-worker/src/test/python/make_models.py

It writes the models (IR 8, opset 13) and expected.json, which holds what the worker must
publish for each (model, DICOM file) pair. The expected values are computed here with numpy
from pydicom's pixel data, independently of the Java code: the same documented pre-processing
(rescale slope/intercept, window, bilinear resize with half-pixel centres), the model's maths
written out in numpy (no onnxruntime), and the same post-processing (mean over frames, argmax,
threshold, nearest-neighbour upsampling, 4-connected components).

The weights are drawn from a seeded generator, so running this again gives the same files.
"""
import base64
import hashlib
import json
import os
import shutil
import sys

import numpy as np
import onnx
import pydicom
from numpy.lib.stride_tricks import sliding_window_view
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.abspath(__file__))
MODULE = os.path.normpath(os.path.join(ROOT, "..", "..", ".."))
TEST_MODELS = os.path.join(MODULE, "src", "test", "resources", "models")
# The worker benchmark runs the same classifier: the bench module keeps a copy.
BENCH_MODELS = os.path.join(MODULE, "..", "bench", "src", "main", "resources", "io", "radflow", "bench", "worker")
DICOM_DIR = "/usr/lib/python3/dist-packages/pydicom/data/test_files"

OPSET = 13
IR_VERSION = 8


# ---------------------------------------------------------------- models

def conv_weights(rng, out_ch, in_ch):
    fan_in = in_ch * 9
    w = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(out_ch, in_ch, 3, 3)).astype(np.float32)
    b = rng.normal(0.0, 0.05, size=(out_ch,)).astype(np.float32)
    return w, b


def classifier_params(classes):
    """A small CNN: three 3x3 convolutions (1->32, 32->64 with stride 2, 64->64), global average pool,
    dense, softmax. About 0.7 GMAC per 224x224 image: few weights, but a realistic amount of work
    per image, so the worker benchmark measures the pipeline around a model, not around a no-op."""
    rng = np.random.default_rng(20261127)
    p = {}
    p["w1"], p["b1"] = conv_weights(rng, 32, 1)
    p["w2"], p["b2"] = conv_weights(rng, 64, 32)
    p["w3"], p["b3"] = conv_weights(rng, 64, 64)
    p["wd"] = rng.normal(0.0, 1.5, size=(classes, 64)).astype(np.float32)
    p["bd"] = rng.normal(0.0, 0.1, size=(classes,)).astype(np.float32)
    return p


def save(model, path):
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    onnx.save(model, path)
    print("wrote", os.path.relpath(path, MODULE), os.path.getsize(path), "bytes")


def classifier_model(p, size, name):
    inits = [numpy_helper.from_array(v, k) for k, v in p.items()]
    nodes = [
        helper.make_node("Conv", ["image", "w1", "b1"], ["c1"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("Relu", ["c2"], ["r2"]),
        helper.make_node("Conv", ["r2", "w3", "b3"], ["c3"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c3"], ["r3"]),
        helper.make_node("GlobalAveragePool", ["r3"], ["g"]),
        helper.make_node("Flatten", ["g"], ["f"], axis=1),
        helper.make_node("Gemm", ["f", "wd", "bd"], ["logits"], transB=1),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
    ]
    classes = p["wd"].shape[0]
    graph = helper.make_graph(nodes, name,
                              [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 1, size, size])],
                              [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", classes])],
                              inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="radflow-make-models")


def pooled_classifier_model(classes, name):
    """The image's mean through a dense layer and softmax: tiny, for tests that need class scores, not realism."""
    rng = np.random.default_rng(7)
    wd = rng.normal(0.0, 1.0, size=(classes, 1)).astype(np.float32)
    bd = rng.normal(0.0, 0.1, size=(classes,)).astype(np.float32)
    nodes = [
        helper.make_node("GlobalAveragePool", ["image"], ["g"]),
        helper.make_node("Flatten", ["g"], ["f"], axis=1),
        helper.make_node("Gemm", ["f", "wd", "bd"], ["logits"], transB=1),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
    ]
    graph = helper.make_graph(nodes, name,
                              [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 1, 64, 64])],
                              [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", classes])],
                              [numpy_helper.from_array(wd, "wd"), numpy_helper.from_array(bd, "bd")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="radflow-make-models")


SEG_SIZE = 64
SEG_GAIN = 20.0
SEG_LEVELS = [0.60, 0.85]  # channel 0 and 1: sigmoid(gain * (local mean - level))


def segmenter_model():
    """3x3 local mean, then per channel sigmoid(gain * (mean - level)): two probability maps."""
    w = np.zeros((2, 1, 3, 3), dtype=np.float32)
    w[:, 0] = SEG_GAIN / 9.0
    b = np.array([-SEG_GAIN * lv for lv in SEG_LEVELS], dtype=np.float32)
    nodes = [
        helper.make_node("Conv", ["image", "w", "b"], ["z"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Sigmoid", ["z"], ["masks"]),
    ]
    graph = helper.make_graph(nodes, "segmenter",
                              [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 1, SEG_SIZE, SEG_SIZE])],
                              [helper.make_tensor_value_info("masks", TensorProto.FLOAT, ["N", 2, SEG_SIZE, SEG_SIZE])],
                              [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="radflow-make-models")


def failing_model():
    """Loads fine but fails at run time: reshapes any input to 12345 columns, which no image divides into."""
    shape = numpy_helper.from_array(np.array([-1, 12345], dtype=np.int64), "shape")
    nodes = [
        helper.make_node("Reshape", ["image", "shape"], ["flat"]),
        helper.make_node("ReduceMean", ["flat"], ["mean"], axes=[1], keepdims=1),
        helper.make_node("Concat", ["mean", "mean"], ["probabilities"], axis=1),
    ]
    graph = helper.make_graph(nodes, "failing",
                              [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 1, "H", "W"])],
                              [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 2])],
                              [shape])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="radflow-make-models")


# ---------------------------------------------------------------- reference maths (numpy, float64)

def conv2d(x, w, b, stride=1):
    """x: (C, H, W); w: (O, C, 3, 3); zero padding 1."""
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    win = sliding_window_view(xp, (3, 3), axis=(1, 2))[:, ::stride, ::stride]  # C, H', W', 3, 3
    c, h, wd = win.shape[:3]
    cols = win.transpose(1, 2, 0, 3, 4).reshape(h * wd, c * 9)  # im2col: one row per output pixel
    return (cols @ w.reshape(w.shape[0], c * 9).T).T.reshape(w.shape[0], h, wd) + b[:, None, None]


def classify(img, p):
    x = img[None].astype(np.float64)
    p = {k: v.astype(np.float64) for k, v in p.items()}
    x = np.maximum(conv2d(x, p["w1"], p["b1"]), 0)
    x = np.maximum(conv2d(x, p["w2"], p["b2"], 2), 0)
    x = np.maximum(conv2d(x, p["w3"], p["b3"]), 0)
    g = x.mean(axis=(1, 2))
    logits = p["wd"] @ g + p["bd"]
    e = np.exp(logits - logits.max())
    return e / e.sum()


def segment(img):
    x = img[None].astype(np.float64)
    w = np.full((2, 1, 3, 3), SEG_GAIN / 9.0)
    b = np.array([-SEG_GAIN * lv for lv in SEG_LEVELS])
    z = conv2d(x, w, b)
    return 1.0 / (1.0 + np.exp(-z))


# ---------------------------------------------------------------- pre-processing (the worker's documented steps)

def frames_of(ds):
    """Modality values (stored value * RescaleSlope + RescaleIntercept) of every frame, float64."""
    a = ds.pixel_array.astype(np.float64)
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    a = a.reshape(frames, ds.Rows, ds.Columns)
    slope = float(ds.get("RescaleSlope", 1) or 1)
    intercept = float(ds.get("RescaleIntercept", 0) or 0)
    return a * slope + intercept


def first(v):
    if v is None:
        return None
    if isinstance(v, pydicom.multival.MultiValue):
        return float(v[0])
    return float(v)


def window(frame, args, ds):
    """DICOM linear VOI window (PS3.3 C.11.2.1.2.1) to [0, 1]; min-max when neither args nor file give one."""
    c = args.get("window.center")
    w = args.get("window.width")
    if c is not None and w is not None:
        c, w = float(c), float(w)
    else:
        c, w = first(ds.get("WindowCenter")), first(ds.get("WindowWidth"))
    if c is None or w is None or w < 1:
        lo, hi = frame.min(), frame.max()
        return np.zeros_like(frame) if hi == lo else (frame - lo) / (hi - lo)
    y = (frame - (c - 0.5)) / (w - 1) + 0.5
    return np.clip(y, 0.0, 1.0)


def resize_bilinear(img, out_h, out_w):
    in_h, in_w = img.shape

    def axis(n_in, n_out):
        src = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
        src = np.clip(src, 0, n_in - 1)
        i0 = np.floor(src).astype(int)
        i1 = np.minimum(i0 + 1, n_in - 1)
        return i0, i1, src - i0

    y0, y1, fy = axis(in_h, out_h)
    x0, x1, fx = axis(in_w, out_w)
    top = img[y0][:, x0] * (1 - fx) + img[y0][:, x1] * fx
    bottom = img[y1][:, x0] * (1 - fx) + img[y1][:, x1] * fx
    return top * (1 - fy)[:, None] + bottom * fy[:, None]


def preprocess(ds, args, size):
    out = []
    for f in frames_of(ds):
        x = window(f, args, ds)
        x = resize_bilinear(x, size, size)
        mean = float(args.get("input.mean", 0))
        std = float(args.get("input.std", 1))
        out.append((x - mean) / std)
    return out


# ---------------------------------------------------------------- post-processing

def upsample_nearest(m, out_h, out_w):
    in_h, in_w = m.shape
    ys = np.minimum(np.floor((np.arange(out_h) + 0.5) * in_h / out_h).astype(int), in_h - 1)
    xs = np.minimum(np.floor((np.arange(out_w) + 0.5) * in_w / out_w).astype(int), in_w - 1)
    return m[ys][:, xs]


def components(mask):
    """4-connected components in raster order of their first pixel, as lists of (row, col)."""
    h, w = mask.shape
    seen = np.zeros_like(mask, dtype=bool)
    out = []
    for r in range(h):
        for c in range(w):
            if mask[r, c] and not seen[r, c]:
                stack, pix = [(r, c)], []
                seen[r, c] = True
                while stack:
                    y, x = stack.pop()
                    pix.append((y, x))
                    for dy, dx in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                        ny, nx = y + dy, x + dx
                        if 0 <= ny < h and 0 <= nx < w and mask[ny, nx] and not seen[ny, nx]:
                            seen[ny, nx] = True
                            stack.append((ny, nx))
                out.append(pix)
    return out


def check_margin(values, threshold, what, margin=1e-4):
    close = np.abs(np.asarray(values) - threshold) < margin
    if close.any():
        sys.exit(f"{what}: {close.sum()} values within {margin} of {threshold}; float32 may decide them differently")


def uids(ds):
    return {"study_uid": ds.StudyInstanceUID, "series_uid": ds.SeriesInstanceUID, "instance_uid": ds.SOPInstanceUID}


def classifier_expectation(ds, p, args, size):
    per_frame = [classify(x, p) for x in preprocess(ds, args, size)]
    mean = np.mean(per_frame, axis=0)
    order = np.sort(mean)[::-1]
    if order[0] - order[1] < 1e-3:
        sys.exit("classifier: top two probabilities too close to call")
    return [dict(type="ANNOTATION", **uids(ds), frame_number=None, class_index=int(np.argmax(mean)),
                 probability=[{"class_index": i, "probability": float(v)} for i, v in enumerate(mean)], data=None)]


def segmenter_expectation(ds, args, modes, threshold=0.5):
    outs = []
    frames = preprocess(ds, args, SEG_SIZE)
    multi = len(frames) > 1
    for fi, x in enumerate(frames):
        maps = segment(x)
        check_margin(maps, threshold, f"segmenter frame {fi}")
        for ch, mode in enumerate(modes):
            prob = upsample_nearest(maps[ch], ds.Rows, ds.Columns)
            mask = prob > threshold
            if not mask.any():
                continue
            base = dict(type="ANNOTATION", **uids(ds), frame_number=fi if multi else None, class_index=ch)
            if mode == "MASK":
                outs.append(dict(base, probability=float(prob[mask].max()),
                                 data={"mask": {"rows": int(ds.Rows), "columns": int(ds.Columns),
                                                "pixels": base64.b64encode(mask.astype(np.uint8).tobytes()).decode()}}))
            else:
                for comp in components(mask):
                    ys = [c[0] for c in comp]
                    xs = [c[1] for c in comp]
                    outs.append(dict(base, probability=float(max(prob[y, x] for y, x in comp)),
                                     data={"box": {"x": float(min(xs)), "y": float(min(ys)),
                                                   "width": float(max(xs) - min(xs) + 1),
                                                   "height": float(max(ys) - min(ys) + 1)}}))
    if not outs:
        outs.append(dict(type="NONE", **uids(ds), frame_number=None, class_index=None, probability=None, data=None))
    return outs


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    os.makedirs(TEST_MODELS, exist_ok=True)
    size = 224
    p2 = classifier_params(2)
    save(classifier_model(p2, size, "classifier"), os.path.join(TEST_MODELS, "classifier.onnx"))
    shutil.copyfile(os.path.join(TEST_MODELS, "classifier.onnx"), os.path.join(BENCH_MODELS, "classifier.onnx"))
    save(pooled_classifier_model(3, "classifier-3class"), os.path.join(TEST_MODELS, "classifier-3class.onnx"))
    save(segmenter_model(), os.path.join(TEST_MODELS, "segmenter.onnx"))
    save(failing_model(), os.path.join(TEST_MODELS, "failing.onnx"))

    # The version settings the tests register with these models; the expectations depend on them.
    classifier_args = {}
    segmenter_args = {"window.center": "300", "window.width": "1000"}
    seg_modes = ["MASK", "BBOX"]
    files = ["CT_small.dcm", "MR_small.dcm", "rtdose.dcm"]
    expected = {"classifier": {"args": classifier_args, "inputSize": size, "outputs": {}},
                "segmenter": {"args": segmenter_args, "inputSize": SEG_SIZE, "modes": seg_modes, "outputs": {}},
                "files": {}}
    for name in files:
        path = os.path.join(DICOM_DIR, name)
        ds = pydicom.dcmread(path)
        expected["files"][name] = {"sha256": sha256(path), **uids(ds), "rows": int(ds.Rows),
                                   "columns": int(ds.Columns), "frames": int(ds.get("NumberOfFrames", 1) or 1)}
        expected["classifier"]["outputs"][name] = classifier_expectation(ds, p2, classifier_args, size)
        expected["segmenter"]["outputs"][name] = segmenter_expectation(ds, segmenter_args, seg_modes)
    with open(os.path.join(TEST_MODELS, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    for name in files:
        c = expected["classifier"]["outputs"][name][0]
        s = expected["segmenter"]["outputs"][name]
        print(name, "class", c["class_index"], [round(x["probability"], 4) for x in c["probability"]],
              "| segmenter outputs", [(o["type"], o["class_index"], o["frame_number"]) for o in s][:8], len(s))


if __name__ == "__main__":
    main()

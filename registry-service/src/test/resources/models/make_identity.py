#!/usr/bin/python3
"""Writes identity.onnx: the smallest real ONNX model (one Identity node, float[1,4] in and out).

The registry's tests upload it as a valid ONNX artifact. Regenerate with Debian's python3-onnx:
    /usr/bin/python3 make_identity.py
"""
import onnx
from onnx import TensorProto, helper

graph = helper.make_graph(
    [helper.make_node("Identity", ["x"], ["y"])],
    "identity",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
)
model = helper.make_model(graph, producer_name="radflow-tests", opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 7
onnx.checker.check_model(model)
onnx.save(model, "identity.onnx")

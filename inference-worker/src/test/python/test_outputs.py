"""MD.ai's output checks, and a request turned into result units (paths made absolute, errors kept per unit)."""

import os

import pytest

from radflow_mdai_runner import outputs, predict


def test_should_take_every_output_shape_mdai_takes():
    good = [
        {"type": "NONE", "study_uid": "1.2.3"},
        {"type": "ANNOTATION", "study_uid": "1.2.3", "series_uid": "1.2.3.4", "instance_uid": None, "class_index": 1,
         "probability": 0.9, "note": "n", "explanations": [{"name": "saliency"}], "frame_number": 0},
        {"type": "ANNOTATION", "study_uid": "1", "class_index": 0, "data": {"x": 1, "y": 2}},
        {"type": "ANNOTATION", "study_uid": "1", "class_index": 0, "data": {"x": 1, "y": 2, "width": 3, "height": 4}},
        {"type": "ANNOTATION", "study_uid": "1", "class_index": 0, "data": {"vertices": [[1, 2], [3.5, 4.5]]}},
        {"type": "ANNOTATION", "study_uid": "1", "class_index": 0, "data": {"mask": [[0, 1], [1, 0]]}},
        {"type": "ANNOTATION", "study_uid": "1", "class_index": 0,
         "probability": [{"class_index": 0, "probability": 0.25}, {"class_index": 1, "probability": 0.75}]},
        {"type": "DICOM", "study_uid": "1", "content": b"DICM"},
    ]
    assert outputs.check_outputs(good) is good
    assert outputs.check_outputs([]) == []


def test_should_count_str_subclasses_as_str_but_no_bool_as_a_number():
    class UID(str):
        pass

    outputs.check_outputs([{"type": "NONE", "study_uid": UID("1.2")}])
    with pytest.raises(outputs.InvalidOutput, match=r"output 0: 'class_index' must be int, got bool True"):
        outputs.check_outputs([{"type": "ANNOTATION", "study_uid": "1", "class_index": True}])


@pytest.mark.parametrize("value, message", [
    ({"type": "NONE"}, r"predict must return a list of outputs, got dict"),
    ([("NONE", "1")], r"output 0 must be a dict, got tuple"),
    ([{"type": "BOX", "study_uid": "1"}], r"output 0 has type 'BOX'; Radflow takes NONE, ANNOTATION, DICOM"),
    ([{"type": "ANNOTATION", "study_uid": "1"}], r"output 0 \(ANNOTATION\) lacks key 'class_index'"),
    ([{"type": "NONE", "study_uid": "1", "score": 1.0}], r"output 0 has unknown key 'score' \(known: type, "),
    ([{"type": "NONE", "study_uid": "1", "probability": 1}], r"'probability' must be float or list or None, got int 1"),
    ([{"type": "ANNOTATION", "study_uid": "1", "class_index": 2 ** 31}], r"outside the 32-bit range"),
    ([{"type": "NONE", "study_uid": "1", "probability": [0.5]}], r"a probability list holds"),
    ([{"type": "NONE", "study_uid": "1", "explanations": ["x"]}], r"explanations must be dicts, got str"),
    ([{"type": "ANNOTATION", "study_uid": "1", "class_index": 0, "data": {"x": 1}}], r"data \['x'\] fits no known shape"),
    ([{"type": "ANNOTATION", "study_uid": "1", "class_index": 0, "data": {"x": 1.5, "y": 2}}],
     r"data 'x' of a point must be int, got float 1.5"),
    ([{"type": "ANNOTATION", "study_uid": "1", "class_index": 0, "data": {"vertices": [[1, 2, 3]]}}],
     r"each vertex must be a list \[x, y\] of two numbers"),
    ([{"type": "NONE", "study_uid": "1"}, {"type": "NONE", "study_uid": 1}], r"output 1: 'study_uid' must be str, got int"),
])
def test_should_say_what_is_wrong_with_an_output(value, message):
    with pytest.raises(outputs.InvalidOutput, match=message):
        outputs.check_outputs(value)


def test_should_hint_at_converting_numpy_values():
    numpy = pytest.importorskip("numpy")
    with pytest.raises(outputs.InvalidOutput, match=r"got numpy.float32 .*convert numpy values with int\(\)"):
        outputs.check_outputs([{"type": "NONE", "study_uid": "1", "probability": numpy.float32(0.5)}])


def test_should_make_content_paths_absolute_inside_the_data_directory(tmp_path):
    data = str(tmp_path)
    files = [{"content_path": "call-1/f0.dcm"}, [{"content_path": "/call-1/g1/f1.dcm"}], {"content": b"x"}]
    predict.resolve_paths(files, data)
    assert files[0]["content_path"] == os.path.join(data, "call-1", "f0.dcm")
    assert files[1][0]["content_path"] == os.path.join(data, "call-1", "g1", "f1.dcm")  # leading slash: still inside
    assert files[2] == {"content": b"x"}
    for escape in ("../secret", "a/../../secret", ".."):
        with pytest.raises(predict.BadRequest, match="leaves the data directory"):
            predict.resolve_paths([{"content_path": escape}], data)


class Model:
    def __init__(self):
        self.calls = []

    def predict(self, data):
        self.calls.append(data)
        if data["files"] and data["files"][0].get("fail"):
            raise RuntimeError("bad pixels")
        if data["files"] and data["files"][0].get("exit"):
            raise SystemExit(3)
        return [{"type": "NONE", "study_uid": "1", "note": ",".join(a for a in data["annotations"])}]


def test_should_call_predict_once_per_group_with_that_groups_annotations(tmp_path):
    model = Model()
    message = {"kind": "predict", "grouped": True, "group_annotations": [["a"], ["b", "c"], []],
               "data": {"files": [[{"content": b"1"}], [{"fail": True}], [{"exit": True}]], "annotations": ["a", "b", "c"]}}
    result = predict.predict(model, message, str(tmp_path))
    assert result["mode"] == "groups"
    first, failed, exited = result["units"]
    assert first == {"ok": True, "outputs": [{"type": "NONE", "study_uid": "1", "note": "a"}]}
    assert failed["error"] == "model_error" and failed["message"] == "RuntimeError: bad pixels"
    assert "Traceback" in failed["traceback"] and "bad pixels" in failed["traceback"]
    assert exited["error"] == "model_error" and exited["message"] == "the model called sys.exit(3)"
    assert [c["annotations"] for c in model.calls] == [["a"], ["b", "c"], []]


def test_should_call_predict_batch_once_when_the_model_has_it(tmp_path):
    class Batch(Model):
        def predict_batch(self, data):
            return [{"type": "NONE", "study_uid": str(len(data["files"]))}]

    message = {"kind": "predict", "grouped": True, "data": {"files": [[{}], [{}]]}}
    assert predict.predict(Batch(), message, str(tmp_path)) == {
        "kind": "result", "mode": "batch", "units": [{"ok": True, "outputs": [{"type": "NONE", "study_uid": "2"}]}]}


def test_should_answer_single_calls_and_refuse_bad_outputs_and_paths(tmp_path):
    single = {"kind": "predict", "grouped": False, "data": {"files": [{"content": b"x"}], "annotations": []}}
    assert predict.predict(Model(), single, str(tmp_path))["units"][0]["ok"] is True

    class Wrong:
        def predict(self, data):
            return {"type": "NONE"}

    unit = predict.predict(Wrong(), single, str(tmp_path))["units"][0]
    assert unit == {"ok": False, "error": "invalid_output", "traceback": None,
                    "message": "predict must return a list of outputs, got dict"}
    escape = {"kind": "predict", "data": {"files": [{"content_path": "../x"}]}}
    assert predict.predict(Model(), escape, str(tmp_path)) == {"kind": "result", "mode": "single", "units": [
        {"ok": False, "error": "bad_request", "message": "content_path '../x' leaves the data directory"}]}

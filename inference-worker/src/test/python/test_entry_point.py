"""The entry point end to end: python3 -m radflow_mdai_runner over a pipe with a tiny package, started
as the worker starts it (package root as working directory, the runner's parent on PYTHONPATH)."""

import os
import subprocess
import sys
import textwrap

import pytest

from conftest import RUNNER_PARENT
from radflow_mdai_runner import protocol

MDAI_DEPLOY = '''
import os
import sys

import config  # the package's own config.py, not the runner's module of that name
import helper  # from the package root
import mdai_helper  # from .mdai/

print("printed at import")  # must not reach the protocol stream
os.write(1, b"written to fd 1 by native code\\n")


class MDAIModel:
    def __init__(self):
        self.threshold = float(os.environ["THRESHOLD"])

    def predict(self, data):
        print("printed in predict")
        outputs = []
        for f in data["files"]:
            if f.get("content_path"):
                with open(f["content_path"], "rb") as fh:
                    content = fh.read()
            else:
                content = f["content"]
            outputs.append({"type": "ANNOTATION", "study_uid": helper.STUDY, "class_index": config.CLASS_INDEX,
                            "probability": self.threshold, "note": mdai_helper.note(content) + " " + os.getcwd()})
        return outputs
'''


def make_package(root, deploy=MDAI_DEPLOY, requirements="msgpack>=0.5\nno-such-package-x; python_version < '3'\n"):
    mdai = root / ".mdai"
    mdai.mkdir(parents=True)
    (mdai / "config.yaml").write_text("device_type: cpu\nbatch_size: 4\nenv:\n  THRESHOLD: '0.25'\n")
    (mdai / "mdai_deploy.py").write_text(deploy)
    (mdai / "mdai_helper.py").write_text("def note(content):\n    return content.decode()\n")
    (root / "helper.py").write_text("STUDY = '1.2.3'\n")
    (root / "config.py").write_text("CLASS_INDEX = 1\n")
    (root / "requirements.txt").write_text(requirements)
    return root


def start(root, data, gpu="none"):
    env = dict(os.environ, PYTHONPATH=RUNNER_PARENT, PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "radflow_mdai_runner", str(root), str(data), gpu], cwd=str(root),
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def call(process, message):
    protocol.write_message(process.stdin, message)
    return protocol.read_message(process.stdout)


def test_should_start_answer_predicts_and_stop_over_a_pipe(tmp_path):
    root, data = make_package(tmp_path / "pkg"), tmp_path / "data"
    (data / "call-1").mkdir(parents=True)
    (data / "call-1" / "f0.dcm").write_bytes(b"from disk")
    process = start(root, data)
    try:
        hello = protocol.read_message(process.stdout)
        assert hello["kind"] == "hello", hello
        assert hello["api_version"] == "0.4" and hello["pid"] == process.pid
        assert hello["batch_size"] == 4 and hello["file_type"] == "dicom" and hello["predict_batch"] is False
        assert hello["device_type"] == "cpu" and hello["requested_device_type"] == "cpu"

        memory = call(process, {"kind": "predict", "grouped": False, "data": {
            "files": [{"content": b"from memory", "content_type": "application/dicom"}], "annotations": [],
            "label_classes": [], "args": {}, "input_data_source": "MEMORY"}})
        assert memory == {"kind": "result", "mode": "single", "units": [{"ok": True, "outputs": [
            {"type": "ANNOTATION", "study_uid": "1.2.3", "class_index": 1, "probability": 0.25,
             "note": "from memory " + str(root)}]}]}

        disk = call(process, {"kind": "predict", "grouped": True, "group_annotations": [[], []], "data": {
            "files": [[{"content_path": "/call-1/f0.dcm"}], [{"content_path": "../outside"}]],
            "annotations": [], "input_data_source": "DISK"}})
        assert disk["units"] == [{"ok": False, "error": "bad_request",
                                  "message": "content_path '../outside' leaves the data directory"}]
        disk = call(process, {"kind": "predict", "grouped": True, "data": {
            "files": [[{"content_path": "/call-1/f0.dcm"}]], "annotations": [], "input_data_source": "DISK"}})
        assert disk["mode"] == "groups" and disk["units"][0]["outputs"][0]["note"].startswith("from disk ")

        unknown = call(process, {"kind": "reload"})
        assert unknown["units"] == [{"ok": False, "error": "bad_request", "message": "unknown message 'reload'"}]

        protocol.write_message(process.stdin, {"kind": "shutdown"})
        process.stdin.close()
        assert process.stdout.read() == b""  # nothing the model printed reached the protocol stream
        assert process.wait(timeout=30) == 0
        stderr = process.stderr.read().decode()
        for line in ("printed at import", "written to fd 1 by native code", "printed in predict"):
            assert line in stderr
    finally:
        process.kill()
        process.wait()


def test_should_stop_at_the_end_of_its_input(tmp_path):
    process = start(make_package(tmp_path / "pkg"), tmp_path)
    assert protocol.read_message(process.stdout)["kind"] == "hello"
    process.stdin.close()
    assert process.wait(timeout=30) == 0


@pytest.mark.parametrize("deploy, requirements, stage, message, has_traceback", [
    ("import nothing_by_this_name\n", "", "import",
     "importing .mdai/mdai_deploy.py failed: ModuleNotFoundError: No module named 'nothing_by_this_name'", True),
    ("class Other:\n    pass\n", "", "model_class", ".mdai/mdai_deploy.py defines no class MDAIModel", False),
    ("class MDAIModel:\n    def __init__(self):\n        raise OSError('no weights')\n", "", "init",
     "MDAIModel() failed: OSError: no weights", True),
    ("import sys\nsys.exit(2)\n", "", "import", "importing .mdai/mdai_deploy.py failed: SystemExit: 2", True),
    (MDAI_DEPLOY, "msgpack<0.1\n", "requirements", "requirements.txt needs what", False),
])
def test_should_report_a_failed_start_with_its_stage_and_traceback(tmp_path, deploy, requirements, stage, message,
                                                                   has_traceback):
    process = start(make_package(tmp_path / "pkg", textwrap.dedent(deploy), requirements), tmp_path)
    try:
        error = protocol.read_message(process.stdout)
        assert error["kind"] == "error" and error["stage"] == stage, error
        assert error["message"].startswith(message)
        if has_traceback:
            assert error["traceback"].startswith("Traceback (most recent call last):")
        else:
            assert error["traceback"] is None
        assert process.wait(timeout=30) == 1
    finally:
        process.kill()
        process.wait()


@pytest.mark.parametrize("device_type, gpu, device, visible", [
    ("gpu", "1", "gpu", "1"),
    ("gpu", "none", "cpu", ""),  # a GPU package on a CPU worker runs without a visible GPU
    ("cpu", "1", "cpu", ""),  # a CPU package never sees a GPU, as on MD.ai
])
def test_should_show_a_gpu_only_to_gpu_packages_on_gpu_workers(tmp_path, device_type, gpu, device, visible):
    deploy = ("import os\n\nclass MDAIModel:\n    def predict(self, data):\n"
              "        return [{'type': 'NONE', 'study_uid': '1', 'note': os.environ['CUDA_VISIBLE_DEVICES']}]\n")
    root = make_package(tmp_path / "pkg", deploy, "")
    (root / ".mdai" / "config.yaml").write_text("device_type: %s\n" % device_type)
    process = start(root, tmp_path, gpu)
    try:
        hello = protocol.read_message(process.stdout)
        assert (hello["device_type"], hello["requested_device_type"]) == (device, device_type)
        result = call(process, {"kind": "predict", "grouped": False, "data": {"files": []}})
        assert result["units"][0]["outputs"][0]["note"] == visible
    finally:
        process.stdin.close()
        process.wait(timeout=30)

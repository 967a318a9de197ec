"""Entry point: python3 -m radflow_mdai_runner PACKAGE_ROOT DATA_DIR GPU_ID|none

Takes the protocol streams first, sets the package up as MD.ai does (package root as working
directory, package root and .mdai/ on sys.path, config.yaml's env), checks requirements.txt,
imports .mdai/mdai_deploy.py, constructs MDAIModel, says hello, then answers predict messages
until shutdown or the end of stdin. A start that fails sends one error message with the stage,
message and traceback, then exits 1.
"""

import importlib
import os
import platform
import sys

from . import API_VERSION, config, protocol, requirements
from .predict import predict


def package_folders(package_root):
    """Every folder under the package root but .mdai/ itself, in a stable order; __pycache__ and
    other hidden folders are not code."""
    found = []
    for current, dirs, _ in os.walk(package_root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not (d.startswith(".") and d != ".mdai"))
        if current != package_root and os.path.normpath(current) != os.path.join(os.path.normpath(package_root), ".mdai"):
            found.append(current)
    return found


def main(argv=None):
    # Before anything else runs: nothing a model prints may reach the real stdout.
    channel = protocol.take_streams()
    argv = sys.argv[1:] if argv is None else argv

    def fail_start(stage, message, tb=None):
        channel.send({"kind": "error", "stage": stage, "message": message, "traceback": tb})
        sys.stderr.flush()
        os._exit(1)

    package_root, data_dir, gpu = argv[0], os.path.abspath(argv[1]), argv[2]
    mdai_dir = os.path.join(package_root, ".mdai")
    os.chdir(package_root)
    sys.path.insert(0, package_root)
    sys.path.insert(1, mdai_dir)
    # As on MD.ai, every folder of the package is importable (after the root and .mdai/).
    for i, folder in enumerate(package_folders(package_root)):
        sys.path.insert(2 + i, folder)
    try:
        settings = config.read_config(mdai_dir)
    except Exception as e:  # noqa: BLE001
        fail_start("config", "cannot read .mdai/config.yaml: %s" % e, protocol.traceback_text())
    os.environ.update(config.environment_variables(settings))
    try:
        device = config.device_type(settings)
    except config.ConfigError as e:
        fail_start("config", str(e))
    uses_gpu = device == "gpu" and gpu != "none"
    # A CPU package never sees a GPU, as on MD.ai, where it would run in a CPU-only image.
    os.environ["CUDA_VISIBLE_DEVICES"] = gpu if uses_gpu else ""
    # Radflow's registry wants requirements.txt at the package root; MD.ai's examples keep it in .mdai/.
    for path in (os.path.join(package_root, "requirements.txt"), os.path.join(mdai_dir, "requirements.txt")):
        if os.path.isfile(path):
            missing = requirements.missing_requirements(path)
            if missing:
                fail_start("requirements", "%s needs what %s (Python %s) does not have: %s"
                           % (os.path.relpath(path, package_root), sys.executable, platform.python_version(),
                              "; ".join(missing)))
    try:
        module = importlib.import_module("mdai_deploy")
    except BaseException as e:  # noqa: BLE001 - an import that calls sys.exit is an import error too
        fail_start("import", "importing .mdai/mdai_deploy.py failed: %s: %s" % (type(e).__name__, e),
                   protocol.traceback_text())
    model_class = getattr(module, "MDAIModel", None)
    if model_class is None:
        fail_start("model_class", ".mdai/mdai_deploy.py defines no class MDAIModel")
    try:
        model = model_class()
    except BaseException as e:  # noqa: BLE001
        fail_start("init", "MDAIModel() failed: %s: %s" % (type(e).__name__, e), protocol.traceback_text())
    if not callable(getattr(model, "predict", None)):
        fail_start("model_class", "MDAIModel has no predict(data) method")
    try:
        batch_size = config.batch_size(settings)
    except config.ConfigError as e:
        fail_start("config", str(e))
    channel.send({
        "kind": "hello",
        "api_version": API_VERSION,
        "pid": os.getpid(),
        "python": platform.python_version(),
        "executable": sys.executable,
        "predict_batch": callable(getattr(model, "predict_batch", None)),
        "device_type": "gpu" if uses_gpu else "cpu",
        "requested_device_type": device,
        "batch_size": batch_size,
        "file_type": config.file_type(settings),
    })
    while True:
        message = channel.receive()
        if message is None or message.get("kind") == "shutdown":
            break
        if message.get("kind") == "predict":
            channel.send_result(predict(model, message, data_dir))
        else:
            channel.send({"kind": "result", "mode": "single",
                          "units": [{"ok": False, "error": "bad_request",
                                     "message": "unknown message %r" % message.get("kind")}]})
    sys.stderr.flush()


if __name__ == "__main__":
    main()

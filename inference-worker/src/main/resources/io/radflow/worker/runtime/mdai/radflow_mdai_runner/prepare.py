"""Checks a package against this host before its environment is built or its process started:
python3 -m radflow_mdai_runner.prepare PACKAGE_ROOT WORKER_DEVICE HOST_CUDA

WORKER_DEVICE is cpu or gpu (worker.device); HOST_CUDA is the CUDA version the host offers, or
"detect" (ask nvidia-smi). Prints one JSON object: {"error": message} when config.yaml asks for
what this host cannot give (base_image, cuda_version), else the interpreter (executable, version),
the requirements files found and what of them this interpreter lacks ("missing").
"""

import json
import os
import platform
import re
import subprocess
import sys

from . import config, requirements

_BASE_IMAGE = re.compile(r"^py(?:thon)?-?(\d)\.?(\d+)$")
_CUDA = re.compile(r"^(\d+)(?:\.(\d+))?(?:\.\d+)?$")


def python_of_base_image(base_image):
    """(major, minor) of an MD.ai base_image (py38, py310, python3.11), or None when it names no Python."""
    m = _BASE_IMAGE.match(str(base_image).strip().lower())
    return (int(m.group(1)), int(m.group(2))) if m else None


def cuda_release(text):
    """(major, minor) of a CUDA version such as 11.8 or 12, or None when it is not one."""
    m = _CUDA.match(str(text).strip())
    return (int(m.group(1)), int(m.group(2) or 0)) if m else None


def detect_cuda():
    """The CUDA version the NVIDIA driver offers (nvidia-smi's "CUDA Version"), or None without one."""
    try:
        out = subprocess.run(["nvidia-smi"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r"CUDA Version:\s*([\d.]+)", out)
    return m.group(1) if m else None


def host_problems(settings, worker_device, host_cuda):
    """Why this host cannot run a package with these config.yaml settings; [] when it can."""
    problems = []
    here = sys.version_info[:2]
    base_image = settings.get("base_image")
    if base_image not in (None, ""):
        wanted = python_of_base_image(base_image)
        if wanted is None:
            problems.append("config.yaml base_image %r is not one Radflow knows (MD.ai's py37 ... py311: the Python version "
                            "the package runs on)" % (base_image,))
        elif wanted != here:
            problems.append("config.yaml base_image %s asks for Python %d.%d, but worker.mdai.python (%s) is Python %s "
                            "(base_image py%d%d); point worker.mdai.python at a Python %d.%d interpreter"
                            % (base_image, wanted[0], wanted[1], sys.executable, platform.python_version(), here[0], here[1],
                               wanted[0], wanted[1]))
    cuda = settings.get("cuda_version")
    if cuda not in (None, ""):
        wanted = cuda_release(cuda)
        if wanted is None:
            problems.append("config.yaml cuda_version %r is not a CUDA version (such as 11.8 or 12.1)" % (cuda,))
        elif worker_device == "gpu" and str(settings.get("device_type") or "cpu").lower() == "gpu":
            offered_text = detect_cuda() if host_cuda == "detect" else host_cuda
            offered = cuda_release(offered_text) if offered_text else None
            if offered is None:
                problems.append("config.yaml cuda_version %s asks for CUDA %d.%d, but this host offers no CUDA (nvidia-smi "
                                "reports none; worker.mdai.cuda.version is not set)" % (cuda, wanted[0], wanted[1]))
            elif wanted > offered:
                problems.append("config.yaml cuda_version %s asks for CUDA %d.%d, but this host offers CUDA %d.%d at most"
                                % (cuda, wanted[0], wanted[1], offered[0], offered[1]))
    return problems


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    package_root, worker_device, host_cuda = argv[0], argv[1], argv[2]
    mdai_dir = os.path.join(package_root, ".mdai")
    try:
        settings = config.read_config(mdai_dir)
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"error": "cannot read .mdai/config.yaml: %s" % e}))
        return
    problems = host_problems(settings, worker_device, host_cuda)
    if problems:
        print(json.dumps({"error": "; ".join(problems)}))
        return
    files, missing = [], []
    for name in ("requirements.txt", os.path.join(".mdai", "requirements.txt")):
        path = os.path.join(package_root, name)
        if os.path.isfile(path):
            files.append(name)
            missing.extend(requirements.missing_requirements(path))
    print(json.dumps({"executable": os.path.realpath(sys.executable), "python": platform.python_version(),
                      "version": sys.version, "requirements": files, "missing": missing}))


if __name__ == "__main__":
    main()

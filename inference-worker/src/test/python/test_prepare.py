"""The host checks of config.yaml (base_image, cuda_version) and the package folders put on sys.path."""

import os
import sys

from radflow_mdai_runner import prepare
from radflow_mdai_runner.__main__ import package_folders

HERE = "py%d%d" % sys.version_info[:2]


def test_base_image_names_a_python_version():
    assert prepare.python_of_base_image("py38") == (3, 8)
    assert prepare.python_of_base_image("py311") == (3, 11)
    assert prepare.python_of_base_image("python3.10") == (3, 10)
    assert prepare.python_of_base_image("ubuntu-conda") is None


def test_cuda_release_reads_major_and_minor():
    assert prepare.cuda_release("11.8") == (11, 8)
    assert prepare.cuda_release(12) == (12, 0)
    assert prepare.cuda_release("12.4.1") == (12, 4)
    assert prepare.cuda_release("latest") is None


def test_this_interpreters_base_image_passes_and_another_is_refused():
    assert prepare.host_problems({"base_image": HERE}, "cpu", "detect") == []
    [problem] = prepare.host_problems({"base_image": "py36"}, "cpu", "detect")
    assert "base_image py36 asks for Python 3.6" in problem and ("(base_image %s)" % HERE) in problem


def test_cuda_is_checked_only_where_a_gpu_package_gets_the_gpu():
    gpu = {"device_type": "GPU", "cuda_version": 11.0}
    assert prepare.host_problems(gpu, "gpu", "12.4") == []
    assert prepare.host_problems(gpu, "cpu", "none") == []  # runs on the CPU, as before
    [problem] = prepare.host_problems(gpu, "gpu", "10.2")
    assert "asks for CUDA 11.0, but this host offers CUDA 10.2 at most" in problem
    [none] = prepare.host_problems(gpu, "gpu", "none")
    assert "offers no CUDA" in none
    [bad] = prepare.host_problems({"cuda_version": "x"}, "cpu", "none")
    assert "is not a CUDA version" in bad


def test_every_folder_of_the_package_but_hidden_ones_and_caches(tmp_path):
    for folder in ("lib/helpers", ".mdai/extra", "__pycache__", ".git/objects", "weights"):
        os.makedirs(tmp_path / folder)
    found = [os.path.relpath(f, tmp_path) for f in package_folders(str(tmp_path))]
    assert found == [".mdai/extra", "lib", "lib/helpers", "weights"]


def test_the_hosts_cuda_is_what_nvidia_smi_reports(tmp_path, monkeypatch):
    fake = tmp_path / "nvidia-smi"
    fake.write_text("#!/bin/sh\necho '| NVIDIA-SMI 550.54.15    Driver Version: 550.54.15    CUDA Version: 12.4     |'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert prepare.detect_cuda() == "12.4"
    assert prepare.host_problems({"device_type": "gpu", "cuda_version": "12.1"}, "gpu", "detect") == []
    [problem] = prepare.host_problems({"device_type": "gpu", "cuda_version": "12.6"}, "gpu", "detect")
    assert "offers CUDA 12.4 at most" in problem


def test_no_nvidia_smi_means_no_cuda(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert prepare.detect_cuda() is None

"""requirements.txt against the interpreter: PEP 508 markers and PEP 440 specifiers, evaluated directly."""

import sys

import msgpack
import pytest

from radflow_mdai_runner import requirements

LINUX_X86_PY311 = {
    "python_version": "3.11", "python_full_version": "3.11.2", "implementation_version": "3.11.2",
    "implementation_name": "cpython", "platform_python_implementation": "CPython", "sys_platform": "linux",
    "platform_system": "Linux", "platform_machine": "x86_64", "os_name": "posix",
}
MAC_ARM_PY38 = dict(LINUX_X86_PY311, python_version="3.8", python_full_version="3.8.18", implementation_version="3.8.18",
                    sys_platform="darwin", platform_system="Darwin", platform_machine="arm64")


@pytest.mark.parametrize("marker, linux, mac", [
    ('python_version >= "3.9"', True, False),
    ('python_version < "3.10"', False, True),
    ("python_version == '3.11'", True, False),
    ('python_version > "3.8"', True, False),
    ('python_version != "3.8"', True, False),
    ('python_version == "3.*"', True, True),
    ('"3.9" <= python_version', True, False),  # the variable on the right
    ('python_version >= "3.10.0"', True, False),  # release numbers, not strings: "3.8" < "3.10"
    ('python_full_version >= "3.11.1"', True, False),
    ('python_version ~= "3.8"', True, True),
    ('sys_platform == "linux"', True, False),
    ('sys_platform != "win32"', True, True),
    ("platform_machine == 'x86_64'", True, False),
    ('platform_machine in "arm64 aarch64"', False, True),
    ('platform_machine not in "arm64 aarch64"', True, False),
    ('platform_system == "Darwin"', False, True),
    ('os_name == "nt"', False, False),
    ('implementation_name == "cpython"', True, True),
    ('sys_platform == "linux" and platform_machine == "x86_64"', True, False),
    ('sys_platform == "darwin" or python_version >= "3.11"', True, True),
    ('sys_platform == "win32" or (python_version < "3.9" and platform_machine == "arm64")', False, True),
    ('sys_platform == "linux" and (platform_machine == "aarch64" or platform_machine == "x86_64")', True, False),
    ('(sys_platform == "linux") and python_version < "3.9" or platform_system == "Darwin"', False, True),
])
def test_should_evaluate_markers_against_the_environment(marker, linux, mac):
    assert requirements.marker_applies(marker, LINUX_X86_PY311) is linux
    assert requirements.marker_applies(marker, MAC_ARM_PY38) is mac


@pytest.mark.parametrize("marker", [
    'extra == "gpu"',  # no extra is being installed: the runner cannot tell, so the line applies
    'platform_release >= "5"',  # a variable it does not know
    'python_version >=',  # unreadable
    'python_version >= 3.8',  # a number, not a string
    'python_version >= "3.8" >= "3.6"',  # chained comparison
    'not sys_platform == "win32"',
])
def test_should_let_markers_it_cannot_decide_apply(marker):
    assert requirements.marker_applies(marker, MAC_ARM_PY38) is True


def test_should_evaluate_markers_against_this_interpreter_by_default():
    env = requirements.environment()
    assert env["python_version"] == "%d.%d" % sys.version_info[:2]
    assert env["sys_platform"] == sys.platform
    assert requirements.marker_applies('python_version >= "3.0"') is True
    assert requirements.marker_applies('python_version < "3.0"') is False
    assert requirements.marker_applies('sys_platform == "%s"' % sys.platform) is True


@pytest.mark.parametrize("installed, op, wanted, ok", [
    ("1.24.3", ">=", "1.20", True),
    ("1.24.3", "<", "1.24", False),
    ("1.24.3", "<=", "1.24.3", True),
    ("1.24", "==", "1.24.0", True),  # zero padding
    ("1.24.3", "==", "1.24.*", True),
    ("1.25.0", "==", "1.24.*", False),
    ("1.25.0", "!=", "1.24.*", True),
    ("1.24.3", "!=", "1.24.3", False),
    ("1.24.3", "~=", "1.24.1", True),
    ("1.25.0", "~=", "1.24.1", False),
    ("1.25.0", "~=", "1.24", True),
    ("2.0", "~=", "1.24", False),
    ("1.10.0", ">", "1.9", True),  # numbers, not strings
    ("2.0.0rc1", ">=", "2.0", True),  # suffixes ignored
    ("1.0.post2", "===", "1.0", True),
    ("1.0", ">=", "latest", True),  # no release number: nothing to compare
])
def test_should_compare_versions_on_their_release_numbers(installed, op, wanted, ok):
    assert requirements.compare(installed, op, wanted) is ok


def versions(**installed):
    return lambda name: installed.get(name.lower().replace("-", "_"))


def test_should_list_what_is_missing_or_too_old_and_skip_what_does_not_apply():
    lines = [
        "# a comment",
        "",
        "--index-url https://example.org/simple",
        "-r other.txt",
        "numpy>=1.20,<2  # inline comment",
        "pydicom==2.*",
        "torch>=2.0",
        "opencv-python[contrib]>=4.8",
        "tensorflow>=2.12; sys_platform == 'win32'",
        "tensorflow-macos>=2.12; sys_platform == 'darwin' and platform_machine == 'arm64'",
        "scipy (>=1.10)",
        "pillow>=9; python_version >= '3.9'",
        "git+https://github.com/example/pkg.git#egg=pkg",
        "./local_wheel.whl",
        "==1.0",
    ]
    installed = versions(numpy="1.24.2", pydicom="3.0.1", opencv_python="4.9.0", scipy="1.9.3", pillow="8.0")
    missing = requirements.missing(lines, LINUX_X86_PY311, installed)
    assert missing == [
        "pydicom==2.* (installed: 3.0.1)",
        "torch>=2.0 (not installed)",
        "scipy (>=1.10) (installed: 1.9.3)",
        "pillow>=9 (installed: 8.0)",
        "==1.0 (cannot read this line)",
    ]
    on_a_mac = requirements.missing(lines, MAC_ARM_PY38, installed)
    assert "tensorflow-macos>=2.12 (not installed)" in on_a_mac
    assert not any(m.startswith("pillow") for m in on_a_mac)  # python_version >= 3.9 does not hold


def test_should_accept_extras_and_satisfied_specifiers():
    lines = ["opencv-python[contrib,headless] >= 4.8, != 4.8.1", "numpy~=1.24.0", "NumPy>=1"]
    assert requirements.missing(lines, LINUX_X86_PY311, versions(opencv_python="4.9.0", numpy="1.24.4")) == []
    assert requirements.missing(["opencv-python[contrib]!=4.8.1"], LINUX_X86_PY311,
                                versions(opencv_python="4.8.1")) == ["opencv-python[contrib]!=4.8.1 (installed: 4.8.1)"]


def test_should_check_a_file_against_this_interpreter(tmp_path):
    path = tmp_path / "requirements.txt"
    path.write_text("msgpack>=%s\nmsgpack<0.1\nradflow-no-such-package-x==1.0\nnothing-here; python_version < '3'\n"
                    % msgpack.version[0], encoding="utf-8")
    installed = requirements.installed_version("msgpack")
    assert installed is not None and requirements.installed_version("radflow-no-such-package-x") is None
    assert requirements.missing_requirements(str(path)) == [
        "msgpack<0.1 (installed: %s)" % installed,
        "radflow-no-such-package-x==1.0 (not installed)",
    ]

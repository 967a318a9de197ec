"""Radflow's host process for one MD.ai-style model package (MD.ai deploy API 0.4).

The worker starts one of these per loaded model version and talks to it over this process's
stdin and stdout: every message is a 4-byte big-endian length followed by a msgpack map. The
real stdout and stdin are moved to private file descriptors before the package is imported,
file descriptors 0 and 1 are pointed at /dev/null and stderr, and sys.stdout at sys.stderr, so
nothing a model prints, from Python or from native code, can corrupt the stream.

Messages from the worker:
  {"kind": "predict", "grouped": bool, "data": {MD.ai's input: files, annotations,
   label_classes, args, input_data_source}, "group_annotations": [[...] per group] when grouped}
  {"kind": "shutdown"}
Messages to the worker:
  {"kind": "hello", ...}  once the package is imported and MDAIModel constructed
  {"kind": "error", "stage": ..., "message": ..., "traceback": ...}  when that failed (then exit)
  {"kind": "result", "mode": "single" | "groups" | "batch", "units": [unit, ...]}  per predict,
  where a unit is {"ok": True, "outputs": [...]} or {"ok": False, "error": "model_error" |
  "invalid_output" | "bad_request", "message": ..., "traceback": ...}.

Usage: python3 radflow_mdai_runner.py PACKAGE_ROOT DATA_DIR GPU_ID|none
"""

import os
import sys

# Take the protocol streams before anything else runs. After this, fd 0 reads /dev/null and fd 1
# writes to stderr, for this process and every child it starts.
_PROTO_IN = os.fdopen(os.dup(0), "rb")
_PROTO_OUT = os.fdopen(os.dup(1), "wb")
_null = os.open(os.devnull, os.O_RDONLY)
os.dup2(_null, 0)
os.close(_null)
os.dup2(2, 1)
sys.stdin = open(os.devnull, "r")
sys.stdout = sys.stderr


def _close_protocol_in_child():
    # A forked child (multiprocessing in a model) must not hold the protocol pipes: if it did, the
    # worker would see no end of stream when this process dies, and wait for the timeout instead.
    # The descriptors now point at /dev/null rather than being closed, so a file the child opens
    # never gets their numbers (the inherited file objects would flush into it at exit).
    null = os.open(os.devnull, os.O_RDWR)
    for stream in (_PROTO_IN, _PROTO_OUT):
        try:
            os.dup2(null, stream.fileno())
        except OSError:
            pass
    os.close(null)


os.register_at_fork(after_in_child=_close_protocol_in_child)

import ast  # noqa: E402
import importlib  # noqa: E402
import importlib.metadata  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import struct  # noqa: E402
import traceback  # noqa: E402

import msgpack  # noqa: E402

API_VERSION = "0.4"
TRACEBACK_LIMIT = 8000


def send(message):
    body = msgpack.packb(message, use_bin_type=True)
    _PROTO_OUT.write(struct.pack(">I", len(body)))
    _PROTO_OUT.write(body)
    _PROTO_OUT.flush()


def receive():
    header = _read_exactly(4)
    if header is None:
        return None
    (length,) = struct.unpack(">I", header)
    body = _read_exactly(length)
    if body is None:
        return None
    return msgpack.unpackb(body, raw=False)


def _read_exactly(n):
    chunks = []
    remaining = n
    while remaining > 0:
        chunk = _PROTO_IN.read(remaining)
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _traceback_text():
    text = traceback.format_exc()
    return text if len(text) <= TRACEBACK_LIMIT else "...\n" + text[-TRACEBACK_LIMIT:]


def fail_start(stage, message, tb=None):
    send({"kind": "error", "stage": stage, "message": message, "traceback": tb})
    sys.stderr.flush()
    os._exit(1)


# ---------------------------------------------------------------------------------------------
# config.yaml

def read_config(mdai_dir):
    for name in ("config.yaml", "config.yml"):
        path = os.path.join(mdai_dir, name)
        if os.path.isfile(path):
            with open(path, "r", encoding="utf-8") as f:
                text = f.read()
            try:
                import yaml
            except ImportError:
                config = _flat_yaml(text)
            else:
                config = yaml.safe_load(text)
            if config is None:
                return {}
            if not isinstance(config, dict):
                raise ValueError(".mdai/%s is not a mapping of settings" % name)
            return config
    return {}


def _flat_yaml(text):
    """The subset of YAML MD.ai's config.yaml uses (key: value, one nested env: mapping), for an
    interpreter without PyYAML."""
    config = {}
    section = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        key, _, value = line.strip().partition(":")
        value = value.strip().strip("\"'")
        if raw[:1] in (" ", "\t") and section is not None:
            config[section][key.strip()] = value
        elif value == "":
            section = key.strip()
            config[section] = {}
        else:
            section = None
            config[key.strip()] = value
    return config


# ---------------------------------------------------------------------------------------------
# requirements.txt, checked against what this interpreter has (nothing is installed at run time)

_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")
_VERSION_VARS = ("python_version", "python_full_version", "implementation_version")


def _environment():
    return {
        "python_version": "%d.%d" % sys.version_info[:2],
        "python_full_version": platform.python_version(),
        "implementation_version": platform.python_version(),
        "implementation_name": sys.implementation.name,
        "platform_python_implementation": platform.python_implementation(),
        "sys_platform": sys.platform,
        "platform_system": platform.system(),
        "platform_machine": platform.machine(),
        "os_name": os.name,
    }


def _release(version):
    parts = []
    for piece in re.split(r"[.]", version):
        m = re.match(r"^(\d+)", piece)
        if not m:
            break
        parts.append(int(m.group(1)))
        if m.group(1) != piece:
            break
    return tuple(parts)


def _compare(installed, op, wanted):
    """PEP 440 comparison on release numbers; pre/post/dev suffixes are ignored."""
    if wanted.endswith(".*") and op in ("==", "!="):
        prefix = _release(wanted[:-2])
        match = _release(installed)[: len(prefix)] == prefix
        return match if op == "==" else not match
    a, b = _release(installed), _release(wanted)
    if not b:
        return True
    width = max(len(a), len(b))
    a, b = a + (0,) * (width - len(a)), b + (0,) * (width - len(b))
    if op in ("==", "==="):
        return a == b
    if op == "!=":
        return a != b
    if op == ">=":
        return a >= b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    if op == "<":
        return a < b
    if op == "~=":
        wanted_release = _release(wanted)
        upper = wanted_release[:-1] if len(wanted_release) > 1 else wanted_release
        return a >= b and _release(installed)[: len(upper)] == upper
    return True


def _marker_applies(marker):
    """Evaluates a PEP 508 environment marker; one it cannot read counts as applying."""
    env = _environment()
    try:
        tree = ast.parse(marker.strip(), mode="eval").body
    except SyntaxError:
        return True

    def value(node):
        if isinstance(node, ast.Name):
            return node.id, env.get(node.id)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return None, node.value
        raise ValueError("unsupported marker")

    def evaluate(node):
        if isinstance(node, ast.BoolOp):
            results = [evaluate(v) for v in node.values]
            return all(results) if isinstance(node.op, ast.And) else any(results)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            (lname, left), (rname, right) = value(node.left), value(node.comparators[0])
            if left is None or right is None:
                return True
            op = node.ops[0]
            if isinstance(op, ast.In):
                return left in right
            if isinstance(op, ast.NotIn):
                return left not in right
            symbol = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}[type(op)]
            if lname in _VERSION_VARS or rname in _VERSION_VARS:
                return _compare(left, symbol, right)
            return {"==": left == right, "!=": left != right, "<": left < right, "<=": left <= right,
                    ">": left > right, ">=": left >= right}[symbol]
        raise ValueError("unsupported marker")

    try:
        return evaluate(tree)
    except (ValueError, KeyError):
        return True


def missing_requirements(path):
    missing = []
    with open(path, "r", encoding="utf-8") as f:
        lines = f.read().splitlines()
    for raw in lines:
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#") or line.startswith("-"):
            continue  # comments and pip options (-r, --index-url, -e) say nothing checkable
        requirement, _, marker = line.partition(";")
        if marker and not _marker_applies(marker):
            continue
        if "://" in requirement or requirement.startswith((".", "/")):
            continue  # a URL or a local path: only pip can tell what it provides
        m = _REQUIREMENT.match(requirement.strip())
        if not m:
            missing.append("%s (cannot read this line)" % line)
            continue
        name, specs = m.group(1), m.group(3).strip().strip("()")
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append("%s (not installed)" % requirement.strip())
            continue
        for spec in filter(None, (s.strip() for s in specs.split(","))):
            sm = re.match(r"^(===|==|!=|<=|>=|~=|<|>)\s*(\S+)$", spec)
            if sm and not _compare(installed, sm.group(1), sm.group(2)):
                missing.append("%s (installed: %s)" % (requirement.strip(), installed))
                break
    return missing


# ---------------------------------------------------------------------------------------------
# MD.ai's output checks

_NONE = type(None)
_TYPES = {
    "type": (str,),
    "study_uid": (str,),
    "series_uid": (str, _NONE),
    "instance_uid": (str, _NONE),
    "frame_number": (int, _NONE),
    "class_index": (int,),
    "data": (dict, _NONE),
    "probability": (float, list, _NONE),
    "explanations": (list, _NONE),
    "note": (str, _NONE),
    "content": (bytes, _NONE),
}
_REQUIRED = {"NONE": ("study_uid",), "ANNOTATION": ("study_uid", "class_index"), "DICOM": ("study_uid",)}
_DATA = {
    "point": {"x": int, "y": int},
    "box": {"x": int, "y": int, "width": int, "height": int},
    "vertices": {"vertices": list},
    "mask": {"mask": list},
}


class InvalidOutput(Exception):
    pass


def _type_name(value):
    t = type(value)
    return t.__name__ if t.__module__ == "builtins" else "%s.%s" % (t.__module__, t.__name__)


_INT32 = (-2 ** 31, 2 ** 31 - 1)


def _is(value, t):
    # Subclasses count (pydicom's UID is a str), but a bool is no number, as in MD.ai's checks.
    if t is _NONE:
        return value is None
    if not isinstance(value, t) or (t in (int, float) and isinstance(value, bool)):
        return False
    # Indices and frame numbers are 32-bit on the prediction: a larger int is an invalid output, not a broken message.
    return t is not int or _INT32[0] <= value <= _INT32[1]


def _expect(value, allowed, what):
    if not any(_is(value, t) for t in allowed):
        names = " or ".join("None" if t is _NONE else t.__name__ for t in allowed)
        hint = " (convert numpy values with int() / float() / .tolist())" if type(value).__module__ == "numpy" else ""
        if isinstance(value, int) and not isinstance(value, bool) and int in allowed:
            hint = " (outside the 32-bit range %d..%d)" % _INT32
        raise InvalidOutput("%s must be %s, got %s %r%s" % (what, names, _type_name(value), value, hint))


def check_outputs(outputs):
    if not isinstance(outputs, list):
        raise InvalidOutput("predict must return a list of outputs, got %s" % _type_name(outputs))
    for i, output in enumerate(outputs):
        where = "output %d" % i
        if not isinstance(output, dict):
            raise InvalidOutput("%s must be a dict, got %s" % (where, _type_name(output)))
        kind = output.get("type")
        if kind not in _REQUIRED:
            raise InvalidOutput("%s has type %r; Radflow takes %s" % (where, kind, ", ".join(_REQUIRED)))
        for key in _REQUIRED[kind]:
            if key not in output:
                raise InvalidOutput("%s (%s) lacks key %r" % (where, kind, key))
        for key, value in output.items():
            if key not in _TYPES:
                raise InvalidOutput("%s has unknown key %r (known: %s)" % (where, key, ", ".join(_TYPES)))
            _expect(value, _TYPES[key], "%s: %r" % (where, key))
        if isinstance(output.get("probability"), list):
            for p in output["probability"]:
                if not isinstance(p, dict) or set(p) != {"class_index", "probability"}:
                    raise InvalidOutput("%s: a probability list holds {'class_index': int, 'probability': float} dicts" % where)
                _expect(p["class_index"], (int,), "%s: probability class_index" % where)
                _expect(p["probability"], (float,), "%s: probability" % where)
        for e in output.get("explanations") or []:
            if not isinstance(e, dict):
                raise InvalidOutput("%s: explanations must be dicts, got %s" % (where, _type_name(e)))
        data = output.get("data")
        if data is not None:
            _check_data(where, data)
    return outputs


def _check_data(where, data):
    shape = None
    for name, keys in _DATA.items():
        if set(data) == set(keys):
            shape = name
    if shape is None:
        raise InvalidOutput("%s: data %r fits no known shape (point x/y, box x/y/width/height, vertices, mask)"
                            % (where, sorted(data)))
    for key, t in _DATA[shape].items():
        _expect(data[key], (t,), "%s: data %r of a %s" % (where, key, shape))
    if shape == "vertices":
        for v in data["vertices"]:
            if not isinstance(v, list) or len(v) != 2 or not all(_is(c, int) or _is(c, float) for c in v):
                raise InvalidOutput("%s: each vertex must be a list [x, y] of two numbers, got %r" % (where, v))


# ---------------------------------------------------------------------------------------------
# Requests

class BadRequest(Exception):
    pass


def resolve_paths(files, data_dir):
    """Gives DISK inputs their absolute path; a content_path that leaves the data directory is refused."""
    base = os.path.join(data_dir, "")
    for f in files:
        if isinstance(f, list):
            resolve_paths(f, data_dir)
        elif f.get("content_path"):
            # A leading slash is relative to the data directory too, as on MD.ai.
            path = os.path.normpath(os.path.join(data_dir, str(f["content_path"]).lstrip("/")))
            if not path.startswith(base):
                raise BadRequest("content_path %r leaves the data directory" % f["content_path"])
            f["content_path"] = path


def run_unit(call):
    try:
        outputs = call()
    except BaseException as e:  # noqa: BLE001 - SystemExit from a model is a model error, not our exit
        if isinstance(e, SystemExit):
            return {"ok": False, "error": "model_error", "message": "the model called sys.exit(%r)" % (e.code,),
                    "traceback": _traceback_text()}
        return {"ok": False, "error": "model_error", "message": "%s: %s" % (type(e).__name__, e),
                "traceback": _traceback_text()}
    try:
        check_outputs(outputs)
    except InvalidOutput as e:
        return {"ok": False, "error": "invalid_output", "message": str(e), "traceback": None}
    return {"ok": True, "outputs": outputs}


def send_result(result):
    """Sends a result; units whose outputs msgpack cannot carry become invalid_output. Packing
    happens before anything is written, so a failure leaves the stream intact."""
    try:
        send(result)
        return
    except (TypeError, ValueError, OverflowError):
        pass
    for i, unit in enumerate(result["units"]):
        if unit.get("ok"):
            try:
                msgpack.packb(unit["outputs"], use_bin_type=True)
            except (TypeError, ValueError, OverflowError) as e:
                result["units"][i] = {"ok": False, "error": "invalid_output", "traceback": None,
                                      "message": "outputs cannot be serialized: %s" % e}
    send(result)


def predict(model, message, data_dir):
    data = message["data"]
    files = data.get("files") or []
    try:
        resolve_paths(files, data_dir)
    except BadRequest as e:
        return {"kind": "result", "mode": "single", "units": [{"ok": False, "error": "bad_request", "message": str(e)}]}
    if not message.get("grouped"):
        return {"kind": "result", "mode": "single", "units": [run_unit(lambda: model.predict(data))]}
    if hasattr(model, "predict_batch"):
        return {"kind": "result", "mode": "batch", "units": [run_unit(lambda: model.predict_batch(data))]}
    # predict once per group, each with its own job's annotations only.
    own = message.get("group_annotations") or [data.get("annotations", [])] * len(files)
    units = []
    for group, annotations in zip(files, own):
        units.append(run_unit(lambda g=group, a=annotations: model.predict({**data, "files": g, "annotations": a})))
    return {"kind": "result", "mode": "groups", "units": units}


# ---------------------------------------------------------------------------------------------

def main():
    package_root, data_dir, gpu = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    mdai_dir = os.path.join(package_root, ".mdai")
    os.chdir(package_root)
    sys.path.insert(0, package_root)
    sys.path.insert(1, mdai_dir)
    try:
        config = read_config(mdai_dir)
    except Exception as e:  # noqa: BLE001
        fail_start("config", "cannot read .mdai/config.yaml: %s" % e, _traceback_text())
    for key, value in (config.get("env") or {}).items():
        os.environ[str(key)] = str(value)
    device = str(config.get("device_type") or "cpu").lower()
    if device not in ("cpu", "gpu"):
        fail_start("config", "config.yaml device_type is %r; MD.ai takes cpu or gpu" % device)
    uses_gpu = device == "gpu" and gpu != "none"
    # A CPU package never sees a GPU, as on MD.ai, where it would run in a CPU-only image.
    os.environ["CUDA_VISIBLE_DEVICES"] = gpu if uses_gpu else ""
    # Radflow's registry wants requirements.txt at the package root; MD.ai's examples keep it in .mdai/.
    for path in (os.path.join(package_root, "requirements.txt"), os.path.join(mdai_dir, "requirements.txt")):
        if os.path.isfile(path):
            missing = missing_requirements(path)
            if missing:
                fail_start("requirements", "%s needs what %s (Python %s) does not have: %s"
                           % (os.path.relpath(path, package_root), sys.executable, platform.python_version(),
                              "; ".join(missing)))
    try:
        module = importlib.import_module("mdai_deploy")
    except BaseException as e:  # noqa: BLE001 - an import that calls sys.exit is an import error too
        fail_start("import", "importing .mdai/mdai_deploy.py failed: %s: %s" % (type(e).__name__, e), _traceback_text())
    model_class = getattr(module, "MDAIModel", None)
    if model_class is None:
        fail_start("model_class", ".mdai/mdai_deploy.py defines no class MDAIModel")
    try:
        model = model_class()
    except BaseException as e:  # noqa: BLE001
        fail_start("init", "MDAIModel() failed: %s: %s" % (type(e).__name__, e), _traceback_text())
    if not callable(getattr(model, "predict", None)):
        fail_start("model_class", "MDAIModel has no predict(data) method")
    batch_size = config.get("batch_size")
    try:
        batch_size = int(batch_size) if batch_size is not None else None
    except (TypeError, ValueError):
        fail_start("config", "config.yaml batch_size is %r, not a whole number" % batch_size)
    send({
        "kind": "hello",
        "api_version": API_VERSION,
        "pid": os.getpid(),
        "python": platform.python_version(),
        "executable": sys.executable,
        "predict_batch": callable(getattr(model, "predict_batch", None)),
        "device_type": "gpu" if uses_gpu else "cpu",
        "requested_device_type": device,
        "batch_size": batch_size,
        "file_type": str(config.get("file_type") or "dicom").lower(),
    })
    while True:
        message = receive()
        if message is None or message.get("kind") == "shutdown":
            break
        if message.get("kind") == "predict":
            send_result(predict(model, message, data_dir))
        else:
            send({"kind": "result", "mode": "single",
                  "units": [{"ok": False, "error": "bad_request", "message": "unknown message %r" % message.get("kind")}]})
    sys.stderr.flush()


if __name__ == "__main__":
    main()

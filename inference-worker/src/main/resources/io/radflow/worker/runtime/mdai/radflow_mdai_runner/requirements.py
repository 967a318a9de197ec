"""requirements.txt, checked against what this interpreter has (the worker gives a package an environment of its own
when it lacks something; see prepare.py and the worker's PythonEnvironments).

A line whose environment marker (PEP 508) does not apply here is skipped; a marker that cannot
be read counts as applying. Versions are compared on their release numbers (PEP 440 without
pre/post/dev suffixes). Pip options, URLs and local paths say nothing checkable and are skipped.
"""

import ast
import importlib.metadata
import os
import platform
import re
import sys

_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")
_SPECIFIER = re.compile(r"^(===|==|!=|<=|>=|~=|<|>)\s*(\S+)$")
_VERSION_VARS = ("python_version", "python_full_version", "implementation_version")


def environment():
    """The marker variables of this interpreter."""
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


def release(version):
    """The leading release numbers of a version: "1.24.3rc1" -> (1, 24, 3)."""
    parts = []
    for piece in re.split(r"[.]", version):
        m = re.match(r"^(\d+)", piece)
        if not m:
            break
        parts.append(int(m.group(1)))
        if m.group(1) != piece:
            break
    return tuple(parts)


def compare(installed, op, wanted):
    """PEP 440 comparison on release numbers; pre/post/dev suffixes are ignored."""
    if wanted.endswith(".*") and op in ("==", "!="):
        prefix = release(wanted[:-2])
        match = release(installed)[: len(prefix)] == prefix
        return match if op == "==" else not match
    a, b = release(installed), release(wanted)
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
        wanted_release = release(wanted)
        upper = wanted_release[:-1] if len(wanted_release) > 1 else wanted_release
        return a >= b and release(installed)[: len(upper)] == upper
    return True


def marker_applies(marker, env=None):
    """Evaluates a PEP 508 environment marker against env (this interpreter's by default); one it
    cannot read counts as applying, and so does a comparison with a variable env lacks (extra)."""
    env = environment() if env is None else env
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
                return compare(left, symbol, right)
            return {"==": left == right, "!=": left != right, "<": left < right, "<=": left <= right,
                    ">": left > right, ">=": left >= right}[symbol]
        raise ValueError("unsupported marker")

    try:
        return evaluate(tree)
    except (ValueError, KeyError):
        return True


def installed_version(name):
    """The installed distribution's version, or None when it is not installed."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def missing(lines, env=None, version_of=installed_version):
    """What the requirement lines ask for that is not here, one readable entry per line."""
    result = []
    for raw in lines:
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#") or line.startswith("-"):
            continue  # comments and pip options (-r, --index-url, -e) say nothing checkable
        requirement, _, marker = line.partition(";")
        if marker and not marker_applies(marker, env):
            continue
        if "://" in requirement or requirement.startswith((".", "/")):
            continue  # a URL or a local path: only pip can tell what it provides
        m = _REQUIREMENT.match(requirement.strip())
        if not m:
            result.append("%s (cannot read this line)" % line)
            continue
        name, specs = m.group(1), m.group(3).strip().strip("()")
        installed = version_of(name)
        if installed is None:
            result.append("%s (not installed)" % requirement.strip())
            continue
        for spec in filter(None, (s.strip() for s in specs.split(","))):
            sm = _SPECIFIER.match(spec)
            if sm and not compare(installed, sm.group(1), sm.group(2)):
                result.append("%s (installed: %s)" % (requirement.strip(), installed))
                break
    return result


def missing_requirements(path):
    """missing() for the lines of the requirements file at path, against this interpreter."""
    with open(path, "r", encoding="utf-8") as f:
        return missing(f.read().splitlines())

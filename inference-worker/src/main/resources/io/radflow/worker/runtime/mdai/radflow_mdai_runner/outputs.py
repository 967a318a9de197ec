"""MD.ai's output checks: what predict returns must be a list of output dicts MD.ai would take."""

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
_INT32 = (-2 ** 31, 2 ** 31 - 1)


class InvalidOutput(Exception):
    pass


def _type_name(value):
    t = type(value)
    return t.__name__ if t.__module__ == "builtins" else "%s.%s" % (t.__module__, t.__name__)


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
    """Returns outputs when MD.ai would take them; raises InvalidOutput saying what is wrong otherwise."""
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

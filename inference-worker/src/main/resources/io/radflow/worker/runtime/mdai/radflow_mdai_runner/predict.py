"""One predict request into result units: DISK paths, per-group calls, errors kept per unit."""

import os

from .outputs import InvalidOutput, check_outputs
from .protocol import traceback_text


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
    """One call of the model as a result unit: its checked outputs, or the error it made."""
    try:
        outputs = call()
    except BaseException as e:  # noqa: BLE001 - SystemExit from a model is a model error, not our exit
        if isinstance(e, SystemExit):
            return {"ok": False, "error": "model_error", "message": "the model called sys.exit(%r)" % (e.code,),
                    "traceback": traceback_text()}
        return {"ok": False, "error": "model_error", "message": "%s: %s" % (type(e).__name__, e),
                "traceback": traceback_text()}
    try:
        check_outputs(outputs)
    except InvalidOutput as e:
        return {"ok": False, "error": "invalid_output", "message": str(e), "traceback": None}
    return {"ok": True, "outputs": outputs}


def predict(model, message, data_dir):
    """The result message for one predict message."""
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

"""An MD.ai-style test model that misbehaves on request: args["fault"] picks how."""
import os
import sys
import time
from io import BytesIO

import numpy as np
import pydicom

print("faulty model imported, printing to stdout on purpose")
sys.stdout.write("more stdout\n")


class MDAIModel:
    def __init__(self):
        print("faulty model constructed")
        os.write(1, b"raw bytes on file descriptor 1\n")

    def predict(self, data):
        fault = data["args"].get("fault", "none")
        ds = pydicom.dcmread(BytesIO(data["files"][0]["content"]))
        good = [{"type": "ANNOTATION", "study_uid": ds.StudyInstanceUID, "series_uid": ds.SeriesInstanceUID,
                 "instance_uid": ds.SOPInstanceUID, "class_index": 0,
                 "probability": float(ds.pixel_array.astype(np.float64).max() > 0), "note": "pid=%d" % os.getpid()}]
        if fault == "none":
            return good
        if fault == "print":
            print("x" * 100000)
            sys.__stdout__.write("through sys.__stdout__\n")
            sys.__stdout__.flush()
            os.write(1, b"\x00\x00\x00\x05hello")  # would look like a frame on the protocol stream
            return good
        if fault == "raise":
            raise ValueError("the model cannot read this study")
        if fault == "hang":
            if data["args"].get("marker_dir"):
                open(os.path.join(data["args"]["marker_dir"], "hang.started"), "w").close()
            time.sleep(3600)
        if fault == "exit":
            sys.exit(3)
        if fault == "crash":
            os._exit(7)
        if fault == "crash_once":
            marker = os.path.join(data["args"]["marker_dir"], "crashed-once")
            if not os.path.exists(marker):
                open(marker, "w").close()
                os.kill(os.getpid(), 9)
            return good
        if fault == "not_a_list":
            return {"outputs": good}
        if fault == "wrong_type":
            good[0]["class_index"] = "0"
            return good
        if fault == "numpy_float":
            good[0]["probability"] = np.float32(0.5)
            return good
        if fault == "unknown_data":
            good[0]["data"] = {"cx": 1, "cy": 2}
            return good
        if fault == "count_annotations":
            good[0]["note"] = "annotations=%s" % ",".join(a["instance_uid"] for a in data["annotations"])
            return good
        if fault == "shout_then_crash":
            sys.stderr.write("y" * 1000000)
            sys.stderr.flush()
            os._exit(5)
        if fault == "huge_frame":
            good[0]["frame_number"] = 2 ** 63
            return good
        if fault == "slow":
            time.sleep(float(data["args"].get("seconds", "1")))
            return good
        if fault == "fork_then_crash":
            # A child that lives on (as a multiprocessing worker would) while this process dies.
            if os.fork() == 0:
                time.sleep(10)
                os._exit(0)
            os._exit(9)
        raise KeyError("unknown fault " + fault)

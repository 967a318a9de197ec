#!/usr/bin/python3
"""Writes many small studies for load and failure tests: each a copy of pydicom's CT_small.dcm
(uncompressed, 128x128) with fresh study, series and instance UIDs, one series per study.

    make_load_studies.py OUT_DIR STUDIES INSTANCES_PER_STUDY

Writes OUT_DIR/<study>/<n>.dcm and OUT_DIR/index.json: {"studies": [{"studyInstanceUid",
"seriesInstanceUid", "sopInstanceUids": [...]}]}.
"""
import copy
import json
import os
import sys

import pydicom
from pydicom.uid import generate_uid

SOURCE = os.path.join(os.path.dirname(pydicom.__file__), "data", "test_files", "CT_small.dcm")


def main(out_dir, studies, per_study):
    template = pydicom.dcmread(SOURCE)
    index = []
    for s in range(studies):
        study_uid, series_uid = generate_uid(), generate_uid()
        folder = os.path.join(out_dir, "study-%05d" % s)
        os.makedirs(folder, exist_ok=True)
        sops = []
        for n in range(per_study):
            ds = copy.copy(template)
            sop = generate_uid()
            ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID = study_uid, series_uid, sop
            ds.file_meta.MediaStorageSOPInstanceUID = sop
            ds.PatientID = "RADFLOW-LOAD-%05d" % s
            ds.InstanceNumber = n + 1
            ds.save_as(os.path.join(folder, "%d.dcm" % (n + 1)))
            sops.append(sop)
        index.append({"studyInstanceUid": study_uid, "seriesInstanceUid": series_uid, "sopInstanceUids": sops})
    with open(os.path.join(out_dir, "index.json"), "w") as f:
        json.dump({"studies": index}, f)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))

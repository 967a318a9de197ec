#!/usr/bin/python3
"""Prints, as JSON, the study/series/instance structure pydicom reports for every DICOM instance
under a folder: {study UID: {series UID: {SOP instance UID: {modality, sopClassUid, instanceNumber}}}}.
Files pydicom refuses (not DICOM) and DICOM files without the three UIDs (DICOMDIR) are left out,
as the uploader leaves them out. Run with Debian's python (python3-pydicom)."""
import json
import os
import sys
import warnings

import pydicom

warnings.simplefilter('ignore')
structure = {}
for dirpath, _, names in os.walk(sys.argv[1]):
    for name in names:
        try:
            ds = pydicom.dcmread(os.path.join(dirpath, name), stop_before_pixels=True)
        except Exception:
            continue
        study, series, sop = ds.get('StudyInstanceUID'), ds.get('SeriesInstanceUID'), ds.get('SOPInstanceUID')
        if not (study and series and sop):
            continue
        number = ds.get('InstanceNumber')
        structure.setdefault(str(study), {}).setdefault(str(series), {})[str(sop)] = {
            'modality': str(ds.get('Modality')) if ds.get('Modality') else None,
            'sopClassUid': str(ds.get('SOPClassUID')) if ds.get('SOPClassUID') else None,
            'instanceNumber': int(number) if number not in (None, '') else None,
        }
json.dump(structure, sys.stdout, sort_keys=True)

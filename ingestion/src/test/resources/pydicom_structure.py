#!/usr/bin/python3
"""Prints, as JSON, the study/series/instance structure pydicom reports for every DICOM instance
under a folder: {study UID: {series UID: {SOP instance UID: {modality, sopClassUid, instanceNumber,
hasPixelData, bodyPartExamined, seriesDescription}}}}.
Files pydicom refuses (not DICOM) and DICOM files without the three UIDs (DICOMDIR) are left out,
as the uploader leaves them out. Run with Debian's python (python3-pydicom)."""
import json
import os
import sys
import warnings

import pydicom

warnings.simplefilter('ignore')


def text(value):
    """As the readers report text: padding stripped, empty as absent."""
    value = str(value).strip(' \x00') if value is not None else ''
    return value or None



structure = {}
for dirpath, _, names in os.walk(sys.argv[1]):
    for name in names:
        try:
            # read to the end (pixel data is deferred, not loaded) so that its tag is seen
            ds = pydicom.dcmread(os.path.join(dirpath, name), defer_size=1024)
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
            'hasPixelData': any(tag in ds for tag in (0x7FE00010, 0x7FE00008, 0x7FE00009)),
            'bodyPartExamined': text(ds.get('BodyPartExamined')),
            'seriesDescription': text(ds.get('SeriesDescription')),
        }
json.dump(structure, sys.stdout, sort_keys=True)

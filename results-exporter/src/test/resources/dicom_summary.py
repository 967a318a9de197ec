"""Prints what an exported object holds, as pydicom reads it, as JSON (used by the exporter's tests).

SEG: segments and, per frame, its segment, source instance and frame, plane position and the
indexes of its set pixels. SR: the content tree flattened into items with their depth.
"""
import json
import sys

import pydicom


def code(seq):
    if not seq:
        return None
    item = seq[0]
    return [item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning]


def walk(items, depth, out, relationship_of=None):
    for item in items:
        entry = {"depth": depth, "rel": item.get("RelationshipType"), "type": item.ValueType,
                 "concept": code(item.get("ConceptNameCodeSequence"))}
        if item.ValueType == "CODE":
            entry["code"] = code(item.ConceptCodeSequence)
        elif item.ValueType in ("TEXT", "UIDREF"):
            entry["value"] = str(item.get("TextValue") or item.get("UID"))
        elif item.ValueType == "NUM":
            mv = item.MeasuredValueSequence[0]
            entry["value"] = float(mv.NumericValue)
            entry["units"] = code(mv.MeasurementUnitsCodeSequence)
        elif item.ValueType == "SCOORD":
            entry["graphicType"] = item.GraphicType
            entry["graphicData"] = [float(v) for v in item.GraphicData]
        elif item.ValueType == "IMAGE":
            ref = item.ReferencedSOPSequence[0]
            entry["sop"] = ref.ReferencedSOPInstanceUID
            frames = ref.get("ReferencedFrameNumber")
            entry["frame"] = None if frames is None else [int(f) for f in (frames if ref["ReferencedFrameNumber"].VM > 1 else [frames])]
        elif item.ValueType == "CONTAINER" and "ContentTemplateSequence" in item:
            entry["template"] = item.ContentTemplateSequence[0].TemplateIdentifier
        out.append(entry)
        walk(item.get("ContentSequence", []), depth + 1, out)


def main(path):
    ds = pydicom.dcmread(path)
    out = {k: str(ds.get(k, "")) for k in ("SOPClassUID", "SOPInstanceUID", "SeriesInstanceUID", "StudyInstanceUID",
                                          "PatientName", "PatientID", "Modality", "SeriesNumber")}
    if ds.Modality == "SEG":
        out["segments"] = [{"number": s.SegmentNumber, "label": s.SegmentLabel, "algorithmType": s.SegmentAlgorithmType,
                            "algorithmName": str(s.get((0x0062, 0x0009)).value),
                            "category": code(s.SegmentedPropertyCategoryCodeSequence),
                            "type": code(s.SegmentedPropertyTypeCodeSequence)} for s in ds.SegmentSequence]
        pixels = ds.pixel_array.reshape(int(ds.NumberOfFrames), ds.Rows, ds.Columns)
        frames = []
        for i, fg in enumerate(ds.PerFrameFunctionalGroupsSequence):
            src = fg.DerivationImageSequence[0].SourceImageSequence[0]
            frames.append({
                "segment": fg.SegmentIdentificationSequence[0].ReferencedSegmentNumber,
                "sop": src.ReferencedSOPInstanceUID,
                "frame": int(src.ReferencedFrameNumber) if "ReferencedFrameNumber" in src else None,
                "position": [float(v) for v in fg.PlanePositionSequence[0].ImagePositionPatient] if "PlanePositionSequence" in fg else None,
                "dimension": [int(v) for v in (fg.FrameContentSequence[0].DimensionIndexValues if fg.FrameContentSequence[0]["DimensionIndexValues"].VM > 1 else [fg.FrameContentSequence[0].DimensionIndexValues])],
                "ones": [int(v) for v in pixels[i].flatten().nonzero()[0]]})
        out["frames"] = frames
        out["referencedSeries"] = [{"series": s.SeriesInstanceUID,
                                    "instances": [r.ReferencedSOPInstanceUID for r in s.ReferencedInstanceSequence]}
                                   for s in ds.ReferencedSeriesSequence]
    if ds.Modality == "SR":
        items = []
        walk([ds], 0, items)
        out["content"] = items
        out["evidence"] = [r.ReferencedSOPInstanceUID for st in ds.CurrentRequestedProcedureEvidenceSequence
                           for se in st.ReferencedSeriesSequence for r in se.ReferencedSOPSequence]
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])

package io.radflow.exporter;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.CodedConcept;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every object the exporter writes has in common, on PixelMed's {@link AttributeList}:
 * patient and study copied from the source, a series of its own per model version, the model as
 * the equipment, the SOP common attributes, references to the source instances, and Part 10
 * encoding (explicit VR little endian).
 */
final class DicomObjects {

    private DicomObjects() {
    }

    /** Patient and study attributes taken from the source; the Type 2 ones are written empty when it lacks them. */
    private static final List<AttributeTag> COPIED_TYPE_2 = List.of(TagFromName.PatientName, TagFromName.PatientID,
            TagFromName.PatientBirthDate, TagFromName.PatientSex, TagFromName.StudyDate, TagFromName.StudyTime,
            TagFromName.ReferringPhysicianName, TagFromName.StudyID, TagFromName.AccessionNumber);
    private static final List<AttributeTag> COPIED_IF_PRESENT = List.of(TagFromName.IssuerOfPatientID,
            TagFromName.PatientAge, TagFromName.StudyDescription);

    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss.SSS").withZone(ZoneOffset.UTC);

    /** The attributes shared by SEG and SR: patient, study, series, equipment, SOP common. */
    static AttributeList base(ExportJob job, SourceImage patientSource, String sopClassUid, String kind, String modality,
            int seriesNumber) {
        AttributeList list = new AttributeList();
        AttributeList source = patientSource.attributes();
        for (AttributeTag tag : COPIED_TYPE_2) {
            Attribute a = source.get(tag);
            put(list, tag, a == null ? null : Attribute.getDelimitedStringValuesOrEmptyString(source, tag));
        }
        for (AttributeTag tag : COPIED_IF_PRESENT) {
            if (source.get(tag) != null && source.get(tag).getVM() > 0) {
                list.put(source.get(tag));
            }
        }
        put(list, TagFromName.SpecificCharacterSet, "ISO_IR 192");
        put(list, TagFromName.StudyInstanceUID, job.studyInstanceUid());
        put(list, TagFromName.SOPClassUID, sopClassUid);
        put(list, TagFromName.SOPInstanceUID, ExportUids.instance(job.jobId(), kind));
        put(list, TagFromName.SeriesInstanceUID, ExportUids.series(job.studyInstanceUid(), job.modelId(), job.modelVersion(), kind));
        put(list, TagFromName.Modality, modality);
        put(list, TagFromName.SeriesNumber, Integer.toString(seriesNumber));
        put(list, TagFromName.InstanceNumber, "1");
        put(list, TagFromName.SeriesDescription, clip(job.algorithmName() + " " + kind, 64));
        String date = DATE.format(job.completedAt());
        String time = TIME.format(job.completedAt());
        put(list, TagFromName.ContentDate, date);
        put(list, TagFromName.ContentTime, time);
        put(list, TagFromName.InstanceCreationDate, date);
        put(list, TagFromName.InstanceCreationTime, time);
        put(list, TagFromName.SeriesDate, date);
        put(list, TagFromName.SeriesTime, time);
        put(list, TagFromName.Manufacturer, "Radflow");
        put(list, TagFromName.ManufacturerModelName, clip(job.modelName(), 64));
        put(list, TagFromName.DeviceSerialNumber, clip(job.modelId(), 64));
        put(list, TagFromName.SoftwareVersions, Integer.toString(job.modelVersion()));
        return list;
    }

    /** Series numbers that keep a model version's series apart from the source series (which are usually small). */
    static int seriesNumber(ExportJob job, int kindOffset) {
        return 9000 + (Math.floorMod(job.modelId().hashCode(), 90) * 10 + job.modelVersion()) % 900 * 10 + kindOffset;
    }

    /** Sets an attribute by its dictionary VR; null writes it empty (Type 2). */
    static void put(AttributeList list, AttributeTag tag, String... values) {
        try {
            Attribute a = AttributeFactory.newAttribute(tag);
            if (values != null) {
                for (String v : values) {
                    if (v != null) {
                        a.addValue(v);
                    }
                }
            }
            list.put(a);
        } catch (DicomException e) {
            throw new IllegalStateException("cannot set " + tag + ": " + e.getMessage(), e);
        }
    }

    static SequenceAttribute sequence(AttributeList list, AttributeTag tag, Collection<AttributeList> items) {
        SequenceAttribute seq = new SequenceAttribute(tag);
        items.forEach(seq::addItem);
        list.put(seq);
        return seq;
    }

    static SequenceAttribute sequence(AttributeList list, AttributeTag tag, AttributeList item) {
        return sequence(list, tag, List.of(item));
    }

    static CodedSequenceItem code(String value, String scheme, String meaning) {
        try {
            return new CodedSequenceItem(value, scheme, clip(meaning, 64));
        } catch (DicomException e) {
            throw new IllegalStateException("bad code " + value + "/" + scheme + ": " + e.getMessage(), e);
        }
    }

    static CodedSequenceItem code(CodedConcept c) {
        return code(c.getValue(), c.getScheme(), c.getMeaning());
    }

    static void code(AttributeList list, AttributeTag tag, CodedSequenceItem code) {
        sequence(list, tag, code.getAttributeList());
    }

    /** Source instances grouped by series, each series in the order first seen. */
    static Map<String, Map<String, SourceImage>> bySeries(Collection<SourceImage> sources) {
        Map<String, Map<String, SourceImage>> series = new LinkedHashMap<>();
        for (SourceImage s : sources) {
            series.computeIfAbsent(s.seriesInstanceUid(), k -> new LinkedHashMap<>()).put(s.sopInstanceUid(), s);
        }
        return series;
    }

    /**
     * Items of a Referenced Series Sequence: per series its UID and, under {@code instancesTag}, the
     * SOP class and instance of each referenced source.
     */
    static List<AttributeList> referencedSeries(Collection<SourceImage> sources, AttributeTag instancesTag) {
        return bySeries(sources).entrySet().stream().map(e -> {
            AttributeList series = new AttributeList();
            put(series, TagFromName.SeriesInstanceUID, e.getKey());
            sequence(series, instancesTag, e.getValue().values().stream().map(DicomObjects::sopReference).toList());
            return series;
        }).toList();
    }

    static AttributeList sopReference(SourceImage s) {
        AttributeList ref = new AttributeList();
        put(ref, TagFromName.ReferencedSOPClassUID, s.sopClassUid());
        put(ref, TagFromName.ReferencedSOPInstanceUID, s.sopInstanceUid());
        return ref;
    }

    /** The object as a Part 10 file in explicit VR little endian. */
    static byte[] part10(AttributeList list) {
        try {
            String sopClass = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPClassUID);
            String sopInstance = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPInstanceUID);
            FileMetaInformation.addFileMetaInformation(list, sopClass, sopInstance, TransferSyntax.ExplicitVRLittleEndian, "RADFLOW");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            list.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
            return out.toByteArray();
        } catch (IOException | DicomException e) {
            throw new ExportException(Reason.INTERNAL, "cannot encode the DICOM object: " + e.getMessage(), e);
        }
    }

    static String string(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}

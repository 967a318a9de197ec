package io.radflow.exporter;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.Mask;
import io.radflow.schemas.avro.Prediction;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A job's masks as one binary DICOM Segmentation: a segment per label class (AUTOMATIC, the model
 * as algorithm), one frame per segment and source frame, each frame naming its source instance
 * and frame and repeating the source geometry (plane position, orientation, pixel spacing), so
 * that viewers (OHIF) lay it over the images.
 */
public final class SegmentationBuilder {

    static final String KIND = "SEG";
    static final AttributeTag SEGMENT_ALGORITHM_NAME = new AttributeTag(0x0062, 0x0009);

    /** Identity of one output frame: a segment over one frame of one source instance. */
    private record FrameKey(int segment, String sopInstanceUid, int frame) {
    }

    public Optional<ExportObject> build(ExportJob job) {
        List<Prediction> masks = job.predictions().stream().filter(p -> p.getData() instanceof Mask).toList();
        if (masks.isEmpty()) {
            return Optional.empty();
        }
        // Segments in label class order; masks of one segment over the same source frame are merged (OR).
        Map<Integer, LabelClass> segments = new TreeMap<>();
        Map<FrameKey, byte[]> frames = new LinkedHashMap<>();
        Map<String, SourceImage> referenced = new LinkedHashMap<>();
        SourceImage first = null;
        for (Prediction p : masks) {
            LabelClass label = job.label(p.getClassIndex()).orElseThrow(() -> new ExportException(Reason.EXPORT_INVALID_RESULT,
                    "mask " + p.getPredictionId() + " has class index " + p.getClassIndex() + ", which no label class of the version has"));
            SourceImage source = job.source(p);
            Mask mask = (Mask) p.getData();
            int frame = p.getFrameNumber() == null ? 0 : p.getFrameNumber();
            checkMask(p, mask, source, frame);
            if (first == null) {
                first = source;
            }
            int segment = label.getClassIndex();
            segments.put(segment, label);
            referenced.put(source.sopInstanceUid(), source);
            byte[] pixels = frames.computeIfAbsent(new FrameKey(segment, source.sopInstanceUid(), frame),
                    k -> new byte[mask.getRows() * mask.getColumns()]);
            ByteBuffer in = mask.getPixels().duplicate();
            for (int i = 0; i < pixels.length; i++) {
                if (in.get() != 0) {
                    pixels[i] = 1;
                }
            }
        }
        // Segment numbers run 1, 2, 3... over the label classes present, in class index order (dciodvfy insists).
        Map<Integer, Integer> numbers = new LinkedHashMap<>();
        segments.keySet().forEach(classIndex -> numbers.put(classIndex, numbers.size() + 1));
        Map<FrameKey, byte[]> renumbered = new LinkedHashMap<>();
        frames.forEach((k, v) -> renumbered.put(new FrameKey(numbers.get(k.segment()), k.sopInstanceUid(), k.frame()), v));
        frames = renumbered;
        boolean geometry = referenced.values().stream().allMatch(SourceImage::hasPatientGeometry)
                && referenced.values().stream().map(SourceImage::frameOfReferenceUid).distinct().count() == 1;
        List<FrameKey> order = new ArrayList<>(frames.keySet());
        Map<String, Integer> positionIndex = geometry ? positionIndex(order, referenced) : Map.of();
        order.sort(Comparator.comparingInt(FrameKey::segment)
                .thenComparingInt(k -> positionIndex.getOrDefault(k.sopInstanceUid() + "/" + k.frame(), 0))
                .thenComparing(FrameKey::sopInstanceUid).thenComparingInt(FrameKey::frame));

        AttributeList seg = DicomObjects.base(job, first, SOPClass.SegmentationStorage, KIND, "SEG", DicomObjects.seriesNumber(job, 1));
        DicomObjects.put(seg, TagFromName.ImageType, "DERIVED", "PRIMARY");
        DicomObjects.put(seg, TagFromName.ContentLabel, "SEGMENTATION");
        DicomObjects.put(seg, TagFromName.ContentDescription, DicomObjects.clip(job.algorithmName(), 64));
        DicomObjects.put(seg, TagFromName.ContentCreatorName, (String) null);
        DicomObjects.put(seg, TagFromName.SegmentationType, "BINARY");
        DicomObjects.put(seg, TagFromName.LossyImageCompression, "00");
        DicomObjects.put(seg, TagFromName.SamplesPerPixel, "1");
        DicomObjects.put(seg, TagFromName.PhotometricInterpretation, "MONOCHROME2");
        DicomObjects.put(seg, TagFromName.Rows, Integer.toString(first.rows()));
        DicomObjects.put(seg, TagFromName.Columns, Integer.toString(first.columns()));
        DicomObjects.put(seg, TagFromName.BitsAllocated, "1");
        DicomObjects.put(seg, TagFromName.BitsStored, "1");
        DicomObjects.put(seg, TagFromName.HighBit, "0");
        DicomObjects.put(seg, TagFromName.PixelRepresentation, "0");
        DicomObjects.put(seg, TagFromName.NumberOfFrames, Integer.toString(order.size()));
        if (geometry) {
            DicomObjects.put(seg, TagFromName.FrameOfReferenceUID, first.frameOfReferenceUid());
            DicomObjects.put(seg, TagFromName.PositionReferenceIndicator, (String) null);
        } else {
            DicomObjects.put(seg, TagFromName.PatientOrientation, first.string(TagFromName.PatientOrientation).isEmpty()
                    ? null : first.string(TagFromName.PatientOrientation).split("\\\\"));
        }
        DicomObjects.sequence(seg, TagFromName.SegmentSequence,
                segments.entrySet().stream().map(e -> segment(job, numbers.get(e.getKey()), e.getValue())).toList());
        dimensions(job, seg, geometry);
        DicomObjects.sequence(seg, TagFromName.SharedFunctionalGroupsSequence, sharedGroups(first, geometry));
        List<AttributeList> perFrame = new ArrayList<>();
        for (FrameKey key : order) {
            perFrame.add(frameGroups(key, referenced.get(key.sopInstanceUid()), geometry,
                    positionIndex.getOrDefault(key.sopInstanceUid() + "/" + key.frame(), 1)));
        }
        DicomObjects.sequence(seg, TagFromName.PerFrameFunctionalGroupsSequence, perFrame);
        DicomObjects.sequence(seg, TagFromName.ReferencedSeriesSequence,
                DicomObjects.referencedSeries(referenced.values(), TagFromName.ReferencedInstanceSequence));
        seg.put(pixelData(order, frames, first.rows() * first.columns()));
        return Optional.of(new ExportObject(KIND, SOPClass.SegmentationStorage,
                DicomObjects.string(seg, TagFromName.SOPInstanceUID), DicomObjects.string(seg, TagFromName.SeriesInstanceUID),
                job.studyInstanceUid(), DicomObjects.part10(seg)));
    }

    private static void checkMask(Prediction p, Mask mask, SourceImage source, int frame) {
        if (mask.getRows() != source.rows() || mask.getColumns() != source.columns()) {
            throw new ExportException(Reason.EXPORT_INVALID_RESULT, "mask " + p.getPredictionId() + " is " + mask.getRows() + "x"
                    + mask.getColumns() + " but its source instance " + source.sopInstanceUid() + " is " + source.rows() + "x"
                    + source.columns());
        }
        if (mask.getPixels().remaining() != mask.getRows() * mask.getColumns()) {
            throw new ExportException(Reason.EXPORT_INVALID_RESULT, "mask " + p.getPredictionId() + " holds "
                    + mask.getPixels().remaining() + " bytes, not rows x columns = " + mask.getRows() * mask.getColumns());
        }
        if (frame < 0 || frame >= source.numberOfFrames()) {
            throw new ExportException(Reason.EXPORT_INVALID_RESULT, "mask " + p.getPredictionId() + " names frame " + frame
                    + " (zero-based) of instance " + source.sopInstanceUid() + ", which has " + source.numberOfFrames() + " frame(s)");
        }
    }

    private static AttributeList segment(ExportJob job, int number, LabelClass label) {
        AttributeList item = new AttributeList();
        DicomObjects.put(item, TagFromName.SegmentNumber, Integer.toString(number));
        DicomObjects.put(item, TagFromName.SegmentLabel, DicomObjects.clip(label.getName(), 64));
        DicomObjects.put(item, TagFromName.SegmentAlgorithmType, "AUTOMATIC");
        try {
            // (0062,0009) Segment Algorithm Name: PixelMed's 2022 dictionary lacks it.
            LongStringAttribute algorithm = new LongStringAttribute(SEGMENT_ALGORITHM_NAME);
            algorithm.addValue(DicomObjects.clip(job.algorithmName(), 64));
            item.put(algorithm);
        } catch (DicomException e) {
            throw new IllegalStateException(e);
        }
        DicomObjects.code(item, TagFromName.SegmentedPropertyCategoryCodeSequence, DicomObjects.code(
                label.getDicomCategory() != null ? label.getDicomCategory() : ExportJob.DEFAULT_CATEGORY));
        DicomObjects.code(item, TagFromName.SegmentedPropertyTypeCodeSequence, DicomObjects.code(
                label.getDicomType() != null ? label.getDicomType() : ExportJob.DEFAULT_TYPE));
        return item;
    }

    private static void dimensions(ExportJob job, AttributeList seg, boolean geometry) {
        String organization = ExportUids.of("dimensions", job.jobId());
        AttributeList org = new AttributeList();
        DicomObjects.put(org, TagFromName.DimensionOrganizationUID, organization);
        DicomObjects.sequence(seg, TagFromName.DimensionOrganizationSequence, org);
        List<AttributeList> indexes = new ArrayList<>();
        indexes.add(dimension(organization, TagFromName.ReferencedSegmentNumber, TagFromName.SegmentIdentificationSequence,
                "ReferencedSegmentNumber"));
        if (geometry) {
            indexes.add(dimension(organization, TagFromName.ImagePositionPatient, TagFromName.PlanePositionSequence,
                    "ImagePositionPatient"));
        }
        DicomObjects.sequence(seg, TagFromName.DimensionIndexSequence, indexes);
    }

    private static AttributeList dimension(String organization, com.pixelmed.dicom.AttributeTag pointer,
            com.pixelmed.dicom.AttributeTag group, String label) {
        AttributeList item = new AttributeList();
        DicomObjects.put(item, TagFromName.DimensionOrganizationUID, organization);
        try {
            AttributeTagAttribute index = new AttributeTagAttribute(TagFromName.DimensionIndexPointer);
            index.addValue(pointer);
            item.put(index);
            AttributeTagAttribute functionalGroup = new AttributeTagAttribute(TagFromName.FunctionalGroupPointer);
            functionalGroup.addValue(group);
            item.put(functionalGroup);
        } catch (DicomException e) {
            throw new IllegalStateException(e);
        }
        DicomObjects.put(item, TagFromName.DimensionDescriptionLabel, label);
        return item;
    }

    private static AttributeList sharedGroups(SourceImage first, boolean geometry) {
        AttributeList shared = new AttributeList();
        if (geometry) {
            AttributeList orientation = new AttributeList();
            DicomObjects.put(orientation, TagFromName.ImageOrientationPatient, decimals(first.orientation()));
            DicomObjects.sequence(shared, TagFromName.PlaneOrientationSequence, orientation);
            double[] spacing = first.pixelSpacing();
            if (spacing != null) {
                AttributeList measures = new AttributeList();
                DicomObjects.put(measures, TagFromName.PixelSpacing, decimals(spacing));
                String thickness = first.sliceThickness();
                DicomObjects.put(measures, TagFromName.SliceThickness, thickness.isEmpty() ? "1" : thickness);
                DicomObjects.sequence(shared, TagFromName.PixelMeasuresSequence, measures);
            }
        }
        return shared;
    }

    private static AttributeList frameGroups(FrameKey key, SourceImage source, boolean geometry, int position) {
        AttributeList groups = new AttributeList();
        AttributeList derivation = new AttributeList();
        AttributeList sourceImage = DicomObjects.sopReference(source);
        if (source.numberOfFrames() > 1) {
            DicomObjects.put(sourceImage, TagFromName.ReferencedFrameNumber, Integer.toString(key.frame() + 1));
        }
        DicomObjects.code(sourceImage, TagFromName.PurposeOfReferenceCodeSequence,
                DicomObjects.code("121322", "DCM", "Source image for image processing operation"));
        DicomObjects.sequence(derivation, TagFromName.SourceImageSequence, sourceImage);
        DicomObjects.code(derivation, TagFromName.DerivationCodeSequence, DicomObjects.code("113076", "DCM", "Segmentation"));
        DicomObjects.sequence(groups, TagFromName.DerivationImageSequence, derivation);
        AttributeList content = new AttributeList();
        if (geometry) {
            DicomObjects.put(content, TagFromName.DimensionIndexValues, Integer.toString(key.segment()), Integer.toString(position));
        } else {
            DicomObjects.put(content, TagFromName.DimensionIndexValues, Integer.toString(key.segment()));
        }
        DicomObjects.sequence(groups, TagFromName.FrameContentSequence, content);
        if (geometry) {
            AttributeList plane = new AttributeList();
            DicomObjects.put(plane, TagFromName.ImagePositionPatient, decimals(source.position(key.frame())));
            DicomObjects.sequence(groups, TagFromName.PlanePositionSequence, plane);
        }
        AttributeList identification = new AttributeList();
        DicomObjects.put(identification, TagFromName.ReferencedSegmentNumber, Integer.toString(key.segment()));
        DicomObjects.sequence(groups, TagFromName.SegmentIdentificationSequence, identification);
        return groups;
    }

    /** 1-based rank of each source frame's position along the slice normal (the second dimension index). */
    private static Map<String, Integer> positionIndex(List<FrameKey> keys, Map<String, SourceImage> sources) {
        double[] o = sources.values().iterator().next().orientation();
        double[] normal = {o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]};
        TreeMap<Double, List<String>> byDistance = new TreeMap<>();
        for (FrameKey k : keys) {
            double[] p = sources.get(k.sopInstanceUid()).position(k.frame());
            double d = p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2];
            byDistance.computeIfAbsent(Math.round(d * 1000) / 1000.0, x -> new ArrayList<>()).add(k.sopInstanceUid() + "/" + k.frame());
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        int rank = 0;
        for (List<String> same : byDistance.values()) {
            rank++;
            for (String s : same) {
                index.put(s, rank);
            }
        }
        return index;
    }

    /** Frames packed one bit per pixel, least significant bit first, frames back to back (PS3.5 8.1.1). */
    private static OtherByteAttribute pixelData(List<FrameKey> order, Map<FrameKey, byte[]> frames, int pixelsPerFrame) {
        long bits = (long) order.size() * pixelsPerFrame;
        int length = (int) ((bits + 7) / 8);
        byte[] packed = new byte[length + (length % 2)];
        long bit = 0;
        for (FrameKey key : order) {
            for (byte value : frames.get(key)) {
                if (value != 0) {
                    packed[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
                }
                bit++;
            }
        }
        OtherByteAttribute pixelData = new OtherByteAttribute(TagFromName.PixelData);
        try {
            pixelData.setValues(packed);
        } catch (DicomException e) {
            throw new IllegalStateException(e);
        }
        return pixelData;
    }

    static String[] decimals(double[] values) {
        String[] out = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = decimal(values[i]);
        }
        return out;
    }

    /** A DS value of at most 16 characters. */
    static String decimal(double v) {
        String s = Double.toString(v);
        if (s.endsWith(".0")) {
            s = s.substring(0, s.length() - 2);
        }
        if (s.length() > 16) {
            s = new java.math.BigDecimal(v).round(new java.math.MathContext(10)).stripTrailingZeros().toPlainString();
        }
        return s.length() > 16 ? s.substring(0, 16) : s;
    }
}

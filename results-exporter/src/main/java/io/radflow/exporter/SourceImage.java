package io.radflow.exporter;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import io.radflow.common.error.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The header of a source instance that results refer to (read by PixelMed up to the pixel data):
 * identity, patient and study attributes to copy, and the geometry a segmentation frame repeats.
 */
public final class SourceImage {

    /** (3004,000C) Grid Frame Offset Vector of RT Dose; PixelMed's dictionary names it without a TagFromName constant. */
    static final AttributeTag GRID_FRAME_OFFSET_VECTOR = new AttributeTag(0x3004, 0x000C);

    private final AttributeList attributes;

    private SourceImage(AttributeList attributes) {
        this.attributes = attributes;
    }

    /** Parses a Part 10 file (or a bare data set) up to its pixel data. */
    public static SourceImage read(InputStream in) {
        AttributeList list = new AttributeList();
        try {
            list.read(new DicomInputStream(in), TagFromName.PixelData);
        } catch (IOException | DicomException | RuntimeException e) {
            throw new ExportException(Reason.UNREADABLE_DICOM, "cannot read the source instance: " + e.getMessage(), e);
        }
        SourceImage image = new SourceImage(list);
        if (image.sopInstanceUid().isEmpty() || image.studyInstanceUid().isEmpty() || image.seriesInstanceUid().isEmpty()) {
            throw new ExportException(Reason.UNREADABLE_DICOM, "the source instance lacks SOP instance, series or study UID");
        }
        return image;
    }

    public static SourceImage read(byte[] bytes) {
        return read(new ByteArrayInputStream(bytes));
    }

    AttributeList attributes() {
        return attributes;
    }

    String string(AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(attributes, tag).trim();
    }

    public String sopClassUid() {
        return string(TagFromName.SOPClassUID);
    }

    public String sopInstanceUid() {
        return string(TagFromName.SOPInstanceUID);
    }

    public String seriesInstanceUid() {
        return string(TagFromName.SeriesInstanceUID);
    }

    public String studyInstanceUid() {
        return string(TagFromName.StudyInstanceUID);
    }

    public int rows() {
        return Attribute.getSingleIntegerValueOrDefault(attributes, TagFromName.Rows, 0);
    }

    public int columns() {
        return Attribute.getSingleIntegerValueOrDefault(attributes, TagFromName.Columns, 0);
    }

    public int numberOfFrames() {
        return Math.max(1, Attribute.getSingleIntegerValueOrDefault(attributes, TagFromName.NumberOfFrames, 1));
    }

    public String frameOfReferenceUid() {
        return string(TagFromName.FrameOfReferenceUID);
    }

    /** True when the image has a frame of reference, an orientation and a position: a segmentation then repeats them. */
    public boolean hasPatientGeometry() {
        return !frameOfReferenceUid().isEmpty() && orientation() != null && position(0) != null;
    }

    /** Image Orientation (Patient): top level, or in the shared functional groups of an enhanced image. */
    public double[] orientation() {
        return vector(TagFromName.PlaneOrientationSequence, TagFromName.ImageOrientationPatient, 6, -1);
    }

    /** Image Position (Patient) of a frame (zero-based): per frame in an enhanced image, else the top level. */
    public double[] position(int frame) {
        double[] p = vector(TagFromName.PlanePositionSequence, TagFromName.ImagePositionPatient, 3, frame);
        double[] offsets = doubles(attributes, GRID_FRAME_OFFSET_VECTOR);
        double[] o = orientation();
        if (p != null && o != null && offsets != null && frame < offsets.length && attributes.get(TagFromName.ImagePositionPatient) != null) {
            // RT Dose and similar: frame i lies at the top-level position plus offset i along the normal.
            double[] n = {o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]};
            return new double[] {p[0] + offsets[frame] * n[0], p[1] + offsets[frame] * n[1], p[2] + offsets[frame] * n[2]};
        }
        return p;
    }

    public double[] pixelSpacing() {
        return vector(TagFromName.PixelMeasuresSequence, TagFromName.PixelSpacing, 2, -1);
    }

    public String sliceThickness() {
        String top = string(TagFromName.SliceThickness);
        if (!top.isEmpty()) {
            return top;
        }
        AttributeList measures = functionalGroup(TagFromName.SharedFunctionalGroupsSequence, 0, TagFromName.PixelMeasuresSequence);
        return measures == null ? "" : Attribute.getSingleStringValueOrEmptyString(measures, TagFromName.SliceThickness).trim();
    }

    private double[] vector(AttributeTag macro, AttributeTag tag, int length, int frame) {
        double[] top = doubles(attributes, tag);
        if (top != null && top.length == length) {
            return top;
        }
        AttributeList group = frame >= 0 ? functionalGroup(TagFromName.PerFrameFunctionalGroupsSequence, frame, macro) : null;
        if (group == null) {
            group = functionalGroup(TagFromName.SharedFunctionalGroupsSequence, 0, macro);
        }
        double[] nested = group == null ? null : doubles(group, tag);
        return nested != null && nested.length == length ? nested : null;
    }

    private AttributeList functionalGroup(AttributeTag groups, int item, AttributeTag macro) {
        if (!(attributes.get(groups) instanceof SequenceAttribute seq) || seq.getNumberOfItems() <= item) {
            return null;
        }
        if (!(seq.getItem(item).getAttributeList().get(macro) instanceof SequenceAttribute inner) || inner.getNumberOfItems() == 0) {
            return null;
        }
        return inner.getItem(0).getAttributeList();
    }

    private static double[] doubles(AttributeList list, AttributeTag tag) {
        Attribute a = list.get(tag);
        if (a == null || a.getVM() == 0) {
            return null;
        }
        try {
            return a.getDoubleValues();
        } catch (DicomException e) {
            return null;
        }
    }
}

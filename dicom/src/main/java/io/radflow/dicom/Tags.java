package io.radflow.dicom;

/**
 * The DICOM tags the pipeline reads, as {@code (group << 16) | element} ints, and their printed
 * form. Only what the reader and its callers use lives here; this is not a data dictionary.
 */
public final class Tags {

    private Tags() {
    }

    public static final int TRANSFER_SYNTAX_UID = 0x0002_0010;
    public static final int SPECIFIC_CHARACTER_SET = 0x0008_0005;
    public static final int SOP_CLASS_UID = 0x0008_0016;
    public static final int SOP_INSTANCE_UID = 0x0008_0018;
    public static final int MODALITY = 0x0008_0060;
    public static final int STUDY_DESCRIPTION = 0x0008_1030;
    public static final int SERIES_DESCRIPTION = 0x0008_103E;
    public static final int BODY_PART_EXAMINED = 0x0018_0015;
    public static final int STUDY_INSTANCE_UID = 0x0020_000D;
    public static final int SERIES_INSTANCE_UID = 0x0020_000E;
    public static final int INSTANCE_NUMBER = 0x0020_0013;
    public static final int IMAGES_IN_ACQUISITION = 0x0020_1002;
    public static final int SAMPLES_PER_PIXEL = 0x0028_0002;
    public static final int PHOTOMETRIC_INTERPRETATION = 0x0028_0004;
    public static final int PLANAR_CONFIGURATION = 0x0028_0006;
    public static final int NUMBER_OF_FRAMES = 0x0028_0008;
    public static final int ROWS = 0x0028_0010;
    public static final int COLUMNS = 0x0028_0011;
    public static final int BITS_ALLOCATED = 0x0028_0100;
    public static final int BITS_STORED = 0x0028_0101;
    public static final int HIGH_BIT = 0x0028_0102;
    public static final int PIXEL_REPRESENTATION = 0x0028_0103;
    public static final int WINDOW_CENTER = 0x0028_1050;
    public static final int WINDOW_WIDTH = 0x0028_1051;
    public static final int RESCALE_INTERCEPT = 0x0028_1052;
    public static final int RESCALE_SLOPE = 0x0028_1053;
    public static final int FLOAT_PIXEL_DATA = 0x7FE0_0008;
    public static final int DOUBLE_FLOAT_PIXEL_DATA = 0x7FE0_0009;
    public static final int PIXEL_DATA = 0x7FE0_0010;

    public static final int ITEM = 0xFFFE_E000;
    public static final int ITEM_DELIMITATION = 0xFFFE_E00D;
    public static final int SEQUENCE_DELIMITATION = 0xFFFE_E0DD;

    /** {@code (gggg,eeee)} in lower-case hex, as dcmdump and pydicom print tags. */
    public static String toString(int tag) {
        return String.format("(%04x,%04x)", tag >>> 16, tag & 0xFFFF);
    }

    public static int group(int tag) {
        return tag >>> 16;
    }
}

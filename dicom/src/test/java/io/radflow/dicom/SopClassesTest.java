package io.radflow.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SopClassesTest {

    @Test
    void shouldTakeImagesWithPixelsOrUndescribed() {
        assertThat(SopClasses.isImage(SopClasses.CT_IMAGE, true)).isTrue();
        assertThat(SopClasses.isImage("1.2.840.10008.5.1.4.1.1.1.1", true)).as("DX").isTrue();
        assertThat(SopClasses.isImage(SopClasses.RT_IMAGE, true)).as("RT Image, in the RT family").isTrue();
        assertThat(SopClasses.isImage(SopClasses.PARAMETRIC_MAP, true)).isTrue();
        assertThat(SopClasses.isImage("1.2.3.4.private", true)).as("a private class with pixels").isTrue();
        assertThat(SopClasses.isImage(SopClasses.CT_IMAGE, null)).as("pixels unknown (older publisher)").isTrue();
        assertThat(SopClasses.isImage(null, null)).as("nothing known: sent, as before").isTrue();
        assertThat(SopClasses.isImage(null, true)).isTrue();
    }

    @Test
    void shouldRefuseObjectsWithoutPixels() {
        assertThat(SopClasses.isImage(SopClasses.CT_IMAGE, false)).as("a CT without pixel data").isFalse();
        assertThat(SopClasses.isImage(null, false)).isFalse();
        assertThat(SopClasses.isImage("1.2.3.4.private", false)).isFalse();
    }

    @Test
    void shouldRefuseNonImageClassesWhateverThePixels() {
        for (String uid : new String[] {SopClasses.BASIC_TEXT_SR, SopClasses.COMPREHENSIVE_SR, SopClasses.KEY_OBJECT_SELECTION,
                SopClasses.GRAYSCALE_PRESENTATION_STATE, SopClasses.ENCAPSULATED_PDF, SopClasses.TWELVE_LEAD_ECG,
                SopClasses.SEGMENTATION, SopClasses.RT_DOSE, SopClasses.RT_STRUCTURE_SET, SopClasses.RT_PLAN,
                "1.2.840.10008.5.1.4.1.1.88.22", "1.2.840.10008.5.1.4.1.1.66.7", "1.2.840.10008.5.1.4.1.1.4.2"}) {
            assertThat(SopClasses.isNonImageClass(uid)).as(uid).isTrue();
            assertThat(SopClasses.isImage(uid, null)).as(uid).isFalse();
            assertThat(SopClasses.isImage(uid, true)).as(uid).isFalse();
        }
    }

    @Test
    void shouldMatchFamiliesByWholeUidComponents() {
        assertThat(SopClasses.isNonImageClass("1.2.840.10008.5.1.4.1.1.1")).as("CR is not in the .11 family").isFalse();
        assertThat(SopClasses.isNonImageClass("1.2.840.10008.5.1.4.1.1.1.1")).as("DX").isFalse();
        assertThat(SopClasses.isNonImageClass("1.2.840.10008.5.1.4.1.1.4")).as("MR").isFalse();
        assertThat(SopClasses.isNonImageClass("1.2.840.10008.5.1.4.1.1.4.1")).as("Enhanced MR").isFalse();
        assertThat(SopClasses.isNonImageClass("1.2.840.10008.5.1.4.1.1.6.1")).as("US").isFalse();
        assertThat(SopClasses.isNonImageClass("1.2.840.10008.5.1.4.1.1.77.1.6")).as("whole slide").isFalse();
        assertThat(SopClasses.isNonImageClass(" 1.2.840.10008.5.1.4.1.1.88.11 ")).as("padding").isTrue();
        assertThat(SopClasses.isNonImageClass(null)).isFalse();
    }

    @Test
    void shouldClassifyPydicomsSampleFilesReadHeaderOnly() {
        java.nio.file.Path root = java.nio.file.Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
        java.util.Map<String, Boolean> expected = java.util.Map.of(
                "CT_small.dcm", true, "MR_small.dcm", true, "JPEG2000.dcm", true,
                "test-SR.dcm", false, "reportsi.dcm", false, "liver_1frame.dcm", false,
                "rtplan.dcm", false, "rtstruct.dcm", false, "rtdose.dcm", false, "waveform_ecg.dcm", false);
        expected.forEach((name, image) -> {
            DicomFile f = DicomReader.headerOnly().read(root.resolve(name));
            assertThat(SopClasses.isImage(f.attributes().sopClassUid(), f.containsPixelData())).as(name).isEqualTo(image);
        });
    }
}

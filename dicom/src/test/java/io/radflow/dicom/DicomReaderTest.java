package io.radflow.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.error.Reason;
import io.radflow.dicom.DicomReadException.Problem;
import io.radflow.dicom.TestDicom.Dataset;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Synthetic inputs for what pydicom's sample files do not cover, bad input above all. */
class DicomReaderTest {

    private static final String STUDY = "1.2.3.4";
    private static final String SERIES = "1.2.3.4.5";
    private static final String SOP = "1.2.3.4.5.6";

    private static Dataset identity(Supplier<Dataset> kind) {
        return kind.get()
                .text(Tags.SOP_CLASS_UID, "UI", "1.2.840.10008.5.1.4.1.1.2")
                .text(Tags.SOP_INSTANCE_UID, "UI", SOP)
                .text(Tags.MODALITY, "CS", "CT")
                .text(Tags.STUDY_DESCRIPTION, "LO", "Head ")
                .text(Tags.STUDY_INSTANCE_UID, "UI", STUDY)
                .text(Tags.SERIES_INSTANCE_UID, "UI", SERIES)
                .text(Tags.INSTANCE_NUMBER, "IS", " 7 ");
    }

    private static DicomReadException failure(Runnable read) {
        try {
            read.run();
        } catch (DicomReadException e) {
            assertThat(e.reason()).isEqualTo(Reason.UNREADABLE_DICOM);
            assertThat(e.retriable()).isFalse();
            return e;
        }
        throw new AssertionError("expected a DicomReadException");
    }

    @Test
    void shouldReadTheSameAttributesInEveryNativeEncoding() {
        DicomAttributes le = DicomReader.standard().read(TestDicom.part10(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
                identity(Dataset::explicitLe).us(Tags.ROWS, 512).bytes())).attributes();
        DicomAttributes implicit = DicomReader.standard().read(TestDicom.part10(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN,
                identity(Dataset::implicitLe).us(Tags.ROWS, 512).bytes())).attributes();
        DicomAttributes be = DicomReader.standard().read(TestDicom.part10(TransferSyntax.EXPLICIT_VR_BIG_ENDIAN,
                identity(Dataset::explicitBe).us(Tags.ROWS, 512).bytes())).attributes();
        assertThat(le.studyInstanceUid()).isEqualTo(STUDY);
        assertThat(le.sopInstanceUid()).isEqualTo(SOP);
        assertThat(le.instanceNumber()).isEqualTo(7);
        assertThat(le.studyDescription()).isEqualTo("Head");
        assertThat(le.rows()).isEqualTo(512);
        assertThat(le.identifiesInstance()).isTrue();
        assertThat(implicit.transferSyntaxUid()).isEqualTo(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);
        assertThat(be.transferSyntaxUid()).isEqualTo(TransferSyntax.EXPLICIT_VR_BIG_ENDIAN);
        assertThat(implicit).usingRecursiveComparison().ignoringFields("transferSyntaxUid").isEqualTo(le);
        assertThat(be).usingRecursiveComparison().ignoringFields("transferSyntaxUid").isEqualTo(le);
    }

    @Test
    void shouldReadABareDataSetWithoutFileMeta() {
        DicomFile f = DicomReader.standard().read(identity(Dataset::explicitBe).bytes());
        assertThat(f.attributes().transferSyntaxUid()).isEqualTo(TransferSyntax.EXPLICIT_VR_BIG_ENDIAN);
        assertThat(f.attributes().seriesInstanceUid()).isEqualTo(SERIES);
    }

    @Test
    void shouldWalkSequencesOfDefinedAndUndefinedLengthAndReadWhatFollows() {
        Dataset nested = Dataset.explicitLe().text(Tags.MODALITY, "CS", "XX")
                .sequence(0x0008_1115, Dataset.explicitLe().text(Tags.SERIES_INSTANCE_UID, "UI", "9.9"));
        byte[] data = Dataset.explicitLe()
                .text(Tags.SOP_INSTANCE_UID, "UI", SOP)
                .sequence(0x0008_1110, nested, Dataset.explicitLe())
                .definedSequence(0x0008_1111, Dataset.explicitLe().text(Tags.STUDY_INSTANCE_UID, "UI", "8.8"))
                .header(0x0009_1001, "UN", TestDicom.UNDEFINED) // UN of undefined length: implicit VR inside
                .raw(afterHeader(Dataset.implicitLe().sequence(0, Dataset.implicitLe().text(Tags.MODALITY, "CS", "YY")).bytes()))
                .text(Tags.STUDY_INSTANCE_UID, "UI", STUDY)
                .bytes();
        DicomFile f = DicomReader.standard().read(TestDicom.part10(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, data));
        assertThat(f.tags()).containsExactly(Tags.SOP_INSTANCE_UID, 0x0008_1110, 0x0008_1111, 0x0009_1001, Tags.STUDY_INSTANCE_UID);
        assertThat(f.attributes().studyInstanceUid()).isEqualTo(STUDY);
        assertThat(f.attributes().modality()).as("nested values are not top-level attributes").isNull();
    }

    @Test
    void shouldRefuseNestingDeeperThanTheLimit() {
        Dataset inner = Dataset.explicitLe();
        for (int i = 0; i < DatasetParser.MAX_DEPTH + 5; i++) {
            inner = Dataset.explicitLe().sequence(0x0008_1110, inner);
        }
        byte[] file = TestDicom.part10(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, inner.bytes());
        assertThat(failure(() -> DicomReader.standard().read(file)))
                .hasFieldOrPropertyWithValue("problem", Problem.MALFORMED).hasMessageContaining("nested deeper");
    }

    @Test
    void shouldFailOnASequenceWithoutDelimiter() {
        byte[] data = Dataset.explicitLe().header(0x0008_1110, "SQ", TestDicom.UNDEFINED)
                .raw(new byte[] {(byte) 0xFE, (byte) 0xFF, 0, (byte) 0xE0, 0, 0, 0, 0}).bytes();
        assertThat(failure(() -> DicomReader.standard().read(TestDicom.part10(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, data))))
                .hasFieldOrPropertyWithValue("problem", Problem.TRUNCATED)
                .hasMessageContaining("sequence (0008,1110) ends without a Sequence Delimitation Item");
    }

    @Test
    void shouldFailOnAnInvalidVr() {
        byte[] data = Dataset.explicitLe().text(Tags.SOP_INSTANCE_UID, "UI", SOP)
                .raw(new byte[] {0x20, 0, 0x0D, 0, 'u', 'i', 2, 0, '1', 0}).bytes();
        assertThat(failure(() -> DicomReader.standard().read(TestDicom.part10(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, data))))
                .hasFieldOrPropertyWithValue("problem", Problem.MALFORMED)
                .hasMessageContaining("(0020,000d)").hasMessageContaining("invalid VR");
    }

    @Test
    void shouldFailOnALengthBeyondTheEndOfTheInput() {
        byte[] data = Dataset.explicitLe().text(Tags.SOP_INSTANCE_UID, "UI", SOP).header(Tags.STUDY_DESCRIPTION, "LO", 5000)
                .raw("short".getBytes(StandardCharsets.US_ASCII)).bytes();
        assertThat(failure(() -> DicomReader.standard().read(TestDicom.part10(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, data))))
                .hasFieldOrPropertyWithValue("problem", Problem.TRUNCATED)
                .hasMessageContaining("(0008,1030)").hasMessageContaining("declares 5000 bytes");
    }

    @Test
    void shouldStopBeforePixelDataWhenAskedEvenIfItIsCutShort() {
        byte[] data = identity(Dataset::explicitLe).header(Tags.PIXEL_DATA, "OW", 1 << 30).raw(new byte[16]).bytes();
        byte[] file = TestDicom.part10(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, data);
        DicomFile header = DicomReader.headerOnly().read(file);
        assertThat(header.attributes().sopInstanceUid()).isEqualTo(SOP);
        assertThat(header.stoppedBeforePixelData()).isTrue();
        assertThat(failure(header::pixelFormat)).hasMessageContaining("header-only");
        assertThat(failure(() -> DicomReader.standard().read(file))).hasFieldOrPropertyWithValue("problem", Problem.TRUNCATED)
                .hasMessageContaining("(7fe0,0010)");
    }

    @Test
    void shouldSayWhetherTheInstanceHoldsPixelDataAlsoWhenReadHeaderOnly() {
        byte[] withPixels = TestDicom.part10(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, identity(Dataset::explicitLe)
                .header(Tags.PIXEL_DATA, "OW", 1 << 30).raw(new byte[16]).bytes());
        assertThat(DicomReader.headerOnly().read(withPixels).containsPixelData()).as("cut short, but the tag is there").isTrue();
        assertThat(DicomReader.headerOnly().read(withPixels).hasPixelData()).as("not read").isFalse();

        byte[] floats = TestDicom.part10(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, identity(Dataset::explicitLe)
                .element(Tags.FLOAT_PIXEL_DATA, "OF", new byte[16]).bytes());
        assertThat(DicomReader.headerOnly().read(floats).containsPixelData()).as("Float Pixel Data").isTrue();
        assertThat(DicomReader.standard().read(floats).containsPixelData()).isTrue();
        byte[] doubles = TestDicom.part10(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, identity(Dataset::implicitLe)
                .element(Tags.DOUBLE_FLOAT_PIXEL_DATA, "OD", new byte[16]).bytes());
        assertThat(DicomReader.headerOnly().read(doubles).containsPixelData()).as("Double Float Pixel Data").isTrue();

        // a report: no pixels, only trailing padding past where Pixel Data would be
        byte[] report = TestDicom.part10(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, identity(Dataset::explicitLe)
                .element(0xFFFC_FFFC, "OB", new byte[8]).bytes());
        assertThat(DicomReader.headerOnly().read(report).containsPixelData()).isFalse();
        assertThat(DicomReader.standard().read(report).containsPixelData()).isFalse();
        byte[] bare = TestDicom.part10(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, identity(Dataset::explicitLe).bytes());
        assertThat(DicomReader.headerOnly().read(bare).containsPixelData()).isFalse();
    }

    @Test
    void shouldReadBodyPartExamined() {
        byte[] file = TestDicom.part10(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, Dataset.explicitLe()
                .text(Tags.SOP_CLASS_UID, "UI", "1.2.840.10008.5.1.4.1.1.2").text(Tags.SOP_INSTANCE_UID, "UI", SOP)
                .text(Tags.BODY_PART_EXAMINED, "CS", "CHEST ").text(Tags.SERIES_DESCRIPTION, "LO", "Lung 1mm ").bytes());
        DicomAttributes a = DicomReader.headerOnly().read(file).attributes();
        assertThat(a.bodyPartExamined()).isEqualTo("CHEST");
        assertThat(a.seriesDescription()).isEqualTo("Lung 1mm");
    }

    @Test
    void shouldSplitEncapsulatedFramesByTheBasicOffsetTable() {
        byte[] a = {1, 2};
        byte[] b = {3, 4, 5, 6};
        byte[] c = {7, 8};
        byte[] d = {9, 10};
        // frame 0 = fragments a+b, frame 1 = c, frame 2 = d; offsets count item headers (8 bytes)
        byte[] data = identity(Dataset::explicitLe).text(Tags.NUMBER_OF_FRAMES, "IS", "3")
                .encapsulatedPixels(List.of(0, 8 + 2 + 8 + 4, 8 + 2 + 8 + 4 + 8 + 2), a, b, c, d).bytes();
        DicomFile f = DicomReader.standard().read(TestDicom.part10("1.2.840.10008.1.2.4.50", data));
        EncapsulatedPixelData px = f.encapsulatedPixelData().orElseThrow();
        assertThat(px.fragments()).hasSize(4);
        assertThat(bytes(px.frame(0))).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(bytes(px.frame(1))).containsExactly(7, 8);
        assertThat(bytes(px.frame(2))).containsExactly(9, 10);
        assertThat(failure(() -> f.nativeFrame(0))).hasFieldOrPropertyWithValue("problem", Problem.UNSUPPORTED)
                .hasMessageContaining("compressed");
    }

    @Test
    void shouldSayWhenFragmentsCannotBeAssignedToFrames() {
        byte[] data = identity(Dataset::explicitLe).text(Tags.NUMBER_OF_FRAMES, "IS", "2")
                .encapsulatedPixels(List.of(), new byte[] {1, 2}, new byte[] {3, 4}, new byte[] {5, 6}).bytes();
        EncapsulatedPixelData px = DicomReader.standard().read(TestDicom.part10("1.2.840.10008.1.2.4.50", data))
                .encapsulatedPixelData().orElseThrow();
        assertThat(px.framesKnown()).isFalse();
        assertThat(failure(() -> px.frame(0))).hasFieldOrPropertyWithValue("problem", Problem.UNSUPPORTED);
    }

    @Test
    void shouldInflateADeflatedDataSetWithinItsLimit() {
        byte[] raw = identity(Dataset::explicitLe).text(Tags.SERIES_DESCRIPTION, "LO", "x".repeat(20_000)).bytes();
        byte[] file = TestDicom.part10(TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, TestDicom.deflate(raw));
        assertThat(DicomReader.standard().read(file).attributes().seriesDescription()).hasSize(20_000);
        assertThat(failure(() -> DicomReader.standard().withMaxInflatedBytes(10_000).read(file)))
                .hasFieldOrPropertyWithValue("problem", Problem.TOO_LARGE);
        byte[] cut = Arrays.copyOf(file, file.length - 20);
        assertThat(failure(() -> DicomReader.standard().read(cut))).hasFieldOrPropertyWithValue("problem", Problem.TRUNCATED);
        byte[] garbage = TestDicom.part10(TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, new byte[] {(byte) 0xFF, (byte) 0xFF, 1, 2});
        assertThat(failure(() -> DicomReader.standard().read(garbage))).hasFieldOrPropertyWithValue("problem", Problem.MALFORMED);
    }

    @Test
    void shouldRefuseInputThatIsNotDicom() {
        for (byte[] input : List.of(new byte[0], "hello, world".getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13}, new byte[300])) {
            assertThat(failure(() -> DicomReader.standard().read(input))).hasFieldOrPropertyWithValue("problem", Problem.NOT_DICOM)
                    .hasMessageContaining("not a DICOM file");
        }
    }

    @Test
    void shouldRefuseAnAttributeThatIsNotANumber() {
        byte[] data = identity(Dataset::explicitLe).text(Tags.NUMBER_OF_FRAMES, "IS", "1A").bytes();
        assertThat(failure(() -> DicomReader.headerOnly().read(TestDicom.part10(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, data))))
                .hasFieldOrPropertyWithValue("problem", Problem.INVALID_VALUE)
                .hasMessageContaining("(0028,0008) Number of Frames is '1A', not an integer");
    }

    @Test
    void shouldSayWhenNativePixelDataIsShorterThanItsFrames() {
        byte[] data = identity(Dataset::explicitLe).us(Tags.SAMPLES_PER_PIXEL, 1).text(Tags.NUMBER_OF_FRAMES, "IS", "2")
                .us(Tags.ROWS, 4).us(Tags.COLUMNS, 4).us(Tags.BITS_ALLOCATED, 16)
                .element(Tags.PIXEL_DATA, "OW", new byte[40]).bytes();
        DicomFile f = DicomReader.standard().read(TestDicom.part10(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, data));
        assertThat(failure(() -> f.nativeFrame(1))).hasFieldOrPropertyWithValue("problem", Problem.MALFORMED)
                .hasMessageContaining("holds 40 bytes").hasMessageContaining("need 64");
        assertThat(failure(() -> f.nativeFrame(2))).hasFieldOrPropertyWithValue("problem", Problem.INVALID_VALUE);
    }

    @Test
    void shouldReadFilesAndStreamsAndRefuseWhatIsMissingOrTooLarge(@TempDir Path dir) throws Exception {
        byte[] file = TestDicom.part10(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, identity(Dataset::explicitLe).bytes());
        Path path = Files.write(dir.resolve("a.dcm"), file);
        assertThat(DicomReader.standard().read(path).attributes().sopInstanceUid()).isEqualTo(SOP);
        assertThat(DicomReader.standard().read(new ByteArrayInputStream(file), file.length).attributes().sopInstanceUid()).isEqualTo(SOP);
        assertThat(failure(() -> DicomReader.standard().read(new ByteArrayInputStream(file), file.length - 1)))
                .hasFieldOrPropertyWithValue("problem", Problem.TOO_LARGE);
        assertThat(failure(() -> DicomReader.standard().read(dir.resolve("missing.dcm"))))
                .hasFieldOrPropertyWithValue("problem", Problem.IO).hasMessageContaining("missing.dcm");
    }

    private static byte[] afterHeader(byte[] implicitElement) {
        return Arrays.copyOfRange(implicitElement, 8, implicitElement.length);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}

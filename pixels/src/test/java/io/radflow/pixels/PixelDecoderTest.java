package io.radflow.pixels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReadException;
import io.radflow.dicom.DicomReader;
import io.radflow.dicom.NativeFrame;
import io.radflow.pixels.PixelDecodeException.Problem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the decoder does around the codecs: routing by transfer syntax, refusals that name their
 * cause, the size limit checked before anything is decoded, and the native fast path.
 */
class PixelDecoderTest {

    private static final String JPEG_LS = "1.2.840.10008.1.2.4.80";
    private static PixelDecoder decoder;

    @BeforeAll
    static void start() {
        decoder = PixelDecoders.create(CodecSettings.defaults().withProcesses(1));
    }

    @AfterAll
    static void stop() {
        decoder.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "1.2.840.10008.1.2.4.100", // MPEG2 MP@ML: GDCM knows the UID, has no decoder
            "1.2.840.10008.1.2.4.101",
            "1.2.840.10008.1.2.4.102", // H.264
            "1.2.840.10008.1.2.4.103",
            "1.2.840.10008.1.2.4.104",
            "1.2.840.10008.1.2.4.107", // HEVC
            "1.2.840.10008.1.2.4.201", // HTJ2K: GDCM 3.0.21 does not know it
            "1.2.840.10008.1.2.4.202",
            "1.2.840.10008.1.2.4.203",
            "1.2.840.10008.1.2.4.110", // JPEG XL
            "1.2.840.10008.1.2.4.52", // JPEG extended 3 & 5 (arithmetic), retired
            "1.2.840.10008.1.2.4.94", // JPIP referenced
            "1.2.840.10008.1.2.8.1", // deflated image frame compression
            "1.2.3.4.5.6.7.8.9" // a private syntax
    })
    void shouldRefuseSyntaxesNoCodecDecodesNamingTheUid(String uid) {
        DicomFile f = TestDicom.mono16(uid, 4, 4, 1).encapsulated(List.of(new byte[] {1, 2, 3, 4})).read();

        assertThatThrownBy(() -> decoder.decode(f))
                .isInstanceOfSatisfying(PixelDecodeException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.UNSUPPORTED_TRANSFER_SYNTAX);
                    assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_TRANSFER_SYNTAX);
                    assertThat(e.retriable()).isFalse();
                })
                .hasMessageContaining(uid);
    }

    @Test
    void shouldNameTheSyntaxOfAStandardUidItRefuses() {
        DicomFile f = TestDicom.mono16("1.2.840.10008.1.2.4.201", 4, 4, 1).encapsulated(List.of(new byte[4])).read();

        assertThatThrownBy(() -> decoder.decode(f)).hasMessageContaining("1.2.840.10008.1.2.4.201 (High-Throughput JPEG 2000");
    }

    @Test
    void shouldRouteEveryStandardSyntaxAsDocumented() {
        assertThat(TransferSyntaxSupport.route("1.2.840.10008.1.2")).isEqualTo(TransferSyntaxSupport.Route.NATIVE);
        assertThat(TransferSyntaxSupport.route("1.2.840.10008.1.2.1.99")).isEqualTo(TransferSyntaxSupport.Route.NATIVE);
        for (String gdcm : List.of("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
                "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81", "1.2.840.10008.1.2.4.90",
                "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.5")) {
            assertThat(TransferSyntaxSupport.route(gdcm)).as(gdcm).isEqualTo(TransferSyntaxSupport.Route.GDCM);
        }
        assertThat(TransferSyntaxSupport.mayBeLossy("1.2.840.10008.1.2.4.81")).isTrue();
        assertThat(TransferSyntaxSupport.mayBeLossy("1.2.840.10008.1.2.4.90")).isFalse();
        assertThat(TransferSyntaxSupport.route(null)).isEqualTo(TransferSyntaxSupport.Route.UNSUPPORTED);
    }

    @Test
    void shouldRefuseAnInstanceWithoutPixelData() {
        DicomFile f = TestDicom.mono16("1.2.840.10008.1.2.1", 4, 4, 1).read();

        assertThatThrownBy(() -> decoder.decode(f)).isInstanceOfSatisfying(PixelDecodeException.class, e -> {
            assertThat(e.problem()).isEqualTo(Problem.NO_PIXEL_DATA);
            assertThat(e.reason()).isEqualTo(Reason.UNREADABLE_DICOM);
        }).hasMessageContaining("no Pixel Data (7fe0,0010)");
    }

    @Test
    void shouldRefuseAHeaderOnlyRead() {
        DicomFile f = DicomReader.headerOnly().read(TestFiles.bytes("CT_small.dcm"));

        assertThatThrownBy(() -> decoder.decode(f)).isInstanceOfSatisfying(PixelDecodeException.class,
                e -> assertThat(e.problem()).isEqualTo(Problem.NO_PIXEL_DATA)).hasMessageContaining("header-only");
    }

    @Test
    void shouldRefuseEncapsulatedPixelDataWithoutFragments() {
        DicomFile f = TestDicom.mono16(JPEG_LS, 4, 4, 1).encapsulated(List.of()).read();

        assertThatThrownBy(() -> decoder.decode(f)).isInstanceOf(RadflowException.class)
                .hasMessageContaining("no fragments");
    }

    @Test
    void shouldRefuseCompressedPixelDataThatIsNotEncapsulated() {
        DicomFile f = TestDicom.mono16(JPEG_LS, 2, 2, 1).nativePixels(new byte[8]).read();

        assertThatThrownBy(() -> decoder.decode(f)).isInstanceOfSatisfying(PixelDecodeException.class,
                e -> assertThat(e.problem()).isEqualTo(Problem.BAD_GEOMETRY)).hasMessageContaining("not encapsulated");
    }

    @Test
    void shouldRefuseCompressedPixelDataWithoutRows() {
        DicomFile f = TestDicom.mono16(JPEG_LS, 2, 2, 1).remove(TestDicom.ROWS).encapsulated(List.of(new byte[4])).read();

        assertThatThrownBy(() -> decoder.decode(f)).isInstanceOfSatisfying(PixelDecodeException.class,
                e -> assertThat(e.problem()).isEqualTo(Problem.BAD_GEOMETRY)).hasMessageContaining("Rows is missing");
    }

    @Test
    void shouldRefuseAnAbsurdDecodedSizeBeforeStartingACodecProcess() {
        // 65535 x 65535 x 3 samples x 16 bits x 1000 frames: 25 TB declared by a few hundred bytes
        DicomFile f = TestDicom.mono16(JPEG_LS, 65535, 65535, 1000).us(TestDicom.SAMPLES_PER_PIXEL, 3)
                .text(TestDicom.PHOTOMETRIC, "CS", "RGB").encapsulated(List.of(new byte[16])).read();
        try (PixelDecoder fresh = PixelDecoders.create()) {
            assertThatThrownBy(() -> fresh.decode(f)).isInstanceOfSatisfying(PixelDecodeException.class, e -> {
                assertThat(e.problem()).isEqualTo(Problem.TOO_LARGE);
                assertThat(e.reason()).isEqualTo(Reason.UNREADABLE_DICOM);
            }).hasMessageContaining("25769017350000 bytes").hasMessageContaining("pixels.codec.max.decoded.bytes");
            assertThat(((DefaultPixelDecoder) fresh).codecProcessIds()).as("no codec process was started").isEmpty();
        }
    }

    @Test
    void shouldApplyTheSizeLimitToCompressedAndNativePixelData() {
        // MR_small is 64 x 64 x 16 bits: 8192 bytes decoded
        try (PixelDecoder small = PixelDecoders.create(CodecSettings.defaults().withMaxDecodedBytes(8191))) {
            for (String name : List.of("MR_small_jpeg_ls_lossless.dcm", "MR_small.dcm", "MR_small_bigendian.dcm")) {
                assertThatThrownBy(() -> small.decode(TestFiles.read(name))).as(name)
                        .isInstanceOfSatisfying(PixelDecodeException.class, e -> assertThat(e.problem()).isEqualTo(Problem.TOO_LARGE))
                        .hasMessageContaining("8192 bytes").hasMessageContaining("limit of 8191");
            }
        }
        try (PixelDecoder exact = PixelDecoders.create(CodecSettings.defaults().withMaxDecodedBytes(8192))) {
            assertThat(exact.decode(TestFiles.read("MR_small_jpeg_ls_lossless.dcm")).frames()).hasSize(1);
        }
    }

    @Test
    void shouldRefuseMoreCompressedBytesThanTheLimit() {
        DicomFile f = TestDicom.mono16(JPEG_LS, 4, 4, 1).encapsulated(List.of(new byte[4096])).read();
        try (PixelDecoder small = PixelDecoders.create(CodecSettings.defaults().withMaxDecodedBytes(1024))) {
            assertThatThrownBy(() -> small.decode(f)).isInstanceOfSatisfying(PixelDecodeException.class,
                    e -> assertThat(e.problem()).isEqualTo(Problem.TOO_LARGE)).hasMessageContaining("compressed pixel data of 4096 bytes");
        }
    }

    @Test
    void shouldFailAsUnreadableWhenGdcmCannotDecodeTheStream() {
        DicomFile f = TestDicom.mono16(JPEG_LS, 8, 8, 1).encapsulated(List.of("not a JPEG-LS stream".getBytes())).read();

        assertThatThrownBy(() -> decoder.decode(f)).isInstanceOfSatisfying(PixelDecodeException.class, e -> {
            assertThat(e.problem()).isEqualTo(Problem.CODEC_FAILED);
            assertThat(e.reason()).isEqualTo(Reason.UNREADABLE_DICOM);
        }).hasMessageContaining("1.2.840.10008.1.2.4.80 (JPEG-LS Lossless)").hasMessageContaining("GDCM could not decode");
        assertThat(decoder.decode(TestFiles.read("MR_small_jpeg_ls_lossless.dcm")).frames()).hasSize(1);
    }

    @Test
    void shouldGiveTheReadersFramesUncopiedOnTheNativePath() {
        byte[] bytes = TestFiles.bytes("MR_small.dcm");
        DicomFile f = DicomReader.standard().read(bytes);

        DecodedPixels px = decoder.decode(f);

        assertThat(px.format()).isEqualTo(f.pixelFormat());
        NativeFrame frame = px.frames().get(0);
        int before = frame.data().get(frame.data().position());
        int offset = indexOf(bytes, f.nativeFrame(0).bytes());
        bytes[offset] ^= 0x55; // the decoded frame is a view of the input: it sees the change
        assertThat((int) frame.data().get(frame.data().position())).isEqualTo(before ^ 0x55);
    }

    @Test
    void shouldTurnBigEndianAndPlanarNativeFramesIntoLittleEndianInterleavedOnes() {
        DecodedPixels big = decoder.decode(TestFiles.read("MR_small_bigendian.dcm"));
        DecodedPixels little = decoder.decode(TestFiles.read("MR_small.dcm"));
        assertThat(big.format().byteOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(big.frames().get(0).bytes()).isEqualTo(little.frames().get(0).bytes());

        DecodedPixels planar = decoder.decode(TestFiles.read("ExplVR_BigEnd.dcm")); // RGB, planar configuration 1
        assertThat(planar.format().planarConfiguration()).isZero();
        ByteBuffer first = planar.frames().get(0).data();
        byte[] stored = TestFiles.read("ExplVR_BigEnd.dcm").nativeFrame(0).bytes();
        int pixels = 60 * 80;
        assertThat(new byte[] {first.get(0), first.get(1), first.get(2)}).isEqualTo(new byte[] {stored[0], stored[pixels], stored[2 * pixels]});
    }

    @Test
    void shouldRefuseEncapsulatedPixelDataUnderANativeSyntax() {
        DicomFile f = TestDicom.mono16("1.2.840.10008.1.2.1", 2, 2, 1).encapsulated(List.of(new byte[8])).read();

        assertThatThrownBy(() -> decoder.decode(f)).isInstanceOfSatisfying(PixelDecodeException.class,
                e -> assertThat(e.problem()).isEqualTo(Problem.BAD_GEOMETRY)).hasMessageContaining("is not compressed");
    }

    @Test
    void shouldRefuseNative422ItCannotExpand() {
        TestDicom odd = TestDicom.of("1.2.840.10008.1.2.1").us(TestDicom.ROWS, 3).us(TestDicom.COLUMNS, 3)
                .us(TestDicom.SAMPLES_PER_PIXEL, 3).us(TestDicom.BITS_ALLOCATED, 8).us(TestDicom.BITS_STORED, 8)
                .us(TestDicom.HIGH_BIT, 7).us(TestDicom.PIXEL_REPRESENTATION, 0).us(TestDicom.PLANAR_CONFIGURATION, 0)
                .text(TestDicom.PHOTOMETRIC, "CS", "YBR_FULL_422").nativePixels(new byte[18]);
        assertThatThrownBy(() -> decoder.decode(odd.read())).isInstanceOf(DicomReadException.class)
                .hasMessageContaining("even number of pixels");

        TestDicom partial = odd.us(TestDicom.COLUMNS, 4).text(TestDicom.PHOTOMETRIC, "CS", "YBR_PARTIAL_422").nativePixels(new byte[24]);
        assertThatThrownBy(() -> decoder.decode(partial.read())).isInstanceOf(DicomReadException.class)
                .hasMessageContaining("YBR_PARTIAL_422 is retired");
    }

    @Test
    void shouldFailAfterClose() {
        PixelDecoder closed = PixelDecoders.create();
        closed.decode(TestFiles.read("MR_small_RLE.dcm"));
        List<Long> pids = ((DefaultPixelDecoder) closed).codecProcessIds();
        closed.close();

        assertThatThrownBy(() -> closed.decode(TestFiles.read("MR_small_RLE.dcm"))).isInstanceOfSatisfying(
                PixelDecodeException.class, e -> assertThat(e.problem()).isEqualTo(Problem.CODEC_UNAVAILABLE));
        assertThat(pids).hasSize(1).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .as("codec process %d after close", pid).isFalse());
        assertThat(closed.decode(TestFiles.read("MR_small.dcm")).frames()).as("native syntaxes need no codec process").hasSize(1);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("frame bytes not found in the file");
    }
}

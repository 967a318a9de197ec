package io.radflow.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bit layouts that pydicom's sample files do not exercise (their raw values are all positive). */
class FrameDecoderTest {

    private static PixelFormat format(int rows, int columns, int samples, int allocated, int stored, int high, int signed,
                                      String photometric, int planar, double slope, double intercept, ByteOrder order) {
        return new PixelFormat(rows, columns, samples, allocated, stored, high, signed, photometric, planar, slope, intercept,
                List.of(), List.of(), order);
    }

    private static NativeFrame frame(PixelFormat f, ByteBuffer data) {
        return new NativeFrame(0, f, data.flip());
    }

    @Test
    void shouldSignExtendAndRescaleSixteenBitSamples() {
        PixelFormat f = format(1, 3, 1, 16, 16, 15, 1, "MONOCHROME2", 0, 2.0, -1.0, ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN).putShort((short) -2000).putShort((short) 0)
                .putShort((short) 32767);
        assertThat(FrameDecoder.modalityValues(frame(f, b))).containsExactly(-4001f, -1f, 65533f);
    }

    @Test
    void shouldKeepOnlyTheStoredBitsAndTheirSign() {
        // 12 bits stored in 16: the top 4 bits are overlay garbage and must be ignored
        PixelFormat signed = format(1, 2, 1, 16, 12, 11, 1, "MONOCHROME2", 0, 1, 0, ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0xFFFF).putShort((short) 0xA7FF);
        assertThat(FrameDecoder.modalityValues(frame(signed, b))).containsExactly(-1f, 2047f);
        PixelFormat unsigned = format(1, 2, 1, 16, 12, 11, 0, "MONOCHROME2", 0, 1, 0, ByteOrder.LITTLE_ENDIAN);
        ByteBuffer u = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0xFFFF).putShort((short) 0xA7FF);
        assertThat(FrameDecoder.modalityValues(frame(unsigned, u))).containsExactly(4095f, 2047f);
    }

    @Test
    void shouldReadBigEndianSamples() {
        PixelFormat f = format(1, 2, 1, 16, 16, 15, 0, "MONOCHROME2", 0, 1, 0, ByteOrder.BIG_ENDIAN);
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putShort((short) 0x0102).putShort((short) 0xFFFE);
        assertThat(FrameDecoder.modalityValues(frame(f, b))).containsExactly(258f, 65534f);
    }

    @Test
    void shouldInterleavePlanarColour() {
        PixelFormat f = format(1, 2, 3, 8, 8, 7, 0, "RGB", 1, 1, 0, ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.allocate(6).put(new byte[] {10, 11, 20, 21, 30, 31}); // RR GG BB
        assertThat(FrameDecoder.modalityValues(frame(f, b))).containsExactly(10f, 20f, 30f, 11f, 21f, 31f);
    }

    @Test
    void shouldUnpackOneBitSamplesLeastSignificantFirst() {
        PixelFormat f = format(2, 4, 1, 1, 1, 0, 0, "MONOCHROME2", 0, 1, 0, ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.allocate(1).put((byte) 0b1000_0101);
        assertThat(FrameDecoder.modalityValues(frame(f, b))).containsExactly(1f, 0f, 1f, 0f, 0f, 0f, 0f, 1f);
    }

    @Test
    void shouldReadThirtyTwoBitSamples() {
        PixelFormat f = format(1, 2, 1, 32, 32, 31, 0, "MONOCHROME2", 0, 1, 0, ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(-1).putInt(7);
        assertThat(FrameDecoder.modalityValues(frame(f, b))).containsExactly(4294967295f, 7f);
        PixelFormat s = format(1, 1, 1, 32, 32, 31, 1, "MONOCHROME2", 0, 1, 0, ByteOrder.LITTLE_ENDIAN);
        assertThat(FrameDecoder.modalityValues(frame(s, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(-5))))
                .containsExactly(-5f);
    }

    @Test
    void shouldRefuseWhatItCannotDecode() {
        PixelFormat ybr = format(2, 2, 3, 8, 8, 7, 0, "YBR_FULL_422", 0, 1, 0, ByteOrder.LITTLE_ENDIAN);
        assertThatThrownBy(() -> FrameDecoder.modalityValues(frame(ybr, ByteBuffer.allocate(8).position(8))))
                .isInstanceOf(DicomReadException.class).hasMessageContaining("YBR_FULL_422");
        PixelFormat badBits = format(1, 1, 1, 16, 17, 16, 0, "MONOCHROME2", 0, 1, 0, ByteOrder.LITTLE_ENDIAN);
        assertThatThrownBy(() -> FrameDecoder.modalityValues(frame(badBits, ByteBuffer.allocate(2).position(2))))
                .isInstanceOf(DicomReadException.class).hasMessageContaining("impossible bit layout");
        PixelFormat twelve = format(1, 1, 1, 24, 24, 23, 0, "MONOCHROME2", 0, 1, 0, ByteOrder.LITTLE_ENDIAN);
        assertThatThrownBy(() -> FrameDecoder.modalityValues(frame(twelve, ByteBuffer.allocate(3).position(3))))
                .isInstanceOf(DicomReadException.class).hasMessageContaining("24-bit");
    }
}

package io.radflow.pixels;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The byte shuffles of the native path and of GDCM's output, on hand-made frames. */
class LayoutTest {

    @Test
    void shouldInterleavePlanes() {
        byte[] planar = {1, 2, 3, 4, 11, 12, 13, 14, 21, 22, 23, 24}; // R R R R G G G G B B B B
        byte[] out = SampleLayout.interleavedLittleEndian(ByteBuffer.wrap(planar), 4, 3, 1, true, ByteOrder.LITTLE_ENDIAN);

        assertThat(out).containsExactly(1, 11, 21, 2, 12, 22, 3, 13, 23, 4, 14, 24);
    }

    @Test
    void shouldSwapBigEndianSamplesOfTwoAndFourBytes() {
        ByteBuffer be16 = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putShort((short) 0x1234).putShort((short) -2).flip();
        ByteBuffer le16 = ByteBuffer.wrap(SampleLayout.interleavedLittleEndian(be16, 2, 1, 2, false, ByteOrder.BIG_ENDIAN))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(le16.getShort(0)).isEqualTo((short) 0x1234);
        assertThat(le16.getShort(2)).isEqualTo((short) -2);

        ByteBuffer be32 = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putInt(0x01020304).putInt(-5).flip();
        ByteBuffer le32 = ByteBuffer.wrap(SampleLayout.interleavedLittleEndian(be32, 2, 1, 4, false, ByteOrder.BIG_ENDIAN))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(le32.getInt(0)).isEqualTo(0x01020304);
        assertThat(le32.getInt(4)).isEqualTo(-5);
    }

    @Test
    void shouldSwapAndInterleaveBigEndianPlanes() {
        // 2 pixels, 3 samples, 16 bits, planar, big endian: R1 R2 G1 G2 B1 B2
        ByteBuffer be = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN);
        for (int v : new int[] {0x0101, 0x0102, 0x0201, 0x0202, 0x0301, 0x0302}) {
            be.putShort((short) v);
        }
        ByteBuffer le = ByteBuffer.wrap(SampleLayout.interleavedLittleEndian(be.flip(), 2, 3, 2, true, ByteOrder.BIG_ENDIAN))
                .order(ByteOrder.LITTLE_ENDIAN);

        assertThat(new int[] {le.getShort(0), le.getShort(2), le.getShort(4), le.getShort(6), le.getShort(8), le.getShort(10)})
                .containsExactly(0x0101, 0x0201, 0x0301, 0x0102, 0x0202, 0x0302);
    }

    @Test
    void shouldGiveBothPixelsOfA422PairTheirChroma() {
        byte[] ybr422 = {10, 20, 100, (byte) 200, 30, 40, 101, (byte) 201}; // Y1 Y2 Cb Cr, Y3 Y4 Cb Cr
        byte[] out = SampleLayout.expand422(ByteBuffer.wrap(ybr422), 1, 4, 1, ByteOrder.LITTLE_ENDIAN);

        assertThat(out).containsExactly(10, 100, (byte) 200, 20, 100, (byte) 200, 30, 101, (byte) 201, 40, 101, (byte) 201);
    }

    @Test
    void shouldFindTheJpeg2000ComponentTransformInABareCodestreamAndInAJp2File() {
        byte[] codestream = {(byte) 0xFF, 0x4F, (byte) 0xFF, 0x51, 0, 4, 0, 0, // SOC, SIZ (short, for the test)
                (byte) 0xFF, 0x52, 0, 12, 0, 0, 0, 1, 1, 4, 4, 4, 0, 0, (byte) 0xFF, (byte) 0x90}; // COD with MCT 1, SOT
        assertThat(GdcmOutput.jpeg2000UsesComponentTransform(ByteBuffer.wrap(codestream))).isTrue();
        codestream[16] = 0;
        assertThat(GdcmOutput.jpeg2000UsesComponentTransform(ByteBuffer.wrap(codestream))).isFalse();
        codestream[16] = 1;
        byte[] jp2 = new byte[40 + codestream.length];
        System.arraycopy("\0\0\0\fjP  \r\n\u0087\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, jp2, 0, 12);
        System.arraycopy(codestream, 0, jp2, 40, codestream.length);
        assertThat(GdcmOutput.jpeg2000UsesComponentTransform(ByteBuffer.wrap(jp2))).isTrue();
        assertThat(GdcmOutput.jpeg2000UsesComponentTransform(ByteBuffer.wrap(new byte[] {1, 2, 3}))).isFalse();
    }

    @Test
    void shouldReportTheDecodedColourModel() {
        String j2k = "1.2.840.10008.1.2.4.90";
        byte[] mct = {(byte) 0xFF, 0x4F, (byte) 0xFF, 0x51, 0, 2, (byte) 0xFF, 0x52, 0, 12, 0, 0, 0, 1, 1};
        assertThat(GdcmOutput.decodedModel(j2k, "YBR_RCT", 3, ByteBuffer.wrap(mct), false)).isEqualTo("RGB");
        assertThat(GdcmOutput.decodedModel(j2k, "MONOCHROME1", 1, ByteBuffer.wrap(mct), false)).isEqualTo("MONOCHROME1");
        assertThat(GdcmOutput.decodedModel("1.2.840.10008.1.2.4.50", "YBR_FULL_422", 3, null, false)).isEqualTo("YBR_FULL");
        assertThat(GdcmOutput.decodedModel("1.2.840.10008.1.2.4.50", "YBR_FULL", 3, null, false)).isEqualTo("YBR_FULL");
        assertThat(GdcmOutput.decodedModel("1.2.840.10008.1.2.5", "PALETTE COLOR", 1, null, false)).isEqualTo("PALETTE COLOR");
    }

    @Test
    void shouldSpotUninterleavedJpegLs() {
        byte[] ilvNone = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 8, 1, 1, 0, 0, 0, 0};
        byte[] ilvLine = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 12, 3, 1, 0, 2, 0, 3, 0, 0, 1, 0};
        assertThat(GdcmOutput.jpegLsUninterleaved("1.2.840.10008.1.2.4.80", 3, ByteBuffer.wrap(ilvNone))).isTrue();
        assertThat(GdcmOutput.jpegLsUninterleaved("1.2.840.10008.1.2.4.80", 3, ByteBuffer.wrap(ilvLine))).isFalse();
        assertThat(GdcmOutput.jpegLsUninterleaved("1.2.840.10008.1.2.4.80", 1, ByteBuffer.wrap(ilvNone))).isFalse();
        assertThat(GdcmOutput.jpegLsUninterleaved("1.2.840.10008.1.2.4.70", 3, ByteBuffer.wrap(ilvNone))).isFalse();
    }

    @Test
    void shouldPutGdcmsRleColourBytesBack() {
        // one 16-bit RGB pixel R=0x1122 G=0x3344 B=0x5566; segments (PS3.5 G.2): 11 22 33 44 55 66;
        // GDCM 3.0.21 writes segments 3 4 5 0 1 2 where the little-endian bytes 22 11 44 33 66 55 belong
        byte[] gdcm = {0x44, 0x55, 0x66, 0x11, 0x22, 0x33};
        GdcmOutput.reorderRleBytes(gdcm, 3, 2);
        assertThat(gdcm).containsExactly(0x22, 0x11, 0x44, 0x33, 0x66, 0x55);
        assertThat(GdcmOutput.rleBytesMisplaced("1.2.840.10008.1.2.5", 3, 16)).isTrue();
        assertThat(GdcmOutput.rleBytesMisplaced("1.2.840.10008.1.2.5", 3, 8)).isFalse();
        assertThat(GdcmOutput.rleBytesMisplaced("1.2.840.10008.1.2.5", 1, 16)).isFalse();
    }
}

package io.radflow.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.radflow.dicom.TestDicom.Dataset;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated and truncated inputs (seeded, so any failure replays): the reader must
 * never hang, never throw anything but {@link DicomReadException}, and never allocate much more
 * than the input it was given (every length is bounded by what is left of the input).
 */
class DicomReaderFuzzTest {

    private static final long SEED = 0x5EED_D1C0L;
    private static final int ITERATIONS = 20_000;
    private static final long MAX_INFLATED = 1 << 20;
    private static final int[] INTERESTING_LENGTHS = {0, 1, 2, 7, 8, 0x7FFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFE, 0x8000_0000, 0xFFFF, 0x1_0000};

    @Test
    void shouldFailCleanlyOnMutatedAndTruncatedInput() throws IOException {
        List<byte[]> corpus = corpus();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        DicomReader full = DicomReader.standard().withMaxInflatedBytes(MAX_INFLATED);
        DicomReader header = DicomReader.headerOnly().withMaxInflatedBytes(MAX_INFLATED);
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            Random random = new Random(SEED);
            long thread = Thread.currentThread().getId();
            for (int i = 0; i < ITERATIONS; i++) {
                byte[] input = mutate(corpus.get(random.nextInt(corpus.size())), random);
                DicomReader reader = random.nextBoolean() ? full : header;
                long before = threads.getThreadAllocatedBytes(thread);
                try {
                    DicomFile f = reader.read(input);
                    long allocated = threads.getThreadAllocatedBytes(thread) - before;
                    // views, not copies: the index and attribute strings are a fraction of the input;
                    // inflation is the one copy, capped
                    assertThat(allocated).as("bytes allocated reading iteration %d (%d-byte input)", i, input.length)
                            .isLessThan(8L * input.length + 2 * MAX_INFLATED + (256 << 10));
                    exercise(f);
                    outcomes[0]++;
                } catch (DicomReadException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                    outcomes[1]++;
                } catch (Throwable t) {
                    fail("iteration " + i + " (seed " + SEED + ") threw " + t, t);
                }
            }
        });
        // a fuzzer that only ever fails (or only ever succeeds) tests little
        assertThat(outcomes[0]).as("inputs read").isGreaterThan(ITERATIONS / 20);
        assertThat(outcomes[1]).as("inputs refused").isGreaterThan(ITERATIONS / 20);
    }

    /** Touches everything a caller might: frames, decoding, fragments. */
    private static void exercise(DicomFile f) {
        try {
            if (f.encapsulatedPixelData().isPresent()) {
                EncapsulatedPixelData px = f.encapsulatedPixelData().get();
                if (px.framesKnown()) {
                    px.frame(f.numberOfFrames() - 1);
                }
            } else if (f.hasPixelData()) {
                NativeFrame frame = f.nativeFrame(f.numberOfFrames() - 1);
                if ((long) frame.format().pixelCount() * frame.format().samplesPerPixel() < (1 << 22)) {
                    FrameDecoder.modalityValues(frame);
                }
            }
        } catch (DicomReadException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    private static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        int rounds = 1 + r.nextInt(4);
        for (int k = 0; k < rounds && b.length > 0; k++) {
            switch (r.nextInt(6)) {
                case 0 -> b = Arrays.copyOf(b, r.nextInt(b.length)); // truncate
                case 1 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8)); // flip a bit
                case 2 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256); // random byte
                case 3 -> { // a hostile 32-bit length somewhere
                    if (b.length >= 4) {
                        int at = r.nextInt(b.length - 3);
                        ByteBuffer.wrap(b, at, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                                .putInt(INTERESTING_LENGTHS[r.nextInt(INTERESTING_LENGTHS.length)]);
                    }
                }
                case 4 -> { // delete a run
                    int at = r.nextInt(b.length);
                    int n = Math.min(b.length - at, 1 + r.nextInt(16));
                    byte[] out = new byte[b.length - n];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, at + n, out, at, b.length - at - n);
                    b = out;
                }
                default -> { // duplicate a run
                    int at = r.nextInt(b.length);
                    int n = Math.min(b.length - at, 1 + r.nextInt(64));
                    byte[] out = new byte[b.length + n];
                    System.arraycopy(b, 0, out, 0, at + n);
                    System.arraycopy(b, at, out, at + n, b.length - at);
                    b = out;
                }
            }
        }
        return b;
    }

    private static List<byte[]> corpus() throws IOException {
        List<byte[]> corpus = new ArrayList<>();
        Path root = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                if (Files.size(p) <= 40_000) {
                    corpus.add(Files.readAllBytes(p));
                }
            }
        }
        assertThat(corpus).as("pydicom's sample files (python3-pydicom)").hasSizeGreaterThan(50);
        Dataset nested = Dataset.explicitLe().text(Tags.MODALITY, "CS", "CT")
                .sequence(0x0008_1115, Dataset.explicitLe().text(Tags.SERIES_INSTANCE_UID, "UI", "1.2"));
        byte[] data = Dataset.explicitLe().text(Tags.SOP_INSTANCE_UID, "UI", "1.2.3").sequence(0x0008_1110, nested, nested)
                .us(Tags.SAMPLES_PER_PIXEL, 1).text(Tags.NUMBER_OF_FRAMES, "IS", "2").us(Tags.ROWS, 2).us(Tags.COLUMNS, 2)
                .us(Tags.BITS_ALLOCATED, 16).element(Tags.PIXEL_DATA, "OW", new byte[16]).bytes();
        corpus.add(TestDicom.part10(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, data));
        corpus.add(TestDicom.part10(TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, TestDicom.deflate(data)));
        byte[] encapsulated = Dataset.explicitLe().text(Tags.NUMBER_OF_FRAMES, "IS", "2")
                .encapsulatedPixels(List.of(0, 12), new byte[] {1, 2, 3, 4}, new byte[] {5, 6}).bytes();
        corpus.add(TestDicom.part10("1.2.840.10008.1.2.4.50", encapsulated));
        return corpus;
    }
}

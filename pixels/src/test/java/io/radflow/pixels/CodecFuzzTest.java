package io.radflow.pixels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.radflow.common.error.RadflowException;
import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReader;
import io.radflow.dicom.NativeFrame;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Hostile compressed pixel data for GDCM, seeded so that any failure replays: real JPEG baseline,
 * 12-bit extended and lossless JPEG, JPEG-LS, JPEG 2000 and RLE files whose fragments are
 * mutated (bit flips, garbage runs, truncation, deleted and repeated runs, huge sizes written
 * into the codestream headers, fragments dropped, split or repeated) and wrapped in a valid
 * DICOM file again. Every case must decode or fail with a {@link RadflowException}, within the
 * decode timeout plus a restart; the decoder must survive the storm and decode a valid file to
 * the same pixels as before it.
 */
class CodecFuzzTest {

    private static final long SEED = 0xF022_C0DEL;
    private static final int CASES = 480;
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final int[] HUGE_32 = {0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, 0x0001_0000, 0};
    private static final int[] HUGE_16 = {0xFFFF, 0x7FFF, 0x8000, 0, 1};

    private record Seed(String name, DicomFile file, String transferSyntax, List<byte[]> fragments) {
    }

    private enum Outcome { DECODED, CODEC_FAILED, TIMEOUT, CRASHED, OTHER_REFUSAL }

    @Test
    void shouldDecodeOrFailCleanlyOnMutatedCompressedPixelData() throws Exception {
        List<Seed> seeds = seeds();
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        Map<String, Integer> crashesBySyntax = new TreeMap<>();
        Map<Outcome, String> examples = new EnumMap<>(Outcome.class);
        Map<String, Integer> crashCauses = new TreeMap<>();
        try (DefaultPixelDecoder decoder = new DefaultPixelDecoder(CodecSettings.defaults().withProcesses(2)
                .withDecodeTimeout(TIMEOUT).withMaxDecodedBytes(64L << 20))) {
            DicomFile valid = TestFiles.read("MR_small_jpeg_ls_lossless.dcm");
            byte[] before = decoder.decode(valid).frames().get(0).bytes();
            long started = System.nanoTime();
            assertTimeoutPreemptively(Duration.ofSeconds(150), () -> {
                Random random = new Random(SEED);
                for (int i = 0; i < CASES; i++) {
                    Seed seed = seeds.get(random.nextInt(seeds.size()));
                    List<byte[]> fragments = mutate(seed, random);
                    DicomFile input = DicomReader.standard().read(
                            TestDicom.like(seed.file(), seed.transferSyntax()).encapsulated(fragments).bytes());
                    long t0 = System.nanoTime();
                    try {
                        DecodedPixels px = decoder.decode(input);
                        check(px, input);
                        outcomes.merge(Outcome.DECODED, 1, Integer::sum);
                    } catch (PixelDecodeException e) {
                        assertThat(e.getMessage()).isNotBlank();
                        Outcome o = switch (e.problem()) {
                            case CODEC_FAILED -> Outcome.CODEC_FAILED;
                            case TIMEOUT -> Outcome.TIMEOUT;
                            case CODEC_CRASHED -> Outcome.CRASHED;
                            case CODEC_UNAVAILABLE, CODEC_MISCONFIGURED -> throw new AssertionError(
                                    "case " + i + " (seed " + SEED + ", " + seed.name() + ") left the decoder unusable", e);
                            default -> Outcome.OTHER_REFUSAL;
                        };
                        examples.putIfAbsent(o, seed.name() + ": " + e.getMessage());
                        if (o == Outcome.CRASHED) {
                            crashesBySyntax.merge(seed.name(), 1, Integer::sum);
                            crashCauses.merge(cause(e.getMessage()), 1, Integer::sum);
                        }
                        outcomes.merge(o, 1, Integer::sum);
                    } catch (RadflowException e) {
                        assertThat(e.getMessage()).isNotBlank();
                        outcomes.merge(Outcome.OTHER_REFUSAL, 1, Integer::sum);
                    } catch (Throwable t) {
                        fail("case " + i + " (seed " + SEED + ", " + seed.name() + ") threw " + t, t);
                    }
                    Duration took = Duration.ofNanos(System.nanoTime() - t0);
                    // the timeout, plus a fresh codec process for the next case at worst
                    assertThat(took).as("case %d (%s)", i, seed.name()).isLessThan(TIMEOUT.plusSeconds(10));
                }
            });
            System.out.printf("%d mutated cases in %.1f s: %s; crashes by seed file: %s%n", CASES,
                    (System.nanoTime() - started) / 1e9, outcomes, crashesBySyntax);
            examples.forEach((o, m) -> System.out.println("  e.g. " + o + ": " + m));
            crashCauses.forEach((c, n) -> System.out.println("  crash x" + n + ": " + c));

            assertThat(decoder.decode(valid).frames().get(0).bytes()).as("a valid file after the storm").isEqualTo(before);
            assertThat(decoder.codecProcessIds()).hasSizeBetween(1, 2);
        }
        // a fuzzer that only ever fails (or only ever succeeds) tests little
        assertThat(outcomes.getOrDefault(Outcome.DECODED, 0)).as("cases decoded").isGreaterThan(CASES / 20);
        assertThat(outcomes.getOrDefault(Outcome.CODEC_FAILED, 0)).as("cases GDCM refused").isGreaterThan(CASES / 20);
    }

    /** The exit code and what the JVM or the C library said about a crash. */
    private static String cause(String message) {
        java.util.regex.Matcher exit = java.util.regex.Pattern.compile("\\(exit code [^;)]*").matcher(message);
        java.util.regex.Matcher jvm = java.util.regex.Pattern.compile("the JVM reports (.*?)\\)?; its last").matcher(message);
        java.util.regex.Matcher assertion = java.util.regex.Pattern.compile("(\\w+\\.[ch]xx:\\d+): [^|]*?(Assertion [^|]*)")
                .matcher(message);
        java.util.regex.Matcher glibc = java.util.regex.Pattern.compile("((?:free|malloc|double free|corrupted)[^|]*)").matcher(message);
        return (exit.find() ? exit.group().substring(1) : "?") + ": "
                + (jvm.find() ? jvm.group(1) : assertion.find() ? assertion.group(1) + ": " + assertion.group(2).strip()
                : glibc.find() ? glibc.group(1).strip() : "(no report)");
    }

    /** Whatever GDCM returned has the promised layout. */
    private static void check(DecodedPixels px, DicomFile input) {
        assertThat(px.frames()).hasSize(input.numberOfFrames());
        long frameBytes = (long) px.format().rows() * px.format().columns() * px.format().samplesPerPixel()
                * px.format().bitsAllocated() / 8;
        for (NativeFrame f : px.frames()) {
            assertThat((long) f.data().remaining()).isEqualTo(frameBytes);
        }
        assertThat(px.format().byteOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(px.format().planarConfiguration()).isZero();
    }

    private static List<byte[]> mutate(Seed seed, Random r) {
        List<byte[]> fragments = new ArrayList<>();
        seed.fragments().forEach(f -> fragments.add(f.clone()));
        int rounds = 1 + r.nextInt(3);
        for (int k = 0; k < rounds; k++) {
            int which = r.nextInt(fragments.size());
            byte[] b = fragments.get(which);
            switch (r.nextInt(9)) {
                case 0 -> { // flip bits
                    for (int n = 1 + r.nextInt(8); n > 0 && b.length > 0; n--) {
                        b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                case 1 -> { // a run of garbage
                    if (b.length > 0) {
                        int at = r.nextInt(b.length);
                        for (int n = Math.min(b.length - at, 1 + r.nextInt(32)); n > 0; n--) {
                            b[at++] = (byte) r.nextInt(256);
                        }
                    }
                }
                case 2 -> fragments.set(which, Arrays.copyOf(b, b.length == 0 ? 0 : r.nextInt(b.length))); // truncate
                case 3 -> fragments.set(which, hostileSizes(seed.transferSyntax(), b, r));
                case 4 -> fragments.set(which, deleteRun(b, r));
                case 5 -> fragments.set(which, repeatRun(b, r));
                case 6 -> { // a hostile 32-bit or 16-bit value anywhere in the first bytes (headers live there)
                    if (b.length >= 4) {
                        int at = r.nextInt(Math.min(b.length - 3, 256));
                        ByteBuffer.wrap(b).order(r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
                                .putInt(at, HUGE_32[r.nextInt(HUGE_32.length)]);
                    }
                }
                case 7 -> { // the fragments no longer match the frames
                    if (fragments.size() > 1 && r.nextBoolean()) {
                        fragments.remove(which);
                    } else {
                        fragments.add(which, b.clone());
                    }
                }
                default -> { // a frame split across two fragments (legal), or garbage appended as a fragment
                    if (r.nextBoolean() && b.length > 2) {
                        int cut = 1 + r.nextInt(b.length - 1);
                        fragments.set(which, Arrays.copyOf(b, cut));
                        fragments.add(which + 1, Arrays.copyOfRange(b, cut, b.length));
                    } else {
                        byte[] junk = new byte[r.nextInt(2048)];
                        r.nextBytes(junk);
                        fragments.add(junk);
                    }
                }
            }
        }
        return fragments;
    }

    /** Writes huge or zero dimensions, component counts and lengths into the codec's own header. */
    private static byte[] hostileSizes(String ts, byte[] b, Random r) {
        ByteBuffer be = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
        if (ts.equals("1.2.840.10008.1.2.5")) { // RLE: segment count and offsets (little endian)
            if (b.length >= 64) {
                ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                le.putInt(4 * r.nextInt(16), r.nextBoolean() ? HUGE_32[r.nextInt(HUGE_32.length)] : r.nextInt(64));
            }
            return b;
        }
        int marker = ts.startsWith("1.2.840.10008.1.2.4.9") ? 0xFF51 // J2K SIZ
                : ts.startsWith("1.2.840.10008.1.2.4.8") ? 0xFFF7 // JPEG-LS SOF55
                : -1; // JPEG: any SOF
        for (int i = 0; i + 12 < b.length; i++) {
            int m = ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
            boolean sof = marker == -1 ? (m >= 0xFFC0 && m <= 0xFFCF && m != 0xFFC4 && m != 0xFFC8 && m != 0xFFCC) : m == marker;
            if (!sof) {
                continue;
            }
            if (marker == 0xFF51) { // Lsiz Rsiz Xsiz Ysiz XOsiz YOsiz XTsiz YTsiz XTOsiz YTOsiz Csiz
                int field = r.nextInt(9);
                if (field == 8) {
                    if (i + 40 < b.length) {
                        be.putShort(i + 40, (short) HUGE_16[r.nextInt(HUGE_16.length)]);
                    }
                } else if (i + 8 + 4 * field + 4 <= b.length) {
                    be.putInt(i + 6 + 4 * field, HUGE_32[r.nextInt(HUGE_32.length)]);
                }
            } else { // SOF: Lf(2) P(1) Y(2) X(2) Nf(1)
                int[] offsets = {2, 5, 7, 9};
                int at = i + offsets[r.nextInt(offsets.length)];
                if (at == i + 9) {
                    b[at] = (byte) (r.nextBoolean() ? 0 : 255);
                } else {
                    be.putShort(at, (short) HUGE_16[r.nextInt(HUGE_16.length)]);
                }
            }
            return b;
        }
        return b;
    }

    private static byte[] deleteRun(byte[] b, Random r) {
        if (b.length == 0) {
            return b;
        }
        int at = r.nextInt(b.length);
        int n = Math.min(b.length - at, 1 + r.nextInt(64));
        byte[] out = new byte[b.length - n];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + n, out, at, b.length - at - n);
        return out;
    }

    private static byte[] repeatRun(byte[] b, Random r) {
        if (b.length == 0) {
            return b;
        }
        int at = r.nextInt(b.length);
        int n = Math.min(b.length - at, 1 + r.nextInt(256));
        byte[] out = new byte[b.length + n];
        System.arraycopy(b, 0, out, 0, at + n);
        System.arraycopy(b, at, out, at + n, b.length - at);
        return out;
    }

    private static List<Seed> seeds() throws IOException, URISyntaxException {
        List<Seed> seeds = new ArrayList<>();
        for (String name : List.of("SC_rgb_dcmtk_+eb+cy+s2.dcm", "SC_rgb_small_odd_jpeg.dcm", "JPGExtended.dcm",
                "SC_rgb_jpeg_gdcm.dcm", "MR_small_jpeg_ls_lossless.dcm", "MR_small_jp2klossless.dcm", "693_J2KI.dcm",
                "MR_small_RLE.dcm", "SC_rgb_rle.dcm", "rtdose_rle.dcm")) {
            seeds.add(seed(name, TestFiles.read(name)));
        }
        Path corpus = Path.of(CodecFuzzTest.class.getResource("/codec-corpus/manifest.json").toURI()).getParent();
        for (String name : List.of("mono8_jpeg_baseline.dcm", "mono16s_jls.dcm", "rgb8_j2k_ict.dcm", "mono16s_jpeg_p14_sv3.dcm",
                "rgb8_jls_near.dcm", "rgb16_rle.dcm")) {
            seeds.add(seed(name, DicomReader.standard().read(Files.readAllBytes(corpus.resolve(name)))));
        }
        return seeds;
    }

    private static Seed seed(String name, DicomFile f) {
        return new Seed(name, f, f.transferSyntax().uid(), TestDicom.fragments(f));
    }

}

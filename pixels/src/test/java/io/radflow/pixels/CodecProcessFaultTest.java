package io.radflow.pixels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.radflow.common.error.Reason;
import io.radflow.pixels.PixelDecodeException.Problem;
import io.radflow.pixels.host.CodecProtocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The codec processes fail alone: a hang is killed at the time limit, a crash or a kill during a
 * decode fails that instance with the exit code, and the next instance decodes in a fresh
 * process. Test faults (hang, crash) are honoured only by hosts started with the test-hooks
 * property, which only these tests set.
 */
class CodecProcessFaultTest {

    private static final String JPEG_LS = "MR_small_jpeg_ls_lossless.dcm";

    @Test
    void shouldKillAHangingDecodeAtTheTimeLimitAndDecodeTheNextInstance() {
        try (DefaultPixelDecoder d = new DefaultPixelDecoder(TestFiles.withTestHooks(1, Duration.ofSeconds(2)))) {
            d.decode(TestFiles.read(JPEG_LS));
            List<Long> before = d.codecProcessIds();
            long started = System.nanoTime();

            assertThatThrownBy(() -> d.decode(TestFiles.read(JPEG_LS), CodecProtocol.FAULT_HANG))
                    .isInstanceOfSatisfying(PixelDecodeException.class, e -> {
                        assertThat(e.problem()).isEqualTo(Problem.TIMEOUT);
                        assertThat(e.reason()).isEqualTo(Reason.UNREADABLE_DICOM);
                    })
                    .hasMessageContaining("took longer than 2 s").hasMessageContaining("pixels.codec.decode.timeout")
                    .hasMessageContaining("the codec process was killed");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            assertThat(ProcessHandle.of(before.get(0)).map(ProcessHandle::isAlive).orElse(false)).isFalse();

            assertThat(d.decode(TestFiles.read(JPEG_LS)).frames()).hasSize(1);
            assertThat(d.codecProcessIds()).hasSize(1).doesNotContainAnyElementsOf(before);
        }
    }

    @Test
    void shouldFailTheInstanceWhoseCodecCrashesAndDecodeTheNextOne() {
        try (DefaultPixelDecoder d = new DefaultPixelDecoder(TestFiles.withTestHooks(1, Duration.ofSeconds(30)))) {
            DecodedPixels good = d.decode(TestFiles.read(JPEG_LS));

            assertThatThrownBy(() -> d.decode(TestFiles.read(JPEG_LS), CodecProtocol.FAULT_CRASH))
                    .isInstanceOfSatisfying(PixelDecodeException.class, e -> {
                        assertThat(e.problem()).isEqualTo(Problem.CODEC_CRASHED);
                        assertThat(e.reason()).isEqualTo(Reason.UNREADABLE_DICOM);
                    })
                    // the JVM's crash handler reports the segmentation fault (on stdout), then aborts: SIGABRT
                    .hasMessageContaining("the codec process died while decoding 1.2.840.10008.1.2.4.80 (JPEG-LS Lossless) pixel data")
                    .hasMessageContaining("(exit code 134, signal 6; the JVM reports SIGSEGV (0xb) in ");

            assertThat(d.decode(TestFiles.read(JPEG_LS)).frames().get(0).bytes()).isEqualTo(good.frames().get(0).bytes());
        }
    }

    @Test
    void shouldFailTheInstanceWhoseCodecProcessIsKilledMidDecode() throws Exception {
        Captured log = capture(CodecPool.class);
        try (DefaultPixelDecoder d = new DefaultPixelDecoder(TestFiles.withTestHooks(1, Duration.ofSeconds(60)))) {
            d.decode(TestFiles.read(JPEG_LS));
            long pid = d.codecProcessIds().get(0);
            CompletableFuture<DecodedPixels> hanging = CompletableFuture.supplyAsync(
                    () -> d.decode(TestFiles.read(JPEG_LS), CodecProtocol.FAULT_HANG));
            Thread.sleep(500); // the host is now inside the decode

            assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue();

            assertThatThrownBy(() -> hanging.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(PixelDecodeException.class)
                    .cause().hasMessageContaining("the codec process died while decoding")
                    .hasMessageContaining("(exit code 137, signal 9)");
            assertThat(d.decode(TestFiles.read(JPEG_LS)).frames()).hasSize(1);
            assertThat(d.codecProcessIds()).hasSize(1).doesNotContain(pid);
            assertThat(log.events).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.INFO);
                assertThat(e.getFormattedMessage()).contains("Restarting a codec process: #2 replaces #1 (pid " + pid + ")")
                        .contains("died while decoding (exit code 137, signal 9)");
            });
        } finally {
            release(log, CodecPool.class);
        }
    }

    @Test
    void shouldRefuseTestFaultsUnlessTheHostWasStartedForTests() {
        try (DefaultPixelDecoder d = new DefaultPixelDecoder(CodecSettings.defaults().withProcesses(1))) {
            assertThatThrownBy(() -> d.decode(TestFiles.read(JPEG_LS), CodecProtocol.FAULT_CRASH))
                    .isInstanceOfSatisfying(PixelDecodeException.class, e -> assertThat(e.problem()).isEqualTo(Problem.CODEC_FAILED))
                    .hasMessageContaining("test faults are disabled");
            assertThat(d.decode(TestFiles.read(JPEG_LS)).frames()).hasSize(1);
        }
    }

    @Test
    void shouldSayWhenGdcmIsNotInstalled() {
        try (PixelDecoder d = PixelDecoders.create(CodecSettings.defaults().withJniLibrary(Path.of("/nonexistent/libgdcmjni.so")))) {
            assertThatThrownBy(() -> d.decode(TestFiles.read(JPEG_LS))).isInstanceOfSatisfying(PixelDecodeException.class, e -> {
                assertThat(e.problem()).isEqualTo(Problem.CODEC_MISCONFIGURED);
                assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
            }).hasMessageContaining("/nonexistent/libgdcmjni.so is missing").hasMessageContaining("libgdcm-java");
            assertThat(d.decode(TestFiles.read("MR_small.dcm")).frames()).as("native syntaxes need no GDCM").hasSize(1);
        }
    }

    @Test
    void shouldReportAHostThatCannotLoadGdcmWithItsLastWords() {
        // a file that exists but is no JNI library: the host starts, fails to load it, exits 3
        try (PixelDecoder d = PixelDecoders.create(CodecSettings.defaults().withJniLibrary(Path.of("/etc/hostname")))) {
            assertThatThrownBy(() -> d.decode(TestFiles.read(JPEG_LS))).isInstanceOfSatisfying(PixelDecodeException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG))
                    .hasMessageContaining("the codec process did not start: exit code 3")
                    .hasMessageContaining("cannot load GDCM's JNI library /etc/hostname");
        }
    }

    @Test
    void shouldKillAHostThatWritesAnythingButTheProtocolOnStdout() {
        try (DefaultPixelDecoder d = new DefaultPixelDecoder(TestFiles.withTestHooks(1, Duration.ofSeconds(30)))) {
            d.decode(TestFiles.read(JPEG_LS));
            List<Long> before = d.codecProcessIds();

            assertThatThrownBy(() -> d.decode(TestFiles.read(JPEG_LS), CodecProtocol.FAULT_STDOUT_NOISE))
                    .isInstanceOfSatisfying(PixelDecodeException.class, e -> assertThat(e.problem()).isEqualTo(Problem.CODEC_CRASHED))
                    .hasMessageContaining("the codec process answered nonsense while decoding")
                    .hasMessageContaining("expected a reply, read 0x4744434d") // "GDCM"
                    .hasMessageContaining("it was killed");

            assertThat(d.decode(TestFiles.read(JPEG_LS)).frames()).hasSize(1);
            assertThat(d.codecProcessIds()).doesNotContainAnyElementsOf(before);
        }
    }

    @Test
    void shouldKeepTheJvmsOwnOutputOffTheProtocolStream() {
        // -XX:+PrintFlagsFinal prints hundreds of lines before main; the host still greets and decodes
        CodecSettings chatty = CodecSettings.defaults().withHostJvmOptions(List.of("-XX:+PrintFlagsFinal"));
        try (PixelDecoder d = PixelDecoders.create(chatty)) {
            assertThat(d.decode(TestFiles.read(JPEG_LS)).frames()).hasSize(1);
        }
    }

    @Test
    void shouldLogGdcmWarningsAtDebugWithoutDisturbingTheProtocol() {
        Captured log = capture(CodecProcess.class);
        Logger logger = (Logger) LoggerFactory.getLogger(CodecProcess.class);
        Level level = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        try (PixelDecoder d = PixelDecoders.create(CodecSettings.defaults().withProcesses(1))) {
            // GDCM warns "Wrong PhotometricInterpretation. DICOM says: RGB but JPEG says: 3" on stderr
            assertThat(d.decode(TestFiles.read("SC_rgb_jpeg.dcm")).frames()).hasSize(1);
            d.decode(TestFiles.read("SC_rgb_jpeg.dcm"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (log.events.stream().noneMatch(e -> e.getFormattedMessage().contains("Wrong PhotometricInterpretation"))
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(log.events).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.DEBUG);
                assertThat(e.getFormattedMessage()).startsWith("codec process #1: ").contains("Wrong PhotometricInterpretation");
            });
            assertThat(log.events).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                    .extracting(ILoggingEvent::getFormattedMessage).allMatch(m -> m.startsWith("Started codec process #1"));
        } finally {
            logger.setLevel(level);
            release(log, CodecProcess.class);
        }
    }

    @Test
    void shouldDecodeConcurrentlyWithNoMoreProcessesThanConfigured() throws Exception {
        List<String> files = List.of(JPEG_LS, "MR_small_RLE.dcm", "MR_small_jp2klossless.dcm", "SC_rgb_jpeg_gdcm.dcm",
                "JPGExtended.dcm", "SC_rgb_rle_2frame.dcm", "693_J2KI.dcm", "SC_rgb_dcmtk_+eb+cy+s2.dcm");
        try (DefaultPixelDecoder d = new DefaultPixelDecoder(CodecSettings.defaults().withProcesses(2))) {
            List<byte[]> sequential = new ArrayList<>();
            for (String f : files) {
                sequential.add(d.decode(TestFiles.read(f)).frames().get(0).bytes());
            }
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<byte[]>> results = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    for (String f : files) {
                        results.add(pool.submit(() -> d.decode(TestFiles.read(f)).frames().get(0).bytes()));
                    }
                }
                for (int i = 0; i < results.size(); i++) {
                    assertThat(results.get(i).get(60, TimeUnit.SECONDS)).as(files.get(i % files.size()))
                            .isEqualTo(sequential.get(i % files.size()));
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(d.codecProcessIds()).hasSizeBetween(1, 2);
        }
    }

    /** Log events of one logger, safe to read while codec threads log. */
    private static final class Captured extends AppenderBase<ILoggingEvent> {
        final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent e) {
            events.add(e);
        }
    }

    private static Captured capture(Class<?> type) {
        Captured appender = new Captured();
        appender.start();
        ((Logger) LoggerFactory.getLogger(type)).addAppender(appender);
        return appender;
    }

    private static void release(Captured appender, Class<?> type) {
        ((Logger) LoggerFactory.getLogger(type)).detachAppender(appender);
    }

}

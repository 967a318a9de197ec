package io.radflow.pixels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.config.ConfigException;
import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.error.Reason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CodecSettingsTest {

    @Test
    void shouldHaveWorkableDefaults() {
        CodecSettings d = CodecSettings.defaults();

        assertThat(d.processes()).isEqualTo(2);
        assertThat(d.decodeTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.maxDecodedBytes()).isEqualTo(512L << 20);
        assertThat(d.hostMaxHeapBytes()).isEqualTo(1280L << 20);
        assertThat(d.hostStartTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.jniLibrary()).isEqualTo(Path.of("/usr/lib/x86_64-linux-gnu/jni/libgdcmjni.so"));
        assertThat(d.javaExecutable()).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java"));
        assertThat(d.hostJvmOptions()).contains("-XX:+UseSerialGC");
    }

    @Test
    void shouldReadEveryKeyFromConfiguration() {
        RadflowConfig config = RadflowConfig.load(CodecSettings.KEYS, ConfigSource.of("test", Map.of(
                "pixels.codec.processes", "3",
                "pixels.codec.decode.timeout", "5s",
                "pixels.codec.max.decoded.bytes", "1000000",
                "pixels.codec.host.max.heap.bytes", "268435456",
                "pixels.codec.host.jvm.options", "-XX:+UseSerialGC, -Xss512k",
                "pixels.codec.host.start.timeout", "1m",
                "pixels.codec.jni.library", "/opt/gdcm/libgdcmjni.so",
                "pixels.codec.java", "/opt/java/bin/java")));

        CodecSettings s = CodecSettings.from(config);

        assertThat(s).isEqualTo(new CodecSettings(3, Duration.ofSeconds(5), 1_000_000, 268_435_456,
                List.of("-XX:+UseSerialGC", "-Xss512k"), Duration.ofMinutes(1), Path.of("/opt/gdcm/libgdcmjni.so"),
                Path.of("/opt/java/bin/java")));
        assertThat(CodecSettings.from(RadflowConfig.load(CodecSettings.KEYS, ConfigSource.of("empty", Map.of()))))
                .isEqualTo(CodecSettings.defaults());
    }

    @Test
    void shouldRefuseBadValuesNamingEveryProblem() {
        CodecSettings d = CodecSettings.defaults();

        assertThatThrownBy(() -> new CodecSettings(0, Duration.ZERO, 1L << 30, 256L << 20,
                List.of("-Xmx4g", "-cp", "foo", "-Xlog:gc:stdout"), Duration.ofSeconds(-1), Path.of("libgdcmjni.so"), null))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
                    assertThat(e.problems()).hasSize(10);
                })
                .hasMessageContaining("pixels.codec.processes: '0' must be between 1 and 64")
                .hasMessageContaining("pixels.codec.decode.timeout: '0s' must be positive")
                .hasMessageContaining("pixels.codec.host.max.heap.bytes: 268435456 is too small for pixels.codec.max.decoded.bytes 1073741824")
                .hasMessageContaining("'-Xmx4g' sets the heap; use pixels.codec.host.max.heap.bytes")
                .hasMessageContaining("'-cp' sets the class path")
                .hasMessageContaining("'foo' is not a JVM option")
                .hasMessageContaining("'-Xlog:gc:stdout' writes to stdout, which carries the codec protocol")
                .hasMessageContaining("pixels.codec.host.start.timeout")
                .hasMessageContaining("pixels.codec.jni.library: 'libgdcmjni.so' must be an absolute path")
                .hasMessageContaining("pixels.codec.java: must be set");
        assertThatThrownBy(() -> d.withMaxDecodedBytes(Integer.MAX_VALUE)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("more than one Java array holds");
        assertThatThrownBy(() -> RadflowConfig.load(CodecSettings.KEYS, ConfigSource.of("test",
                Map.of("pixels.codec.processes", "many")))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("pixels.codec.processes (test): 'many' is not valid: expected an integer");
    }

    @Test
    void shouldRaiseTheHostHeapWithTheDecodedSizeLimit() {
        CodecSettings s = CodecSettings.defaults().withMaxDecodedBytes(1L << 30);

        assertThat(s.hostMaxHeapBytes()).isEqualTo((2L << 30) + (64L << 20));
        assertThat(CodecProcess.command(s)).contains("-Xmx2112m");
    }

    @Test
    void shouldStartTheHostWithThisJvmsClassPathAndAProtocolSafeCommandLine() {
        List<String> command = CodecProcess.command(CodecSettings.defaults());

        assertThat(command.get(0)).endsWith("/bin/java");
        assertThat(command).containsSubsequence("-cp", System.getProperty("java.class.path"),
                "io.radflow.pixels.host.CodecHost", "/usr/lib/x86_64-linux-gnu/jni/libgdcmjni.so");
        assertThat(command).contains("-Xmx1280m", "-XX:+DisplayVMOutputToStderr", "-Xlog:all=warning:stderr",
                "-XX:ErrorFile=/dev/null");
    }

    @Test
    void shouldDocumentEveryKey() {
        assertThat(CodecSettings.KEYS.toMarkdown()).contains("pixels.codec.processes", "pixels.codec.decode.timeout",
                "pixels.codec.max.decoded.bytes", "pixels.codec.host.max.heap.bytes", "pixels.codec.host.jvm.options",
                "pixels.codec.host.start.timeout", "pixels.codec.jni.library", "pixels.codec.java");
    }
}

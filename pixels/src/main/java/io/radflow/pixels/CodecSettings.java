package io.radflow.pixels;

import io.radflow.common.config.ConfigDefinition;
import io.radflow.common.config.ConfigException;
import io.radflow.common.config.ConfigKey;
import io.radflow.common.config.ConfigType;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.config.Validator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Limits and placement of the codec processes, the child JVMs in which GDCM decodes compressed
 * pixel data (native pixel data never leaves the caller's JVM). Each value is a configuration key
 * declared once below ({@link #KEYS}); {@link #defaults()} holds every default, {@link #from}
 * reads a validated {@link RadflowConfig}, and the constructor refuses inconsistent values with a
 * {@link ConfigException} listing every problem.
 *
 * @param processes          most codec processes running at once (each decodes one instance at a time);
 *                           started when first needed
 * @param decodeTimeout      longest one instance may take in a codec process (sending, decoding, replying);
 *                           past it the process is killed and replaced
 * @param maxDecodedBytes    largest decoded pixel data of one instance (rows x columns x samples x bits
 *                           allocated x frames), checked before decoding; also the most compressed bytes sent
 * @param hostMaxHeapBytes   -Xmx of each codec process; at least twice {@code maxDecodedBytes} plus 64 MiB
 *                           (the compressed frame and the decoded buffer can be in its heap at once)
 * @param hostJvmOptions     further options of each codec process's JVM (no -Xmx, no class path)
 * @param hostStartTimeout   longest a codec process may take to start and load GDCM
 * @param jniLibrary         GDCM's JNI library, loaded by each codec process (Debian's libgdcm-java)
 * @param javaExecutable     java binary that runs the codec processes; by default the one running this JVM
 */
public record CodecSettings(int processes, Duration decodeTimeout, long maxDecodedBytes, long hostMaxHeapBytes,
                            List<String> hostJvmOptions, Duration hostStartTimeout, Path jniLibrary, Path javaExecutable) {

    private static final long MIB = 1L << 20;
    /** Largest value a Java array (and so one decoded instance) can hold. */
    static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 16L;

    public static final ConfigKey<Integer> PROCESSES = ConfigKey.of("pixels.codec.processes", ConfigType.INT, 2,
            Validator.between(1, 64),
            "Most codec processes (child JVMs running GDCM for compressed pixel data) at once; each decodes one instance at a time. Started when first needed.");

    public static final ConfigKey<Duration> DECODE_TIMEOUT = ConfigKey.of("pixels.codec.decode.timeout",
            ConfigType.DURATION_TYPE, Duration.ofSeconds(30), Validator.positive(),
            "Longest one instance may spend in a codec process; past it the process is killed and replaced, and the instance fails as unreadable.");

    public static final ConfigKey<Long> MAX_DECODED_BYTES = ConfigKey.of("pixels.codec.max.decoded.bytes", ConfigType.LONG,
            512 * MIB, Validator.atLeastLong(1),
            "Largest decoded pixel data of one instance in bytes (rows x columns x samples x bits allocated x frames), checked before decoding; larger instances fail as unreadable.");

    public static final ConfigKey<Long> HOST_MAX_HEAP_BYTES = ConfigKey.of("pixels.codec.host.max.heap.bytes",
            ConfigType.LONG, 1280 * MIB, Validator.atLeastLong(64 * MIB),
            "Java heap (-Xmx) of each codec process in bytes; at least twice pixels.codec.max.decoded.bytes plus 64 MiB.");

    public static final ConfigKey<List<String>> HOST_JVM_OPTIONS = ConfigKey.of("pixels.codec.host.jvm.options",
            ConfigType.LIST, List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xss1m"),
            Validator.any(), "Further JVM options of each codec process (comma-separated; not -Xmx, which is pixels.codec.host.max.heap.bytes, nor a class path).");

    public static final ConfigKey<Duration> HOST_START_TIMEOUT = ConfigKey.of("pixels.codec.host.start.timeout",
            ConfigType.DURATION_TYPE, Duration.ofSeconds(30), Validator.positive(),
            "Longest a codec process may take to start its JVM and load GDCM.");

    public static final ConfigKey<Path> JNI_LIBRARY = ConfigKey.of("pixels.codec.jni.library", ConfigType.PATH,
            Path.of("/usr/lib/x86_64-linux-gnu/jni/libgdcmjni.so"), Validator.any(),
            "GDCM's JNI library, loaded by each codec process (Debian package libgdcm-java).");

    public static final ConfigKey<Path> JAVA_EXECUTABLE = ConfigKey.optional("pixels.codec.java", ConfigType.PATH,
            "java binary that runs the codec processes. Unset: the one running this JVM (java.home).");

    /** The codec keys, to join a component's configuration definition. */
    public static final ConfigDefinition KEYS = ConfigDefinition.of("pixels", List.of(PROCESSES, DECODE_TIMEOUT,
            MAX_DECODED_BYTES, HOST_MAX_HEAP_BYTES, HOST_JVM_OPTIONS, HOST_START_TIMEOUT, JNI_LIBRARY, JAVA_EXECUTABLE));

    public CodecSettings {
        hostJvmOptions = hostJvmOptions == null ? null : List.copyOf(hostJvmOptions);
        List<String> problems = problems(processes, decodeTimeout, maxDecodedBytes, hostMaxHeapBytes, hostJvmOptions,
                hostStartTimeout, jniLibrary, javaExecutable);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** Every default; the java binary is the one running this JVM. */
    public static CodecSettings defaults() {
        return new CodecSettings(PROCESSES.defaultValue(), DECODE_TIMEOUT.defaultValue(), MAX_DECODED_BYTES.defaultValue(),
                HOST_MAX_HEAP_BYTES.defaultValue(), HOST_JVM_OPTIONS.defaultValue(), HOST_START_TIMEOUT.defaultValue(),
                JNI_LIBRARY.defaultValue(), currentJava());
    }

    /** The settings of a configuration whose definition includes {@link #KEYS}. */
    public static CodecSettings from(RadflowConfig config) {
        return new CodecSettings(config.get(PROCESSES), config.get(DECODE_TIMEOUT), config.get(MAX_DECODED_BYTES),
                config.get(HOST_MAX_HEAP_BYTES), config.get(HOST_JVM_OPTIONS), config.get(HOST_START_TIMEOUT),
                config.get(JNI_LIBRARY), config.find(JAVA_EXECUTABLE).orElseGet(CodecSettings::currentJava));
    }

    public CodecSettings withProcesses(int n) {
        return new CodecSettings(n, decodeTimeout, maxDecodedBytes, hostMaxHeapBytes, hostJvmOptions, hostStartTimeout,
                jniLibrary, javaExecutable);
    }

    public CodecSettings withDecodeTimeout(Duration d) {
        return new CodecSettings(processes, d, maxDecodedBytes, hostMaxHeapBytes, hostJvmOptions, hostStartTimeout,
                jniLibrary, javaExecutable);
    }

    /** Also raises the host heap when it would be too small for the new limit. */
    public CodecSettings withMaxDecodedBytes(long bytes) {
        return new CodecSettings(processes, decodeTimeout, bytes, Math.max(hostMaxHeapBytes, minimumHeapFor(bytes)),
                hostJvmOptions, hostStartTimeout, jniLibrary, javaExecutable);
    }

    public CodecSettings withHostMaxHeapBytes(long bytes) {
        return new CodecSettings(processes, decodeTimeout, maxDecodedBytes, bytes, hostJvmOptions, hostStartTimeout,
                jniLibrary, javaExecutable);
    }

    public CodecSettings withHostJvmOptions(List<String> options) {
        return new CodecSettings(processes, decodeTimeout, maxDecodedBytes, hostMaxHeapBytes, options, hostStartTimeout,
                jniLibrary, javaExecutable);
    }

    public CodecSettings withHostStartTimeout(Duration d) {
        return new CodecSettings(processes, decodeTimeout, maxDecodedBytes, hostMaxHeapBytes, hostJvmOptions, d,
                jniLibrary, javaExecutable);
    }

    public CodecSettings withJniLibrary(Path path) {
        return new CodecSettings(processes, decodeTimeout, maxDecodedBytes, hostMaxHeapBytes, hostJvmOptions,
                hostStartTimeout, path, javaExecutable);
    }

    public CodecSettings withJavaExecutable(Path path) {
        return new CodecSettings(processes, decodeTimeout, maxDecodedBytes, hostMaxHeapBytes, hostJvmOptions,
                hostStartTimeout, jniLibrary, path);
    }

    static long minimumHeapFor(long maxDecodedBytes) {
        return 2 * maxDecodedBytes + 64 * MIB;
    }

    private static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static List<String> problems(int processes, Duration decodeTimeout, long maxDecodedBytes, long hostMaxHeapBytes,
                                         List<String> hostJvmOptions, Duration hostStartTimeout, Path jniLibrary,
                                         Path javaExecutable) {
        List<String> problems = new ArrayList<>();
        check(problems, PROCESSES, processes);
        if (decodeTimeout == null) {
            problems.add(DECODE_TIMEOUT.name() + ": must be set");
        } else {
            check(problems, DECODE_TIMEOUT, decodeTimeout);
        }
        check(problems, MAX_DECODED_BYTES, maxDecodedBytes);
        if (maxDecodedBytes > MAX_ARRAY_BYTES) {
            problems.add(MAX_DECODED_BYTES.name() + ": " + maxDecodedBytes + " is more than one Java array holds ("
                    + MAX_ARRAY_BYTES + ")");
        }
        check(problems, HOST_MAX_HEAP_BYTES, hostMaxHeapBytes);
        if (maxDecodedBytes > 0 && hostMaxHeapBytes < minimumHeapFor(maxDecodedBytes)) {
            problems.add(HOST_MAX_HEAP_BYTES.name() + ": " + hostMaxHeapBytes + " is too small for "
                    + MAX_DECODED_BYTES.name() + " " + maxDecodedBytes + " (needs at least " + minimumHeapFor(maxDecodedBytes)
                    + ": the compressed frame and the decoded buffer share the codec process's heap)");
        }
        if (hostJvmOptions == null) {
            problems.add(HOST_JVM_OPTIONS.name() + ": must be set (may be empty)");
        } else {
            for (String o : hostJvmOptions) {
                String lower = o == null ? "" : o.strip().toLowerCase(Locale.ROOT);
                if (lower.isEmpty()) {
                    problems.add(HOST_JVM_OPTIONS.name() + ": blank option");
                } else if (lower.startsWith("-xmx") || lower.startsWith("-xx:maxheapsize")) {
                    problems.add(HOST_JVM_OPTIONS.name() + ": '" + o + "' sets the heap; use " + HOST_MAX_HEAP_BYTES.name());
                } else if (lower.equals("-cp") || lower.equals("-classpath") || lower.startsWith("--class-path")
                        || lower.equals("-jar")) {
                    problems.add(HOST_JVM_OPTIONS.name() + ": '" + o + "' sets the class path; the codec process uses this JVM's");
                } else if (!lower.startsWith("-")) {
                    problems.add(HOST_JVM_OPTIONS.name() + ": '" + o + "' is not a JVM option (options start with '-')");
                } else if (lower.contains("stdout")) {
                    problems.add(HOST_JVM_OPTIONS.name() + ": '" + o + "' writes to stdout, which carries the codec protocol");
                }
            }
        }
        if (hostStartTimeout == null) {
            problems.add(HOST_START_TIMEOUT.name() + ": must be set");
        } else {
            check(problems, HOST_START_TIMEOUT, hostStartTimeout);
        }
        if (jniLibrary == null) {
            problems.add(JNI_LIBRARY.name() + ": must be set");
        } else if (!jniLibrary.isAbsolute()) {
            problems.add(JNI_LIBRARY.name() + ": '" + jniLibrary + "' must be an absolute path");
        }
        if (javaExecutable == null) {
            problems.add(JAVA_EXECUTABLE.name() + ": must be set");
        }
        return problems;
    }

    private static <T> void check(List<String> problems, ConfigKey<T> key, T value) {
        String problem = key.validator().problemWith(value);
        if (problem != null) {
            problems.add(key.name() + ": '" + key.type().print(value) + "' " + problem);
        }
    }
}

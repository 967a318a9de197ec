package io.radflow.pixels;

import io.radflow.pixels.PixelDecodeException.Problem;
import io.radflow.pixels.host.CodecHost;
import io.radflow.pixels.host.CodecProtocol;
import io.radflow.pixels.host.CodecProtocol.DecodedLayout;
import io.radflow.pixels.host.CodecProtocol.Request;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One codec host process ({@link CodecHost}) and the parent's end of its pipes. Used by one
 * thread at a time (the pool hands it out). A watchdog kills the process when a start or a
 * decode outlives its limit; any failure to talk to it leaves it {@link #dead()} for the pool to
 * replace. Its stderr (GDCM's warnings) is logged at DEBUG; the last lines are kept for messages.
 */
final class CodecProcess {

    private static final Logger LOG = LoggerFactory.getLogger(CodecProcess.class);
    private static final int STDERR_LINES_KEPT = 20;
    /** "#\n# ": how the JVM's fatal error report starts, on file descriptor 1. */
    private static final int CRASH_REPORT_START = 0x230a2320;

    private final int number;
    private final Process process;
    private final DataOutputStream toHost;
    private final DataInputStream fromHost;
    private final Deque<String> lastStderr = new ArrayDeque<>();
    private final Thread stderrPump;
    /** How this process ended (set once), for messages and the replacement's log line. */
    private volatile String fate;
    private volatile boolean timedOut;
    private String gdcmVersion = "?";
    private long nextId = 1;

    private CodecProcess(int number, Process process) {
        this.number = number;
        this.process = process;
        this.toHost = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
        this.fromHost = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
        this.stderrPump = new Thread(this::pumpStderr, "radflow-codec-" + number + "-stderr");
        stderrPump.setDaemon(true);
        stderrPump.start();
    }

    /** The reply to a decode request: pixels and their layout, or GDCM's refusal. */
    record Reply(int status, String message, DecodedLayout layout, byte[] pixels) {
    }

    /** Starts a codec host and waits for its hello; fails with a clear reason when it cannot run. */
    static CodecProcess start(int number, CodecSettings settings, ScheduledExecutorService watchdog) {
        if (!Files.isRegularFile(settings.jniLibrary())) {
            throw new PixelDecodeException(Problem.CODEC_MISCONFIGURED, "GDCM's JNI library " + settings.jniLibrary()
                    + " is missing: install Debian's libgdcm-java or set " + CodecSettings.JNI_LIBRARY.name());
        }
        if (!Files.isExecutable(settings.javaExecutable())) {
            throw new PixelDecodeException(Problem.CODEC_MISCONFIGURED, "cannot run the codec process: "
                    + settings.javaExecutable() + " is not an executable java (" + CodecSettings.JAVA_EXECUTABLE.name() + ")");
        }
        List<String> command = command(settings);
        long started = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new PixelDecodeException(Problem.CODEC_UNAVAILABLE, "cannot start the codec process: " + e.getMessage(), e);
        }
        CodecProcess cp = new CodecProcess(number, p);
        ScheduledFuture<?> kill = watchdog.schedule(() -> cp.kill("was killed: it did not start within "
                + seconds(settings.hostStartTimeout())), settings.hostStartTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            int magic = cp.fromHost.readInt();
            int version = cp.fromHost.readInt();
            if (magic != CodecProtocol.HELLO || version != CodecProtocol.VERSION) {
                throw new IOException(String.format("unexpected greeting 0x%08x version %d", magic, version));
            }
            cp.gdcmVersion = cp.fromHost.readUTF();
            cp.fromHost.readLong();
        } catch (IOException e) {
            String why = cp.fate != null ? cp.fate : cp.exitDescription();
            cp.kill("failed to start");
            Problem problem = cp.exitCode() == CodecHost.EXIT_NO_GDCM ? Problem.CODEC_MISCONFIGURED : Problem.CODEC_UNAVAILABLE;
            throw new PixelDecodeException(problem, "the codec process did not start: " + why + cp.stderrTail(), e);
        } finally {
            kill.cancel(false);
        }
        LOG.debug("codec process #{} (pid {}) started with {}", number, p.pid(), command);
        LOG.info("Started codec process #{} (pid {}, GDCM {}) in {} ms", number, p.pid(), cp.gdcmVersion,
                (System.nanoTime() - started) / 1_000_000);
        return cp;
    }

    static List<String> command(CodecSettings s) {
        List<String> c = new ArrayList<>();
        c.add(s.javaExecutable().toString());
        c.add("-Xmx" + (s.hostMaxHeapBytes() >> 20) + "m");
        // stdout carries the protocol: the JVM's own output (flags, warnings, a crash report) goes to stderr
        c.add("-XX:+UnlockDiagnosticVMOptions");
        c.add("-XX:+DisplayVMOutputToStderr");
        c.add("-Xlog:disable");
        c.add("-Xlog:all=warning:stderr");
        // a crash's summary reaches the parent on stdout (see crashReport); no report files pile up under attack
        c.add("-XX:ErrorFile=/dev/null");
        c.addAll(s.hostJvmOptions());
        c.add("-cp");
        c.add(System.getProperty("java.class.path"));
        c.add(CodecHost.class.getName());
        c.add(s.jniLibrary().toString());
        return c;
    }

    /**
     * Sends one request and reads its reply, killing the process if both together take longer than
     * {@code timeout}. Failures of the process itself become {@link PixelDecodeException}s.
     *
     * @param what names the instance in messages ("1.2.840.10008.1.2.4.50 pixel data of instance 1.2.3")
     */
    Reply decode(Request request, Duration timeout, ScheduledExecutorService watchdog, String what) {
        long id = nextId++;
        Request r = new Request(id, request.fault(), request.transferSyntaxUid(), request.rows(), request.columns(),
                request.samplesPerPixel(), request.bitsAllocated(), request.bitsStored(), request.highBit(),
                request.pixelRepresentation(), request.photometricInterpretation(), request.planarConfiguration(),
                request.frames(), request.maxDecodedBytes(), request.chunks());
        synchronized (lastStderr) {
            lastStderr.clear(); // messages name what this request caused, not what earlier ones did
        }
        ScheduledFuture<?> kill = watchdog.schedule(() -> {
            timedOut = true;
            kill("was killed after decoding took longer than " + seconds(timeout));
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            CodecProtocol.writeRequest(toHost, r);
            return readReply(id, request.maxDecodedBytes());
        } catch (IOException e) {
            if (timedOut) {
                throw new PixelDecodeException(Problem.TIMEOUT, "decoding " + what + " took longer than "
                        + seconds(timeout) + " (" + CodecSettings.DECODE_TIMEOUT.name() + "); the codec process was killed", e);
            }
            if (e instanceof ProtocolException pe && !exitsSoon(pe.crashReport() ? 10 : 1)) {
                kill("was killed for breaking the protocol (" + e.getMessage() + ")");
                throw new PixelDecodeException(Problem.CODEC_CRASHED, "the codec process answered nonsense while decoding "
                        + what + " (" + e.getMessage() + "); it was killed" + stderrTail(), e);
            }
            String exit = exitDescription() + crashReport();
            kill("died while decoding (" + exit + ")");
            throw new PixelDecodeException(Problem.CODEC_CRASHED, "the codec process died while decoding " + what + " ("
                    + exit + ")" + stderrTail(), e);
        } finally {
            if (!kill.cancel(false) && fate == null) {
                // the watchdog fired as the reply arrived: the process is being killed, do not reuse it
                kill("was killed as its reply arrived at the time limit");
            }
        }
    }

    private Reply readReply(long id, long maxBytes) throws IOException {
        int magic = fromHost.readInt();
        if (magic != CodecProtocol.REPLY) {
            throw new ProtocolException(String.format("expected a reply, read 0x%08x", magic), magic == CRASH_REPORT_START);
        }
        long replyId = fromHost.readLong();
        if (replyId != id) {
            throw new ProtocolException("reply to request " + replyId + " where " + id + " was expected", false);
        }
        int status = fromHost.readInt();
        if (status != CodecProtocol.OK) {
            return new Reply(status, fromHost.readUTF(), null, null);
        }
        DecodedLayout layout = new DecodedLayout(fromHost.readUTF(), fromHost.readInt(), fromHost.readInt(),
                fromHost.readInt(), fromHost.readInt(), fromHost.readInt(), fromHost.readInt());
        long length = fromHost.readLong();
        if (length < 0 || length > maxBytes) {
            throw new ProtocolException("reply of " + length + " bytes, limit " + maxBytes, false);
        }
        byte[] pixels = new byte[(int) length];
        fromHost.readFully(pixels);
        return new Reply(status, null, layout, pixels);
    }

    /** True once the process was killed or ended. */
    boolean dead() {
        return fate != null || !process.isAlive();
    }

    int number() {
        return number;
    }

    long pid() {
        return process.pid();
    }

    /** How it ended ("died while decoding (exit code 134, signal 6)"), for the replacement's log line. */
    String fate() {
        return fate != null ? fate : "ended (" + exitDescription() + ")";
    }

    /**
     * Kills the process, recording {@code fate} unless an earlier one was recorded, and waits (briefly:
     * SIGKILL is not ignored) until it is gone, so no caller sees a killed process still running.
     */
    void kill(String fate) {
        synchronized (this) {
            if (this.fate == null) {
                this.fate = fate;
            }
        }
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the process: closing its stdin lets it exit by itself; it is killed if it does not at once. */
    void close() {
        synchronized (this) {
            if (fate == null) {
                fate = "was closed";
            }
        }
        try {
            toHost.close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What a crashed JVM said about it. Its fatal error handler writes the summary ("SIGSEGV ...
     * Problematic frame: C [libgdcmMSFF.so...] gdcm::RLECodec::DecodeByStreams...") to file
     * descriptor 1 whatever the options, so it arrives on the protocol stream, which is of no
     * further use: read what is left of it, log it at DEBUG and keep the two lines that matter.
     */
    private String crashReport() {
        String text;
        try {
            text = new String(fromHost.readNBytes(16 << 10), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
        if (text.isBlank()) {
            return "";
        }
        LOG.debug("codec process #{} crash report: {}", number, text);
        String signal = null;
        String frame = null;
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].replaceFirst("^#\\s*", "").strip();
            if (signal == null && line.matches("SIG[A-Z]+ \\(0x[0-9a-f]+\\).*")) {
                signal = line.replaceFirst(" at pc=.*", "");
            }
            if (line.startsWith("Problematic frame") && i + 1 < lines.length) {
                frame = lines[i + 1].replaceFirst("^#\\s*", "").strip();
            }
        }
        if (signal == null) {
            return "";
        }
        return "; the JVM reports " + signal + (frame == null ? "" : " in " + frame);
    }

    /** True when the process ends within {@code seconds} (a crashing JVM writes its report first). */
    private boolean exitsSoon(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Integer exitCode() {
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private String exitDescription() {
        Integer code = exitCode();
        if (code == null) {
            return "still running, not answering";
        }
        String signal = code > 128 && code < 160 ? ", signal " + (code - 128) : "";
        return "exit code " + code + signal;
    }

    private String stderrTail() {
        if (!process.isAlive()) {
            try {
                stderrPump.join(1000); // let the last words (a crash report) arrive
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lastStderr) {
            if (lastStderr.isEmpty()) {
                return "";
            }
            return "; its last messages: " + String.join(" | ", lastStderr);
        }
    }

    private void pumpStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                LOG.debug("codec process #{}: {}", number, line);
                synchronized (lastStderr) {
                    if (lastStderr.size() == STDERR_LINES_KEPT) {
                        lastStderr.removeFirst();
                    }
                    lastStderr.addLast(line.strip());
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The host wrote something that is not the protocol. */
    static final class ProtocolException extends IOException {
        private final boolean crashReport;

        ProtocolException(String message, boolean crashReport) {
            super(message);
            this.crashReport = crashReport;
        }

        /** True when what was read starts like the JVM's fatal error report ("#\n# A fatal error..."). */
        boolean crashReport() {
            return crashReport;
        }
    }
}

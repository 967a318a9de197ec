package io.radflow.worker.runtime.mdai;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.worker.runtime.Deadline;
import io.radflow.worker.runtime.ModelKey;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Python runner ({@code python3 -m radflow_mdai_runner}) hosting one model package, and the
 * length-prefixed msgpack exchange with it. A call that passes its deadline kills the process
 * (and anything it started); a process that dies mid-call is reported as crashed, with its exit
 * status and the last lines it wrote to stderr. Not thread-safe: its owner serialises calls.
 */
final class RunnerProcess implements AutoCloseable {

    /** Largest answer the runner may send (results with masks included); more means a broken stream. */
    static final int MAX_MESSAGE_BYTES = 1 << 30;
    /** Longest stderr line kept for logs and error messages; the rest of the line is dropped. */
    static final int STDERR_LINE_CHARS = 4096;

    private static final Logger log = LoggerFactory.getLogger(RunnerProcess.class);
    private static final int STDERR_TAIL_LINES = 40;

    private final ModelKey key;
    private final Process process;
    private final DataOutputStream in;
    private final DataInputStream out;
    private final Thread stderrReader;
    private final ArrayDeque<String> stderrTail = new ArrayDeque<>();
    private final ScheduledExecutorService watchdog;
    private final AtomicBoolean killedForTimeout = new AtomicBoolean();
    private volatile boolean killed;
    private volatile boolean closing;

    private RunnerProcess(ModelKey key, Process process, ScheduledExecutorService watchdog) {
        this.key = key;
        this.process = process;
        this.watchdog = watchdog;
        this.in = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 64 * 1024));
        this.out = new DataInputStream(new java.io.BufferedInputStream(process.getInputStream(), 64 * 1024));
        this.stderrReader = new Thread(this::drainStderr, "mdai-stderr-" + key + "-" + process.pid());
        this.stderrReader.setDaemon(true);
        this.stderrReader.start();
        process.onExit().thenAccept(p -> {
            if (!closing) {
                log.info("python runner exited model={} version={} pid={} exitCode={} lastStderr={}", key.modelId(), key.version(),
                        p.pid(), p.exitValue(), lastStderrLine());
            }
        });
    }

    /**
     * Starts the runner for a package and waits for its hello.
     *
     * @throws RadflowException MODEL_LOAD_FAILED when the package cannot be loaded (import error,
     *         no MDAIModel, missing requirements: the runner's message and traceback),
     *         RUNTIME_UNAVAILABLE when the start took longer than {@code startTimeout}
     */
    static Started start(ModelKey key, List<String> command, Path workingDir, Map<String, String> env,
                         Duration startTimeout, ScheduledExecutorService watchdog) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workingDir.toFile());
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "cannot start the Python interpreter " + command.get(0)
                    + " (worker.mdai.python): " + e.getMessage(), e);
        }
        RunnerProcess runner = new RunnerProcess(key, p, watchdog);
        Map<String, Object> hello;
        try {
            hello = runner.receive(Deadline.after(startTimeout), "start");
        } catch (RadflowException e) {
            runner.close();
            if (e.reason() == Reason.MODEL_TIMEOUT) {
                throw new RadflowException(Reason.RUNTIME_UNAVAILABLE, "the MD.ai package of " + key + " did not finish loading within "
                        + startTimeout.toMillis() + " ms (worker.mdai.start.timeout)" + runner.stderrSuffix(), e);
            }
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "the Python runner of " + key + " exited while loading the package: "
                    + e.getMessage(), e);
        }
        if ("error".equals(hello.get("kind"))) {
            runner.close();
            Object tb = hello.get("traceback");
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "MD.ai package of " + key + " failed to load (" + hello.get("stage")
                    + "): " + hello.get("message") + (tb != null ? "\n" + tb : ""));
        }
        if (!"hello".equals(hello.get("kind"))) {
            runner.close();
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "the Python runner of " + key + " answered " + hello.get("kind")
                    + " instead of hello");
        }
        return new Started(runner, hello);
    }

    /** A started runner and what it said about the package. */
    record Started(RunnerProcess process, Map<String, Object> hello) {
    }

    ModelKey modelKey() {
        return key;
    }

    long pid() {
        return process.pid();
    }

    /** False once the process died or was killed (a killed process may take a moment to go). */
    boolean alive() {
        return !killed && process.isAlive();
    }

    /**
     * Sends one message and waits for the answer until the deadline.
     *
     * @throws RadflowException MODEL_TIMEOUT when the deadline passed (the process is killed),
     *         RUNTIME_CRASHED when the process died or broke the protocol
     */
    Map<String, Object> call(byte[] message, Deadline deadline) {
        Watch timer = arm(deadline.remainingNanos());
        try {
            try {
                in.writeInt(message.length);
                in.write(message);
                in.flush();
            } catch (IOException e) {
                throw failure("sending the request", e);
            }
            return receiveArmed("the answer");
        } finally {
            timer.disarm();
        }
    }

    private Map<String, Object> receive(Deadline deadline, String what) {
        Watch timer = arm(deadline.remainingNanos());
        try {
            return receiveArmed(what);
        } finally {
            timer.disarm();
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> receiveArmed(String what) {
        byte[] body;
        try {
            int length = out.readInt();
            if (length < 0 || length > MAX_MESSAGE_BYTES) {
                throw new IOException("message length " + length + " outside 0.." + MAX_MESSAGE_BYTES);
            }
            // Read as it arrives: a broken length header must not allocate a gigabyte up front.
            body = out.readNBytes(length);
            if (body.length < length) {
                throw new EOFException("the runner's answer ended after " + body.length + " of " + length + " bytes");
            }
        } catch (IOException e) {
            throw failure("reading " + what, e);
        }
        Object message;
        try {
            message = Msgpack.unpack(body);
        } catch (IllegalArgumentException e) {
            kill();
            throw new RadflowException(Reason.RUNTIME_CRASHED, "the Python runner of " + key + " sent something that is not msgpack: "
                    + e.getMessage(), e);
        }
        if (!(message instanceof Map)) {
            kill();
            throw new RadflowException(Reason.RUNTIME_CRASHED, "the Python runner of " + key + " sent a " + message + " instead of a map");
        }
        return (Map<String, Object>) message;
    }

    /**
     * The watchdog of one exchange. Whoever settles it first wins: the exchange (answer in time) or
     * the watchdog (kills the process). An answer that arrives as the watchdog fires is kept, and
     * the exchange waits for the kill to finish, so the next call sees a dead process and restarts
     * it rather than talking to one about to die.
     */
    private final class Watch {
        private final AtomicBoolean settled = new AtomicBoolean();
        private final ScheduledFuture<?> timer;

        Watch(long delay) {
            timer = watchdog.schedule(() -> {
                if (settled.compareAndSet(false, true)) {
                    killedForTimeout.set(true);
                    closing = true;
                    kill();
                }
            }, delay, TimeUnit.NANOSECONDS);
        }

        void disarm() {
            if (settled.compareAndSet(false, true)) {
                timer.cancel(false);
                return;
            }
            try {
                timer.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | CancellationException e) {
                // the kill itself failed or never ran; alive() still tells the truth
            }
        }
    }

    private Watch arm(long delayNanos) {
        return new Watch(delayNanos);
    }

    private RadflowException failure(String doing, IOException e) {
        if (killedForTimeout.get()) {
            exitStatus(); // wait for the kill to take effect, so no one sends to a dying process
            return new RadflowException(Reason.MODEL_TIMEOUT, "the model " + key + " did not answer in time; its Python process (pid "
                    + pid() + ") was killed and starts again with the next request", e);
        }
        kill();
        String status = exitStatus();
        return new RadflowException(Reason.RUNTIME_CRASHED, "the Python process of " + key + " (pid " + pid() + ") died while "
                + doing + " (" + status + ")" + stderrSuffix(), e instanceof EOFException ? null : e);
    }

    private String exitStatus() {
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                int code = process.exitValue();
                return code > 128 ? "killed by signal " + (code - 128) : "exit code " + code;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "still running";
    }

    /** Kills the process now (and what it started); a call in progress fails as crashed. */
    void destroy() {
        closing = true;
        kill();
    }

    private void kill() {
        killed = true;
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private void drainStderr() {
        try (Reader r = new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)) {
            // Lines are cut at STDERR_LINE_CHARS: a model printing megabytes without a newline
            // must not grow the worker's heap.
            StringBuilder line = new StringBuilder();
            boolean cut = false;
            char[] buf = new char[8192];
            int n;
            while ((n = r.read(buf)) >= 0) {
                for (int i = 0; i < n; i++) {
                    char c = buf[i];
                    if (c == '\n' || c == '\r') { // \r too: progress bars (tqdm) redraw with it
                        if (!line.isEmpty()) { // blank lines (and the \n of \r\n) say nothing
                            stderrLine(cut ? line.append(" ...(cut)").toString() : line.toString());
                        }
                        line.setLength(0);
                        cut = false;
                    } else if (line.length() < STDERR_LINE_CHARS) {
                        line.append(c);
                    } else {
                        cut = true;
                    }
                }
            }
            if (!line.isEmpty()) {
                stderrLine(cut ? line.append(" ...(cut)").toString() : line.toString());
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    private void stderrLine(String line) {
        synchronized (stderrTail) {
            if (stderrTail.size() == STDERR_TAIL_LINES) {
                stderrTail.removeFirst();
            }
            stderrTail.addLast(line);
        }
        log.debug("model stderr model={} version={} pid={} line={}", key.modelId(), key.version(), process.pid(), line);
    }

    private String lastStderrLine() {
        synchronized (stderrTail) {
            return stderrTail.isEmpty() ? "" : stderrTail.getLast();
        }
    }

    /** The last lines the process wrote to stderr, for error messages. */
    String stderrSuffix() {
        try {
            // The reader may still be catching up with what the process wrote before it died.
            if (!process.isAlive()) {
                stderrReader.join(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (stderrTail) {
            return stderrTail.isEmpty() ? "" : "; last lines on stderr:\n" + String.join("\n", stderrTail);
        }
    }

    /** Asks the runner to stop, then makes sure it did. */
    @Override
    public void close() {
        closing = true;
        if (process.isAlive()) {
            try {
                byte[] bye = Msgpack.pack(Map.of("kind", "shutdown"));
                in.writeInt(bye.length);
                in.write(bye);
                in.flush();
                in.close();
            } catch (IOException e) {
                // already going
            }
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    log.warn("python runner did not stop, killing it model={} version={} pid={}", key.modelId(), key.version(), pid());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        kill();
    }
}

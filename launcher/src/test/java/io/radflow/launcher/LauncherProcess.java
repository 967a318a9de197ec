package io.radflow.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Runs {@code ./radflow}'s JVM as a child process (as the script does) and collects its output. */
final class LauncherProcess implements AutoCloseable {

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();

    private LauncherProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), stdout);
        pump(process.getErrorStream(), stderr);
    }

    static LauncherProcess start(Path home, String... args) throws IOException {
        return start(home, java.util.Map.of(), args);
    }

    /** With these environment variables added to the test's own (RADFLOW_* configuration, for example). */
    static LauncherProcess start(Path home, java.util.Map<String, String> env, String... args) throws IOException {
        String classpath = System.getProperty("radflow.launcher.classpath");
        if (classpath == null) {
            throw new IllegalStateException("radflow.launcher.classpath is not set (run through failsafe)");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dradflow.home=" + home, "-cp", classpath, "io.radflow.launcher.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        return new LauncherProcess(builder.start());
    }

    private static void pump(java.io.InputStream in, List<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        t.setDaemon(true);
        t.start();
    }

    /** Waits for a stdout line matching {@code p}; fails with everything printed so far. */
    String awaitStdout(Predicate<String> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : stdout) {
                if (p.test(line)) {
                    return line;
                }
            }
            if (!process.isAlive() && stdout.stream().noneMatch(p)) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no matching output; stdout:\n" + String.join("\n", stdout) + "\nstderr:\n" + String.join("\n", stderr));
    }

    List<String> stdout() {
        return stdout;
    }

    List<String> stderr() {
        return stderr;
    }

    Process process() {
        return process;
    }

    /** Sends SIGTERM (as Kubernetes does to stop a pod) and waits for the exit code. */
    int terminate(Duration timeout) throws InterruptedException {
        // Through the handle: Process.destroy() would also close our ends of the child's stdout and
        // stderr, losing what it prints while it shuts down.
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("did not stop within " + timeout);
        }
        return process.exitValue();
    }

    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not finish within " + timeout + "; stderr:\n" + String.join("\n", stderr));
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}

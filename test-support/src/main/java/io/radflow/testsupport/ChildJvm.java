package io.radflow.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A service in a JVM of its own, on the test's class path, for crash tests (SIGKILL, restart):
 * its stdout and stderr are collected line by line. The class path goes in an argument file:
 * ONNX Runtime 1.29's native library crashes the JVM (SIGSEGV while loading) when the java
 * command line holds an argument over ~4 KB.
 */
public final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();

    private ChildJvm(Process process) {
        this.process = process;
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code mainClass} with {@code args} and a 512 MB heap; {@code dir} holds the argument file. */
    public static ChildJvm start(Path dir, Class<?> mainClass, String... args) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path argFile = Files.writeString(Files.createTempFile(dir, "jvm", ".args"), "-cp\n\"" + classpath.replace("\\", "\\\\") + "\"\n");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "@" + argFile, mainClass.getName()));
        command.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    public Process process() {
        return process;
    }

    public List<String> output() {
        return output;
    }

    /** Waits up to two minutes for the process to print {@code line}; fails with its output if it dies first. */
    public void awaitLine(String line) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!output.contains(line)) {
            if (!process.isAlive()) {
                process.waitFor(5, TimeUnit.SECONDS);
                Thread.sleep(500); // let the pump read what the process printed before it died
            }
            if (!process.isAlive()) {
                throw new AssertionError("the process ended (exit " + process.exitValue() + ") before printing " + line + "; output:\n"
                        + String.join("\n", output));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the process did not print " + line + " within 2 minutes; output:\n" + String.join("\n", output));
            }
            Thread.sleep(50);
        }
    }

    /** SIGKILL: no shutdown hook runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits; true when it stopped within the minute. */
    public boolean stop() throws InterruptedException {
        // Through the handle: Process.destroy() would also close our end of its output, losing what it prints while it stops.
        process.toHandle().destroy();
        return process.waitFor(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}

package io.radflow.devstack;

import io.radflow.common.io.Directories;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry (in-memory storage) as a child process on 127.0.0.1, serving the
 * Confluent-compatible API at {@link #confluentApiUrl()}. A small shell watchdog kills the
 * registry if this JVM dies without closing it, so no registry outlives its owner.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:\\s]+:(\\d+)");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final Path workDir;
    private final int port;

    private EmbeddedSchemaRegistry(Process process, Path workDir, int port) {
        this.process = process;
        this.workDir = workDir;
        this.port = port;
    }

    /** @param port 0 for a free port */
    public static EmbeddedSchemaRegistry start(int port) {
        Path runner = ApicurioDistribution.runnerJar();
        Path workDir = TempDirs.create("radflow-registry-");
        Path logFile = workDir.resolve("apicurio.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> javaCommand = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dquarkus.log.level=WARN", "-Dquarkus.log.category.\"io.quarkus\".level=INFO",
                "-Dquarkus.banner.enabled=false",
                "-jar", runner.toString()));
        long parentPid = ProcessHandle.current().pid();
        // Runs java in the background and kills it when the parent JVM or this shell goes away.
        String watchdog = "\"$@\" & child=$!; trap 'kill $child 2>/dev/null; wait $child; exit 0' TERM INT; "
                + "while kill -0 " + parentPid + " 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done; "
                + "kill $child 2>/dev/null; wait $child";
        List<String> command = new ArrayList<>(List.of("sh", "-c", watchdog, "apicurio-watchdog"));
        command.addAll(javaCommand);
        Process process;
        try {
            process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Directories.deleteQuietly(workDir);
            throw new UncheckedIOException("cannot start Apicurio Registry (" + runner + ")", e);
        }
        CompletableFuture<Integer> boundPort = new CompletableFuture<>();
        Thread pump = new Thread(() -> pumpOutput(process, logFile, boundPort), "apicurio-output");
        pump.setDaemon(true);
        pump.start();
        long t0 = System.nanoTime();
        try {
            int actual = boundPort.get(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(process, workDir, actual);
            log.info("embedded schema registry started url={} startupMs={}", registry.confluentApiUrl(),
                    (System.nanoTime() - t0) / 1_000_000);
            return registry;
        } catch (TimeoutException | ExecutionException | InterruptedException e) {
            String tail = tail(logFile);
            new EmbeddedSchemaRegistry(process, workDir, -1).close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("Apicurio Registry did not start within " + STARTUP_TIMEOUT.toSeconds()
                    + " s (" + e.getClass().getSimpleName() + "). Last output:\n" + tail, e);
        }
    }

    private static void pumpOutput(Process process, Path logFile, CompletableFuture<Integer> boundPort) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(logFile)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                out.flush();
                if (!boundPort.isDone()) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        boundPort.complete(Integer.parseInt(m.group(1)));
                    }
                }
            }
        } catch (IOException e) {
            // the stream closes when the process ends
        } finally {
            boundPort.completeExceptionally(new IllegalStateException("Apicurio Registry exited before it was ready"));
        }
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no output)";
        }
    }

    public int port() {
        return port;
    }

    /** Base URL of the Confluent-compatible API, e.g. http://127.0.0.1:41234/apis/ccompat/v7 */
    public String confluentApiUrl() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    public boolean running() {
        return process.isAlive();
    }

    @Override
    public void close() {
        ProcessHandle handle = process.toHandle();
        handle.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                handle.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Directories.deleteQuietly(workDir);
    }
}

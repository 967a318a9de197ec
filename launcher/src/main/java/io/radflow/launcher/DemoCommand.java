package io.radflow.launcher;

import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.cli.DevStackState;
import io.radflow.common.io.Directories;
import io.radflow.common.lifecycle.ManagedService;
import io.radflow.common.lifecycle.ShutdownLatch;
import io.radflow.content.StorageConfig;
import io.radflow.demo.Demo;
import io.radflow.demo.DemoReport;
import io.radflow.demo.PipelineWatcher;
import io.radflow.devstack.DevStack;
import io.radflow.registry.RegistryConfig;
import io.radflow.schemas.avro.Scope;
import io.radflow.trigger.AutorunTriggerService;
import io.radflow.trigger.TriggerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./radflow demo}: the whole pipeline on sample data in one command. Starts the embedded
 * stack and every service, registers the bundled models through the REST API, uploads the
 * sample studies through the uploader, shows progress per stage, prints a summary and writes the
 * predictions as JSON lines. Exit code 0 when every study got predictions at every scope, no job
 * or upload was dead-lettered and everything finished within the timeout; 1 otherwise.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the whole pipeline on sample data: embedded stack, all services, bundled models (ONNX at instance "
                + "scope, MD.ai-style Python packages at series and study scope), sample studies through the uploader.",
            "Prints progress and a summary and writes the predictions as JSON lines. Exits 0 when every study has predictions at "
                + "every scope, nothing was dead-lettered and all jobs finished within --timeout; 1 otherwise."})
public final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--output", paramLabel = "FILE", description = "Where to write the predictions as JSON lines (default: .radflow/demo-predictions.jsonl in the checkout).")
    Path output;

    @Option(names = "--samples", paramLabel = "PATH", arity = "1..*",
            description = "DICOM files or folders to upload instead of pydicom's test tree (the bundled phantom study is always uploaded).")
    List<Path> samples = List.of();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long to wait for every job to finish (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--keep-running", description = "Leave the stack and services up after the summary, until Ctrl-C.")
    boolean keepRunning;

    @Option(names = "--project", paramLabel = "ID",
            description = "Create and use this project instead of a new radflow-demo-<time> one (with --no-upload: the project "
                    + "an Orthanc bridge publishes for, orthanc.bridge.project).")
    String project;

    @Option(names = "--no-upload",
            description = "Register the models and wait: the samples arrive through another upload system, for example an "
                    + "Orthanc at orthanc.url that the pipeline's bridge watches (send them with storescu). The samples "
                    + "still tell the demo what to expect.")
    boolean noUpload;

    private boolean ownsStateFile;
    private volatile boolean demoRunning;
    private volatile boolean stopRequested;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Path> missing = samples.stream().filter(p -> !Files.exists(p)).toList();
        if (!missing.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--samples: no such file or folder: " + missing);
        }
        if (timeoutSeconds <= 0) {
            throw new ParameterException(spec.commandLine(), "--timeout must be positive, was " + timeoutSeconds);
        }
        if (noUpload && samples.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--no-upload needs --samples: the files that will arrive, so "
                    + "the demo knows what to wait for");
        }
        Path home = DevStackState.home();
        Path predictions = output != null ? output : home.resolve(".radflow").resolve("demo-predictions.jsonl");
        checkWritable(predictions);
        quietServiceLogs();
        Path work = Files.createTempDirectory("radflow-demo-");
        // The demo's content, artifacts and Streams state live in its own scratch space unless told otherwise.
        connection.defaultTo(StorageConfig.CONTENT_STORE_DIR.name(), work.resolve("content").toString());
        connection.defaultTo(StorageConfig.ARTIFACT_STORE_DIR.name(), work.resolve("artifacts").toString());
        connection.defaultTo(TriggerConfig.STATE_DIR.name(), work.resolve("trigger-state").toString());
        connection.defaultTo(RegistryConfig.STATE_DIR.name(), work.resolve("registry-state").toString());
        // Ctrl-C while the demo runs stops it in order (pipeline closed, scratch space removed), as after --keep-running.
        ShutdownLatch shutdown = new ShutdownLatch();
        Thread demoThread = Thread.currentThread();
        shutdown.whenTriggered("radflow-demo-ctrl-c", () -> {
            if (demoRunning) {
                stopRequested = true;
                demoThread.interrupt();
            }
        });
        ownsStateFile = false;
        long t0 = System.nanoTime();
        try {
            out.println("Starting the pipeline (Kafka, schema registry, registry service, trigger, worker)...");
            out.flush();
            DemoReport report;
            try (LocalPipeline pipeline = LocalPipeline.start(connection, DevStack.Options.defaults())) {
                Map<String, String> endpoints = pipeline.endpoints();
                out.printf("Pipeline up in %.1f s.%n", (System.nanoTime() - t0) / 1e9);
                out.flush();
                AutorunTriggerService trigger = pipeline.services().stream().filter(AutorunTriggerService.class::isInstance)
                        .map(AutorunTriggerService.class::cast).findFirst().orElseThrow();
                demoRunning = true;
                try {
                    report = Demo.run(new Demo.Options(pipeline.config(), URI.create(endpoints.get("registry-service.url")),
                            endpoints.get("registry-service.admin-key"), work, samples, predictions, Duration.ofSeconds(timeoutSeconds),
                            trigger::autoRunsNow, project, !noUpload), new ProgressPrinter(out));
                } catch (Exception e) {
                    // The interrupt surfaces as whatever the demo was blocked in (a poll, a sleep, a write).
                    if (!stopRequested) {
                        throw e;
                    }
                    Thread.interrupted(); // let the services close normally
                    out.println();
                    out.println("Stopped (Ctrl-C); shutting the pipeline down.");
                    out.flush();
                    return 130;
                } finally {
                    demoRunning = false;
                }
                out.println();
                out.println("Summary");
                report.summaryLines().forEach(l -> out.println("  " + l));
                out.printf("Finished in %.1f s.%n", (System.nanoTime() - t0) / 1e9);
                out.flush();
                if (keepRunning) {
                    // A ./radflow dev of this checkout keeps its place: other commands go on connecting to it.
                    boolean devRunning = DevStackState.read(home).isPresent();
                    if (!devRunning) {
                        DevStackState.write(home, endpoints);
                        ownsStateFile = true;
                    }
                    out.println();
                    out.println("Still running (--keep-running). Press Ctrl-C to stop.");
                    if (devRunning) {
                        out.println("  (./radflow dev also runs in this checkout and other commands connect to it; pass --bootstrap-servers "
                                + "and --schema-registry-url to reach the demo's stack)");
                    }
                    out.println("  Viewer:            " + endpoints.get("viewer.url") + " (API key: the admin key below)");
                    out.println("  Registry REST API: " + endpoints.get("registry-service.url"));
                    out.println("  Admin API key:     " + endpoints.get("registry-service.admin-key"));
                    out.println("  Kafka:             " + endpoints.get("kafka.bootstrap.servers"));
                    out.println("  Schema registry:   " + endpoints.get("schema.registry.url"));
                    for (ManagedService service : pipeline.services()) {
                        service.endpoints().forEach((label, value) -> {
                            if (label.contains("metrics")) {
                                out.printf("  %-18s %s%n", service.name() + " " + label + ":", value);
                            }
                        });
                    }
                    out.println("  Follow predictions: ./radflow predictions --follow");
                    out.flush();
                    shutdown.await();
                }
            }
            return report.success() ? 0 : 1;
        } finally {
            if (ownsStateFile) {
                DevStackState.clear(home);
            }
            Directories.deleteQuietly(work);
            shutdown.closed(); // last: after a Ctrl-C the JVM exits as soon as this says so
        }
    }

    /** Fails before anything starts when the predictions file cannot be written. */
    private void checkWritable(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--output: cannot create " + parent + " (" + e.getMessage() + ")");
        }
        if (Files.isDirectory(file) || !Files.isWritable(parent) || (Files.exists(file) && !Files.isWritable(file))) {
            throw new ParameterException(spec.commandLine(), "--output: cannot write " + file);
        }
    }

    /** The demo's own lines tell the story; service logs stay at WARN unless RADFLOW_LOG_LEVEL says otherwise. */
    private static void quietServiceLogs() {
        if (System.getenv("RADFLOW_LOG_LEVEL") != null) {
            return;
        }
        setLevel("io.radflow", ch.qos.logback.classic.Level.WARN);
        // Kafka 4.3.1 builds an internal StreamsConfig without our processing.exception.handler.global.enabled=true
        // and warns that it is off; both apps set it (TriggerStreamsConfig, RegistryService).
        setLevel("org.apache.kafka.streams.StreamsConfig", ch.qos.logback.classic.Level.ERROR);
        // The demo keeps Streams state in its scratch directory under the OS temp folder on purpose: it is thrown away.
        setLevel("org.apache.kafka.streams.processor.internals.StateDirectory", ch.qos.logback.classic.Level.ERROR);
    }

    private static void setLevel(String loggerName, ch.qos.logback.classic.Level level) {
        if (LoggerFactory.getLogger(loggerName) instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(level);
        }
    }

    /** Prints the demo's stages, and one progress line whenever the pipeline moved (at most every second). */
    private static final class ProgressPrinter implements Demo.Listener {

        private final PrintWriter out;
        private final boolean terminal = System.console() != null;
        private String last = "";
        private long lastPrinted;

        ProgressPrinter(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void stage(String message) {
            endLine();
            out.println(message);
            out.flush();
        }

        @Override
        public void progress(PipelineWatcher.Snapshot s, Map<Scope, Integer> expected) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  uploads %d instances + %d markers | jobs done",
                    s.instancesUploaded(), s.markers()));
            for (Scope scope : Scope.values()) {
                line.append(String.format(Locale.ROOT, " %s %d/%d", scope.name().toLowerCase(Locale.ROOT),
                        s.jobsDone().getOrDefault(scope, 0), expected.getOrDefault(scope, 0)));
            }
            line.append(String.format(Locale.ROOT, " | predictions %d | dead letters %d", s.predictions(), s.deadLetters()));
            String text = line.toString();
            long now = System.nanoTime();
            if (text.equals(last) || now - lastPrinted < 1_000_000_000L && !complete(s, expected)) {
                return;
            }
            last = text;
            lastPrinted = now;
            if (terminal) {
                out.print("\r" + text);
            } else {
                out.println(text);
            }
            out.flush();
        }

        private static boolean complete(PipelineWatcher.Snapshot s, Map<Scope, Integer> expected) {
            return expected.entrySet().stream().allMatch(e -> s.jobsDone().getOrDefault(e.getKey(), 0) >= e.getValue());
        }

        private void endLine() {
            if (terminal && !last.isEmpty()) {
                out.println();
                last = "";
            }
        }
    }
}

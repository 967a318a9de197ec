package io.radflow.worker.runtime.mdai;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.worker.runtime.Deadline;
import io.radflow.worker.runtime.ModelKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's protocol spoken directly: what the worker never sends must still be refused. */
class RunnerProcessTest {

    @TempDir
    Path dir;

    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    private RunnerProcess runner;
    private Path data;

    @BeforeEach
    void start() throws Exception {
        Path runnerDir = MdaiRuntime.extractRunner(dir.resolve("runner"));
        Path root = PackageUnpacker.findRoot(Path.of(TestPackages.source("intensity").toString()));
        data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("secret.txt"), "not for models");
        runner = RunnerProcess.start(new ModelKey("runner-test", 1),
                MdaiRuntime.runnerCommand("/usr/bin/python3", root, data, "none"), root,
                Map.of("PYTHONPATH", MdaiRuntime.pythonPath(runnerDir, null)),
                Duration.ofSeconds(60), watchdog).process();
    }

    @AfterEach
    void stop() {
        runner.close();
        watchdog.shutdownNow();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> unit(String contentPath) {
        Map<String, Object> file = new java.util.HashMap<>();
        file.put("content", null);
        file.put("content_path", contentPath);
        file.put("content_type", "application/dicom");
        Map<String, Object> message = Map.of("kind", "predict", "grouped", false, "data", Map.of("input_data_source", "DISK",
                "files", List.of(file), "annotations", List.of(), "label_classes", List.of(), "args", Map.of()));
        Map<String, Object> answer = runner.call(Msgpack.pack(message), Deadline.after(Duration.ofSeconds(60)));
        return (Map<String, Object>) ((List<?>) answer.get("units")).get(0);
    }

    @Test
    void shouldRefuseContentPathsThatLeaveTheDataDirectory() {
        for (String escape : List.of("../secret.txt", "a/../../secret.txt", "..")) {
            Map<String, Object> unit = unit(escape);
            assertThat(unit.get("ok")).as(escape).isEqualTo(false);
            assertThat(unit.get("error")).isEqualTo("bad_request");
            assertThat((String) unit.get("message")).contains("leaves the data directory");
        }
        assertThat(runner.alive()).isTrue();
    }

    @Test
    void shouldResolveContentPathsInsideTheDataDirectory() throws Exception {
        Path file = Files.createDirectories(data.resolve("call-1/g0")).resolve("f0.dcm");
        Files.copy(MdaiRuntimeTest.DICOM.resolve("MR_small.dcm"), file);
        // A leading slash is relative to the data directory too, as on MD.ai.
        for (String path : List.of("call-1/g0/f0.dcm", "/call-1/g0/f0.dcm")) {
            Map<String, Object> unit = unit(path);
            assertThat(unit.get("ok")).as(path + ": " + unit.get("message")).isEqualTo(true);
            assertThat((List<?>) unit.get("outputs")).hasSize(5);
        }
    }

    @Test
    void shouldFailACallPastItsDeadlineByKillingTheProcess() {
        byte[] message = Msgpack.pack(Map.of("kind", "predict", "grouped", false, "data", Map.of("files", List.of())));
        // A deadline already passed: the watchdog kills the process before or while it answers.
        RadflowException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> {
                    for (int i = 0; i < 1000; i++) {
                        runner.call(message, Deadline.after(Duration.ZERO));
                    }
                }, RadflowException.class);
        assertThat(e.reason()).isIn(Reason.MODEL_TIMEOUT, Reason.RUNTIME_CRASHED);
        assertThat(runner.alive()).isFalse();
    }

    @Test
    void shouldExtractEveryModuleOfTheRunnerPackageOnceForAllRuntimes() throws Exception {
        // The jar's directory cannot be listed at run time: the module list must name every module.
        Path resources = Path.of(MdaiRuntime.class.getResource(MdaiRuntime.RUNNER + "/__main__.py").toURI()).getParent();
        try (java.util.stream.Stream<Path> files = Files.list(resources)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".py")))
                    .containsExactlyInAnyOrderElementsOf(MdaiRuntime.RUNNER_MODULES);
        }
        Path first = MdaiRuntime.extractRunner(dir.resolve("shared"));
        Path second = MdaiRuntime.extractRunner(dir.resolve("shared"));
        assertThat(second).isEqualTo(first);
        for (String module : MdaiRuntime.RUNNER_MODULES) {
            assertThat(first.resolve(MdaiRuntime.RUNNER).resolve(module)).hasSameBinaryContentAs(resources.resolve(module));
        }
        try (java.util.stream.Stream<Path> left = Files.list(dir.resolve("shared"))) {
            assertThat(left).containsExactly(first); // no temporary directory left behind
        }
    }
}

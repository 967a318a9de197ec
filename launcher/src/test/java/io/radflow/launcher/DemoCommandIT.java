package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.dicom.DicomAttributes;
import io.radflow.dicom.DicomReadException;
import io.radflow.dicom.DicomReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./radflow demo} end to end, as a user runs it: a separate JVM, exit code, summary, and
 * the predictions file checked against the samples' structure, which the test reads itself.
 */
class DemoCommandIT {

    private static final Path PYDICOM_TREE = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files/dicomdirtests");
    private static final Path PHANTOM = Path.of("..", "demo", "src", "main", "resources", "io", "radflow", "demo", "dicom", "phantom");

    @TempDir
    Path home;

    @Test
    void shouldProducePredictionsForEverySampleStudyAtEveryScopeAndExit0() throws Exception {
        Path output = home.resolve("predictions.jsonl");
        try (LauncherProcess demo = LauncherProcess.start(home, "demo", "--output", output.toString(), "--timeout", "400")) {
            int exit = demo.waitFor(Duration.ofMinutes(9));
            assertThat(exit).as("exit code; stdout:\n%s\nstderr:\n%s", String.join("\n", demo.stdout()),
                    String.join("\n", demo.stderr())).isZero();
            assertThat(demo.stdout()).anyMatch(l -> l.contains("Every study has predictions at every scope"));
            assertThat(demo.stdout()).anyMatch(l -> l.contains("Dead letters: 0"));
            assertThat(demo.stdout()).anyMatch(l -> l.matches(".*Upload to prediction: p50 \\d+ ms, p95 \\d+ ms.*"));
        }

        Map<String, Set<String>> seriesByStudy = expectedStructure();
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> predictions = new ArrayList<>();
        for (String line : Files.readAllLines(output)) {
            predictions.add(json.readTree(line));
        }
        // Which bundled model covered which study (model ids are generated: tell them apart by label).
        Map<String, Set<String>> labelsByStudy = new TreeMap<>();
        Map<String, Integer> predictionsById = new HashMap<>();
        for (JsonNode p : predictions) {
            labelsByStudy.computeIfAbsent(p.get("studyInstanceUid").asText(), s -> new TreeSet<>()).add(p.get("labelId").asText());
            predictionsById.merge(p.get("predictionId").asText(), 1, Integer::sum);
            assertThat(p.get("type").asText()).isEqualTo("ANNOTATION");
            assertThat(seriesByStudy).containsKey(p.get("studyInstanceUid").asText());
        }
        assertThat(predictionsById.values()).as("each prediction once").allMatch(n -> n == 1);
        for (String study : seriesByStudy.keySet()) {
            Set<String> labels = labelsByStudy.getOrDefault(study, Set.of());
            assertThat(labels).as("study " + study + ": instance scope (brightness)").containsAnyOf("L_dark", "L_bright");
            assertThat(labels).as("study " + study + ": series scope (series-contrast)").contains("L_high_contrast", "L_brightest");
            assertThat(labels).as("study " + study + ": study scope (study-triage)").containsAnyOf("L_single_series", "L_multi_series");
        }
        long instancePredictions = predictions.stream().filter(p -> p.get("labelId").asText().matches("L_dark|L_bright")).count();
        long seriesPredictions = predictions.stream().filter(p -> p.get("labelId").asText().equals("L_high_contrast")).count();
        long studyPredictions = predictions.stream().filter(p -> p.get("labelId").asText().matches("L_single_series|L_multi_series")).count();
        assertThat(studyPredictions).isEqualTo(seriesByStudy.size());
        assertThat(seriesPredictions).isEqualTo(seriesByStudy.values().stream().mapToInt(Set::size).sum());
        assertThat(instancePredictions).as("one brightness class per instance").isEqualTo(countInstances());
        // Multi-series studies are the ones with more than one series UID.
        for (JsonNode p : predictions) {
            if (p.get("labelId").asText().matches("L_single_series|L_multi_series")) {
                boolean multi = seriesByStudy.get(p.get("studyInstanceUid").asText()).size() > 1;
                assertThat(p.get("labelId").asText()).isEqualTo(multi ? "L_multi_series" : "L_single_series");
            }
        }
    }

    @Test
    void shouldKeepRunningWithItsEndpointsPrintedUntilStopped() throws Exception {
        Path output = home.resolve("kept.jsonl");
        // The phantom study again as --samples: uploaded twice, it must still give one job per instance.
        try (LauncherProcess demo = LauncherProcess.start(home, "demo", "--keep-running", "--output", output.toString(),
                "--samples", PHANTOM.toString(), "--timeout", "400")) {
            demo.awaitStdout(l -> l.contains("Press Ctrl-C to stop"), Duration.ofMinutes(9));
            assertThat(demo.stdout()).anyMatch(l -> l.contains("Jobs instance    10 of 10 expected, 10 finished"));
            String restUrl = valueAfter(demo, "Registry REST API:");
            String adminKey = valueAfter(demo, "Admin API key:");
            String metricsUrl = valueAfter(demo, "inference-worker metrics:").split(" ")[0];

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> projects = http.send(HttpRequest.newBuilder(URI.create(restUrl + "/projects"))
                    .header("Authorization", "Bearer " + adminKey).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(projects.statusCode()).isEqualTo(200);
            assertThat(projects.body()).contains("radflow-demo-");
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(metricsUrl)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("radflow_worker_jobs");

            // A second process finds the kept stack without options and reads the same predictions.
            String project = new ObjectMapper().readTree(Files.readAllLines(output).get(0)).get("projectId").asText();
            try (LauncherProcess predictions = LauncherProcess.start(home, "predictions", "--project", project)) {
                assertThat(predictions.waitFor(Duration.ofMinutes(2))).isZero();
                assertThat(predictions.stdout()).hasSameSizeAs(Files.readAllLines(output));
            }
            assertThat(demo.terminate(Duration.ofMinutes(1))).isIn(0, 143);
        }
    }

    @Test
    void shouldStopInOrderOnCtrlCAndLeaveNoScratchSpaceBehind() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> before = scratchDirs(tmp);
        try (LauncherProcess demo = LauncherProcess.start(home, "demo", "--output", home.resolve("stopped.jsonl").toString(),
                "--samples", PHANTOM.toString())) {
            demo.awaitStdout(l -> l.startsWith("Uploading "), Duration.ofMinutes(5));
            int exit = demo.terminate(Duration.ofSeconds(60));
            assertThat(exit).as("SIGTERM, as Ctrl-C or Kubernetes sends it; stderr:\n%s", String.join("\n", demo.stderr()))
                    .isEqualTo(143);
            // The output pump may still be reading the last lines of the process that just ended.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (demo.stdout().stream().noneMatch(l -> l.startsWith("Stopped")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(demo.stdout()).as("stderr:\n%s", String.join("\n", demo.stderr()))
                    .anyMatch(l -> l.contains("Stopped (Ctrl-C); shutting the pipeline down."));
        }
        Set<Path> left = scratchDirs(tmp);
        left.removeAll(before);
        assertThat(left).as("the demo's scratch space (content, artifacts, Streams state)").isEmpty();
    }

    private static Set<Path> scratchDirs(Path tmp) throws Exception {
        try (Stream<Path> dirs = Files.list(tmp)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("radflow-demo-")).collect(java.util.stream.Collectors.toSet());
        }
    }

    private static String valueAfter(LauncherProcess process, String label) throws InterruptedException {
        String line = process.awaitStdout(l -> l.contains(label), Duration.ofSeconds(5));
        return line.substring(line.indexOf(label) + label.length()).trim();
    }

    /** Study UID -> series UIDs of the samples the demo uploads, read here independently of the demo. */
    private static Map<String, Set<String>> expectedStructure() throws Exception {
        Map<String, Set<String>> structure = new TreeMap<>();
        for (Path f : sampleFiles()) {
            DicomAttributes a = DicomReader.headerOnly().read(f).attributes();
            structure.computeIfAbsent(a.studyInstanceUid(), s -> new TreeSet<>()).add(a.seriesInstanceUid());
        }
        return structure;
    }

    private static int countInstances() throws Exception {
        return sampleFiles().size();
    }

    private static List<Path> sampleFiles() throws Exception {
        List<Path> roots = new ArrayList<>(List.of(PHANTOM));
        if (Files.isDirectory(PYDICOM_TREE)) {
            for (String patient : List.of("77654033", "98892001", "98892003")) {
                roots.add(PYDICOM_TREE.resolve(patient));
            }
        }
        List<Path> files = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                    try {
                        if (DicomReader.headerOnly().read(f).attributes().identifiesInstance()) {
                            files.add(f);
                        }
                    } catch (DicomReadException e) {
                        // INDEX and other non-DICOM files
                    }
                }
            }
        }
        return files;
    }
}

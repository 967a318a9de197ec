package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.testsupport.OrthancServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mixed study of {@link MixedStudyIT} through a real Orthanc, as a hospital sends it: the
 * files go in by DICOM C-STORE (dcmtk's storescu), the pipeline's Orthanc bridge turns Orthanc's
 * change feed into upload events, and the worker fetches every instance's bytes from Orthanc's
 * REST API. The demo registers its models in the project the bridge publishes for and waits.
 */
class OrthancPipelineIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void shouldPredictEveryImageSentToOrthancWithStorescu() throws Exception {
        MixedStudy study = MixedStudy.generate(work.resolve("study"));
        List<Path> files;
        try (Stream<Path> list = Files.list(study.dir())) {
            files = list.filter(f -> f.toString().endsWith(".dcm")).sorted().toList();
        }

        String project = "orthanc-it-" + UUID.randomUUID().toString().substring(0, 8);
        Path output = work.resolve("predictions.jsonl");
        try (OrthancServer orthanc = OrthancServer.start(1)) {
            Map<String, String> env = Map.of(
                    "RADFLOW_ORTHANC_URL", orthanc.url().toString(),
                    "RADFLOW_ORTHANC_BASIC_AUTH", OrthancServer.basicAuth(),
                    "RADFLOW_ORTHANC_BRIDGE_PROJECT", project,
                    "RADFLOW_ORTHANC_BRIDGE_POLL_INTERVAL", "200ms");
            try (LauncherProcess demo = LauncherProcess.start(work, env, "demo", "--project", project, "--no-upload",
                    "--samples", study.dir().toString(), "--output", output.toString(), "--timeout", "400")) {
                demo.awaitStdout(l -> l.contains("through another upload system"), Duration.ofMinutes(5));
                orthanc.storescu(files);
                int exit = demo.waitFor(Duration.ofMinutes(9));
                assertThat(exit).as("exit code; stdout:\n%s\nstderr:\n%s\nOrthanc:\n%s", String.join("\n", demo.stdout()),
                        String.join("\n", demo.stderr()), orthanc.log()).isZero();
                assertThat(demo.stdout()).anyMatch(l -> l.contains("Dead letters: 0"));
            }
        }

        List<JsonNode> predictions = new ArrayList<>();
        for (String line : Files.readAllLines(output)) {
            predictions.add(JSON.readTree(line));
        }
        assertThat(predictions).allSatisfy(p -> {
            assertThat(p.get("projectId").asText()).isEqualTo(project);
            assertThat(p.get("datasetId").asText()).as("published by the Orthanc bridge").isEqualTo("orthanc");
        });
        Set<String> predictedImages = new HashSet<>();
        Set<String> predictedSeries = new HashSet<>();
        long studyPredictions = 0;
        for (JsonNode p : predictions) {
            String label = p.get("labelId").asText();
            if (label.matches("L_dark|L_bright")) {
                predictedImages.add(p.get("sopInstanceUid").asText());
            } else if (label.equals("L_high_contrast")) {
                predictedSeries.add(p.get("seriesInstanceUid").asText());
            } else if (label.matches("L_single_series|L_multi_series")) {
                studyPredictions++;
            }
        }
        assertThat(predictedImages).containsExactlyInAnyOrderElementsOf(study.images());
        assertThat(predictedSeries).containsExactlyInAnyOrderElementsOf(study.imageSeries());
        assertThat(studyPredictions).isGreaterThanOrEqualTo(1);
    }
}

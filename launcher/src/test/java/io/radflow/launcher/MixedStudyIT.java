package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A study as a hospital's PACS holds it, through the whole pipeline: every transfer syntax and
 * colour model the worker decodes, multi-frame images, and objects without pixels (SR, SEG, KO,
 * RT plan), built from pydicom's files with fresh UIDs by {@code make_mixed_study.py}. The demo's
 * models run on it at every scope: the ONNX classifier per instance (pixels decoded in Java,
 * compressed ones by GDCM in codec processes) and the MD.ai packages per series and per study
 * (pixels decoded by pydicom with GDCM), beside the demo's own phantom study. Every image gets its prediction, nothing is
 * dead-lettered, non-image series get no job and the study's job lists only images.
 */
class MixedStudyIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    private static MixedStudy study;

    @BeforeAll
    static void buildStudy() throws Exception {
        study = MixedStudy.generate(work.resolve("study"));
    }

    @Test
    void shouldPredictEveryImageOfEverySyntaxAndLeaveObjectsWithoutPixelsOut() throws Exception {
        Path output = work.resolve("predictions.jsonl");
        try (LauncherProcess demo = LauncherProcess.start(work, "demo", "--samples", study.dir().toString(),
                "--output", output.toString(), "--timeout", "400")) {
            int exit = demo.waitFor(Duration.ofMinutes(9));
            assertThat(exit).as("exit code; stdout:\n%s\nstderr:\n%s", String.join("\n", demo.stdout()),
                    String.join("\n", demo.stderr())).isZero();
            assertThat(demo.stdout()).anyMatch(l -> l.contains("Dead letters: 0"));
        }

        Set<String> images = study.images();
        Set<String> imageSeries = study.imageSeries();
        assertThat(study.transferSyntaxes()).as("the study holds every syntax the issue names").contains(
                "1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99",
                "1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.70",
                "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91");

        List<JsonNode> predictions = new ArrayList<>();
        for (String line : Files.readAllLines(output)) {
            predictions.add(JSON.readTree(line));
        }
        Map<String, Integer> instancePredictions = new HashMap<>();
        Set<String> seriesWithPredictions = new HashSet<>();
        int studyPredictions = 0;
        for (JsonNode p : predictions) {
            if (!p.get("studyInstanceUid").asText().equals(study.studyUid())) {
                continue; // the demo's own phantom study
            }
            String label = p.get("labelId").asText();
            if (label.matches("L_dark|L_bright")) {
                instancePredictions.merge(p.get("sopInstanceUid").asText(), 1, Integer::sum);
            } else if (label.equals("L_high_contrast")) {
                seriesWithPredictions.add(p.get("seriesInstanceUid").asText());
            } else if (label.matches("L_single_series|L_multi_series")) {
                studyPredictions++;
                assertThat(label).as("the study holds several image series").isEqualTo("L_multi_series");
                assertThat(p.get("note").asText()).as("the study job lists only its images")
                        .contains(imageSeries.size() + " series, " + images.size() + " instances");
            }
        }
        assertThat(instancePredictions.keySet()).as("an instance prediction for every image, whatever its syntax")
                .containsExactlyInAnyOrderElementsOf(images);
        assertThat(instancePredictions.values()).as("one classification per image, multi-frame ones included")
                .allMatch(n -> n == 1);
        assertThat(instancePredictions.keySet()).doesNotContainAnyElementsOf(study.others());
        assertThat(seriesWithPredictions).as("a series job for every image series, none for SR/SEG/KO/RT series")
                .containsExactlyInAnyOrderElementsOf(imageSeries);
        assertThat(studyPredictions).isEqualTo(1);
    }

    @Test
    void shouldFailOnlyTheImageNoCodecDecodesAndSayWhy() throws Exception {
        Path generated = work.resolve("with-undecodable");
        MixedStudy.generate(generated, "--undecodable");
        Path samples = Files.createDirectories(work.resolve("undecodable"));
        Files.move(generated.resolve("undecodable-mpeg4.dcm"), samples.resolve("undecodable-mpeg4.dcm"));
        Path output = work.resolve("undecodable.jsonl");
        try (LauncherProcess demo = LauncherProcess.start(work, "demo", "--samples", samples.toString(),
                "--output", output.toString(), "--timeout", "400")) {
            int exit = demo.waitFor(Duration.ofMinutes(9));
            String all = String.join("\n", demo.stdout());
            assertThat(exit).as("exit code; stdout:\n%s\nstderr:\n%s", all, String.join("\n", demo.stderr())).isEqualTo(1);
            // The ONNX model's instance job fails with the reason naming the syntax; the MD.ai series package
            // fails in pydicom, which has no MPEG-4 decoder either; the study package reads headers only and
            // succeeds; the demo's phantom study beside it is untouched.
            assertThat(demo.stdout()).anyMatch(l -> l.contains("Dead letters: 2"));
            assertThat(demo.stdout()).anyMatch(l -> l.contains("UNSUPPORTED_TRANSFER_SYNTAX") && l.contains("1.2.840.10008.1.2.4.102"));
        }
        long phantomInstancePredictions = Files.readAllLines(output).stream().map(MixedStudyIT::json)
                .filter(p -> p.get("labelId").asText().matches("L_dark|L_bright")).count();
        assertThat(phantomInstancePredictions).as("the phantom's 10 instances").isEqualTo(10);
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

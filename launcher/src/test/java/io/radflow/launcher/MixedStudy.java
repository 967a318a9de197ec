package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The study {@code make_mixed_study.py} builds from pydicom's files (every transfer syntax and
 * colour model, multi-frame images, SR/SEG/KO/RT plan), as its index describes it.
 *
 * @param images      SOP instance UIDs of the images (what image models take)
 * @param imageSeries series holding at least one image
 * @param others      SOP instance UIDs of the objects image models never get
 */
record MixedStudy(Path dir, String studyUid, Set<String> images, Set<String> imageSeries, Set<String> others,
                  Set<String> transferSyntaxes) {

    /** Runs the generator into {@code dir} ({@code --undecodable} adds a second study); describes the first study. */
    static MixedStudy generate(Path dir, String... flags) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(dir.toString()));
        args.addAll(List.of(flags));
        TestDataScript.run("make_mixed_study.py", Duration.ofMinutes(2), args.toArray(String[]::new));
        JsonNode study = new ObjectMapper().readTree(dir.resolve("index.json").toFile()).get("studies").get(0);
        Set<String> images = new HashSet<>();
        Set<String> imageSeries = new HashSet<>();
        Set<String> others = new HashSet<>();
        Set<String> syntaxes = new HashSet<>();
        for (JsonNode f : study.get("files")) {
            if (f.get("image").asBoolean()) {
                images.add(f.get("sopInstanceUid").asText());
                imageSeries.add(f.get("seriesInstanceUid").asText());
                syntaxes.add(f.get("transferSyntax").asText());
            } else {
                others.add(f.get("sopInstanceUid").asText());
            }
        }
        return new MixedStudy(dir, study.get("studyInstanceUid").asText(), Set.copyOf(images), Set.copyOf(imageSeries),
                Set.copyOf(others), Set.copyOf(syntaxes));
    }
}

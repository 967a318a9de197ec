package io.radflow.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;

/**
 * Many small single-series studies for load and failure tests, written by {@code
 * make_load_studies.py} (copies of pydicom's CT_small.dcm with fresh UIDs).
 */
record LoadStudies(Path dir, List<Study> studies) {

    record Study(String studyUid, String seriesUid, List<String> sopUids) {
    }

    static LoadStudies generate(Path dir, int studies, int instancesPerStudy) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        TestDataScript.run("make_load_studies.py", Duration.ofMinutes(5), dir.toString(), Integer.toString(studies),
                Integer.toString(instancesPerStudy));
        List<Study> out = new ArrayList<>();
        for (JsonNode s : new ObjectMapper().readTree(dir.resolve("index.json").toFile()).get("studies")) {
            List<String> sops = new ArrayList<>();
            s.get("sopInstanceUids").forEach(u -> sops.add(u.asText()));
            out.add(new Study(s.get("studyInstanceUid").asText(), s.get("seriesInstanceUid").asText(), List.copyOf(sops)));
        }
        return new LoadStudies(dir, List.copyOf(out));
    }

    /** Several sets of studies as one, for an audit over all of them. */
    static LoadStudies combined(Path dir, List<LoadStudies> parts) {
        return new LoadStudies(dir, parts.stream().flatMap(p -> p.studies().stream()).toList());
    }

    int instances() {
        return studies.stream().mapToInt(s -> s.sopUids().size()).sum();
    }
}

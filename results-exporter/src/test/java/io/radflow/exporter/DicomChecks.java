package io.radflow.exporter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Checks of exported objects by software nobody here wrote: dciodvfy (dicom3tools) and pydicom. */
final class DicomChecks {

    static final Path PYDICOM_FILES = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

    private DicomChecks() {
    }

    /** dciodvfy's error lines for the file (empty when it passes); its warnings are printed. */
    static List<String> dciodvfyErrors(Path file) throws IOException, InterruptedException {
        String out = run(List.of("dciodvfy", file.toString()), true);
        List<String> lines = out.lines().toList();
        lines.stream().filter(l -> l.startsWith("Warning")).forEach(l -> System.out.println("dciodvfy " + file.getFileName() + ": " + l));
        return lines.stream().filter(l -> l.startsWith("Error")).toList();
    }

    /** What pydicom reads from the file (see dicom_summary.py). */
    static JsonNode pydicom(Path file) throws IOException, InterruptedException {
        Path script = Files.createTempFile("dicom_summary", ".py");
        try (InputStream in = DicomChecks.class.getResourceAsStream("/dicom_summary.py")) {
            Files.write(script, in.readAllBytes());
        }
        try {
            return new ObjectMapper().readTree(run(List.of("/usr/bin/python3", script.toString(), file.toString()), false));
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static String run(List<String> command, boolean mergeErrors) throws IOException, InterruptedException {
        Path err = Files.createTempFile("check", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            if (mergeErrors) {
                pb.redirectErrorStream(true);
            } else {
                pb.redirectError(err.toFile());
            }
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in 60 s");
            }
            if (!mergeErrors && p.exitValue() != 0) {
                throw new IllegalStateException(command + " failed: " + Files.readString(err));
            }
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }
}

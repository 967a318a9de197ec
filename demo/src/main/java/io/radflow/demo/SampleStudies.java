package io.radflow.demo;

import io.radflow.dicom.DicomAttributes;
import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReadException;
import io.radflow.dicom.DicomReader;
import io.radflow.dicom.SopClasses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The DICOM files the demo uploads, and the study/series structure they have. Sources: the bundled
 * phantom study (always), and three patients of pydicom's {@code dicomdirtests} tree when the
 * Debian package python3-pydicom is installed (real files nobody here wrote: CR, CT and MR
 * studies, several series each).
 */
public final class SampleStudies {

    static final Path PYDICOM_TREE = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files/dicomdirtests");
    // TINY_ALPHA holds instances without pixel data: no image model could run on them.
    static final List<String> PYDICOM_PATIENTS = List.of("77654033", "98892001", "98892003");

    /** Studies by UID, each with its series by UID and their instance counts. */
    public record Structure(Map<String, Map<String, Integer>> studies) {

        public int instances() {
            return studies.values().stream().flatMap(s -> s.values().stream()).mapToInt(Integer::intValue).sum();
        }

        public int series() {
            return studies.values().stream().mapToInt(Map::size).sum();
        }
    }

    /** What to upload and what it contains. */
    record Samples(List<Path> paths, List<String> sources, Structure structure) {
    }

    private SampleStudies() {
    }

    /**
     * @param workDir  where the bundled study is written
     * @param extra    files or folders the user asked for (replace the pydicom tree when given)
     */
    static Samples collect(Path workDir, List<Path> extra) {
        return collect(workDir, extra, true);
    }

    /**
     * @param bundled false: only {@code extra}, for samples sent in by another upload system, which
     *                cannot know the bundled study
     */
    static Samples collect(Path workDir, List<Path> extra, boolean bundled) {
        if (!bundled) {
            if (extra.isEmpty()) {
                throw new IllegalArgumentException("without the demo's own upload, --samples must name what will arrive");
            }
            return new Samples(List.copyOf(extra), List.of("your files: " + extra), structureOf(extra));
        }
        List<Path> paths = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        paths.add(extractPhantom(workDir.resolve("phantom")));
        sources.add("bundled phantom CT study");
        if (!extra.isEmpty()) {
            paths.addAll(extra);
            sources.add("your files: " + extra);
        } else if (Files.isDirectory(PYDICOM_TREE)) {
            PYDICOM_PATIENTS.stream().map(PYDICOM_TREE::resolve).filter(Files::isDirectory).forEach(paths::add);
            sources.add("pydicom's dicomdirtests (patients " + String.join(", ", PYDICOM_PATIENTS) + ")");
        } else {
            sources.add("pydicom's test files are not installed (apt-get install python3-pydicom); bundled study only");
        }
        return new Samples(List.copyOf(paths), List.copyOf(sources), structureOf(paths));
    }

    private static Path extractPhantom(Path dir) {
        try {
            Files.createDirectories(dir);
            String index = new String(DemoModels.resource("/io/radflow/demo/dicom/phantom/INDEX"), StandardCharsets.UTF_8);
            for (String name : index.lines().filter(l -> !l.isBlank()).toList()) {
                Files.write(dir.resolve(name), DemoModels.resource("/io/radflow/demo/dicom/phantom/" + name));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the bundled study to " + dir, e);
        }
    }

    /**
     * The images the uploader will publish, by study and series: every readable DICOM instance an
     * image model can take (objects without pixels, segmentations and the like get no job).
     */
    static Structure structureOf(List<Path> paths) {
        Map<String, Map<String, Integer>> studies = new TreeMap<>();
        Map<String, Boolean> seen = new TreeMap<>();
        for (Path root : paths) {
            try (Stream<Path> files = Files.isDirectory(root) ? Files.walk(root) : Stream.of(root)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    DicomFile file;
                    try {
                        file = DicomReader.headerOnly().read(f);
                    } catch (DicomReadException e) {
                        continue;
                    }
                    DicomAttributes a = file.attributes();
                    if (a.identifiesInstance() && SopClasses.isImage(a.sopClassUid(), file.containsPixelData())
                            && seen.putIfAbsent(a.sopInstanceUid(), true) == null) {
                        studies.computeIfAbsent(a.studyInstanceUid(), s -> new TreeMap<>()).merge(a.seriesInstanceUid(), 1, Integer::sum);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + root, e);
            }
        }
        return new Structure(studies);
    }
}

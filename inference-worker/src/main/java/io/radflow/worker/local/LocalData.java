package io.radflow.worker.local;

import io.radflow.common.error.RadflowException;
import io.radflow.dicom.DicomAttributes;
import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReader;
import io.radflow.schemas.avro.Scope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The DICOM files under a data path, grouped as a model version's scope groups a job: one group
 * per instance, series or study. Files that are not DICOM, lack the UIDs that place them, or hold
 * no pixels (SR, KO, PR...) are skipped, and counted.
 *
 * @param groups  in the order their first file comes in the sorted walk; files in a group by series, instance number, path
 * @param skipped each skipped file with why
 */
public record LocalData(List<Group> groups, List<String> skipped, int files) {

    /** One instance found: where it is and the UIDs its header gives. */
    public record Instance(Path path, String studyUid, String seriesUid, String instanceUid, Integer instanceNumber) {
    }

    /** What one request runs on. */
    public record Group(String uid, List<Instance> instances) {
    }

    public static LocalData scan(Path dataPath, Scope scope) {
        if (!Files.exists(dataPath)) {
            throw new LocalRunException(dataPath + " does not exist");
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dataPath)) {
            paths = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new LocalRunException("cannot list " + dataPath + ": " + e.getMessage());
        }
        Map<String, List<Instance>> groups = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        int files = 0;
        for (Path p : paths) {
            DicomFile dicom;
            try {
                dicom = DicomReader.headerOnly().read(p);
            } catch (RadflowException | UncheckedIOException e) {
                skipped.add(p + ": not DICOM (" + e.getMessage() + ")");
                continue;
            }
            DicomAttributes a = dicom.attributes();
            if (!a.identifiesInstance()) {
                skipped.add(p + ": lacks a study, series or SOP instance UID");
                continue;
            }
            if (!dicom.containsPixelData()) {
                skipped.add(p + ": holds no pixels (" + a.modality() + ")");
                continue;
            }
            files++;
            Instance i = new Instance(p, a.studyInstanceUid(), a.seriesInstanceUid(), a.sopInstanceUid(), a.instanceNumber());
            String key = switch (scope) {
                case INSTANCE -> i.instanceUid();
                case SERIES -> i.seriesUid();
                case STUDY -> i.studyUid();
            };
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        if (groups.isEmpty()) {
            throw new LocalRunException("no DICOM image under " + dataPath + (skipped.isEmpty() ? " (no files)"
                    : " (" + skipped.size() + " file(s) skipped, first: " + skipped.get(0) + ")"));
        }
        Comparator<Instance> order = Comparator.comparing(Instance::seriesUid)
                .thenComparing(i -> i.instanceNumber() == null ? Integer.MAX_VALUE : i.instanceNumber())
                .thenComparing(Instance::path);
        List<Group> out = new ArrayList<>();
        groups.forEach((uid, instances) -> {
            List<Instance> sorted = new ArrayList<>(instances);
            sorted.sort(order);
            // The same instance twice (a copy of a file) would be one instance sent twice: keep the first.
            Map<String, Instance> unique = new LinkedHashMap<>();
            for (Instance i : sorted) {
                if (unique.putIfAbsent(i.instanceUid(), i) != null) {
                    skipped.add(i.path() + ": the same SOP instance as " + unique.get(i.instanceUid()).path());
                }
            }
            out.add(new Group(uid, List.copyOf(unique.values())));
        });
        return new LocalData(List.copyOf(out), List.copyOf(skipped), files);
    }
}

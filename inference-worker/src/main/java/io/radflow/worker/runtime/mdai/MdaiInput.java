package io.radflow.worker.runtime.mdai;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.common.io.Directories;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.worker.runtime.ModelFile;
import io.radflow.worker.runtime.ModelOutput;
import io.radflow.worker.runtime.ModelRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the {@code data} of one call in MD.ai's input shape: {@code files} (a flat list, or one
 * group per request when the version batches), {@code annotations}, {@code label_classes},
 * {@code args} and {@code input_data_source}. With source DISK the files are written under the
 * call's own directory and referenced by {@code content_path} relative to the data directory;
 * {@link #close()} removes them whatever the outcome.
 */
final class MdaiInput implements AutoCloseable {

    static final String MEMORY = "MEMORY";
    static final String DISK = "DISK";

    private final Map<String, Object> data = new LinkedHashMap<>();
    private final List<Object> groupAnnotations = new ArrayList<>();
    private final Path callDir;
    private final MdaiThumbnails thumbnails;

    private MdaiInput(Path callDir, MdaiThumbnails thumbnails) {
        this.callDir = callDir;
        this.thumbnails = thumbnails;
    }

    /**
     * @param grouped     MD.ai 0.4 batch form: {@code files} is a list of groups, one per request
     * @param dataDir     the runner's data directory
     * @param callId      names this call's directory under {@code dataDir} when the files go to disk
     * @param thumbnails  renders each frame as an image with its DICOM tags (input type thumbnail); null: the DICOM files as stored
     */
    static MdaiInput of(List<ModelRequest> requests, boolean grouped, long diskThresholdBytes, Path dataDir, String callId,
                        MdaiThumbnails thumbnails) {
        long bytes = requests.stream().flatMap(r -> r.files().stream()).mapToLong(f -> f.content().length).sum();
        boolean disk = bytes > diskThresholdBytes;
        MdaiInput input = new MdaiInput(disk ? dataDir.resolve(callId) : null, thumbnails);
        try {
            input.build(requests, grouped, disk, dataDir);
        } catch (IOException e) {
            input.close();
            throw new RadflowException(Reason.RUNTIME_UNAVAILABLE, "cannot write model inputs under " + dataDir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            input.close();
            throw e;
        }
        return input;
    }

    Map<String, Object> data() {
        return data;
    }

    /**
     * Each job's own annotations, in group order: a model called with {@code predict} once per
     * group must see only its study's annotations, while {@code predict_batch} gets them all.
     */
    List<Object> groupAnnotations() {
        return groupAnnotations;
    }

    String source() {
        return (String) data.get("input_data_source");
    }

    private void build(List<ModelRequest> requests, boolean grouped, boolean disk, Path dataDir) throws IOException {
        List<Object> groups = new ArrayList<>();
        List<Object> annotations = new ArrayList<>();
        for (int g = 0; g < requests.size(); g++) {
            ModelRequest r = requests.get(g);
            List<Object> files = new ArrayList<>();
            for (int f = 0; f < r.files().size(); f++) {
                ModelFile file = r.files().get(f);
                if (thumbnails == null) {
                    files.add(file(file.content(), file.contentType(), disk, dataDir, "g" + g + "/f" + f + ".dcm"));
                    continue;
                }
                List<MdaiThumbnails.Thumbnail> frames = thumbnails.of(file, r.args());
                for (int k = 0; k < frames.size(); k++) {
                    MdaiThumbnails.Thumbnail t = frames.get(k);
                    Map<String, Object> entry = file(t.content(), t.contentType(), disk, dataDir, "g" + g + "/f" + f + "-" + k + "." + t.extension());
                    entry.put("dicom_tags", t.dicomTags());
                    if (t.frameNumber() != null) {
                        entry.put("frame_number", (long) t.frameNumber());
                    }
                    files.add(entry);
                }
            }
            groups.add(files);
            List<Object> own = new ArrayList<>();
            for (ModelOutput a : r.annotations()) {
                own.add(annotation(a, r.labelClasses()));
            }
            groupAnnotations.add(own);
            annotations.addAll(own);
        }
        data.put("input_data_source", disk ? DISK : MEMORY);
        data.put("files", grouped ? groups : groups.get(0));
        data.put("annotations", annotations);
        data.put("label_classes", labelClasses(requests.get(0).labelClasses()));
        data.put("args", new HashMap<>(requests.get(0).args()));
    }

    private Map<String, Object> file(byte[] content, String contentType, boolean disk, Path dataDir, String name) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        if (disk) {
            Path target = callDir.resolve(name);
            Files.createDirectories(target.getParent());
            Files.write(target, content);
            m.put("content", null);
            m.put("content_path", dataDir.relativize(target).toString());
        } else {
            m.put("content", content);
        }
        m.put("content_type", contentType != null ? contentType : "application/dicom");
        return m;
    }

    static List<Object> labelClasses(List<LabelClass> labels) {
        List<Object> out = new ArrayList<>(labels.size());
        for (LabelClass l : labels) {
            Map<String, Object> label = new LinkedHashMap<>();
            label.put("id", l.getLabelId());
            label.put("name", l.getName());
            label.put("short_name", l.getName());
            label.put("description", "");
            label.put("type", l.getType().name());
            label.put("scope", l.getScope().name());
            label.put("annotation_mode", l.getAnnotationMode() == null ? null : l.getAnnotationMode().name().toLowerCase(Locale.ROOT));
            label.put("parent_id", null);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("class_index", (long) l.getClassIndex());
            entry.put("label", label);
            out.add(entry);
        }
        return out;
    }

    private static Map<String, Object> annotation(ModelOutput a, List<LabelClass> labels) {
        Map<String, Object> m = new LinkedHashMap<>();
        String labelId = a.classIndex() == null ? null : labels.stream().filter(l -> l.getClassIndex() == a.classIndex())
                .map(LabelClass::getLabelId).findFirst().orElse(null);
        m.put("id", null);
        m.put("label_id", labelId);
        m.put("study_uid", a.studyUid());
        m.put("series_uid", a.seriesUid());
        m.put("instance_uid", a.instanceUid());
        m.put("frame_number", a.frameNumber() == null ? null : (long) a.frameNumber());
        m.put("data", MdaiOutputs.data(a.data()));
        m.put("parent_id", null);
        return m;
    }

    /** Removes this call's input files. */
    @Override
    public void close() {
        if (callDir != null) {
            Directories.delete(callDir);
        }
    }
}

package io.radflow.worker.runtime.mdai;

import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.schemas.avro.Scope;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The MD.ai-style test packages committed under {@code src/test/resources/mdai/}, zipped the way
 * MD.ai's docs say ({@code zip -r model.zip model/}), with optional extra or replaced files.
 */
public final class TestPackages {

    private TestPackages() {
    }

    public static Path source(String name) {
        try {
            return Path.of(TestPackages.class.getResource("/mdai/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code name}'s folder as {@code <dir>/<name>.zip}, entries under {@code model/}; {@code files} add or replace entries. */
    public static Path zip(String name, Path dir, Map<String, String> files) {
        return zip(name, name, dir, files);
    }

    public static Path zip(String name, String zipName, Path dir, Map<String, String> files) {
        Path zip = dir.resolve(zipName + ".zip");
        Map<String, byte[]> entries = new TreeMap<>();
        Path src = source(name);
        try (Stream<Path> walk = Files.walk(src)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                entries.put("model/" + src.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
            files.forEach((n, content) -> entries.put(n.startsWith("../") || n.startsWith("/") ? n : "model/" + n,
                    content.getBytes(StandardCharsets.UTF_8)));
            try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    z.putNextEntry(new ZipEntry(e.getKey()));
                    z.write(e.getValue());
                    z.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return zip;
    }

    /** An mdai_deploy.py for thumbnail input that answers, per file it gets (PIL reads it), with what the image is (format, size, mode) and the DICOM tags it came with. */
    public static final String THUMBNAIL_MODEL = """
            from io import BytesIO
            from PIL import Image

            class MDAIModel:
                def __init__(self):
                    pass

                def predict(self, data):
                    out = []
                    for f in data["files"]:
                        img = Image.open(f["content_path"] if f.get("content_path") else BytesIO(f["content"]))
                        t = f["dicom_tags"]
                        out.append({"type": "ANNOTATION", "study_uid": t["StudyInstanceUID"], "series_uid": t["SeriesInstanceUID"],
                                    "instance_uid": t["SOPInstanceUID"], "frame_number": f.get("frame_number"), "class_index": 0,
                                    "probability": 1.0,
                                    "note": "%s %s %dx%d %s %s rows=%d %s" % (f["content_type"], img.format, img.width, img.height,
                                                                              img.mode, t["Modality"], t["Rows"],
                                                                              data["input_data_source"])})
                    return out
            """;

    /** The intensity model's labels, by class index: see its mdai_deploy.py. */
    public static List<LabelClass> intensityLabels() {
        return List.of(
                label(0, "L_bright", LabelType.GLOBAL, null),
                label(1, "L_box", LabelType.LOCAL, AnnotationMode.BBOX),
                label(2, "L_peak", LabelType.LOCAL, AnnotationMode.LOCATION),
                label(3, "L_mask", LabelType.LOCAL, AnnotationMode.MASK),
                label(4, "L_outline", LabelType.LOCAL, AnnotationMode.POLYGON));
    }

    /** The series model's labels: a SERIES-scope global label and a location. */
    public static List<LabelClass> seriesLabels() {
        return List.of(
                LabelClass.newBuilder().setClassIndex(0).setLabelId("L_series_bright").setName("Series bright")
                        .setType(LabelType.GLOBAL).setScope(Scope.SERIES).build(),
                label(1, "L_series_peak", LabelType.LOCAL, AnnotationMode.LOCATION));
    }

    /** The faulty model's single label. */
    public static List<LabelClass> faultyLabels() {
        return List.of(label(0, "L_any", LabelType.GLOBAL, null));
    }

    private static LabelClass label(int index, String id, LabelType type, AnnotationMode mode) {
        return LabelClass.newBuilder().setClassIndex(index).setLabelId(id).setName(id.substring(2)).setType(type)
                .setScope(Scope.INSTANCE).setAnnotationMode(mode).build();
    }
}

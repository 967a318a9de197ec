package io.radflow.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.radflow.schemas.avro.Scope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The three models the demo registers, one per scope, bundled as resources (built by
 * {@code demo/src/main/python/make_demo_assets.py} and written by hand for the Python packages):
 * <ul>
 *   <li>{@code brightness}: ONNX classifier, INSTANCE scope, runs in-process;</li>
 *   <li>{@code series-contrast}: MD.ai-style Python package, SERIES scope, pydicom + numpy;</li>
 *   <li>{@code study-triage}: MD.ai-style Python package, STUDY scope, reads headers only.</li>
 * </ul>
 */
final class DemoModels {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESOURCES = "/io/radflow/demo/models/";
    private static final List<String> PACKAGE_FILES = List.of(".mdai/config.yaml", ".mdai/mdai_deploy.py", ".mdai/requirements.txt");

    private DemoModels() {
    }

    /** One label class of a version, as the registry's JSON takes it. */
    record Label(int classIndex, String labelId, String name, String type, Scope scope, String annotationMode) {
    }

    /** A bundled model: how to create it and its one version. */
    record Model(String name, String library, String fileType, Scope scope, List<Label> labels,
                 Map<String, String> defaultArgs, int maxBatchSize, String artifactName) {

        ObjectNode settings() {
            return JSON.createObjectNode().put("description", "Radflow demo model (" + scope.name().toLowerCase(Locale.ROOT)
                    + " scope)").put("autoRun", true).put("visibility", "private");
        }

        ObjectNode versionMetadata() {
            ObjectNode m = JSON.createObjectNode().put("scope", scope.name().toLowerCase(Locale.ROOT)).put("activate", true);
            m.putObject("batching").put("maxBatchSize", maxBatchSize).put("maxQueueDelayMs", maxBatchSize > 1 ? 20 : 0);
            ObjectNode args = m.putObject("defaultArgs");
            defaultArgs.forEach(args::put);
            ArrayNode labelClasses = m.putArray("labelClasses");
            for (Label l : labels) {
                ObjectNode o = labelClasses.addObject().put("classIndex", l.classIndex()).put("labelId", l.labelId())
                        .put("name", l.name()).put("type", l.type()).put("scope", l.scope().name().toLowerCase(Locale.ROOT));
                if (l.annotationMode() != null) {
                    o.put("annotationMode", l.annotationMode());
                }
            }
            return m;
        }

        byte[] artifact() {
            return library.equals("onnx") ? resource(RESOURCES + artifactName) : packageZip(name);
        }
    }

    static final Model BRIGHTNESS = new Model("brightness", "onnx", "onnx", Scope.INSTANCE,
            List.of(new Label(0, "L_dark", "Dark", "global", Scope.INSTANCE, null),
                    new Label(1, "L_bright", "Bright", "global", Scope.INSTANCE, null)),
            Map.of("output.activation", "softmax"), 8, "brightness.onnx");

    static final Model SERIES_CONTRAST = new Model("series-contrast", "mdai", "zip", Scope.SERIES,
            List.of(new Label(0, "L_high_contrast", "High contrast", "global", Scope.SERIES, null),
                    new Label(1, "L_brightest", "Brightest point", "local", Scope.INSTANCE, "location")),
            Map.of(), 1, "series-contrast.zip");

    static final Model STUDY_TRIAGE = new Model("study-triage", "mdai", "zip", Scope.STUDY,
            List.of(new Label(0, "L_single_series", "Single-series study", "global", Scope.STUDY, null),
                    new Label(1, "L_multi_series", "Multi-series study", "global", Scope.STUDY, null)),
            Map.of(), 1, "study-triage.zip");

    static final List<Model> ALL = List.of(BRIGHTNESS, SERIES_CONTRAST, STUDY_TRIAGE);

    /** Registers every model with auto-run on, and its version, in {@code project}. */
    /** Creates every bundled model with its version in the project; returns their ids. */
    static List<String> register(RegistryApi registry, String project) {
        List<String> ids = new ArrayList<>();
        for (Model m : ALL) {
            ids.add(registry.createModel(project, m.name(), m.library(), m.fileType(), m.settings()));
            registry.addVersion(project, m.name(), m.versionMetadata(), m.artifactName(), m.artifact());
        }
        return List.copyOf(ids);
    }

    private static byte[] packageZip(String name) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String file : PACKAGE_FILES) {
                zip.putNextEntry(new ZipEntry(file));
                zip.write(resource(RESOURCES + name + "/" + file));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot zip the bundled package " + name, e);
        }
        return bytes.toByteArray();
    }

    static byte[] resource(String path) {
        try (InputStream in = DemoModels.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("bundled demo resource missing: " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled demo resource " + path, e);
        }
    }
}

package io.radflow.worker.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.HttpEndpoint;
import io.radflow.schemas.avro.InputType;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import io.radflow.worker.runtime.ModelKey;
import io.radflow.worker.runtime.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A model export as the registry writes it ({@code GET /ml-models/{name}/export}, registry-service's
 * {@code ModelExporter}): a zip with {@code manifest.json} ({@code format: radflow-model-export},
 * {@code formatVersion: 1}, the model's card and each exported version as the registry's REST API
 * describes it, with {@code path}, the version's artifact in the zip, {@code versions/<n>/<file>}).
 * Enum values are the API's text: lower case with {@code -} for {@code _} ({@code mdai-python}).
 */
public final class ModelExport {

    public static final String FORMAT = "radflow-model-export";
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path zip;
    private final JsonNode manifest;

    private ModelExport(Path zip, JsonNode manifest) {
        this.zip = zip;
        this.manifest = manifest;
    }

    /** Reads the export's manifest; a file that is no Radflow model export is a {@link LocalRunException}. */
    public static ModelExport open(Path zip) {
        if (!Files.isRegularFile(zip)) {
            throw new LocalRunException(zip + " is not a file");
        }
        JsonNode manifest;
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry entry = z.getEntry("manifest.json");
            if (entry == null) {
                throw new LocalRunException(zip.getFileName() + " is not a Radflow model export: it has no manifest.json "
                        + "(export a model with GET /ml-models/{name}/export)");
            }
            try (InputStream in = z.getInputStream(entry)) {
                manifest = JSON.readTree(in);
            }
        } catch (ZipException e) {
            throw new LocalRunException(zip.getFileName() + " is not a Radflow model export: not a zip archive (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new LocalRunException("cannot read " + zip + ": " + e.getMessage());
        }
        if (manifest == null || !FORMAT.equals(manifest.path("format").asText())) {
            throw new LocalRunException(zip.getFileName() + " is not a Radflow model export: manifest.json has format '"
                    + (manifest == null ? "" : manifest.path("format").asText()) + "', not '" + FORMAT + "'");
        }
        int formatVersion = manifest.path("formatVersion").asInt(-1);
        if (formatVersion != FORMAT_VERSION) {
            throw new LocalRunException(zip.getFileName() + " has export format version " + formatVersion + "; this Radflow reads version "
                    + FORMAT_VERSION);
        }
        return new ModelExport(zip, manifest);
    }

    public String modelName() {
        return manifest.path("model").path("name").asText("model");
    }

    public String modelId() {
        JsonNode model = manifest.path("model");
        return model.hasNonNull("id") ? model.get("id").asText() : modelName();
    }

    /** The versions the export holds, in manifest order. */
    public List<Integer> versions() {
        List<Integer> out = new ArrayList<>();
        manifest.path("versions").forEach(v -> out.add(v.path("version").asInt()));
        return out;
    }

    /**
     * The version to run: {@code wanted}, or without it the model's active version when the export
     * holds it, else the highest it holds.
     */
    public int choose(Integer wanted) {
        List<Integer> held = versions();
        if (held.isEmpty()) {
            throw new LocalRunException(zip.getFileName() + " holds no model version (an export of the model card alone)");
        }
        if (wanted != null) {
            if (!held.contains(wanted)) {
                throw new LocalRunException(zip.getFileName() + " has no version " + wanted + " of model '" + modelName()
                        + "'; it holds " + held);
            }
            return wanted;
        }
        JsonNode active = manifest.path("model").path("activeVersion");
        if (active.isInt() && held.contains(active.asInt())) {
            return active.asInt();
        }
        return held.stream().max(Integer::compare).orElseThrow();
    }

    private JsonNode version(int n) {
        for (JsonNode v : manifest.path("versions")) {
            if (v.path("version").asInt() == n) {
                return v;
            }
        }
        throw new LocalRunException(zip.getFileName() + " has no version " + n);
    }

    /**
     * The version as a runtime loads it; its artifact (none for HTTP models) is copied out of the
     * zip into {@code dir} and checked against the SHA-256 the manifest gives.
     */
    public ModelSpec spec(int n, Path dir) {
        JsonNode v = version(n);
        RuntimeKind runtime = enumValue(RuntimeKind.class, v, "runtime", null);
        Path artifact = null;
        String sha = null;
        HttpEndpoint endpoint = null;
        if (runtime == RuntimeKind.HTTP) {
            JsonNode e = v.path("httpEndpoint");
            if (!e.hasNonNull("url")) {
                throw new LocalRunException("version " + n + " of '" + modelName() + "' is an HTTP model without httpEndpoint.url");
            }
            endpoint = HttpEndpoint.newBuilder().setUrl(e.get("url").asText()).setTimeoutMs(e.path("timeoutMs").asInt(30000))
                    .setAuthHeader(e.hasNonNull("authHeader") ? e.get("authHeader").asText() : null).build();
        } else {
            sha = v.path("artifact").path("sha256").asText(null);
            artifact = extract(v.path("path").asText(null), sha, dir, n);
        }
        List<LabelClass> labels = new ArrayList<>();
        for (JsonNode l : v.path("labelClasses")) {
            labels.add(LabelClass.newBuilder().setClassIndex(l.path("classIndex").asInt()).setLabelId(l.path("labelId").asText())
                    .setName(l.path("name").asText()).setType(enumValue(LabelType.class, l, "type", LabelType.GLOBAL))
                    .setScope(enumValue(Scope.class, l, "scope", Scope.INSTANCE))
                    .setAnnotationMode(enumValue(AnnotationMode.class, l, "annotationMode", null)).build());
        }
        Map<String, String> args = new LinkedHashMap<>();
        v.path("defaultArgs").fields().forEachRemaining(e -> args.put(e.getKey(), e.getValue().asText()));
        int maxBatch = Math.max(1, v.path("batching").path("maxBatchSize").asInt(1));
        return new ModelSpec(new ModelKey(modelId(), n), runtime, enumValue(Device.class, v, "device", Device.CPU),
                enumValue(Scope.class, v, "scope", Scope.INSTANCE), enumValue(InputType.class, v, "inputType", InputType.DICOM),
                artifact, sha, endpoint, labels, args, maxBatch);
    }

    private Path extract(String path, String sha, Path dir, int n) {
        if (path == null) {
            throw new LocalRunException("version " + n + " of '" + modelName() + "' has no artifact in " + zip.getFileName());
        }
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry entry = z.getEntry(path);
            if (entry == null) {
                throw new LocalRunException(zip.getFileName() + " lacks " + path + ", the artifact of version " + n);
            }
            String fileName = Path.of(path).getFileName().toString();
            Path target = Files.createDirectories(dir.resolve("v" + n)).resolve(fileName);
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = z.getInputStream(entry);
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(target), digest)) {
                in.transferTo(out);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (sha != null && !sha.equalsIgnoreCase(actual)) {
                throw new LocalRunException(path + " in " + zip.getFileName() + " does not match the SHA-256 of its manifest ("
                        + actual + " != " + sha + "); the export is corrupt");
            }
            return target;
        } catch (IOException e) {
            throw new LocalRunException("cannot unpack " + path + " from " + zip + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private <E extends Enum<E>> E enumValue(Class<E> type, JsonNode node, String field, E fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.asText().isEmpty()) {
            if (fallback == null && type == RuntimeKind.class) {
                throw new LocalRunException("a version in " + zip.getFileName() + " names no " + field);
            }
            return fallback;
        }
        String text = value.asText().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return Enum.valueOf(type, text);
        } catch (IllegalArgumentException e) {
            throw new LocalRunException("manifest.json of " + zip.getFileName() + " has " + field + " '" + value.asText()
                    + "', which this Radflow does not know");
        }
    }
}

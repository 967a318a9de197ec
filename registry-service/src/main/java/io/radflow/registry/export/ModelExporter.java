package io.radflow.registry.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.radflow.common.error.Reason;
import io.radflow.content.ContentReader;
import io.radflow.registry.RegistryException;
import io.radflow.registry.commands.ModelChanges;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds a model export: a zip with {@code manifest.json} (format, who exported what and when,
 * the model's settings (its card) and each chosen version's description) and each version's artifact under
 * {@code versions/<n>/<file name>}. The zip is written to a scratch file first, so every
 * artifact's SHA-256 is checked against the version before a single byte is sent.
 */
public final class ModelExporter {

    public static final String FORMAT = "radflow-model-export";
    public static final int FORMAT_VERSION = 1;

    private final ContentReader artifacts;
    private final ObjectMapper json;
    private final Path scratch;

    public ModelExporter(ContentReader artifacts, ObjectMapper json, Path scratch) {
        this.artifacts = artifacts;
        this.json = json;
        this.scratch = scratch;
    }

    /**
     * @param versions null: every version; empty: none, the manifest alone describes the model (its card)
     * @return a scratch file the caller sends and then deletes
     */
    public Path export(ModelSettings model, List<Integer> versions, String exportedBy, Instant now,
                       Function<ModelSettings, Object> describeModel, Function<ModelVersion, Object> describeVersion) {
        // A version named twice is exported once (a zip cannot hold the same entry twice).
        List<ModelVersion> chosen = versions == null ? model.getVersions() : versions.stream().distinct()
                .map(v -> ModelChanges.version(model, v).orElseThrow(() -> RegistryException.invalid(
                        "model '" + model.getName() + "' has no version " + v)))
                .toList();
        Path zipFile = null;
        try {
            Files.createDirectories(scratch);
            zipFile = Files.createTempFile(scratch, "export-", ".zip");
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(zipFile))) {
                ObjectNode manifest = json.createObjectNode();
                manifest.put("format", FORMAT).put("formatVersion", FORMAT_VERSION)
                        .put("exportedAt", now.toString()).put("exportedBy", exportedBy);
                ObjectNode modelNode = json.valueToTree(describeModel.apply(model));
                modelNode.remove("versions");
                manifest.set("model", modelNode);
                ArrayNode versionNodes = manifest.putArray("versions");
                for (ModelVersion v : chosen) {
                    ObjectNode node = json.valueToTree(describeVersion.apply(v));
                    if (v.getArtifact() != null) {
                        String path = "versions/" + v.getVersion() + "/" + v.getArtifact().getFileName();
                        copyChecked(v, path, zip);
                        node.put("path", path);
                    }
                    versionNodes.add(node);
                }
                zip.putNextEntry(new ZipEntry("manifest.json"));
                zip.write(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
                zip.closeEntry();
            }
            return zipFile;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(zipFile);
            if (e instanceof RegistryException re) {
                throw re;
            }
            throw new RegistryException(Reason.INTERNAL, "cannot build the export of model '" + model.getName() + "': " + e, e);
        }
    }

    private void copyChecked(ModelVersion version, String path, ZipOutputStream zip) throws IOException {
        MessageDigest sha = sha256();
        zip.putNextEntry(new ZipEntry(path));
        try (InputStream in = new DigestInputStream(artifacts.open(URI.create(version.getArtifact().getUri())), sha)) {
            in.transferTo(zip);
        }
        zip.closeEntry();
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(version.getArtifact().getSha256())) {
            throw new RegistryException(Reason.INTERNAL, "the stored artifact of version " + version.getVersion()
                    + " does not match its SHA-256 (" + actual + " != " + version.getArtifact().getSha256() + "); it is corrupt");
        }
    }

    public static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // scratch space
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}

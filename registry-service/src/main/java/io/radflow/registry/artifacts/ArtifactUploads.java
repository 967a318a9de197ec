package io.radflow.registry.artifacts;

import io.radflow.common.error.Reason;
import io.radflow.content.FileContentStore;
import io.radflow.content.StoredContent;
import io.radflow.registry.RegistryException;
import io.radflow.registry.RegistryMetrics;
import io.radflow.schemas.avro.Artifact;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.ModelFileType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Model artifacts: an upload is received into a scratch file (refused past the size limit),
 * checked for its file type, and only then put into the content-addressed artifact store, whose
 * {@code file:} URI and SHA-256 the version records. Bad uploads leave nothing behind.
 */
public final class ArtifactUploads {

    private final FileContentStore store;
    private final long maxBytes;
    private final RegistryMetrics metrics;
    private final Path scratch;

    public ArtifactUploads(FileContentStore store, long maxBytes, RegistryMetrics metrics) {
        this.store = store;
        this.maxBytes = maxBytes;
        this.metrics = metrics;
        try {
            this.scratch = Files.createDirectories(store.root().resolve("incoming"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + store.root().resolve("incoming"), e);
        }
    }

    public long maxBytes() {
        return maxBytes;
    }

    public FileContentStore contentStore() {
        return store;
    }

    /** A stored artifact and what its package says about the device it wants. */
    public record Stored(Artifact artifact, Optional<Device> device) {
    }

    /** Receives, checks and stores one upload. */
    public Stored store(InputStream upload, String fileName, ModelFileType fileType) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(scratch, "upload-", ".tmp");
            long size = copyLimited(upload, tmp);
            if (size == 0) {
                throw new RegistryException(Reason.INVALID_ARTIFACT, "the artifact is empty");
            }
            Optional<Device> device = switch (fileType) {
                case ONNX -> {
                    OnnxCheck.check(tmp);
                    yield Optional.empty();
                }
                case ZIP -> MdaiPackageCheck.check(tmp).device();
                default -> throw new RegistryException(Reason.INVALID_ARTIFACT, "no artifact check for file type " + fileType);
            };
            StoredContent stored = store.put(tmp);
            metrics.artifactStored(stored.sizeBytes());
            return new Stored(new Artifact(stored.uri().toString(), stored.sha256(), stored.sizeBytes(), fileName(fileName, fileType)), device);
        } catch (IOException e) {
            throw new RegistryException(Reason.INVALID_ARTIFACT, "cannot receive the upload: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // scratch space
                }
            }
        }
    }

    private long copyLimited(InputStream in, Path target) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
                if (total > maxBytes) {
                    throw tooLarge(maxBytes);
                }
                out.write(buffer, 0, n);
            }
        }
        return total;
    }

    public static RegistryException tooLarge(long maxBytes) {
        return new RegistryException(Reason.PAYLOAD_TOO_LARGE, "the upload is larger than the limit of " + maxBytes
                + " bytes (registry.upload.max.bytes)");
    }

    /** The uploaded file's base name, made safe for a zip entry; a default by file type otherwise. */
    static String fileName(String uploaded, ModelFileType fileType) {
        String base = uploaded == null ? "" : uploaded.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        if (base.isBlank() || base.chars().allMatch(c -> c == '.' || c == '_')) {
            return fileType == ModelFileType.ONNX ? "model.onnx" : "package.zip";
        }
        return base.length() > 200 ? base.substring(base.length() - 200) : base;
    }
}

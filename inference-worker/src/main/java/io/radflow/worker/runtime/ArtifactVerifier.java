package io.radflow.worker.runtime;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.Artifact;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Model artifacts on the worker's side: resolves an {@link Artifact}'s {@code file:} URI inside the
 * artifact store directory and checks the file's SHA-256 against the one the registry recorded,
 * so a worker never loads a model other than the version names. URIs outside the store are
 * refused: settings events cannot make a worker load arbitrary files.
 */
public final class ArtifactVerifier {

    private final Path root;

    public ArtifactVerifier(Path root) {
        try {
            this.root = Files.createDirectories(root).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create artifact store directory " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    /** The artifact's file, after checking its size and SHA-256. */
    public Path verified(Artifact artifact) {
        Path path = resolve(artifact.getUri());
        if (!Files.isRegularFile(path)) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "artifact " + artifact.getUri() + " does not exist in the artifact store " + root);
        }
        try {
            long size = Files.size(path);
            if (artifact.getSizeBytes() >= 0 && size != artifact.getSizeBytes()) {
                throw new RadflowException(Reason.MODEL_LOAD_FAILED, "artifact " + artifact.getUri() + " has " + size
                        + " bytes, the version says " + artifact.getSizeBytes());
            }
            String actual = sha256(path);
            if (!actual.equals(artifact.getSha256().toLowerCase(Locale.ROOT))) {
                throw new RadflowException(Reason.MODEL_LOAD_FAILED, "artifact " + artifact.getUri() + " has SHA-256 " + actual
                        + ", the version says " + artifact.getSha256());
            }
        } catch (IOException e) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "cannot read artifact " + artifact.getUri() + ": " + e.getMessage(), e);
        }
        return path;
    }

    private Path resolve(String uri) {
        Path path;
        try {
            URI u = URI.create(uri);
            if (!"file".equals(u.getScheme())) {
                throw new RadflowException(Reason.MODEL_LOAD_FAILED, "artifact URI " + uri + " is not a file: URI of the artifact store");
            }
            path = Path.of(u).normalize();
        } catch (IllegalArgumentException e) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "not a valid artifact URI: " + uri, e);
        }
        if (!path.startsWith(root)) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "artifact " + uri + " is outside the artifact store " + root);
        }
        return path;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}

package io.radflow.content;

import io.radflow.common.error.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content-addressed storage in a directory: each object lives at {@code sha256/ab/cd/<sha256>}
 * under the root, so storing the same bytes twice yields the same URI and costs nothing. It reads
 * back only {@code file:} URIs under its root; events cannot make a worker read arbitrary files.
 */
public final class FileContentStore implements ContentStore {

    private final Path root;

    public FileContentStore(Path root) {
        try {
            this.root = Files.createDirectories(root).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create content store directory " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public StoredContent put(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return put(in);
        } catch (NoSuchFileException e) {
            throw new ContentException(Reason.CONTENT_NOT_FOUND, "no such file: " + file, e);
        } catch (IOException e) {
            throw new ContentException(Reason.CONTENT_FETCH_FAILED, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public StoredContent put(InputStream content) {
        Path tmp = null;
        try {
            Path incoming = Files.createDirectories(root.resolve("incoming"));
            tmp = Files.createTempFile(incoming, "put-", ".tmp");
            MessageDigest sha = sha256();
            long size;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), sha)) {
                size = content.transferTo(out);
            }
            String hex = HexFormat.of().formatHex(sha.digest());
            Path target = pathOf(hex);
            Files.createDirectories(target.getParent());
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                if (!Files.exists(target)) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return new StoredContent(target.toUri(), hex, size);
        } catch (IOException e) {
            throw new ContentException(Reason.CONTENT_FETCH_FAILED, "cannot store content under " + root + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the incoming/ directory is scratch space
                }
            }
        }
    }

    /** Where content with this SHA-256 lives (whether or not it exists). */
    public Path pathOf(String sha256Hex) {
        if (!sha256Hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 hex digest: " + sha256Hex);
        }
        return root.resolve("sha256").resolve(sha256Hex.substring(0, 2)).resolve(sha256Hex.substring(2, 4)).resolve(sha256Hex);
    }

    @Override
    public boolean supports(URI uri) {
        return "file".equals(uri.getScheme());
    }

    @Override
    public InputStream open(URI uri) {
        if (!supports(uri)) {
            throw new ContentException(Reason.CONTENT_NOT_FOUND, "file content store cannot open " + uri);
        }
        Path path;
        try {
            path = Path.of(uri).normalize();
        } catch (IllegalArgumentException e) {
            throw new ContentException(Reason.CONTENT_NOT_FOUND, "not a valid file URI: " + uri, e);
        }
        if (!path.startsWith(root)) {
            throw new ContentException(Reason.CONTENT_NOT_FOUND, uri + " is outside the content store " + root);
        }
        try {
            return Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw new ContentException(Reason.CONTENT_NOT_FOUND, "no content at " + uri, e);
        } catch (IOException e) {
            throw new ContentException(Reason.CONTENT_FETCH_FAILED, "cannot open " + uri + ": " + e.getMessage(), e);
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

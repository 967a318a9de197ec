package io.radflow.worker.runtime.mdai;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.common.io.Directories;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Unpacks MD.ai package zips into one directory per model version, safely: entries that would
 * land outside that directory (absolute names, {@code ..}) are refused (zip slip), the unpacked
 * size and entry count are capped (zip bombs), and a package is unpacked into a temporary
 * directory first and moved into place whole, so a half-unpacked package is never used. A
 * directory already unpacked from the same artifact is reused.
 *
 * <p>The package root is the folder holding {@code .mdai/mdai_deploy.py}: the zip's top level, or
 * its single top-level folder ({@code zip -r model.zip model/}, as MD.ai's docs suggest).
 */
final class PackageUnpacker {

    private static final String MARKER = ".radflow-package";
    private static final int MAX_ENTRIES = 200_000;

    private final Path packagesDir;
    private final long maxBytes;

    PackageUnpacker(Path packagesDir, long maxBytes) {
        this.packagesDir = packagesDir;
        this.maxBytes = maxBytes;
    }

    /**
     * The unpacked package of {@code zip}, in directory {@code name} under the packages directory.
     *
     * @param sha256 the artifact's checksum: a directory unpacked from other bytes is replaced
     */
    MdaiPackage unpack(Path zip, String name, String sha256) {
        Path target = packagesDir.resolve(name);
        try {
            Files.createDirectories(packagesDir);
            if (sha256 != null && isUnpackedFrom(target, sha256)) {
                return new MdaiPackage(findRoot(target));
            }
            Path tmp = Files.createDirectory(packagesDir.resolve(".tmp-" + name + "-" + UUID.randomUUID()));
            try {
                extract(zip, tmp);
                Path root = findRoot(tmp);
                Files.writeString(tmp.resolve(MARKER), sha256 == null ? "" : sha256, StandardCharsets.UTF_8);
                if (Files.exists(target)) {
                    Directories.delete(target);
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                    // Another worker on this machine unpacked the same version meanwhile.
                    Directories.delete(tmp);
                    return new MdaiPackage(findRoot(target));
                }
                return new MdaiPackage(target.resolve(tmp.relativize(root)).normalize());
            } finally {
                if (Files.exists(tmp)) {
                    Directories.delete(tmp);
                }
            }
        } catch (IOException e) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "cannot unpack MD.ai package " + zip.getFileName()
                    + " into " + target + ": " + e.getMessage(), e);
        }
    }

    private static boolean isUnpackedFrom(Path dir, String sha256) throws IOException {
        Path marker = dir.resolve(MARKER);
        return Files.isRegularFile(marker) && Files.readString(marker, StandardCharsets.UTF_8).trim().equalsIgnoreCase(sha256);
    }

    private void extract(Path zip, Path into) throws IOException {
        ZipFile file;
        try {
            file = new ZipFile(zip.toFile());
        } catch (ZipException e) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "the MD.ai package " + zip.getFileName()
                    + " is not a zip archive (" + e.getMessage() + ")", e);
        }
        try (file) {
            long total = 0;
            int count = 0;
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (++count > MAX_ENTRIES) {
                    throw refused("has more than " + MAX_ENTRIES + " entries");
                }
                Path target = safeTarget(into, entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = file.getInputStream(entry); OutputStream out = Files.newOutputStream(target)) {
                    byte[] buf = new byte[64 * 1024];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        total += n;
                        if (total > maxBytes) {
                            throw refused("unpacks to more than " + maxBytes + " bytes (worker.mdai.package.max.bytes)");
                        }
                        out.write(buf, 0, n);
                    }
                } catch (ZipException e) {
                    throw refused("is corrupt at entry " + entry.getName() + ": " + e.getMessage());
                }
            }
        }
    }

    /** Where an entry goes; names that are absolute or climb out of {@code into} are refused. */
    static Path safeTarget(Path into, String name) {
        String n = name.replace('\\', '/');
        if (n.isEmpty() || n.startsWith("/") || n.indexOf('\0') >= 0 || n.matches("^[A-Za-z]:.*")) {
            throw refused("has an entry with an absolute or invalid name: " + name);
        }
        Path target = into.resolve(n).normalize();
        if (!target.startsWith(into) || target.equals(into)) {
            throw refused("has an entry that would be written outside its directory: " + name);
        }
        return target;
    }

    private static RadflowException refused(String why) {
        return new RadflowException(Reason.MODEL_LOAD_FAILED, "MD.ai package refused: the zip " + why);
    }

    /** The folder holding {@code .mdai/mdai_deploy.py}: {@code dir} itself or its single top-level folder. */
    static Path findRoot(Path dir) throws IOException {
        if (Files.isDirectory(dir.resolve(".mdai"))) {
            return checkedRoot(dir);
        }
        List<Path> candidates = new ArrayList<>();
        List<String> top = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path p : children.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.equals(MARKER) || name.equals("__MACOSX")) {
                    continue;
                }
                top.add(name);
                if (Files.isDirectory(p.resolve(".mdai"))) {
                    candidates.add(p);
                }
            }
        }
        if (candidates.size() == 1) {
            return checkedRoot(candidates.get(0));
        }
        if (candidates.size() > 1) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "the MD.ai package has several model folders with a .mdai/ folder: "
                    + candidates.stream().map(p -> p.getFileName().toString()).toList() + "; it must have exactly one");
        }
        throw new RadflowException(Reason.MODEL_LOAD_FAILED, "the MD.ai package has no .mdai/ folder at its top level or in a "
                + "single top-level folder (top level: " + top + "); a package holds .mdai/config.yaml, .mdai/mdai_deploy.py "
                + "and requirements.txt");
    }

    private static Path checkedRoot(Path root) {
        if (!Files.isRegularFile(root.resolve(".mdai").resolve("mdai_deploy.py"))) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "the MD.ai package has a .mdai/ folder but no .mdai/mdai_deploy.py "
                    + "(the file that defines class MDAIModel)");
        }
        return root;
    }
}

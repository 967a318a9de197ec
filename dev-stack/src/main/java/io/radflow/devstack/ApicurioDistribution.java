package io.radflow.devstack;

import io.radflow.common.io.Directories;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds Apicurio Registry's runner jar. The build puts the distribution tar.gz in the local Maven
 * repository; the first start unpacks it once into a cache directory shared by every checkout.
 * {@code radflow.apicurio.dir} (system property) or {@code RADFLOW_APICURIO_DIR} names an
 * unpacked distribution directly.
 */
public final class ApicurioDistribution {

    private ApicurioDistribution() {
    }

    public static String version() {
        Properties p = new Properties();
        try (InputStream in = ApicurioDistribution.class.getResourceAsStream("apicurio.properties")) {
            p.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("apicurio.properties missing from the dev-stack jar", e);
        }
        return p.getProperty("version");
    }

    /** The runner jar, unpacking the distribution first if needed. */
    public static Path runnerJar() {
        String explicit = Optional.ofNullable(System.getProperty("radflow.apicurio.dir"))
                .orElse(System.getenv("RADFLOW_APICURIO_DIR"));
        if (explicit != null && !explicit.isBlank()) {
            return findRunner(Path.of(explicit)).orElseThrow(() -> new IllegalStateException(
                    "no apicurio-registry-app-*-runner.jar in " + explicit + " (radflow.apicurio.dir / RADFLOW_APICURIO_DIR)"));
        }
        String version = version();
        Path cache = cacheDir().resolve("apicurio-registry-" + version);
        Optional<Path> cached = findRunner(cache);
        if (cached.isPresent()) {
            return cached.get();
        }
        Path tarball = localRepository().resolve("io/apicurio/apicurio-registry-app/" + version
                + "/apicurio-registry-app-" + version + "-all.tar.gz");
        if (!Files.isRegularFile(tarball)) {
            throw new IllegalStateException("Apicurio Registry " + version + " is not in the local Maven repository ("
                    + tarball + "). Build once with 'mvn -pl dev-stack -am package' (or run ./radflow, which builds) so Maven fetches it.");
        }
        unpack(tarball, cache);
        return findRunner(cache).orElseThrow(() -> new IllegalStateException("unpacked " + tarball + " but found no runner jar"));
    }

    private static Optional<Path> findRunner(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("apicurio-registry-app-.*-runner\\.jar")).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("radflow");
    }

    private static Path localRepository() {
        String repo = System.getProperty("maven.repo.local");
        return repo != null ? Path.of(repo) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** Unpacks into a sibling temp dir, then renames, so concurrent first starts never see half a distribution. */
    private static void unpack(Path tarball, Path target) {
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempDirectory(target.getParent(), target.getFileName() + ".unpacking-");
            Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", tmp.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!tar.waitFor(5, TimeUnit.MINUTES) || tar.exitValue() != 0) {
                tar.destroyForcibly();
                Directories.deleteQuietly(tmp);
                throw new IllegalStateException("tar could not unpack " + tarball);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException | java.nio.file.FileAlreadyExistsException e) {
                Directories.deleteQuietly(tmp);
            } catch (IOException e) {
                // Another process won the race and the target exists with content.
                Directories.deleteQuietly(tmp);
                if (findRunner(target).isEmpty()) {
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack Apicurio Registry from " + tarball, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while unpacking Apicurio Registry", e);
        }
    }
}

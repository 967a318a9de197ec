package io.radflow.common.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What a running {@code ./radflow dev} tells other commands of the same checkout: its process id
 * and the addresses of its broker, schema registry and services. Kept in
 * {@code <checkout>/.radflow/dev-stack.properties}; ignored once that process is gone.
 */
public final class DevStackState {

    public static final String PID = "pid";

    private DevStackState() {
    }

    /** The checkout the launcher runs from (system property {@code radflow.home}, else the working directory). */
    public static Path home() {
        return Path.of(System.getProperty("radflow.home", ".")).toAbsolutePath().normalize();
    }

    public static Path file(Path home) {
        return home.resolve(".radflow").resolve("dev-stack.properties");
    }

    public static void write(Path home, Map<String, String> values) throws IOException {
        Path file = file(home);
        Files.createDirectories(file.getParent());
        Properties props = new Properties();
        props.putAll(values);
        props.setProperty(PID, Long.toString(ProcessHandle.current().pid()));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            props.store(w, "written by ./radflow dev; removed when it stops");
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Removes the file if this process wrote it. */
    public static void clear(Path home) {
        read(home).filter(v -> Long.toString(ProcessHandle.current().pid()).equals(v.get(PID)))
                .ifPresent(v -> {
                    try {
                        Files.deleteIfExists(file(home));
                    } catch (IOException ignored) {
                        // a stale file is ignored by readers once the pid is gone
                    }
                });
    }

    /** The values of a live dev stack of this checkout, if one is running. */
    public static Optional<Map<String, String>> read(Path home) {
        Path file = file(home);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            props.load(r);
        } catch (IOException e) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(props.getProperty(PID, ""));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            Map<String, String> values = new LinkedHashMap<>();
            props.stringPropertyNames().forEach(k -> values.put(k, props.getProperty(k)));
            return Optional.of(values);
        }
        return Optional.empty();
    }
}

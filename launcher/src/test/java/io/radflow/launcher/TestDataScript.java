package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one of the test-data generators in {@code src/test/python} with Debian's Python; fails with its output. */
final class TestDataScript {

    private TestDataScript() {
    }

    static void run(String script, Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", Path.of("src", "test", "python", script).toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(script, ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertThat(p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as(script + " finishes").isTrue();
            assertThat(p.exitValue()).as("%s: %s", script, Files.readString(log)).isZero();
        } finally {
            Files.deleteIfExists(log);
        }
    }
}

package io.radflow.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoriesTest {

    @TempDir
    Path dir;

    @Test
    void shouldDeleteATreeButNeverFollowALinkOutOfIt() throws Exception {
        Path outside = Files.writeString(Files.createDirectories(dir.resolve("outside")).resolve("keep.txt"), "keep");
        Path root = Files.createDirectories(dir.resolve("root/a/b"));
        Files.writeString(root.resolve("f.txt"), "x");
        Files.createSymbolicLink(dir.resolve("root/link"), outside.getParent());

        Directories.delete(dir.resolve("root"));

        assertThat(dir.resolve("root")).doesNotExist();
        assertThat(outside).hasContent("keep");
        Directories.delete(dir.resolve("root"));
        Directories.delete(null);
    }

    @Test
    void shouldDeleteASingleFileAndSayWhetherQuietDeletionSucceeded() throws Exception {
        Path file = Files.writeString(dir.resolve("scratch.bin"), "x");
        assertThat(Directories.deleteQuietly(file)).isTrue();
        assertThat(file).doesNotExist();
        assertThat(Directories.deleteQuietly(dir.resolve("never-there"))).isTrue();
    }
}

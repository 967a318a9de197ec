package io.radflow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleStudiesTest {

    @TempDir
    Path work;

    @Test
    void shouldExtractTheBundledPhantomStudyWithItsTwoSeries() {
        SampleStudies.Samples samples = SampleStudies.collect(work, List.of(work.resolve("none-of-these")));
        SampleStudies.Structure phantom = SampleStudies.structureOf(List.of(work.resolve("phantom")));

        assertThat(phantom.studies()).hasSize(1);
        assertThat(phantom.studies().values().iterator().next().values()).containsExactlyInAnyOrder(6, 4);
        assertThat(phantom.instances()).isEqualTo(10);
        assertThat(samples.sources()).first().isEqualTo("bundled phantom CT study");
        // The INDEX that lists the bundled files is not DICOM and is not counted.
        assertThat(work.resolve("phantom").resolve("INDEX")).doesNotExist();
    }

    @Test
    void shouldReplaceThePydicomTreeWithTheUsersFiles() throws Exception {
        Path mine = Files.createDirectories(work.resolve("mine"));
        Files.copy(DemoModels.class.getResourceAsStream("/io/radflow/demo/dicom/phantom/s1-01.dcm"), mine.resolve("a.dcm"));

        SampleStudies.Samples samples = SampleStudies.collect(work, List.of(mine));

        assertThat(samples.paths()).containsExactly(work.resolve("phantom"), mine);
        assertThat(samples.sources()).anyMatch(s -> s.startsWith("your files"));
        // The same instance twice (bundled and copied) counts once, as the trigger deduplicates it.
        assertThat(samples.structure().instances()).isEqualTo(10);
    }

    @Test
    void shouldSkipFilesThatAreNotDicom() throws Exception {
        Path dir = Files.createDirectories(work.resolve("mixed"));
        Files.writeString(dir.resolve("README.txt"), "not DICOM");
        Files.write(dir.resolve("truncated.dcm"), new byte[] {1, 2, 3});

        assertThat(SampleStudies.structureOf(List.of(dir)).studies()).isEqualTo(Map.of());
    }
}

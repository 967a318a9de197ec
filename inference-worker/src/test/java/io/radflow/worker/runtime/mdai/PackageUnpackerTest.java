package io.radflow.worker.runtime.mdai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.error.RadflowException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageUnpackerTest {

    @TempDir
    Path dir;

    private Path zip(String name, Map<String, String> entries) throws Exception {
        Path zip = dir.resolve(name + ".zip");
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue().getBytes());
                z.closeEntry();
            }
        }
        return zip;
    }

    @Test
    void shouldFindThePackageRootAtTheTopOrInOneFolder() throws Exception {
        PackageUnpacker u = new PackageUnpacker(dir.resolve("packages"), 1 << 20);
        MdaiPackage top = u.unpack(zip("top", Map.of(".mdai/mdai_deploy.py", "x", "w.bin", "1")), "top", "aa");
        assertThat(top.root()).isEqualTo(dir.resolve("packages/top"));
        MdaiPackage nested = u.unpack(zip("nested", Map.of("model/.mdai/mdai_deploy.py", "x", "__MACOSX/junk", "")), "nested", "bb");
        assertThat(nested.root()).isEqualTo(dir.resolve("packages/nested/model"));
        assertThat(nested.mdaiDir().resolve("mdai_deploy.py")).exists();
    }

    @Test
    void shouldReuseADirectoryUnpackedFromTheSameArtifactAndReplaceOthers() throws Exception {
        PackageUnpacker u = new PackageUnpacker(dir.resolve("packages"), 1 << 20);
        Path first = zip("a", Map.of(".mdai/mdai_deploy.py", "first"));
        u.unpack(first, "m-v1", "sha1");
        Files.writeString(dir.resolve("packages/m-v1/written-by-model.txt"), "state");
        u.unpack(first, "m-v1", "sha1");
        assertThat(dir.resolve("packages/m-v1/written-by-model.txt")).exists();
        u.unpack(zip("b", Map.of(".mdai/mdai_deploy.py", "second")), "m-v1", "sha2");
        assertThat(dir.resolve("packages/m-v1/written-by-model.txt")).doesNotExist();
        assertThat(dir.resolve("packages/m-v1/.mdai/mdai_deploy.py")).hasContent("second");
    }

    @Test
    void shouldRefuseEntriesOutsideTheDirectory() throws Exception {
        PackageUnpacker u = new PackageUnpacker(dir.resolve("packages"), 1 << 20);
        for (String bad : new String[] {"../evil.py", "model/../../evil.py", "/etc/evil.py", "C:/evil.py"}) {
            Path z = zip("bad", Map.of(".mdai/mdai_deploy.py", "x", bad, "boom"));
            assertThatThrownBy(() -> u.unpack(z, "bad", "cc")).isInstanceOf(RadflowException.class).hasMessageContaining(bad);
        }
        assertThat(dir.resolve("evil.py")).doesNotExist();
        try (var left = Files.list(dir.resolve("packages"))) {
            assertThat(left.toList()).as("no half-unpacked directories").isEmpty();
        }
    }

    @Test
    void shouldRefuseZipBombsAndPackagesWithoutTheirFiles() throws Exception {
        PackageUnpacker small = new PackageUnpacker(dir.resolve("packages"), 100);
        Path big = zip("big", Map.of(".mdai/mdai_deploy.py", "x".repeat(1000)));
        assertThatThrownBy(() -> small.unpack(big, "big", "dd")).hasMessageContaining("more than 100 bytes");
        PackageUnpacker u = new PackageUnpacker(dir.resolve("packages"), 1 << 20);
        assertThatThrownBy(() -> u.unpack(zip("none", Map.of("README.md", "hi")), "none", "ee"))
                .hasMessageContaining("no .mdai/ folder").hasMessageContaining("README.md");
        assertThatThrownBy(() -> u.unpack(zip("two", Map.of("a/.mdai/mdai_deploy.py", "x", "b/.mdai/mdai_deploy.py", "x")), "two", "ff"))
                .hasMessageContaining("several model folders");
    }
}

package io.radflow.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.error.Reason;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileContentStoreTest {

    @TempDir
    Path dir;

    @Test
    void shouldStoreByContentAndReadItBack() {
        FileContentStore store = new FileContentStore(dir.resolve("store"));
        byte[] bytes = "hello dicom".getBytes(StandardCharsets.UTF_8);
        StoredContent a = store.put(new ByteArrayInputStream(bytes));
        StoredContent b = store.put(new ByteArrayInputStream(bytes));

        assertThat(a).isEqualTo(b);
        // echo -n "hello dicom" | sha256sum
        assertThat(a.sha256()).isEqualTo("05a717a562ea39b26f4f24820091c82d381f336e874c5f7bedc1d6a86e8e4732");
        assertThat(a.sizeBytes()).isEqualTo(bytes.length);
        assertThat(store.read(a.uri(), 1024)).isEqualTo(bytes);
        assertThat(dir.resolve("store").resolve("incoming")).isEmptyDirectory();
    }

    @Test
    void shouldRefuseFilesOutsideItsRoot() throws Exception {
        FileContentStore store = new FileContentStore(dir.resolve("store"));
        Path secret = Files.writeString(dir.resolve("secret.txt"), "no");
        assertThatThrownBy(() -> store.open(secret.toUri()))
                .isInstanceOf(ContentException.class).hasMessageContaining("outside the content store");
        URI escaping = URI.create(store.root().toUri() + "../secret.txt");
        assertThatThrownBy(() -> store.open(escaping)).hasMessageContaining("outside the content store");
    }

    @Test
    void shouldReportMissingContentAsNotFound() {
        FileContentStore store = new FileContentStore(dir.resolve("store"));
        URI missing = store.pathOf("0".repeat(64)).toUri();
        assertThatThrownBy(() -> store.open(missing))
                .isInstanceOf(ContentException.class)
                .extracting(e -> ((ContentException) e).reason()).isEqualTo(Reason.CONTENT_NOT_FOUND);
    }

    @Test
    void shouldRefuseContentOverTheReadLimit() {
        FileContentStore store = new FileContentStore(dir.resolve("store"));
        StoredContent c = store.put(new ByteArrayInputStream(new byte[100]));
        assertThatThrownBy(() -> store.read(c.uri(), 99)).hasMessageContaining("larger than the limit of 99 bytes");
    }

    @Test
    void shouldRouteByScheme() {
        FileContentStore store = new FileContentStore(dir.resolve("store"));
        ContentReaders readers = new ContentReaders(List.of(store));
        assertThatThrownBy(() -> readers.open(URI.create("gopher://x/y")))
                .hasMessageContaining("no content reader for URI scheme 'gopher'");
    }
}

package io.radflow.schemaregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.error.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaFilesTest {

    @TempDir
    Path dir;

    @Test
    void shouldParseAValidSchemaFile() throws Exception {
        Path f = Files.writeString(dir.resolve("ok.avsc"),
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
        assertThat(SchemaFiles.parse(f).getField("a")).isNotNull();
    }

    @Test
    void shouldNameTheFileOfAMalformedSchema() throws Exception {
        Path f = Files.writeString(dir.resolve("broken.avsc"), "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\"");
        assertThatThrownBy(() -> SchemaFiles.parse(f))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("broken.avsc").hasMessageContaining("not a valid Avro schema")
                .extracting(e -> ((SchemaRegistryException) e).reason()).isEqualTo(Reason.INVALID_SCHEMA);
    }

    @Test
    void shouldRejectAnUnknownTypeName() throws Exception {
        Path f = Files.writeString(dir.resolve("unknown.avsc"),
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"Nope\"}]}");
        assertThatThrownBy(() -> SchemaFiles.parse(f)).hasMessageContaining("unknown.avsc").hasMessageContaining("Nope");
    }
}

package io.radflow.schemaregistry;

import io.radflow.common.error.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.AvroRuntimeException;

/** Reads {@code .avsc} files, e.g. a candidate schema to check against a subject before it ships. */
public final class SchemaFiles {

    private SchemaFiles() {
    }

    public static Schema parse(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new SchemaRegistryException(Reason.INVALID_SCHEMA, "cannot read schema file " + file + ": " + e, -1, -1, e);
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (AvroRuntimeException | NullPointerException e) {
            throw new SchemaRegistryException(Reason.INVALID_SCHEMA,
                    "schema file " + file + " is not a valid Avro schema: " + e.getMessage(), -1, -1, e);
        }
    }
}

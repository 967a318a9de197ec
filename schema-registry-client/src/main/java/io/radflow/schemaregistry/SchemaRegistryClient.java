package io.radflow.schemaregistry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry REST API Radflow uses. Implementations cache what
 * never changes (ids by schema, schemas by id), so serdes call the registry once per schema.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its id. */
    int register(String subject, Schema schema);

    /** Finds {@code schema} among the versions of {@code subject}, without registering it. */
    RegisteredSchema lookup(String subject, Schema schema);

    /** The schema with this id (ids are global, not per subject). */
    Schema getById(int id);

    RegisteredSchema latest(String subject);

    List<String> subjects();

    /** The subject's compatibility level, or the registry's global level when the subject has none. */
    CompatibilityLevel compatibility(String subject);

    void setCompatibility(String subject, CompatibilityLevel level);

    /** Would {@code schema} be accepted as the next version of {@code subject}? */
    CompatibilityResult testCompatibility(String subject, Schema schema);

    @Override
    default void close() {
    }
}

package io.radflow.schemaregistry;

import io.radflow.common.error.Reason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A schema registry held in memory, for TopologyTestDriver unit tests only (integration tests use
 * the real Apicurio Registry); the one every module's unit tests share. It lives beside the client
 * interface rather than in test-support because this module's own tests depend on test-support
 * (after Confluent's MockSchemaRegistryClient, which ships with its client). It keeps the behaviour the serdes depend on: ids are global and
 * assigned by schema content, registering is idempotent, and an unknown id is an error, so the
 * real serializer and deserializer run unchanged over it.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private final Map<String, Integer> idsByCanonicalSchema = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        String canonical = schema.toString();
        int id = idsByCanonicalSchema.computeIfAbsent(canonical, c -> idsByCanonicalSchema.size() + 1);
        schemasById.putIfAbsent(id, schema);
        List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    @Override
    public synchronized RegisteredSchema lookup(String subject, Schema schema) {
        Integer id = idsByCanonicalSchema.get(schema.toString());
        List<Integer> versions = versionsBySubject.getOrDefault(subject, List.of());
        if (id == null || !versions.contains(id)) {
            throw new SchemaRegistryException(Reason.SCHEMA_NOT_FOUND, "schema not registered under " + subject);
        }
        return new RegisteredSchema(subject, id, versions.indexOf(id) + 1, schema);
    }

    @Override
    public synchronized Schema getById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(Reason.SCHEMA_NOT_FOUND, "no schema with id " + id);
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SchemaRegistryException(Reason.SUBJECT_NOT_FOUND, "no subject " + subject);
        }
        int id = versions.get(versions.size() - 1);
        return new RegisteredSchema(subject, id, versions.size(), schemasById.get(id));
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        throw new UnsupportedOperationException("compatibility checks are not part of the serde path; use the real registry");
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        throw new UnsupportedOperationException("compatibility checks are not part of the serde path; use the real registry");
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        throw new UnsupportedOperationException("compatibility checks are not part of the serde path; use the real registry");
    }
}

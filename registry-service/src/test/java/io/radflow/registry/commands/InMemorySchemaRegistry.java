package io.radflow.registry.commands;

import io.radflow.schemaregistry.CompatibilityLevel;
import io.radflow.schemaregistry.CompatibilityResult;
import io.radflow.schemaregistry.RegisteredSchema;
import io.radflow.schemaregistry.SchemaRegistryClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Just enough of a schema registry for TopologyTestDriver unit tests (register, get by id).
 * Integration tests use the real Apicurio Registry.
 */
final class InMemorySchemaRegistry implements SchemaRegistryClient {

    private final List<Schema> schemas = new ArrayList<>();
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        return ids.computeIfAbsent(schema.toString(), s -> {
            schemas.add(schema);
            return schemas.size();
        });
    }

    @Override
    public synchronized Schema getById(int id) {
        return schemas.get(id - 1);
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        throw new UnsupportedOperationException();
    }

    @Override
    public RegisteredSchema latest(String subject) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<String> subjects() {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        throw new UnsupportedOperationException();
    }
}

package io.radflow.schemaregistry;

import org.apache.avro.Schema;

/** A schema as the registry knows it under one subject. */
public record RegisteredSchema(String subject, int id, int version, Schema schema) {
}

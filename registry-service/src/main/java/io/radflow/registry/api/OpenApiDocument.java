package io.radflow.registry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI 3 description of the API, written by hand in {@code openapi.yaml} (easier to read
 * and review than generated text) and served as JSON. A test checks it against the routes
 * Javalin actually serves, both ways. The prediction view serves its own document the same way.
 */
public final class OpenApiDocument {

    private static final String RESOURCE = "/io/radflow/registry/openapi.yaml";
    private static volatile String json;

    private OpenApiDocument() {
    }

    public static JsonNode tree() {
        return tree(RESOURCE);
    }

    /** A YAML document on the classpath, read as a tree. */
    public static JsonNode tree(String resource) {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    public static String json() {
        if (json == null) {
            json = json(RESOURCE);
        }
        return json;
    }

    /** A YAML document on the classpath as pretty-printed JSON. */
    public static String json(String resource) {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree(resource));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

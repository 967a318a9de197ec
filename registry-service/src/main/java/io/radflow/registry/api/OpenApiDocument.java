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
 * Javalin actually serves, both ways.
 */
public final class OpenApiDocument {

    private static final String RESOURCE = "/io/radflow/registry/openapi.yaml";
    private static volatile String json;

    private OpenApiDocument() {
    }

    public static JsonNode tree() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    public static String json() {
        if (json == null) {
            try {
                json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return json;
    }
}

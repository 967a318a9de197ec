package io.radflow.registry.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.radflow.registry.RegistryException;
import io.radflow.registry.commands.Enums;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON request body read field by field, so each mistake gets a precise message (which field,
 * what was expected) and absent fields stay distinguishable from explicit nulls.
 */
final class JsonBody {

    private final ObjectNode node;
    private final String where;

    private JsonBody(ObjectNode node, String where) {
        this.node = node;
        this.where = where;
    }

    /** An empty body is an empty object. */
    static JsonBody parse(ObjectMapper mapper, String body) {
        if (body == null || body.isBlank()) {
            return new JsonBody(mapper.createObjectNode(), "");
        }
        JsonNode parsed;
        try {
            parsed = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw RegistryException.invalid("malformed JSON: " + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (!(parsed instanceof ObjectNode object)) {
            throw RegistryException.invalid("the request body must be a JSON object");
        }
        return new JsonBody(object, "");
    }

    /** Refuses fields other than {@code allowed} (typos must not be ignored silently). */
    JsonBody allow(Set<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw RegistryException.invalid("unknown field '" + where + name + "'; expected " + allowed.stream().sorted().toList());
            }
        }
        return this;
    }

    boolean has(String field) {
        return node.has(field);
    }

    String string(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(field, "a string");
        }
        return v.asText();
    }

    Boolean bool(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw wrongType(field, "true or false");
        }
        return v.asBoolean();
    }

    Integer integer(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw wrongType(field, "an integer");
        }
        return v.asInt();
    }

    int integer(String field, int fallback, int min, int max) {
        Integer v = integer(field);
        int value = v == null ? fallback : v;
        if (value < min || value > max) {
            throw RegistryException.invalid("field '" + where + field + "' must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    <E extends Enum<E>> E enumValue(String field, Class<E> type) {
        String v = string(field);
        return v == null ? null : Enums.parse(type, v, "'" + where + field + "' value");
    }

    JsonBody object(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!(v instanceof ObjectNode object)) {
            throw wrongType(field, "an object");
        }
        return new JsonBody(object, where + field + ".");
    }

    List<JsonBody> objects(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw wrongType(field, "an array of objects");
        }
        List<JsonBody> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!(v.get(i) instanceof ObjectNode object)) {
                throw RegistryException.invalid("field '" + where + field + "[" + i + "]' must be an object");
            }
            out.add(new JsonBody(object, where + field + "[" + i + "]."));
        }
        return out;
    }

    List<Integer> integers(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw wrongType(field, "an array of integers");
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isIntegralNumber() || !item.canConvertToInt()) {
                throw wrongType(field, "an array of integers");
            }
            out.add(item.asInt());
        }
        return out;
    }

    List<String> strings(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw wrongType(field, "an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw RegistryException.invalid("field '" + where + field + "[" + i + "]' must be a string");
            }
            out.add(v.get(i).asText());
        }
        return out;
    }

    /** An object of scalars, kept as strings ({"threshold": 0.5} gives "0.5"). */
    Map<String, String> stringMap(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw wrongType(field, "an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        v.fields().forEachRemaining(e -> {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw RegistryException.invalid("field '" + where + field + "." + e.getKey() + "' must be a string, number or boolean");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    private RegistryException wrongType(String field, String expected) {
        return RegistryException.invalid("field '" + where + field + "' must be " + expected);
    }
}

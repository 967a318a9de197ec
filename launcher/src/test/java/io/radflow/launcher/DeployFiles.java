package io.radflow.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads the files under {@code deploy/} with real parsers: YAML with SnakeYAML (merge keys
 * resolved, as docker compose does; SnakeYAML reaches the launcher through Jackson's YAML module),
 * JSON with Jackson, Dockerfiles instruction by instruction.
 */
final class DeployFiles {

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final Path DEPLOY = REPO.resolve("deploy");

    private static final ObjectMapper JSON = new ObjectMapper();

    private DeployFiles() {
    }

    /** Every regular file under deploy/, sorted. */
    static List<Path> all() {
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> under(String folder, String... suffixes) {
        Path root = DEPLOY.resolve(folder);
        return all().stream().filter(p -> p.startsWith(root))
                .filter(p -> Stream.of(suffixes).anyMatch(s -> p.getFileName().toString().endsWith(s))).toList();
    }

    static String relative(Path file) {
        return DEPLOY.relativize(file).toString().replace('\\', '/');
    }

    /** Every document of a YAML file (empty documents dropped); each must be a mapping. */
    static List<Map<String, Object>> yamlDocuments(Path file) {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file)) {
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(r)) {
                if (doc == null) {
                    continue;
                }
                if (!(doc instanceof Map<?, ?>)) {
                    throw new AssertionError(relative(file) + ": a YAML document is not a mapping: " + doc);
                }
                docs.add(map(doc));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    static Map<String, Object> yaml(Path file) {
        List<Map<String, Object>> docs = yamlDocuments(file);
        if (docs.size() != 1) {
            throw new AssertionError(relative(file) + ": expected one YAML document, found " + docs.size());
        }
        return docs.get(0);
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError(relative(file) + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- walking parsed YAML ---

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        if (node == null) {
            return Map.of();
        }
        if (!(node instanceof Map<?, ?>)) {
            throw new AssertionError("not a mapping: " + node);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<Object, Object>) node).forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    static List<Object> list(Object node) {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof List<?> l)) {
            throw new AssertionError("not a list: " + node);
        }
        return new ArrayList<>(l);
    }

    /** The node at a path of mapping keys, or null. */
    static Object at(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    static String text(Object node, String... path) {
        Object value = at(node, path);
        return value == null ? null : String.valueOf(value);
    }

    static List<Map<String, Object>> maps(Object node) {
        return list(node).stream().map(DeployFiles::map).toList();
    }

    static List<String> strings(Object node) {
        return list(node).stream().map(String::valueOf).toList();
    }

    /** A Dockerfile as instructions (keyword upper-cased, continuation lines joined, comments dropped). */
    record Instruction(String keyword, String arguments) {
    }

    static List<Instruction> dockerfile(Path file) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : read(file).split("\n", -1)) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && pending.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String instruction = pending.toString().strip();
            pending.setLength(0);
            if (instruction.isEmpty()) {
                continue;
            }
            int space = instruction.indexOf(' ');
            if (space < 0) {
                throw new AssertionError(relative(file) + ": instruction without arguments: " + instruction);
            }
            out.add(new Instruction(instruction.substring(0, space).toUpperCase(java.util.Locale.ROOT),
                    instruction.substring(space + 1).strip()));
        }
        if (!pending.isEmpty()) {
            throw new AssertionError(relative(file) + ": ends inside a continued line");
        }
        return out;
    }

    /** The exec form of ENTRYPOINT/CMD: a JSON array of strings. */
    static List<String> execForm(Instruction instruction) {
        try {
            JsonNode node = JSON.readTree(instruction.arguments());
            if (!node.isArray()) {
                throw new AssertionError(instruction.keyword() + " is not in exec form: " + instruction.arguments());
            }
            List<String> out = new ArrayList<>();
            node.forEach(n -> out.add(n.asText()));
            return out;
        } catch (IOException e) {
            throw new AssertionError(instruction.keyword() + " is not in exec form: " + instruction.arguments(), e);
        }
    }
}

package io.radflow.common.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validated configuration of one component. {@link #load} reads every declared key from the
 * sources in order of precedence (first wins: command line, environment, file), parses and
 * validates all of them, and fails once with every problem listed, so an operator fixes a bad
 * deployment in one go.
 */
public final class RadflowConfig {

    private final ConfigDefinition definition;
    private final Map<String, Object> values;
    private final Map<String, String> origins;
    private final List<ConfigSource> sources;

    private RadflowConfig(ConfigDefinition definition, Map<String, Object> values, Map<String, String> origins,
                          List<ConfigSource> sources) {
        this.definition = definition;
        this.values = values;
        this.origins = origins;
        this.sources = sources;
    }

    /** @param sources highest precedence first */
    public static RadflowConfig load(ConfigDefinition definition, List<ConfigSource> sources) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> values = new HashMap<>();
        Map<String, String> origins = new HashMap<>();
        for (ConfigKey<?> key : definition.keys()) {
            resolve(key, sources, values, origins, problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new RadflowConfig(definition, values, origins, List.copyOf(sources));
    }

    public static RadflowConfig load(ConfigDefinition definition, ConfigSource... sources) {
        return load(definition, List.of(sources));
    }

    private static <T> void resolve(ConfigKey<T> key, List<ConfigSource> sources, Map<String, Object> values,
                                    Map<String, String> origins, List<String> problems) {
        for (ConfigSource source : sources) {
            Optional<String> raw = source.get(key.name());
            if (raw.isPresent()) {
                String where = key.name() + " (" + source.name() + (source.name().equals("environment") ? " " + key.envName() : "") + ")";
                T value;
                try {
                    value = key.type().parse(raw.get());
                } catch (IllegalArgumentException e) {
                    problems.add(where + ": '" + raw.get() + "' is not valid: " + e.getMessage());
                    return;
                }
                String problem = key.validator().problemWith(value);
                if (problem != null) {
                    problems.add(where + ": '" + raw.get() + "' " + problem);
                    return;
                }
                values.put(key.name(), value);
                origins.put(key.name(), source.name());
                return;
            }
        }
        if (key.required()) {
            problems.add(key.name() + ": required but not set (set " + key.envName() + " or " + key.name() + " in the config file)");
        } else if (key.defaultValue() != null) {
            values.put(key.name(), key.defaultValue());
            origins.put(key.name(), "default");
        }
    }

    /** The value of a declared key; null only for an optional key that is unset. */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        if (!definition.keys().contains(key)) {
            throw new IllegalArgumentException("config key " + key.name() + " is not declared by " + definition.component());
        }
        return (T) values.get(key.name());
    }

    public <T> Optional<T> find(ConfigKey<T> key) {
        return Optional.ofNullable(get(key));
    }

    /** Where a key's value came from: a source name or "default". */
    public String originOf(ConfigKey<?> key) {
        return origins.getOrDefault(key.name(), "unset");
    }

    /** Pass-through settings under a declared prefix, prefix removed; higher-precedence sources win. */
    public Map<String, String> passThrough(String prefix) {
        if (!definition.passThroughPrefixes().contains(prefix)) {
            throw new IllegalArgumentException("prefix " + prefix + " is not declared by " + definition.component());
        }
        Map<String, String> out = new HashMap<>();
        for (int i = sources.size() - 1; i >= 0; i--) {
            out.putAll(sources.get(i).withPrefix(prefix));
        }
        return out;
    }

    public ConfigDefinition definition() {
        return definition;
    }
}

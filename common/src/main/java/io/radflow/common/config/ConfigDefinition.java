package io.radflow.common.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys one component accepts, plus the prefixes whose keys pass through to client libraries
 * unchecked (e.g. {@code kafka.client.}). Definitions combine: a service uses the common keys
 * and its own.
 */
public record ConfigDefinition(String component, List<ConfigKey<?>> keys, List<String> passThroughPrefixes) {

    public ConfigDefinition {
        Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
        for (ConfigKey<?> k : keys) {
            ConfigKey<?> previous = byName.putIfAbsent(k.name(), k);
            if (previous != null && previous != k) {
                throw new IllegalArgumentException("config key declared twice: " + k.name());
            }
        }
        keys = List.copyOf(byName.values());
        passThroughPrefixes = List.copyOf(passThroughPrefixes);
    }

    public static ConfigDefinition of(String component, List<ConfigKey<?>> keys) {
        return new ConfigDefinition(component, keys, List.of());
    }

    public ConfigDefinition and(ConfigDefinition other) {
        List<ConfigKey<?>> all = new ArrayList<>(keys);
        all.addAll(other.keys);
        List<String> prefixes = new ArrayList<>(passThroughPrefixes);
        other.passThroughPrefixes.stream().filter(p -> !prefixes.contains(p)).forEach(prefixes::add);
        return new ConfigDefinition(component + "+" + other.component, all, prefixes);
    }

    public ConfigDefinition withPassThrough(String prefix) {
        List<String> prefixes = new ArrayList<>(passThroughPrefixes);
        prefixes.add(prefix);
        return new ConfigDefinition(component, keys, prefixes);
    }

    /** A Markdown table of the keys, for documentation and {@code --help-config}. */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder("| key | environment | type | default | description |\n|---|---|---|---|---|\n");
        for (ConfigKey<?> k : keys) {
            sb.append("| `").append(k.name()).append("` | `").append(k.envName()).append("` | ")
                    .append(k.type().description()).append(" | ").append(defaultText(k)).append(" | ")
                    .append(k.doc().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static <T> String defaultText(ConfigKey<T> k) {
        if (k.defaultValue() != null) {
            return "`" + k.type().print(k.defaultValue()) + "`";
        }
        return k.optional() ? "(unset)" : "**required**";
    }
}

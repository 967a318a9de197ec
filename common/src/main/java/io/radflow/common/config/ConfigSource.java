package io.radflow.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** A place configuration values come from: command-line overrides, the environment, a properties file. */
public interface ConfigSource {

    /** Where the values come from, for error messages ("environment", "file radflow.properties"). */
    String name();

    Optional<String> get(String key);

    /** Every key under {@code prefix}, with the prefix removed (for pass-through client settings). */
    Map<String, String> withPrefix(String prefix);

    /** Plain key/value pairs, for example command-line options. */
    static ConfigSource of(String name, Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return new ConfigSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<String> get(String key) {
                return Optional.ofNullable(copy.get(key));
            }

            @Override
            public Map<String, String> withPrefix(String prefix) {
                Map<String, String> out = new HashMap<>();
                copy.forEach((k, v) -> {
                    if (k.startsWith(prefix)) {
                        out.put(k.substring(prefix.length()), v);
                    }
                });
                return out;
            }
        };
    }

    /**
     * {@code RADFLOW_*} environment variables: key {@code a.b.c} is read from {@code RADFLOW_A_B_C}.
     * Pass-through keys map back the same way ({@code RADFLOW_KAFKA_CLIENT_SECURITY_PROTOCOL} is
     * {@code security.protocol} under prefix {@code kafka.client.}).
     */
    static ConfigSource environment(Map<String, String> env) {
        Map<String, String> copy = Map.copyOf(env);
        return new ConfigSource() {
            @Override
            public String name() {
                return "environment";
            }

            @Override
            public Optional<String> get(String key) {
                return Optional.ofNullable(copy.get(ConfigKey.envNameOf(key)));
            }

            @Override
            public Map<String, String> withPrefix(String prefix) {
                String envPrefix = ConfigKey.envNameOf(prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix) + "_";
                Map<String, String> out = new HashMap<>();
                copy.forEach((k, v) -> {
                    if (k.startsWith(envPrefix)) {
                        out.put(k.substring(envPrefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
                    }
                });
                return out;
            }
        };
    }

    /** A Java properties file. */
    static ConfigSource propertiesFile(Path file) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            props.load(r);
        } catch (IOException e) {
            throw new ConfigException(java.util.List.of("cannot read config file " + file + ": " + e.getMessage()));
        }
        Map<String, String> values = new HashMap<>();
        props.stringPropertyNames().forEach(k -> values.put(k, props.getProperty(k)));
        ConfigSource inner = of("file " + file, values);
        return inner;
    }
}

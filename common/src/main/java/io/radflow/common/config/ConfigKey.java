package io.radflow.common.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One configuration key, declared once: its name, type, default, validation and documentation.
 * The same key is read from a properties file ({@code name}) and from the environment
 * ({@link #envName()}, e.g. {@code RADFLOW_KAFKA_BOOTSTRAP_SERVERS}).
 *
 * @param defaultValue null means the key is required unless {@code optional} is set
 * @param optional     true when an unset key is valid and reads as null
 */
public record ConfigKey<T>(String name, ConfigType<T> type, T defaultValue, boolean optional,
                           Validator<? super T> validator, String doc) {

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(validator, "validator");
        Objects.requireNonNull(doc, "doc");
        if (!name.matches("[a-z][a-z0-9]*(\\.[a-z0-9]+)*")) {
            throw new IllegalArgumentException("config key names are dotted lower-case words: " + name);
        }
    }

    public static <T> ConfigKey<T> of(String name, ConfigType<T> type, T defaultValue, String doc) {
        return new ConfigKey<>(name, type, defaultValue, false, Validator.any(), doc);
    }

    public static <T> ConfigKey<T> of(String name, ConfigType<T> type, T defaultValue, Validator<? super T> validator, String doc) {
        return new ConfigKey<>(name, type, defaultValue, false, validator, doc);
    }

    public static <T> ConfigKey<T> required(String name, ConfigType<T> type, Validator<? super T> validator, String doc) {
        return new ConfigKey<>(name, type, null, false, validator, doc);
    }

    public static <T> ConfigKey<T> optional(String name, ConfigType<T> type, String doc) {
        return new ConfigKey<>(name, type, null, true, Validator.any(), doc);
    }

    public String envName() {
        return envNameOf(name);
    }

    public boolean required() {
        return defaultValue == null && !optional;
    }

    static String envNameOf(String key) {
        return "RADFLOW_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }
}

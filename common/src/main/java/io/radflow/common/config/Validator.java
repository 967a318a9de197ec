package io.radflow.common.config;

import java.time.Duration;

/** Checks a parsed value; returns null when it is fine, or what is wrong with it. */
@FunctionalInterface
public interface Validator<T> {

    String problemWith(T value);

    static <T> Validator<T> any() {
        return v -> null;
    }

    static Validator<Integer> atLeast(int min) {
        return v -> v < min ? "must be at least " + min : null;
    }

    static Validator<Integer> between(int min, int max) {
        return v -> v < min || v > max ? "must be between " + min + " and " + max : null;
    }

    static Validator<Long> atLeastLong(long min) {
        return v -> v < min ? "must be at least " + min : null;
    }

    static Validator<Duration> positive() {
        return v -> v.isZero() || v.isNegative() ? "must be positive" : null;
    }

    static Validator<Duration> notNegative() {
        return v -> v.isNegative() ? "must not be negative" : null;
    }

    static Validator<String> nonBlank() {
        return v -> v.isBlank() ? "must not be blank" : null;
    }

    /** An absolute http(s) URL with a host. */
    static Validator<java.net.URI> httpUrl() {
        return v -> ("http".equals(v.getScheme()) || "https".equals(v.getScheme())) && v.getHost() != null
                ? null : "must be an http:// or https:// URL with a host";
    }

    /** host:port[,host:port...] as Kafka's bootstrap.servers expects. */
    static Validator<String> hostPortList() {
        return v -> {
            for (String part : v.split(",")) {
                String p = part.trim();
                int colon = p.lastIndexOf(':');
                if (colon <= 0 || colon == p.length() - 1) {
                    return "expected host:port[,host:port...], got '" + p + "'";
                }
                try {
                    int port = Integer.parseInt(p.substring(colon + 1));
                    if (port < 1 || port > 65535) {
                        return "port out of range in '" + p + "'";
                    }
                } catch (NumberFormatException e) {
                    return "port is not a number in '" + p + "'";
                }
            }
            return null;
        };
    }
}

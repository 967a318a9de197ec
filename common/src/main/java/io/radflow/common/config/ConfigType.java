package io.radflow.common.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a configuration value is written as text and parsed back. Parsers throw
 * {@link IllegalArgumentException} with a message that says what was expected.
 */
public record ConfigType<T>(String description, Function<String, T> parser, Function<T, String> printer) {

    public T parse(String raw) {
        return parser.apply(raw.trim());
    }

    public String print(T value) {
        return value == null ? "" : printer.apply(value);
    }

    public static final ConfigType<String> STRING = new ConfigType<>("string", s -> s, s -> s);

    public static final ConfigType<Integer> INT = new ConfigType<>("int", s -> {
        try {
            return Integer.valueOf(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected an integer");
        }
    }, String::valueOf);

    public static final ConfigType<Long> LONG = new ConfigType<>("long", s -> {
        try {
            return Long.valueOf(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected an integer");
        }
    }, String::valueOf);

    public static final ConfigType<Double> DOUBLE = new ConfigType<>("double", s -> {
        try {
            return Double.valueOf(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number");
        }
    }, String::valueOf);

    public static final ConfigType<Boolean> BOOLEAN = new ConfigType<>("boolean", s -> switch (s.toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "1" -> true;
        case "false", "no", "off", "0" -> false;
        default -> throw new IllegalArgumentException("expected true or false");
    }, String::valueOf);

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    /** Durations as {@code 250ms}, {@code 60s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT1M}). */
    public static final ConfigType<Duration> DURATION_TYPE = new ConfigType<>("duration (e.g. 500ms, 60s, 5m)", s -> {
        Matcher m = DURATION.matcher(s.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(s);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("expected a duration such as 500ms, 60s, 5m or PT1M");
        }
    }, d -> d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms");

    public static final ConfigType<URI> URI_TYPE = new ConfigType<>("URI", s -> {
        try {
            URI uri = URI.create(s);
            if (uri.getScheme() == null) {
                throw new IllegalArgumentException("expected an absolute URI such as http://host:port");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() != null && e.getMessage().startsWith("expected")
                    ? e.getMessage() : "expected a URI (" + e.getMessage() + ")");
        }
    }, URI::toString);

    public static final ConfigType<Path> PATH = new ConfigType<>("path", Path::of, Path::toString);

    /** Comma-separated list; blanks are dropped. */
    public static final ConfigType<List<String>> LIST = new ConfigType<>("comma-separated list",
            s -> s.isEmpty() ? List.of() : Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList(),
            l -> String.join(",", l));

    /** An enum constant, case-insensitive. */
    public static <E extends Enum<E>> ConfigType<E> enumType(Class<E> type) {
        String names = String.join(", ", Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
        return new ConfigType<>("one of " + names, s -> {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(s.replace('-', '_'))) {
                    return e;
                }
            }
            throw new IllegalArgumentException("expected one of " + names);
        }, e -> e.name().toLowerCase(Locale.ROOT));
    }
}

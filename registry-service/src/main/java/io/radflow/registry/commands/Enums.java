package io.radflow.registry.commands;

import io.radflow.registry.RegistryException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Enum values as the API reads and writes them: case-insensitive, '-' and '_' alike on input
 * ("scikit-learn", "SCIKIT_LEARN"); lower-case with '-' on output for libraries and file types
 * (Neurodeploy's spelling), the Avro symbol otherwise.
 */
public final class Enums {

    private Enums() {
    }

    public static <E extends Enum<E>> E parse(Class<E> type, String value, String what) {
        if (value == null) {
            return null;
        }
        String wanted = value.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(wanted)) {
                return e;
            }
        }
        throw RegistryException.invalid("unknown " + what + " '" + value + "'; expected one of "
                + Arrays.stream(type.getEnumConstants()).map(Enums::text).toList());
    }

    /** Lower-case with '-' ("scikit-learn", "site-only"). */
    public static String text(Enum<?> value) {
        return value == null ? null : value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

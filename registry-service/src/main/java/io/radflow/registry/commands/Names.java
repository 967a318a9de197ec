package io.radflow.registry.commands;

import io.radflow.registry.RegistryException;
import java.util.regex.Pattern;

/** The shapes of user-chosen identifiers, checked before anything is written. */
public final class Names {

    private Names() {
    }

    /** Model names appear in URLs: letters, digits, '.', '_' and '-', starting with a letter or digit. */
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** Project ids and user ids: lower-case, no '/', usable as Kafka keys and in URLs. */
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    public static String modelName(String name) {
        if (name == null || !MODEL_NAME.matcher(name).matches()) {
            throw RegistryException.invalid("invalid model name '" + name + "': use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    public static String projectId(String id) {
        return id(id, "project id");
    }

    public static String userId(String id) {
        return id(id, "user id");
    }

    public static String siteId(String id) {
        return id(id, "site id");
    }

    private static String id(String id, String what) {
        if (id == null || !ID.matcher(id).matches()) {
            throw RegistryException.invalid("invalid " + what + " '" + id + "': use 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return id;
    }
}

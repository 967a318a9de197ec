package io.radflow.trigger.settings;

import io.radflow.schemas.avro.Scope;
import java.util.Map;
import java.util.Objects;

/** The model version auto-run uses, with what a job needs from it: its scope and default args. */
public record ActiveVersion(int version, Scope scope, Map<String, String> args) {

    public ActiveVersion {
        Objects.requireNonNull(scope, "scope");
        args = Map.copyOf(args);
    }
}

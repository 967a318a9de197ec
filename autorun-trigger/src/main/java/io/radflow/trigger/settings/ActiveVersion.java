package io.radflow.trigger.settings;

import io.radflow.schemas.avro.Scope;
import io.radflow.schemas.routing.InstanceRouting;
import java.util.Map;
import java.util.Objects;

/**
 * The model version auto-run uses, with what a job needs from it: its scope, default args, and the
 * routing rules that say which instances it takes.
 */
public record ActiveVersion(int version, Scope scope, Map<String, String> args, InstanceRouting routing) {

    public ActiveVersion {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(routing, "routing");
        args = Map.copyOf(args);
    }

    /** A version that takes every image. */
    public ActiveVersion(int version, Scope scope, Map<String, String> args) {
        this(version, scope, args, InstanceRouting.EVERY_IMAGE);
    }
}

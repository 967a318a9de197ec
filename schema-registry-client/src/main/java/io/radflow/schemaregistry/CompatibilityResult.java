package io.radflow.schemaregistry;

import java.util.List;

/** Answer of a compatibility check; {@code messages} explains an incompatibility when the registry says why. */
public record CompatibilityResult(boolean compatible, List<String> messages) {
}

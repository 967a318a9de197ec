package io.radflow.trigger.settings;

/** A model that auto-runs on an upload, with the version it runs. */
public record EligibleModel(String modelId, ActiveVersion version) {
}

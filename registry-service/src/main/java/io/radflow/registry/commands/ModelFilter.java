package io.radflow.registry.commands;

import io.radflow.schemas.avro.ModelSettings;

/**
 * The filters of {@code GET /ml-models}.
 *
 * @param deleted   true: only archived models; false: only active ones
 * @param used      null: either; true: models some job has run; false: never run
 * @param projectId null: every project
 */
public record ModelFilter(boolean deleted, Boolean used, String projectId) {

    public boolean matches(ModelSettings model) {
        return (model.getArchivedAt() != null) == deleted
                && (used == null || (model.getLastUsedAt() != null) == used)
                && (projectId == null || projectId.equals(model.getProjectId()));
    }
}

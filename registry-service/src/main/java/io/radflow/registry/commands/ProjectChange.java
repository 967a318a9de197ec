package io.radflow.registry.commands;

import io.radflow.schemas.avro.ExportDestination;
import io.radflow.schemas.avro.ProjectMember;
import io.radflow.schemas.avro.Visibility;
import java.util.List;

/**
 * Project settings a request sets; null leaves a setting as it is (or at its default on creation).
 * {@code exportDestination} kind CONTENT_STORE puts a project back to the content store alone.
 */
public record ProjectChange(String name, String siteId, Visibility visibility, Boolean exportDisabled, List<ProjectMember> members,
                            ExportDestination exportDestination) {

    /** Whether the request sets the export switch and nothing else (what model owners may send). */
    public boolean onlyExportSwitch() {
        return exportDisabled != null && name == null && siteId == null && visibility == null && members == null
                && exportDestination == null;
    }
}

package io.radflow.registry.commands;

import io.radflow.schemas.avro.ProjectMember;
import io.radflow.schemas.avro.Visibility;
import java.util.List;

/** Project settings a request sets; null leaves a setting as it is (or at its default on creation). */
public record ProjectChange(String name, String siteId, Visibility visibility, Boolean exportDisabled, List<ProjectMember> members) {
}

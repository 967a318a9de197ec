package io.radflow.viewer.api;

import io.javalin.http.Context;
import io.radflow.registry.RegistryException;
import io.radflow.registry.api.HttpSupport;
import io.radflow.registry.auth.AccessPolicy;
import io.radflow.registry.auth.ApiKeyAuthenticator;
import io.radflow.registry.auth.Caller;
import io.radflow.registry.view.RegistryView;
import io.radflow.schemas.avro.ProjectSettings;
import java.util.Optional;

/**
 * The registry's rules applied to the viewer: who is calling (the same API keys), and which
 * project they may read. Members see their projects, everyone sees public projects, system
 * admins see every project; for anyone else a project is 404, as if it did not exist.
 */
final class Access {

    private final HttpSupport support;
    private final RegistryView registry;

    Access(ApiKeyAuthenticator keys, RegistryView registry) {
        this.support = new HttpSupport(keys::authenticate);
        this.registry = registry;
    }

    Caller caller(Context ctx) {
        return support.caller(ctx);
    }

    /** The {@code project} query parameter, once the caller may read that project. */
    String readableProject(Context ctx) {
        String projectId = ctx.queryParam("project");
        if (projectId == null || projectId.isBlank()) {
            throw RegistryException.invalid("query parameter project is required (the project whose studies to read)");
        }
        Caller caller = caller(ctx);
        Optional<ProjectSettings> project = registry.project(projectId);
        if (project.isEmpty()) {
            // Data may name a project the registry does not know (yet); only system admins see it.
            if (!caller.systemAdmin()) {
                throw AccessPolicy.projectNotFound(projectId);
            }
            return projectId;
        }
        AccessPolicy.requireReadProject(caller, project.get());
        return projectId;
    }

    boolean canRead(Caller caller, ProjectSettings project) {
        return AccessPolicy.canReadProject(caller, project);
    }
}

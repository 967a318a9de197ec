package io.radflow.registry.commands;

import io.radflow.registry.RegistryException;
import io.radflow.registry.RegistryMetrics;
import io.radflow.registry.auth.AccessPolicy;
import io.radflow.registry.auth.Caller;
import io.radflow.registry.view.RegistryView;
import io.radflow.schemas.avro.ProjectMember;
import io.radflow.schemas.avro.ProjectRole;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.schemas.avro.PutProject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Projects: members and roles, visibility (models of a public project are public), export
 * switch (project admins, and model owners to switch export off), site. Any authenticated user may create a project in this registry's default site and
 * becomes its admin; only system admins place projects in other sites or move them.
 */
public final class ProjectService {

    private final RegistryView view;
    private final Clock clock;
    private final String defaultSite;
    private final CompareAndSet<ProjectSettings> writes;

    public ProjectService(RegistryView view, CommandGateway gateway, Clock clock, Duration timeout, String defaultSite,
                          RegistryMetrics metrics) {
        this.view = view;
        this.clock = clock;
        this.defaultSite = defaultSite;
        this.writes = new CompareAndSet<>(new CompareAndSet.Kind<ProjectSettings>("project", view::project,
                ProjectSettings::getRevision, ProjectSettings::getProjectId, PutProject::new, view::awaitProject),
                gateway, timeout, metrics);
    }

    public ProjectSettings create(Caller caller, String projectId, ProjectChange change) {
        String creator = caller.requireUser();
        Names.projectId(projectId);
        if (DefaultProjects.reservedForAnother(projectId, caller)) {
            throw RegistryException.invalid("project ids starting with '" + DefaultProjects.PREFIX
                    + "' are reserved for users' default projects; choose another id");
        }
        String site = change.siteId() != null ? Names.siteId(change.siteId()) : defaultSite;
        if (!site.equals(defaultSite) && !caller.systemAdmin()) {
            throw RegistryException.forbidden("only system admins create projects in another site than '" + defaultSite + "'");
        }
        if (view.project(projectId).isPresent()) {
            throw RegistryException.alreadyExists("project '" + projectId + "' already exists");
        }
        List<ProjectMember> members = new ArrayList<>(change.members() != null ? change.members() : List.of());
        if (members.stream().noneMatch(m -> m.getUserId().equals(creator))) {
            members.add(0, new ProjectMember(creator, ProjectRole.ADMIN));
        }
        var now = clock.instant();
        ProjectSettings.Builder project = ProjectSettings.newBuilder().setProjectId(projectId)
                .setName(change.name() != null ? change.name() : projectId).setSiteId(site)
                .setMembers(validMembers(members)).setCreatedAt(now).setUpdatedAt(now).setRevision(0);
        Optional.ofNullable(change.visibility()).ifPresent(project::setVisibility);
        Optional.ofNullable(change.exportDisabled()).ifPresent(project::setExportDisabled);
        Optional.ofNullable(change.exportDestination()).ifPresent(project::setExportDestination);
        return writes.create(projectId, project.build(), caller.name(),
                reply -> RegistryException.alreadyExists("project '" + projectId + "' already exists"));
    }

    public ProjectSettings get(Caller caller, String projectId) {
        ProjectSettings project = view.project(projectId).orElseThrow(() -> AccessPolicy.projectNotFound(projectId));
        AccessPolicy.requireReadProject(caller, project);
        return project;
    }

    public List<ProjectSettings> list(Caller caller) {
        return view.projects().stream().filter(p -> AccessPolicy.canReadProject(caller, p))
                .sorted(Comparator.comparing(ProjectSettings::getProjectId)).toList();
    }

    public ProjectSettings update(Caller caller, String projectId, ProjectChange change) {
        get(caller, projectId);
        return writes.update(projectId, OptionalLong.empty(), current -> {
            if (change.onlyExportSwitch() && !AccessPolicy.isProjectAdmin(caller, current)) {
                AccessPolicy.requireExportSwitch(caller, current, change.exportDisabled(), ownsModelIn(caller, projectId));
            } else {
                AccessPolicy.requireManageProject(caller, current);
            }
            ProjectSettings.Builder next = ProjectSettings.newBuilder(current);
            Optional.ofNullable(change.name()).ifPresent(next::setName);
            Optional.ofNullable(change.visibility()).ifPresent(next::setVisibility);
            Optional.ofNullable(change.exportDisabled()).ifPresent(next::setExportDisabled);
            Optional.ofNullable(change.exportDestination()).ifPresent(next::setExportDestination);
            Optional.ofNullable(change.members()).map(ProjectService::validMembers).ifPresent(next::setMembers);
            if (change.siteId() != null && !change.siteId().equals(current.getSiteId())) {
                if (!caller.systemAdmin()) {
                    throw RegistryException.forbidden("only system admins move a project to another site");
                }
                next.setSiteId(Names.siteId(change.siteId()));
            }
            ProjectSettings built = next.build();
            return built.equals(current) ? current : ProjectSettings.newBuilder(built).setUpdatedAt(clock.instant()).build();
        }, caller.name());
    }

    /** Owners of a project's (not deleted) models may disable its export. */
    private boolean ownsModelIn(Caller caller, String projectId) {
        return view.models().stream().anyMatch(m -> m.getProjectId().equals(projectId) && m.getArchivedAt() == null
                && caller.is(m.getOwnerId()));
    }

    /** Adds a member or changes their role. */
    public ProjectSettings putMember(Caller caller, String projectId, String userId, ProjectRole role) {
        Names.userId(userId);
        return update(caller, projectId, current -> {
            List<ProjectMember> members = new ArrayList<>(current.getMembers().stream().filter(m -> !m.getUserId().equals(userId)).toList());
            members.add(new ProjectMember(userId, role));
            return members;
        });
    }

    public ProjectSettings removeMember(Caller caller, String projectId, String userId) {
        ProjectSettings project = get(caller, projectId);
        if (project.getMembers().stream().noneMatch(m -> m.getUserId().equals(userId))) {
            throw RegistryException.notFound("user '" + userId + "' is not a member of project '" + projectId + "'");
        }
        return update(caller, projectId, current -> current.getMembers().stream().filter(m -> !m.getUserId().equals(userId)).toList());
    }

    private ProjectSettings update(Caller caller, String projectId, java.util.function.Function<ProjectSettings, List<ProjectMember>> members) {
        get(caller, projectId);
        return writes.update(projectId, OptionalLong.empty(), current -> {
            AccessPolicy.requireManageProject(caller, current);
            List<ProjectMember> next = validMembers(members.apply(current));
            return next.equals(current.getMembers()) ? current
                    : ProjectSettings.newBuilder(current).setMembers(next).setUpdatedAt(clock.instant()).build();
        }, caller.name());
    }

    private static List<ProjectMember> validMembers(List<ProjectMember> members) {
        Set<String> seen = new HashSet<>();
        for (ProjectMember m : members) {
            Names.userId(m.getUserId());
            if (!seen.add(m.getUserId())) {
                throw RegistryException.invalid("user '" + m.getUserId() + "' is listed twice among the members");
            }
        }
        return List.copyOf(members);
    }
}

package io.radflow.registry.auth;

import io.radflow.registry.RegistryException;
import io.radflow.schemas.avro.Cloneability;
import io.radflow.schemas.avro.ExportAudience;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ProjectMember;
import io.radflow.schemas.avro.ProjectRole;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.schemas.avro.Visibility;
import java.util.Optional;

/**
 * Who may do what, in one place. The order of the checks fixes the status a caller gets: models
 * a caller may not read are 404 (private models are invisible, even their existence), then
 * anonymous callers get 401 for anything but reading, then callers who can see a model but not
 * change it get 403.
 *
 * <ul>
 *   <li>read: everyone for public models (public model or public project); otherwise the owner,
 *       the project's members and system admins;</li>
 *   <li>manage (settings, versions, delete, clone codes): the owner, project admins, system admins;</li>
 *   <li>export: only when the model is exportable and its project allows export, then the owner
 *       (and system admins), or also project members when the model's export audience is PROJECT;</li>
 *   <li>clone codes (MD.ai's rule): whoever may read a cloneable model and has an API key, so any
 *       member of its project, and anyone for a public model; listing and revoking codes: the
 *       model's managers, and each code's creator for that code;</li>
 *   <li>the project's export switch: project admins both ways; owners of a model in the project
 *       may switch export off (MD.ai: "model owners and project admins can disable export"), not
 *       back on, so one owner cannot undo another's or an admin's decision.</li>
 * </ul>
 */
public final class AccessPolicy {

    private AccessPolicy() {
    }

    public static Optional<ProjectRole> role(ProjectSettings project, Caller caller) {
        if (project == null || caller.anonymous()) {
            return Optional.empty();
        }
        return project.getMembers().stream().filter(m -> caller.is(m.getUserId())).map(ProjectMember::getRole).findFirst();
    }

    public static boolean isPublic(ModelSettings model, ProjectSettings project) {
        return model.getVisibility() == Visibility.PUBLIC || (project != null && project.getVisibility() == Visibility.PUBLIC);
    }

    public static boolean canRead(Caller caller, ModelSettings model, ProjectSettings project) {
        return isPublic(model, project) || caller.systemAdmin() || caller.is(model.getOwnerId()) || role(project, caller).isPresent();
    }

    public static boolean canManage(Caller caller, ModelSettings model, ProjectSettings project) {
        return !caller.anonymous() && (caller.systemAdmin() || caller.is(model.getOwnerId())
                || role(project, caller).filter(r -> r == ProjectRole.ADMIN).isPresent());
    }

    public static void requireRead(Caller caller, ModelSettings model, ProjectSettings project) {
        if (!canRead(caller, model, project)) {
            throw modelNotFound(model.getName());
        }
    }

    /**
     * Running a model over a project's data (a run): a member of the model's project, or a system
     * admin; who may not even read the model gets 404, who reads it without being a member 403.
     */
    public static void requireRun(Caller caller, ModelSettings model, ProjectSettings project) {
        requireRead(caller, model, project);
        caller.requireUser();
        if (!caller.systemAdmin() && role(project, caller).isEmpty()) {
            throw RegistryException.forbidden("only members of project '" + model.getProjectId() + "' may run its models");
        }
    }

    /** Reading a run: whoever may read the run's project (members; everyone for a public project). */
    public static boolean canReadRun(Caller caller, ProjectSettings project) {
        return canReadProject(caller, project);
    }

    public static void requireManage(Caller caller, ModelSettings model, ProjectSettings project) {
        requireRead(caller, model, project);
        caller.requireUser();
        if (!canManage(caller, model, project)) {
            throw RegistryException.forbidden("only the owner of model '" + model.getName() + "' or an admin of project '"
                    + model.getProjectId() + "' may change it");
        }
    }

    public static void requireExport(Caller caller, ModelSettings model, ProjectSettings project) {
        requireRead(caller, model, project);
        caller.requireUser();
        if (project != null && project.getExportDisabled()) {
            throw RegistryException.forbidden("project '" + project.getProjectId() + "' has disabled model export");
        }
        if (!model.getExportable()) {
            throw RegistryException.forbidden("model '" + model.getName() + "' is not exportable");
        }
        boolean owner = caller.systemAdmin() || caller.is(model.getOwnerId());
        boolean member = role(project, caller).isPresent();
        if (!owner && !(model.getExportAudience() == ExportAudience.PROJECT && member)) {
            throw RegistryException.forbidden(model.getExportAudience() == ExportAudience.OWNER
                    ? "only the owner may export model '" + model.getName() + "'"
                    : "only the owner and members of project '" + model.getProjectId() + "' may export model '" + model.getName() + "'");
        }
    }

    /**
     * Creating a clone code: a model is cloneable by whoever can see it (private models are seen
     * only by their project's members, owner and system admins), provided its owner made it cloneable.
     */
    public static void requireCloneCode(Caller caller, ModelSettings model, ProjectSettings project) {
        requireRead(caller, model, project);
        caller.requireUser();
        if (model.getCloneable() == Cloneability.NONE) {
            throw RegistryException.forbidden("model '" + model.getName() + "' is not cloneable");
        }
    }

    /** Listing a model's clone codes: its managers see them all, others only the ones they created. */
    public static boolean seesAllCloneCodes(Caller caller, ModelSettings model, ProjectSettings project) {
        requireRead(caller, model, project);
        caller.requireUser();
        return canManage(caller, model, project);
    }

    /** Revoking a clone code: the model's managers, or whoever created that code. */
    public static void requireRevokeCloneCode(Caller caller, ModelSettings model, ProjectSettings project, String createdBy) {
        requireRead(caller, model, project);
        caller.requireUser();
        if (!canManage(caller, model, project) && !caller.is(createdBy)) {
            throw RegistryException.forbidden("only whoever created this clone code, the owner of model '" + model.getName()
                    + "' or an admin of project '" + model.getProjectId() + "' may revoke it");
        }
    }

    /**
     * Changing a project's export switch. Admins may do anything {@link #requireManageProject} allows;
     * a member who owns one of the project's models may only switch export off.
     *
     * @param ownsModel whether the caller owns a model of this project
     */
    public static void requireExportSwitch(Caller caller, ProjectSettings project, boolean disable, boolean ownsModel) {
        requireReadProject(caller, project);
        caller.requireUser();
        if (isProjectAdmin(caller, project)) {
            return;
        }
        if (!ownsModel) {
            throw RegistryException.forbidden("only admins of project '" + project.getProjectId()
                    + "' and owners of its models may disable model export");
        }
        if (!disable) {
            throw RegistryException.forbidden("model owners may disable export for project '" + project.getProjectId()
                    + "'; only its admins may allow export again");
        }
    }

    public static boolean isProjectAdmin(Caller caller, ProjectSettings project) {
        return caller.systemAdmin() || role(project, caller).filter(r -> r == ProjectRole.ADMIN).isPresent();
    }

    public static boolean canReadProject(Caller caller, ProjectSettings project) {
        return project.getVisibility() == Visibility.PUBLIC || caller.systemAdmin() || role(project, caller).isPresent();
    }

    public static void requireReadProject(Caller caller, ProjectSettings project) {
        if (!canReadProject(caller, project)) {
            throw projectNotFound(project.getProjectId());
        }
    }

    public static void requireManageProject(Caller caller, ProjectSettings project) {
        requireReadProject(caller, project);
        caller.requireUser();
        if (!caller.systemAdmin() && role(project, caller).filter(r -> r == ProjectRole.ADMIN).isEmpty()) {
            throw RegistryException.forbidden("only admins of project '" + project.getProjectId() + "' may change it");
        }
    }

    /** Creating a model in a project (directly or by redeeming a clone code) takes membership. */
    public static void requireCreateModelIn(Caller caller, ProjectSettings project) {
        requireReadProject(caller, project);
        caller.requireUser();
        if (!caller.systemAdmin() && role(project, caller).isEmpty()) {
            throw RegistryException.forbidden("only members of project '" + project.getProjectId() + "' may add models to it");
        }
    }

    public static RegistryException modelNotFound(String name) {
        return RegistryException.notFound("model '" + name + "' not found");
    }

    public static RegistryException projectNotFound(String id) {
        return RegistryException.notFound("project '" + id + "' not found");
    }
}

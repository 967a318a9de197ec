package io.radflow.registry.commands;

import io.radflow.common.error.Reason;
import io.radflow.registry.RegistryException;
import io.radflow.registry.auth.Caller;
import io.radflow.registry.view.RegistryView;
import io.radflow.schemas.avro.ProjectSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Each user's default project: where a Neurodeploy-style request without {@code ?project=} puts
 * and looks for the caller's models (Neurodeploy has no projects; a model belongs to its user).
 * It is made on first use, with the user as its only admin, in this registry's site. Its id is
 * {@code user.<user id>}; the {@code user.} prefix is reserved, so nobody else can take a user's
 * default project before them.
 */
public final class DefaultProjects {

    static final String PREFIX = "user.";
    private static final int MAX_ID_LENGTH = 64;

    private final RegistryView view;
    private final ProjectService projects;

    public DefaultProjects(RegistryView view, ProjectService projects) {
        this.view = view;
        this.projects = projects;
    }

    /** The id of {@code userId}'s default project; long user ids are shortened with a hash to fit a project id. */
    public static String idFor(String userId) {
        String id = PREFIX + userId;
        if (id.length() <= MAX_ID_LENGTH) {
            return id;
        }
        return PREFIX + userId.substring(0, MAX_ID_LENGTH - PREFIX.length() - 9) + "-" + sha256(userId).substring(0, 8);
    }

    /** Whether {@code projectId} is in the reserved namespace, and not {@code caller}'s own default project. */
    static boolean reservedForAnother(String projectId, Caller caller) {
        return projectId.startsWith(PREFIX) && (caller.anonymous() || !projectId.equals(idFor(caller.userId())));
    }

    /** The caller's default project, created now if it does not exist yet; anonymous callers get 401. */
    public ProjectSettings ensure(Caller caller) {
        String userId = caller.requireUser();
        String id = idFor(userId);
        return view.project(id).orElseGet(() -> {
            try {
                return projects.create(caller, id, new ProjectChange(userId + "'s models", null, null, null, List.of(), null));
            } catch (RegistryException e) {
                // Two first requests at once: the other one created it.
                if (e.reason() != Reason.ALREADY_EXISTS) {
                    throw e;
                }
                return view.project(id).orElseThrow(() -> e);
            }
        });
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}

package io.radflow.trigger;

/** Names of the trigger's state stores (changelog topics are {@code <application.id>-<name>-changelog}). */
public final class TriggerStores {

    private TriggerStores() {
    }

    /** Global: project id + model id -> {@link io.radflow.trigger.settings.ModelHistory}. */
    public static final String MODEL_SETTINGS = "trigger-model-settings";

    /** Global: project id -> project name, for every project that exists. */
    public static final String PROJECTS = "trigger-projects";

    /**
     * Per task: project + study + chunk number -> a chunk of the study's instances as uploaded (see
     * {@link io.radflow.trigger.group.StudyIndex}). Named apart from the per-instance store it replaced,
     * whose changelog holds another format.
     */
    public static final String INSTANCES = "trigger-study-instances";

    /** Per task: series and study groups awaiting completion, or emitted and kept for late arrivals. */
    public static final String GROUPS = "trigger-groups";

    /** Per task: when each group is next due (quiet period over, or retention over), ordered by time. */
    public static final String DUE = "trigger-due";
}

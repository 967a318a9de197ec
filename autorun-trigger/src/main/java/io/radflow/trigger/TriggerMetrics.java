package io.radflow.trigger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.JobTrigger;
import io.radflow.schemas.avro.Scope;
import io.radflow.schemas.routing.InstanceRouting.LeftOut;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trigger's meters, declared in one place. Tags stay low-cardinality: scope, trigger, outcome,
 * reason, topic; never UIDs, model or job ids. Kafka Streams processes a record again after an
 * aborted transaction, so counters may run slightly ahead of what was committed after a failure.
 */
public final class TriggerMetrics {

    /** Counter: jobs written to inference-jobs; tags scope, trigger (why it was emitted). */
    public static final String JOBS_EMITTED = "radflow.trigger.jobs.emitted";
    /** Gauge: series and study groups holding instances not yet covered by an emitted job. */
    public static final String GROUPS_PENDING = "radflow.trigger.groups.pending";
    /** Timer: from a group's first new instance reaching the trigger to its job being emitted; tags scope, trigger. */
    public static final String COMPLETION_LATENCY = "radflow.trigger.group.completion.latency";
    /** Counter: upload events sent to the dead-letter topic; tag reason. */
    public static final String DEAD_LETTERED = "radflow.trigger.uploads.dead.lettered";
    /** Counter: upload events processed; tag outcome (instance, duplicate-instance, marker, duplicate-marker). */
    public static final String UPLOADS = "radflow.trigger.uploads";
    /** Counter: settings records that could not be decoded and were skipped; tag topic. */
    public static final String SETTINGS_SKIPPED = "radflow.trigger.settings.skipped";
    /**
     * Counter: instances left out of a model version's jobs, one per instance and version that did not
     * take it; tags scope (of the version: instance, series, study) and reason (not_an_image, sop_class,
     * modality, body_part, series_description: the first rule that refused it).
     */
    public static final String INSTANCES_LEFT_OUT = "radflow.trigger.instances.left.out";
    /** Counter: series and study groups removed after their retention period. */
    public static final String GROUPS_EXPIRED = "radflow.trigger.groups.expired";

    private final MeterRegistry registry;
    private final Map<String, Long> pendingByTask = new ConcurrentHashMap<>();
    // The per-upload path looks its counters up here instead of building meter ids each time.
    private final Counter[][] jobsEmitted = new Counter[Scope.values().length][JobTrigger.values().length];
    private final Map<String, Counter> uploads = new ConcurrentHashMap<>();
    private final Counter[][] leftOut = new Counter[Scope.values().length][LeftOut.values().length];

    public TriggerMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Scope scope : Scope.values()) {
            for (JobTrigger trigger : JobTrigger.values()) {
                jobsEmitted[scope.ordinal()][trigger.ordinal()] = Counter.builder(JOBS_EMITTED).description("Inference jobs emitted")
                        .tag("scope", tag(scope.name())).tag("trigger", tag(trigger.name())).register(registry);
            }
        }
        for (Scope scope : Scope.values()) {
            for (LeftOut reason : LeftOut.values()) {
                leftOut[scope.ordinal()][reason.ordinal()] = Counter.builder(INSTANCES_LEFT_OUT)
                        .description("Instances left out of a model version's jobs: not an image, or refused by a routing rule")
                        .tag("scope", tag(scope.name())).tag("reason", reason.tag()).register(registry);
            }
        }
        Gauge.builder(GROUPS_PENDING, pendingByTask, m -> m.values().stream().mapToLong(Long::longValue).sum())
                .description("Series and study groups with instances not yet covered by an emitted job")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void jobEmitted(Scope scope, JobTrigger trigger) {
        jobsEmitted[scope.ordinal()][trigger.ordinal()].increment();
    }

    /** A version of {@code scope} did not take an instance, for {@code reason}. */
    public void leftOut(Scope scope, LeftOut reason) {
        leftOut[scope.ordinal()][reason.ordinal()].increment();
    }

    public void groupCompleted(Scope scope, JobTrigger trigger, Duration latency) {
        Timer.builder(COMPLETION_LATENCY).description("Time from a group's first new instance to its job")
                .tag("scope", tag(scope.name())).tag("trigger", tag(trigger.name())).register(registry).record(latency);
    }

    public void deadLettered(Reason reason) {
        Counter.builder(DEAD_LETTERED).description("Upload events sent to the dead-letter topic")
                .tag("reason", tag(reason.name())).register(registry).increment();
    }

    public void upload(String outcome) {
        uploads.computeIfAbsent(outcome, o -> Counter.builder(UPLOADS).description("Upload events processed")
                .tag("outcome", o).register(registry)).increment();
    }

    public void settingsSkipped(String topic) {
        Counter.builder(SETTINGS_SKIPPED).description("Undecodable settings records skipped")
                .tag("topic", topic).register(registry).increment();
    }

    public void groupsExpired(int count) {
        Counter.builder(GROUPS_EXPIRED).description("Groups removed after their retention period")
                .register(registry).increment(count);
    }

    /** The pending-group count of one stream task; the gauge sums all tasks of this instance. */
    public void pendingGroups(String taskId, long count) {
        pendingByTask.put(taskId, count);
    }

    public void taskClosed(String taskId) {
        pendingByTask.remove(taskId);
    }

    private static String tag(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}

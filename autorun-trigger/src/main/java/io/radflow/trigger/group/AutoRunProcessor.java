package io.radflow.trigger.group;

import io.radflow.schemas.DeadLetterHeaders;
import io.radflow.schemas.avro.CompletionLevel;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobTrigger;
import io.radflow.schemas.avro.Scope;
import io.radflow.schemas.avro.UploadCompleted;
import io.radflow.schemas.routing.InstanceRouting.InstanceFacts;
import io.radflow.schemas.routing.InstanceRouting.LeftOut;
import io.radflow.trigger.TriggerMetrics;
import io.radflow.trigger.TriggerSettings;
import io.radflow.trigger.TriggerStores;
import io.radflow.trigger.job.JobFactory;
import io.radflow.trigger.settings.EligibleModel;
import io.radflow.trigger.settings.ModelCatalog;
import io.radflow.trigger.settings.SettingsVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of the trigger. For each valid upload event (keyed by study UID, so a study's events
 * and state live in one task) it
 * <ul>
 *   <li>drops an instance it has seen before (duplicate upload: no new job);</li>
 *   <li>emits an INSTANCE job at once for every INSTANCE-scope model eligible at upload time whose
 *       version takes the instance (an image its routing rules accept);</li>
 *   <li>adds the instance to its series and study groups, attaching the SERIES and STUDY models
 *       eligible when the group's first instance was uploaded, and emits the group when a marker or
 *       an expected count completes it. Each job lists only the instances its version takes; the
 *       others count towards completeness and are counted as left out, by reason.</li>
 * </ul>
 * A wall-clock punctuation emits groups whose quiet period has passed, even without new traffic,
 * and removes studies whose retention period has passed. See DESIGN.md for the rules.
 */
public final class AutoRunProcessor implements Processor<String, DatasetUploadEvent, String, InferenceJob> {

    private static final Logger log = LoggerFactory.getLogger(AutoRunProcessor.class);
    private static final StringSerializer KEYS = new StringSerializer();
    /** Most due groups handled per kind and punctuation; the rest wait for the next one. */
    private static final int PUNCTUATION_BATCH = 10_000;
    /** Groups without models remembered in memory, so their uploads skip the group store. */
    private static final int IDLE_GROUPS_CACHED = 10_000;

    private final TriggerSettings settings;
    private final TriggerMetrics metrics;
    private final SettingsVersion settingsVersion;
    /** Idle group key -> the lastActivityAt stored for it (see {@link #addToGroup}). */
    private final Map<String, Long> idleGroups = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > IDLE_GROUPS_CACHED;
        }
    };
    private long activityGranularity;
    private ProcessorContext<String, InferenceJob> context;
    private StudyIndex instances;
    private KeyValueStore<String, GroupState> groups;
    private DueIndex due;
    private ModelCatalog catalog;
    private String taskId;
    private long pendingGroups;
    private Cancellable punctuator;
    /** The group keys of the last instance: uploads come in bursts per series, and reusing them skips building and hashing keys. */
    private InstanceGroups lastGroups;

    /** An instance's series and study groups, with their store keys built once. */
    private record InstanceGroups(GroupKey series, String seriesStoreKey, GroupKey study, String studyStoreKey) {

        static InstanceGroups of(String project, String studyUid, String seriesUid) {
            GroupKey series = GroupKey.series(project, studyUid, seriesUid);
            GroupKey study = GroupKey.study(project, studyUid);
            return new InstanceGroups(series, series.storeKey(), study, study.storeKey());
        }

        boolean holds(String project, String studyUid, String seriesUid) {
            return series.seriesUid().equals(seriesUid) && series.studyUid().equals(studyUid) && series.projectId().equals(project);
        }
    }

    public AutoRunProcessor(TriggerSettings settings, TriggerMetrics metrics, SettingsVersion settingsVersion) {
        this.settings = settings;
        this.metrics = metrics;
        this.settingsVersion = settingsVersion;
    }

    @Override
    public void init(ProcessorContext<String, InferenceJob> context) {
        this.context = context;
        // After a dirty close (an aborted transaction under exactly-once) Kafka Streams revives the
        // task and calls init again on this same processor, with the stores restored to the last
        // commit: an idle group or an instance remembered from the aborted work may not be in the store
        // any more, so what memory holds is built again from the stores.
        idleGroups.clear();
        this.instances = new StudyIndex(context.getStateStore(TriggerStores.INSTANCES), settings.instancesInMemory());
        this.groups = context.getStateStore(TriggerStores.GROUPS);
        this.due = new DueIndex(context.getStateStore(TriggerStores.DUE));
        this.catalog = new ModelCatalog(context.getStateStore(TriggerStores.MODEL_SETTINGS), settingsVersion);
        // An idle study's last activity is rewritten at most once per 1% of the retention period.
        this.activityGranularity = Math.max(1000, settings.groupRetention().toMillis() / 100);
        this.taskId = context.taskId().toString();
        this.pendingGroups = due.count(DueIndex.Kind.QUIET);
        metrics.pendingGroups(taskId, pendingGroups);
        this.punctuator = context.schedule(settings.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void process(Record<String, DatasetUploadEvent> record) {
        DatasetUploadEvent event = record.value();
        if (event.getPayload() instanceof DataUploaded data) {
            onInstance(event, data, arrivedAt(record));
        } else if (event.getPayload() instanceof UploadCompleted marker) {
            onMarker(event, marker);
        }
    }

    /**
     * When the upload counts as having happened, for which models were on auto-run: its
     * {@code publishedAt}; for an upload replayed from the dead letters (it could not be used
     * then, say its project did not exist yet), the time of the replay, when it first could be.
     */
    private static long arrivedAt(Record<String, DatasetUploadEvent> record) {
        return record.headers().lastHeader(DeadLetterHeaders.REPLAY_OF) != null ? record.timestamp()
                : record.value().getPublishedAt().toEpochMilli();
    }

    private void onInstance(DatasetUploadEvent event, DataUploaded data, long uploadedAt) {
        long now = context.currentSystemTimeMs();
        String project = event.getProjectId();
        String study = event.getStudyInstanceUid();
        StudyIndex.Study studyInstances = instances.get(project, study);
        String uid = StudyIndex.uidKey(data.getSeriesInstanceUid(), data.getSopInstanceUid());
        if (studyInstances.contains(uid)) {
            metrics.upload("duplicate-instance");
            return;
        }
        InstanceRecord instance = InstanceRecord.of(event, data);
        InstanceFacts facts = instance.facts();
        List<EligibleModel> models = catalog.eligibleAt(project, uploadedAt);
        InstanceGroups keys = lastGroups;
        if (keys == null || !keys.holds(project, study, data.getSeriesInstanceUid())) {
            keys = InstanceGroups.of(project, study, data.getSeriesInstanceUid());
            lastGroups = keys;
        }
        GroupKey series = keys.series();
        GroupKey studyGroup = keys.study();
        GroupState seriesState = loadUnlessIdle(series, keys.seriesStoreKey(), now);
        GroupState studyState = loadUnlessIdle(studyGroup, keys.studyStoreKey(), now);
        // Keep the details only if a series or study job may list this instance; stored before the
        // groups are updated, because completing one reads its members back.
        instances.add(studyInstances, uid, waitsForInstances(series, seriesState, models) || waitsForInstances(studyGroup, studyState, models)
                ? instance : InstanceRecord.seen(data.getSeriesInstanceUid(), data.getSopInstanceUid()));
        metrics.upload("instance");

        for (EligibleModel m : models) {
            if (m.version().scope() == Scope.INSTANCE) {
                Optional<LeftOut> leftOut = m.version().routing().leftOut(facts);
                if (leftOut.isPresent()) {
                    metrics.leftOut(Scope.INSTANCE, leftOut.get());
                    continue;
                }
                send(JobFactory.forInstance(event, instance, m.modelId(), m.version().version(), m.version().args(), now), now);
            }
        }
        addToGroup(series, seriesState, event, facts, models, data.getImagesInAcquisition(), uploadedAt, now);
        addToGroup(studyGroup, studyState, event, facts, models, null, uploadedAt, now);
    }

    /**
     * The group's state, or null for an idle group (no model waits for it) whose study retention
     * clock is fresh enough: its uploads need not touch the group store at all.
     */
    private GroupState loadUnlessIdle(GroupKey key, String storeKey, long now) {
        Long idleSince = idleGroups.get(storeKey);
        if (idleSince != null && (!key.isStudy() || now - idleSince < activityGranularity)) {
            return null;
        }
        return load(key);
    }

    /** True when some model is (or, for a group not opened yet, will be) attached to the group. */
    private static boolean waitsForInstances(GroupKey key, GroupState g, List<EligibleModel> models) {
        if (g == null) {
            return false;
        }
        if (g.opened()) {
            return !g.models().isEmpty();
        }
        return models.stream().anyMatch(m -> m.version().scope() == key.scope());
    }

    /** @param g the group's state; null for an idle group, which this upload leaves as it is */
    private void addToGroup(GroupKey key, GroupState g, DatasetUploadEvent event, InstanceFacts facts, List<EligibleModel> models,
                            Integer expectedCount, long uploadedAt, long now) {
        if (g == null) {
            return;
        }
        if (g.opened() && g.models().isEmpty()) {
            // Nothing was eligible when the group opened, so nothing ever will be: only the study's
            // retention clock matters, and only coarsely.
            if (key.isStudy() && now - g.lastActivityAt >= activityGranularity) {
                g.lastActivityAt = now;
                save(key, g, now, false);
            }
            idleGroups.put(key.storeKey(), g.lastActivityAt);
            return;
        }
        if (!g.opened()) {
            List<PinnedModel> attached = new ArrayList<>();
            for (EligibleModel m : models) {
                if (m.version().scope() == key.scope()) {
                    attached.add(PinnedModel.attach(m.modelId(), m.version().version(), m.version().args(), m.version().routing()));
                }
            }
            g.open(event.getDatasetId(), uploadedAt, attached);
        }
        // Each version of the group decides whether it takes the instance; one that does not still
        // counts it towards completeness (markers and expected counts count every instance).
        boolean[] takenBy = new boolean[g.models.size()];
        for (int i = 0; i < takenBy.length; i++) {
            Optional<LeftOut> leftOut = g.models.get(i).routing().leftOut(facts);
            takenBy[i] = leftOut.isEmpty();
            leftOut.ifPresent(reason -> metrics.leftOut(key.scope(), reason));
        }
        CompletionRules.instanceAdded(g, expectedCount, now, takenBy);
        CompletionRules.completeOnEvent(g).ifPresent(trigger -> emit(key, g, trigger, uploadedAt, now));
        save(key, g, now, false);
        if (g.models().isEmpty()) {
            idleGroups.put(key.storeKey(), g.lastActivityAt);
        }
    }

    private void onMarker(DatasetUploadEvent event, UploadCompleted marker) {
        long now = context.currentSystemTimeMs();
        GroupKey study = GroupKey.study(event.getProjectId(), event.getStudyInstanceUid());
        GroupKey key = marker.getLevel() == CompletionLevel.SERIES
                ? GroupKey.series(event.getProjectId(), event.getStudyInstanceUid(), marker.getSeriesInstanceUid()) : study;
        idleGroups.remove(key.storeKey());
        idleGroups.remove(study.storeKey());
        GroupState g = load(key);
        if (!CompletionRules.markerArrived(g, event.getEventId(), marker.getInstanceCount(), now)) {
            metrics.upload("duplicate-marker");
            save(key, g, now, false);
            return;
        }
        metrics.upload("marker");
        CompletionRules.completeOnEvent(g).ifPresent(trigger -> emit(key, g, trigger, event.getPublishedAt().toEpochMilli(), now));
        save(key, g, now, false);
        if (!key.isStudy()) {
            // The study's retention counts from its last activity, markers of its series included.
            GroupState s = load(study);
            s.lastActivityAt = now;
            save(study, s, now, false);
        }
    }

    /**
     * Emits the group's job to every attached model that has instances no earlier job covered and is
     * still eligible at {@code emitTime} (an archived or switched-off model gets no new job), each as
     * the next revision of that model's job for the group, listing the group's instances its version
     * takes (its routing rules; never an object without pixels).
     */
    private void emit(GroupKey key, GroupState g, JobTrigger trigger, long emitTime, long now) {
        List<InstanceRecord> members = members(key);
        List<InstanceFacts> memberFacts = new ArrayList<>(members.size());
        members.forEach(r -> memberFacts.add(r.facts()));
        for (int i = 0; i < g.models.size(); i++) {
            PinnedModel m = g.models.get(i);
            if (!m.waitsForInstances()) {
                continue; // its last job still lists everything of the group it takes
            }
            if (!catalog.eligibleAt(key.projectId(), m.modelId(), emitTime)) {
                log.info("model no longer auto-runs; group skipped modelId={} scope={} scopeUid={}", m.modelId(), key.scope(),
                        key.scopeUid());
                continue;
            }
            List<InstanceRecord> taken = new ArrayList<>(members.size());
            for (int j = 0; j < members.size(); j++) {
                if (m.routing().leftOut(memberFacts.get(j)).isEmpty()) {
                    taken.add(members.get(j));
                }
            }
            if (taken.isEmpty()) {
                log.error("model counted instances it takes but none is stored; group skipped modelId={} group={}", m.modelId(), key);
                continue;
            }
            int revision = m.lastRevision() + 1;
            JobFactory.Target target = new JobFactory.Target(key.projectId(), g.datasetId(), key.studyUid(), key.scope(),
                    key.scopeUid(), m.modelId(), m.version(), m.args());
            InferenceJob job = JobFactory.create(target, taken, trigger, revision, m.lastJobId(), now);
            if (job.getJobId().equals(m.lastJobId())) {
                continue; // the same instances as its last job: a revision would supersede itself
            }
            send(job, now);
            g.models.set(i, m.emitted(revision, job.getJobId()));
        }
        if (g.pendingSince >= 0) {
            metrics.groupCompleted(key.scope(), trigger, Duration.ofMillis(Math.max(0, now - g.pendingSince)));
        }
        CompletionRules.emitted(g);
    }

    private void send(InferenceJob job, long now) {
        context.forward(new Record<>(job.getJobId(), job, now));
        metrics.jobEmitted(job.getScope(), job.getTrigger());
        if (log.isDebugEnabled()) {
            log.debug("job emitted jobId={} modelId={} scope={} scopeUid={} instances={} trigger={} revision={}", job.getJobId(),
                job.getModelId(), job.getScope(), job.getScopeUid(), job.getInstances().size(), job.getTrigger(), job.getRevision());
        }
    }

    private List<InstanceRecord> members(GroupKey key) {
        List<InstanceRecord> members = new ArrayList<>();
        for (InstanceRecord r : instances.members(key.projectId(), key.studyUid(), key.seriesUid())) {
            if (r.full()) {
                members.add(r);
            } else {
                // A group with models stores its instances in full from its first one on.
                log.error("instance of a group with models was kept without details; left out group={} ", key);
            }
        }
        return members;
    }

    private GroupState load(GroupKey key) {
        GroupState g = groups.get(key.storeKey());
        return g != null ? g : new GroupState();
    }

    /**
     * Stores the group and keeps its due-index entry: a quiet-period entry while it is pending, an
     * expiry entry for a study otherwise. Entries only move earlier eagerly; when a group becomes due
     * later (new instances), the punctuation finds it early and moves it ({@code exact}), which saves
     * rewriting the index on every upload.
     */
    private void save(GroupKey key, GroupState g, long now, boolean exact) {
        String desired = null;
        if (g.pending()) {
            desired = DueIndex.key(DueIndex.Kind.QUIET, CompletionRules.quietPeriodEnd(g, settings.quietPeriod()), key.storeKey());
        } else if (key.isStudy()) {
            desired = DueIndex.key(DueIndex.Kind.EXPIRY, g.lastActivityAt + settings.groupRetention().toMillis(), key.storeKey());
        }
        boolean keep = Objects.equals(desired, g.dueKey) || (!exact && desired != null && g.dueKey != null
                && DueIndex.kindOf(desired) == DueIndex.kindOf(g.dueKey) && g.dueKey.compareTo(desired) < 0);
        if (!keep) {
            if (g.dueKey != null) {
                unschedule(g.dueKey);
            }
            if (desired != null) {
                due.put(desired, key.storeKey());
                if (DueIndex.kindOf(desired) == DueIndex.Kind.QUIET) {
                    pendingGroups++;
                }
            }
            g.dueKey = desired;
            metrics.pendingGroups(taskId, pendingGroups);
        }
        groups.put(key.storeKey(), g);
    }

    private void unschedule(String dueKey) {
        due.remove(dueKey);
        if (DueIndex.kindOf(dueKey) == DueIndex.Kind.QUIET) {
            pendingGroups--;
        }
    }

    private void punctuate(long now) {
        for (KeyValue<String, String> entry : due.due(DueIndex.Kind.QUIET, now, PUNCTUATION_BATCH)) {
            GroupKey key = GroupKey.parse(entry.value);
            GroupState g = groups.get(entry.value);
            if (g == null || !entry.key.equals(g.dueKey)) {
                unschedule(entry.key);
                continue;
            }
            if (CompletionRules.quietPeriodOver(g, now, settings.quietPeriod())) {
                emit(key, g, JobTrigger.QUIET_PERIOD, now, now);
            }
            save(key, g, now, true);
        }
        for (KeyValue<String, String> entry : due.due(DueIndex.Kind.EXPIRY, now, PUNCTUATION_BATCH)) {
            GroupState g = groups.get(entry.value);
            if (g == null || !entry.key.equals(g.dueKey)) {
                due.remove(entry.key);
                continue;
            }
            GroupKey key = GroupKey.parse(entry.value);
            if (now - g.lastActivityAt >= settings.groupRetention().toMillis()) {
                expire(key, g, now);
            } else {
                save(key, g, now, true);
            }
        }
        metrics.pendingGroups(taskId, pendingGroups);
    }

    /** Removes a study's instances and groups once nothing happened for the retention period. */
    private void expire(GroupKey study, GroupState studyState, long now) {
        List<KeyValue<String, GroupState>> studyGroups = new ArrayList<>();
        try (KeyValueIterator<String, GroupState> it = groups.prefixScan(study.storeKey(), KEYS)) {
            it.forEachRemaining(studyGroups::add);
        }
        if (studyGroups.stream().anyMatch(kv -> kv.value.pending())) {
            // Cannot happen while retention exceeds the quiet period; never drop pending work regardless.
            unschedule(studyState.dueKey);
            studyState.dueKey = DueIndex.key(DueIndex.Kind.EXPIRY, now + settings.quietPeriod().toMillis(), study.storeKey());
            due.put(studyState.dueKey, study.storeKey());
            groups.put(study.storeKey(), studyState);
            return;
        }
        int instanceCount = instances.remove(study.projectId(), study.studyUid());
        for (KeyValue<String, GroupState> kv : studyGroups) {
            if (kv.value.dueKey != null) {
                unschedule(kv.value.dueKey);
            }
            groups.delete(kv.key);
            idleGroups.remove(kv.key);
        }
        metrics.groupsExpired(studyGroups.size());
        log.debug("study expired studyUid={} groups={} instances={}", study.studyUid(), studyGroups.size(), instanceCount);
    }

    @Override
    public void close() {
        if (punctuator != null) {
            punctuator.cancel();
        }
        metrics.taskClosed(taskId);
    }
}

package io.radflow.viewer.view;

import io.radflow.registry.view.RegistryView;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.Prediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads of the prediction view: a study's instances, jobs, job states and predictions, each read
 * with one prefix scan per store, and which predictions are current. A job's outputs are
 * superseded when a later revision of the same (model, version, scope UID) has results (it
 * succeeded or published predictions): until then the earlier outputs stay current, so a viewer
 * never goes blank while a re-run is in flight.
 */
public final class PredictionView {

    private final RegistryView.StoreProvider provider;
    private final RegistryView registry;
    private final Map<String, ReadOnlyKeyValueStore<String, Object>> stores = new ConcurrentHashMap<>();
    /** job id -> (project, study): job-status records name neither; filled from the jobs store. */
    private final Map<String, String[]> jobStudies = new ConcurrentHashMap<>();

    public PredictionView(RegistryView.StoreProvider provider, RegistryView registry) {
        this.provider = provider;
        this.registry = registry;
    }

    /** One study as the view holds it. */
    public record Study(String projectId, String studyUid, List<DataUploaded> instances, Map<String, Instant> uploadedAt,
                        List<InferenceJob> jobs, Map<String, JobStatus> statuses, List<Prediction> predictions,
                        Map<String, String> supersededBy) {

        public boolean isEmpty() {
            return instances.isEmpty() && jobs.isEmpty() && predictions.isEmpty();
        }

        public boolean superseded(Prediction p) {
            return supersededBy.containsKey(p.getJobId());
        }

        public List<Prediction> current() {
            return predictions.stream().filter(p -> !superseded(p)).toList();
        }

        public Instant lastUpdate() {
            Instant last = Instant.EPOCH;
            for (Instant t : uploadedAt.values()) {
                last = max(last, t);
            }
            for (JobStatus s : statuses.values()) {
                last = max(last, s.getUpdatedAt());
            }
            for (InferenceJob j : jobs) {
                last = max(last, j.getCreatedAt());
            }
            for (Prediction p : predictions) {
                last = max(last, p.getProvenance().getCompletedAt());
            }
            return last;
        }

        public Optional<DataUploaded> instance(String sopUid) {
            return instances.stream().filter(i -> i.getSopInstanceUid().equals(sopUid)).findFirst();
        }

        private static Instant max(Instant a, Instant b) {
            return b != null && b.isAfter(a) ? b : a;
        }
    }

    public RegistryView registry() {
        return registry;
    }

    public Optional<ModelSettings> model(String modelId) {
        return registry.model(modelId);
    }

    /** Every study of a project, unordered. */
    public List<Study> studies(String projectId) {
        TreeMap<String, Boolean> uids = new TreeMap<>();
        for (ViewerStores.Source<?> source : List.of(ViewerStores.INSTANCES, ViewerStores.JOBS, ViewerStores.RUN_JOBS,
                ViewerStores.PREDICTIONS)) {
            try (KeyValueIterator<String, Object> it = store(source).prefixScan(ViewKeys.prefix(projectId), new StringSerializer())) {
                it.forEachRemaining(kv -> uids.put(ViewKeys.part(kv.key, 1), true));
            }
        }
        List<Study> out = new ArrayList<>();
        for (String uid : uids.keySet()) {
            out.add(study(projectId, uid));
        }
        return out;
    }

    /** The study, possibly empty (nothing known of it in this project). */
    public Study study(String projectId, String studyUid) {
        String prefix = ViewKeys.prefix(projectId, studyUid);
        List<DataUploaded> instances = new ArrayList<>();
        Map<String, Instant> uploadedAt = new HashMap<>();
        for (DatasetUploadEvent e : this.<DatasetUploadEvent>scan(ViewerStores.INSTANCES, prefix)) {
            DataUploaded d = (DataUploaded) e.getPayload();
            instances.add(d);
            uploadedAt.put(d.getSopInstanceUid(), e.getPublishedAt());
        }
        instances.sort(Comparator.comparing(DataUploaded::getSeriesInstanceUid)
                .thenComparing(d -> d.getInstanceNumber() == null ? Integer.MAX_VALUE : d.getInstanceNumber())
                .thenComparing(DataUploaded::getSopInstanceUid));
        List<InferenceJob> jobs = new ArrayList<>();
        for (ViewerStores.Source<InferenceJob> source : ViewerStores.JOB_SOURCES) {
            jobs.addAll(this.<InferenceJob>scan(source, prefix));
        }
        Map<String, JobStatus> statuses = new LinkedHashMap<>();
        for (InferenceJob j : jobs) {
            jobStudies.put(j.getJobId(), new String[] {projectId, studyUid});
            Object s = store(ViewerStores.JOB_STATUS).get(j.getJobId());
            if (s != null) {
                statuses.put(j.getJobId(), (JobStatus) s);
            }
        }
        List<Prediction> predictions = new ArrayList<>(this.<Prediction>scan(ViewerStores.PREDICTIONS, prefix));
        predictions.sort(Comparator.comparing(Prediction::getModelId).thenComparing(Prediction::getModelVersion)
                .thenComparing(Prediction::getJobId).thenComparing(Prediction::getOutputIndex));
        return new Study(projectId, studyUid, instances, uploadedAt, jobs, statuses, predictions,
                supersededBy(jobs, statuses, predictions));
    }

    /** Which jobs are superseded, and by which job: see the class comment. */
    static Map<String, String> supersededBy(List<InferenceJob> jobs, Map<String, JobStatus> statuses, List<Prediction> predictions) {
        Map<String, Boolean> hasPredictions = new HashMap<>();
        predictions.forEach(p -> hasPredictions.put(p.getJobId(), true));
        Map<String, List<InferenceJob>> groups = new HashMap<>();
        for (InferenceJob j : jobs) {
            groups.computeIfAbsent(j.getModelId() + "\u0000" + j.getModelVersion() + "\u0000" + j.getScope() + "\u0000" + j.getScopeUid(),
                    k -> new ArrayList<>()).add(j);
        }
        Map<String, String> out = new HashMap<>();
        for (List<InferenceJob> group : groups.values()) {
            InferenceJob effective = group.stream()
                    .filter(j -> hasPredictions.containsKey(j.getJobId()) || succeeded(statuses.get(j.getJobId())))
                    .max(Comparator.comparingInt(InferenceJob::getRevision)).orElse(null);
            if (effective == null) {
                continue;
            }
            for (InferenceJob j : group) {
                if (j.getRevision() < effective.getRevision()) {
                    out.put(j.getJobId(), effective.getJobId());
                }
            }
        }
        return out;
    }

    private static boolean succeeded(JobStatus s) {
        return s != null && s.getState() == io.radflow.schemas.avro.JobState.SUCCEEDED;
    }

    /**
     * The project and study of a job, when the view holds the job. Jobs applied while this instance
     * runs are remembered as they come ({@link #jobSeen}); a job-status of a job not seen since the
     * start costs one scan of the jobs store, which remembers every job at once.
     */
    public Optional<String[]> studyOfJob(String jobId) {
        String[] known = jobStudies.get(jobId);
        if (known != null) {
            return Optional.of(known);
        }
        for (ViewerStores.Source<InferenceJob> source : ViewerStores.JOB_SOURCES) {
            try (KeyValueIterator<String, Object> it = store(source).all()) {
                while (it.hasNext()) {
                    InferenceJob j = (InferenceJob) it.next().value;
                    jobStudies.put(j.getJobId(), new String[] {j.getProjectId(), j.getStudyInstanceUid()});
                }
            }
        }
        return Optional.ofNullable(jobStudies.get(jobId));
    }

    /** Remembers where a job belongs as soon as the view applies it (saves the scan above). */
    public void jobSeen(String jobId, String projectId, String studyUid) {
        jobStudies.put(jobId, new String[] {projectId, studyUid});
    }

    @SuppressWarnings("unchecked")
    private <V> List<V> scan(ViewerStores.Source<?> source, String prefix) {
        List<V> out = new ArrayList<>();
        try (KeyValueIterator<String, Object> it = store(source).prefixScan(prefix, new StringSerializer())) {
            it.forEachRemaining(kv -> out.add((V) kv.value));
        }
        return out;
    }

    private ReadOnlyKeyValueStore<String, Object> store(ViewerStores.Source<?> source) {
        return stores.computeIfAbsent(source.storeName(), provider::store);
    }
}

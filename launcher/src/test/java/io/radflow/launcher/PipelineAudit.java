package io.radflow.launcher;

import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Exactly once, checked from outside as a downstream system sees it: two {@code read_committed}
 * readers, independent of the pipeline, follow {@code inference-jobs} and {@code predictions} of
 * one project of image classifiers (one prediction per image of a job) and compare them with what
 * was uploaded.
 *
 * <ul>
 *   <li><b>duplicated</b>: a job id published twice, a prediction id published twice, or an image
 *       of a job predicted twice;</li>
 *   <li><b>lost</b>: an uploaded instance without its instance-scope job, a series or study whose
 *       latest job (a late instance makes a new revision) does not cover all of its uploaded
 *       instances, or a job without a prediction for each of its images.</li>
 * </ul>
 */
final class PipelineAudit implements AutoCloseable {

    /** What the readers saw: counts, and up to ten examples of each fault. */
    record Report(int expectedScopes, int jobs, int revisions, int predictions, int duplicated, int lost, List<String> examples) {

        boolean exactlyOnce() {
            return duplicated == 0 && lost == 0;
        }

        @Override
        public String toString() {
            return "jobs " + jobs + " (" + revisions + " later revisions), predictions " + predictions + ", expected scopes "
                    + expectedScopes + ", duplicated " + duplicated + ", lost " + lost + (examples.isEmpty() ? "" : ", e.g. " + examples);
        }
    }

    private final String project;
    private final Map<String, Scope> modelScopes;
    private final LoadStudies uploaded;
    private final TopicReader<String, InferenceJob> jobReader;
    private final TopicReader<String, Prediction> predictionReader;
    private final Map<String, InferenceJob> jobs = new HashMap<>();
    private final Map<String, Integer> jobCopies = new HashMap<>();
    private final Set<String> predictionIds = new HashSet<>();
    private final Map<String, Map<String, Integer>> predictedImages = new HashMap<>();
    private int predictions;
    private int duplicatePredictionIds;

    PipelineAudit(String bootstrap, TopicSerdes serdes, String project, Map<String, Scope> modelScopes, LoadStudies uploaded) {
        this.project = project;
        this.modelScopes = Map.copyOf(modelScopes);
        this.uploaded = uploaded;
        this.jobReader = new TopicReader<>(bootstrap, TopicCatalog.INFERENCE_JOBS.name(), new StringDeserializer(),
                serdes.valueDeserializer(TopicCatalog.INFERENCE_JOBS));
        this.predictionReader = new TopicReader<>(bootstrap, TopicCatalog.PREDICTIONS.name(), new StringDeserializer(),
                serdes.valueDeserializer(TopicCatalog.PREDICTIONS));
    }

    /** Reads what was committed since the last call, for at most {@code wait}. */
    void poll(Duration wait) {
        long end = System.nanoTime() + wait.toNanos();
        do {
            for (ConsumerRecord<String, InferenceJob> r : jobReader.readUntil(rs -> !rs.isEmpty(), Duration.ofMillis(200))) {
                InferenceJob job = r.value();
                if (job != null && project.equals(job.getProjectId())) {
                    jobs.put(job.getJobId(), job);
                    jobCopies.merge(job.getJobId(), 1, Integer::sum);
                }
            }
            for (ConsumerRecord<String, Prediction> r : predictionReader.readUntil(rs -> !rs.isEmpty(), Duration.ofMillis(200))) {
                Prediction p = r.value();
                if (p != null && project.equals(p.getProjectId())) {
                    predictions++;
                    if (!predictionIds.add(p.getPredictionId())) {
                        duplicatePredictionIds++;
                    }
                    predictedImages.computeIfAbsent(p.getJobId(), k -> new HashMap<>()).merge(String.valueOf(p.getSopInstanceUid()), 1,
                            Integer::sum);
                }
            }
        } while (System.nanoTime() < end);
    }

    /** Jobs whose predictions were all seen (a progress figure while the pipeline works). */
    int jobsDone() {
        return (int) jobs.values().stream().filter(this::predictedOnce).count();
    }

    int predictions() {
        return predictions;
    }

    /** Polls until nothing is lost, or the timeout; then keeps reading for {@code settle} so that a late duplicate shows. */
    Report awaitComplete(Duration timeout, Duration settle) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (report().lost() > 0 && System.nanoTime() < deadline) {
            poll(Duration.ofSeconds(2));
        }
        poll(settle);
        return report();
    }

    Report report() {
        List<String> examples = new ArrayList<>();
        int duplicated = duplicatePredictionIds;
        for (Map.Entry<String, Integer> e : jobCopies.entrySet()) {
            if (e.getValue() > 1) {
                duplicated += e.getValue() - 1;
                example(examples, "job " + e.getKey() + " published " + e.getValue() + " times");
            }
        }
        int lost = 0;
        for (InferenceJob job : jobs.values()) {
            Map<String, Integer> seen = predictedImages.getOrDefault(job.getJobId(), Map.of());
            for (JobInstance instance : job.getInstances()) {
                int n = seen.getOrDefault(instance.getSopInstanceUid(), 0);
                if (n == 0) {
                    lost++;
                    example(examples, "no prediction for " + instance.getSopInstanceUid() + " of " + job.getScope() + " job " + job.getJobId());
                } else if (n > 1) {
                    duplicated += n - 1;
                    example(examples, instance.getSopInstanceUid() + " predicted " + n + " times in job " + job.getJobId());
                }
            }
        }
        Map<String, InferenceJob> latest = new HashMap<>();
        for (InferenceJob job : jobs.values()) {
            latest.merge(job.getModelId() + "/" + job.getScopeUid(), job,
                    (a, b) -> Comparator.comparingInt(InferenceJob::getRevision).compare(a, b) >= 0 ? a : b);
        }
        int expectedScopes = 0;
        for (Map.Entry<String, Scope> model : modelScopes.entrySet()) {
            for (LoadStudies.Study study : uploaded.studies()) {
                for (Map.Entry<String, List<String>> scope : scopes(model.getValue(), study).entrySet()) {
                    expectedScopes++;
                    InferenceJob job = latest.get(model.getKey() + "/" + scope.getKey());
                    Set<String> covered = new HashSet<>();
                    if (job != null) {
                        job.getInstances().forEach(i -> covered.add(i.getSopInstanceUid()));
                    }
                    if (!covered.containsAll(scope.getValue())) {
                        lost++;
                        example(examples, model.getValue() + " " + scope.getKey() + (job == null ? " has no job"
                                : " job revision " + job.getRevision() + " lacks instances"));
                    }
                }
            }
        }
        int revisions = (int) jobs.values().stream().filter(j -> j.getRevision() > 0).count();
        return new Report(expectedScopes, jobs.size(), revisions, predictions, duplicated, lost, List.copyOf(examples));
    }

    private boolean predictedOnce(InferenceJob job) {
        Map<String, Integer> seen = predictedImages.getOrDefault(job.getJobId(), Map.of());
        return job.getInstances().stream().allMatch(i -> seen.getOrDefault(i.getSopInstanceUid(), 0) == 1);
    }

    /** Scope UID to the instances it covers: each instance, the series, or the study. */
    private static Map<String, List<String>> scopes(Scope scope, LoadStudies.Study study) {
        return switch (scope) {
            case INSTANCE -> {
                Map<String, List<String>> each = new HashMap<>();
                study.sopUids().forEach(sop -> each.put(sop, List.of(sop)));
                yield each;
            }
            case SERIES -> Map.of(study.seriesUid(), study.sopUids());
            case STUDY -> Map.of(study.studyUid(), study.sopUids());
        };
    }

    private static void example(List<String> examples, String what) {
        if (examples.size() < 10) {
            examples.add(what);
        }
    }

    @Override
    public void close() {
        jobReader.close();
        predictionReader.close();
    }
}

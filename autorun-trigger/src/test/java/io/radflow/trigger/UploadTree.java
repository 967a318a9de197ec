package io.radflow.trigger;

import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.JobTrigger;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.Events;
import io.radflow.schemas.jobs.JobIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A realistic upload of several studies with several series of different sizes, each completed by
 * a different rule, as the events an uploader publishes: instances shuffled across studies, some
 * published twice, count-carrying markers anywhere, count-less markers last. Knows which jobs the
 * trigger must emit for it, whatever the order.
 */
final class UploadTree {

    /** How a group is completed. */
    enum Completion {
        /** A marker carrying the instance count, published anywhere among the instances. */
        MARKER_WITH_COUNT(JobTrigger.COMPLETION_MARKER),
        /** A marker without count, published after every instance. */
        MARKER_AT_END(JobTrigger.COMPLETION_MARKER),
        /** Instances carry imagesInAcquisition (series only). */
        EXPECTED_COUNT(JobTrigger.EXPECTED_COUNT_REACHED),
        /** Nothing: the quiet period completes it. */
        QUIET(JobTrigger.QUIET_PERIOD);

        final JobTrigger trigger;

        Completion(JobTrigger trigger) {
            this.trigger = trigger;
        }
    }

    record Series(String uid, int size, Completion completion) {
        List<String> sops() {
            List<String> sops = new ArrayList<>();
            for (int n = 1; n <= size; n++) {
                sops.add(uid + "." + n);
            }
            return sops;
        }
    }

    record Study(String uid, List<Series> series, Completion completion) {
        int size() {
            return series.stream().mapToInt(Series::size).sum();
        }

        /** Ordered as the job orders them: by series UID (numerically), then instance number. */
        List<String> sops() {
            return series.stream().sorted(java.util.Comparator.comparing(Series::uid, io.radflow.schemas.jobs.UidOrder.INSTANCE))
                    .flatMap(s -> s.sops().stream()).toList();
        }
    }

    /** A job the trigger must emit: its id and what it covers. */
    record ExpectedJob(String jobId, String modelId, Scope scope, String scopeUid, List<String> sops, JobTrigger trigger) {

        /** One line per job, so a mismatch shows what differs without the whole record. */
        String summary() {
            return summary(jobId, modelId, scope, scopeUid, trigger, 0, sops);
        }

        static String summary(io.radflow.schemas.avro.InferenceJob job) {
            return summary(job.getJobId(), job.getModelId(), job.getScope(), job.getScopeUid(), job.getTrigger(), job.getRevision(),
                    job.getInstances().stream().map(io.radflow.schemas.avro.JobInstance::getSopInstanceUid).toList());
        }

        private static String summary(String id, String model, Scope scope, String uid, JobTrigger trigger, int revision,
                                      List<String> sops) {
            return id + " " + model + " " + scope + " " + uid + " " + trigger + " rev" + revision + " " + sops;
        }
    }

    final String projectId;
    final List<Study> studies = new ArrayList<>();

    UploadTree(String projectId) {
        this.projectId = projectId;
    }

    UploadTree study(String uid, Completion completion, Series... series) {
        studies.add(new Study(uid, List.of(series), completion));
        return this;
    }

    static Series series(String uid, int size, Completion completion) {
        return new Series(uid, size, completion);
    }

    /** Every upload event, shuffled with {@code random}, about {@code duplicateShare} of instances twice. */
    List<DatasetUploadEvent> events(Random random, double duplicateShare, Instant publishedAt) {
        List<DatasetUploadEvent> anywhere = new ArrayList<>();
        List<DatasetUploadEvent> last = new ArrayList<>();
        for (Study study : studies) {
            for (Series series : study.series()) {
                Integer expected = series.completion() == Completion.EXPECTED_COUNT ? series.size() : null;
                for (int n = 1; n <= series.size(); n++) {
                    anywhere.add(Events.instance(projectId, study.uid(), series.uid(), series.uid() + "." + n, n, expected, publishedAt));
                }
                if (series.completion() == Completion.MARKER_WITH_COUNT) {
                    anywhere.add(Events.seriesMarker(projectId, study.uid(), series.uid(), series.size(), publishedAt));
                } else if (series.completion() == Completion.MARKER_AT_END) {
                    last.add(Events.seriesMarker(projectId, study.uid(), series.uid(), null, publishedAt));
                }
            }
            if (study.completion() == Completion.MARKER_WITH_COUNT) {
                anywhere.add(Events.studyMarker(projectId, study.uid(), study.size(), publishedAt));
            } else if (study.completion() == Completion.MARKER_AT_END) {
                last.add(Events.studyMarker(projectId, study.uid(), null, publishedAt));
            }
        }
        List<DatasetUploadEvent> instances = anywhere.stream()
                .filter(e -> e.getPayload() instanceof io.radflow.schemas.avro.DataUploaded).toList();
        int duplicates = (int) Math.round(instances.size() * duplicateShare);
        for (int i = 0; i < duplicates; i++) {
            anywhere.add(instances.get(random.nextInt(instances.size())));
        }
        Collections.shuffle(anywhere, random);
        anywhere.addAll(last);
        return anywhere;
    }

    int instanceCount() {
        return studies.stream().mapToInt(Study::size).sum();
    }

    /** The jobs of one INSTANCE-, one SERIES- and one STUDY-scope model (version 1 each). */
    List<ExpectedJob> expectedJobs(String instanceModel, String seriesModel, String studyModel) {
        List<ExpectedJob> jobs = new ArrayList<>();
        for (Study study : studies) {
            for (Series series : study.series()) {
                for (String sop : series.sops()) {
                    jobs.add(job(instanceModel, Scope.INSTANCE, sop, List.of(sop), JobTrigger.INSTANCE_UPLOADED));
                }
                jobs.add(job(seriesModel, Scope.SERIES, series.uid(), series.sops(), series.completion().trigger));
            }
            jobs.add(job(studyModel, Scope.STUDY, study.uid(), study.sops(), study.completion().trigger));
        }
        return jobs;
    }

    private static ExpectedJob job(String model, Scope scope, String scopeUid, List<String> sops, JobTrigger trigger) {
        return new ExpectedJob(JobIds.of(model, 1, scope, scopeUid, sops), model, scope, scopeUid, sops, trigger);
    }
}

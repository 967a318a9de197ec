package io.radflow.trigger;

import static io.radflow.testsupport.Events.instance;
import static io.radflow.testsupport.Events.model;
import static io.radflow.testsupport.Events.seriesMarker;
import static io.radflow.testsupport.Events.studyMarker;
import static io.radflow.trigger.TriggerTestDriver.START;
import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.JobTrigger;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.Events;
import io.radflow.schemas.jobs.JobIds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completeness, revision, dedupe and settings rules of the trigger, through its real topology. */
class AutoRunTopologyTest extends TriggerTopologyTest {

    static final String STUDY = "1.2.840.1";
    static final String SERIES = "1.2.840.1.1";

    static DatasetUploadEvent inst(String series, int n) {
        return instance(P, STUDY, series, series + "." + n, n, at(n));
    }

    static List<String> sops(InferenceJob job) {
        return job.getInstances().stream().map(JobInstance::getSopInstanceUid).toList();
    }

    @Test
    void shouldEmitOneInstanceJobPerInstanceAtOnce() {
        t.model(model("m-inst", P, Scope.INSTANCE, BEFORE));
        t.upload(inst(SERIES, 1));
        t.upload(inst(SERIES, 2));

        List<InferenceJob> jobs = t.readJobs();
        assertThat(jobs).hasSize(2);
        InferenceJob first = jobs.get(0);
        assertThat(first.getScope()).isEqualTo(Scope.INSTANCE);
        assertThat(first.getScopeUid()).isEqualTo(SERIES + ".1");
        assertThat(first.getTrigger()).isEqualTo(JobTrigger.INSTANCE_UPLOADED);
        assertThat(first.getModelId()).isEqualTo("m-inst");
        assertThat(first.getModelVersion()).isEqualTo(1);
        assertThat(first.getRevision()).isZero();
        assertThat(first.getSupersedesJobId()).isNull();
        assertThat(first.getArgs()).containsEntry("threshold", "0.1");
        assertThat(first.getProjectId()).isEqualTo(P);
        assertThat(first.getDatasetId()).isEqualTo("dataset-1");
        assertThat(first.getStudyInstanceUid()).isEqualTo(STUDY);
        assertThat(first.getInstances()).singleElement().satisfies(i -> {
            assertThat(i.getSeriesInstanceUid()).isEqualTo(SERIES);
            assertThat(i.getContent().getUri()).isEqualTo("file:///store/" + SERIES + ".1.dcm");
            assertThat(i.getUploadedAt()).isEqualTo(at(1));
        });
        assertThat(first.getJobId()).isEqualTo(JobIds.of("m-inst", 1, Scope.INSTANCE, SERIES + ".1", List.of(SERIES + ".1")));
        assertThat(t.counter(TriggerMetrics.JOBS_EMITTED, "scope", "instance", "trigger", "instance_uploaded")).isEqualTo(2);
    }

    @Test
    void shouldNotCreateAnotherJobForADuplicateUpload() {
        t.model(model("m-inst", P, Scope.INSTANCE, BEFORE));
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.upload(inst(SERIES, 1));
        t.upload(inst(SERIES, 1));
        t.upload(inst(SERIES, 2));
        t.upload(seriesMarker(P, STUDY, SERIES, 2, at(10)));
        t.upload(inst(SERIES, 1));
        t.advance(Duration.ofMinutes(5));

        List<InferenceJob> jobs = t.readJobs();
        assertThat(jobs).filteredOn(j -> j.getScope() == Scope.INSTANCE).extracting(InferenceJob::getScopeUid)
                .containsExactly(SERIES + ".1", SERIES + ".2");
        assertThat(jobs).filteredOn(j -> j.getScope() == Scope.SERIES).singleElement()
                .satisfies(j -> assertThat(sops(j)).containsExactly(SERIES + ".1", SERIES + ".2"));
        assertThat(t.counter(TriggerMetrics.UPLOADS, "outcome", "duplicate-instance")).isEqualTo(2);
    }

    @Test
    void shouldEmitOneSeriesJobWithTheOrderedInstancesWhenItsMarkerArrives() {
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.upload(inst(SERIES, 3));
        t.upload(inst(SERIES, 10));
        t.upload(instance(P, STUDY, SERIES, SERIES + ".99", null, at(4)));
        t.upload(inst(SERIES, 2));
        assertThat(t.readJobs()).isEmpty();

        t.upload(seriesMarker(P, STUDY, SERIES, null, at(20)));

        InferenceJob job = single(t.readJobs());
        assertThat(job.getScope()).isEqualTo(Scope.SERIES);
        assertThat(job.getScopeUid()).isEqualTo(SERIES);
        assertThat(job.getTrigger()).isEqualTo(JobTrigger.COMPLETION_MARKER);
        assertThat(sops(job)).containsExactly(SERIES + ".2", SERIES + ".3", SERIES + ".10", SERIES + ".99");
        assertThat(job.getJobId()).isEqualTo(JobIds.of("m-series", 1, Scope.SERIES, SERIES, sops(job)));
        t.advance(Duration.ofMinutes(10));
        assertThat(t.readJobs()).as("a marker-complete group is not emitted again by its quiet period").isEmpty();
    }

    @Test
    void shouldWaitForTheMarkersInstanceCountEvenWhenTheMarkerComesFirst() {
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.upload(seriesMarker(P, STUDY, SERIES, 3, at(0)));
        t.upload(inst(SERIES, 1));
        t.upload(inst(SERIES, 2));
        assertThat(t.readJobs()).isEmpty();

        t.upload(inst(SERIES, 3));

        InferenceJob job = single(t.readJobs());
        assertThat(job.getTrigger()).isEqualTo(JobTrigger.COMPLETION_MARKER);
        assertThat(sops(job)).hasSize(3);
    }

    @Test
    void shouldEmitWhenTheExpectedCountFromTheDataIsReached() {
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.upload(instance(P, STUDY, SERIES, SERIES + ".1", 1, 3, at(1)));
        t.upload(instance(P, STUDY, SERIES, SERIES + ".2", 2, 3, at(2)));
        assertThat(t.readJobs()).isEmpty();

        t.upload(instance(P, STUDY, SERIES, SERIES + ".3", 3, 3, at(3)));

        InferenceJob job = single(t.readJobs());
        assertThat(job.getTrigger()).isEqualTo(JobTrigger.EXPECTED_COUNT_REACHED);
        assertThat(sops(job)).containsExactly(SERIES + ".1", SERIES + ".2", SERIES + ".3");
    }

    @Test
    void shouldEmitAfterTheQuietPeriodOfWallClockTimeWithoutNewTraffic() {
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.upload(inst(SERIES, 1));
        t.advance(Duration.ofSeconds(50));
        t.upload(inst(SERIES, 2));
        t.advance(Duration.ofSeconds(50));
        assertThat(t.readJobs()).as("quiet period counts from the last new instance").isEmpty();

        t.advance(Duration.ofSeconds(9));
        assertThat(t.readJobs()).isEmpty();
        t.advance(Duration.ofSeconds(1));

        InferenceJob job = single(t.readJobs());
        assertThat(job.getTrigger()).isEqualTo(JobTrigger.QUIET_PERIOD);
        assertThat(sops(job)).containsExactly(SERIES + ".1", SERIES + ".2");
    }

    @Test
    void shouldEmitStudyJobsOverEverySeriesOnTheStudyMarker() {
        t.model(model("m-study", P, Scope.STUDY, BEFORE));
        String other = "1.2.840.1.2";
        t.upload(inst(other, 1));
        t.upload(inst(SERIES, 2));
        t.upload(inst(SERIES, 1));
        t.upload(seriesMarker(P, STUDY, SERIES, 2, at(5)));
        assertThat(t.readJobs()).as("a series marker does not complete the study").isEmpty();
        t.upload(inst(other, 2));

        t.upload(studyMarker(P, STUDY, 4, at(9)));

        InferenceJob job = single(t.readJobs());
        assertThat(job.getScope()).isEqualTo(Scope.STUDY);
        assertThat(job.getScopeUid()).isEqualTo(STUDY);
        assertThat(sops(job)).containsExactly(SERIES + ".1", SERIES + ".2", other + ".1", other + ".2");
    }

    @Test
    void shouldEmitAStudyJobAfterTheStudysQuietPeriod() {
        t.model(model("m-study", P, Scope.STUDY, BEFORE));
        t.upload(inst(SERIES, 1));
        t.upload(inst("1.2.840.1.2", 1));
        t.advance(Duration.ofSeconds(60));

        InferenceJob job = single(t.readJobs());
        assertThat(job.getScope()).isEqualTo(Scope.STUDY);
        assertThat(job.getTrigger()).isEqualTo(JobTrigger.QUIET_PERIOD);
        assertThat(job.getInstances()).hasSize(2);
    }

    @Test
    void shouldEmitARevisionForALateInstanceAfterItsOwnQuietPeriod() {
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.upload(inst(SERIES, 1));
        t.upload(inst(SERIES, 2));
        t.upload(seriesMarker(P, STUDY, SERIES, null, at(5)));
        InferenceJob first = single(t.readJobs());
        t.advance(Duration.ofMinutes(5));

        t.upload(inst(SERIES, 3));
        assertThat(t.readJobs()).isEmpty();
        t.advance(Duration.ofSeconds(59));
        assertThat(t.readJobs()).isEmpty();
        t.advance(Duration.ofSeconds(1));

        InferenceJob revision = single(t.readJobs());
        assertThat(revision.getRevision()).isEqualTo(1);
        assertThat(revision.getSupersedesJobId()).isEqualTo(first.getJobId());
        assertThat(revision.getJobId()).isNotEqualTo(first.getJobId());
        assertThat(revision.getTrigger()).isEqualTo(JobTrigger.QUIET_PERIOD);
        assertThat(sops(revision)).containsExactly(SERIES + ".1", SERIES + ".2", SERIES + ".3");

        t.upload(inst(SERIES, 3));
        t.advance(Duration.ofMinutes(5));
        assertThat(t.readJobs()).as("a duplicate of the late instance changes nothing").isEmpty();
    }

    @Test
    void shouldEmitARevisionAtOnceWhenANewMarkerFollowsTheLateInstance() {
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.upload(inst(SERIES, 1));
        DatasetUploadEvent marker = seriesMarker(P, STUDY, SERIES, null, at(5));
        t.upload(marker);
        InferenceJob first = single(t.readJobs());

        t.upload(inst(SERIES, 2));
        t.upload(marker);
        assertThat(t.readJobs()).as("the same marker published twice is not a new signal").isEmpty();
        t.upload(seriesMarker(P, STUDY, SERIES, 2, at(30)));

        InferenceJob revision = single(t.readJobs());
        assertThat(revision.getRevision()).isEqualTo(1);
        assertThat(revision.getSupersedesJobId()).isEqualTo(first.getJobId());
        assertThat(revision.getTrigger()).isEqualTo(JobTrigger.COMPLETION_MARKER);
        assertThat(revision.getInstances()).hasSize(2);
    }

    @Test
    void shouldEmitTheRestAsARevisionWhenTheMarkerCountIsReachedAfterAQuietPeriod() {
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.upload(seriesMarker(P, STUDY, SERIES, 3, at(0)));
        t.upload(inst(SERIES, 1));
        t.upload(inst(SERIES, 2));
        t.advance(Duration.ofSeconds(60));
        InferenceJob partial = single(t.readJobs());
        assertThat(partial.getTrigger()).isEqualTo(JobTrigger.QUIET_PERIOD);

        t.upload(inst(SERIES, 3));

        InferenceJob complete = single(t.readJobs());
        assertThat(complete.getTrigger()).isEqualTo(JobTrigger.COMPLETION_MARKER);
        assertThat(complete.getRevision()).isEqualTo(1);
        assertThat(complete.getSupersedesJobId()).isEqualTo(partial.getJobId());
        assertThat(complete.getInstances()).hasSize(3);
    }

    @Test
    void shouldEmitARevisionAtOnceWhenAMarkerCountBeyondTheQuietEmissionIsReached() {
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.upload(inst(SERIES, 1));
        t.upload(inst(SERIES, 2));
        t.advance(Duration.ofSeconds(60));
        InferenceJob partial = single(t.readJobs());
        assertThat(partial.getTrigger()).isEqualTo(JobTrigger.QUIET_PERIOD);
        // Arrives when nothing is pending, with a count the emission did not reach.
        t.upload(seriesMarker(P, STUDY, SERIES, 3, at(61)));
        assertThat(t.readJobs()).isEmpty();

        t.upload(inst(SERIES, 3));

        InferenceJob complete = single(t.readJobs());
        assertThat(complete.getTrigger()).isEqualTo(JobTrigger.COMPLETION_MARKER);
        assertThat(complete.getRevision()).isEqualTo(1);
        assertThat(complete.getSupersedesJobId()).isEqualTo(partial.getJobId());
        assertThat(sops(complete)).containsExactly(SERIES + ".1", SERIES + ".2", SERIES + ".3");
    }

    @Test
    void shouldSpendAMarkerWithoutCountThatArrivesBeforeAnyInstance() {
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.upload(seriesMarker(P, STUDY, SERIES, null, at(0)));
        t.upload(inst(SERIES, 1));
        t.upload(inst(SERIES, 2));
        assertThat(t.readJobs()).as("the first instance is not sent alone as a complete series").isEmpty();

        t.advance(Duration.ofSeconds(60));

        InferenceJob job = single(t.readJobs());
        assertThat(job.getTrigger()).isEqualTo(JobTrigger.QUIET_PERIOD);
        assertThat(sops(job)).containsExactly(SERIES + ".1", SERIES + ".2");
    }

    @Test
    void shouldKeepInterleavedStudiesApart() {
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.model(model("m-study", P, Scope.STUDY, BEFORE));
        // One study UID is a prefix of the other, as are two series UIDs.
        String s1 = "1.2.3";
        String s2 = "1.2.34";
        List<DatasetUploadEvent> events = List.of(
                instance(P, s1, "1.2.3.1", "1.2.3.1.1", 1, at(1)),
                instance(P, s2, "1.2.34.1", "1.2.34.1.1", 1, at(1)),
                instance(P, s1, "1.2.3.11", "1.2.3.11.1", 1, at(2)),
                instance(P, s2, "1.2.34.1", "1.2.34.1.2", 2, at(2)),
                instance(P, s1, "1.2.3.1", "1.2.3.1.2", 2, at(3)),
                seriesMarker(P, s2, "1.2.34.1", 2, at(4)),
                seriesMarker(P, s1, "1.2.3.1", 2, at(4)),
                studyMarker(P, s1, 3, at(5)),
                seriesMarker(P, s1, "1.2.3.11", 1, at(5)),
                studyMarker(P, s2, 2, at(6)));
        events.forEach(t::upload);

        List<InferenceJob> jobs = t.readJobs();
        assertThat(jobs).extracting(j -> j.getScope() + " " + j.getScopeUid() + " " + sops(j)).containsExactlyInAnyOrder(
                "SERIES 1.2.34.1 [1.2.34.1.1, 1.2.34.1.2]",
                "SERIES 1.2.3.1 [1.2.3.1.1, 1.2.3.1.2]",
                "STUDY 1.2.3 [1.2.3.1.1, 1.2.3.1.2, 1.2.3.11.1]",
                "SERIES 1.2.3.11 [1.2.3.11.1]",
                "STUDY 1.2.34 [1.2.34.1.1, 1.2.34.1.2]");
        assertThat(jobs).allSatisfy(j -> assertThat(j.getInstances()).allMatch(i -> i.getStudyInstanceUid().equals(j.getStudyInstanceUid())));
    }

    @Test
    void shouldGiveTheSameJobIdsWhateverTheOrderAndDuplicates(@TempDir Path otherState) {
        List<DatasetUploadEvent> events = new ArrayList<>();
        for (int n = 1; n <= 4; n++) {
            events.add(inst(SERIES, n));
        }
        List<DatasetUploadEvent> shuffled = new ArrayList<>(List.of(events.get(2), events.get(0), events.get(2),
                events.get(3), events.get(1), events.get(0)));
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.model(model("m-inst", P, Scope.INSTANCE, BEFORE));
        events.forEach(t::upload);
        t.upload(seriesMarker(P, STUDY, SERIES, 4, at(9)));

        List<InferenceJob> ordered;
        List<InferenceJob> reordered;
        ordered = t.readJobs();
        try (TriggerTestDriver other = new TriggerTestDriver(otherState)) {
            other.project(P);
            other.model(model("m-series", P, Scope.SERIES, BEFORE));
            other.model(model("m-inst", P, Scope.INSTANCE, BEFORE));
            shuffled.forEach(other::upload);
            other.upload(seriesMarker(P, STUDY, SERIES, 4, at(9)));
            reordered = other.readJobs();
        }
        assertThat(reordered).extracting(InferenceJob::getJobId)
                .containsExactlyInAnyOrderElementsOf(ordered.stream().map(InferenceJob::getJobId).toList());
        assertThat(reordered).extracting(AutoRunTopologyTest::sops)
                .containsExactlyInAnyOrderElementsOf(ordered.stream().map(AutoRunTopologyTest::sops).toList());
        assertThat(ordered).hasSize(5);
    }

    @Test
    void shouldRunOnlyOnDataUploadedAfterAutoRunWasSwitchedOnWhateverTheProcessingOrder() {
        ModelSettings off = ModelSettings.newBuilder(model("m-inst", P, Scope.INSTANCE, BEFORE)).setAutoRun(false).build();
        ModelSettings seriesOff = ModelSettings.newBuilder(model("m-series", P, Scope.SERIES, BEFORE)).setAutoRun(false).build();
        t.model(off);
        t.model(seriesOff);
        // Switched on at +10 min, and the trigger reads that before the older uploads (a backlog).
        t.model(ModelSettings.newBuilder(off).setAutoRun(true).setUpdatedAt(at(600)).build());
        t.model(ModelSettings.newBuilder(seriesOff).setAutoRun(true).setUpdatedAt(at(600)).build());

        t.upload(instance(P, STUDY, SERIES, SERIES + ".1", 1, at(300)));
        t.upload(instance(P, STUDY, SERIES, SERIES + ".2", 2, at(900)));
        t.upload(instance(P, STUDY, "1.2.840.1.2", "1.2.840.1.2.1", 1, at(900)));
        t.upload(seriesMarker(P, STUDY, SERIES, 2, at(901)));
        t.upload(seriesMarker(P, STUDY, "1.2.840.1.2", 1, at(901)));

        List<InferenceJob> jobs = t.readJobs();
        assertThat(jobs).filteredOn(j -> j.getScope() == Scope.INSTANCE).extracting(InferenceJob::getScopeUid)
                .containsExactly(SERIES + ".2", "1.2.840.1.2.1");
        assertThat(jobs).as("the series that began before auto-run was on is not its data; the one after is")
                .filteredOn(j -> j.getScope() == Scope.SERIES).extracting(InferenceJob::getScopeUid)
                .containsExactly("1.2.840.1.2");
    }

    @Test
    void shouldNotAttachAModelSwitchedOnWhileTheSeriesWasUploading() {
        ModelSettings off = ModelSettings.newBuilder(model("m-series", P, Scope.SERIES, BEFORE)).setAutoRun(false).build();
        t.model(off);
        t.upload(inst(SERIES, 1));
        t.model(ModelSettings.newBuilder(off).setAutoRun(true).setUpdatedAt(at(2)).build());
        t.upload(inst(SERIES, 3));
        t.upload(seriesMarker(P, STUDY, SERIES, 2, at(4)));
        String next = "1.2.840.1.2";
        t.upload(instance(P, STUDY, next, next + ".1", 1, at(5)));
        t.upload(seriesMarker(P, STUDY, next, 1, at(6)));
        t.advance(Duration.ofMinutes(2));

        assertThat(t.readJobs()).as("only the series begun after the switch").extracting(InferenceJob::getScopeUid)
                .containsExactly(next);
    }

    @Test
    void shouldSendNoNewJobsToAnArchivedSwitchedOffOrPurgedModel() {
        ModelSettings series = model("m-series", P, Scope.SERIES, BEFORE);
        t.model(series);
        t.model(ModelSettings.newBuilder(model("m-archived", P, Scope.INSTANCE, BEFORE)).setArchivedAt(START)
                .setUpdatedAt(START).build());
        ModelSettings purged = model("m-purged", P, Scope.INSTANCE, BEFORE);
        t.model(purged);
        t.purge("m-purged", START);

        t.upload(inst(SERIES, 1));
        t.upload(inst(SERIES, 2));
        assertThat(t.readJobs()).as("archived and purged models get no instance jobs").isEmpty();

        // Switched off while its series waits for completion.
        t.model(ModelSettings.newBuilder(series).setAutoRun(false).setUpdatedAt(at(3)).build());
        t.upload(seriesMarker(P, STUDY, SERIES, 2, at(4)));
        t.advance(Duration.ofMinutes(2));
        assertThat(t.readJobs()).isEmpty();
    }

    @Test
    void shouldNotSendAQuietPeriodJobToAModelSwitchedOffMeanwhile() {
        ModelSettings series = model("m-series", P, Scope.SERIES, BEFORE);
        t.model(series);
        t.upload(inst(SERIES, 1));
        t.model(ModelSettings.newBuilder(series).setArchivedAt(at(30)).setUpdatedAt(at(30)).build());
        t.advance(Duration.ofSeconds(60));

        assertThat(t.readJobs()).isEmpty();
        assertThat(t.gauge(TriggerMetrics.GROUPS_PENDING)).isZero();
    }

    @Test
    void shouldRunTheActiveVersionAtItsScope() {
        ModelSettings twoVersions = ModelSettings.newBuilder(model("m", P, Scope.INSTANCE, BEFORE))
                .setVersions(List.of(Events.version(1, Scope.INSTANCE, BEFORE), Events.version(2, Scope.SERIES, BEFORE))).build();
        t.model(twoVersions);
        t.upload(inst(SERIES, 1));
        t.upload(seriesMarker(P, STUDY, SERIES, 1, at(2)));
        InferenceJob latest = single(t.readJobs());
        assertThat(latest.getModelVersion()).as("no active version: the latest").isEqualTo(2);
        assertThat(latest.getScope()).isEqualTo(Scope.SERIES);
        assertThat(latest.getArgs()).containsEntry("threshold", "0.2");

        t.model(ModelSettings.newBuilder(twoVersions).setActiveVersion(1).setUpdatedAt(at(10)).build());
        t.upload(instance(P, STUDY, "1.2.840.1.2", "1.2.840.1.2.1", 1, at(20)));
        InferenceJob pinned = single(t.readJobs());
        assertThat(pinned.getModelVersion()).isEqualTo(1);
        assertThat(pinned.getScope()).isEqualTo(Scope.INSTANCE);
    }

    @Test
    void shouldRunOnlyTheModelsOfTheUploadsProject() {
        t.project("project-2");
        t.model(model("m-other", "project-2", Scope.INSTANCE, BEFORE));
        t.model(model("m-mine", P, Scope.INSTANCE, BEFORE));
        t.upload(inst(SERIES, 1));

        assertThat(single(t.readJobs()).getModelId()).isEqualTo("m-mine");
    }

    @Test
    void shouldForgetAStudyAfterTheRetentionPeriod() {
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.upload(inst(SERIES, 1));
        t.upload(seriesMarker(P, STUDY, SERIES, 1, at(2)));
        assertThat(t.readJobs()).hasSize(1);
        t.advance(TriggerTestDriver.RETENTION.minusSeconds(1));
        t.upload(inst(SERIES, 1));
        assertThat(t.readJobs()).as("a duplicate within the retention period").isEmpty();
        assertThat(count(TriggerStores.INSTANCES)).isEqualTo(1);

        t.advance(TriggerTestDriver.RETENTION);

        assertThat(count(TriggerStores.INSTANCES)).isZero();
        assertThat(count(TriggerStores.GROUPS)).isZero();
        assertThat(count(TriggerStores.DUE)).isZero();
        assertThat(t.counter(TriggerMetrics.GROUPS_EXPIRED)).isEqualTo(2);
    }

    @Test
    void shouldReportPendingGroupsCompletionLatencyAndJobsByScope() {
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.model(model("m-study", P, Scope.STUDY, BEFORE));
        t.upload(inst(SERIES, 1));
        assertThat(t.gauge(TriggerMetrics.GROUPS_PENDING)).isEqualTo(2);
        t.advance(Duration.ofSeconds(20));
        t.upload(seriesMarker(P, STUDY, SERIES, null, at(20)));
        assertThat(t.gauge(TriggerMetrics.GROUPS_PENDING)).isEqualTo(1);
        t.advance(Duration.ofSeconds(60));
        assertThat(t.gauge(TriggerMetrics.GROUPS_PENDING)).isZero();

        assertThat(t.counter(TriggerMetrics.JOBS_EMITTED, "scope", "series", "trigger", "completion_marker")).isEqualTo(1);
        assertThat(t.counter(TriggerMetrics.JOBS_EMITTED, "scope", "study", "trigger", "quiet_period")).isEqualTo(1);
        var latency = t.meters.find(TriggerMetrics.COMPLETION_LATENCY).tags("scope", "series").timer();
        assertThat(latency.count()).isEqualTo(1);
        assertThat(latency.totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(20);
    }

    private long count(String store) {
        long n = 0;
        try (var it = t.<String, Object>store(store).all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    private static InferenceJob single(List<InferenceJob> jobs) {
        assertThat(jobs).hasSize(1);
        return jobs.get(0);
    }

}

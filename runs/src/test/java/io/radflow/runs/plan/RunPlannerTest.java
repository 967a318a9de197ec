package io.radflow.runs.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.JobTrigger;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.RunSelection;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.Events;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunPlannerTest {

    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    private static final String SR = "1.2.840.10008.5.1.4.1.1.88.22";
    private static final String A = "1.2.826.0.1.1";
    private static final String B = "1.2.826.0.1.2";

    /** Study A: a CT series of three (uploaded in the order 3, 1, 2) and an SR; study B: two MR images in another dataset. */
    private static final List<DatasetUploadEvent> INDEX = List.of(
            ct(A, A + ".1", A + ".1.3", 3, 1), ct(A, A + ".1", A + ".1.1", 1, 2), ct(A, A + ".1", A + ".1.2", 2, 3),
            Events.describe(Events.instance("p", A, A + ".9", A + ".9.1", 1, T.plusSeconds(4)), d -> d.setSopClassUid(SR)
                    .setModality("SR").setHasPixelData(false)),
            mr(B + ".1.1", 5), mr(B + ".1.2", 6));

    private static DatasetUploadEvent ct(String study, String series, String sop, int number, int second) {
        return Events.instance("p", study, series, sop, number, T.plusSeconds(second));
    }

    private static DatasetUploadEvent mr(String sop, int second) {
        DatasetUploadEvent e = Events.describe(Events.instance("p", B, B + ".1", sop, null, T.plusSeconds(second)), d -> d.setModality("MR"));
        return DatasetUploadEvent.newBuilder(e).setDatasetId("dataset-2").build();
    }

    private static RunSelection all() {
        return RunSelection.newBuilder().build();
    }

    private static RunPlanner.Plan plan(String run, Scope scope, RunSelection selection) {
        ModelVersion version = Events.version(1, scope, T);
        return RunPlanner.plan(run, "p", "m", version, selection, INDEX, T.plusSeconds(60));
    }

    @Test
    void shouldScopeJobsAsAutoRunDoesAndLeaveOutWhatTheVersionCannotTake() {
        RunPlanner.Plan instances = plan("r1", Scope.INSTANCE, all());
        assertThat(instances.jobs()).hasSize(5);
        assertThat(instances.instances()).isEqualTo(5);
        assertThat(instances.leftOut()).as("the SR has no pixels").isEqualTo(1);
        assertThat(instances.jobs()).allSatisfy(j -> {
            assertThat(j.getJobId()).startsWith("run-r1-");
            assertThat(j.getRunId()).isEqualTo("r1");
            assertThat(j.getTrigger()).isEqualTo(JobTrigger.MANUAL);
            assertThat(j.getArgs()).containsEntry("threshold", "0.1");
        });

        List<InferenceJob> series = plan("r1", Scope.SERIES, all()).jobs();
        assertThat(series).extracting(InferenceJob::getScopeUid).containsExactlyInAnyOrder(A + ".1", B + ".1");
        InferenceJob ct = series.stream().filter(j -> j.getScopeUid().equals(A + ".1")).findFirst().orElseThrow();
        assertThat(ct.getInstances()).extracting(JobInstance::getSopInstanceUid).as("auto-run's order: by instance number")
                .containsExactly(A + ".1.1", A + ".1.2", A + ".1.3");
        assertThat(ct.getDatasetId()).isEqualTo("dataset-1");

        List<InferenceJob> studies = plan("r1", Scope.STUDY, all()).jobs();
        assertThat(studies).extracting(InferenceJob::getScopeUid).containsExactlyInAnyOrder(A, B);
        assertThat(studies).extracting(j -> j.getInstances().size()).containsExactlyInAnyOrder(3, 2);
    }

    @Test
    void shouldSelectByDatasetStudySeriesModalityAndUploadTime() {
        assertThat(plan("r", Scope.INSTANCE, RunSelection.newBuilder().setModalities(List.of("mr")).build()).jobs())
                .extracting(InferenceJob::getStudyInstanceUid).containsOnly(B).hasSize(2);
        assertThat(plan("r", Scope.INSTANCE, RunSelection.newBuilder().setDataset("dataset-2").build()).jobs()).hasSize(2);
        assertThat(plan("r", Scope.INSTANCE, RunSelection.newBuilder().setStudies(List.of(A)).build()).jobs()).hasSize(3);
        assertThat(plan("r", Scope.INSTANCE, RunSelection.newBuilder().setSeries(List.of(A + ".1", B + ".1")).build()).jobs()).hasSize(5);
        assertThat(plan("r", Scope.INSTANCE, RunSelection.newBuilder().setUploadedFrom(T.plusSeconds(2))
                .setUploadedTo(T.plusSeconds(6)).build()).jobs()).as("from inclusive, to exclusive")
                .extracting(j -> j.getInstances().get(0).getUploadedAt()).containsExactlyInAnyOrder(T.plusSeconds(2), T.plusSeconds(3),
                        T.plusSeconds(5));
        assertThat(plan("r", Scope.INSTANCE, RunSelection.newBuilder().setStudies(List.of("1.2.3.no.such")).build()).jobs()).isEmpty();
    }

    @Test
    void shouldGiveTheSameRunTheSameIdsAndAnotherRunOthers() {
        List<String> first = plan("r1", Scope.SERIES, all()).jobs().stream().map(InferenceJob::getJobId).toList();
        assertThat(plan("r1", Scope.SERIES, all()).jobs()).extracting(InferenceJob::getJobId).containsExactlyElementsOf(first);
        assertThat(plan("r2", Scope.SERIES, all()).jobs()).extracting(InferenceJob::getJobId).doesNotContainAnyElementsOf(first);
        assertThat(first).allSatisfy(id -> assertThat(RunPlanner.runIdOf(id)).isEqualTo("r1"));
        assertThat(RunPlanner.runIdOf("0a1b2c")).as("an auto-run job").isNull();
    }
}

package io.radflow.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.SampleEvents;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobIntakeTest {

    private static final InferenceJob SERIES_JOB = SampleEvents.inferenceJob();

    @Test
    void shouldAcceptAConsistentJob() {
        assertThat(JobIntake.problemWith(SERIES_JOB)).isNull();
    }

    @Test
    void shouldRejectAJobWithoutInstances() {
        assertThat(JobIntake.problemWith(InferenceJob.newBuilder(SERIES_JOB).setInstances(List.of()).build())).contains("has no instances");
    }

    @Test
    void shouldRejectInstancesOfAnotherStudy() {
        JobInstance stray = JobInstance.newBuilder(SERIES_JOB.getInstances().get(0)).setStudyInstanceUid("9.9").build();
        assertThat(JobIntake.problemWith(InferenceJob.newBuilder(SERIES_JOB).setInstances(List.of(stray)).build()))
                .contains("belongs to study 9.9");
    }

    @Test
    void shouldRejectAScopeItsInstancesDoNotMatch() {
        assertThat(JobIntake.problemWith(InferenceJob.newBuilder(SERIES_JOB).setScope(Scope.INSTANCE).build()))
                .contains("scope INSTANCE").contains("do not match");
        assertThat(JobIntake.problemWith(InferenceJob.newBuilder(SERIES_JOB).setScopeUid("other-series").build())).contains("do not match");
    }
}

package io.radflow.viewer.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.common.kafka.StreamsExceptionHandling;
import io.radflow.registry.view.RegistryView;
import io.radflow.registry.view.ViewUpdates;
import io.radflow.schemaregistry.InMemorySchemaRegistryClient;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.TopicCatalog;
import io.radflow.testsupport.SampleEvents;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The view's topology and reads, with TopologyTestDriver: supersede rules, bad records, markers, tombstones, changes. */
class PredictionViewTest {

    @TempDir
    Path stateDir;

    private final TopicSerdes serdes = new TopicSerdes(new InMemorySchemaRegistryClient(), true);
    private final List<ViewChange> changes = new ArrayList<>();
    private final List<String> undecodable = new ArrayList<>();
    private TopologyTestDriver driver;
    private PredictionView view;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "viewer-test");
        // A directory of this test's own: the default (/tmp/kafka-streams) may belong to another user.
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.putAll(StreamsExceptionHandling.globalHandlerEnabled());
        driver = new TopologyTestDriver(ViewerStores.build(serdes, new ViewUpdates(), changes::add, undecodable::add, props), props);
        RegistryView.StoreProvider stores = name -> driver.getKeyValueStore(name);
        view = new PredictionView(stores, new RegistryView(stores, new ViewUpdates()));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private <V> void pipe(Topic<String, V> topic, String key, V value) {
        driver.createInputTopic(topic.name(), serdes.keySerializer(topic), serdes.valueSerializer(topic)).pipeInput(key, value);
    }

    private static InferenceJob revision(int revision, String jobId, String supersedes) {
        return InferenceJob.newBuilder(SampleEvents.inferenceJob()).setJobId(jobId).setRevision(revision).setSupersedesJobId(supersedes).build();
    }

    private static Prediction output(String jobId, int index) {
        Prediction p = Prediction.newBuilder(SampleEvents.predictions().get(index)).build();
        p.setJobId(jobId);
        p.setPredictionId(jobId + ":" + index);
        return p;
    }

    private static JobStatus status(String jobId, JobState state) {
        return JobStatus.newBuilder(SampleEvents.jobStatus()).setJobId(jobId).setState(state).build();
    }

    private List<String> current() {
        return view.study("project-1", "1.2.3").current().stream().map(Prediction::getPredictionId).toList();
    }

    @Test
    void shouldKeepTheEarlierRevisionCurrentUntilTheRerunHasResults() {
        pipe(TopicCatalog.INFERENCE_JOBS, "job-a", revision(0, "job-a", null));
        pipe(TopicCatalog.PREDICTIONS, "1.2.3", output("job-a", 0));
        pipe(TopicCatalog.JOB_STATUS, "job-a", status("job-a", JobState.SUCCEEDED));
        pipe(TopicCatalog.INFERENCE_JOBS, "job-b", revision(1, "job-b", "job-a"));
        pipe(TopicCatalog.JOB_STATUS, "job-b", status("job-b", JobState.RUNNING));
        assertThat(current()).containsExactly("job-a:0");

        // A re-run that succeeded without outputs still replaces: the model found nothing this time.
        pipe(TopicCatalog.JOB_STATUS, "job-b", status("job-b", JobState.SUCCEEDED));
        assertThat(current()).isEmpty();
        PredictionView.Study study = view.study("project-1", "1.2.3");
        assertThat(study.supersededBy()).containsEntry("job-a", "job-b");
        assertThat(study.predictions()).extracting(Prediction::getPredictionId).containsExactly("job-a:0");

        pipe(TopicCatalog.PREDICTIONS, "1.2.3", output("job-b", 1));
        assertThat(current()).containsExactly("job-b:1");
    }

    @Test
    void shouldNotSupersedeAcrossModelVersionsOrScopeUids() {
        pipe(TopicCatalog.INFERENCE_JOBS, "job-a", revision(0, "job-a", null));
        pipe(TopicCatalog.PREDICTIONS, "1.2.3", output("job-a", 0));
        InferenceJob otherVersion = InferenceJob.newBuilder(revision(1, "job-v2", null)).setModelVersion(2).build();
        InferenceJob otherSeries = InferenceJob.newBuilder(revision(1, "job-s2", null)).setScopeUid("1.2.3.9").build();
        pipe(TopicCatalog.INFERENCE_JOBS, "job-v2", otherVersion);
        pipe(TopicCatalog.INFERENCE_JOBS, "job-s2", otherSeries);
        pipe(TopicCatalog.PREDICTIONS, "1.2.3", output("job-v2", 1));
        pipe(TopicCatalog.PREDICTIONS, "1.2.3", output("job-s2", 2));
        assertThat(current()).containsExactlyInAnyOrder("job-a:0", "job-v2:1", "job-s2:2");
    }

    @Test
    void shouldShowTheJobsOfRunsBesideAutoRunsWithTheirStates() {
        pipe(TopicCatalog.INFERENCE_JOBS, "job-a", revision(0, "job-a", null));
        InferenceJob run = InferenceJob.newBuilder(revision(0, "run-r1-job", null)).setModelVersion(2).setRunId("r1").build();
        pipe(TopicCatalog.RUN_JOBS, "run-r1-job", run);
        pipe(TopicCatalog.JOB_STATUS, "run-r1-job", status("run-r1-job", JobState.SUCCEEDED));
        pipe(TopicCatalog.PREDICTIONS, "1.2.3", output("run-r1-job", 3));

        PredictionView.Study study = view.study("project-1", "1.2.3");
        assertThat(study.statuses()).containsKey("run-r1-job");
        assertThat(current()).contains("run-r1-job:3");
        assertThat(view.studyOfJob("run-r1-job")).hasValueSatisfying(where -> assertThat(where).containsExactly("project-1", "1.2.3"));
    }

    @Test
    void shouldCountAndSkipAnUndecodableRecordAndApplyTheNextOne() {
        driver.createInputTopic(TopicCatalog.PREDICTIONS.name(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput("1.2.3", new byte[] {0, 0, 0, 0, 42, 1, 2});
        pipe(TopicCatalog.PREDICTIONS, "1.2.3", output("job-a", 3));
        assertThat(undecodable).containsExactly("predictions");
        assertThat(current()).containsExactly("job-a:3");
    }

    @Test
    void shouldKeepInstancesNotCompletionMarkersAndDeleteAJobStateOnItsTombstone() {
        pipe(TopicCatalog.DATASET_UPLOADS, "1.2.3", SampleEvents.instanceUploaded());
        pipe(TopicCatalog.DATASET_UPLOADS, "1.2.3", SampleEvents.seriesCompleted());
        pipe(TopicCatalog.INFERENCE_JOBS, "job-1", SampleEvents.inferenceJob());
        pipe(TopicCatalog.JOB_STATUS, "job-1", SampleEvents.jobStatus());
        PredictionView.Study study = view.study("project-1", "1.2.3");
        assertThat(study.instances()).extracting(d -> d.getSopInstanceUid()).containsExactly("1.2.3.4.5");
        assertThat(study.statuses()).containsKey("job-1");

        pipe(TopicCatalog.JOB_STATUS, "job-1", null);
        assertThat(view.study("project-1", "1.2.3").statuses()).isEmpty();
        assertThat(view.study("project-2", "1.2.3").isEmpty()).as("another project's study of the same UID").isTrue();
        assertThat(view.studies("project-1")).extracting(PredictionView.Study::studyUid).containsExactly("1.2.3");
    }

    @Test
    void shouldReportEachChangeWithItsProjectAndStudy() {
        pipe(TopicCatalog.DATASET_UPLOADS, "1.2.3", SampleEvents.instanceUploaded());
        pipe(TopicCatalog.INFERENCE_JOBS, "job-1", SampleEvents.inferenceJob());
        pipe(TopicCatalog.JOB_STATUS, "job-1", SampleEvents.jobStatus());
        pipe(TopicCatalog.PREDICTIONS, "1.2.3", output("job-1", 0));
        assertThat(changes).containsExactly(new ViewChange("instance", "project-1", "1.2.3", "1.2.3.4.5"),
                new ViewChange("job", "project-1", "1.2.3", "job-1"), new ViewChange("job-status", null, null, "job-1"),
                new ViewChange("prediction", "project-1", "1.2.3", "job-1:0"));
        assertThat(view.studyOfJob("job-1")).hasValueSatisfying(w -> assertThat(w).containsExactly("project-1", "1.2.3"));
        assertThat(view.studyOfJob("job-unknown")).isEmpty();
    }
}

package io.radflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.common.config.CommonConfig;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.Prediction;
import io.radflow.worker.runtime.http.V7Server;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model slower than the consumer's {@code max.poll.interval.ms} (8 s against 5 s) on the real
 * broker: the consumer loop keeps polling while an executor thread waits for the model, so the
 * group never rebalances, the job runs once and its prediction is published once.
 */
class WorkerSlowModelIT {

    private static final Path CT = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm");

    @TempDir
    static Path dir;

    private static WorkerFixture fx;
    private static V7Server http;
    private static InferenceWorker worker;
    private static SimpleMeterRegistry meters;

    @BeforeAll
    static void start() throws Exception {
        fx = new WorkerFixture(dir);
        http = V7Server.start(dir);
        meters = new SimpleMeterRegistry();
        worker = fx.startWorker("slow-model-it", Map.of(CommonConfig.KAFKA_CLIENT_PREFIX + "max.poll.interval.ms", "5000",
                WorkerConfig.MODEL_TIMEOUT.name(), "60s"), meters);
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (http != null) {
            http.close();
        }
        fx.close();
    }

    @Test
    void shouldRunAModelSlowerThanThePollIntervalOnceWithoutARebalance() throws Exception {
        String model = fx.registerModel("http-slow", fx.httpVersion(http.url("slow"), 30_000));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(worker::assigned);
        double rebalancesBefore = rebalances();
        assertThat(rebalancesBefore).as("the consumer's join is its first rebalance: the metric is there").isGreaterThanOrEqualTo(1);
        InferenceJob job = fx.job(model, 1, fx.store(CT), CT);
        fx.submit(job);

        List<JobStatus> statuses = fx.statuses(WorkerFixture.ids(job),
                s -> s.stream().anyMatch(x -> x.getState() == JobState.SUCCEEDED), Duration.ofSeconds(60));
        assertThat(statuses).extracting(JobStatus::getState).as("one attempt, never handed to another member")
                .containsExactly(JobState.RUNNING, JobState.SUCCEEDED);
        List<Prediction> predictions = fx.predictions(WorkerFixture.ids(job), p -> false, Duration.ofSeconds(3));
        WorkerFixture.assertNoDuplicates(predictions);
        assertThat(predictions).isNotEmpty();
        assertThat(http.inferCount("slow")).as("the model was asked once").isEqualTo(1);
        assertThat(rebalances()).as("no rebalance while the model took longer than max.poll.interval.ms").isEqualTo(rebalancesBefore);
    }

    /** The job consumer's rebalances so far, from the Kafka client metrics the worker binds. */
    private static double rebalances() {
        return meters.getMeters().stream().filter(m -> m.getId().getName().equals("kafka.consumer.coordinator.rebalance.total"))
                .flatMap(m -> StreamSupport.stream(m.measure().spliterator(), false)).mapToDouble(Measurement::getValue).sum();
    }
}

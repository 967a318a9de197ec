package io.radflow.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.worker.metrics.WorkerMetrics;
import io.radflow.worker.runtime.http.V7Server;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lag the autoscaler reads for run-jobs, on the real broker, while a worker holds its run-jobs
 * partitions back behind fresh work: the consumer learns a partition's end only by fetching from
 * it, so the worker asks for the ends of paused partitions itself, and run jobs that arrive while
 * they wait show in {@code radflow_worker_consumer_lag{topic="run-jobs"}}.
 */
class WorkerRunsLagIT {

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
        worker = fx.startWorker("runs-lag-it", Map.of(), meters);
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
    void shouldReportRunJobsWaitingBehindFreshWorkAsLag() throws Exception {
        // The V7 server's slow mode answers after 8 s: two fresh jobs keep the worker busy for about 16 s.
        String model = fx.registerModel("http-slow-runs-lag", fx.httpVersion(http.url("slow"), 30_000));
        await().atMost(Duration.ofSeconds(60)).until(worker::assigned);
        fx.submit(fx.job(model, 1, fx.store(CT), CT), fx.job(model, 1, fx.store(CT), CT));
        await().atMost(Duration.ofSeconds(30)).until(() -> http.inferCount("slow") >= 1);
        assertThat(lag(TopicCatalog.RUN_JOBS.name())).as("no run job yet").isZero();

        String runId = "run-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            InferenceJob job = fx.job(model, 1, fx.store(CT), CT);
            fx.send(TopicCatalog.RUN_JOBS, job.getJobId(), InferenceJob.newBuilder(job).setJobId(runId + "-" + i).setRunId(runId).build());
        }
        // Held back while the fresh jobs run; within a refresh of the paused partitions' ends they show as lag.
        await().atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofMillis(200))
                .until(() -> lag(TopicCatalog.RUN_JOBS.name()) == 3);
        assertThat(http.inferCount("slow")).as("the run jobs waited: only fresh jobs reached the model so far").isLessThanOrEqualTo(2);
    }

    private static double lag(String topic) {
        Gauge gauge = meters.find(WorkerMetrics.CONSUMER_LAG).tag("topic", topic).gauge();
        return gauge == null ? -1 : gauge.value();
    }
}

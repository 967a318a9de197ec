package io.radflow.worker.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.radflow.common.metrics.MetricsSetup;
import io.radflow.worker.runtime.ModelKey;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Every meter of the inference worker, in one place. Tags stay low-cardinality: model id,
 * version, outcome, reason; never job ids or UIDs.
 */
public final class WorkerMetrics {

    public static final String JOBS = MetricsSetup.PREFIX + "worker.jobs";
    public static final String INFERENCE_LATENCY = MetricsSetup.PREFIX + "worker.inference.latency";
    public static final String QUEUE_WAIT = MetricsSetup.PREFIX + "worker.queue.wait";
    public static final String BATCH_SIZE = MetricsSetup.PREFIX + "worker.batch.size";
    public static final String RETRIES = MetricsSetup.PREFIX + "worker.retries";
    public static final String CONSUMER_LAG = MetricsSetup.PREFIX + "worker.consumer.lag";
    public static final String IN_FLIGHT = MetricsSetup.PREFIX + "worker.jobs.in.flight";
    public static final String TRANSACTIONS = MetricsSetup.PREFIX + "worker.transactions";
    public static final String MODEL_LOADS = MetricsSetup.PREFIX + "worker.model.loads";
    public static final String MODELS_LOADED = MetricsSetup.PREFIX + "worker.models.loaded";

    /** Outcomes of {@link #JOBS}. */
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";

    private static final double[] PERCENTILES = {0.5, 0.9, 0.95, 0.99};

    private final MeterRegistry registry;
    /** Meters per model version, built once: registering on every job would cost more than recording. */
    private final Map<ModelKey, VersionMeters> versions = new ConcurrentHashMap<>();

    private record VersionMeters(Timer inference, Timer queueWait, DistributionSummary batchSize) {
    }

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    private VersionMeters meters(ModelKey key) {
        return versions.computeIfAbsent(key, k -> {
            String[] tags = {"model", k.modelId(), "version", Integer.toString(k.version())};
            return new VersionMeters(
                    Timer.builder(INFERENCE_LATENCY).description("Model execution time of one batch").tags(tags)
                            .publishPercentiles(PERCENTILES).publishPercentileHistogram().register(registry),
                    Timer.builder(QUEUE_WAIT).description("Time jobs waited between consumption and the start of their batch")
                            .tags(tags).publishPercentiles(PERCENTILES).publishPercentileHistogram().register(registry),
                    DistributionSummary.builder(BATCH_SIZE).description("Jobs per executed batch").tags(tags)
                            .publishPercentiles(PERCENTILES).register(registry));
        });
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A job's final outcome, counted once its transaction committed. */
    public void job(String modelId, Integer version, String outcome) {
        Counter.builder(JOBS).description("Jobs finished, by model, version and outcome")
                .tag("model", modelId == null ? "unknown" : modelId).tag("version", version == null ? "unknown" : version.toString())
                .tag("outcome", outcome).register(registry).increment();
    }

    /** Time the runtime spent on one batch. */
    public void inference(ModelKey key, Duration d) {
        meters(key).inference().record(d);
    }

    /** Time from a job's arrival at the worker to the start of its batch. */
    public void queueWait(ModelKey key, Duration d) {
        meters(key).queueWait().record(d);
    }

    public void batchSize(ModelKey key, int size) {
        meters(key).batchSize().record(size);
    }

    public void retry(ModelKey key, String reason) {
        Counter.builder(RETRIES).description("Job attempts that failed with a retriable reason and were scheduled again")
                .tags("model", key.modelId(), "version", Integer.toString(key.version()), "reason", reason)
                .register(registry).increment();
    }

    public void transaction(String outcome, Duration d) {
        Timer.builder(TRANSACTIONS).description("Kafka transactions of predictions and consumed offsets")
                .tag("outcome", outcome).register(registry).record(d);
    }

    public void modelLoad(ModelKey key, String outcome) {
        Counter.builder(MODEL_LOADS).description("Model loads (and reloads after a crash)")
                .tags("model", key.modelId(), "version", Integer.toString(key.version()), "outcome", outcome)
                .register(registry).increment();
    }

    /**
     * The worker's gauges; consumer lag once per jobs topic (tag {@code topic}), so that an
     * autoscaler can weigh waiting auto-run jobs and waiting run jobs differently, while a sum
     * over the tag is still the worker's whole backlog.
     */
    public void gauges(Collection<String> jobTopics, ToLongFunction<String> consumerLag, Supplier<Number> inFlight,
                       Supplier<Number> modelsLoaded) {
        for (String topic : jobTopics) {
            Gauge.builder(CONSUMER_LAG, () -> consumerLag.applyAsLong(topic))
                    .description("Jobs of a jobs topic on the assigned partitions not yet consumed").tag("topic", topic).register(registry);
        }
        Gauge.builder(IN_FLIGHT, inFlight).description("Jobs consumed and not yet committed").register(registry);
        Gauge.builder(MODELS_LOADED, modelsLoaded).description("Models in the worker's cache").register(registry);
    }
}

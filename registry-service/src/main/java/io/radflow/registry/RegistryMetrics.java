package io.radflow.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.radflow.common.metrics.MetricsSetup;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Every meter of the registry service, declared once. Tags stay low-cardinality: the route
 * template (never the model name), the method, the status, the command action and outcome.
 */
public final class RegistryMetrics {

    public static final String HTTP_REQUESTS = MetricsSetup.PREFIX + "registry.http.requests";
    public static final String COMMANDS = MetricsSetup.PREFIX + "registry.commands";
    public static final String WRITE_LATENCY = MetricsSetup.PREFIX + "registry.write.latency";
    public static final String ARTIFACT_BYTES = MetricsSetup.PREFIX + "registry.artifact.bytes";
    public static final String UNDECODABLE_JOB_STATUS = MetricsSetup.PREFIX + "registry.job.status.undecodable";
    public static final String PREDICT_REQUESTS = MetricsSetup.PREFIX + "registry.predict.requests";
    public static final String PREDICT_REPLIES_UNDECODABLE = MetricsSetup.PREFIX + "registry.predict.replies.undecodable";
    public static final String VIEW_MODELS = MetricsSetup.PREFIX + "registry.view.models";

    private final MeterRegistry registry;
    private final Counter undecodable;
    private final Counter artifactBytes;

    public RegistryMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.undecodable = Counter.builder(UNDECODABLE_JOB_STATUS)
                .description("job-status records the registry could not decode (lastUsedAt not updated)").register(registry);
        this.artifactBytes = Counter.builder(ARTIFACT_BYTES).baseUnit("bytes")
                .description("bytes of model artifacts accepted into the artifact store").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void httpRequest(String method, String route, int status, Duration duration) {
        Timer.builder(HTTP_REQUESTS).description("REST API requests").tag("method", method).tag("route", route)
                .tag("status", Integer.toString(status)).register(registry).record(duration);
    }

    public void command(String action, String outcome) {
        Counter.builder(COMMANDS).description("commands answered by the command processor")
                .tag("action", action).tag("outcome", outcome).register(registry).increment();
    }

    public void writeConfirmed(String action, Duration duration) {
        Timer.builder(WRITE_LATENCY).description("from sending a write to seeing it in this instance's view")
                .tag("action", action).register(registry).record(duration);
    }

    public void artifactStored(long bytes) {
        artifactBytes.increment(bytes);
    }

    public void undecodableJobStatus() {
        undecodable.increment();
    }

    /**
     * A predict request answered: from receiving it to answering, tagged with the model version's
     * scope and the outcome ({@code succeeded}, {@code failed}, {@code timeout}).
     */
    public void predict(String scope, String outcome, Duration duration) {
        Timer.builder(PREDICT_REQUESTS).description("synchronous predict requests that reached the worker pool, by outcome")
                .tag("scope", scope).tag("outcome", outcome).register(registry).record(duration);
    }

    /** A predictions or job-status record the predict reply reader could not decode (that request may time out). */
    public void undecodablePredictReply(String topic) {
        Counter.builder(PREDICT_REPLIES_UNDECODABLE).description("records the predict reply reader could not decode")
                .tag("topic", topic).register(registry).increment();
    }

    public void viewSize(Supplier<Number> models) {
        Gauge.builder(VIEW_MODELS, models).description("models in the materialized view, archived ones included").register(registry);
    }
}

package io.radflow.exporter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.radflow.common.metrics.MetricsSetup;
import java.time.Duration;

/**
 * Every meter of the results exporter, in one place. Tags stay low-cardinality: outcome,
 * destination kind, object kind, reason; never job ids, projects or UIDs.
 */
public final class ExporterMetrics {

    public static final String JOBS = MetricsSetup.PREFIX + "exporter.jobs";
    public static final String OBJECTS = MetricsSetup.PREFIX + "exporter.objects";
    public static final String RETRIES = MetricsSetup.PREFIX + "exporter.retries";
    public static final String EXPORT_LATENCY = MetricsSetup.PREFIX + "exporter.export.latency";

    /** Outcomes of {@link #JOBS}. */
    public static final String EXPORTED = "exported";
    public static final String DEAD_LETTERED = "dead_lettered";

    private final MeterRegistry registry;

    public ExporterMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A job stored at a destination of this kind (STOW_RS, C_STORE, CONTENT_STORE), with its objects and how long it took. */
    public void exported(String destinationKind, Iterable<String> objectKinds, Duration took) {
        Counter.builder(JOBS).description("Jobs whose results were exported or dead-lettered").tags("outcome", EXPORTED,
                "destination", destinationKind, "reason", "none").register(registry).increment();
        for (String kind : objectKinds) {
            Counter.builder(OBJECTS).description("DICOM objects stored").tags("kind", kind, "destination", destinationKind)
                    .register(registry).increment();
        }
        Timer.builder(EXPORT_LATENCY).description("Time from a job's first export attempt to the destination's confirmation")
                .tags("destination", destinationKind).register(registry).record(took);
    }

    public void deadLettered(String destinationKind, String reason) {
        Counter.builder(JOBS).description("Jobs whose results were exported or dead-lettered").tags("outcome", DEAD_LETTERED,
                "destination", destinationKind, "reason", reason).register(registry).increment();
    }

    public void retried(String destinationKind, String reason) {
        Counter.builder(RETRIES).description("Export attempts that failed transiently and were scheduled again")
                .tags("destination", destinationKind, "reason", reason).register(registry).increment();
    }
}

package io.radflow.ingestion;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The meters of the uploader and the Orthanc bridge, named once. Tags: source, outcome, level. */
public final class IngestionMetrics {

    public static final String INSTANCES = "radflow.ingestion.instances";
    public static final String MARKERS = "radflow.ingestion.markers";
    public static final String BRIDGE_POSITION = "radflow.ingestion.bridge.position";
    public static final String BRIDGE_FAILURES = "radflow.ingestion.bridge.failures";

    /** What happened to one input. */
    public enum Outcome { PUBLISHED, NOT_DICOM, UNREADABLE, NOT_AN_INSTANCE, DUPLICATE, GONE }

    private final MeterRegistry registry;
    private final String source;
    // A gauge is registered once per registry and name: later holders (a restarted bridge) share its value.
    private static final Map<MeterRegistry, AtomicLong> POSITIONS = Collections.synchronizedMap(new WeakHashMap<>());

    private final AtomicLong position;

    public IngestionMetrics(MeterRegistry registry, String source) {
        this.registry = registry;
        this.source = source;
        this.position = POSITIONS.computeIfAbsent(registry, r -> {
            AtomicLong value = new AtomicLong(-1);
            Gauge.builder(BRIDGE_POSITION, value, AtomicLong::get).tag("source", source)
                    .description("Last source position (Orthanc change Seq) committed with its events").register(r);
            return value;
        });
    }

    public void instance(Outcome outcome) {
        Counter.builder(INSTANCES).tag("source", source).tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                .description("Instances seen by a source, by outcome").register(registry).increment();
    }

    public void marker(String level) {
        Counter.builder(MARKERS).tag("source", source).tag("level", level).description("Upload-completed markers published")
                .register(registry).increment();
    }

    /** @param kind orthanc or kafka */
    public void bridgeFailure(String kind) {
        Counter.builder(BRIDGE_FAILURES).tag("source", source).tag("kind", kind)
                .description("Bridge rounds that failed and will be retried").register(registry).increment();
    }

    public void position(long value) {
        position.set(value);
    }
}

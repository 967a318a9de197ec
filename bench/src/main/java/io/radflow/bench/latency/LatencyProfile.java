package io.radflow.bench.latency;

import io.radflow.trigger.TriggerConfig;
import io.radflow.worker.WorkerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The settings a latency run uses: the shipped defaults, or the low-latency profile that bench/README.md describes. */
record LatencyProfile(String name, Duration triggerCommitInterval, Duration workerCommitInterval) {

    static final LatencyProfile DEFAULT = new LatencyProfile("default", TriggerConfig.COMMIT_INTERVAL.defaultValue(),
            WorkerConfig.COMMIT_INTERVAL.defaultValue());
    static final LatencyProfile LOW_LATENCY = new LatencyProfile("low-latency", Duration.ofMillis(10), Duration.ofMillis(10));
    static final List<String> NAMES = List.of(DEFAULT.name(), LOW_LATENCY.name());

    static Optional<LatencyProfile> named(String name) {
        return List.of(DEFAULT, LOW_LATENCY).stream().filter(p -> p.name().equals(name)).findFirst();
    }
}

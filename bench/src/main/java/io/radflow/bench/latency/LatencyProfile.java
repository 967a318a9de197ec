package io.radflow.bench.latency;

import io.radflow.trigger.TriggerConfig;
import io.radflow.worker.WorkerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The settings a latency run uses, with the goal they are held to: the shipped defaults, or the
 * low-latency profile that bench/README.md describes.
 *
 * @param goalP99Ms 0 when the profile has no p99 goal
 */
public record LatencyProfile(String name, Duration triggerCommitInterval, Duration workerCommitInterval, int goalP50Ms, int goalP99Ms) {

    static final LatencyProfile DEFAULT = new LatencyProfile("default", TriggerConfig.COMMIT_INTERVAL.defaultValue(),
            WorkerConfig.COMMIT_INTERVAL.defaultValue(), 100, 250);
    static final LatencyProfile LOW_LATENCY = new LatencyProfile("low-latency", Duration.ofMillis(10), Duration.ofMillis(10), 50, 0);
    static final List<String> NAMES = List.of(DEFAULT.name(), LOW_LATENCY.name());

    static Optional<LatencyProfile> named(String name) {
        return List.of(DEFAULT, LOW_LATENCY).stream().filter(p -> p.name().equals(name)).findFirst();
    }
}

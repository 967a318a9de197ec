package io.radflow.bench.trigger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Where a Kafka Streams app's stream threads spent their time, from Streams' own thread metrics
 * (process-ratio, commit-ratio, poll-ratio, punctuate-ratio: each a share of the thread's loop, averaged
 * over Streams' metric sampling window), averaged over the threads. It tells whether a slow contender
 * is busy processing or waiting on commits and fetches.
 */
public record ThreadTimeSplit(double process, double commit, double poll, double punctuate) {

    private static final String GROUP = "stream-thread-metrics";

    static ThreadTimeSplit of(Map<MetricName, ? extends Metric> metrics) {
        Map<String, List<Double>> byName = new LinkedHashMap<>();
        metrics.forEach((name, metric) -> {
            if (name.group().equals(GROUP) && name.name().endsWith("-ratio") && metric.metricValue() instanceof Double value
                    && !value.isNaN()) {
                byName.computeIfAbsent(name.name(), n -> new ArrayList<>()).add(value);
            }
        });
        return new ThreadTimeSplit(mean(byName, "process-ratio"), mean(byName, "commit-ratio"), mean(byName, "poll-ratio"),
                mean(byName, "punctuate-ratio"));
    }

    private static double mean(Map<String, List<Double>> byName, String name) {
        return byName.getOrDefault(name, List.of()).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    public String describe() {
        return String.format("processing %.0f%%, committing %.0f%%, polling %.0f%%, punctuating %.0f%%", process * 100, commit * 100,
                poll * 100, punctuate * 100);
    }
}

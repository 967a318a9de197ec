package io.radflow.demo;

import io.radflow.schemas.avro.Scope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What one demo run showed: jobs per scope against what the samples call for, predictions, dead
 * letters, and upload-to-prediction latency as a downstream reader saw it.
 *
 * @param latenciesMillis one per job that produced predictions
 */
public record DemoReport(List<String> sources, SampleStudies.Structure structure, Map<Scope, Integer> expectedJobs,
                         PipelineWatcher.Snapshot pipeline, Map<String, Set<Scope>> scopesByStudy,
                         Map<String, String> deadLetters, List<Long> latenciesMillis, Path predictionsFile,
                         boolean finishedInTime) {

    /** Every job has an outcome, and every study got predictions at every scope. */
    public boolean success() {
        return finishedInTime && deadLetters.isEmpty() && studiesMissingAScope().isEmpty();
    }

    /** Studies without predictions at some scope, with the scopes they lack. */
    public List<String> studiesMissingAScope() {
        List<String> missing = new ArrayList<>();
        for (String study : structure.studies().keySet()) {
            Set<Scope> got = scopesByStudy.getOrDefault(study, Set.of());
            List<Scope> lacking = expectedJobs.keySet().stream().filter(s -> !got.contains(s)).toList();
            if (!lacking.isEmpty()) {
                missing.add(study + " " + lacking);
            }
        }
        return missing;
    }

    /** Per scope, jobs expected or seen that have no outcome yet, e.g. "series 2 of 15". */
    String unfinishedJobs() {
        List<String> parts = new ArrayList<>();
        for (Scope scope : Scope.values()) {
            if (expectedJobs.containsKey(scope)) {
                int total = Math.max(expectedJobs.get(scope), pipeline.jobs().getOrDefault(scope, 0));
                int open = total - pipeline.jobsDone().getOrDefault(scope, 0);
                if (open > 0) {
                    parts.add(scope.name().toLowerCase(Locale.ROOT) + " " + open + " of " + total);
                }
            }
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    /** Nearest-rank percentile of the latencies, in milliseconds; -1 without data. */
    public long latencyPercentile(double p) {
        if (latenciesMillis.isEmpty()) {
            return -1;
        }
        List<Long> sorted = latenciesMillis.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** The summary, a line each, for the command line to print. */
    public List<String> summaryLines() {
        List<String> lines = new ArrayList<>();
        lines.add("Samples: " + structure.studies().size() + " studies, " + structure.series() + " series, "
                + structure.instances() + " instances (" + String.join("; ", sources) + ")");
        for (Scope scope : Scope.values()) {
            if (expectedJobs.containsKey(scope)) {
                lines.add(String.format(Locale.ROOT, "Jobs %-9s %4d of %d expected, %d finished", scope.name().toLowerCase(Locale.ROOT),
                        pipeline.jobs().getOrDefault(scope, 0), expectedJobs.get(scope), pipeline.jobsDone().getOrDefault(scope, 0)));
            }
        }
        lines.add("Predictions: " + pipeline.predictions() + ", written to " + predictionsFile.toAbsolutePath());
        lines.add("Dead letters: " + deadLetters.size());
        deadLetters.entrySet().stream().limit(10).forEach(e -> lines.add("  " + e.getKey() + ": " + e.getValue()));
        if (deadLetters.size() > 10) {
            lines.add("  ... and " + (deadLetters.size() - 10) + " more on the inference-jobs-dlq topic");
        }
        lines.add(String.format(Locale.ROOT, "Upload to prediction: p50 %d ms, p95 %d ms (%d jobs)", latencyPercentile(50),
                latencyPercentile(95), latenciesMillis.size()));
        List<String> missing = studiesMissingAScope();
        if (!finishedInTime) {
            lines.add("The pipeline did not finish within the timeout; jobs without an outcome: " + unfinishedJobs() + ".");
        }
        if (missing.isEmpty()) {
            lines.add("Every study has predictions at every scope (" + String.join(", ",
                    expectedJobs.keySet().stream().map(s -> s.name().toLowerCase(Locale.ROOT)).toList()) + ").");
        } else {
            lines.add("Studies without predictions at some scope:");
            missing.forEach(m -> lines.add("  " + m));
        }
        return lines;
    }
}

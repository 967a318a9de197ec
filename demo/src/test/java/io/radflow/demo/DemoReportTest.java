package io.radflow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.avro.Scope;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoReportTest {

    private static final SampleStudies.Structure TWO_STUDIES = new SampleStudies.Structure(
            Map.of("st1", Map.of("se1", 3, "se2", 2), "st2", Map.of("se3", 1)));
    private static final Map<Scope, Integer> EXPECTED = Map.of(Scope.INSTANCE, 6, Scope.SERIES, 3, Scope.STUDY, 2);
    private static final PipelineWatcher.Snapshot DONE = new PipelineWatcher.Snapshot(6, 5, EXPECTED, EXPECTED, 11, 0);

    private static DemoReport report(Map<String, Set<Scope>> scopes, Map<String, String> deadLetters, List<Long> latencies,
                                     boolean inTime) {
        return new DemoReport(List.of("test"), TWO_STUDIES, EXPECTED, DONE, scopes, deadLetters, latencies,
                Path.of("p.jsonl"), inTime);
    }

    @Test
    void shouldSucceedOnlyWhenEveryStudyHasEveryScopeWithoutDeadLettersInTime() {
        Map<String, Set<Scope>> all = Map.of("st1", Set.of(Scope.values()), "st2", Set.of(Scope.values()));
        assertThat(report(all, Map.of(), List.of(1L), true).success()).isTrue();
        assertThat(report(all, Map.of(), List.of(1L), false).success()).isFalse();
        assertThat(report(all, Map.of("job-1", "MODEL_ERROR: boom"), List.of(1L), true).success()).isFalse();

        DemoReport missing = report(Map.of("st1", Set.of(Scope.values()), "st2", Set.of(Scope.INSTANCE)), Map.of(), List.of(), true);
        assertThat(missing.success()).isFalse();
        assertThat(missing.studiesMissingAScope()).singleElement().asString().startsWith("st2").contains("SERIES", "STUDY");
        assertThat(missing.summaryLines()).contains("Studies without predictions at some scope:");
    }

    @Test
    void shouldTakeNearestRankPercentiles() {
        List<Long> latencies = List.of(50L, 10L, 40L, 20L, 30L, 60L, 70L, 80L, 90L, 100L);
        DemoReport r = report(Map.of(), Map.of(), latencies, true);
        assertThat(r.latencyPercentile(50)).isEqualTo(50);
        assertThat(r.latencyPercentile(95)).isEqualTo(100);
        assertThat(r.latencyPercentile(10)).isEqualTo(10);
        assertThat(report(Map.of(), Map.of(), List.of(), true).latencyPercentile(50)).isEqualTo(-1);
    }

    @Test
    void shouldListAtMostTenDeadLettersAndPointToTheTopicForTheRest() {
        Map<String, String> many = new java.util.TreeMap<>();
        for (int i = 0; i < 12; i++) {
            many.put("job-" + i, "TIMEOUT");
        }
        List<String> lines = report(Map.of(), many, List.of(), true).summaryLines();
        assertThat(lines).contains("Dead letters: 12").anyMatch(l -> l.contains("... and 2 more on the inference-jobs-dlq topic"));
        assertThat(lines.stream().filter(l -> l.contains(": TIMEOUT"))).hasSize(10);
    }

    @Test
    void shouldSayWhichJobsHadNoOutcomeWhenTheTimeoutPassed() {
        PipelineWatcher.Snapshot stuck = new PipelineWatcher.Snapshot(6, 5, Map.of(Scope.INSTANCE, 6, Scope.SERIES, 2),
                Map.of(Scope.INSTANCE, 6, Scope.SERIES, 1), 7, 0);
        DemoReport r = new DemoReport(List.of("test"), TWO_STUDIES, EXPECTED, stuck, Map.of(), Map.of(), List.of(),
                Path.of("p.jsonl"), false);

        assertThat(r.unfinishedJobs()).isEqualTo("series 2 of 3, study 2 of 2");
        assertThat(r.summaryLines()).contains(
                "The pipeline did not finish within the timeout; jobs without an outcome: series 2 of 3, study 2 of 2.");
        assertThat(PipelineWatcher.complete(stuck, EXPECTED)).isFalse();
        assertThat(PipelineWatcher.complete(DONE, EXPECTED)).isTrue();
    }
}

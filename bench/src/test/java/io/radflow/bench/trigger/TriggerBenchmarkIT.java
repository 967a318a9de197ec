package io.radflow.bench.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.testsupport.TestStack;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark runs end to end on the real broker and registry (small: one round, no warm-up): every
 * contender moves every event, the trigger emits one distinct job per event (checked inside), and
 * the report carries the figures and ratios. Speed itself is the benchmark's business, not a test's.
 */
class TriggerBenchmarkIT {

    @Test
    void shouldMeasureEveryContenderAndReportTheRatio() throws Exception {
        TestStack stack = TestStack.get();
        List<String> progress = new ArrayList<>();

        TriggerBenchmark.Result result = TriggerBenchmark.run(stack.bootstrapServers(), stack.schemaRegistryUrl(),
                new TriggerBenchmark.Options(2000, 100, 1, false, 1), progress::add);

        assertThat(List.of(result.exactlyOnceLoop(), result.atLeastOnceLoop(), result.jobLoop(), result.streamsCopy(),
                result.trigger()))
                .allSatisfy(f -> {
                    assertThat(f.perSecond()).hasSize(1);
                    assertThat(f.median()).isPositive().isFinite();
                    assertThat(f.medianCpu()).isPositive();
                });
        assertThat(result.report()).anySatisfy(l -> assertThat(l).contains("ratio trigger / plain exactly-once loop"))
                .anySatisfy(l -> assertThat(l).contains("loop with the trigger's work"))
                .anySatisfy(l -> assertThat(l).contains("trigger's stream threads").contains("processing"))
                .anySatisfy(l -> assertThat(l).contains("trigger's state per 10,000 instances").contains("changelog records"));
        assertThat(result.triggerState().records()).as("the trigger keeps state for what it saw").isPositive();
        // Streams' own thread metrics: shares of the thread's loop, so each lies between 0 and 1.
        ThreadTimeSplit split = result.triggerSplit();
        assertThat(List.of(split.process(), split.commit(), split.poll(), split.punctuate())).allSatisfy(r -> assertThat(r).isBetween(0.0, 1.0));
        assertThat(progress).filteredOn(l -> l.startsWith("round 1")).hasSize(5);
    }
}

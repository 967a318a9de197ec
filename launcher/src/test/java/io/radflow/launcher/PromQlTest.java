package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void shouldFindMetricsAndTheirMatcherLabelsButNotFunctionsKeywordsOrRanges() {
        String expr = "histogram_quantile(0.95, sum by (le, model) (rate(radflow_a_seconds_bucket{outcome=\"failed\", status=~\"5..\"}[$__rate_interval])))"
                + " / ignoring(x) sum without (y) (radflow_b_total) > bool 0 and on(z) radflow_c offset 5m";
        assertThat(PromQl.selectors(expr)).containsExactly(
                new PromQl.Selector("radflow_a_seconds_bucket", java.util.Set.of("outcome", "status")),
                new PromQl.Selector("radflow_b_total", java.util.Set.of()),
                new PromQl.Selector("radflow_c", java.util.Set.of()));
        assertThat(PromQl.groupingLabels(expr)).containsExactly("le", "model", "x", "y", "z");
    }

    @Test
    void shouldReadAMetricWithoutMatchersOrFunctions() {
        assertThat(PromQl.selectors("sum(radflow_worker_consumer_lag)"))
                .containsExactly(new PromQl.Selector("radflow_worker_consumer_lag", java.util.Set.of()));
    }

    @Test
    void shouldReadTheValuesOfEqualityMatchersOnly() {
        assertThat(PromQl.equalityMatchers("sum(radflow_worker_consumer_lag{namespace=\"radflow\", topic = \"run-jobs\", pod=~\"w-.*\", job!=\"x\"})"))
                .containsExactly(java.util.Map.entry("namespace", "radflow"), java.util.Map.entry("topic", "run-jobs"));
    }
}

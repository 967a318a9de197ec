package io.radflow.launcher;

import static io.radflow.launcher.DeployFiles.maps;
import static io.radflow.launcher.DeployFiles.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboards and the Prometheus alert rules query only metrics that Radflow's services
 * really expose (a real scrape of every metrics holder, {@link MeterCatalog}), with labels those
 * metrics carry.
 */
class DeployDashboardTest {

    static final String DATASOURCE_UID = "prometheus";
    /** Labels Prometheus adds to every scraped series. */
    static final Set<String> TARGET_LABELS = Set.of("job", "instance", "pod", "namespace", "container");

    @Test
    void shouldRecordEveryMeterEachHolderDeclares() {
        for (Class<?> holder : MeterCatalog.HOLDERS) {
            assertThat(MeterCatalog.declaredNames(holder)).as(holder.getSimpleName() + " declares meters").isNotEmpty();
            for (String name : MeterCatalog.declaredNames(holder)) {
                assertThat(MeterCatalog.scraped(name)).as(name + " of " + holder.getSimpleName()
                        + " shows in the scrape (record it in MeterCatalog.exercise...)").isTrue();
            }
        }
    }

    @Test
    void shouldQueryOnlyRealMetricsInEveryDashboard() {
        List<Path> dashboards = DeployFiles.under("grafana/dashboards", ".json");
        assertThat(dashboards).isNotEmpty();
        for (Path file : dashboards) {
            JsonNode dashboard = DeployFiles.json(file);
            assertThat(dashboard.path("uid").asText()).isNotBlank();
            List<String> exprs = new ArrayList<>();
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : panels(dashboard)) {
                assertThat(ids.add(panel.path("id").asInt())).as("panel ids are unique: " + panel.path("title")).isTrue();
                if ("row".equals(panel.path("type").asText())) {
                    continue;
                }
                assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText()).isEqualTo(DATASOURCE_UID);
                assertThat(panel.path("targets").size()).as(panel.path("title").asText() + " has queries").isPositive();
                panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
            }
            exprs.forEach(e -> assertRealQuery(DeployFiles.relative(file), e));
            assertThat(exprs.stream().flatMap(e -> PromQl.selectors(e).stream()).map(PromQl.Selector::metric).filter(m -> m.startsWith("radflow_")))
                    .as("the dashboard shows every component").anyMatch(m -> m.startsWith("radflow_worker_"))
                    .anyMatch(m -> m.startsWith("radflow_trigger_")).anyMatch(m -> m.startsWith("radflow_registry_"))
                    .anyMatch(m -> m.startsWith("radflow_ingestion_"));
        }
    }

    @Test
    void shouldAlertOnlyOnRealMetrics() {
        Map<String, Object> rules = DeployFiles.yaml(DeployFiles.DEPLOY.resolve("prometheus/radflow-rules.yml"));
        for (Map<String, Object> group : maps(rules.get("groups"))) {
            for (Map<String, Object> rule : maps(group.get("rules"))) {
                assertThat(text(rule, "alert")).startsWith("Radflow");
                assertRealQuery("alert " + text(rule, "alert"), text(rule, "expr"));
            }
        }
    }

    @Test
    void shouldReadEveryLauncherVariableWhereItSaysItIs() {
        CodeFacts.LAUNCHER_VARIABLES.forEach((variable, files) -> files.forEach(f ->
                assertThat(DeployFiles.read(DeployFiles.REPO.resolve(f))).as(f + " reads " + variable).contains(variable)));
    }

    static void assertRealQuery(String where, String expr) {
        assertRealQuery(where, expr, TARGET_LABELS);
    }

    /** As {@link #assertRealQuery(String, String)}, where the scrape adds these labels to every series. */
    static void assertRealQuery(String where, String expr, Set<String> targetLabels) {
        List<PromQl.Selector> selectors = PromQl.selectors(expr);
        assertThat(selectors).as(where + ": " + expr + " names a metric").isNotEmpty();
        Set<String> available = new HashSet<>(targetLabels);
        for (PromQl.Selector s : selectors) {
            Set<String> labels = MeterCatalog.METRICS.get(s.metric());
            assertThat(labels).as(where + ": metric " + s.metric() + " in '" + expr + "' is exposed by the code").isNotNull();
            Set<String> known = new HashSet<>(labels);
            known.addAll(targetLabels);
            assertThat(known).as(where + ": labels of " + s.metric()).containsAll(s.matcherLabels());
            available.addAll(labels);
        }
        assertThat(available).as(where + ": grouping labels of '" + expr + "'").containsAll(PromQl.groupingLabels(expr));
    }

    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            out.add(p);
            p.path("panels").forEach(out::add);
        });
        return out;
    }
}

package io.radflow.launcher;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.radflow.common.metrics.MetricsSetup;
import io.radflow.exporter.ExporterMetrics;
import io.radflow.ingestion.IngestionMetrics;
import io.radflow.common.error.Reason;
import io.radflow.registry.RegistryMetrics;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.JobTrigger;
import io.radflow.schemas.avro.Scope;
import io.radflow.trigger.TriggerMetrics;
import io.radflow.worker.metrics.WorkerMetrics;
import io.radflow.worker.runtime.ModelKey;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names and labels a Prometheus scrape of Radflow's services shows, taken from a real
 * scrape: every component's metrics holder records each of its meters once on the registry
 * {@link MetricsSetup#prometheusRegistry} builds (JVM and process meters included), and the
 * scrape is parsed. Dashboards, alerts and autoscalers may query only these names.
 */
final class MeterCatalog {

    /** The metrics holder of every component: one class each declares its meter names. */
    static final List<Class<?>> HOLDERS = List.of(RegistryMetrics.class, IngestionMetrics.class, TriggerMetrics.class,
            WorkerMetrics.class, ExporterMetrics.class);

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    /** Metric name (as Prometheus shows it) to the label names its series carry. */
    static final Map<String, Set<String>> METRICS = scrape();

    private MeterCatalog() {
    }

    private static Map<String, Set<String>> scrape() {
        PrometheusMeterRegistry registry = MetricsSetup.prometheusRegistry("meter-catalog");
        exerciseRegistry(new RegistryMetrics(registry));
        exerciseIngestion(new IngestionMetrics(registry, "orthanc"));
        exerciseTrigger(new TriggerMetrics(registry));
        exerciseWorker(new WorkerMetrics(registry));
        exerciseExporter(new ExporterMetrics(registry));
        Map<String, Set<String>> out = new TreeMap<>();
        for (String line : registry.scrape().split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.find()) {
                continue;
            }
            Set<String> labels = out.computeIfAbsent(m.group(1), k -> new HashSet<>());
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.add(l.group(1));
                }
            }
        }
        return out;
    }

    private static void exerciseExporter(ExporterMetrics m) {
        m.exported("STOW_RS", List.of("SEG", "SR"), Duration.ofMillis(40));
        m.retried("STOW_RS", "DESTINATION_UNAVAILABLE");
        m.deadLettered("STOW_RS", "DESTINATION_REJECTED");
    }

    private static void exerciseRegistry(RegistryMetrics m) {
        m.httpRequest("GET", "/ml-models", 200, Duration.ofMillis(3));
        m.command("create-model", "accepted");
        m.writeConfirmed("create-model", Duration.ofMillis(20));
        m.artifactStored(1024);
        m.undecodableJobStatus();
        m.predict("instance", "succeeded", Duration.ofMillis(300));
        m.undecodablePredictReply("predictions");
        m.viewSize(() -> 1);
    }

    private static void exerciseIngestion(IngestionMetrics m) {
        m.instance(IngestionMetrics.Outcome.PUBLISHED);
        m.marker("series");
        m.bridgeFailure("orthanc");
        m.position(42);
    }

    private static void exerciseTrigger(TriggerMetrics m) {
        m.jobEmitted(Scope.SERIES, JobTrigger.COMPLETION_MARKER);
        m.groupCompleted(Scope.SERIES, JobTrigger.COMPLETION_MARKER, Duration.ofSeconds(2));
        m.deadLettered(Reason.MALFORMED_EVENT);
        m.upload("instance");
        m.settingsSkipped("model-settings");
        m.groupsExpired(1);
        m.pendingGroups("0_0", 3);
    }

    private static void exerciseWorker(WorkerMetrics m) {
        ModelKey key = new ModelKey("m-1", 1);
        m.job("m-1", 1, WorkerMetrics.SUCCEEDED);
        m.inference(key, Duration.ofMillis(12));
        m.queueWait(key, Duration.ofMillis(2));
        m.batchSize(key, 4);
        m.retry(key, "CONTENT_FETCH_TIMEOUT");
        m.transaction("committed", Duration.ofMillis(5));
        m.modelLoad(key, "loaded");
        m.gauges(List.of(TopicCatalog.INFERENCE_JOBS.name(), TopicCatalog.RUN_JOBS.name()), topic -> 0, () -> 0, () -> 1);
    }

    /** The dotted meter names a holder declares (its public static final String constants under radflow.). */
    static List<String> declaredNames(Class<?> holder) {
        List<String> names = new ArrayList<>();
        for (Field f : holder.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (Modifier.isPublic(mod) && Modifier.isStatic(mod) && Modifier.isFinal(mod) && f.getType() == String.class) {
                try {
                    String value = (String) f.get(null);
                    if (value.startsWith(MetricsSetup.PREFIX)) {
                        names.add(value);
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return names;
    }

    /** Whether the scrape shows a meter of this dotted name (with Micrometer's unit and type suffixes). */
    static boolean scraped(String dottedName) {
        Pattern p = Pattern.compile(Pattern.quote(dottedName.replace('.', '_')) + "(_seconds|_bytes)?(_total|_count|_sum|_max|_bucket)?");
        return METRICS.keySet().stream().anyMatch(n -> p.matcher(n).matches());
    }
}

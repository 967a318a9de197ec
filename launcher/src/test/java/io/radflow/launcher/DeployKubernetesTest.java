package io.radflow.launcher;

import static io.radflow.launcher.DeployFiles.at;
import static io.radflow.launcher.DeployFiles.map;
import static io.radflow.launcher.DeployFiles.maps;
import static io.radflow.launcher.DeployFiles.strings;
import static io.radflow.launcher.DeployFiles.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.ConfigDefinition;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.worker.metrics.WorkerMetrics;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every Kubernetes manifest under deploy/k8s, read with a YAML parser and checked against the
 * code: the commands the containers run, the configuration keys they set, the topics, the Kafka
 * cluster they connect to, the lag KEDA scales the workers on, what Prometheus scrapes, and the alerts.
 */
class DeployKubernetesTest {

    private static List<KubernetesManifests> roots() {
        return KubernetesManifests.ROOTS.stream().map(KubernetesManifests::load).toList();
    }

    @Test
    void shouldParseEveryManifestAsKubernetesObjects() {
        List<Path> files = DeployFiles.under("k8s", ".yaml", ".yml");
        assertThat(files).hasSizeGreaterThan(10);
        for (Path file : files) {
            for (Map<String, Object> doc : DeployFiles.yamlDocuments(file)) {
                String where = DeployFiles.relative(file);
                assertThat(text(doc, "apiVersion")).as(where + " apiVersion").isNotBlank();
                assertThat(text(doc, "kind")).as(where + " kind").isNotBlank();
                if (!"Kustomization".equals(doc.get("kind"))) {
                    assertThat(text(doc, "metadata", "name")).as(where + " metadata.name").matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
                }
            }
        }
    }

    @Test
    void shouldApplyEveryManifestFromAKustomization() {
        List<Path> referenced = KubernetesManifests.referencedResources();
        for (Path file : DeployFiles.under("k8s", ".yaml", ".yml")) {
            if (!file.getFileName().toString().equals("kustomization.yaml")) {
                assertThat(referenced).as(DeployFiles.relative(file) + " is named by a kustomization.yaml").contains(file);
            }
        }
        for (KubernetesManifests root : roots()) {
            assertThat(root.namespace()).as(root.name() + " namespace").isEqualTo("radflow");
            List<String> keys = root.objects().stream().map(o -> o.get("kind") + "/" + text(o, "metadata", "name")).toList();
            assertThat(keys).as(root.name() + ": each object once").doesNotHaveDuplicates();
        }
    }

    @Test
    void shouldRunOnlyRealSubcommandsWithTheirOwnConfigurationKeys() {
        for (KubernetesManifests root : roots()) {
            List<KubernetesManifests.Container> radflow = root.containers().stream().filter(KubernetesManifests.Container::radflow).toList();
            assertThat(radflow).isNotEmpty();
            Set<String> running = new TreeSet<>();
            for (KubernetesManifests.Container c : radflow) {
                String where = root.name() + " " + c.workloadName();
                String sub = CodeFacts.subcommand(c.args());
                assertThat(CodeFacts.SERVICES).as(where + " runs a service subcommand").contains(sub);
                running.add(sub);
                assertThat(root.imageNames()).as(where + ": kustomization images name " + c.image()).contains(c.image());
                ConfigDefinition definition = CodeFacts.definitionOf(c.args());
                for (String variable : root.environment(c).keySet()) {
                    assertThat(CodeFacts.problemWith(variable, definition)).as(where + " sets " + variable).isNull();
                }
            }
            assertThat(running).as(root.name() + " runs every service").containsExactlyInAnyOrderElementsOf(CodeFacts.SERVICES);
        }
    }

    @Test
    void shouldNameOnlyConfigMapsAndPortsThatExist() {
        for (KubernetesManifests root : roots()) {
            for (KubernetesManifests.Container c : root.containers()) {
                String where = root.name() + " " + c.workloadName();
                c.configMaps().forEach(cm -> root.named("ConfigMap", cm));
                for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                    Object port = at(c.spec(), probe, "httpGet", "port");
                    if (port != null) {
                        assertThat(c.ports()).as(where + " " + probe + " port").containsKey(String.valueOf(port));
                        assertThat(text(c.spec(), probe, "httpGet", "path")).as(where + " " + probe)
                                .isIn("/health", "/apis/ccompat/v7/subjects");
                    }
                }
                for (Map<String, Object> mount : maps(c.spec().get("volumeMounts"))) {
                    List<String> volumes = new ArrayList<>(maps(at(c.podTemplate(), "spec", "volumes")).stream().map(v -> text(v, "name")).toList());
                    maps(at(c.workload(), "spec", "volumeClaimTemplates")).forEach(v -> volumes.add(text(v, "metadata", "name")));
                    assertThat(volumes).as(where + " volume " + text(mount, "name")).contains(text(mount, "name"));
                }
                for (Map<String, Object> v : maps(at(c.podTemplate(), "spec", "volumes"))) {
                    String claim = text(v, "persistentVolumeClaim", "claimName");
                    if (claim != null) {
                        root.named("PersistentVolumeClaim", claim);
                    }
                }
            }
        }
    }

    @Test
    void shouldConnectToTheStrimziClusterAndTheSchemaRegistry() {
        for (KubernetesManifests root : roots()) {
            Map<String, Object> kafka = single(root, "Kafka");
            String cluster = text(kafka, "metadata", "name");
            int plainPort = plainListenerPort(kafka);
            for (KubernetesManifests.Container c : root.containers().stream().filter(KubernetesManifests.Container::radflow).toList()) {
                Map<String, String> env = root.environment(c);
                assertThat(env.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS.envName())).as(c.workloadName())
                        .isEqualTo(cluster + "-kafka-bootstrap:" + plainPort);
                URI registry = URI.create(env.get(CommonConfig.SCHEMA_REGISTRY_URL.envName()));
                Map<String, Object> service = root.named("Service", registry.getHost());
                assertThat(maps(at(service, "spec", "ports")).stream().map(p -> at(p, "port")).toList()).contains(registry.getPort());
                assertThat(registry.getPath()).isEqualTo("/apis/ccompat/v7");
            }
            List<Map<String, Object>> pools = root.ofKind("KafkaNodePool");
            assertThat(pools).allSatisfy(p -> assertThat(text(p, "metadata", "labels", "strimzi.io/cluster")).isEqualTo(cluster));
            int brokers = pools.stream().filter(p -> strings(at(p, "spec", "roles")).contains("broker"))
                    .mapToInt(p -> (Integer) at(p, "spec", "replicas")).sum();
            assertThat(pools.stream().filter(p -> strings(at(p, "spec", "roles")).contains("controller"))
                    .mapToInt(p -> (Integer) at(p, "spec", "replicas")).sum()).as("KRaft controller quorum").isOdd();
            List<Map<String, Object>> topics = root.ofKind("KafkaTopic");
            assertThat(topics.stream().map(t -> text(t, "spec", "topicName")).toList())
                    .containsExactlyInAnyOrderElementsOf(TopicCatalog.ALL.stream().map(Topic::name).toList());
            for (Map<String, Object> t : topics) {
                assertThat(text(t, "metadata", "labels", "strimzi.io/cluster")).isEqualTo(cluster);
                assertThat((Integer) at(t, "spec", "replicas")).as("topic replicas fit the brokers").isLessThanOrEqualTo(brokers);
            }
            Map<String, Object> kafkaConfig = map(at(kafka, "spec", "kafka", "config"));
            assertThat((Integer) kafkaConfig.get("transaction.state.log.min.isr"))
                    .isLessThanOrEqualTo((Integer) kafkaConfig.get("transaction.state.log.replication.factor"));
        }
    }

    @Test
    void shouldScaleWorkersOnTheLagTheirOwnPodsExport() {
        String lag = WorkerMetrics.CONSUMER_LAG.replace('.', '_');
        Set<String> servers = new TreeSet<>();
        for (KubernetesManifests root : roots()) {
            Map<String, Object> monitor = single(root, "PodMonitor");
            Set<String> scrapeLabels = new TreeSet<>(DeployDashboardTest.TARGET_LABELS);
            podTargetLabels(monitor).forEach(l -> scrapeLabels.add(prometheusName(l)));
            List<Map<String, Object>> scaled = root.ofKind("ScaledObject");
            assertThat(scaled).as(root.name() + " scales workers").isNotEmpty();
            Map<String, Integer> maxByGroup = new HashMap<>();
            for (Map<String, Object> so : scaled) {
                String target = text(so, "spec", "scaleTargetRef", "name");
                String where = root.name() + " ScaledObject " + target;
                Map<String, Object> deployment = root.named("Deployment", target);
                KubernetesManifests.Container worker = root.containers().stream()
                        .filter(c -> c.workload() == deployment && c.radflow()).findFirst().orElseThrow();
                assertThat(CodeFacts.subcommand(worker.args())).as(target).isEqualTo("inference-worker");
                maxByGroup.merge(WorkerGroups.effective(root.environment(worker)), (Integer) at(so, "spec", "maxReplicaCount"),
                        Integer::sum);
                assertThat((Integer) at(so, "spec", "minReplicaCount")).as(where + ": a worker reports only the lag of its own"
                        + " partitions, so with none running nothing would wake one").isPositive()
                        .isLessThanOrEqualTo((Integer) at(so, "spec", "maxReplicaCount"));
                List<String> topics = new ArrayList<>();
                for (Map<String, Object> trigger : maps(at(so, "spec", "triggers"))) {
                    assertThat(text(trigger, "type")).as(where + " reads the workers' own metric").isEqualTo("prometheus");
                    Map<String, Object> md = map(trigger.get("metadata"));
                    String query = String.valueOf(md.get("query"));
                    DeployDashboardTest.assertRealQuery(where, query, scrapeLabels);
                    assertThat(PromQl.selectors(query)).as(where + ": " + query).extracting(PromQl.Selector::metric).containsExactly(lag);
                    assertThat(query).as(where + ": one value for KEDA").startsWith("sum(");
                    assertThat(PromQl.groupingLabels(query)).as(where + ": one value for KEDA").isEmpty();
                    Map<String, String> selected = PromQl.equalityMatchers(query);
                    assertThat(selected.get("namespace")).as(where + " namespace").isEqualTo(root.namespace());
                    assertThat(workloadsSelected(root, monitor, selected)).as(where + ": " + query + " selects the pods of "
                            + target + " and no other").containsExactly(target);
                    topics.add(selected.get("topic"));
                    assertThat(Double.parseDouble(String.valueOf(md.get("threshold")))).as(where + " threshold").isPositive();
                    servers.add(String.valueOf(md.get("serverAddress")));
                }
                assertThat(topics).as(where + ": the lag of auto-run jobs and of runs, each with its own threshold")
                        .containsExactlyInAnyOrder(TopicCatalog.INFERENCE_JOBS.name(), TopicCatalog.RUN_JOBS.name());
            }
            maxByGroup.forEach((group, max) -> assertThat(max).as(root.name() + ": workers of " + group
                    + " beyond the partitions of inference-jobs would sit idle").isLessThanOrEqualTo(TopicCatalog.INFERENCE_JOBS.partitions()));
        }
        assertThat(servers).as("the ScaledObjects read one Prometheus").hasSize(1);
        URI server = URI.create(servers.iterator().next());
        assertThat(server.getHost()).as("fully qualified: KEDA queries from its own namespace").endsWith(".svc");
        assertThat(DeployFiles.read(DeployFiles.DEPLOY.resolve("README.md"))).as("deploy/README.md names the Prometheus KEDA reads")
                .contains(server.getHost() + ":" + server.getPort());
    }

    /**
     * The names of the workloads whose pods match every matcher a query puts on a pod label the
     * PodMonitor copies onto the series; none when it matches on no such label.
     */
    private static List<String> workloadsSelected(KubernetesManifests root, Map<String, Object> monitor,
                                                  Map<String, String> selected) {
        Map<String, String> onPodLabels = new HashMap<>();
        podTargetLabels(monitor).forEach(l -> {
            if (selected.containsKey(prometheusName(l))) {
                onPodLabels.put(l, selected.get(prometheusName(l)));
            }
        });
        if (onPodLabels.isEmpty()) {
            return List.of();
        }
        return root.workloads().stream().filter(w -> map(at(w, "spec", "template", "metadata", "labels")).entrySet()
                .containsAll(onPodLabels.entrySet())).map(w -> text(w, "metadata", "name")).toList();
    }

    private static List<String> podTargetLabels(Map<String, Object> podMonitor) {
        return strings(at(podMonitor, "spec", "podTargetLabels"));
    }

    /** A Kubernetes label's name on Prometheus series: what is not a letter, digit or _ becomes _. */
    private static String prometheusName(String kubernetesLabel) {
        return kubernetesLabel.replaceAll("[^a-zA-Z0-9_]", "_");
    }

    @Test
    void shouldGiveEveryGpuWorkerAGpuAndTheGpuImage() {
        int gpuWorkers = 0;
        for (KubernetesManifests root : roots()) {
            for (KubernetesManifests.Container c : root.containers().stream().filter(KubernetesManifests.Container::radflow).toList()) {
                boolean gpuDevice = WorkerGroups.device(c.args(), root.environment(c)).equals("gpu");
                Object limit = at(c.spec(), "resources", "limits", "nvidia.com/gpu");
                String where = root.name() + " " + c.workloadName();
                assertThat(gpuDevice).as(where + ": radflow-gpu image iff worker.device=gpu").isEqualTo(c.image().equals("radflow-gpu"));
                assertThat(limit != null).as(where + ": nvidia.com/gpu limit iff worker.device=gpu").isEqualTo(gpuDevice);
                if (gpuDevice) {
                    gpuWorkers++;
                    assertThat(at(c.spec(), "resources", "requests", "nvidia.com/gpu")).as(where + " GPU request").isEqualTo(limit);
                }
            }
        }
        assertThat(gpuWorkers).as("the gpu overlay runs GPU workers").isPositive();
    }

    @Test
    void shouldLetPrometheusScrapeEveryService() {
        for (KubernetesManifests root : roots()) {
            Map<String, Object> monitor = single(root, "PodMonitor");
            Map<String, Object> selector = map(at(monitor, "spec", "selector", "matchLabels"));
            List<String> endpointPorts = maps(at(monitor, "spec", "podMetricsEndpoints")).stream().map(e -> text(e, "port")).toList();
            for (KubernetesManifests.Container c : root.containers().stream().filter(KubernetesManifests.Container::radflow).toList()) {
                String where = root.name() + " " + c.workloadName();
                Map<String, Object> labels = map(at(c.podTemplate(), "metadata", "labels"));
                assertThat(labels).as(where + " pod labels select it for the PodMonitor").containsAllEntriesOf(selector);
                Map<String, String> env = root.environment(c);
                String metricsPort = env.get(CodeFacts.metricsPortVariable(CodeFacts.subcommand(c.args())));
                assertThat(metricsPort).as(where + " metrics port is set").isNotNull();
                assertThat(c.ports().entrySet()).as(where + ": a named container port serves /metrics and the PodMonitor scrapes it")
                        .anyMatch(p -> p.getValue().equals(metricsPort) && endpointPorts.contains(p.getKey()));
                Map<String, Object> annotations = map(at(c.podTemplate(), "metadata", "annotations"));
                assertThat(annotations.get("prometheus.io/port")).as(where).isEqualTo(metricsPort);
                assertThat(annotations.get("prometheus.io/path")).as(where).isEqualTo("/metrics");
            }
        }
    }

    @Test
    void shouldServeTheRegistryRestApiThroughAService() {
        for (KubernetesManifests root : roots()) {
            Map<String, Object> service = root.named("Service", "registry-service");
            Map<String, Object> deployment = root.named("Deployment", "registry-service");
            assertThat(map(at(deployment, "spec", "template", "metadata", "labels")))
                    .containsAllEntriesOf(map(at(service, "spec", "selector")));
            KubernetesManifests.Container registry = root.containers().stream().filter(c -> c.workload() == deployment).findFirst().orElseThrow();
            for (Map<String, Object> port : maps(at(service, "spec", "ports"))) {
                String target = text(port, "targetPort");
                assertThat(registry.ports().containsKey(target) || registry.ports().containsValue(target)).as("targetPort " + target).isTrue();
                assertThat(registry.ports().get(target)).isEqualTo(root.environment(registry).get("RADFLOW_REGISTRY_HTTP_PORT"));
            }
            assertThat(root.environment(registry).get("RADFLOW_REGISTRY_HTTP_HOST")).as("listens beyond localhost").isEqualTo("0.0.0.0");
        }
    }

    @Test
    void shouldRaiseTheSameAlertsAsTheComposeStack() {
        Map<String, Object> rules = DeployFiles.yaml(DeployFiles.DEPLOY.resolve("prometheus/radflow-rules.yml"));
        for (KubernetesManifests root : roots()) {
            Map<String, Object> rule = single(root, "PrometheusRule");
            assertThat(at(rule, "spec", "groups")).as("k8s/monitoring/prometheus-rules.yaml groups equal prometheus/radflow-rules.yml")
                    .isEqualTo(rules.get("groups"));
        }
    }

    private static Map<String, Object> single(KubernetesManifests root, String kind) {
        List<Map<String, Object>> all = root.ofKind(kind);
        assertThat(all).as(root.name() + ": one " + kind).hasSize(1);
        return all.get(0);
    }

    private static int plainListenerPort(Map<String, Object> kafka) {
        return maps(at(kafka, "spec", "kafka", "listeners")).stream()
                .filter(l -> Boolean.FALSE.equals(l.get("tls")) && "internal".equals(l.get("type")))
                .map(l -> (Integer) l.get("port")).findFirst().orElseThrow(() -> new AssertionError("no plain internal listener"));
    }
}

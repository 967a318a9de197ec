package io.radflow.launcher;

import static io.radflow.launcher.DeployFiles.at;
import static io.radflow.launcher.DeployFiles.map;
import static io.radflow.launcher.DeployFiles.maps;
import static io.radflow.launcher.DeployFiles.strings;
import static io.radflow.launcher.DeployFiles.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.ConfigDefinition;
import io.radflow.content.RemoteContentConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose/docker-compose.yml, read as docker compose reads it (YAML merge keys resolved),
 * checked against the code, its own services, the files it mounts and the Prometheus scrape jobs.
 */
class DeployComposeTest {

    private static final Path DIR = DeployFiles.DEPLOY.resolve("compose");
    private static final Map<String, Object> COMPOSE = DeployFiles.yaml(DIR.resolve("docker-compose.yml"));
    private static final Pattern DEFAULTED = Pattern.compile("\\$\\{[A-Z_]+:-([^}]*)\\}");

    private static Map<String, Map<String, Object>> services() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        map(COMPOSE.get("services")).forEach((name, s) -> out.put(name, map(s)));
        return out;
    }

    private static boolean radflow(Map<String, Object> service) {
        String image = text(service, "image");
        return image != null && (image.startsWith("radflow:") || image.startsWith("radflow-gpu:"));
    }

    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        map(service.get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
        return env;
    }

    /** One-off commands (topics create, the radflow-cli tool) rather than services that stay up. */
    private static boolean oneShot(Map<String, Object> service) {
        return "no".equals(String.valueOf(service.get("restart"))) || strings(service.get("profiles")).contains("tools");
    }

    /** What docker compose substitutes for ${VAR:-default} when VAR is unset. */
    private static String withDefaults(String value) {
        Matcher m = DEFAULTED.matcher(value);
        return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
    }

    @Test
    void shouldRunOnlyRealSubcommandsWithTheirOwnConfigurationKeys() {
        Set<String> running = new TreeSet<>();
        for (var e : services().entrySet()) {
            if (!radflow(e.getValue())) {
                continue;
            }
            List<String> command = strings(e.getValue().get("command"));
            String sub = CodeFacts.subcommand(command);
            if (!oneShot(e.getValue())) {
                assertThat(CodeFacts.SERVICES).as(e.getKey() + " runs a service subcommand").contains(sub);
                running.add(sub);
            }
            ConfigDefinition definition = CodeFacts.definitionOf(command);
            for (String variable : environment(e.getValue()).keySet()) {
                assertThat(CodeFacts.problemWith(variable, definition)).as(e.getKey() + " sets " + variable).isNull();
            }
            Path dockerfile = DeployFiles.REPO.resolve(DIR.resolve(text(e.getValue(), "build", "context")).normalize()
                    .resolve(text(e.getValue(), "build", "dockerfile")));
            assertThat(dockerfile).as(e.getKey() + " build").isRegularFile();
        }
        assertThat(running).as("compose runs every service").containsExactlyInAnyOrderElementsOf(CodeFacts.SERVICES);
        assertThat(CodeFacts.subcommand(strings(at(services().get("topics"), "command")))).isEqualTo("topics");
    }

    @Test
    void shouldPointEveryServiceAtTheStacksKafkaSchemaRegistryAndOrthanc() {
        Map<String, Map<String, Object>> services = services();
        Map<String, String> kafka = environment(services.get("kafka"));
        Map<String, Object> orthancConfig = map(DeployFiles.yaml(DIR.resolve("orthanc/radflow.json")));
        for (var e : services.entrySet()) {
            if (!radflow(e.getValue())) {
                continue;
            }
            Map<String, String> env = environment(e.getValue());
            String bootstrap = env.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS.envName());
            assertThat(bootstrap).as(e.getKey()).isNotNull();
            assertThat(services).containsKey(bootstrap.split(":")[0]);
            assertThat(kafka.get("KAFKA_ADVERTISED_LISTENERS")).as(e.getKey() + " bootstrap is advertised").contains("://" + bootstrap);
            URI registry = URI.create(env.get(CommonConfig.SCHEMA_REGISTRY_URL.envName()));
            assertThat(services).as(e.getKey() + " schema registry host").containsKey(registry.getHost());
            assertThat(registry.getPath()).isEqualTo("/apis/ccompat/v7");
            String orthanc = env.get(RemoteContentConfig.ORTHANC_URL.envName());
            if (orthanc != null) {
                URI url = URI.create(orthanc);
                assertThat(services).containsKey(url.getHost());
                assertThat(url.getPort()).isEqualTo(orthancConfig.get("HttpPort"));
                String[] credentials = withDefaults(env.get(RemoteContentConfig.ORTHANC_BASIC_AUTH.envName())).split(":", 2);
                assertThat(map(orthancConfig.get("RegisteredUsers"))).as(e.getKey() + " logs in to Orthanc").containsEntry(credentials[0], credentials[1]);
            }
        }
    }

    @Test
    void shouldRunOneKafkaBrokerThatTransactionsWorkOnAndTheProjectsVersions() {
        Map<String, String> kafka = environment(services().get("kafka"));
        // Without these a single broker never completes a transaction (Streams EOS and the worker hang).
        assertThat(kafka).containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                .containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        assertThat(kafka.get("CLUSTER_ID")).as("a KRaft cluster id is 16 bytes, base64url").matches("[A-Za-z0-9_-]{22}");
        String pom = DeployFiles.read(DeployFiles.REPO.resolve("pom.xml"));
        assertThat(text(services().get("kafka"), "image")).isEqualTo("apache/kafka:" + property(pom, "kafka.version"));
        assertThat(text(services().get("schema-registry"), "image")).isEqualTo("apicurio/apicurio-registry:" + property(pom, "apicurio.version"));
        List<String> topics = strings(at(services().get("topics"), "command"));
        assertThat(topics).containsSubsequence("topics", "create", "--replication-factor", "1");
    }

    @Test
    void shouldStartServicesOnlyAfterWhatTheyNeed() {
        Map<String, Map<String, Object>> services = services();
        Set<String> volumes = map(COMPOSE.get("volumes")).keySet();
        for (var e : services.entrySet()) {
            Object dependsOn = e.getValue().get("depends_on");
            List<String> deps = dependsOn instanceof List<?> ? strings(dependsOn) : new ArrayList<>(map(dependsOn).keySet());
            assertThat(services.keySet()).as(e.getKey() + " depends on services that exist").containsAll(deps);
            for (String volume : strings(e.getValue().get("volumes"))) {
                String source = volume.split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(DIR.resolve(source).normalize()).as(e.getKey() + " mounts " + source).exists();
                } else {
                    assertThat(volumes).as(e.getKey() + " volume " + source + " is declared").contains(source);
                }
            }
            if (radflow(e.getValue()) && !oneShot(e.getValue())) {
                assertThat(map(dependsOn)).as(e.getKey() + " waits for the catalog's topics").containsKey("topics");
                assertThat(text(dependsOn, "topics", "condition")).isEqualTo("service_completed_successfully");
            }
        }
        assertThat(strings(at(services.get("registry-service"), "volumes"))).contains("radflow-data:/var/lib/radflow");
        assertThat(strings(at(services.get("inference-worker"), "volumes"))).as("workers read the artifacts the registry stores")
                .contains("radflow-data:/var/lib/radflow");
    }

    @Test
    void shouldScrapeEveryServiceFromPrometheus() {
        Map<String, Object> prometheus = DeployFiles.yaml(DIR.resolve("prometheus/prometheus.yml"));
        Set<String> targets = new TreeSet<>();
        for (Map<String, Object> job : maps(prometheus.get("scrape_configs"))) {
            assertThat(text(job, "metrics_path")).isEqualTo("/metrics");
            maps(job.get("static_configs")).forEach(s -> targets.addAll(strings(s.get("targets"))));
            maps(job.get("dns_sd_configs")).forEach(d -> strings(d.get("names")).forEach(n -> targets.add(n + ":" + d.get("port"))));
        }
        for (var e : services().entrySet()) {
            if (!radflow(e.getValue()) || oneShot(e.getValue())) {
                continue;
            }
            Map<String, String> env = environment(e.getValue());
            String port = env.get(CodeFacts.metricsPortVariable(CodeFacts.subcommand(strings(e.getValue().get("command")))));
            assertThat(targets).as("Prometheus scrapes " + e.getKey()).contains(e.getKey() + ":" + port);
        }
        for (String rules : strings(prometheus.get("rule_files"))) {
            assertThat(strings(at(services().get("prometheus"), "volumes"))).as("rule file " + rules + " is mounted")
                    .anyMatch(v -> v.endsWith(":" + rules + ":ro") && Files.isRegularFile(DIR.resolve(v.split(":")[0]).normalize()));
        }
    }

    @Test
    void shouldProvisionGrafanaWithTheDashboardAndTheStacksPrometheus() {
        Path provisioning = DeployFiles.DEPLOY.resolve("grafana/provisioning");
        Map<String, Object> datasource = maps(DeployFiles.yaml(provisioning.resolve("datasources/prometheus.yml")).get("datasources")).get(0);
        URI url = URI.create(text(datasource, "url"));
        assertThat(services()).containsKey(url.getHost());
        assertThat(text(datasource, "uid")).isEqualTo(DeployDashboardTest.DATASOURCE_UID);
        Map<String, Object> provider = maps(DeployFiles.yaml(provisioning.resolve("dashboards/radflow.yml")).get("providers")).get(0);
        assertThat(strings(at(services().get("grafana"), "volumes")))
                .contains("../grafana/dashboards:" + text(provider, "options", "path") + ":ro", "../grafana/provisioning:/etc/grafana/provisioning:ro");
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        assertThat(m.find()).as("pom.xml property " + name).isTrue();
        return m.group(1);
    }
}

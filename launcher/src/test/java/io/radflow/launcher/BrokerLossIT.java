package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.devstack.EmbeddedSchemaRegistry;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.KafkaProcessCluster;
import io.radflow.testsupport.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker loss under load, through the whole pipeline as separate processes on three brokers (each
 * its own JVM, every topic replicated to three with two in sync): the registry service, the
 * trigger, two workers and an upload of 5,000 jobs' worth of studies (classifiers at instance,
 * series and study scope). While the jobs are in flight the broker leading the most partitions is
 * stopped and brought back; once all replicas are in sync again, the new leader of the most is
 * SIGKILLed and brought back. An independent {@code read_committed} reader then finds every job's
 * predictions exactly once and nothing lost, and a registry write made while a broker was down
 * either failed with a clear error or was applied once.
 */
class BrokerLossIT {

    private static final Logger log = LoggerFactory.getLogger(BrokerLossIT.class);
    /** Two instances a study, one series: four jobs a study (two instance jobs, one series, one study). */
    private static final int STUDIES = Integer.getInteger("radflow.brokerloss.studies", 1_250);

    @TempDir
    Path work;

    @Test
    void shouldDeliverEveryJobsPredictionsExactlyOnceAcrossABrokerStoppedAndABrokerKilled() throws Exception {
        LoadStudies load = LoadStudies.generate(work.resolve("studies"), STUDIES, 2);
        log.info("studies written studies={}", STUDIES);
        String project = "broker-loss-" + UUID.randomUUID().toString().substring(0, 8);
        try (EmbeddedSchemaRegistry schemaRegistry = EmbeddedSchemaRegistry.start(0);
             KafkaProcessCluster kafka = KafkaProcessCluster.start(work.resolve("kafka"), 3);
             Admin admin = kafka.admin();
             ClusterPipeline pipeline = new ClusterPipeline(work, kafka.bootstrapServers(), schemaRegistry.confluentApiUrl())) {
            pipeline.createTopics(3);
            pipeline.startServices(Duration.ofSeconds(15));
            log.info("pipeline running studies={} instances={}", STUDIES, load.instances());
            Map<String, Scope> models = pipeline.registerClassifiers(project);
            TopicSerdes serdes = pipeline.serdes();
            String rest = pipeline.registryUrl();
            RegistryWrite write;
            try (PipelineAudit audit = new PipelineAudit(kafka.bootstrapServers(), serdes, project, models, load);
                 LauncherProcess upload = pipeline.upload(project, "load", load.dir())) {
                while (audit.predictions() < 200) {
                    audit.poll(Duration.ofSeconds(1));
                }
                Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
                int stopped = kafka.leaderOfMostPartitions(admin, topics);
                log.info("stopping broker node={} jobsDone={}", stopped, audit.jobsDone());
                assertThat(kafka.stop(stopped)).as("broker " + stopped + " stops in order").isTrue();
                write = createProject(rest, "written-during-loss-" + UUID.randomUUID().toString().substring(0, 8));
                audit.poll(Duration.ofSeconds(10));
                kafka.start(stopped);
                kafka.awaitFullyReplicated(admin, topics, Duration.ofMinutes(3));

                int killed = kafka.leaderOfMostPartitions(admin, topics);
                log.info("killing broker node={} jobsDone={}", killed, audit.jobsDone());
                kafka.kill(killed);
                audit.poll(Duration.ofSeconds(10));
                kafka.start(killed);
                log.info("broker back node={} jobsDone={}", killed, audit.jobsDone());

                assertThat(upload.waitFor(Duration.ofMinutes(10))).as("the upload rides out both: " + String.join("\n", upload.stderr()))
                        .isZero();
                log.info("upload finished jobsDone={}", audit.jobsDone());
                PipelineAudit.Report report = audit.awaitComplete(Duration.ofMinutes(10), Duration.ofSeconds(10));
                log.info("broker loss audit {}", report);
                assertThat(report.jobs()).as("jobs of every scope").isGreaterThanOrEqualTo(4 * STUDIES);
                assertThat(report.exactlyOnce()).as(report.toString()).isTrue();
            }
            assertAppliedOnceOrRefused(write, kafka.bootstrapServers(), serdes);
        }
    }

    record RegistryWrite(String projectId, int status, String body) {
    }

    private static RegistryWrite createProject(String rest, String id) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(rest + "/projects")).timeout(Duration.ofSeconds(90))
                .header("Authorization", "Bearer " + ClusterPipeline.ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\": \"" + id + "\", \"name\": \"written while a broker was down\"}"))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        log.info("registry write during broker loss status={} body={}", response.statusCode(), response.body());
        return new RegistryWrite(id, response.statusCode(), response.body());
    }

    private static void assertAppliedOnceOrRefused(RegistryWrite write, String bootstrap, TopicSerdes serdes) {
        long events;
        try (TopicReader<String, ProjectSettings> settings = new TopicReader<>(bootstrap, TopicCatalog.PROJECT_SETTINGS.name(),
                new StringDeserializer(), serdes.valueDeserializer(TopicCatalog.PROJECT_SETTINGS))) {
            events = settings.readUntil(rs -> false, Duration.ofSeconds(5)).stream()
                    .filter(r -> r.value() != null && write.projectId().equals(r.value().getProjectId())).count();
        }
        if (write.status() / 100 == 2) {
            assertThat(events).as("a write the registry acknowledged is applied once").isEqualTo(1);
        } else {
            assertThat(write.body()).as("a refused write says why (HTTP " + write.status() + ")").containsIgnoringCase("error");
            assertThat(events).as("a refused write is applied at most once").isLessThanOrEqualTo(1);
        }
    }
}

package io.radflow.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.radflow.registry.ApiClient.Response;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.JobTrigger;
import io.radflow.testsupport.Events;
import io.radflow.testsupport.TestStack;
import io.radflow.testsupport.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs over data already there, on the real broker: planned from the dataset index as the trigger
 * writes it, their jobs on inference-jobs, their progress from job-status as workers report it;
 * who may run what; and bad selections refused with nothing published.
 */
class RunsIT {

    private static final String SR = "1.2.840.10008.5.1.4.1.1.88.22";

    @TempDir
    static Path artifacts;

    static RegistryService service;
    static ApiClient admin;
    static ApiClient member;
    static ApiClient other;
    static String project;
    static String s1;
    static String s2;
    static HttpSchemaRegistryClient schemaRegistry;
    static TopicSerdes serdes;
    static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() throws Exception {
        service = RegistryFixture.start(RegistryFixture.newApplicationId("runs"), artifacts, Map.of());
        admin = RegistryFixture.admin(service);
        member = admin.as(key("mia"));
        other = admin.as(key("oscar"));
        project = "runs-" + UUID.randomUUID().toString().substring(0, 8);
        created(admin.post("/projects", Map.of("id", project, "members", List.of(Map.of("userId", "mia", "role", "member")))));
        model("private-series", "private", "series");
        model("public-instance", "public", "instance");
        schemaRegistry = new HttpSchemaRegistryClient(SchemaRegistrySettings.from(TestStack.get().config()));
        serdes = TopicSerdes.from(schemaRegistry, TestStack.get().config());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.get().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
        // What the trigger indexed: study 1 with a CT series of three and an SR, study 2 with two MR images; and another project's.
        s1 = "1.2.826.0.1.3680043.10." + Math.abs(project.hashCode());
        s2 = s1 + ".2";
        Instant t = Instant.now().minus(Duration.ofDays(30));
        index(Events.instance(project, s1, s1 + ".1", s1 + ".1.1", 1, t));
        index(Events.instance(project, s1, s1 + ".1", s1 + ".1.2", 2, t));
        index(Events.instance(project, s1, s1 + ".1", s1 + ".1.3", 3, t));
        index(Events.describe(Events.instance(project, s1, s1 + ".9", s1 + ".9.1", 1, t), d -> d.setSopClassUid(SR).setHasPixelData(false)
                .setModality("SR")));
        index(Events.describe(Events.instance(project, s2, s2 + ".1", s2 + ".1.1", 1, t), d -> d.setModality("MR")));
        index(Events.describe(Events.instance(project, s2, s2 + ".1", s2 + ".1.2", 2, t), d -> d.setModality("MR")));
        index(Events.instance("other-" + project, s1, s1 + ".1", s1 + ".1.7", 7, t));
        producer.flush();
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (schemaRegistry != null) {
            schemaRegistry.close();
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    void shouldRunAModelOverExistingDataAndReportItsJobsToTheEnd() {
        JsonNode started = startRun(member, "private-series", Map.of());
        assertThat(started.get("jobs").asInt()).as("a series job for the CT series and one for the MR series").isEqualTo(2);
        assertThat(started.get("instances").asInt()).isEqualTo(5);
        assertThat(started.get("leftOut").asInt()).as("the SR has no pixels").isEqualTo(1);
        String runId = started.get("runId").asText();

        List<InferenceJob> jobs = runJobs(runId, 2);
        assertThat(jobs).extracting(InferenceJob::getScopeUid).containsExactlyInAnyOrder(s1 + ".1", s2 + ".1");
        assertThat(jobs).allSatisfy(j -> {
            assertThat(j.getTrigger()).isEqualTo(JobTrigger.MANUAL);
            assertThat(j.getRunId()).isEqualTo(runId);
            assertThat(j.getJobId()).startsWith("run-" + runId + "-");
        });
        JsonNode running = ok(member.get("/runs/" + runId));
        assertThat(running.get("state").asText()).isEqualTo("RUNNING");
        assertThat(running.get("queued").asInt()).isEqualTo(2);
        assertThat(running.get("requestedBy").asText()).isEqualTo("mia");

        status(jobs.get(0), JobState.RUNNING);
        await().atMost(Duration.ofSeconds(30)).until(() -> ok(member.get("/runs/" + runId)).get("running").asInt() == 1);
        status(jobs.get(0), JobState.SUCCEEDED);
        status(jobs.get(1), JobState.SUCCEEDED);
        await().atMost(Duration.ofSeconds(30)).until(() -> ok(member.get("/runs/" + runId)).get("state").asText().equals("SUCCEEDED"));
        JsonNode done = ok(member.get("/runs/" + runId));
        assertThat(done.get("succeeded").asInt()).isEqualTo(2);
        assertThat(done.get("queued").asInt()).isZero();
        assertThat(done.get("finishedAt").isNull()).isFalse();

        String again = startRun(member, "private-series", Map.of()).get("runId").asText();
        assertThat(again).isNotEqualTo(runId);
        assertThat(runJobs(again, 2)).extracting(InferenceJob::getJobId).doesNotContainAnyElementsOf(
                jobs.stream().map(InferenceJob::getJobId).toList());
        JsonNode listed = ok(member.get("/ml-models/private-series/runs?project=" + project)).get("runs");
        assertThat(listed.findValuesAsText("runId")).contains(runId, again);
    }

    @Test
    void shouldSelectByModalityStudyAndVersion() {
        JsonNode mr = startRun(admin, "public-instance", Map.of("modalities", List.of("mr")));
        assertThat(mr.get("jobs").asInt()).isEqualTo(2);
        assertThat(runJobs(mr.get("runId").asText(), 2)).allSatisfy(j -> assertThat(j.getStudyInstanceUid()).isEqualTo(s2));
        JsonNode study = startRun(admin, "public-instance", Map.of("studies", List.of(s1), "version", 1));
        assertThat(study.get("jobs").asInt()).isEqualTo(3);
    }

    @Test
    void shouldLetOnlyMembersRunAndShowRunsOnlyToWhoMayReadTheProject() {
        String runId = startRun(member, "private-series", Map.of()).get("runId").asText();
        assertThat(other.post(runs("private-series"), Map.of()).status()).as("another user cannot see the private model").isEqualTo(404);
        assertThat(admin.anonymous().post(runs("private-series"), Map.of()).status()).isEqualTo(404);
        Response notMember = other.post(runs("public-instance"), Map.of());
        assertThat(notMember.status()).as("the model is public, the project not his").isEqualTo(403);
        assertThat(notMember.errorMessage()).contains("only members of project");
        assertThat(admin.anonymous().post(runs("public-instance"), Map.of()).status()).isEqualTo(401);
        assertThat(admin.post(runs("public-instance"), Map.of()).status()).as("a system admin").isEqualTo(202);
        assertThat(other.get("/runs/" + runId).status()).isEqualTo(404);
        assertThat(admin.anonymous().get("/runs/" + runId).status()).isEqualTo(404);
        assertThat(admin.get("/runs/no-such-run").status()).isEqualTo(404);
    }

    @Test
    void shouldRefuseABadSelectionAndPublishNothing() {
        long before = allRunJobsOfProject().size();
        Response unknownStudy = member.post(runs("private-series"), Map.of("studies", List.of("1.2.3.999")));
        assertThat(unknownStudy.status()).isEqualTo(400);
        assertThat(unknownStudy.errorMessage()).contains("holds no study 1.2.3.999");
        Response nothing = member.post(runs("private-series"), Map.of("modalities", List.of("XA")));
        assertThat(nothing.status()).isEqualTo(400);
        assertThat(nothing.errorMessage()).contains("holds no instance");
        Response onlySr = member.post(runs("private-series"), Map.of("series", List.of(s1 + ".9")));
        assertThat(onlySr.errorMessage()).contains("left out by its routing rules");
        Response version = member.post(runs("private-series"), Map.of("version", 9));
        assertThat(version.status()).isEqualTo(400);
        assertThat(version.errorMessage()).contains("has no version 9");
        assertThat(member.post(runs("private-series"), Map.of("uploadedFrom", "yesterday")).errorMessage()).contains("ISO-8601");
        assertThat(member.post(runs("private-series"), Map.of("everything", true)).status()).isEqualTo(400);
        assertThat(allRunJobsOfProject()).hasSize((int) before);
    }

    @Test
    void shouldBackfillTheProjectsDataWhenAutoRunIsSwitchedOnWithBackfill() {
        model("backfilled", "private", "series");
        Response refused = member.put("/ml-models/backfilled?project=" + project, Map.of("backfill", true));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.errorMessage()).contains("autoRun: true");
        Response future = admin.put("/ml-models/backfilled?project=" + project, Map.of("autoRun", true, "backfill", true,
                "backfillFrom", Instant.now().plus(Duration.ofDays(1)).toString()));
        assertThat(future.status()).isEqualTo(400);

        Response[] on = new Response[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            on[0] = admin.put("/ml-models/backfilled?project=" + project, Map.of("autoRun", true, "backfill", true));
            return on[0].status() != 200 || on[0].json().at("/backfill/jobs").asInt() > 0;
        });
        JsonNode model = ok(on[0]);
        assertThat(model.get("autoRun").asBoolean()).isTrue();
        String runId = model.at("/backfill/runId").asText();
        assertThat(model.at("/backfill/jobs").asInt()).isEqualTo(2);
        JsonNode run = ok(admin.get("/runs/" + runId));
        assertThat(run.get("backfill").asBoolean()).isTrue();
        assertThat(run.at("/selection/uploadedTo").asText()).as("up to the switch; auto-run takes what comes after").isNotEmpty();
        assertThat(runJobs(runId, 2)).hasSize(2);
    }

    private static String runs(String model) {
        return "/ml-models/" + model + "/runs?project=" + project;
    }

    /** Starts a run; the first one waits for the index to reach the registry's view. */
    private static JsonNode startRun(ApiClient caller, String model, Map<String, Object> body) {
        Response[] r = new Response[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            r[0] = caller.post(runs(model), body);
            return r[0].status() != 400 || !r[0].errorMessage().contains("holds no");
        });
        assertThat(r[0].status()).as(r[0].toString()).isEqualTo(202);
        return r[0].json();
    }

    private static List<InferenceJob> runJobs(String runId, int count) {
        return allRunJobsOfProject(r -> r.size() >= count).stream().filter(j -> runId.equals(j.getRunId())).toList();
    }

    private static List<InferenceJob> allRunJobsOfProject() {
        return allRunJobsOfProject(r -> false);
    }

    private static List<InferenceJob> allRunJobsOfProject(java.util.function.Predicate<List<InferenceJob>> enough) {
        try (TopicReader<String, InferenceJob> reader = new TopicReader<>(TestStack.get().bootstrapServers(),
                TopicCatalog.RUN_JOBS.name(), new StringDeserializer(), serdes.valueDeserializer(TopicCatalog.RUN_JOBS))) {
            List<InferenceJob> mine = new java.util.ArrayList<>();
            reader.readUntil(records -> {
                mine.clear();
                records.stream().map(ConsumerRecord::value).filter(j -> project.equals(j.getProjectId()) && j.getRunId() != null)
                        .forEach(mine::add);
                return enough.test(mine);
            }, Duration.ofSeconds(5));
            return mine;
        }
    }

    private static void index(DatasetUploadEvent e) {
        DataUploaded d = (DataUploaded) e.getPayload();
        send(TopicCatalog.DATASET_INDEX, e.getProjectId() + "/" + e.getStudyInstanceUid() + "/" + d.getSeriesInstanceUid() + "/"
                + d.getSopInstanceUid(), e);
    }

    private static void status(InferenceJob job, JobState state) {
        Instant now = Instant.now();
        send(TopicCatalog.JOB_STATUS, job.getJobId(), JobStatus.newBuilder().setJobId(job.getJobId()).setState(state)
                .setModelId(job.getModelId()).setModelVersion(job.getModelVersion()).setScope(job.getScope())
                .setJobCreatedAt(job.getCreatedAt()).setStartedAt(now)
                .setFinishedAt(state == JobState.SUCCEEDED ? now : null).setUpdatedAt(now).build());
        producer.flush();
    }

    private static <V> void send(Topic<String, V> topic, String key, V value) {
        producer.send(new ProducerRecord<>(topic.name(), key, serdes.valueSerializer(topic).serialize(topic.name(), value)));
    }

    private static String key(String user) {
        return created(admin.post("/api-keys", Map.of("userId", user))).get("key").asText();
    }

    private static void model(String name, String visibility, String scope) {
        created(admin.put("/ml-models/" + name + "?project=" + project + "&lib=http", Map.of("visibility", visibility)));
        created(admin.post("/ml-models/" + name + "/versions?project=" + project, Map.of("scope", scope,
                "httpEndpoint", Map.of("url", "http://models:9000"))));
    }

    private static JsonNode created(Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    private static JsonNode ok(Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }
}

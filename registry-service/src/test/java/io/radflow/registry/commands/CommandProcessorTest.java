package io.radflow.registry.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.common.kafka.StreamsExceptionHandling;
import io.radflow.registry.RegistryMetrics;
import io.radflow.registry.RegistryTopology;
import io.radflow.registry.view.ViewStores;
import io.radflow.registry.view.ViewUpdates;
import io.radflow.schemaregistry.InMemorySchemaRegistryClient;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.CommandOutcome;
import io.radflow.schemas.avro.CommandReply;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.MarkModelUsed;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.schemas.avro.PurgeModel;
import io.radflow.schemas.avro.PutModel;
import io.radflow.schemas.avro.PutProject;
import io.radflow.schemas.avro.RegistryCommand;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.Events;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry topology with TopologyTestDriver: compare-and-set, unique names, purge, usage. */
class CommandProcessorTest {

    @TempDir
    Path stateDir;

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    private TopologyTestDriver driver;
    private TestInputTopic<String, RegistryCommand> commands;
    private TestInputTopic<String, JobStatus> jobStatus;
    private TestOutputTopic<String, ModelSettings> models;
    private TestOutputTopic<String, ProjectSettings> projects;
    private TestOutputTopic<String, CommandReply> replies;
    private TestOutputTopic<String, RegistryCommand> commandsOut;
    private TestInputTopic<String, ModelSettings> modelSettingsIn;

    @BeforeEach
    void start() {
        TopicSerdes serdes = new TopicSerdes(new InMemorySchemaRegistryClient(), true);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "registry-test");
        // A directory of this test's own: the default (/tmp/kafka-streams) may belong to another user.
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.putAll(StreamsExceptionHandling.globalHandlerEnabled());
        driver = new TopologyTestDriver(RegistryTopology.build(serdes, new ViewUpdates(), Duration.ofMinutes(5),
                new RegistryMetrics(new SimpleMeterRegistry()), props), props);
        commands = driver.createInputTopic(TopicCatalog.REGISTRY_COMMANDS.name(), serdes.keySerializer(TopicCatalog.REGISTRY_COMMANDS),
                serdes.valueSerializer(TopicCatalog.REGISTRY_COMMANDS));
        jobStatus = driver.createInputTopic(TopicCatalog.JOB_STATUS.name(), serdes.keySerializer(TopicCatalog.JOB_STATUS),
                serdes.valueSerializer(TopicCatalog.JOB_STATUS));
        models = driver.createOutputTopic(TopicCatalog.MODEL_SETTINGS.name(), serdes.keyDeserializer(TopicCatalog.MODEL_SETTINGS),
                serdes.valueDeserializer(TopicCatalog.MODEL_SETTINGS));
        projects = driver.createOutputTopic(TopicCatalog.PROJECT_SETTINGS.name(), serdes.keyDeserializer(TopicCatalog.PROJECT_SETTINGS),
                serdes.valueDeserializer(TopicCatalog.PROJECT_SETTINGS));
        replies = driver.createOutputTopic(TopicCatalog.REGISTRY_COMMAND_REPLIES.name(),
                serdes.keyDeserializer(TopicCatalog.REGISTRY_COMMAND_REPLIES), serdes.valueDeserializer(TopicCatalog.REGISTRY_COMMAND_REPLIES));
        modelSettingsIn = driver.createInputTopic(TopicCatalog.MODEL_SETTINGS.name(), serdes.keySerializer(TopicCatalog.MODEL_SETTINGS),
                serdes.valueSerializer(TopicCatalog.MODEL_SETTINGS));
        commandsOut = driver.createOutputTopic(TopicCatalog.REGISTRY_COMMANDS.name(), serdes.keyDeserializer(TopicCatalog.REGISTRY_COMMANDS),
                serdes.valueDeserializer(TopicCatalog.REGISTRY_COMMANDS));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static ModelSettings model(String id, String project, String name) {
        return ModelSettings.newBuilder(Events.model(id, project, Scope.INSTANCE, T0)).setName(name).setAutoRun(false)
                .setVersions(List.of()).build();
    }

    private CommandReply send(String key, long expected, Object action) {
        RegistryCommand command = RegistryCommand.newBuilder().setCommandId(UUID.randomUUID().toString()).setIssuedBy("alice")
                .setIssuedAt(T0).setExpectedRevision(expected).setAction(action).build();
        commands.pipeInput(key, command);
        List<TestRecord<String, CommandReply>> out = replies.readRecordsToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key()).isEqualTo(command.getCommandId());
        return out.get(0).value();
    }

    @Test
    void shouldApplyWritesFromTheCurrentRevisionAndRejectStaleOnes() {
        CommandReply created = send("p1", 0, new PutModel(model("m-1", "p1", "a")));
        assertThat(created.getOutcome()).isEqualTo(CommandOutcome.ACCEPTED);
        assertThat(created.getRevision()).isEqualTo(1);

        ModelSettings changed = ModelSettings.newBuilder(model("m-1", "p1", "a")).setDescription("v2").build();
        assertThat(send("p1", 1, new PutModel(changed)).getRevision()).isEqualTo(2);

        CommandReply stale = send("p1", 1, new PutModel(ModelSettings.newBuilder(changed).setDescription("lost").build()));
        assertThat(stale.getOutcome()).isEqualTo(CommandOutcome.REVISION_CONFLICT);
        assertThat(stale.getRevision()).isEqualTo(2);

        List<ModelSettings> events = models.readValuesToList();
        assertThat(events).extracting(ModelSettings::getRevision).containsExactly(1L, 2L);
        assertThat(events.get(1).getDescription()).isEqualTo("v2");
        KeyValueStore<String, ModelSettings> store = driver.getKeyValueStore(CommandStores.MODELS);
        assertThat(store.get("m-1").getDescription()).isEqualTo("v2");
    }

    @Test
    void shouldKeepModelNamesUniqueInAProjectUntilPurged() {
        send("p1", 0, new PutModel(model("m-1", "p1", "same")));
        assertThat(send("p1", 0, new PutModel(model("m-2", "p1", "same"))).getOutcome()).isEqualTo(CommandOutcome.NAME_TAKEN);
        assertThat(send("p2", 0, new PutModel(model("m-3", "p2", "same"))).getOutcome())
                .as("another project may use the name").isEqualTo(CommandOutcome.ACCEPTED);

        assertThat(send("p1", 1, new PurgeModel("m-1")).getOutcome()).isEqualTo(CommandOutcome.ACCEPTED);
        List<TestRecord<String, ModelSettings>> events = models.readRecordsToList();
        TestRecord<String, ModelSettings> last = events.get(events.size() - 1);
        assertThat(last.key()).isEqualTo("m-1");
        assertThat(last.value()).as("purge writes a tombstone").isNull();
        assertThat(send("p1", 0, new PutModel(model("m-2", "p1", "same"))).getOutcome()).isEqualTo(CommandOutcome.ACCEPTED);
    }

    @Test
    void shouldRejectAModelSentUnderAnotherProjectsKey() {
        CommandReply reply = send("p2", 0, new PutModel(model("m-1", "p1", "a")));
        assertThat(reply.getOutcome()).isEqualTo(CommandOutcome.REJECTED);
        assertThat(models.isEmpty()).isTrue();
    }

    @Test
    void shouldCompareAndSetProjects() {
        ProjectSettings p = ProjectSettings.newBuilder().setProjectId("p1").setName("P").setSiteId("s")
                .setCreatedAt(T0).setUpdatedAt(T0).build();
        assertThat(send("p1", 0, new PutProject(p)).getRevision()).isEqualTo(1);
        assertThat(send("p1", 0, new PutProject(p)).getOutcome()).as("create twice").isEqualTo(CommandOutcome.REVISION_CONFLICT);
        assertThat(projects.readValuesToList()).hasSize(1);
    }

    @Test
    void shouldTurnJobStatusIntoModelUsedCommandsAtTheResolution() {
        send("p1", 0, new PutModel(model("m-1", "p1", "a")));
        // The driver does not loop outputs back: feed the view (a global store) from model-settings as a broker would.
        models.readRecordsToList().forEach(r -> modelSettingsIn.pipeInput(r.key(), r.value()));
        KeyValueStore<String, ModelSettings> view = driver.getKeyValueStore(ViewStores.MODELS.storeName());
        assertThat(view.get("m-1")).isNotNull();

        jobStatus.pipeInput("job-1", status("m-1", JobState.QUEUED, T0.plusSeconds(10)));
        assertThat(commandsOut.isEmpty()).as("queued is not used").isTrue();
        jobStatus.pipeInput("job-1", status("m-1", JobState.SUCCEEDED, T0.plusSeconds(20)));
        jobStatus.pipeInput("job-2", status("unknown-model", JobState.SUCCEEDED, T0.plusSeconds(20)));
        List<TestRecord<String, RegistryCommand>> used = commandsOut.readRecordsToList();
        assertThat(used).hasSize(1);
        assertThat(used.get(0).key()).isEqualTo("p1");
        assertThat(((MarkModelUsed) used.get(0).value().getAction()).getUsedAt()).isEqualTo(T0.plusSeconds(20));

        // Applied by the command processor: lastUsedAt moves, then not again within the resolution.
        commands.pipeInput(used.get(0).key(), used.get(0).value());
        commands.pipeInput("p1", RegistryCommand.newBuilder(used.get(0).value()).setCommandId("again")
                .setAction(new MarkModelUsed("m-1", T0.plusSeconds(80))).build());
        List<ModelSettings> events = models.readValuesToList();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getLastUsedAt()).isEqualTo(T0.plusSeconds(20));
        assertThat(events.get(0).getRevision()).isEqualTo(2);
        assertThat(replies.isEmpty()).as("usage commands want no reply").isTrue();
    }

    private static JobStatus status(String modelId, JobState state, Instant at) {
        return JobStatus.newBuilder().setJobId("job").setState(state).setModelId(modelId).setModelVersion(1)
                .setScope(Scope.SERIES).setJobCreatedAt(T0).setUpdatedAt(at).build();
    }
}

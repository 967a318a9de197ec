package io.radflow.launcher;

import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.kafka.KafkaClientProperties;
import io.radflow.common.kafka.TopicSnapshot;
import io.radflow.common.lifecycle.ShutdownLatch;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.json.PredictionJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./radflow predictions}: predictions as JSON lines on stdout, for viewers and scripts.
 * It reads with {@code read_committed} (only what workers committed) and without a consumer group,
 * so it never moves anybody's offsets.
 */
@Command(name = "predictions", mixinStandardHelpOptions = true,
        description = {"Print predictions as JSON lines (one object per model output).",
            "Without --follow: every prediction now on the topic, then exit. With --follow: new predictions until Ctrl-C."})
public final class PredictionsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new predictions until Ctrl-C (starts at the end unless --from-beginning).")
    boolean follow;

    @Option(names = "--from-beginning", description = "With --follow, print what is already on the topic first.")
    boolean fromBeginning;

    @Option(names = "--project", paramLabel = "ID", description = "Only this project's predictions.")
    String project;

    @Option(names = "--model", paramLabel = "ID|NAME", description = "Only this model's predictions (model id, or name as in the registry).")
    String model;

    @Option(names = "--study", paramLabel = "UID", description = "Only predictions on this study.")
    String study;

    @Override
    public Integer call() {
        RadflowConfig config = connection.load(CommonConfig.DEFINITION);
        PrintWriter out = spec.commandLine().getOut();
        try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistrySettings.from(config))) {
            TopicSerdes serdes = TopicSerdes.from(registry, config);
            Set<String> modelIds = model == null ? null : resolveModel(config, serdes);
            Topic<String, Prediction> topic = TopicCatalog.PREDICTIONS;
            try (KafkaConsumer<String, Prediction> consumer = consumer(config, serdes.keyDeserializer(topic),
                    serdes.valueDeserializer(topic))) {
                List<TopicPartition> partitions = partitions(consumer, topic.name());
                consumer.assign(partitions);
                if (follow && !fromBeginning) {
                    consumer.seekToEnd(partitions);
                } else {
                    consumer.seekToBeginning(partitions);
                }
                Map<TopicPartition, Long> end = follow ? Map.of() : consumer.endOffsets(partitions);
                ShutdownLatch shutdown = follow ? new ShutdownLatch() : null;
                if (shutdown != null) {
                    shutdown.whenTriggered("predictions-shutdown", consumer::wakeup);
                }
                try {
                    while (follow || !reached(consumer, end)) {
                        for (ConsumerRecord<String, Prediction> r : consumer.poll(Duration.ofMillis(500))) {
                            if (matches(r.value(), modelIds)) {
                                out.println(PredictionJson.toLine(r.value()));
                            }
                        }
                        out.flush();
                        // picocli may wrap System.out, whose PrintStream keeps the broken pipe to itself.
                        if (out.checkError() || System.out.checkError()) {
                            break; // the reader went away (e.g. | head): stop as other Unix tools do
                        }
                    }
                } catch (WakeupException e) {
                    // Ctrl-C while following: stop quietly
                } finally {
                    out.flush();
                    if (shutdown != null) {
                        shutdown.closed();
                    }
                }
            }
        }
        return 0;
    }

    private boolean matches(Prediction p, Set<String> modelIds) {
        return p != null
                && (project == null || project.equals(p.getProjectId()))
                && (study == null || study.equals(p.getStudyInstanceUid()))
                && (modelIds == null || modelIds.contains(p.getModelId()));
    }

    /** The ids the --model value may mean: itself, plus every model of that name (names are unique per project). */
    private Set<String> resolveModel(RadflowConfig config, TopicSerdes serdes) {
        Topic<String, ModelSettings> topic = TopicCatalog.MODEL_SETTINGS;
        Map<String, ModelSettings> latest = new HashMap<>();
        try (KafkaConsumer<String, ModelSettings> consumer = consumer(config, serdes.keyDeserializer(topic),
                serdes.valueDeserializer(topic))) {
            TopicSnapshot.read(consumer, topic.name(), Duration.ofSeconds(30), r -> {
                if (r.value() == null) {
                    latest.remove(r.key());
                } else {
                    latest.put(r.key(), r.value());
                }
            });
        }
        Set<String> ids = latest.values().stream()
                .filter(m -> model.equals(m.getName()) && (project == null || project.equals(m.getProjectId())))
                .map(ModelSettings::getModelId).collect(Collectors.toSet());
        ids.add(model);
        return ids;
    }

    private static <V> KafkaConsumer<String, V> consumer(RadflowConfig config,
                                                         org.apache.kafka.common.serialization.Deserializer<String> keys,
                                                         org.apache.kafka.common.serialization.Deserializer<V> values) {
        Map<String, Object> props = KafkaClientProperties.base(config);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "radflow-predictions-cli");
        return new KafkaConsumer<>(props, keys, values);
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}

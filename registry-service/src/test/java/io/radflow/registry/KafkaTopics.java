package io.radflow.registry;

import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.testsupport.TestStack;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** What integration tests read from and write to the real broker around the registry. */
final class KafkaTopics {

    private KafkaTopics() {
    }

    private static final TopicSerdes SERDES = new TopicSerdes(
            new HttpSchemaRegistryClient(SchemaRegistrySettings.of(URI.create(TestStack.get().schemaRegistryUrl()))), true);

    /** Every committed record of a catalog topic up to its end as of now (the topics are shared by test classes). */
    static <V> List<ConsumerRecord<String, V>> read(Topic<String, V> topic) {
        Map<String, Object> props = Map.of("bootstrap.servers", TestStack.get().bootstrapServers(),
                "isolation.level", "read_committed", "enable.auto.commit", false);
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, SERDES.keyDeserializer(topic), SERDES.valueDeserializer(topic))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, V>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic.name() + " to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** The latest event of a model on model-settings (null: tombstone or none). */
    static ConsumerRecord<String, ModelSettings> lastModelEvent(String modelId) {
        ConsumerRecord<String, ModelSettings> last = null;
        for (ConsumerRecord<String, ModelSettings> r : read(TopicCatalog.MODEL_SETTINGS)) {
            if (modelId.equals(r.key())) {
                last = r;
            }
        }
        return last;
    }

    static <V extends SpecificRecord> void produce(Topic<String, V> topic, String key, V value) throws Exception {
        Map<String, Object> props = Map.of("bootstrap.servers", TestStack.get().bootstrapServers(), "acks", "all");
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(props, SERDES.keySerializer(topic), SERDES.valueSerializer(topic))) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        }
    }

    /** End offsets of the registry's topics: "nothing written" means these do not move. */
    static Map<TopicPartition, Long> endOffsets(Set<String> topics) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestStack.get().bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (String t : topics) {
                admin.describeTopics(List.of(t)).allTopicNames().get().get(t).partitions()
                        .forEach(p -> request.put(new TopicPartition(t, p.partition()), OffsetSpec.latest()));
            }
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(request).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

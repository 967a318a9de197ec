package io.radflow.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Three real KRaft nodes in one JVM: a topic is replicated to all three with two in sync required,
 * transactions commit, and losing the node that leads the partition loses nothing that was
 * committed and does not stop producing with acks=all.
 */
class EmbeddedKafkaClusterIT {

    @Test
    void shouldReplicateToThreeNodesAndKeepCommittedRecordsAndProducingWhenALeaderIsLost() throws Exception {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(3);
             Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("replicated", 1, (short) -1))).all().get(60, TimeUnit.SECONDS);
            TopicDescription topic = admin.describeTopics(List.of("replicated")).allTopicNames().get(30, TimeUnit.SECONDS).get("replicated");
            assertThat(topic.partitions().get(0).replicas()).as("the cluster's default replication factor").hasSize(3);
            String minIsr = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "replicated"))).all()
                    .get(30, TimeUnit.SECONDS).values().iterator().next().get("min.insync.replicas").value();
            assertThat(minIsr).isEqualTo("2");

            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", cluster.bootstrapServers(),
                    "transactional.id", "cluster-it", "acks", "all"), new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                send(producer, "before-", 50);

                int leader = admin.describeTopics(List.of("replicated")).allTopicNames().get(30, TimeUnit.SECONDS).get("replicated")
                        .partitions().get(0).leader().id();
                cluster.node(leader).stop();
                send(producer, "during-", 50); // two of three in sync: still accepted with acks=all
                cluster.node(leader).start();
                send(producer, "after-", 50);
            }

            assertThat(readCommitted(cluster.bootstrapServers(), 150)).hasSize(150).doesNotHaveDuplicates()
                    .contains("before-0", "during-49", "after-49");
        }
    }

    private static void send(KafkaProducer<String, String> producer, String prefix, int count) {
        producer.beginTransaction();
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>("replicated", prefix + i, prefix + i));
        }
        producer.commitTransaction();
    }

    private static List<String> readCommitted(String bootstrap, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition("replicated", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}

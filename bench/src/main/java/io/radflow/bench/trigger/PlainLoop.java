package io.radflow.bench.trigger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The baseline: one thread that consumes the uploads and produces a record for each, to an output
 * topic, committing every {@code commitInterval} like the trigger does. Exactly-once mode commits
 * the produced records and the consumed offsets in one transaction (what the trigger guarantees);
 * at-least-once mode uses plain acks=all sends and offset commits. The baseline proper copies each
 * record unchanged ({@link Transform#COPY}); a diagnostic contender does real work per record.
 */
final class PlainLoop {

    /** What the loop produces to {@code output} for one consumed record. */
    @FunctionalInterface
    interface Transform {
        Transform COPY = (output, consumed) -> new ProducerRecord<>(output, consumed.key(), consumed.value());

        ProducerRecord<byte[], byte[]> apply(String output, ConsumerRecord<byte[], byte[]> consumed);
    }

    private PlainLoop() {
    }

    static void run(String bootstrapServers, String input, String output, long records, boolean exactlyOnce,
                    Duration commitInterval, String id, Transform transform) {
        Map<String, Object> consumerProps = new HashMap<>();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, id);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Object> producerProps = new HashMap<>();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        if (exactlyOnce) {
            producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        }
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
            if (exactlyOnce) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            consumer.subscribe(List.of(input));
            long consumed = 0;
            long lastCommit = System.nanoTime();
            while (consumed < records) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    producer.send(transform.apply(output, r));
                    consumed++;
                }
                if (consumed >= records || System.nanoTime() - lastCommit >= commitInterval.toNanos()) {
                    commit(consumer, producer, exactlyOnce, consumed < records);
                    lastCommit = System.nanoTime();
                }
            }
        } finally {
            // Everything is committed; a consumer whose offsets went through transactions can wait the
            // whole default close timeout (30 s) on its group, which is no part of the measurement.
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private static void commit(KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> producer, boolean exactlyOnce,
                               boolean more) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            offsets.put(tp, new OffsetAndMetadata(consumer.position(tp)));
        }
        if (exactlyOnce) {
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
            if (more) {
                // No empty transaction left open at the end: closing the producer would wait to abort it.
                producer.beginTransaction();
            }
        } else {
            producer.flush();
            consumer.commitSync(offsets);
        }
    }
}

package io.radflow.ingestion;

import io.radflow.common.config.RadflowConfig;
import io.radflow.common.kafka.KafkaClientProperties;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.IngestionCursor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A source's cursor on the compacted {@code ingestion-cursors} topic. The bridge writes it in the
 * same transaction as the events it covers, so after any crash the committed cursor and the
 * committed events agree: reading it back ({@code read_committed}) says exactly where to resume.
 */
final class CursorStore {

    private final RadflowConfig config;
    private final TopicSerdes serdes;
    private final String sourceId;
    private final Clock clock;

    CursorStore(RadflowConfig config, TopicSerdes serdes, String sourceId, Clock clock) {
        this.config = config;
        this.serdes = serdes;
        this.sourceId = sourceId;
        this.clock = clock;
    }

    /** The record that moves the cursor to {@code position}; send it inside the events' transaction. */
    ProducerRecord<String, SpecificRecord> record(long position) {
        IngestionCursor cursor = IngestionCursor.newBuilder().setSource(sourceId).setPosition(position)
                .setUpdatedAt(Instant.now(clock).truncatedTo(ChronoUnit.MILLIS)).build();
        return new ProducerRecord<>(TopicCatalog.INGESTION_CURSORS.name(), sourceId, cursor);
    }

    /**
     * The last committed position, or 0 when this source never committed. Call after the
     * producer's {@code initTransactions()}, which settles any transaction a previous incarnation
     * left open, so the end of the topic is stable.
     */
    long read(Duration timeout) {
        Map<String, Object> props = KafkaClientProperties.base(config);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "radflow-cursor-reader");
        long position = 0;
        try (KafkaConsumer<String, IngestionCursor> consumer = new KafkaConsumer<>(props,
                serdes.keyDeserializer(TopicCatalog.INGESTION_CURSORS), serdes.valueDeserializer(TopicCatalog.INGESTION_CURSORS))) {
            List<TopicPartition> partitions = consumer.partitionsFor(TopicCatalog.INGESTION_CURSORS.name(), timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException("reading " + TopicCatalog.INGESTION_CURSORS.name()
                            + " took longer than " + timeout.toMillis() + " ms");
                }
                for (ConsumerRecord<String, IngestionCursor> r : consumer.poll(Duration.ofMillis(200))) {
                    if (sourceId.equals(r.key()) && r.value() != null) {
                        position = r.value().getPosition();
                    }
                }
            }
        }
        return position;
    }
}

package io.radflow.bench.latency;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The floor under the pipeline's latency: two consume-and-produce loops, exactly-once
 * (transactions carrying the consumed offsets), copying records a to b to c with the pipeline's
 * commit rules and no work: the first commits on a fixed tick, as Kafka Streams does every
 * {@code trigger.commit.interval}; the second as soon as what it polled is sent, as the worker
 * does when nothing else is running.
 */
final class TwoHopRelay implements AutoCloseable {

    private final List<Hop> hops;

    TwoHopRelay(String bootstrap, String a, String b, String c, Duration firstHopCommitInterval, String run) {
        hops = List.of(new Hop(bootstrap, a, b, firstHopCommitInterval, run + "-1"), new Hop(bootstrap, b, c, null, run + "-2"));
        hops.forEach(Hop::start);
    }

    @Override
    public void close() throws InterruptedException {
        for (Hop h : hops) {
            h.close();
        }
    }

    private static final class Hop {
        private final KafkaConsumer<String, byte[]> consumer;
        private final KafkaProducer<String, byte[]> producer;
        private final String out;
        private final Duration tick;
        private final Thread thread;
        private volatile boolean running = true;

        Hop(String bootstrap, String in, String out, Duration tick, String id) {
            this.out = out;
            this.tick = tick;
            Map<String, Object> c = new HashMap<>();
            c.put("bootstrap.servers", bootstrap);
            c.put("group.id", "radflow-bench-latency-relay-" + id);
            c.put("isolation.level", "read_committed");
            c.put("enable.auto.commit", false);
            consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(in, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            Map<String, Object> p = new HashMap<>();
            p.put("bootstrap.servers", bootstrap);
            p.put("transactional.id", "radflow-bench-latency-relay-" + id);
            p.put("linger.ms", 0);
            producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
            producer.initTransactions();
            thread = new Thread(this::relay, "latency-relay-" + id);
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void relay() {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            long lastTick = System.nanoTime();
            try {
                while (running) {
                    long pollMs = tick == null ? 100 : Math.max(1, Math.min(100, tick.toMillis() - (System.nanoTime() - lastTick) / 1_000_000));
                    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(pollMs));
                    for (ConsumerRecord<String, byte[]> r : records) {
                        if (offsets.isEmpty()) {
                            producer.beginTransaction();
                        }
                        producer.send(new ProducerRecord<>(out, r.key(), r.value()));
                        offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    }
                    boolean due;
                    if (tick == null) {
                        due = !records.isEmpty();
                    } else {
                        due = System.nanoTime() - lastTick >= tick.toNanos();
                        if (due) {
                            lastTick = System.nanoTime(); // the tick runs whether or not there is anything to commit
                        }
                    }
                    if (due && !offsets.isEmpty()) {
                        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                        producer.commitTransaction();
                        offsets.clear();
                    }
                }
            } catch (WakeupException e) {
                // closing
            }
        }

        void close() throws InterruptedException {
            running = false;
            consumer.wakeup();
            thread.join(10_000);
            consumer.close();
            producer.close(Duration.ofSeconds(5));
        }
    }
}

package io.radflow.registry.commands;

import io.radflow.common.config.RadflowConfig;
import io.radflow.common.error.Reason;
import io.radflow.common.kafka.KafkaClientProperties;
import io.radflow.registry.RegistryException;
import io.radflow.registry.RegistryMetrics;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.CommandReply;
import io.radflow.schemas.avro.RegistryCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends commands to the command processor and waits for its replies. Every instance reads all of
 * {@code registry-command-replies} (no consumer group, from the end as of start-up) and completes
 * the requests it is waiting for; replies to other instances' commands are ignored.
 */
public final class CommandGateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CommandGateway.class);

    private final TopicWriter writer;
    private final RegistryMetrics metrics;
    private final KafkaConsumer<String, CommandReply> replies;
    private final Map<String, CompletableFuture<CommandReply>> pending = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public CommandGateway(RadflowConfig config, TopicSerdes serdes, TopicWriter writer, RegistryMetrics metrics) {
        this.writer = writer;
        this.metrics = metrics;
        Map<String, Object> props = KafkaClientProperties.base(config);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "radflow-registry-replies-" + UUID.randomUUID());
        replies = new KafkaConsumer<>(props, serdes.keyDeserializer(TopicCatalog.REGISTRY_COMMAND_REPLIES),
                serdes.valueDeserializer(TopicCatalog.REGISTRY_COMMAND_REPLIES));
        List<TopicPartition> partitions = replies.partitionsFor(TopicCatalog.REGISTRY_COMMAND_REPLIES.name(), Duration.ofSeconds(30))
                .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        replies.assign(partitions);
        replies.seekToEnd(partitions);
        // seekToEnd is lazy: fix the positions now, before any command is sent, or a fast reply could be skipped.
        partitions.forEach(p -> replies.position(p, Duration.ofSeconds(30)));
        thread = new Thread(this::pollReplies, "registry-command-replies");
        thread.setDaemon(true);
        thread.start();
    }

    /** A command for the aggregate {@code key} (a project id), answered within {@code timeout}. */
    public CommandReply submit(String key, String issuedBy, long expectedRevision, Object action, Duration timeout) {
        String commandId = UUID.randomUUID().toString();
        RegistryCommand command = RegistryCommand.newBuilder().setCommandId(commandId).setIssuedBy(issuedBy)
                .setIssuedAt(Instant.now()).setExpectedRevision(expectedRevision).setReplyWanted(true).setAction(action).build();
        CompletableFuture<CommandReply> reply = new CompletableFuture<>();
        pending.put(commandId, reply);
        try {
            writer.write(TopicCatalog.REGISTRY_COMMANDS, key, command, timeout);
            CommandReply answer = reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            metrics.command(action.getClass().getSimpleName(), answer.getOutcome().name());
            return answer;
        } catch (TimeoutException e) {
            throw new RegistryException(Reason.WRITE_NOT_CONFIRMED, "the command processor did not answer within "
                    + timeout.toMillis() + " ms; the change may still be applied", e);
        } catch (ExecutionException e) {
            throw new RegistryException(Reason.WRITE_NOT_CONFIRMED, "no reply: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(Reason.WRITE_NOT_CONFIRMED, "interrupted while waiting for the command processor", e);
        } finally {
            pending.remove(commandId);
        }
    }

    private void pollReplies() {
        try {
            while (running) {
                try {
                    for (ConsumerRecord<String, CommandReply> record : replies.poll(Duration.ofMillis(500))) {
                        CompletableFuture<CommandReply> waiting = record.value() == null ? null : pending.get(record.key());
                        if (waiting != null) {
                            waiting.complete(record.value());
                        }
                    }
                } catch (RecordDeserializationException e) {
                    // Only the command processor writes replies; skip a broken one (its writer times out) rather than stop.
                    log.warn("skipping an undecodable command reply partition={} offset={} error={}", e.topicPartition(), e.offset(), e.toString());
                    replies.seek(e.topicPartition(), e.offset() + 1);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("command reply consumer stopped; writes will time out error={}", e.toString(), e);
            running = false;
        } finally {
            replies.close(Duration.ofSeconds(5));
        }
    }

    public boolean healthy() {
        return running && thread.isAlive();
    }

    public KafkaConsumer<String, CommandReply> consumer() {
        return replies;
    }

    @Override
    public void close() {
        running = false;
        replies.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("registry is stopping")));
    }
}

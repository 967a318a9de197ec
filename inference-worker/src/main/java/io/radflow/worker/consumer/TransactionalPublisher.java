package io.radflow.worker.consumer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes records and the consumed offsets in one Kafka transaction (KIP-447: offsets carry the
 * consumer group metadata, so a zombie from an older group generation is fenced). Every failure
 * ends in one of three answers the consumer loop knows how to continue from: committed, aborted
 * (nothing visible; send again), or in doubt (the commit may have happened; the loop asks the
 * group coordinator). A producer that cannot continue is replaced by a fresh one with the same
 * transactional id, whose {@code initTransactions} completes or aborts whatever the old one left.
 */
public final class TransactionalPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TransactionalPublisher.class);
    private static final int COMMIT_RETRIES = 3;

    /** How a transaction ended. */
    public enum Result { COMMITTED, ABORTED, IN_DOUBT }

    /** Another worker with the same transactional id took over; this one must stop. */
    public static final class FencedException extends RuntimeException {
        FencedException(Throwable cause) {
            super("producer fenced: another worker runs with the same worker.id", cause);
        }
    }

    private final Supplier<Producer<String, byte[]>> factory;
    private Producer<String, byte[]> producer;

    public TransactionalPublisher(Supplier<Producer<String, byte[]>> factory) {
        this.factory = factory;
        this.producer = create();
    }

    private Producer<String, byte[]> create() {
        Producer<String, byte[]> p = factory.get();
        try {
            p.initTransactions();
        } catch (RuntimeException e) {
            p.close(Duration.ZERO);
            if (e instanceof ProducerFencedException) {
                throw new FencedException(e);
            }
            throw e;
        }
        return p;
    }

    public Result commit(List<ProducerRecord<String, byte[]>> records, Map<TopicPartition, OffsetAndMetadata> offsets,
                         ConsumerGroupMetadata group) {
        if (producer == null) {
            try {
                producer = create();
            } catch (KafkaException e) {
                // Broker away: nothing was sent, so the records go again with the next try.
                log.warn("cannot start a transactional producer; sending again later error={}", e.toString());
                return Result.ABORTED;
            }
        }
        AtomicReference<Exception> sendError = new AtomicReference<>();
        try {
            producer.beginTransaction();
            for (ProducerRecord<String, byte[]> r : records) {
                producer.send(r, (md, e) -> {
                    if (e != null) {
                        sendError.compareAndSet(null, e);
                    }
                });
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, group);
            }
            producer.flush();
            if (sendError.get() != null) {
                throw new KafkaException("send failed: " + sendError.get().getMessage(), sendError.get());
            }
        } catch (ProducerFencedException | FencedInstanceIdException e) {
            replaceProducer();
            throw new FencedException(e);
        } catch (OutOfOrderSequenceException | AuthorizationException | UnsupportedVersionException e) {
            log.warn("transaction failed, replacing the producer error={}", e.toString());
            replaceProducer();
            return Result.ABORTED;
        } catch (KafkaException e) {
            log.warn("transaction failed before commit, aborting error={}", e.toString());
            return abort();
        }
        return commitWithRetries();
    }

    /**
     * Settles whatever transaction the last producer left (after {@link Result#IN_DOUBT}): a fresh
     * producer's initTransactions completes a commit that reached the coordinator or aborts one that
     * did not, so the group's committed offsets are final afterwards. A no-op while a producer runs.
     *
     * @throws FencedException another worker took over the transactional id
     * @throws KafkaException  the broker could not be reached in time; call again later
     */
    public void settle() {
        if (producer == null) {
            producer = create();
        }
    }

    private Result commitWithRetries() {
        for (int attempt = 1; ; attempt++) {
            try {
                producer.commitTransaction();
                return Result.COMMITTED;
            } catch (TimeoutException e) {
                // The commit may have reached the coordinator: retrying commit is the only safe move.
                if (attempt == COMMIT_RETRIES) {
                    log.warn("transaction commit timed out {} times, outcome in doubt error={}", attempt, e.toString());
                    replaceProducer();
                    return Result.IN_DOUBT;
                }
            } catch (ProducerFencedException | FencedInstanceIdException e) {
                replaceProducer();
                throw new FencedException(e);
            } catch (KafkaException e) {
                log.warn("transaction commit failed error={}", e.toString());
                replaceProducer();
                return Result.IN_DOUBT;
            }
        }
    }

    private Result abort() {
        try {
            producer.abortTransaction();
            return Result.ABORTED;
        } catch (ProducerFencedException e) {
            replaceProducer();
            throw new FencedException(e);
        } catch (KafkaException e) {
            log.warn("abort failed, replacing the producer error={}", e.toString());
            replaceProducer();
            return Result.ABORTED;
        }
    }

    /** Closes the current producer; the next commit starts a fresh one (initTransactions settles the old one's transaction). */
    private void replaceProducer() {
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            log.debug("closing a failed producer error={}", e.toString());
        }
        producer = null;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
            producer = null;
        }
    }
}

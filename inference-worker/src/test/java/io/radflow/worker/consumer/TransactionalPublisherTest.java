package io.radflow.worker.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The failure paths of the transactions, on Kafka's own MockProducer (a real broker cannot be
 * made to fail a commit on cue; the integration tests cover the paths a real broker takes).
 */
class TransactionalPublisherTest {

    private final List<MockProducer<String, byte[]>> producers = new ArrayList<>();
    /** What initTransactions of the next producer throws, if anything. */
    private RuntimeException nextInitFailure;
    private final TransactionalPublisher publisher = new TransactionalPublisher(() -> {
        MockProducer<String, byte[]> p = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        p.initTransactionException = nextInitFailure;
        nextInitFailure = null;
        producers.add(p);
        return p;
    });
    private final List<ProducerRecord<String, byte[]>> records = List.of(new ProducerRecord<>("predictions", "study", new byte[] {1}));
    private final Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(new TopicPartition("inference-jobs", 0), new OffsetAndMetadata(7));
    private final ConsumerGroupMetadata group = new ConsumerGroupMetadata("workers");

    private MockProducer<String, byte[]> current() {
        return producers.get(producers.size() - 1);
    }

    @Test
    void shouldCommitRecordsAndOffsetsTogether() {
        assertThat(publisher.commit(records, offsets, group)).isEqualTo(TransactionalPublisher.Result.COMMITTED);
        MockProducer<String, byte[]> p = current();
        assertThat(p.transactionCommitted()).isTrue();
        assertThat(p.history()).hasSize(1);
        assertThat(p.consumerGroupOffsetsHistory()).containsExactly(Map.of("workers", offsets));
    }

    @Test
    void shouldAbortWhenTheOffsetsCannotJoinTheTransaction() {
        current().sendOffsetsToTransactionException = new KafkaException("group rebalanced");
        assertThat(publisher.commit(records, offsets, group)).isEqualTo(TransactionalPublisher.Result.ABORTED);
        assertThat(current().transactionAborted()).isTrue();
        assertThat(current().transactionCommitted()).isFalse();
    }

    @Test
    void shouldReportACommitThatKeepsTimingOutAsInDoubtAndStartAFreshProducer() {
        MockProducer<String, byte[]> first = current();
        first.commitTransactionException = new TimeoutException("coordinator away");
        assertThat(publisher.commit(records, offsets, group)).isEqualTo(TransactionalPublisher.Result.IN_DOUBT);
        assertThat(first.closed()).isTrue();
        first.commitTransactionException = null;
        assertThat(publisher.commit(records, offsets, group)).isEqualTo(TransactionalPublisher.Result.COMMITTED);
        assertThat(producers).hasSize(2);
        assertThat(current().transactionInitialized()).isTrue();
    }

    @Test
    void shouldTryAgainLaterWhenAFreshProducerCannotStart() {
        current().commitTransactionException = new TimeoutException("coordinator away");
        assertThat(publisher.commit(records, offsets, group)).isEqualTo(TransactionalPublisher.Result.IN_DOUBT);
        nextInitFailure = new TimeoutException("initTransactions timed out");

        assertThat(publisher.commit(records, offsets, group)).as("nothing sent, and not the end of the worker")
                .isEqualTo(TransactionalPublisher.Result.ABORTED);
        assertThat(producers).hasSize(2);
        assertThat(producers.get(1).closed()).isTrue();
        assertThat(publisher.commit(records, offsets, group)).isEqualTo(TransactionalPublisher.Result.COMMITTED);
        assertThat(producers).hasSize(3);
    }

    @Test
    void shouldStopWhenAnotherWorkerWithTheSameIdFencedIt() {
        current().fenceProducer();
        assertThatThrownBy(() -> publisher.commit(records, offsets, group))
                .isInstanceOf(TransactionalPublisher.FencedException.class).hasCauseInstanceOf(ProducerFencedException.class)
                .hasMessageContaining("worker.id");
    }
}

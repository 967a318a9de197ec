package io.radflow.worker.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionProgressTest {

    private final PartitionProgress p = new PartitionProgress(new TopicPartition("inference-jobs", 0));

    private JobOutcome outcome(long offset) {
        return new JobOutcome(new ConsumedJob(p.partition(), offset, "job-" + offset, p, 0), List.of(), "m", 1, "succeeded");
    }

    @Test
    void shouldOfferOnlyTheFinishedPrefixInOffsetOrder() {
        // Offsets are not contiguous (transaction markers take offsets too).
        p.consumed(3);
        p.consumed(5);
        p.consumed(8);
        p.completed(outcome(5));
        p.completed(outcome(8));
        assertThat(p.committable()).isEmpty();
        p.completed(outcome(3));
        assertThat(p.committable()).extracting(o -> o.consumed().offset()).containsExactly(3L, 5L, 8L);
    }

    @Test
    void shouldKeepOutcomesUntilTheirTransactionCommitted() {
        p.consumed(1);
        p.consumed(2);
        p.completed(outcome(1));
        assertThat(p.committable()).hasSize(1);
        assertThat(p.committable()).hasSize(1); // a failed transaction sends them again
        p.committed(1);
        assertThat(p.committable()).isEmpty();
        assertThat(p.pendingCount()).isEqualTo(1);
    }

    @Test
    void shouldDropWhatACommittedInDoubtTransactionCovered() {
        p.consumed(10);
        p.consumed(11);
        p.consumed(12);
        p.completed(outcome(10));
        p.completed(outcome(11));
        assertThat(p.committedUpTo(12)).isEqualTo(2);
        assertThat(p.pendingCount()).isEqualTo(1);
    }

    @Test
    void shouldMarkARevokedPartitionsJobsAsNotCurrent() {
        ConsumedJob job = outcome(1).consumed();
        assertThat(job.current()).isTrue();
        p.revoke();
        assertThat(job.current()).isFalse();
    }
}

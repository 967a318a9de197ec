package io.radflow.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    static final TopicPartition P0 = new TopicPartition("predictions", 0);
    static final TopicPartition S0 = new TopicPartition("job-status", 0);

    @Test
    void shouldCommitOnlyUpToTheLowestUnfinishedRecord() {
        OffsetTracker t = new OffsetTracker();
        t.consumed(P0, 10);
        t.consumed(P0, 11);
        t.consumed(P0, 12);
        t.finished(P0, 11);
        t.finished(P0, 12);
        assertThat(t.committable()).as("record 10 of an unfinished job holds the partition").containsExactly(
                Map.entry(P0, new OffsetAndMetadata(10)));
        t.markCommitted(t.committable());
        assertThat(t.committable()).as("nothing new to commit").isEmpty();
        t.finished(P0, 10);
        assertThat(t.committable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(13)));
        assertThat(t.unfinishedCount()).isZero();
    }

    @Test
    void shouldTrackPartitionsApartAndForgetEverythingOnClear() {
        OffsetTracker t = new OffsetTracker();
        t.consumed(P0, 5);
        t.consumed(S0, 7);
        t.finished(S0, 7);
        assertThat(t.committable()).containsOnly(Map.entry(P0, new OffsetAndMetadata(5)), Map.entry(S0, new OffsetAndMetadata(8)));
        t.clear();
        assertThat(t.committable()).isEmpty();
        assertThat(t.unfinishedCount()).isZero();
    }
}

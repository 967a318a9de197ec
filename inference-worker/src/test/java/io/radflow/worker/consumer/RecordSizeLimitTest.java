package io.radflow.worker.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

class RecordSizeLimitTest {

    private static ProducerRecord<String, byte[]> record(int valueBytes, List<Header> headers) {
        return new ProducerRecord<>("predictions", null, "1.2.840.113619.2.55.3.604688119", new byte[valueBytes], headers);
    }

    @Test
    void shouldTakeTheProducersLimitOrKafkasDefault() {
        assertThat(RecordSizeLimit.of(Map.of()).maxBytes()).isEqualTo(1_048_576);
        assertThat(RecordSizeLimit.of(Map.of()).fits(record(1024 * 1024, List.of()))).as("a 1024x1024 mask, one byte a pixel").isFalse();
        assertThat(RecordSizeLimit.of(Map.of("max.request.size", " 20000")).maxBytes()).isEqualTo(20_000);
        assertThat(RecordSizeLimit.of(Map.of("max.request.size", 30_000)).maxBytes()).isEqualTo(30_000);
    }

    @Test
    void shouldRefuseAValueThatIsNoSize() {
        assertThatThrownBy(() -> RecordSizeLimit.of(Map.of("max.request.size", "1MB")))
                .isInstanceOf(RadflowException.class).hasMessageContaining("kafka.client.max.request.size must be a number of bytes, was '1MB'")
                .satisfies(e -> assertThat(((RadflowException) e).reason()).isEqualTo(Reason.BAD_CONFIG));
        assertThatThrownBy(() -> RecordSizeLimit.of(Map.of("max.request.size", "100"))).hasMessageContaining("must be larger than");
    }

    @Test
    void shouldNeverEstimateBelowWhatTheProducerChecks() {
        List<Header> headers = List.of(new RecordHeader("radflow.reason", "OUTPUT_TOO_LARGE".getBytes(StandardCharsets.UTF_8)),
                new RecordHeader("radflow.message", new byte[3000]));
        for (int valueBytes : new int[] {0, 1, 127, 128, 16_384, 1_048_576}) {
            for (List<Header> h : List.of(List.<Header>of(), headers)) {
                ProducerRecord<String, byte[]> r = record(valueBytes, h);
                // What KafkaProducer compares with max.request.size before it accepts a record.
                int producers = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
                        r.key().getBytes(StandardCharsets.UTF_8), r.value(), h.toArray(Header[]::new));
                assertThat(RecordSizeLimit.estimatedSize(r)).as("value %d bytes, %d headers", valueBytes, h.size())
                        .isGreaterThanOrEqualTo(producers).isLessThan(producers + 128);
            }
        }
    }

    @Test
    void shouldFailAnOversizedRecordWithAReasonAndPassTheRest() {
        RecordSizeLimit limit = new RecordSizeLimit(16_000);
        ProducerRecord<String, byte[]> small = record(15_000, List.of());
        assertThat(limit.check(small)).isSameAs(small);
        assertThat(limit.fits(small)).isTrue();

        ProducerRecord<String, byte[]> mask = record(128 * 128, List.of());
        assertThat(limit.fits(mask)).isFalse();
        assertThatThrownBy(() -> limit.check(mask)).isInstanceOf(RadflowException.class)
                .hasMessageContaining("the predictions record would take about 16,")
                .hasMessageContaining("more than the largest the worker may publish (16,000 bytes, kafka.client.max.request.size)")
                .satisfies(e -> assertThat(((RadflowException) e).reason()).isEqualTo(Reason.OUTPUT_TOO_LARGE));
    }
}

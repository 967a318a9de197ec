package io.radflow.worker.consumer;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The largest record the worker's producer may send: its {@code max.request.size}. A larger record
 * makes the producer fail the whole transaction it is in, at every retry, and with it the other
 * jobs of that transaction, so the worker would commit nothing any more. Records are therefore
 * measured where they are built, and one that is too large fails its own job instead.
 */
public record RecordSizeLimit(int maxBytes) {

    /** A batch of its own (61 bytes of header) plus the record's varint fields, rounded up. */
    static final int RECORD_OVERHEAD = 128;
    /** The two varint lengths of one header. */
    static final int HEADER_OVERHEAD = 10;

    public RecordSizeLimit {
        if (maxBytes <= RECORD_OVERHEAD) {
            throw new RadflowException(Reason.BAD_CONFIG, CommonConfig.KAFKA_CLIENT_PREFIX + ProducerConfig.MAX_REQUEST_SIZE_CONFIG
                    + " must be larger than " + RECORD_OVERHEAD + " bytes, was " + maxBytes);
        }
    }

    /** The limit the producer built from these properties will apply (Kafka's default when they name none). */
    public static RecordSizeLimit of(Map<String, ?> producerProps) {
        Object value = producerProps.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        if (value == null) {
            value = ProducerConfig.configDef().defaultValues().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        }
        try {
            return new RecordSizeLimit(Integer.parseInt(value.toString().trim()));
        } catch (NumberFormatException e) {
            throw new RadflowException(Reason.BAD_CONFIG, CommonConfig.KAFKA_CLIENT_PREFIX + ProducerConfig.MAX_REQUEST_SIZE_CONFIG
                    + " must be a number of bytes, was '" + value + "'", e);
        }
    }

    /** An upper bound of the size the producer checks against the limit (key as UTF-8, as the worker's producer writes it). */
    public static long estimatedSize(ProducerRecord<String, byte[]> record) {
        long size = RECORD_OVERHEAD;
        if (record.key() != null) {
            size += record.key().getBytes(StandardCharsets.UTF_8).length;
        }
        if (record.value() != null) {
            size += record.value().length;
        }
        for (Header h : record.headers()) {
            size += HEADER_OVERHEAD + h.key().getBytes(StandardCharsets.UTF_8).length + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }

    public boolean fits(ProducerRecord<String, byte[]> record) {
        return estimatedSize(record) <= maxBytes;
    }

    /** The record, or OUTPUT_TOO_LARGE when the producer could not send it. */
    public ProducerRecord<String, byte[]> check(ProducerRecord<String, byte[]> record) {
        long size = estimatedSize(record);
        if (size > maxBytes) {
            throw new RadflowException(Reason.OUTPUT_TOO_LARGE, String.format("the %s record would take about %,d bytes, more than"
                    + " the largest the worker may publish (%,d bytes, %s%s)", record.topic(), size, maxBytes,
                    CommonConfig.KAFKA_CLIENT_PREFIX, ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        }
        return record;
    }
}

package io.radflow.runs.replay;

import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One dead letter as replay sees it: where it lies, why it was dead-lettered, and the records that
 * publish it again (none when it cannot be replayed, with {@code notReplayable} saying why).
 *
 * @param jobId     the job it stands for; null for an upload
 * @param failedAt  when it was dead-lettered (a job's failure time; an upload's record time)
 */
record DeadLetter(String topic, int partition, long offset, String key, String reason, Instant failedAt, String jobId,
                  List<ProducerRecord<byte[], byte[]>> replay, String notReplayable) {

    /** The replay log's key of this dead letter. */
    String coordinates() {
        return topic + "/" + partition + "/" + offset;
    }
}

package io.radflow.exporter;

import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.Prediction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** What the exporter has read of one job so far: its job record, predictions and final status, and where each came from. */
final class PendingJob {

    record Coordinates(TopicPartition partition, long offset) {
    }

    final String jobId;
    InferenceJob job;
    JobStatus status;
    Coordinates statusAt;
    final Map<String, Prediction> predictions = new LinkedHashMap<>();
    final List<Coordinates> records = new ArrayList<>();
    long succeededSeenAtMs;
    boolean submitted;

    PendingJob(String jobId) {
        this.jobId = jobId;
    }

    boolean complete() {
        return job != null && status != null && predictions.size() >= status.getPredictionCount();
    }

    String whatIsMissing() {
        List<String> missing = new ArrayList<>();
        if (job == null) {
            missing.add("its inference-jobs record");
        }
        if (status != null && predictions.size() < status.getPredictionCount()) {
            missing.add((status.getPredictionCount() - predictions.size()) + " of its " + status.getPredictionCount() + " predictions");
        }
        return String.join(" and ", missing);
    }
}

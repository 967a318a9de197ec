package io.radflow.worker.settings;

import io.radflow.common.kafka.CompactedTopicView;
import io.radflow.schemas.avro.ModelRun;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The worker's copy of the compacted {@code model-runs} topic: which runs were cancelled, so their
 * jobs that have not started are skipped.
 */
public final class RunsView implements AutoCloseable {

    private final CompactedTopicView<ModelRun> view;

    public RunsView(Consumer<String, byte[]> consumer, Deserializer<ModelRun> values, String topic) {
        this.view = new CompactedTopicView<>(consumer, values, topic, ModelRun::getRunId, "worker-model-runs");
    }

    public void start() {
        view.start();
    }

    /** Why the run's jobs are not to start any more, if it was cancelled. */
    public Optional<String> cancelled(String runId) {
        ModelRun run = runId == null ? null : view.get(runId);
        if (run == null || run.getCancelledAt() == null) {
            return Optional.empty();
        }
        return Optional.of("run " + runId + " was cancelled by " + run.getCancelledBy() + " at " + run.getCancelledAt()
                + "; the job had not started");
    }

    public boolean healthy() {
        return view.healthy();
    }

    @Override
    public void close() {
        view.close();
    }
}

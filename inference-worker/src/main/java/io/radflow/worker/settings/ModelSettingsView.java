package io.radflow.worker.settings;

import io.radflow.common.kafka.CompactedTopicView;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The worker's copy of the compacted {@code model-settings} topic (a {@link CompactedTopicView}):
 * model versions by model id and version number, and why one is missing.
 */
public final class ModelSettingsView implements AutoCloseable {

    private final CompactedTopicView<ModelSettings> view;

    public ModelSettingsView(Consumer<String, byte[]> consumer, Deserializer<ModelSettings> values, String topic) {
        this.view = new CompactedTopicView<>(consumer, values, topic, ModelSettings::getModelId, "worker-model-settings");
    }

    public void start() {
        view.start();
    }

    /** Completes once everything on the topic at start-up has been read. */
    public CompletableFuture<Void> initialLoad() {
        return view.initialLoad();
    }

    /** Completes once every settings record written before this call has been read. */
    public CompletableFuture<Void> sync() {
        return view.sync();
    }

    public Optional<ResolvedVersion> find(String modelId, int version) {
        ModelSettings m = view.get(modelId);
        if (m == null || m.getArchivedAt() != null) {
            return Optional.empty();
        }
        for (ModelVersion v : m.getVersions()) {
            if (v.getVersion() == version) {
                return Optional.of(new ResolvedVersion(m, v));
            }
        }
        return Optional.empty();
    }

    /** Why {@link #find} found nothing, for the job's failure message. */
    public String whyMissing(String modelId, int version) {
        ModelSettings m = view.get(modelId);
        if (m == null) {
            return "model " + modelId + " is not in the model settings";
        }
        if (m.getArchivedAt() != null) {
            return "model " + modelId + " is archived (deleted) since " + m.getArchivedAt();
        }
        return "model " + modelId + " has no version " + version + " (versions "
                + m.getVersions().stream().map(ModelVersion::getVersion).toList() + ")";
    }

    public boolean healthy() {
        return view.healthy();
    }

    @Override
    public void close() {
        view.close();
    }
}

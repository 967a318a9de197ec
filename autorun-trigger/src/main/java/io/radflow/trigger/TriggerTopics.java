package io.radflow.trigger;

import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ProjectSettings;
import java.util.List;

/**
 * The topics the trigger reads and writes. Production uses the catalog's; tests and measurements
 * use copies with a suffix (same types and layout) so runs on one broker do not see each other.
 */
public record TriggerTopics(Topic<String, DatasetUploadEvent> uploads, Topic<String, ModelSettings> modelSettings,
                            Topic<String, ProjectSettings> projectSettings, Topic<String, InferenceJob> jobs,
                            Topic<byte[], byte[]> deadLetters, Topic<String, DatasetUploadEvent> index) {

    public static TriggerTopics catalog() {
        return new TriggerTopics(TopicCatalog.DATASET_UPLOADS, TopicCatalog.MODEL_SETTINGS, TopicCatalog.PROJECT_SETTINGS,
                TopicCatalog.INFERENCE_JOBS, TopicCatalog.DATASET_UPLOADS_DLQ, TopicCatalog.DATASET_INDEX);
    }

    /** The catalog's topics renamed {@code <name>-<suffix>}. */
    public static TriggerTopics withSuffix(String suffix) {
        TriggerTopics c = catalog();
        return new TriggerTopics(renamed(c.uploads, suffix), renamed(c.modelSettings, suffix), renamed(c.projectSettings, suffix),
                renamed(c.jobs, suffix), renamed(c.deadLetters, suffix), renamed(c.index, suffix));
    }

    public List<Topic<?, ?>> all() {
        return List.of(uploads, modelSettings, projectSettings, jobs, deadLetters, index);
    }

    private static <K, V> Topic<K, V> renamed(Topic<K, V> t, String suffix) {
        return new Topic<>(t.name() + "-" + suffix, t.keyType(), t.valueType(), t.partitions(), t.cleanup(), t.retentionMs(), t.doc());
    }
}

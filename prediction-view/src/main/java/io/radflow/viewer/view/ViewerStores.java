package io.radflow.viewer.view;

import io.radflow.registry.RegistryTopology;
import io.radflow.registry.view.ViewStores;
import io.radflow.registry.view.ViewUpdates;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.Prediction;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.state.Stores;

/**
 * The prediction view's topology: one global store per topic, re-keyed by project and study, so
 * that every instance holds the whole view and answers every query from its own stores (see
 * DESIGN.md). The registry's projects and API keys join as the registry keeps them, for the same
 * access rules.
 */
public final class ViewerStores {

    private ViewerStores() {
    }

    /** A topic of the view, the store it fills, and how a record is keyed in it. */
    public record Source<V>(Topic<String, V> topic, String storeName, KeyOf<V> keyOf) {
    }

    /** The store key of a record, or null when the view does not keep it; and the change it makes. */
    public interface KeyOf<V> {
        String key(String recordKey, V value);

        ViewChange change(String recordKey, V value);
    }

    public static final Source<DatasetUploadEvent> INSTANCES = new Source<>(TopicCatalog.DATASET_UPLOADS, "viewer-instances",
            new KeyOf<>() {
        @Override
        public String key(String recordKey, DatasetUploadEvent e) {
            // Completion markers say nothing the instances do not; only instances are kept.
            return e.getPayload() instanceof DataUploaded d
                    ? ViewKeys.of(e.getProjectId(), e.getStudyInstanceUid(), d.getSeriesInstanceUid(), d.getSopInstanceUid()) : null;
        }

        @Override
        public ViewChange change(String recordKey, DatasetUploadEvent e) {
            return new ViewChange("instance", e.getProjectId(), e.getStudyInstanceUid(), ((DataUploaded) e.getPayload()).getSopInstanceUid());
        }
    });

    private static final KeyOf<InferenceJob> JOB_KEYS = new KeyOf<>() {
        @Override
        public String key(String recordKey, InferenceJob j) {
            return ViewKeys.of(j.getProjectId(), j.getStudyInstanceUid(), j.getJobId());
        }

        @Override
        public ViewChange change(String recordKey, InferenceJob j) {
            return new ViewChange("job", j.getProjectId(), j.getStudyInstanceUid(), j.getJobId());
        }
    };

    public static final Source<InferenceJob> JOBS = new Source<>(TopicCatalog.INFERENCE_JOBS, "viewer-jobs", JOB_KEYS);

    /** Jobs of runs and backfills: a store of their own (a global store reads one topic), read together with {@link #JOBS}. */
    public static final Source<InferenceJob> RUN_JOBS = new Source<>(TopicCatalog.RUN_JOBS, "viewer-run-jobs", JOB_KEYS);

    /** Where jobs are, auto-run's and runs'. */
    public static final List<Source<InferenceJob>> JOB_SOURCES = List.of(JOBS, RUN_JOBS);

    public static final Source<JobStatus> JOB_STATUS = new Source<>(TopicCatalog.JOB_STATUS, "viewer-job-status",
            new KeyOf<>() {
        @Override
        public String key(String recordKey, JobStatus s) {
            return s.getJobId();
        }

        @Override
        public ViewChange change(String recordKey, JobStatus s) {
            return new ViewChange("job-status", null, null, s.getJobId());
        }
    });

    public static final Source<Prediction> PREDICTIONS = new Source<>(TopicCatalog.PREDICTIONS, "viewer-predictions",
            new KeyOf<>() {
        @Override
        public String key(String recordKey, Prediction p) {
            return ViewKeys.of(p.getProjectId(), p.getStudyInstanceUid(), p.getPredictionId());
        }

        @Override
        public ViewChange change(String recordKey, Prediction p) {
            return new ViewChange("prediction", p.getProjectId(), p.getStudyInstanceUid(), p.getPredictionId());
        }
    });

    public static final List<Source<?>> ALL = List.of(INSTANCES, JOBS, RUN_JOBS, JOB_STATUS, PREDICTIONS);

    /** The registry's views: projects and API keys for the access rules, models for their names and labels. */
    public static final List<ViewStores.View<?>> REGISTRY_VIEWS = List.of(ViewStores.PROJECTS, ViewStores.API_KEYS, ViewStores.MODELS);

    /**
     * @param changes told of every change applied (on the global stream thread: hand it off quickly)
     * @param undecodable told of every record that could not be decoded (source topic)
     */
    public static Topology build(TopicSerdes serdes, ViewUpdates registryUpdates, Consumer<ViewChange> changes,
                                 Consumer<String> undecodable, java.util.Properties streamsConfig) {
        Topology topology = new Topology(new TopologyConfig(new StreamsConfig(streamsConfig)));
        for (ViewStores.View<?> view : REGISTRY_VIEWS) {
            RegistryTopology.addView(topology, serdes, view, registryUpdates);
        }
        for (Source<?> source : ALL) {
            add(topology, serdes, source, changes, undecodable);
        }
        return topology;
    }

    private static <V> void add(Topology topology, TopicSerdes serdes, Source<V> source, Consumer<ViewChange> changes,
                                Consumer<String> undecodable) {
        // Persistent (RocksDB): masks make predictions large, and the view must not be bound by the heap.
        var store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(source.storeName()), Serdes.String(),
                ViewStores.pinned(serdes.valueSerde(source.topic()), source.topic())).withLoggingDisabled();
        topology.addGlobalStore(store, source.storeName() + "-source", serdes.keyDeserializer(source.topic()),
                new ByteArrayDeserializer(), source.topic().name(), source.storeName() + "-updater",
                () -> new ViewUpdater<>(source, serdes.valueDeserializer(source.topic()), changes, undecodable));
    }
}

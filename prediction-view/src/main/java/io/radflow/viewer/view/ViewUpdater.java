package io.radflow.viewer.view;

import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts each record of one topic into its global store under the view's key. Values arrive as
 * bytes and are decoded here: a record the view cannot decode is counted and logged with its
 * coordinates and left on its topic (the view is a read-only projection; the producing service
 * owns the record and its dead-letter handling), instead of stopping every read of the viewer.
 * Kafka Streams runs this processor again when it rebuilds the store from the topic.
 */
final class ViewUpdater<V> implements Processor<String, byte[], Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(ViewUpdater.class);

    private final ViewerStores.Source<V> source;
    private final Deserializer<V> values;
    private final Consumer<ViewChange> changes;
    private final Consumer<String> undecodable;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, V> store;

    ViewUpdater(ViewerStores.Source<V> source, Deserializer<V> values, Consumer<ViewChange> changes, Consumer<String> undecodable) {
        this.source = source;
        this.values = values;
        this.changes = changes;
        this.undecodable = undecodable;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(source.storeName());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            // Only job-status is compacted with tombstones; its store is keyed by the record key (the job id).
            if (record.key() != null && source == (Object) ViewerStores.JOB_STATUS) {
                store.delete(record.key());
            }
            return;
        }
        V value;
        try {
            value = values.deserialize(source.topic().name(), record.value());
        } catch (RuntimeException e) {
            undecodable.accept(source.topic().name());
            log.warn("view skips an undecodable record topic={} partition={} offset={} error={}", source.topic().name(),
                    context.recordMetadata().map(m -> m.partition()).orElse(-1),
                    context.recordMetadata().map(m -> m.offset()).orElse(-1L), e.toString());
            return;
        }
        String key = source.keyOf().key(record.key(), value);
        if (key == null) {
            return;
        }
        store.put(key, value);
        changes.accept(source.keyOf().change(record.key(), value));
    }
}

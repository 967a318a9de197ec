package io.radflow.registry.view;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps one global store equal to its compacted topic (a tombstone deletes the key), then wakes
 * the requests waiting for the view to catch up with their writes.
 */
public final class ViewStoreUpdater<V> implements Processor<String, V, Void, Void> {

    private final String storeName;
    private final ViewUpdates updates;
    private KeyValueStore<String, V> store;

    public ViewStoreUpdater(String storeName, ViewUpdates updates) {
        this.storeName = storeName;
        this.updates = updates;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, V> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
        updates.changed();
    }
}

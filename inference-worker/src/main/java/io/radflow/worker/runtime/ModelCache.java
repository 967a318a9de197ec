package io.radflow.worker.runtime;

import io.radflow.common.error.RadflowException;
import io.radflow.worker.metrics.WorkerMetrics;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loaded models, least recently used evicted beyond {@code capacity}. Callers hold a
 * {@link Lease} while they run a model, so a model evicted by another thread is closed only after
 * its last run finished. A cached model that reports itself unhealthy (a crashed subprocess) is
 * closed and loaded again: that is how runtimes are restarted after a crash.
 */
public final class ModelCache implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelCache.class);

    private final int capacity;
    private final RuntimeRegistry runtimes;
    private final WorkerMetrics metrics;
    private final LinkedHashMap<ModelKey, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<ModelKey, Object> loadLocks = new ConcurrentHashMap<>();
    private boolean closed;

    private static final class Entry {
        final LoadedModel model;
        int leases;
        boolean retired;

        Entry(LoadedModel model) {
            this.model = model;
        }
    }

    public ModelCache(int capacity, RuntimeRegistry runtimes, WorkerMetrics metrics) {
        if (capacity < 1) {
            throw new IllegalArgumentException("cache capacity must be positive");
        }
        this.capacity = capacity;
        this.runtimes = runtimes;
        this.metrics = metrics;
    }

    /** A loaded model for {@code spec}; loads it (once, even when several threads ask) if needed. */
    public Lease acquire(ModelSpec spec) {
        Lease lease = tryLease(spec);
        if (lease != null) {
            return lease;
        }
        synchronized (loadLocks.computeIfAbsent(spec.key(), k -> new Object())) {
            lease = tryLease(spec);
            if (lease != null) {
                return lease;
            }
            LoadedModel model;
            try {
                model = runtimes.runtimeFor(spec.runtime()).load(spec);
            } catch (RadflowException e) {
                metrics.modelLoad(spec.key(), "failed");
                throw e;
            }
            metrics.modelLoad(spec.key(), "loaded");
            log.info("model loaded model={} version={} runtime={} device={}", spec.key().modelId(), spec.key().version(),
                    spec.runtime(), model.device());
            return insert(model);
        }
    }

    private synchronized Lease tryLease(ModelSpec spec) {
        if (closed) {
            throw new IllegalStateException("model cache is closed");
        }
        Entry e = entries.get(spec.key());
        if (e == null) {
            return null;
        }
        if (!e.model.healthy() || !e.model.spec().equals(spec)) {
            log.info("reloading model reason={} model={} version={}", e.model.healthy() ? "settings-changed" : "unhealthy",
                    spec.key().modelId(), spec.key().version());
            entries.remove(spec.key());
            retire(e);
            return null;
        }
        e.leases++;
        return new Lease(e);
    }

    private synchronized Lease insert(LoadedModel model) {
        if (closed) {
            // Closed while this model loaded: nothing else would ever close it (an MD.ai process would outlive the worker).
            model.close();
            throw new IllegalStateException("model cache is closed");
        }
        Entry e = new Entry(model);
        e.leases = 1;
        Entry previous = entries.put(model.spec().key(), e);
        if (previous != null) {
            retire(previous);
        }
        Iterator<Map.Entry<ModelKey, Entry>> it = entries.entrySet().iterator();
        while (entries.size() > capacity && it.hasNext()) {
            Map.Entry<ModelKey, Entry> oldest = it.next();
            if (oldest.getValue() != e) {
                it.remove();
                log.info("model evicted model={} version={}", oldest.getKey().modelId(), oldest.getKey().version());
                retire(oldest.getValue());
            }
        }
        return new Lease(e);
    }

    private void retire(Entry e) {
        e.retired = true;
        if (e.leases == 0) {
            e.model.close();
        }
    }

    private synchronized void release(Entry e) {
        e.leases--;
        if (e.retired && e.leases == 0) {
            e.model.close();
        }
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized List<ModelKey> keys() {
        return new ArrayList<>(entries.keySet());
    }

    @Override
    public synchronized void close() {
        closed = true;
        entries.values().forEach(this::retire);
        entries.clear();
    }

    /** Use of a loaded model; close it when the run is over. */
    public final class Lease implements AutoCloseable {

        private final Entry entry;
        private boolean released;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        public LoadedModel model() {
            return entry.model;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                release(entry);
            }
        }
    }
}

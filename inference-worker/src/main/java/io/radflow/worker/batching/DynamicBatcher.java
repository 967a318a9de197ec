package io.radflow.worker.batching;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Groups queued items by key (a model version) into batches. A key's queue becomes ready when it
 * holds {@code maxBatchSize} items or its oldest item has waited {@code maxQueueDelay}; executor
 * threads {@link #take()} the ready queue whose oldest item has waited longest, so one busy model
 * cannot starve another. Limits are per key and may change with the settings (the latest wins).
 */
public final class DynamicBatcher<T> {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, KeyQueue<T>> queues = new LinkedHashMap<>();
    private int size;
    private boolean closed;

    private static final class KeyQueue<T> {
        BatchLimits limits;
        final ArrayDeque<Queued<T>> items = new ArrayDeque<>();

        KeyQueue(BatchLimits limits) {
            this.limits = limits;
        }

        boolean full() {
            return items.size() >= limits.maxBatchSize();
        }

        /** When the oldest item has waited long enough (compare with {@code now} by subtraction: nanoTime wraps). */
        long deadline() {
            return items.peekFirst().enqueuedNanos() + limits.maxQueueDelay().toNanos();
        }
    }

    private record Queued<T>(T item, long enqueuedNanos) {
    }

    /** Queues an item; returns false (and drops it) once the batcher is closed. */
    public boolean offer(String key, BatchLimits limits, T item) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            KeyQueue<T> q = queues.computeIfAbsent(key, k -> new KeyQueue<>(limits));
            q.limits = limits;
            q.items.addLast(new Queued<>(item, System.nanoTime()));
            size++;
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until a batch is ready; returns null once the batcher is closed. */
    public Batch<T> take() throws InterruptedException {
        lock.lock();
        try {
            while (!closed) {
                long now = System.nanoTime();
                String bestKey = null;
                KeyQueue<T> best = null;
                long nextReady = Long.MAX_VALUE;
                for (Map.Entry<String, KeyQueue<T>> e : queues.entrySet()) {
                    KeyQueue<T> q = e.getValue();
                    long wait = q.deadline() - now;
                    if (q.full() || wait <= 0) {
                        if (best == null || q.items.peekFirst().enqueuedNanos() - best.items.peekFirst().enqueuedNanos() < 0) {
                            best = q;
                            bestKey = e.getKey();
                        }
                    } else if (wait < nextReady) {
                        nextReady = wait;
                    }
                }
                if (best != null) {
                    List<T> items = new ArrayList<>();
                    while (items.size() < best.limits.maxBatchSize() && !best.items.isEmpty()) {
                        items.add(best.items.pollFirst().item());
                    }
                    size -= items.size();
                    if (best.items.isEmpty()) {
                        queues.remove(bestKey);
                    }
                    return new Batch<>(bestKey, items);
                }
                if (nextReady == Long.MAX_VALUE) {
                    changed.await();
                } else {
                    changed.awaitNanos(nextReady);
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns every queued item matching {@code p} (jobs of a revoked partition). */
    public List<T> removeIf(Predicate<T> p) {
        lock.lock();
        try {
            List<T> removed = new ArrayList<>();
            Iterator<KeyQueue<T>> qs = queues.values().iterator();
            while (qs.hasNext()) {
                KeyQueue<T> q = qs.next();
                q.items.removeIf(x -> {
                    if (p.test(x.item())) {
                        removed.add(x.item());
                        return true;
                    }
                    return false;
                });
                if (q.items.isEmpty()) {
                    qs.remove();
                }
            }
            size -= removed.size();
            changed.signalAll();
            return removed;
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting {@link #take()} with null; later offers are refused. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}

package io.radflow.worker.batching;

import java.util.List;

/** Items of one key (model version) to run together, oldest first. */
public record Batch<T>(String key, List<T> items) {

    public Batch {
        items = List.copyOf(items);
    }
}

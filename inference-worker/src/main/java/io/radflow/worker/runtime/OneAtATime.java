package io.radflow.worker.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What every runtime does when a call with several jobs fails: run each job alone, so only the
 * job that breaks the model fails and the others succeed. Jobs the deadline no longer leaves
 * time for are not started.
 */
public final class OneAtATime {

    private OneAtATime() {
    }

    /**
     * @param alone     runs one item on its own
     * @param outOfTime the result of an item the deadline left no time for
     * @return one result per item, in order
     */
    public static <T, R> List<R> rerun(List<T> items, Deadline deadline, Function<T, R> alone, Function<T, R> outOfTime) {
        List<R> out = new ArrayList<>(items.size());
        for (T item : items) {
            out.add(deadline.passed() ? outOfTime.apply(item) : alone.apply(item));
        }
        return out;
    }
}

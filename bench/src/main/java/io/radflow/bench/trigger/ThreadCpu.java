package io.radflow.bench.trigger;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/** CPU time of the threads that do a contender's processing, for the report's "CPU per event" column. */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ThreadCpu() {
    }

    static long currentThreadNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** Sum over live threads whose name contains {@code nameFragment} (Kafka Streams names its threads after the app id). */
    static long streamThreadsNanos(String nameFragment) {
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().contains(nameFragment) && t.getName().contains("StreamThread-")) {
                long cpu = THREADS.getThreadCpuTime(t.getId());
                total += Math.max(0, cpu);
            }
        }
        return total;
    }
}

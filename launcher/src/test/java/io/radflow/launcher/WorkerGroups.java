package io.radflow.launcher;

import io.radflow.worker.WorkerConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a worker container's command line and environment make of the worker's group and device keys. */
final class WorkerGroups {

    private WorkerGroups() {
    }

    /** The consumer group the worker joins: RADFLOW_WORKER_GROUP_ID, else the code's default. */
    static String effective(Map<String, String> env) {
        return env.getOrDefault(WorkerConfig.GROUP_ID.envName(), WorkerConfig.GROUP_ID.defaultValue());
    }

    /** cpu or gpu: --device on the command line, else RADFLOW_WORKER_DEVICE, else the default (non-workers: cpu). */
    static String device(List<String> args, Map<String, String> env) {
        int i = args.indexOf("--device");
        if (i >= 0 && i + 1 < args.size()) {
            return args.get(i + 1).toLowerCase(Locale.ROOT);
        }
        return env.getOrDefault(WorkerConfig.DEVICE.envName(), WorkerConfig.DEVICE.defaultValue().name()).toLowerCase(Locale.ROOT);
    }
}

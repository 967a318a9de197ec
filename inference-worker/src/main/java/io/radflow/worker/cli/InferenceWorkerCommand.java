package io.radflow.worker.cli;

import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.cli.ServiceRunner;
import io.radflow.common.config.RadflowConfig;
import io.radflow.worker.InferenceWorker;
import io.radflow.worker.WorkerConfig;
import io.radflow.worker.WorkerSettings;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./radflow inference-worker}: one worker of the consumer group, until Ctrl-C. */
@Command(name = "inference-worker", mixinStandardHelpOptions = true,
        description = {"Run an inference worker: consume inference-jobs, run the models (ONNX Runtime in-process, "
                + "MD.ai Python packages, external HTTP models), publish predictions and job-status exactly once, "
                + "dead-letter what cannot run. Runs until Ctrl-C.",
            "Every worker.* key (./radflow config) can be set with --set, RADFLOW_* variables or --config."})
public final class InferenceWorkerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--threads", paramLabel = "N", description = "Batches run at the same time (key worker.threads).")
    Integer threads;

    @Option(names = "--device", paramLabel = "cpu|gpu", description = "cpu, or gpu for the CUDA execution provider when available (key worker.device).")
    String device;

    @Option(names = "--cache-size", paramLabel = "N", description = "Loaded models kept in memory (key worker.model.cache.size).")
    Integer cacheSize;

    @Option(names = "--worker-id", paramLabel = "ID", description = "Unique, stable id of this worker (key worker.id; default: the host name).")
    String workerId;

    @Override
    public Integer call() throws Exception {
        connection.setIfGiven(WorkerConfig.THREADS.name(), threads);
        connection.setIfGiven(WorkerConfig.DEVICE.name(), device);
        connection.setIfGiven(WorkerConfig.MODEL_CACHE_SIZE.name(), cacheSize);
        connection.setIfGiven(WorkerConfig.WORKER_ID.name(), workerId);
        RadflowConfig config = connection.load(WorkerConfig.FULL);
        InferenceWorker worker = InferenceWorker.create(config);
        WorkerSettings s = worker.settings();
        return ServiceRunner.runUntilStopped(worker, spec.commandLine().getOut(), "Inference worker " + s.workerId()
                + " is running (group " + s.groupId() + ", threads " + s.threads() + ", device "
                + s.device().name().toLowerCase(Locale.ROOT) + ", model cache " + s.modelCacheSize() + ").");
    }
}

package io.radflow.worker;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.ConfigDefinition;
import io.radflow.common.config.ConfigKey;
import io.radflow.common.config.ConfigType;
import io.radflow.common.config.Validator;
import io.radflow.content.ContentReaderFactory;
import io.radflow.pixels.CodecSettings;
import io.radflow.schemas.avro.Device;
import io.radflow.worker.runtime.http.HttpModelConfig;
import io.radflow.worker.runtime.mdai.MdaiConfig;
import java.time.Duration;
import java.util.List;

/** The inference worker's configuration keys (plus the content store's, which it reads from). */
public final class WorkerConfig {

    private WorkerConfig() {
    }

    public static final ConfigKey<String> WORKER_ID = ConfigKey.optional("worker.id", ConfigType.STRING,
            "This worker's id, unique per running worker and stable across its restarts (e.g. the pod name): it names the "
                    + "transactional producer, so a restarted worker fences its previous incarnation at once. Unset: the host name (in ./radflow dev: <host>-dev).");

    public static final ConfigKey<String> GROUP_ID = ConfigKey.of("worker.group.id", ConfigType.STRING,
            "radflow-inference-worker", Validator.nonBlank(), "Consumer group of the workers that share the inference-jobs partitions.");

    public static final ConfigKey<Integer> THREADS = ConfigKey.of("worker.threads", ConfigType.INT, 1, Validator.atLeast(1),
            "Batches run at the same time (executor threads). Command line: --threads.");

    public static final ConfigKey<Device> DEVICE = ConfigKey.of("worker.device", ConfigType.enumType(Device.class), Device.CPU,
            "cpu, or gpu to run ONNX models with the CUDA execution provider when available (build with -Pgpu); "
                    + "without it the worker says why and runs on the CPU. Command line: --device.");

    public static final ConfigKey<Integer> GPU_DEVICE_ID = ConfigKey.of("worker.gpu.device.id", ConfigType.INT, 0,
            Validator.atLeast(0), "CUDA device the ONNX sessions use when worker.device=gpu.");

    public static final ConfigKey<Integer> ONNX_INTRA_OP_THREADS = ConfigKey.of("worker.onnx.intra.op.threads", ConfigType.INT, 0,
            Validator.atLeast(0), "Threads one ONNX model run may use; 0 lets ONNX Runtime choose (all cores).");

    public static final ConfigKey<Integer> MODEL_CACHE_SIZE = ConfigKey.of("worker.model.cache.size", ConfigType.INT, 4,
            Validator.atLeast(1), "Loaded models kept in memory; the least recently used is unloaded beyond it. Command line: --cache-size.");

    public static final ConfigKey<Integer> MAX_IN_FLIGHT = ConfigKey.of("worker.max.in.flight", ConfigType.INT, 64,
            Validator.atLeast(1), "Jobs consumed but not yet committed; at this many the worker pauses its partitions (backpressure).");

    public static final ConfigKey<Integer> RUNS_MAX_IN_FLIGHT = ConfigKey.of("worker.runs.max.in.flight", ConfigType.INT, 2,
            Validator.atLeast(1), "Jobs of runs and backfills (run-jobs) in flight at most while auto-run jobs keep coming (they are "
                    + "taken only while no auto-run job is in flight): a fresh upload waits behind at most this many. After 10 s "
                    + "without auto-run jobs a backfill may use all of worker.max.in.flight.");

    public static final ConfigKey<Duration> COMMIT_INTERVAL = ConfigKey.of("worker.commit.interval", ConfigType.DURATION_TYPE,
            Duration.ofMillis(250), Validator.notNegative(),
            "Longest wait before finished jobs are committed while others still run; with nothing else running they commit at once.");

    public static final ConfigKey<Duration> MODEL_TIMEOUT = ConfigKey.of("worker.model.timeout", ConfigType.DURATION_TYPE,
            Duration.ofMinutes(5), Validator.positive(), "Longest a model may take for one batch; past it the batch's jobs fail with MODEL_TIMEOUT (retriable).");

    public static final ConfigKey<Integer> RETRY_MAX_ATTEMPTS = ConfigKey.of("worker.retry.max.attempts", ConfigType.INT, 5,
            Validator.atLeast(1), "Attempts per job for retriable failures (fetch timeouts, runtime restarts) before the job goes to the DLQ.");

    public static final ConfigKey<Duration> RETRY_INITIAL_BACKOFF = ConfigKey.of("worker.retry.initial.backoff",
            ConfigType.DURATION_TYPE, Duration.ofSeconds(1), Validator.notNegative(), "Delay before the second attempt; doubles with each attempt.");

    public static final ConfigKey<Duration> RETRY_MAX_BACKOFF = ConfigKey.of("worker.retry.max.backoff", ConfigType.DURATION_TYPE,
            Duration.ofMinutes(1), Validator.notNegative(), "Cap of the retry delay.");

    public static final ConfigKey<Long> CONTENT_MAX_BYTES = ConfigKey.of("worker.content.max.bytes", ConfigType.LONG, 1L << 30,
            Validator.atLeastLong(1), "Largest instance the worker fetches; bigger content fails the job (CONTENT_FETCH_FAILED).");

    public static final ConfigKey<Duration> SETTINGS_TIMEOUT = ConfigKey.of("worker.settings.timeout", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(30), Validator.positive(),
            "How long the worker waits to read the model settings at start-up, and for a job's unknown version to appear before it fails as UNKNOWN_MODEL.");

    /** The worker's own keys and the content reading keys. */
    public static final ConfigDefinition DEFINITION = ConfigDefinition.of("inference-worker", List.of(WORKER_ID, GROUP_ID,
                    THREADS, DEVICE, GPU_DEVICE_ID, ONNX_INTRA_OP_THREADS, MODEL_CACHE_SIZE, MAX_IN_FLIGHT, RUNS_MAX_IN_FLIGHT, COMMIT_INTERVAL,
                    MODEL_TIMEOUT, RETRY_MAX_ATTEMPTS, RETRY_INITIAL_BACKOFF, RETRY_MAX_BACKOFF, CONTENT_MAX_BYTES, SETTINGS_TIMEOUT))
            .and(ContentReaderFactory.DEFINITION).and(MdaiConfig.DEFINITION).and(HttpModelConfig.DEFINITION)
            .and(CodecSettings.KEYS);

    /** Everything a standalone worker reads. */
    public static final ConfigDefinition FULL = CommonConfig.DEFINITION.and(DEFINITION);
}

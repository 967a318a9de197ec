package io.radflow.worker;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.content.StorageConfig;
import io.radflow.pixels.CodecSettings;
import io.radflow.schemas.avro.Device;
import io.radflow.worker.failure.RetryPolicy;
import io.radflow.worker.runtime.http.HttpModelConfig;
import io.radflow.worker.runtime.mdai.MdaiSettings;
import io.radflow.worker.runtime.onnx.OnnxSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a worker reads from its configuration, typed and checked once at start-up (keys in
 * {@link WorkerConfig}). The parts of a worker take what they need from here, never the raw
 * configuration, so a bad value fails before anything connects. Only the Kafka and schema
 * registry client properties are still read from the configuration, by the shared client code.
 *
 * @param workerId        names the transactional producer and the static group member
 * @param maxInFlight     jobs consumed and not committed before the partitions pause
 * @param runsMaxInFlight run jobs in flight at most, taken only while no auto-run job is
 * @param commitInterval  longest wait before finished jobs are committed while others run
 * @param modelTimeout    one batch's budget in a model
 * @param settingsTimeout how long to wait for the model settings (start-up, unknown versions)
 * @param metricsPort     port of /metrics and /health; 0 picks a free one, -1 disables them
 */
public record WorkerSettings(String workerId, String groupId, int threads, int modelCacheSize, int maxInFlight, int runsMaxInFlight,
                             Duration commitInterval, Duration modelTimeout, RetryPolicy retry, long contentMaxBytes,
                             Duration settingsTimeout, OnnxSettings onnx, MdaiSettings mdai, HttpModelConfig.Settings http,
                             CodecSettings codecs, Path artifactStoreDir, Path contentStoreDir, int metricsPort) {

    /**
     * Reads the settings.
     *
     * @param defaultWorkerId the id when {@code worker.id} is unset; null: the host name
     */
    public static WorkerSettings from(RadflowConfig config, String defaultWorkerId) {
        String workerId = config.find(WorkerConfig.WORKER_ID)
                .orElseGet(() -> defaultWorkerId != null ? defaultWorkerId : InferenceWorker.hostName());
        return new WorkerSettings(workerId, config.get(WorkerConfig.GROUP_ID), config.get(WorkerConfig.THREADS),
                config.get(WorkerConfig.MODEL_CACHE_SIZE), config.get(WorkerConfig.MAX_IN_FLIGHT), config.get(WorkerConfig.RUNS_MAX_IN_FLIGHT),
                config.get(WorkerConfig.COMMIT_INTERVAL), config.get(WorkerConfig.MODEL_TIMEOUT),
                new RetryPolicy(config.get(WorkerConfig.RETRY_MAX_ATTEMPTS), config.get(WorkerConfig.RETRY_INITIAL_BACKOFF),
                        config.get(WorkerConfig.RETRY_MAX_BACKOFF)),
                config.get(WorkerConfig.CONTENT_MAX_BYTES), config.get(WorkerConfig.SETTINGS_TIMEOUT),
                new OnnxSettings(config.get(WorkerConfig.DEVICE), config.get(WorkerConfig.GPU_DEVICE_ID),
                        config.get(WorkerConfig.ONNX_INTRA_OP_THREADS)),
                MdaiSettings.from(config), HttpModelConfig.Settings.from(config), CodecSettings.from(config),
                config.get(StorageConfig.ARTIFACT_STORE_DIR), config.get(StorageConfig.CONTENT_STORE_DIR),
                config.get(CommonConfig.METRICS_PORT));
    }

    public Device device() {
        return onnx.device();
    }
}

package io.radflow.worker.runtime.mdai;

import io.radflow.common.config.RadflowConfig;
import io.radflow.schemas.avro.Device;
import io.radflow.worker.WorkerConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the MD.ai runtime reads from configuration.
 *
 * @param workerDevice GPU lets packages whose config.yaml says {@code device_type: gpu} see GPU {@code gpuDeviceId}
 */
public record MdaiSettings(String python, Path workDir, long diskThresholdBytes, Duration startTimeout, long packageMaxBytes,
                           Device workerDevice, int gpuDeviceId) {

    public static MdaiSettings from(RadflowConfig config) {
        return new MdaiSettings(config.get(MdaiConfig.PYTHON), config.get(MdaiConfig.WORK_DIR),
                config.get(MdaiConfig.DISK_THRESHOLD_BYTES), config.get(MdaiConfig.START_TIMEOUT),
                config.get(MdaiConfig.PACKAGE_MAX_BYTES), config.get(WorkerConfig.DEVICE), config.get(WorkerConfig.GPU_DEVICE_ID));
    }

    public MdaiSettings withWorkDir(Path dir) {
        return new MdaiSettings(python, dir, diskThresholdBytes, startTimeout, packageMaxBytes, workerDevice, gpuDeviceId);
    }
}

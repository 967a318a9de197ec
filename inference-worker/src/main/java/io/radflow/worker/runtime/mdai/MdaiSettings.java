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
 * @param envs         how package environments are built
 * @param hostCuda     the CUDA version this host offers; null: ask nvidia-smi
 */
public record MdaiSettings(String python, Path workDir, long diskThresholdBytes, Duration startTimeout, long packageMaxBytes,
                           Device workerDevice, int gpuDeviceId, EnvSettings envs, String hostCuda) {

    /**
     * How a package's Python environment is built.
     *
     * @param dir       where environments live, one per requirements hash
     * @param indexUrl  pip's --index-url; null: pip's default
     * @param findLinks a local wheelhouse; when set pip runs with --no-index --find-links
     * @param timeout   longest one build may take
     */
    public record EnvSettings(Path dir, String indexUrl, String findLinks, Duration timeout) {
    }

    /** Settings with environments under {@code workDir/envs}, installed from pip's default index within 30 minutes. */
    public MdaiSettings(String python, Path workDir, long diskThresholdBytes, Duration startTimeout, long packageMaxBytes,
                        Device workerDevice, int gpuDeviceId) {
        this(python, workDir, diskThresholdBytes, startTimeout, packageMaxBytes, workerDevice, gpuDeviceId,
                new EnvSettings(workDir.resolve("envs"), null, null, Duration.ofMinutes(30)), null);
    }

    public static MdaiSettings from(RadflowConfig config) {
        return new MdaiSettings(config.get(MdaiConfig.PYTHON), config.get(MdaiConfig.WORK_DIR),
                config.get(MdaiConfig.DISK_THRESHOLD_BYTES), config.get(MdaiConfig.START_TIMEOUT),
                config.get(MdaiConfig.PACKAGE_MAX_BYTES), config.get(WorkerConfig.DEVICE), config.get(WorkerConfig.GPU_DEVICE_ID),
                new EnvSettings(config.get(MdaiConfig.ENV_DIR), blankToNull(config.get(MdaiConfig.PIP_INDEX_URL)),
                        blankToNull(config.get(MdaiConfig.PIP_FIND_LINKS)), config.get(MdaiConfig.ENV_TIMEOUT)),
                blankToNull(config.get(MdaiConfig.CUDA_VERSION)));
    }

    public MdaiSettings withWorkDir(Path dir) {
        return new MdaiSettings(python, dir, diskThresholdBytes, startTimeout, packageMaxBytes, workerDevice, gpuDeviceId, envs, hostCuda);
    }

    public MdaiSettings withEnvs(EnvSettings envSettings) {
        return new MdaiSettings(python, workDir, diskThresholdBytes, startTimeout, packageMaxBytes, workerDevice, gpuDeviceId,
                envSettings, hostCuda);
    }

    public MdaiSettings withHostCuda(String cuda) {
        return new MdaiSettings(python, workDir, diskThresholdBytes, startTimeout, packageMaxBytes, workerDevice, gpuDeviceId, envs, cuda);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}

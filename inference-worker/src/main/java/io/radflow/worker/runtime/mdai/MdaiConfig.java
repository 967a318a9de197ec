package io.radflow.worker.runtime.mdai;

import io.radflow.common.cli.DevStackState;
import io.radflow.common.config.ConfigDefinition;
import io.radflow.common.config.ConfigKey;
import io.radflow.common.config.ConfigType;
import io.radflow.common.config.Validator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Configuration keys of the MD.ai Python package runtime. */
public final class MdaiConfig {

    private MdaiConfig() {
    }

    public static final ConfigKey<String> PYTHON = ConfigKey.of("worker.mdai.python", ConfigType.STRING, "/usr/bin/python3",
            Validator.nonBlank(), "Python interpreter that runs MD.ai packages (one long-lived process per loaded model version); "
                    + "it needs msgpack. A package whose requirements.txt it does not satisfy gets a virtual environment of its own made from it "
                    + "(see worker.mdai.env.dir).");

    public static final ConfigKey<Path> WORK_DIR = ConfigKey.of("worker.mdai.work.dir", ConfigType.PATH,
            DevStackState.home().resolve(".radflow").resolve("mdai"),
            "Where MD.ai packages are unpacked (one directory per model version) and DISK inputs are written while a request runs.");

    public static final ConfigKey<Long> DISK_THRESHOLD_BYTES = ConfigKey.of("worker.mdai.disk.threshold.bytes", ConfigType.LONG,
            64L << 20, Validator.atLeastLong(0), "Requests whose files add up to more than this go to the model on disk "
                    + "(input_data_source DISK, files with content_path) instead of in the message (MEMORY).");

    public static final ConfigKey<Duration> START_TIMEOUT = ConfigKey.of("worker.mdai.start.timeout", ConfigType.DURATION_TYPE,
            Duration.ofMinutes(2), Validator.positive(),
            "Longest a package may take to import mdai_deploy and construct MDAIModel; past it the start fails (RUNTIME_UNAVAILABLE, retriable).");

    public static final ConfigKey<Long> PACKAGE_MAX_BYTES = ConfigKey.of("worker.mdai.package.max.bytes", ConfigType.LONG,
            16L << 30, Validator.atLeastLong(1), "Largest unpacked size of an MD.ai package zip (guards against zip bombs).");

    public static final ConfigKey<Path> ENV_DIR = ConfigKey.of("worker.mdai.env.dir", ConfigType.PATH,
            DevStackState.home().resolve(".radflow").resolve("mdai-envs"),
            "Where the Python environments of MD.ai packages are built: one virtual environment per requirements.txt and interpreter "
                    + "(named by their hash), shared by the workers of a host and built by one of them at a time (a file lock).");

    public static final ConfigKey<String> PIP_INDEX_URL = ConfigKey.optional("worker.mdai.pip.index.url", ConfigType.STRING,
            "Package index pip installs requirements.txt from (pip's --index-url); unset: pip's default index (PyPI). "
                    + "Ignored when worker.mdai.pip.find.links is set. pip reads no pip.conf or PIP_* variable of the host.");

    public static final ConfigKey<String> PIP_FIND_LINKS = ConfigKey.optional("worker.mdai.pip.find.links", ConfigType.STRING,
            "A local wheelhouse (directory or URL of wheels) for sites without internet access: requirements.txt is installed from it "
                    + "alone (pip --no-index --find-links).");

    public static final ConfigKey<Duration> ENV_TIMEOUT = ConfigKey.of("worker.mdai.env.timeout", ConfigType.DURATION_TYPE,
            Duration.ofMinutes(30), Validator.positive(),
            "Longest the building of one package environment (virtual environment and pip install) may take; past it the build is "
                    + "stopped, removed, and the load fails (MODEL_LOAD_FAILED).");

    public static final ConfigKey<String> CUDA_VERSION = ConfigKey.optional("worker.mdai.cuda.version", ConfigType.STRING,
            "The CUDA version this host offers to GPU packages (config.yaml cuda_version must not be above it); unset: the driver's, "
                    + "as nvidia-smi reports it.");

    public static final ConfigDefinition DEFINITION = ConfigDefinition.of("mdai-runtime",
            List.of(PYTHON, WORK_DIR, DISK_THRESHOLD_BYTES, START_TIMEOUT, PACKAGE_MAX_BYTES, ENV_DIR, PIP_INDEX_URL,
            PIP_FIND_LINKS, ENV_TIMEOUT, CUDA_VERSION));
}

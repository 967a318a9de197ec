package io.radflow.worker.runtime.mdai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.common.io.Directories;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.InputType;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.worker.preprocess.DicomImages;
import io.radflow.worker.runtime.LoadedModel;
import io.radflow.worker.runtime.ModelKey;
import io.radflow.worker.runtime.ModelRuntime;
import io.radflow.worker.runtime.ModelSpec;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MD.ai-style Python model packages ({@code .mdai/config.yaml}, {@code .mdai/mdai_deploy.py}
 * with class {@code MDAIModel}, {@code requirements.txt}), each loaded version in its own
 * long-lived Python process ({@code worker.mdai.python}) speaking length-prefixed msgpack.
 *
 * <p>Layout under {@code worker.mdai.work.dir}: {@code packages/<model>-v<version>-<sha>/} holds
 * each version's unpacked package (the model's working directory); {@code data/<worker pid>/...}
 * holds DISK inputs while a request runs. Data directories of worker processes that are no longer
 * running are removed when the runtime starts, a model's own is emptied whenever its process
 * starts, and the runtime's own is removed when it closes.
 */
public final class MdaiRuntime implements ModelRuntime {

    private static final Logger log = LoggerFactory.getLogger(MdaiRuntime.class);
    /** The runner, a Python package shipped as resources beside this class and run with {@code python3 -m}. */
    static final String RUNNER = "radflow_mdai_runner";
    /** Its modules: what {@link #runnerDirectory()} copies out of the jar (a jar's directory cannot be listed). */
    static final List<String> RUNNER_MODULES = List.of("__init__.py", "__main__.py", "protocol.py", "config.py",
            "requirements.py", "outputs.py", "predict.py", "prepare.py");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MdaiSettings settings;
    private final PackageUnpacker unpacker;
    private final PythonEnvironments environments;
    /** The environment each loaded version runs in (absent: the interpreter itself). */
    private final Map<ModelKey, Path> environmentOf = new ConcurrentHashMap<>();
    private final Path dataRoot;
    private final ScheduledExecutorService watchdog;
    private final AtomicBoolean gpuFallbackReported = new AtomicBoolean();
    /** Runner processes this runtime started that may still run: whatever is left is killed when it closes. */
    private final Set<RunnerProcess> processes = ConcurrentHashMap.newKeySet();
    private Path runnerDirectory;

    private final DicomImages dicom;

    /** A runtime without a frame renderer: packages that take thumbnails are refused. */
    public MdaiRuntime(MdaiSettings settings) {
        this(settings, null);
    }

    /** @param dicom decodes frames for packages that take thumbnails (input type THUMBNAIL, config.yaml file_type thumbnail) */
    public MdaiRuntime(MdaiSettings settings, DicomImages dicom) {
        this.settings = settings;
        this.dicom = dicom;
        Path work = settings.workDir().toAbsolutePath().normalize();
        this.unpacker = new PackageUnpacker(work.resolve("packages"), settings.packageMaxBytes());
        this.environments = new PythonEnvironments(settings.envs());
        // One directory per runtime: several workers may share a JVM (tests) or a machine.
        this.dataRoot = work.resolve("data").resolve(Long.toString(ProcessHandle.current().pid()))
                .resolve(java.util.UUID.randomUUID().toString().substring(0, 8));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mdai-watchdog");
            t.setDaemon(true);
            return t;
        });
        removeDataOfStoppedWorkers(work.resolve("data"));
    }

    @Override
    public RuntimeKind kind() {
        return RuntimeKind.MDAI_PYTHON;
    }

    @Override
    public LoadedModel load(ModelSpec spec) {
        if (spec.artifactFile() == null) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "MD.ai version " + spec.key() + " has no package artifact");
        }
        String sha = spec.artifactSha256() == null ? "nosha" : spec.artifactSha256();
        String name = safe(spec.key().modelId()) + "-v" + spec.key().version() + "-" + sha.substring(0, Math.min(12, sha.length()));
        MdaiPackage pkg = unpacker.unpack(spec.artifactFile(), name, spec.artifactSha256());
        // One data directory per loaded instance: a reload of the same version may overlap the old
        // instance's last calls, and each empties its own directory at start and at close.
        Path dataDir = dataRoot.resolve(name + "-" + UUID.randomUUID().toString().substring(0, 8));
        String gpu = settings.workerDevice() == Device.GPU ? Integer.toString(settings.gpuDeviceId()) : "none";
        Map<String, String> env = new HashMap<>();
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONPATH", pythonPath(runnerDirectory(), System.getenv("PYTHONPATH")));
        String python = python(spec, pkg, env);
        List<String> command = runnerCommand(python, pkg.root(), dataDir, gpu);
        java.util.function.Supplier<RunnerProcess.Started> starter = () -> {
            Directories.delete(dataDir);
            try {
                Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new RadflowException(Reason.RUNTIME_UNAVAILABLE, "cannot create " + dataDir + ": " + e.getMessage(), e);
            }
            RunnerProcess.Started s = RunnerProcess.start(spec.key(), command, pkg.root(), env, settings.startTimeout(), watchdog);
            processes.removeIf(p -> !p.alive());
            processes.add(s.process());
            return s;
        };
        RunnerProcess.Started started;
        try {
            started = starter.get();
        } catch (RuntimeException e) {
            Directories.deleteQuietly(dataDir); // a package that cannot start is tried again: leave nothing per try
            throw e;
        }
        MdaiModel model;
        try {
            model = new MdaiModel(spec, started, starter, dataDir, settings.diskThresholdBytes(), thumbnails(spec, started.hello()));
        } catch (RuntimeException e) {
            started.process().close();
            Directories.deleteQuietly(dataDir);
            throw e;
        }
        reportDevice(spec, started.hello());
        log.info("MD.ai package loaded model={} version={} pid={} python={} predictBatch={} device={} callSize={} input={} root={}",
                spec.key().modelId(), spec.key().version(), started.process().pid(), started.hello().get("executable"),
                model.hasPredictBatch(), model.device(), model.callSize(), model.takesThumbnails() ? "thumbnail" : "dicom", pkg.root());
        return model;
    }

    /**
     * Checks config.yaml's base_image and cuda_version against this host, then gives the
     * interpreter the package runs on: {@code worker.mdai.python} itself when it has everything
     * requirements.txt names (or there is none), else the package's own environment, built first
     * when this host has none yet.
     */
    private String python(ModelSpec spec, MdaiPackage pkg, Map<String, String> env) {
        JsonNode prepared = prepare(spec, pkg, env);
        List<String> files = new ArrayList<>();
        prepared.path("requirements").forEach(f -> files.add(f.asText()));
        if (prepared.path("missing").isEmpty()) {
            environmentOf.remove(spec.key());
            return settings.python();
        }
        String interpreter = prepared.path("executable").asText() + "\0" + prepared.path("version").asText();
        Path envPython = environments.ensure(settings.python(), interpreter, pkg.root(), files);
        environmentOf.put(spec.key(), envPython.getParent().getParent());
        return envPython.toString();
    }

    private JsonNode prepare(ModelSpec spec, MdaiPackage pkg, Map<String, String> env) {
        String hostCuda = settings.hostCuda() == null ? "detect" : settings.hostCuda();
        ProcessBuilder pb = new ProcessBuilder(settings.python(), "-m", RUNNER + ".prepare", pkg.root().toString(),
                settings.workerDevice() == Device.GPU ? "gpu" : "cpu", hostCuda).directory(pkg.root().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        String out;
        Path output = null;
        try {
            // Output to a file: no reader threads, and a hung check cannot block on a full pipe.
            output = Files.createTempFile(settings.workDir().toAbsolutePath(), "prepare-", ".out");
            Process p = pb.redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!p.waitFor(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new RadflowException(Reason.RUNTIME_UNAVAILABLE, "checking the MD.ai package of " + spec.key()
                        + " took longer than worker.mdai.start.timeout");
            }
            out = Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RadflowException(Reason.RUNTIME_UNAVAILABLE, "cannot run worker.mdai.python (" + settings.python() + "): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RadflowException(Reason.RUNTIME_UNAVAILABLE, "interrupted while checking the MD.ai package of " + spec.key(), e);
        } finally {
            if (output != null) {
                Directories.deleteQuietly(output);
            }
        }
        JsonNode result;
        try {
            result = JSON.readTree(out.strip().isEmpty() ? "null" : out.strip().lines().reduce((a, b) -> b).orElse(""));
        } catch (IOException e) {
            result = null;
        }
        if (result == null || !result.isObject()) {
            throw new RadflowException(Reason.RUNTIME_UNAVAILABLE, "worker.mdai.python (" + settings.python()
                    + ") could not check the MD.ai package of " + spec.key() + ": " + out.strip());
        }
        if (result.hasNonNull("error")) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "the MD.ai package of " + spec.key() + " cannot run on this host: "
                    + result.get("error").asText());
        }
        return result;
    }

    /** The virtual environment the version's package runs in; empty when it runs on {@code worker.mdai.python} itself. */
    public Optional<Path> environment(ModelKey key) {
        return Optional.ofNullable(environmentOf.get(key));
    }

    /**
     * Removes the environment the version's package ran in, as {@code mdai.delete_env} does; the
     * next load builds it again. Close the model first. False when it had none.
     */
    public boolean deleteEnvironment(ModelKey key) {
        Path env = environmentOf.remove(key);
        return env != null && environments.delete(env);
    }

    /**
     * The frame renderer when the package takes thumbnails: the version's input type is THUMBNAIL or
     * config.yaml says {@code file_type: thumbnail}; null when it takes the DICOM files.
     */
    private MdaiThumbnails thumbnails(ModelSpec spec, Map<String, Object> hello) {
        Object fileType = hello.get("file_type");
        boolean thumbnail = "thumbnail".equals(fileType) || spec.inputType() == InputType.THUMBNAIL;
        if (!thumbnail && !"dicom".equals(fileType)) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "the MD.ai package of " + spec.key() + " takes file_type "
                    + fileType + " (config.yaml); Radflow sends dicom or thumbnail");
        }
        if (thumbnail && dicom == null) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "the MD.ai package of " + spec.key()
                    + " takes thumbnails, but this runtime has no frame renderer");
        }
        return thumbnail ? new MdaiThumbnails(dicom) : null;
    }

    private void reportDevice(ModelSpec spec, Map<String, Object> hello) {
        boolean wantsGpu = "gpu".equals(hello.get("requested_device_type")) || spec.device() == Device.GPU;
        if (wantsGpu && settings.workerDevice() != Device.GPU && gpuFallbackReported.compareAndSet(false, true)) {
            log.warn("an MD.ai package asks for a GPU (config.yaml device_type or the version's device) but this worker runs "
                    + "on the CPU (worker.device=cpu); it runs without a visible GPU model={} version={}", spec.key().modelId(),
                    spec.key().version());
        }
    }

    /** The command that starts the runner for one package; its directory must be on PYTHONPATH ({@link #pythonPath}). */
    static List<String> runnerCommand(String python, Path packageRoot, Path dataDir, String gpu) {
        return List.of(python, "-m", RUNNER, packageRoot.toString(), dataDir.toString(), gpu);
    }

    /** PYTHONPATH with the runner's directory first, keeping what the worker's own environment had. */
    static String pythonPath(Path runnerDirectory, String inherited) {
        return inherited == null || inherited.isEmpty() ? runnerDirectory.toString()
                : runnerDirectory + java.io.File.pathSeparator + inherited;
    }

    /** The directory holding the runner package, copied out of the jar once per runtime. */
    private synchronized Path runnerDirectory() {
        if (runnerDirectory == null || !Files.isRegularFile(runnerDirectory.resolve(RUNNER).resolve("__main__.py"))) {
            runnerDirectory = extractRunner(settings.workDir().toAbsolutePath().resolve("runner"));
        }
        return runnerDirectory;
    }

    /**
     * Copies the runner package into {@code parent/<hash of its files>/} and returns that directory.
     * The copy is written to a fresh directory and renamed into place, so a runner that is starting
     * never sees a half-written package; runtimes sharing the work directory share one copy per
     * runner version, and never write over a copy in use.
     */
    static Path extractRunner(Path parent) {
        Map<String, byte[]> modules = new java.util.LinkedHashMap<>();
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (String module : RUNNER_MODULES) {
            try (InputStream in = MdaiRuntime.class.getResourceAsStream(RUNNER + "/" + module)) {
                if (in == null) {
                    throw new IllegalStateException(RUNNER + "/" + module + " is missing from the worker's classpath");
                }
                byte[] bytes = in.readAllBytes();
                modules.put(module, bytes);
                sha.update(module.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path target = parent.resolve(java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 12));
        if (complete(target)) {
            return target;
        }
        Path tmp = null;
        try {
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, ".tmp-");
            Path pkg = Files.createDirectory(tmp.resolve(RUNNER));
            for (Map.Entry<String, byte[]> m : modules.entrySet()) {
                Files.write(pkg.resolve(m.getKey()), m.getValue());
            }
            if (Files.exists(target)) {
                Directories.delete(target); // an incomplete copy (someone removed files): replace it
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException | UncheckedIOException e) {
            if (tmp != null) {
                Directories.deleteQuietly(tmp);
            }
            if (complete(target)) {
                return target; // another runtime moved the same copy into place first
            }
            throw new RadflowException(Reason.RUNTIME_UNAVAILABLE, "cannot write the MD.ai runner package under "
                    + parent + ": " + e.getMessage(), e);
        }
    }

    private static boolean complete(Path runnerDirectory) {
        return RUNNER_MODULES.stream().allMatch(m -> Files.isRegularFile(runnerDirectory.resolve(RUNNER).resolve(m)));
    }

    private static void removeDataOfStoppedWorkers(Path dataDir) {
        if (!Files.isDirectory(dataDir)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(dataDir)) {
            for (Path d : dirs.toList()) {
                String name = d.getFileName().toString();
                boolean running = name.matches("\\d+") && ProcessHandle.of(Long.parseLong(name)).map(ProcessHandle::isAlive).orElse(false);
                if (!running) {
                    Directories.delete(d);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("cannot clean MD.ai data directory dir={} error={}", dataDir, e.toString());
        }
    }

    static String safe(String s) {
        String cleaned = s.replaceAll("[^A-Za-z0-9._-]", "_");
        return cleaned.length() > 80 ? cleaned.substring(0, 80) : cleaned;
    }

    @Override
    public boolean healthy() {
        return true;
    }

    @Override
    public void close() {
        // The worker closes its runtimes after giving running calls 30 s; a call past that (a model
        // timeout may be minutes) would keep its Python process, and any GPU memory it holds, alive
        // after the worker, since shutting the watchdog down cancels the kill it had scheduled.
        for (RunnerProcess p : processes) {
            if (p.alive()) {
                log.warn("python runner still running as the runtime closes, killing it model={} version={} pid={}",
                        p.modelKey().modelId(), p.modelKey().version(), p.pid());
                p.destroy();
            }
        }
        processes.clear();
        watchdog.shutdownNow();
        try {
            Directories.delete(dataRoot);
        } catch (UncheckedIOException e) {
            log.warn("cannot remove MD.ai data directory dir={} error={}", dataRoot, e.toString());
        }
    }
}

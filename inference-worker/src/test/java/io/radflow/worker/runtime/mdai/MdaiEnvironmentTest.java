package io.radflow.worker.runtime.mdai;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.Device;
import io.radflow.worker.runtime.ItemResult;
import io.radflow.worker.runtime.LoadedModel;
import io.radflow.worker.runtime.ModelOutput;
import io.radflow.worker.runtime.ModelRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Package environments with real Python and pip, offline: a wheelhouse is built here from two
 * versions of a tiny pure-Python library, and packages that need different versions of it run
 * side by side on one runtime, each in its own virtual environment.
 */
class MdaiEnvironmentTest {

    private static final String PYTHON = "/usr/bin/python3";
    static final Path CT = MdaiRuntimeTest.DICOM.resolve("CT_small.dcm");

    @TempDir
    static Path shared;
    static Path wheelhouse;

    @TempDir
    Path dir;

    private final List<MdaiRuntime> runtimes = new ArrayList<>();
    private final List<LoadedModel> loaded = new ArrayList<>();

    /** {@code radflow-tinylib} 1.0 and 2.0 as wheels, made with pip from sources written here. */
    @BeforeAll
    static void buildWheelhouse() throws Exception {
        wheelhouse = Files.createDirectories(shared.resolve("wheelhouse"));
        for (String version : List.of("1.0", "2.0")) {
            wheelhouse(shared, wheelhouse, version);
        }
        try (Stream<Path> wheels = Files.list(wheelhouse)) {
            assertThat(wheels.map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrder("radflow_tinylib-1.0-py3-none-any.whl", "radflow_tinylib-2.0-py3-none-any.whl");
        }
    }

    static void wheelhouse(Path work, Path wheelhouse, String version) throws Exception {
        Path src = Files.createDirectories(work.resolve("src-" + version).resolve("radflow_tinylib"));
        Files.writeString(src.resolve("__init__.py"), "VERSION = \"" + version + "\"\n");
        Files.writeString(src.getParent().resolve("setup.py"), "from setuptools import setup\n"
                + "setup(name='radflow-tinylib', version='" + version + "', packages=['radflow_tinylib'])\n");
        ProcessBuilder pb = new ProcessBuilder(PYTHON, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                "--disable-pip-version-check", "-w", wheelhouse.toString(), src.getParent().toString()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PIP_"));
        pb.environment().put("PIP_CONFIG_FILE", "/dev/null");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @AfterEach
    void stop() {
        loaded.forEach(LoadedModel::close);
        runtimes.forEach(MdaiRuntime::close);
    }

    private MdaiRuntime runtime(Duration envTimeout, String hostCuda, Device device) {
        MdaiSettings settings = new MdaiSettings(PYTHON, dir.resolve("work"), 64L << 20, Duration.ofSeconds(60), 1L << 30, device, 0)
                .withEnvs(new MdaiSettings.EnvSettings(dir.resolve("envs"), null, wheelhouse.toString(), envTimeout))
                .withHostCuda(hostCuda);
        MdaiRuntime runtime = new MdaiRuntime(settings);
        runtimes.add(runtime);
        return runtime;
    }

    private MdaiRuntime runtime() {
        return runtime(Duration.ofMinutes(3), null, Device.CPU);
    }

    /**
     * A package whose model answers with the version of radflow-tinylib it imported and the name
     * of a helper module kept in a sub-folder ({@code lib/helpers/}), importable because every
     * folder of a package is on sys.path.
     */
    static Path tinyPackage(Path dir, String name, String requirements, String config) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(".mdai/config.yaml", config);
        files.put(".mdai/mdai_deploy.py", """
                from io import BytesIO
                import pydicom
                import radflow_tinylib
                import helper_module

                class MDAIModel:
                    def __init__(self):
                        pass

                    def predict(self, data):
                        ds = pydicom.dcmread(BytesIO(data["files"][0]["content"]), stop_before_pixels=True)
                        return [{"type": "ANNOTATION", "study_uid": ds.StudyInstanceUID, "series_uid": ds.SeriesInstanceUID,
                                 "instance_uid": ds.SOPInstanceUID, "class_index": 0, "probability": 1.0,
                                 "note": "tinylib=%s helper=%s" % (radflow_tinylib.VERSION, helper_module.NAME)}]
                """);
        files.put("lib/helpers/helper_module.py", "NAME = 'found'\n");
        if (requirements != null) {
            files.put("requirements.txt", requirements);
        }
        Path zip = dir.resolve(name + ".zip");
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : files.entrySet()) {
                z.putNextEntry(new ZipEntry(name + "/" + e.getKey()));
                z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return zip;
    }

    private LoadedModel load(MdaiRuntime runtime, Path zip) throws IOException {
        LoadedModel m = runtime.load(MdaiRuntimeTest.spec(zip, TestPackages.faultyLabels(), 1));
        loaded.add(m);
        return m;
    }

    private static String note(LoadedModel model) throws IOException {
        ModelRequest request = MdaiRuntimeTest.request(TestPackages.faultyLabels(), Map.of(), CT);
        ItemResult r = model.run(List.of(request), Duration.ofSeconds(60)).get(0);
        assertThat(r).isInstanceOf(ItemResult.Success.class);
        List<ModelOutput> outputs = ((ItemResult.Success) r).outputs();
        return outputs.get(0).note();
    }

    private RadflowException loadFailure(MdaiRuntime runtime, Path zip) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> load(runtime, zip));
        assertThat(t).isInstanceOf(RadflowException.class);
        return (RadflowException) t;
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void shouldRunTwoPackagesThatNeedDifferentVersionsOfALibrarySideBySide() throws Exception {
        MdaiRuntime runtime = runtime();
        LoadedModel one = load(runtime, tinyPackage(dir, "needs-one", "radflow-tinylib==1.0\npydicom\n", "base_image: py311\n"));
        LoadedModel two = load(runtime, tinyPackage(dir, "needs-two", "radflow-tinylib>=2,<3\n", "device_type: cpu\n"));

        assertThat(note(one)).isEqualTo("tinylib=1.0 helper=found");
        assertThat(note(two)).isEqualTo("tinylib=2.0 helper=found");
        assertThat(note(one)).as("still its own after the other ran").isEqualTo("tinylib=1.0 helper=found");
        Path envOne = runtime.environment(one.spec().key()).orElseThrow();
        Path envTwo = runtime.environment(two.spec().key()).orElseThrow();
        assertThat(envOne).isNotEqualTo(envTwo).startsWith(dir.resolve("envs"));
        assertThat(envOne.resolve(PythonEnvironments.COMPLETE)).exists();
        // The host's own library is not touched.
        Process p = new ProcessBuilder(PYTHON, "-c", "import radflow_tinylib").start();
        assertThat(p.waitFor()).isNotZero();
    }

    @Test
    void shouldBuildAnEnvironmentOnceAndShareItBetweenWorkersOfTheHost() throws Exception {
        MdaiRuntime a = runtime();
        MdaiRuntime b = runtime();
        Path zipA = tinyPackage(dir, "same-a", "radflow-tinylib==2.0\n", "");
        Path zipB = tinyPackage(dir, "same-b", "radflow-tinylib==2.0\n", "");
        // Two workers load packages with the same requirements at once: one builds, the other waits and reuses.
        CompletableFuture<LoadedModel> fa = CompletableFuture.supplyAsync(() -> loadUnchecked(a, zipA));
        CompletableFuture<LoadedModel> fb = CompletableFuture.supplyAsync(() -> loadUnchecked(b, zipB));
        LoadedModel ma = fa.get(3, TimeUnit.MINUTES);
        LoadedModel mb = fb.get(3, TimeUnit.MINUTES);
        assertThat(a.environment(ma.spec().key())).isEqualTo(b.environment(mb.spec().key())).isPresent();
        Path env = a.environment(ma.spec().key()).orElseThrow();
        long builtAt = Files.getLastModifiedTime(env.resolve(PythonEnvironments.COMPLETE)).toMillis();
        assertThat(note(ma)).isEqualTo("tinylib=2.0 helper=found");
        assertThat(note(mb)).isEqualTo("tinylib=2.0 helper=found");

        LoadedModel again = load(runtime(), tinyPackage(dir, "same-c", "radflow-tinylib==2.0\n", ""));
        assertThat(note(again)).isEqualTo("tinylib=2.0 helper=found");
        assertThat(Files.getLastModifiedTime(env.resolve(PythonEnvironments.COMPLETE)).toMillis()).as("not built again")
                .isEqualTo(builtAt);
        try (Stream<Path> envs = Files.list(dir.resolve("envs"))) {
            assertThat(envs.filter(Files::isDirectory).count()).isEqualTo(1);
        }
    }

    @Test
    void shouldWaitForAnotherProcessOfTheHostBuildingTheSameEnvironment() throws Exception {
        MdaiSettings.EnvSettings envSettings = new MdaiSettings.EnvSettings(dir.resolve("envs"), null, wheelhouse.toString(),
                Duration.ofMinutes(3));
        PythonEnvironments environments = new PythonEnvironments(envSettings);
        Path root = Files.createDirectories(dir.resolve("pkg"));
        Files.writeString(root.resolve("requirements.txt"), "radflow-tinylib==2.0\n");
        Path env = environments.directory("interpreter", root, List.of("requirements.txt"));
        Files.createDirectories(env.getParent());
        // Another worker process (Python here) holds the host's lock while it builds the environment.
        String other = """
                import fcntl, os, sys, time
                env = sys.argv[1]
                with open(env + ".lock", "w") as lock:
                    fcntl.lockf(lock, fcntl.LOCK_EX)
                    print("locked", flush=True)
                    time.sleep(2)
                    os.makedirs(os.path.join(env, "bin"))
                    os.symlink("/usr/bin/python3", os.path.join(env, "bin", "python"))
                    open(os.path.join(env, ".radflow-env-complete"), "w").close()
                """;
        Process p = new ProcessBuilder(PYTHON, "-c", other, env.toString()).redirectErrorStream(true).start();
        java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).isEqualTo("locked");

        long t0 = System.nanoTime();
        Path python = environments.ensure(PYTHON, "interpreter", root, List.of("requirements.txt"));
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;

        assertThat(python).isEqualTo(env.resolve("bin").resolve("python"));
        assertThat(waitedMs).as("waited for the other process's build").isGreaterThan(1000);
        assertThat(dir.resolve("envs").resolve(env.getFileName() + ".log")).as("and did not build it again").doesNotExist();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    private LoadedModel loadUnchecked(MdaiRuntime runtime, Path zip) {
        try {
            return load(runtime, zip);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shouldRunAPackageWhoseRequirementsTheInterpreterHasOnTheInterpreterItself() throws Exception {
        MdaiRuntime runtime = runtime();
        LoadedModel plain = load(runtime, TestPackages.zip("faulty", dir, Map.of())); // requirements: pydicom, numpy (Debian's)
        assertThat(runtime.environment(plain.spec().key())).isEmpty();
        assertThat(Files.exists(dir.resolve("envs"))).isFalse();
    }

    @Test
    void shouldFailTheLoadNamingARequirementPipCannotInstall() throws Exception {
        RadflowException e = loadFailure(runtime(), tinyPackage(dir, "bad", "radflow-tinylib==1.0\nradflow-tinylib-extras>=3\n", ""));
        assertThat(e.reason()).isEqualTo(Reason.MODEL_LOAD_FAILED);
        assertThat(e.getMessage()).contains("cannot install requirement 'radflow-tinylib-extras>=3' of requirements.txt",
                "wheelhouse " + wheelhouse, "No matching distribution found");
        try (Stream<Path> envs = Files.list(dir.resolve("envs"))) {
            assertThat(envs.filter(Files::isDirectory).toList()).as("a failed build leaves no environment").isEmpty();
        }
    }

    @Test
    void shouldFailTheLoadWhenTheInstallTakesLongerThanItsTimeout() throws Exception {
        RadflowException e = loadFailure(runtime(Duration.ofMillis(30), null, Device.CPU),
                tinyPackage(dir, "slow", "radflow-tinylib==1.0\n", ""));
        assertThat(e.reason()).isEqualTo(Reason.MODEL_LOAD_FAILED);
        assertThat(e.getMessage()).contains("took longer than worker.mdai.env.timeout (30 ms");
        try (Stream<Path> envs = Files.list(dir.resolve("envs"))) {
            assertThat(envs.filter(Files::isDirectory).toList()).isEmpty();
        }
        // A later load with time enough builds it.
        assertThat(note(load(runtime(), tinyPackage(dir, "slow-again", "radflow-tinylib==1.0\n", ""))))
                .isEqualTo("tinylib=1.0 helper=found");
    }

    @Test
    void shouldRefuseABaseImageForAnotherPython() throws Exception {
        RadflowException e = loadFailure(runtime(), tinyPackage(dir, "py38", "radflow-tinylib==1.0\n", "base_image: py38\n"));
        assertThat(e.reason()).isEqualTo(Reason.MODEL_LOAD_FAILED);
        assertThat(e.getMessage()).contains("cannot run on this host", "base_image py38 asks for Python 3.8",
                "worker.mdai.python (", "is Python 3.");
        assertThat(Files.exists(dir.resolve("envs"))).as("refused before anything is built").isFalse();
        RadflowException unknown = loadFailure(runtime(), tinyPackage(dir, "conda", null, "base_image: ubuntu-conda\n"));
        assertThat(unknown.getMessage()).contains("base_image 'ubuntu-conda' is not one Radflow knows");
    }

    @Test
    void shouldRefuseACudaVersionAboveWhatTheHostOffers() throws Exception {
        String gpuConfig = "device_type: gpu\ncuda_version: 12.4\n";
        RadflowException e = loadFailure(runtime(Duration.ofMinutes(3), "11.8", Device.GPU),
                tinyPackage(dir, "cuda12", "radflow-tinylib==1.0\n", gpuConfig));
        assertThat(e.reason()).isEqualTo(Reason.MODEL_LOAD_FAILED);
        assertThat(e.getMessage()).contains("cuda_version 12.4 asks for CUDA 12.4, but this host offers CUDA 11.8 at most");

        RadflowException none = loadFailure(runtime(Duration.ofMinutes(3), "none", Device.GPU),
                tinyPackage(dir, "cuda-none", null, gpuConfig));
        assertThat(none.getMessage()).contains("asks for CUDA 12.4, but this host offers no CUDA");

        RadflowException bad = loadFailure(runtime(), tinyPackage(dir, "cuda-bad", null, "cuda_version: latest\n"));
        assertThat(bad.getMessage()).contains("cuda_version 'latest' is not a CUDA version");
    }

    @Test
    void shouldRunAGpuPackageWhoseCudaTheHostOffers() throws Exception {
        // On a CPU worker a GPU package runs on the CPU as before; on a GPU host with CUDA 12.4 it loads.
        String gpuConfig = "device_type: gpu\ncuda_version: '12.1'\n";
        assertThat(note(load(runtime(Duration.ofMinutes(3), "12.4", Device.GPU), tinyPackage(dir, "cuda-ok",
                "radflow-tinylib==1.0\n", gpuConfig)))).isEqualTo("tinylib=1.0 helper=found");
        assertThat(note(load(runtime(), tinyPackage(dir, "cuda-cpu", "radflow-tinylib==1.0\n", gpuConfig))))
                .isEqualTo("tinylib=1.0 helper=found");
    }

    @Test
    void shouldDeleteTheEnvironmentOnRequest() throws Exception {
        MdaiRuntime runtime = runtime();
        LoadedModel m = load(runtime, tinyPackage(dir, "delete-me", "radflow-tinylib==1.0\n", ""));
        Path env = runtime.environment(m.spec().key()).orElseThrow();
        m.close();
        assertThat(runtime.deleteEnvironment(m.spec().key())).isTrue();
        assertThat(env).doesNotExist();
        assertThat(runtime.deleteEnvironment(m.spec().key())).isFalse();
    }
}

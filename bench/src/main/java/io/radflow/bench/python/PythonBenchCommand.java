package io.radflow.bench.python;

import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.config.RadflowConfig;
import io.radflow.content.StorageConfig;
import io.radflow.devstack.DevStack;
import io.radflow.worker.WorkerConfig;
import io.radflow.worker.runtime.mdai.MdaiConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./radflow bench python}: an MD.ai package's throughput through the worker beside a plain
 * Python loop calling the same {@code MDAIModel.predict} over the same files, and the ratio.
 */
@Command(name = "python", mixinStandardHelpOptions = true,
        description = {"Jobs/s of an MD.ai Python package through a real inference worker (Kafka, content store, the package's "
                + "Python process, validation, exactly-once publishing) beside a plain Python loop calling the same "
                + "MDAIModel.predict over the same files in memory, in the same run, and the ratio (target >= 0.9).",
            "Starts its own embedded Kafka and schema registry unless --bootstrap-servers / --schema-registry-url are given."})
public final class PythonBenchCommand implements Callable<Integer> {

    private static final Path PYDICOM_FILES = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
    private static final List<String> DEFAULT_FILES = List.of("CT_small.dcm", "MR_small.dcm", "MR_small_implicit.dcm",
            "MR_small_bigendian.dcm");

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--jobs", defaultValue = "200", description = "Jobs per measurement (default ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--rounds", defaultValue = "3", description = "Measurements of each side, alternating; each side's best counts, as "
            + "the one least disturbed by other processes (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--batch-size", defaultValue = "1", description = "The version's max batch size (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--threads", defaultValue = "2", description = "Worker executor threads (key worker.threads; default ${DEFAULT-VALUE}: "
            + "one prepares the next batch while the model runs).")
    int threads;

    @Option(names = "--files", paramLabel = "DIR", description = "Folder of DICOM files to use (default: four of pydicom's test files).")
    Path filesDir;

    @Override
    public Integer call() throws Exception {
        if (jobs < 1 || batchSize < 1 || rounds < 1 || threads < 1) {
            throw new ParameterException(spec.commandLine(), "--jobs, --batch-size, --rounds and --threads must be positive");
        }
        List<Path> files = files();
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("radflow-bench-python");
        DevStack stack = null;
        try {
            if (!connection.connectionGiven(System.getenv())) {
                out.println("Starting an embedded Kafka and schema registry...");
                out.flush();
                stack = DevStack.start(DevStack.Options.defaults());
                connection.useDevStack(stack.bootstrapServers(), stack.schemaRegistryUrl());
            }
            String run = UUID.randomUUID().toString().substring(0, 8);
            connection.set(StorageConfig.CONTENT_STORE_DIR.name(), work.resolve("content").toString());
            connection.set(StorageConfig.ARTIFACT_STORE_DIR.name(), work.resolve("artifacts").toString());
            connection.set(MdaiConfig.WORK_DIR.name(), work.resolve("mdai").toString());
            connection.set(WorkerConfig.GROUP_ID.name(), "radflow-bench-python-" + run);
            connection.set(WorkerConfig.WORKER_ID.name(), "bench-python-" + run);
            connection.set("metrics.port", "-1");
            connection.set(WorkerConfig.THREADS.name(), Integer.toString(threads));
            RadflowConfig config = connection.load(WorkerConfig.FULL);
            PythonBench.Result r = PythonBench.run(config, new PythonBench.Options(jobs, batchSize, rounds, files, work.resolve("bench")),
                    step -> {
                        out.println("  " + step);
                        out.flush();
                    });
            out.printf("MD.ai package (numpy CNN, pydicom), %d jobs per measurement over %d files, batch size %d, %d worker threads:%n",
                    r.jobs(), r.files(), r.batchSize(), threads);
            out.println("  round  plain loop jobs/s  worker jobs/s  ratio   CPU ms/job: package in loop / in worker, worker threads, rest of JVM");
            int i = 1;
            for (PythonBench.Round x : r.rounds()) {
                out.printf("  %5d  %17.1f  %13.1f  %5.2f   %.1f / %.1f, %.1f, %.1f%n", i++, x.loopJobsPerSecond(), x.workerJobsPerSecond(),
                        x.ratio(), 1000 * x.loopCpuPerJob(), 1000 * x.runnerCpuPerJob(), 1000 * x.workerCpuPerJob(),
                        1000 * (x.jvmCpuPerJob() - x.workerCpuPerJob()));
            }
            out.printf("  best round of each side: through the worker %.1f jobs/s, plain Python loop %.1f jobs/s, ratio %.2f "
                    + "(target >= 0.9); median of the rounds' ratios %.2f%n", r.bestWorkerJobsPerSecond(), r.bestLoopJobsPerSecond(),
                    r.ratio(), r.medianRoundRatio());
            out.println("  (rest of JVM: the embedded broker, the benchmark's own clients, JIT and GC; it shares this machine's cores"
                    + " with the model)");
            out.flush();
            return 0;
        } finally {
            if (stack != null) {
                stack.close();
            }
            delete(work);
        }
    }

    private List<Path> files() throws IOException {
        if (filesDir == null) {
            List<Path> out = new ArrayList<>();
            for (String f : DEFAULT_FILES) {
                if (Files.isRegularFile(PYDICOM_FILES.resolve(f))) {
                    out.add(PYDICOM_FILES.resolve(f));
                }
            }
            if (out.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "no DICOM files: install python3-pydicom (for its test files) or pass --files DIR");
            }
            return out;
        }
        try (Stream<Path> s = Files.list(filesDir)) {
            List<Path> out = s.filter(Files::isRegularFile).sorted().toList();
            if (out.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "no files in " + filesDir);
            }
            return out;
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}

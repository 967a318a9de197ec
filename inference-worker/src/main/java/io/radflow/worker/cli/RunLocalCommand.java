package io.radflow.worker.cli;

import io.radflow.common.cli.CommandErrors;
import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.error.RadflowException;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.worker.WorkerConfig;
import io.radflow.worker.WorkerSettings;
import io.radflow.worker.local.LocalRun;
import io.radflow.worker.local.LocalRunException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./radflow run-local EXPORT.zip DATA_PATH}: an exported model version over local DICOM
 * files, as {@code mdai.run_inference} does, with no Kafka and no registry ({@link LocalRun}).
 * Exit codes: 0 every request succeeded; 1 the model could not load, or some requests failed
 * (listed); 2 input that cannot be used (not an export, no such version, no DICOM image).
 */
@Command(name = "run-local", mixinStandardHelpOptions = true,
        description = {"Run a version of an exported model (./radflow registry's GET /ml-models/{name}/export zip: ONNX, "
                + "MD.ai package or HTTP endpoint) over the DICOM files under DATA_PATH, without Kafka or a registry, as "
                + "mdai.run_inference does.",
            "Files are grouped by the version's scope (one request per instance, series or study) and run through the worker's "
                    + "own runtime; outputs are validated as the worker does. Writes a CSV row per output (type, study, series "
                    + "and instance UID, frame, class index, label id and name, probability, data as JSON, note) and the same "
                    + "rows as JSON lines beside it (.jsonl), and prints a summary.",
            "worker.* keys (./radflow config) apply, e.g. --set worker.mdai.pip.find.links=/wheels for MD.ai packages offline."})
public final class RunLocalCommand implements Callable<Integer> {

    static final int EXIT_BAD_INPUT = CommandErrors.EXIT_BAD_CONFIG;
    private static final int BAR = 30;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions options;

    @Parameters(index = "0", paramLabel = "EXPORT.zip", description = "A model export (manifest.json + versions/<n>/<artifact>).")
    Path export;

    @Parameters(index = "1", paramLabel = "DATA_PATH", description = "A DICOM file, or a folder searched for DICOM files.")
    Path data;

    @Option(names = "--version", paramLabel = "N",
            description = "Version to run (default: the model's active version when it was exported, else the highest).")
    Integer version;

    @Option(names = "--output", paramLabel = "FILE.csv", defaultValue = "predictions.csv",
            description = "CSV to write (default: ${DEFAULT-VALUE}); the JSON lines go to the same name with .jsonl.")
    Path output;

    @Option(names = "--device", paramLabel = "cpu|gpu",
            description = "cpu, or gpu for ONNX Runtime's CUDA provider and GPU MD.ai packages (key worker.device).")
    String device;

    @Option(names = "--delete-env", description = "Remove the Python environment an MD.ai package ran in afterwards "
            + "(as mdai.delete_env does); the next run builds it again.")
    boolean deleteEnv;

    @Override
    public Integer call() throws Exception {
        // The worker's keys come with the common ones, which name Kafka and a schema registry: a local
        // run uses neither, so they need not be set.
        options.defaultTo(CommonConfig.KAFKA_BOOTSTRAP_SERVERS.name(), "unused-by-run-local:9092");
        options.defaultTo(CommonConfig.SCHEMA_REGISTRY_URL.name(), "http://unused-by-run-local");
        options.setIfGiven(WorkerConfig.DEVICE.name(), device);
        RadflowConfig config = options.load(WorkerConfig.FULL);
        WorkerSettings settings = WorkerSettings.from(config, "run-local");
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path jsonl = jsonLines(output);
        LocalRun.Summary summary;
        try {
            summary = LocalRun.run(new LocalRun.Options(export, data, version, output, jsonl, deleteEnv), settings, new Bar(err));
        } catch (LocalRunException e) {
            return fail(e.getMessage(), EXIT_BAD_INPUT);
        } catch (RadflowException e) {
            return fail(e.reason() + ": " + e.getMessage(), 1);
        }
        out.printf(Locale.ROOT, "Model %s version %d (%s, %s): %d request(s) over %d DICOM image(s), %d file(s) skipped, in %.1f s%n",
                summary.model(), summary.version(), summary.runtime().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                summary.device().name().toLowerCase(Locale.ROOT), summary.groups(), summary.files(), summary.skipped(),
                summary.elapsed().toMillis() / 1000.0);
        out.printf(Locale.ROOT, "  succeeded %d, failed %d, outputs %d%n", summary.succeeded(), summary.failures().size(),
                summary.outputs());
        out.printf("  predictions: %s and %s%n", summary.csv(), summary.jsonl());
        summary.environment().ifPresent(env -> out.printf("  Python environment: %s%s%n", env,
                summary.environmentDeleted() ? " (deleted)" : ""));
        if (deleteEnv && summary.environment().isEmpty()) {
            out.println("  no Python environment to delete: the model ran without one");
        }
        for (LocalRun.Failure f : summary.failures()) {
            out.printf("  FAILED %s: %s %s%n", f.uid(), f.reason(), f.message());
        }
        out.flush();
        return summary.failures().isEmpty() ? 0 : 1;
    }

    /** {@code predictions.csv} -> {@code predictions.jsonl}; any other name gets {@code .jsonl} added. */
    static Path jsonLines(Path csv) {
        String name = csv.getFileName().toString();
        String base = name.toLowerCase(Locale.ROOT).endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
        return csv.resolveSibling(base + ".jsonl");
    }

    private int fail(String message, int code) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(spec.commandLine().getColorScheme().errorText(spec.qualifiedName() + ": " + message));
        err.flush();
        return code;
    }

    /** A progress bar on stderr, redrawn in place. */
    private static final class Bar implements LocalRun.Progress {

        private final PrintWriter err;

        Bar(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void started(String model, int version, RuntimeKind runtime, int groups) {
            err.printf("Running %s version %d over %d request(s)%n", model, version, groups);
            advanced(0, groups);
        }

        @Override
        public void advanced(int done, int total) {
            int filled = total == 0 ? BAR : done * BAR / total;
            err.printf("\r[%s%s] %d/%d", "#".repeat(filled), "-".repeat(BAR - filled), done, total);
            if (done == total) {
                err.println();
            }
            err.flush();
        }
    }
}

package io.radflow.worker.local;

import io.radflow.common.error.RadflowException;
import io.radflow.common.io.Directories;
import io.radflow.pixels.PixelDecoder;
import io.radflow.pixels.PixelDecoders;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.worker.WorkerSettings;
import io.radflow.worker.postprocess.OutputValidator;
import io.radflow.worker.preprocess.DicomImages;
import io.radflow.worker.preprocess.PixelDataImages;
import io.radflow.worker.runtime.ItemResult;
import io.radflow.worker.runtime.LoadedModel;
import io.radflow.worker.runtime.ModelFile;
import io.radflow.worker.runtime.ModelOutput;
import io.radflow.worker.runtime.ModelRequest;
import io.radflow.worker.runtime.ModelRuntime;
import io.radflow.worker.runtime.ModelSpec;
import io.radflow.worker.runtime.http.HttpModelRuntime;
import io.radflow.worker.runtime.mdai.MdaiRuntime;
import io.radflow.worker.runtime.onnx.OnnxRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs one version of an exported model over the DICOM files under a path, as
 * {@code mdai.run_inference(model_path, data_path, model_version)} does, with no Kafka and no
 * registry: the export is read as the registry writes it ({@link ModelExport}), the files are grouped
 * by the version's scope ({@link LocalData}), and each group is one request through the worker's own
 * runtime of the version's kind (ONNX, MD.ai package, HTTP), validated as the worker validates
 * before publishing. Predictions go to a CSV and a JSON lines file ({@link PredictionTable}).
 */
public final class LocalRun {

    /**
     * @param version   null: the model's active version when exported, else the highest
     * @param deleteEnv remove the Python environment of an MD.ai package afterwards ({@code mdai.delete_env})
     */
    public record Options(Path export, Path data, Integer version, Path csv, Path jsonl, boolean deleteEnv) {
    }

    /** Told how far the run is; called on the thread that runs it. */
    public interface Progress {

        /** The model is loaded and {@code groups} requests are about to run. */
        void started(String model, int version, RuntimeKind runtime, int groups);

        /** {@code done} of {@code total} requests ran (successfully or not). */
        void advanced(int done, int total);
    }

    /** What went wrong with one request: its scope UID, reason and message. */
    public record Failure(String uid, String reason, String message) {
    }

    /**
     * @param environment the Python environment an MD.ai package ran in (empty: the interpreter itself, or another runtime)
     */
    public record Summary(String model, int version, RuntimeKind runtime, Device device, int files, int skipped, int groups,
                          int succeeded, List<Failure> failures, int outputs, Path csv, Path jsonl, Optional<Path> environment,
                          boolean environmentDeleted, Duration elapsed) {
    }

    private LocalRun() {
    }

    /**
     * @throws LocalRunException for input that cannot be used (not an export, no such version, no DICOM image)
     * @throws RadflowException  when the model cannot be loaded (MODEL_LOAD_FAILED, RUNTIME_UNAVAILABLE)
     */
    public static Summary run(Options options, WorkerSettings settings, Progress progress) throws IOException {
        long t0 = System.nanoTime();
        ModelExport export = ModelExport.open(options.export());
        int n = export.choose(options.version());
        Path scratch = Files.createDirectories(settings.mdai().workDir()).resolve("run-local-" + ProcessHandle.current().pid());
        try (PixelDecoder decoder = PixelDecoders.create(settings.codecs())) {
            ModelSpec spec = export.spec(n, scratch);
            LocalData data = LocalData.scan(options.data(), spec.scope());
            DicomImages dicom = new PixelDataImages(decoder);
            try (ModelRuntime runtime = runtime(spec.runtime(), settings, dicom)) {
                LoadedModel model = runtime.load(spec);
                Summary summary;
                try {
                    summary = runLoaded(model, export, n, data, dicom, options, settings.modelTimeout(), progress, t0);
                } finally {
                    model.close();
                }
                if (runtime instanceof MdaiRuntime mdai) {
                    Optional<Path> env = mdai.environment(spec.key());
                    boolean deleted = options.deleteEnv() && mdai.deleteEnvironment(spec.key());
                    summary = new Summary(summary.model(), summary.version(), summary.runtime(), summary.device(), summary.files(),
                            summary.skipped(), summary.groups(), summary.succeeded(), summary.failures(), summary.outputs(),
                            summary.csv(), summary.jsonl(), env, deleted, Duration.ofNanos(System.nanoTime() - t0));
                }
                return summary;
            }
        } finally {
            Directories.deleteQuietly(scratch);
        }
    }

    private static Summary runLoaded(LoadedModel model, ModelExport export, int n, LocalData data, DicomImages dicom, Options options,
                                     Duration timeout, Progress progress, long t0) throws IOException {
        ModelSpec spec = model.spec();
        progress.started(export.modelName(), n, spec.runtime(), data.groups().size());
        List<Failure> failures = new ArrayList<>();
        int succeeded = 0;
        int done = 0;
        int batchSize = Math.max(1, spec.maxBatchSize());
        try (PredictionTable table = new PredictionTable(options.csv(), options.jsonl(), spec.labelClasses())) {
            List<LocalData.Group> groups = data.groups();
            for (int from = 0; from < groups.size(); from += batchSize) {
                List<LocalData.Group> chunk = groups.subList(from, Math.min(groups.size(), from + batchSize));
                List<ModelRequest> requests = new ArrayList<>();
                List<LocalData.Group> sent = new ArrayList<>();
                for (LocalData.Group g : chunk) {
                    try {
                        requests.add(request(g, spec, dicom));
                        sent.add(g);
                    } catch (RadflowException | IOException e) {
                        failures.add(new Failure(g.uid(), e instanceof RadflowException re ? re.reason().name() : "CONTENT_FETCH_FAILED",
                                e.getMessage()));
                        progress.advanced(++done, groups.size());
                    }
                }
                if (requests.isEmpty()) {
                    continue;
                }
                List<ItemResult> results;
                try {
                    results = model.run(requests, timeout);
                } catch (RadflowException e) {
                    results = requests.stream().map(r -> (ItemResult) ItemResult.Failure.of(e)).toList();
                }
                for (int i = 0; i < requests.size(); i++) {
                    ModelRequest request = requests.get(i);
                    ItemResult r = results.get(i);
                    String uid = sent.get(i).uid();
                    if (r instanceof ItemResult.Success s) {
                        try {
                            new OutputValidator(request, request.files().get(0).studyUid()).validate(s.outputs());
                            for (ModelOutput o : s.outputs()) {
                                table.write(o);
                            }
                            succeeded++;
                        } catch (RadflowException e) {
                            failures.add(new Failure(uid, e.reason().name(), e.getMessage()));
                        }
                    } else if (r instanceof ItemResult.Failure f) {
                        failures.add(new Failure(uid, f.reason().name(), f.message()));
                    }
                    progress.advanced(++done, groups.size());
                }
            }
            return new Summary(export.modelName(), n, spec.runtime(), model.device(), data.files(), data.skipped().size(),
                    groups.size(), succeeded, List.copyOf(failures), table.rows(), options.csv(), options.jsonl(), Optional.empty(), false,
                    Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    private static ModelRequest request(LocalData.Group group, ModelSpec spec, DicomImages dicom) throws IOException {
        List<ModelFile> files = new ArrayList<>();
        for (LocalData.Instance i : group.instances()) {
            byte[] bytes = Files.readAllBytes(i.path());
            files.add(new ModelFile(i.studyUid(), i.seriesUid(), i.instanceUid(), "application/dicom", bytes, dicom.geometry(bytes)));
        }
        return new ModelRequest("local-" + group.uid(), files, List.of(), spec.labelClasses(), spec.defaultArgs());
    }

    private static ModelRuntime runtime(RuntimeKind kind, WorkerSettings settings, DicomImages dicom) {
        return switch (kind) {
            case ONNX -> new OnnxRuntime(settings.onnx(), dicom);
            case MDAI_PYTHON -> new MdaiRuntime(settings.mdai(), dicom);
            case HTTP -> new HttpModelRuntime(settings.http(), dicom);
        };
    }
}

package io.radflow.worker.runtime.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.Device;
import io.radflow.worker.postprocess.PostprocessSettings;
import io.radflow.worker.postprocess.TensorPostprocessor;
import io.radflow.worker.postprocess.TensorPostprocessor.FileValues;
import io.radflow.worker.postprocess.TensorPostprocessor.HeadKind;
import io.radflow.worker.postprocess.TensorPostprocessor.HeadValues;
import io.radflow.worker.preprocess.DecodedImage;
import io.radflow.worker.preprocess.DicomImages;
import io.radflow.worker.preprocess.ImagePreprocessor;
import io.radflow.worker.preprocess.PreprocessSettings;
import io.radflow.worker.runtime.Deadline;
import io.radflow.worker.runtime.ItemResult;
import io.radflow.worker.runtime.LoadedModel;
import io.radflow.worker.runtime.ModelFile;
import io.radflow.worker.runtime.ModelRequest;
import io.radflow.worker.runtime.ModelSpec;
import io.radflow.worker.runtime.OneAtATime;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One ONNX model in an in-process session. A batch's frames (every frame of every file of every
 * request) are pre-processed straight into a reused direct buffer and run {@code maxBatchSize}
 * frames at a time; outputs are split back per request and post-processed to MD.ai outputs. When
 * a run with several requests fails, each request is run alone, so only the one that breaks the
 * model fails. A run past its deadline is stopped through ONNX Runtime's terminate flag.
 */
final class OnnxModel implements LoadedModel {

    private final ModelSpec spec;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final OrtSession.SessionOptions options;
    private final OnnxLayout layout;
    private final Device device;
    private final DicomImages dicom;
    private final ScheduledExecutorService watchdog;
    private static final ThreadLocal<FloatBuffer> BUFFERS = new ThreadLocal<>();
    private volatile boolean closed;

    OnnxModel(ModelSpec spec, OrtEnvironment env, OrtSession session, OrtSession.SessionOptions options, OnnxLayout layout,
              Device device, DicomImages dicom, ScheduledExecutorService watchdog) {
        this.spec = spec;
        this.env = env;
        this.session = session;
        this.options = options;
        this.layout = layout;
        this.device = device;
        this.dicom = dicom;
        this.watchdog = watchdog;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public Device device() {
        return device;
    }

    OnnxLayout layout() {
        return layout;
    }

    /** One request on its way through the model. */
    private static final class Job {
        final int index;
        final ModelRequest request;
        final List<DecodedImage> images = new ArrayList<>();
        PreprocessSettings pre;
        PostprocessSettings post;
        /** Per head, per file, per frame: the output values (filled by runs). */
        final Map<String, List<float[][]>> values = new LinkedHashMap<>();
        final Map<String, int[][]> dims = new LinkedHashMap<>();
        ItemResult failure;

        Job(int index, ModelRequest request) {
            this.index = index;
            this.request = request;
        }
    }

    private record Frame(Job job, int file, int frame) {
        DecodedImage image() {
            return job.images.get(file);
        }
    }

    /** The terminate flag stopped a run. */
    private static final class RunTimedOut extends RuntimeException {
        RunTimedOut() {
            super(null, null, false, false);
        }
    }

    @Override
    public List<ItemResult> run(List<ModelRequest> batch, Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        List<Job> jobs = new ArrayList<>();
        ItemResult[] results = new ItemResult[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            Job job = new Job(i, batch.get(i));
            try {
                prepare(job);
                jobs.add(job);
            } catch (RadflowException e) {
                results[i] = ItemResult.Failure.of(e);
            }
        }
        try {
            runIsolating(jobs, deadline);
        } catch (RunTimedOut e) {
            for (Job job : jobs) {
                if (job.failure == null) {
                    job.failure = new ItemResult.Failure(Reason.MODEL_TIMEOUT, "model " + spec.key()
                            + " did not finish the batch within " + timeout.toMillis() + " ms", null);
                }
            }
        }
        for (Job job : jobs) {
            results[job.index] = job.failure != null ? job.failure : postprocess(job);
        }
        return List.of(results);
    }

    private void prepare(Job job) {
        job.pre = PreprocessSettings.from(job.request.args());
        job.post = PostprocessSettings.from(job.request.args());
        for (ModelFile f : job.request.files()) {
            job.images.add(dicom.decode(f.content()));
        }
    }

    private void runIsolating(List<Job> jobs, Deadline deadline) {
        if (jobs.isEmpty()) {
            return;
        }
        try {
            runFrames(jobs, deadline);
        } catch (RunTimedOut e) {
            throw e;
        } catch (OrtException | RuntimeException e) {
            if (jobs.size() == 1) {
                jobs.get(0).failure = new ItemResult.Failure(Reason.MODEL_ERROR, "model " + spec.key() + " failed: " + e.getMessage(), e);
                return;
            }
            OneAtATime.rerun(jobs, deadline, job -> {
                runIsolating(List.of(job), deadline);
                return job;
            }, job -> {
                throw new RunTimedOut();
            });
        }
    }

    private void runFrames(List<Job> jobs, Deadline deadline) throws OrtException {
        // Frames that share an input size run together: all of them for a fixed-size model.
        Map<Long, List<Frame>> bySize = new LinkedHashMap<>();
        for (Job job : jobs) {
            for (int f = 0; f < job.images.size(); f++) {
                DecodedImage img = job.images.get(f);
                long size = layout.dynamicSize() ? ((long) img.geometry().rows() << 32) | img.geometry().columns() : 0;
                for (int k = 0; k < img.geometry().frames(); k++) {
                    bySize.computeIfAbsent(size, s -> new ArrayList<>()).add(new Frame(job, f, k));
                }
            }
        }
        int chunk = layout.fixedBatch() > 0 ? layout.fixedBatch() : spec.maxBatchSize();
        for (List<Frame> frames : bySize.values()) {
            for (int from = 0; from < frames.size(); from += chunk) {
                runChunk(frames.subList(from, Math.min(frames.size(), from + chunk)), deadline);
            }
        }
    }

    private void runChunk(List<Frame> frames, Deadline deadline) throws OrtException {
        DecodedImage first = frames.get(0).image();
        int rows = layout.dynamicSize() ? first.geometry().rows() : layout.rows();
        int cols = layout.dynamicSize() ? first.geometry().columns() : layout.columns();
        int n = layout.fixedBatch() > 0 ? layout.fixedBatch() : frames.size();
        int perFrame = layout.channels() * rows * cols;
        FloatBuffer buf = buffer(n * perFrame);
        for (Frame fr : frames) {
            DecodedImage img = fr.image();
            ImagePreprocessor.write(img.frames().get(fr.frame()), fr.job().pre, layout.channels(), rows, cols, buf);
        }
        while (buf.position() < n * perFrame) {
            buf.put(0f); // a fixed batch size is padded; the padding's outputs are ignored
        }
        buf.flip();
        long remaining = deadline.remainingNanos();
        if (remaining == 0) {
            throw new RunTimedOut();
        }
        AtomicBoolean fired = new AtomicBoolean();
        try (OnnxTensor input = OnnxTensor.createTensor(env, buf, new long[] {n, layout.channels(), rows, cols});
             OrtSession.RunOptions run = new OrtSession.RunOptions()) {
            ScheduledFuture<?> timer = watchdog.schedule(() -> {
                fired.set(true);
                try {
                    run.setTerminate(true);
                } catch (OrtException ignored) {
                    // the run finished and its options closed meanwhile
                }
            }, remaining, TimeUnit.NANOSECONDS);
            try (OrtSession.Result result = session.run(Map.of(layout.inputName(), input), run)) {
                timer.cancel(false);
                collect(result, frames);
            } catch (OrtException e) {
                timer.cancel(false);
                if (fired.get()) {
                    throw new RunTimedOut();
                }
                throw e;
            }
        }
    }

    private void collect(OrtSession.Result result, List<Frame> frames) throws OrtException {
        for (OnnxLayout.Head head : layout.heads()) {
            OnnxValue v = result.get(head.name()).orElseThrow(() -> new IllegalStateException("no output " + head.name()));
            OnnxTensor t = (OnnxTensor) v;
            long[] shape = t.getInfo().getShape();
            int per = 1;
            for (int d = 1; d < shape.length; d++) {
                per *= (int) shape[d];
            }
            FloatBuffer out = t.getFloatBuffer();
            for (int i = 0; i < frames.size(); i++) {
                Frame fr = frames.get(i);
                float[] values = new float[per];
                out.position(i * per);
                out.get(values);
                Job job = fr.job();
                List<float[][]> perFile = job.values.computeIfAbsent(head.name(), h -> {
                    List<float[][]> files = new ArrayList<>();
                    job.images.forEach(img -> files.add(new float[img.geometry().frames()][]));
                    return files;
                });
                perFile.get(fr.file())[fr.frame()] = values;
                int[][] dims = job.dims.computeIfAbsent(head.name(), h -> new int[job.images.size()][]);
                dims[fr.file()] = head.kind() == HeadKind.SEGMENTATION
                        ? new int[] {(int) shape[1], (int) shape[2], (int) shape[3]} : new int[] {(int) shape[1], 0, 0};
            }
        }
    }

    private ItemResult postprocess(Job job) {
        List<HeadValues> heads = new ArrayList<>();
        for (OnnxLayout.Head head : layout.heads()) {
            List<float[][]> perFile = job.values.get(head.name());
            int[][] dims = job.dims.get(head.name());
            List<FileValues> files = new ArrayList<>();
            for (int f = 0; f < perFile.size(); f++) {
                files.add(new FileValues(dims[f][1], dims[f][2], List.of(perFile.get(f))));
            }
            heads.add(new HeadValues(head.name(), head.kind(), dims[0][0], files));
        }
        try {
            return new ItemResult.Success(TensorPostprocessor.outputs(job.request, heads, job.post));
        } catch (RuntimeException e) {
            return new ItemResult.Failure(Reason.MODEL_ERROR, "cannot read the outputs of model " + spec.key() + ": " + e, e);
        }
    }

    /** A direct, native-order buffer reused by this thread (ONNX Runtime reads it without a copy). */
    private FloatBuffer buffer(int floats) {
        FloatBuffer b = BUFFERS.get();
        if (b == null || b.capacity() < floats) {
            b = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            BUFFERS.set(b);
        }
        b.clear();
        b.limit(floats);
        return b;
    }

    @Override
    public boolean healthy() {
        return !closed;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } catch (OrtException e) {
            // nothing left to release
        }
        options.close();
    }
}

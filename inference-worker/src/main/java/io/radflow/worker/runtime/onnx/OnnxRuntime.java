package io.radflow.worker.runtime.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.worker.preprocess.DicomImages;
import io.radflow.worker.runtime.LoadedModel;
import io.radflow.worker.runtime.ModelRuntime;
import io.radflow.worker.runtime.ModelSpec;
import java.util.EnumSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime for Java, in-process. CPU by default; with {@code worker.device=gpu} each session
 * gets the CUDA execution provider when this build of ONNX Runtime has it (the {@code gpu} Maven
 * profile swaps in {@code onnxruntime_gpu}) and CUDA initialises; otherwise it says once, clearly,
 * why it runs on the CPU instead.
 */
public final class OnnxRuntime implements ModelRuntime {

    private static final Logger log = LoggerFactory.getLogger(OnnxRuntime.class);

    private final OnnxSettings settings;
    private final DicomImages dicom;
    private final OrtEnvironment env;
    private final ScheduledExecutorService watchdog;
    private final AtomicBoolean fallbackReported = new AtomicBoolean();

    public OnnxRuntime(OnnxSettings settings, DicomImages dicom) {
        this.settings = settings;
        this.dicom = dicom;
        this.env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "radflow-worker");
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "onnx-watchdog");
            t.setDaemon(true);
            return t;
        });
        // Every run schedules a deadline and cancels it when done: drop cancelled ones at once
        // instead of keeping them (and their run options) queued for the whole timeout.
        timer.setRemoveOnCancelPolicy(true);
        this.watchdog = timer;
        if (settings.device() == Device.GPU && !availableProviders().contains(OrtProvider.CUDA)) {
            reportFallback(noCudaReason()); // say it at start-up, not only when the first model loads
        }
    }

    private static String noCudaReason() {
        return "this ONNX Runtime build has no CUDA execution provider (providers: " + availableProviders()
                + "); build with 'mvn -Pgpu' to use onnxruntime_gpu (needs CUDA 12 and cuDNN 9)";
    }

    @Override
    public RuntimeKind kind() {
        return RuntimeKind.ONNX;
    }

    /** The execution providers this ONNX Runtime build offers (CPU only with the default artifact). */
    public static EnumSet<OrtProvider> availableProviders() {
        return OrtEnvironment.getAvailableProviders();
    }

    @Override
    public LoadedModel load(ModelSpec spec) {
        if (spec.artifactFile() == null) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "ONNX version " + spec.key() + " has no artifact file");
        }
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = null;
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (settings.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(settings.intraOpThreads());
            }
            Device device = settings.device() == Device.GPU ? addCuda(options) : Device.CPU;
            if (spec.device() == Device.GPU && device == Device.CPU && settings.device() == Device.CPU) {
                log.info("version prefers a GPU but this worker runs on CPU (worker.device=cpu) model={} version={}",
                        spec.key().modelId(), spec.key().version());
            }
            session = env.createSession(spec.artifactFile().toString(), options);
            OnnxLayout layout = OnnxLayout.of(session, spec.labelClasses());
            return new OnnxModel(spec, env, session, options, layout, device, dicom, watchdog);
        } catch (OrtException e) {
            closeQuietly(session, options);
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "ONNX Runtime cannot load " + spec.artifactFile().getFileName()
                    + " for " + spec.key() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session, options);
            throw e;
        }
    }

    /** Adds the CUDA provider when this build has it and it initialises; otherwise explains the CPU fallback once. */
    private Device addCuda(OrtSession.SessionOptions options) {
        if (!availableProviders().contains(OrtProvider.CUDA)) {
            reportFallback(noCudaReason());
            return Device.CPU;
        }
        try {
            options.addCUDA(settings.gpuDeviceId());
            return Device.GPU;
        } catch (OrtException | RuntimeException e) {
            reportFallback("the CUDA execution provider failed to initialise on device " + settings.gpuDeviceId() + ": " + e.getMessage());
            return Device.CPU;
        }
    }

    private void reportFallback(String why) {
        if (fallbackReported.compareAndSet(false, true)) {
            log.warn("worker.device=gpu but ONNX models run on the CPU: {}", why);
        }
    }

    private static void closeQuietly(OrtSession session, OrtSession.SessionOptions options) {
        try {
            if (session != null) {
                session.close();
            }
        } catch (OrtException ignored) {
            // nothing left to release
        }
        options.close();
    }

    @Override
    public boolean healthy() {
        return true;
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}

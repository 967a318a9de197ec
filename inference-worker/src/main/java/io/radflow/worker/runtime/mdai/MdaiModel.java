package io.radflow.worker.runtime.mdai;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.common.io.Directories;
import io.radflow.schemas.avro.Device;
import io.radflow.worker.runtime.Deadline;
import io.radflow.worker.runtime.ItemResult;
import io.radflow.worker.runtime.LoadedModel;
import io.radflow.worker.runtime.ModelOutput;
import io.radflow.worker.runtime.ModelRequest;
import io.radflow.worker.runtime.ModelSpec;
import io.radflow.worker.runtime.OneAtATime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MD.ai package version in its long-lived Python process. A batch becomes one or more calls:
 * with a version batch size above 1 the call's {@code files} is a list of groups, one per job
 * (MD.ai deploy API 0.4), handed to {@code predict_batch} when the model has it, otherwise to
 * {@code predict} once per group by the runner; with batch size 1, each job is one call with a
 * flat {@code files}. Calls never mix jobs with different args or sharing an instance, and hold
 * at most the package's {@code config.yaml} batch size, when it sets one.
 *
 * <p>Failures stay with their job: the runner reports each group's exception or invalid output
 * on its own; a {@code predict_batch} call that fails, or whose outputs cannot be told apart by
 * UID, and a call whose process crashed, are run again one job at a time. A call past the
 * deadline kills the process (MODEL_TIMEOUT); a dead process is started again, under a new PID,
 * by the next call.
 */
final class MdaiModel implements LoadedModel {

    private static final Logger log = LoggerFactory.getLogger(MdaiModel.class);
    private static final int MESSAGE_LIMIT = 6000;

    private final ModelSpec spec;
    private final Supplier<RunnerProcess.Started> starter;
    private final Path dataDir;
    private final long diskThresholdBytes;
    private final MdaiThumbnails thumbnails;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong calls = new AtomicLong();
    private volatile RunnerProcess process;
    private volatile Map<String, Object> hello;
    private volatile boolean broken;
    private volatile boolean closed;

    /** @param starter starts a fresh runner for this package (first start and restarts); empties {@code dataDir} first */
    MdaiModel(ModelSpec spec, RunnerProcess.Started started, Supplier<RunnerProcess.Started> starter, Path dataDir,
              long diskThresholdBytes, MdaiThumbnails thumbnails) {
        this.thumbnails = thumbnails;
        this.spec = spec;
        this.starter = starter;
        this.dataDir = dataDir;
        this.diskThresholdBytes = diskThresholdBytes;
        this.process = started.process();
        this.hello = started.hello();
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public Device device() {
        return "gpu".equals(hello.get("device_type")) ? Device.GPU : Device.CPU;
    }

    /** True when the model receives each frame as a JPEG or PNG with its DICOM tags instead of the DICOM files. */
    boolean takesThumbnails() {
        return thumbnails != null;
    }

    /** The runner's PID (changes when the process is restarted). */
    long pid() {
        return process == null ? -1 : process.pid();
    }

    boolean hasPredictBatch() {
        return Boolean.TRUE.equals(hello.get("predict_batch"));
    }

    /** Most jobs in one call: the version's batch size, capped by config.yaml's batch_size. */
    int callSize() {
        int size = Math.max(1, spec.maxBatchSize());
        if (hello.get("batch_size") instanceof Long b && b > 0) {
            size = (int) Math.min(size, b);
        }
        return size;
    }

    @Override
    public List<ItemResult> run(List<ModelRequest> batch, Duration timeout) {
        ItemResult[] results = new ItemResult[batch.size()];
        lock.lock();
        try {
            // The timeout is the model's own time: waiting for another thread's batch does not count.
            Deadline deadline = Deadline.after(timeout);
            for (List<Integer> call : calls(batch)) {
                List<ModelRequest> requests = call.stream().map(batch::get).toList();
                List<ItemResult> out = deadline.passed()
                        ? failAll(requests.size(), new RadflowException(Reason.MODEL_TIMEOUT, "model " + spec.key()
                                + " did not reach this job within " + timeout.toMillis() + " ms"))
                        : runCall(requests, deadline);
                for (int i = 0; i < call.size(); i++) {
                    results[call.get(i)] = out.get(i);
                }
            }
        } finally {
            lock.unlock();
        }
        return List.of(results);
    }

    /** Splits a batch into calls: same args, no instance in two jobs of one call, at most {@link #callSize()} jobs. */
    private List<List<Integer>> calls(List<ModelRequest> batch) {
        int size = callSize();
        List<List<Integer>> calls = new ArrayList<>();
        List<Set<String>> instances = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            ModelRequest r = batch.get(i);
            Set<String> mine = new HashSet<>();
            r.files().forEach(f -> mine.add(f.instanceUid()));
            int target = -1;
            for (int c = 0; c < calls.size() && target < 0; c++) {
                List<Integer> call = calls.get(c);
                if (call.size() < size && batch.get(call.get(0)).args().equals(r.args())
                        && batch.get(call.get(0)).labelClasses().equals(r.labelClasses())
                        && instances.get(c).stream().noneMatch(mine::contains)) {
                    target = c;
                }
            }
            if (target < 0) {
                calls.add(new ArrayList<>());
                instances.add(new HashSet<>());
                target = calls.size() - 1;
            }
            calls.get(target).add(i);
            instances.get(target).addAll(mine);
        }
        return calls;
    }

    private List<ItemResult> runCall(List<ModelRequest> requests, Deadline deadline) {
        try {
            long t0 = System.nanoTime();
            if (ensureProcess()) {
                deadline.extend(System.nanoTime() - t0); // restarting a dead process does not count against the model
            }
        } catch (RadflowException e) {
            return failAll(requests.size(), e);
        }
        boolean grouped = spec.maxBatchSize() > 1;
        Map<String, Object> response;
        try (MdaiInput input = MdaiInput.of(requests, grouped, diskThresholdBytes, dataDir, "call-" + calls.incrementAndGet(),
                thumbnails)) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("kind", "predict");
            message.put("grouped", grouped);
            message.put("data", input.data());
            if (grouped) {
                message.put("group_annotations", input.groupAnnotations());
            }
            response = process.call(Msgpack.pack(message), deadline);
        } catch (RadflowException e) {
            if (e.reason() == Reason.RUNTIME_CRASHED && requests.size() > 1) {
                log.info("python runner crashed on a call of several jobs, running them one at a time model={} version={} jobs={}",
                        spec.key().modelId(), spec.key().version(), requests.size());
                return isolate(requests, deadline);
            }
            if (e.reason() == Reason.UNREADABLE_DICOM && requests.size() > 1) {
                return isolate(requests, deadline); // a file that cannot be rendered as thumbnails fails its own job only
            }
            return failAll(requests.size(), e);
        }
        return results(requests, response, deadline);
    }

    private List<ItemResult> results(List<ModelRequest> requests, Map<String, Object> response, Deadline deadline) {
        List<?> units = response.get("units") instanceof List<?> l ? l : List.of();
        String mode = String.valueOf(response.get("mode"));
        int expected = "groups".equals(mode) ? requests.size() : 1;
        if (!"result".equals(response.get("kind")) || units.size() != expected) {
            return failAll(requests.size(), new RadflowException(Reason.RUNTIME_CRASHED, "the Python runner of " + spec.key()
                    + " answered " + response.get("kind") + " with " + units.size() + " results for " + requests.size() + " jobs"));
        }
        if ("groups".equals(mode) || requests.size() == 1) {
            List<ItemResult> out = new ArrayList<>(requests.size());
            for (Object unit : units) {
                out.add(unitResult((Map<?, ?>) unit));
            }
            return out;
        }
        // predict_batch answered for several jobs at once.
        ItemResult whole = unitResult((Map<?, ?>) units.get(0));
        if (!(whole instanceof ItemResult.Success success)) {
            log.info("predict_batch failed on a call of several jobs, running them one at a time model={} version={} jobs={}",
                    spec.key().modelId(), spec.key().version(), requests.size());
            return isolate(requests, deadline);
        }
        List<List<ModelOutput>> perJob = new ArrayList<>();
        requests.forEach(r -> perJob.add(new ArrayList<>()));
        for (ModelOutput o : success.outputs()) {
            Optional<Integer> owner = MdaiOutputs.owner(o, requests);
            if (owner.isEmpty()) {
                log.info("predict_batch output fits no single job by its UIDs, running the jobs one at a time model={} version={}",
                        spec.key().modelId(), spec.key().version());
                return isolate(requests, deadline);
            }
            perJob.get(owner.get()).add(o);
        }
        return perJob.stream().map(outs -> (ItemResult) new ItemResult.Success(outs)).toList();
    }

    private List<ItemResult> isolate(List<ModelRequest> requests, Deadline deadline) {
        return OneAtATime.rerun(requests, deadline, r -> runCall(List.of(r), deadline).get(0),
                r -> failure(new RadflowException(Reason.MODEL_TIMEOUT, "model " + spec.key() + " ran out of time before this job")));
    }

    private ItemResult unitResult(Map<?, ?> unit) {
        if (Boolean.TRUE.equals(unit.get("ok"))) {
            try {
                return new ItemResult.Success(MdaiOutputs.decode((List<?>) unit.get("outputs")));
            } catch (RadflowException e) {
                return ItemResult.Failure.of(e);
            }
        }
        String error = String.valueOf(unit.get("error"));
        Object tb = unit.get("traceback");
        String message = switch (error) {
            case "invalid_output" -> "MD.ai output check failed for " + spec.key() + ": " + unit.get("message");
            case "model_error" -> "MDAIModel of " + spec.key() + " failed: " + unit.get("message");
            default -> "the Python runner of " + spec.key() + " refused the request: " + unit.get("message");
        };
        if (tb != null) {
            message += "\n" + tb;
        }
        if (message.length() > MESSAGE_LIMIT) {
            message = message.substring(0, MESSAGE_LIMIT / 3) + "\n...\n" + message.substring(message.length() - 2 * MESSAGE_LIMIT / 3);
        }
        Reason reason = switch (error) {
            case "invalid_output" -> Reason.INVALID_OUTPUT;
            case "model_error" -> Reason.MODEL_ERROR;
            default -> Reason.INTERNAL;
        };
        return new ItemResult.Failure(reason, message, null);
    }

    /**
     * Starts the process again when it died (crash, timeout kill); a failed restart makes the model
     * unhealthy. True when it restarted.
     */
    private boolean ensureProcess() {
        if (closed) {
            throw new RadflowException(Reason.RUNTIME_UNAVAILABLE, "model " + spec.key() + " was unloaded");
        }
        if (process != null && process.alive()) {
            return false;
        }
        long old = process == null ? -1 : process.pid();
        if (process != null) {
            process.close();
            process = null;
        }
        RunnerProcess.Started started;
        try {
            started = starter.get();
        } catch (RadflowException e) {
            broken = true;
            throw new RadflowException(Reason.RUNTIME_CRASHED, "the Python process of " + spec.key() + " (pid " + old
                    + ") died and could not be started again: " + e.getMessage(), e);
        }
        if (closed) {
            // Unloaded while this restart ran: close() waits for the lock, and nothing may use the new process.
            started.process().close();
            throw new RadflowException(Reason.RUNTIME_UNAVAILABLE, "model " + spec.key() + " was unloaded");
        }
        process = started.process();
        hello = started.hello();
        log.info("python runner restarted model={} version={} oldPid={} pid={}", spec.key().modelId(), spec.key().version(),
                old, process.pid());
        return true;
    }

    private static List<ItemResult> failAll(int n, RadflowException e) {
        List<ItemResult> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(failure(e));
        }
        return out;
    }

    private static ItemResult failure(RadflowException e) {
        return ItemResult.Failure.of(e);
    }

    @Override
    public boolean healthy() {
        return !closed && !broken;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // A call still running (the worker stopped waiting for it) must not hold up shutdown.
        boolean locked = false;
        try {
            locked = lock.tryLock(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RunnerProcess running = process;
        if (!locked && running != null) {
            log.warn("python runner still busy at unload, killing it model={} version={} pid={}", spec.key().modelId(),
                    spec.key().version(), running.pid());
            running.destroy();
            lock.lock();
        } else if (!locked) {
            lock.lock();
        }
        try {
            if (process != null) {
                process.close();
                log.info("python runner stopped model={} version={} pid={}", spec.key().modelId(), spec.key().version(), process.pid());
                process = null;
            }
            Directories.delete(dataDir);
        } finally {
            lock.unlock();
        }
    }
}

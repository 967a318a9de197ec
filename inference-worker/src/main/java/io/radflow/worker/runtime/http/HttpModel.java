package io.radflow.worker.runtime.http;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.Device;
import io.radflow.worker.preprocess.DicomImages;
import io.radflow.worker.runtime.Deadline;
import io.radflow.worker.runtime.ItemResult;
import io.radflow.worker.runtime.LoadedModel;
import io.radflow.worker.runtime.ModelFile;
import io.radflow.worker.runtime.ModelOutput;
import io.radflow.worker.runtime.ModelRequest;
import io.radflow.worker.runtime.ModelSpec;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A model served over HTTP (V7's contract, see {@link V7Contract}). Every image of a batch (each
 * frame of each file, see {@link ModelImages}) is one {@code POST /api/infer}, sent concurrently
 * over the runtime's pooled connections; a job succeeds when all its images did, and fails with
 * the first of its images' failures otherwise, never touching its batch-mates.
 */
final class HttpModel implements LoadedModel {

    private final ModelSpec spec;
    private final String url;
    private final String authorization;
    private final V7Contract contract;
    private final HttpCaller caller;
    private final ExecutorService pool;
    private final DicomImages dicom;
    private volatile boolean closed;

    HttpModel(ModelSpec spec, String url, String authorization, V7Contract contract, HttpCaller caller, ExecutorService pool,
              DicomImages dicom) {
        this.spec = spec;
        this.url = url;
        this.authorization = authorization;
        this.contract = contract;
        this.caller = caller;
        this.pool = pool;
        this.dicom = dicom;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    /** The device the version asks for: where an external model runs is its own business. */
    @Override
    public Device device() {
        return spec.device() == null ? Device.CPU : spec.device();
    }

    private record Pending(ModelImages.Image image, Future<List<ModelOutput>> outputs) {
    }

    @Override
    public List<ItemResult> run(List<ModelRequest> batch, Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        Duration perTry = Duration.ofMillis(spec.httpEndpoint().getTimeoutMs() > 0 ? spec.httpEndpoint().getTimeoutMs() : 30_000);
        List<List<Pending>> perRequest = new ArrayList<>();
        ItemResult[] results = new ItemResult[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            List<Pending> pending = new ArrayList<>();
            try {
                for (ModelFile f : batch.get(i).files()) {
                    for (ModelImages.Image image : ModelImages.of(f, batch.get(i).args(), dicom)) {
                        pending.add(new Pending(image, pool.submit(() -> infer(image, perTry, deadline))));
                    }
                }
            } catch (RadflowException e) {
                results[i] = ItemResult.Failure.of(e);
                pending.forEach(p -> p.outputs().cancel(true));
            } catch (RejectedExecutionException e) {
                results[i] = new ItemResult.Failure(Reason.RUNTIME_UNAVAILABLE, "the HTTP runtime is shutting down", e);
            }
            perRequest.add(pending);
        }
        for (int i = 0; i < batch.size(); i++) {
            if (results[i] == null) {
                results[i] = collect(perRequest.get(i), deadline, timeout);
            }
        }
        return List.of(results);
    }

    private ItemResult collect(List<Pending> pending, Deadline deadline, Duration timeout) {
        List<ModelOutput> outputs = new ArrayList<>();
        ItemResult failure = null;
        for (Pending p : pending) {
            if (failure != null) {
                p.outputs().cancel(true);
                continue;
            }
            try {
                outputs.addAll(p.outputs().get(deadline.remainingNanos(), TimeUnit.NANOSECONDS));
            } catch (ExecutionException e) {
                failure = e.getCause() instanceof RadflowException re ? ItemResult.Failure.of(re)
                        : new ItemResult.Failure(Reason.MODEL_ERROR, "HTTP model " + spec.key() + " failed: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                p.outputs().cancel(true);
                failure = new ItemResult.Failure(Reason.MODEL_TIMEOUT, "HTTP model " + spec.key() + " at " + url
                        + " did not answer within the batch's " + timeout.toMillis() + " ms", null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new ItemResult.Failure(Reason.RUNTIME_UNAVAILABLE, "interrupted", e);
            }
        }
        return failure != null ? failure : new ItemResult.Success(outputs);
    }

    private List<ModelOutput> infer(ModelImages.Image image, Duration perTry, Deadline deadline) {
        byte[] body = V7Contract.inferBody(image.bytes()).getBytes(StandardCharsets.UTF_8);
        String what = "POST " + url + "/api/infer";
        String answer = caller.send(() -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/api/infer"))
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            return b;
        }, what, perTry, deadline);
        return contract.outputs(answer, what, image.file(), image.frameNumber());
    }

    @Override
    public boolean healthy() {
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}

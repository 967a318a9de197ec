package io.radflow.worker.execution;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.Provenance;
import io.radflow.worker.batching.Batch;
import io.radflow.worker.consumer.JobOutcome;
import io.radflow.worker.consumer.OutcomeSink;
import io.radflow.worker.consumer.OutputRecords;
import io.radflow.worker.metrics.WorkerMetrics;
import io.radflow.worker.postprocess.OutputValidator;
import io.radflow.worker.postprocess.PredictionFactory;
import io.radflow.worker.runtime.ItemResult;
import io.radflow.worker.runtime.LoadedModel;
import io.radflow.worker.runtime.ModelCache;
import io.radflow.worker.runtime.ModelKey;
import io.radflow.worker.runtime.ModelRequest;
import io.radflow.worker.runtime.ModelSpec;
import io.radflow.worker.settings.ResolvedVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one batch of jobs of one model version: builds each job's input (fetch, DICOM header),
 * gets the loaded model from the cache, runs the batch, then validates each job's outputs and
 * hands the job's records to the consumer loop. Every job ends in exactly one of: outcome with
 * predictions, retry, dead letter; a failure of one job never touches its batch-mates.
 */
public final class BatchExecutor {

    private static final Logger log = LoggerFactory.getLogger(BatchExecutor.class);

    private final RequestBuilder requests;
    private final ModelSpecs specs;
    private final ModelCache cache;
    private final PredictionFactory predictions;
    private final OutputRecords records;
    private final StatusEvents statuses;
    private final FailureHandler failures;
    private final OutcomeSink sink;
    private final WorkerMetrics metrics;
    private final Duration timeout;
    private final String workerId;

    BatchExecutor(RequestBuilder requests, ModelSpecs specs, ModelCache cache, PredictionFactory predictions,
                  OutputRecords records, StatusEvents statuses, FailureHandler failures, OutcomeSink sink,
                  WorkerMetrics metrics, Duration timeout, String workerId) {
        this.requests = requests;
        this.specs = specs;
        this.cache = cache;
        this.predictions = predictions;
        this.records = records;
        this.statuses = statuses;
        this.failures = failures;
        this.sink = sink;
        this.metrics = metrics;
        this.timeout = timeout;
        this.workerId = workerId;
    }

    public void execute(Batch<QueuedJob> batch) {
        List<QueuedJob> live = batch.items().stream().filter(q -> q.consumed().current()).toList();
        if (live.isEmpty()) {
            return;
        }
        Instant startedAt = Instant.now();
        ResolvedVersion version = live.get(live.size() - 1).version();
        ModelKey key = version.key();
        metrics.batchSize(key, live.size());
        List<QueuedJob> ready = new ArrayList<>();
        List<ModelRequest> inputs = new ArrayList<>();
        for (QueuedJob q : live) {
            metrics.queueWait(key, Duration.ofNanos(System.nanoTime() - q.enqueuedNanos()));
            failures.publishQuietly(q.consumed(), () -> records.status(statuses.running(q.job(), q.attempt(), startedAt)));
            try {
                inputs.add(requests.build(q.job(), version.version()));
                ready.add(q);
            } catch (RuntimeException e) {
                fail(q, e, startedAt);
            }
        }
        if (ready.isEmpty()) {
            return;
        }
        List<ItemResult> results;
        ModelSpec spec;
        LoadedModel model;
        long t0 = System.nanoTime();
        try {
            spec = specs.spec(version);
            try (ModelCache.Lease lease = cache.acquire(spec)) {
                model = lease.model();
                results = model.run(inputs, timeout);
            }
        } catch (RuntimeException e) {
            ready.forEach(q -> fail(q, e, startedAt));
            return;
        }
        metrics.inference(key, Duration.ofNanos(System.nanoTime() - t0));
        if (results.size() != inputs.size()) {
            RadflowException e = new RadflowException(Reason.INTERNAL, "runtime " + spec.runtime() + " returned "
                    + results.size() + " results for " + inputs.size() + " requests");
            ready.forEach(q -> fail(q, e, startedAt));
            return;
        }
        for (int i = 0; i < ready.size(); i++) {
            QueuedJob q = ready.get(i);
            ItemResult result = results.get(i);
            if (result instanceof ItemResult.Failure f) {
                failures.failed(q, f.reason(), f.message(), f.cause(), startedAt);
                continue;
            }
            try {
                succeed(q, inputs.get(i), (ItemResult.Success) result, spec, model, startedAt);
            } catch (RuntimeException e) {
                fail(q, e, startedAt);
            }
        }
    }

    private void succeed(QueuedJob q, ModelRequest input, ItemResult.Success result, ModelSpec spec, LoadedModel model,
                         Instant startedAt) {
        InferenceJob job = q.job();
        new OutputValidator(input, job.getStudyInstanceUid()).validate(result.outputs());
        Instant completedAt = Instant.now();
        Provenance provenance = Provenance.newBuilder().setWorkerId(workerId).setRuntime(spec.runtime())
                .setDevice(model.device()).setArtifactSha256(spec.artifactSha256()).setJobRevision(job.getRevision())
                .setUploadedAt(job.getInstances().stream().map(JobInstance::getUploadedAt).max(Instant::compareTo)
                        .orElse(job.getCreatedAt()))
                .setJobCreatedAt(job.getCreatedAt()).setStartedAt(startedAt).setCompletedAt(completedAt).setRunId(job.getRunId()).build();
        List<Prediction> ps = predictions.predictions(job, spec.labelClasses(), result.outputs(), provenance);
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>(ps.size() + 1);
        ps.forEach(p -> out.add(records.prediction(p)));
        out.add(records.status(statuses.succeeded(job, q.attempt(), ps.size(), startedAt, completedAt)));
        log.debug("job succeeded jobId={} model={} version={} predictions={}", job.getJobId(), job.getModelId(),
                job.getModelVersion(), ps.size());
        sink.completed(new JobOutcome(q.consumed(), out, job.getModelId(), job.getModelVersion(), WorkerMetrics.SUCCEEDED));
    }

    private void fail(QueuedJob q, RuntimeException e, Instant startedAt) {
        if (e instanceof RadflowException re) {
            failures.failed(q, re.reason(), re.getMessage(), re, startedAt);
        } else {
            log.error("unexpected error running job jobId={} error={}", q.job().getJobId(), e.toString(), e);
            failures.failed(q, Reason.INTERNAL, e.toString(), e, startedAt);
        }
    }
}

package io.radflow.worker.execution;

import io.radflow.content.ContentReader;
import io.radflow.content.ContentStore;
import io.radflow.worker.batching.Batch;
import io.radflow.worker.batching.DynamicBatcher;
import io.radflow.worker.consumer.ConsumedJob;
import io.radflow.worker.consumer.JobHandler;
import io.radflow.worker.consumer.OutcomeSink;
import io.radflow.worker.consumer.OutputRecords;
import io.radflow.worker.consumer.PartitionProgress;
import io.radflow.worker.failure.JobDeadLetters;
import io.radflow.worker.failure.RetryPolicy;
import io.radflow.worker.metrics.WorkerMetrics;
import io.radflow.worker.postprocess.PredictionFactory;
import io.radflow.worker.preprocess.DicomImages;
import io.radflow.worker.runtime.ArtifactVerifier;
import io.radflow.worker.runtime.ModelCache;
import io.radflow.worker.settings.ModelSettingsView;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processing side of a worker: intake, batching, execution and failure handling, wired
 * together. Executor threads call {@link #runBatches()}; the consumer loop hands it each job
 * ({@link #accept}) and the partitions that go away ({@link #revoked}); results go back through
 * the {@link OutcomeSink} it was given.
 */
public final class JobPipeline implements JobHandler, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobPipeline.class);

    /** What the pipeline is made of. */
    public record Parts(OutputRecords records, ModelSettingsView settings, DynamicBatcher<QueuedJob> batcher, OutcomeSink sink,
                        ModelCache cache, ArtifactVerifier artifacts, ContentReader content, ContentStore derivedStore,
                        DicomImages dicom, WorkerMetrics metrics, RetryPolicy retry, Duration modelTimeout,
                        long contentMaxBytes, Duration settingsTimeout, String workerId) {
    }

    private final DynamicBatcher<QueuedJob> batcher;
    private final ScheduledExecutorService timer;
    private final JobIntake intake;
    private final BatchExecutor executor;

    public JobPipeline(Parts p) {
        this.batcher = p.batcher();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "worker-retry-timer");
            t.setDaemon(true);
            return t;
        });
        StatusEvents statuses = new StatusEvents(p.workerId());
        BatchQueue queue = new BatchQueue(p.batcher());
        FailureHandler failures = new FailureHandler(p.retry(), timer, p.sink(), p.records(),
                new JobDeadLetters(p.records(), p.workerId()), statuses, p.metrics(), queue::enqueue);
        this.intake = new JobIntake(p.records(), p.settings(), queue, failures, p.sink(), p.settingsTimeout());
        this.executor = new BatchExecutor(new RequestBuilder(new ContentFetcher(p.content(), p.contentMaxBytes()), p.dicom()),
                new ModelSpecs(p.artifacts()), p.cache(), new PredictionFactory(p.derivedStore()), p.records(), statuses,
                failures, p.sink(), p.metrics(), p.modelTimeout(), p.workerId());
    }

    @Override
    public void accept(ConsumedJob job, byte[] value) {
        intake.accept(job, value);
    }

    /** An executor thread's life: take ready batches and run them until the batcher closes. */
    public void runBatches() {
        while (true) {
            Batch<QueuedJob> batch;
            try {
                batch = batcher.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (batch == null) {
                return;
            }
            try {
                executor.execute(batch);
            } catch (RuntimeException e) {
                // execute() hands every job to an outcome or a retry; reaching here is a bug, not a job failure.
                log.error("batch execution failed key={} error={}", batch.key(), e.toString(), e);
            }
        }
    }

    /** Forgets the queued jobs of revoked partitions; running ones finish and their results are dropped. */
    @Override
    public void revoked(Collection<PartitionProgress> revoked) {
        if (revoked.isEmpty()) {
            return;
        }
        Set<PartitionProgress> gone = Set.copyOf(revoked);
        int n = batcher.removeIf(q -> gone.contains(q.consumed().progress())).size();
        log.debug("dropped queued jobs of revoked partitions count={}", n);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

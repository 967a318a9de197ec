package io.radflow.bench.worker;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.bench.Percentiles;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.io.Directories;
import io.radflow.content.StoredContent;
import io.radflow.dicom.DicomAttributes;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.Prediction;
import io.radflow.worker.InferenceWorker;
import io.radflow.worker.WorkerConfig;
import io.radflow.worker.consumer.JobConsumerLoop;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Fresh uploads during a large backfill: auto-run INSTANCE jobs submitted at a steady rate to one
 * worker, their latency from submission to a committed prediction, first with nothing else to do
 * (the baseline), then while a backfill of many run jobs waits on {@code run-jobs}. The goal: the
 * backfill at most doubles the fresh jobs' p95.
 */
public final class BackfillBenchmark {

    /** @param rate fresh jobs per second; keep it under what one worker runs */
    public record Options(int freshJobs, double rate, int backfillJobs, int batch, int runsMaxInFlight, int intraOpThreads, Path dicom) {
    }

    /** One phase: fresh latencies in ms, and the run jobs finished meanwhile. */
    public record Phase(String name, double p50, double p95, double p99, int backfillDone, double seconds) {
    }

    private final RadflowConfig common;
    private final Options options;
    private final PrintWriter out;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    public BackfillBenchmark(RadflowConfig common, Options options, PrintWriter out) {
        this.common = common;
        this.options = options;
        this.out = out;
    }

    public List<Phase> run() throws Exception {
        Path dir = Files.createTempDirectory("radflow-bench-backfill-");
        try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistrySettings.from(common));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                     common.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS), "acks", "all", "linger.ms", "0"),
                     new StringSerializer(), new ByteArraySerializer())) {
            TopicSerdes serdes = new TopicSerdes(registry, true);
            BenchJobs.Stores stores = BenchJobs.Stores.in(dir, options.dicom());
            ContentRef ref = BenchJobs.content(stores.dicom());
            Path modelFile = stores.modelFile();
            StoredContent model = stores.model();
            DicomAttributes attrs = stores.attrs();
            String modelId = "bench-backfill-" + run;
            BenchJobs.send(producer, serdes, TopicCatalog.MODEL_SETTINGS, modelId, BenchJobs.model(modelId, model, options.batch()));
            producer.flush();
            String group = "radflow-bench-backfill-" + run;
            BenchJobs.startGroupAtEnd(common, group, TopicCatalog.INFERENCE_JOBS, TopicCatalog.RUN_JOBS);
            RadflowConfig config = BenchJobs.workerConfig(common, group, options.intraOpThreads(), 64, stores.contentDir(),
                    stores.artifactDir(),
                    Map.of(WorkerConfig.RUNS_MAX_IN_FLIGHT.name(), Integer.toString(options.runsMaxInFlight())));

            out.printf("Backfill benchmark: %s on %s, one worker (1 executor thread, batch %d, worker.runs.max.in.flight %d); %d fresh "
                    + "INSTANCE jobs per phase at %.1f/s, then the same during a backfill of %d run jobs%n", modelFile.getFileName(),
                    options.dicom().getFileName(), options.batch(), options.runsMaxInFlight(), options.freshJobs(), options.rate(),
                    options.backfillJobs());
            out.printf("%-24s %9s %9s %9s %22s%n", "phase", "p50 ms", "p95 ms", "p99 ms", "backfill jobs done (/s)");
            out.flush();
            List<Phase> phases = new ArrayList<>();
            try (InferenceWorker worker = InferenceWorker.builder(config).meterRegistry(new SimpleMeterRegistry()).build();
                 KafkaConsumer<String, Prediction> predictions = BenchJobs.predictionReader(common, serdes)) {
                worker.start();
                fresh(producer, serdes, predictions, modelId, ref, attrs, "warm-up", Math.min(20, options.freshJobs()));
                phases.add(print(fresh(producer, serdes, predictions, modelId, ref, attrs, "fresh alone", options.freshJobs())));
                String runId = "bench" + run;
                for (int i = 0; i < options.backfillJobs(); i++) {
                    String jobId = "run-" + runId + "-" + i;
                    BenchJobs.send(producer, serdes, TopicCatalog.RUN_JOBS, jobId, BenchJobs.job(jobId, modelId, ref, attrs, runId));
                }
                producer.flush();
                phases.add(print(fresh(producer, serdes, predictions, modelId, ref, attrs, "fresh during backfill", options.freshJobs())));
                Thread.sleep(JobConsumerLoop.FRESH_TRAFFIC_MEMORY.toMillis()); // the runs' cap holds this long after fresh traffic
                int alone = backfillOnly(predictions, Duration.ofSeconds(15));
                out.printf("%-24s %9s %9s %9s %12d (%.1f/s)%n", "backfill, no fresh jobs", "-", "-", "-", alone, alone / 15.0);
                out.flush();
            }
            Phase alone = phases.get(0);
            Phase during = phases.get(1);
            out.printf("p95 during the backfill / alone: %.2f (goal <= 2); p50: %.2f%n", during.p95() / alone.p95(), during.p50() / alone.p50());
            out.flush();
            return phases;
        } finally {
            Directories.deleteQuietly(dir);
        }
    }

    private Phase print(Phase p) {
        out.printf("%-24s %9.1f %9.1f %9.1f %12d (%.1f/s)%n", p.name(), p.p50(), p.p95(), p.p99(), p.backfillDone(),
                p.backfillDone() / p.seconds());
        out.flush();
        return p;
    }

    /** Submits {@code count} fresh jobs at the rate and waits for each one's first prediction; counts run-job predictions meanwhile. */
    private Phase fresh(KafkaProducer<String, byte[]> producer, TopicSerdes serdes, KafkaConsumer<String, Prediction> predictions,
                        String modelId, ContentRef ref, DicomAttributes attrs, String name, int count) {
        Map<String, Long> submitted = new HashMap<>();
        List<Double> latencies = new ArrayList<>();
        long intervalNanos = (long) (1e9 / options.rate());
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MINUTES.toNanos(10) + count * intervalNanos;
        int sent = 0;
        Set<String> backfillDone = new HashSet<>();
        while (latencies.size() < count) {
            long now = System.nanoTime();
            if (now > deadline) {
                throw new IllegalStateException(name + ": " + (count - latencies.size()) + " fresh jobs without a prediction in time");
            }
            if (sent < count && now - start >= sent * intervalNanos) {
                String jobId = modelId + "-" + name.replace(' ', '-') + "-" + sent;
                BenchJobs.send(producer, serdes, TopicCatalog.INFERENCE_JOBS, jobId, BenchJobs.job(jobId, modelId, ref, attrs, null));
                producer.flush();
                submitted.put(jobId, System.nanoTime());
                sent++;
            }
            for (ConsumerRecord<String, Prediction> r : predictions.poll(Duration.ofMillis(2))) {
                Long t0 = submitted.remove(r.value().getJobId());
                if (t0 != null) {
                    latencies.add((System.nanoTime() - t0) / 1e6);
                } else if (r.value().getJobId().startsWith("run-")) {
                    backfillDone.add(r.value().getJobId());
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Percentiles p = Percentiles.of(latencies);
        return new Phase(name, p.at(50), p.at(95), p.at(99), backfillDone.size(), seconds);
    }

    /** Run jobs finished within {@code window}, with no fresh jobs submitted. */
    private static int backfillOnly(KafkaConsumer<String, Prediction> predictions, Duration window) {
        Set<String> done = new HashSet<>();
        long end = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < end) {
            for (ConsumerRecord<String, Prediction> r : predictions.poll(Duration.ofMillis(50))) {
                if (r.value().getJobId().startsWith("run-")) {
                    done.add(r.value().getJobId());
                }
            }
        }
        return done.size();
    }
}

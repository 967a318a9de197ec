package io.radflow.bench.scale;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.bench.worker.BenchJobs;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.io.Directories;
import io.radflow.content.FileContentStore;
import io.radflow.content.StoredContent;
import io.radflow.dicom.DicomAttributes;
import io.radflow.dicom.DicomReader;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.Batching;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.HttpEndpoint;
import io.radflow.schemas.avro.InputType;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.schemas.avro.ModelFileType;
import io.radflow.schemas.avro.ModelLibrary;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import io.radflow.worker.InferenceWorker;
import io.radflow.worker.WorkerConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Do workers scale with partitions? 1, 2, 4, 8... workers in one consumer group drain the same
 * number of INSTANCE jobs per worker through an I/O-bound model (an HTTP model that answers after
 * a fixed delay), and each count's jobs/s is set beside the one worker's times the count (linear).
 */
public final class ScaleBenchmark {

    /** @param jobsPerWorker jobs per worker in each measured burst (the burst grows with the workers) */
    public record Options(List<Integer> workers, int jobsPerWorker, Duration modelDelay, Path dicom) {
    }

    /**
     * One worker count's figure, and the CPU this JVM (workers, broker, registry, model server)
     * spent meanwhile: per job, and as cores busy on average.
     */
    public record Step(int workers, int jobs, double jobsPerSecond, double cpuMsPerJob, double coresBusy) {
    }

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final RadflowConfig common;
    private final Options options;
    private final PrintWriter out;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    public ScaleBenchmark(RadflowConfig common, Options options, PrintWriter out) {
        this.common = common;
        this.options = options;
        this.out = out;
    }

    public List<Step> run(int partitions) throws Exception {
        Path dir = Files.createTempDirectory("radflow-bench-scale-");
        try (DelayedHttpModel model = new DelayedHttpModel(options.modelDelay());
             HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistrySettings.from(common));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                     common.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS), "acks", "all", "linger.ms", "5"),
                     new StringSerializer(), new ByteArraySerializer())) {
            TopicSerdes serdes = new TopicSerdes(registry, true);
            StoredContent dicom = new FileContentStore(dir.resolve("content")).put(options.dicom());
            ContentRef ref = BenchJobs.content(dicom);
            DicomAttributes attrs = DicomReader.headerOnly().read(options.dicom()).attributes();
            String modelId = "bench-scale-" + run;
            BenchJobs.send(producer, serdes, TopicCatalog.MODEL_SETTINGS, modelId, model(modelId, model.url()));
            producer.flush();
            out.printf("Scaling benchmark: %d INSTANCE jobs per worker through an HTTP model answering after %d ms, one consumer group "
                            + "on inference-jobs (%d partitions); each worker 1 executor thread, batch 1; ideal = one worker's rate x workers%n",
                    options.jobsPerWorker(), options.modelDelay().toMillis(), partitions);
            out.printf("%8s %8s %10s %9s %9s %11s   %s%n", "workers", "jobs", "jobs/s", "speed-up", "ideal", "of linear",
                    "CPU of this JVM: ms/job, cores busy (of " + Runtime.getRuntime().availableProcessors() + ")");
            out.flush();
            List<Step> steps = new ArrayList<>();
            try (KafkaConsumer<String, Prediction> predictions = BenchJobs.predictionReader(common, serdes)) {
                for (int n : options.workers()) {
                    Step step = measure(n, modelId, ref, attrs, dir, producer, serdes, predictions);
                    steps.add(step);
                    // One worker's rate: measured when the list starts with 1, else the first count's rate per worker.
                    double one = steps.get(0).jobsPerSecond() / steps.get(0).workers();
                    double speedUp = step.jobsPerSecond() / one;
                    out.printf("%8d %8d %10.1f %9.2f %9d %10.0f%%   %.1f, %.2f%n", n, step.jobs(), step.jobsPerSecond(), speedUp, n,
                            100 * speedUp / n, step.cpuMsPerJob(), step.coresBusy());
                    out.flush();
                }
            }
            return steps;
        } finally {
            Directories.deleteQuietly(dir);
        }
    }

    private Step measure(int workers, String modelId, ContentRef ref, DicomAttributes attrs, Path dir, KafkaProducer<String, byte[]> producer,
                         TopicSerdes serdes, KafkaConsumer<String, Prediction> predictions) throws Exception {
        String group = "radflow-bench-scale-" + run + "-" + workers;
        BenchJobs.startGroupAtEnd(common, group, TopicCatalog.INFERENCE_JOBS, TopicCatalog.RUN_JOBS);
        List<InferenceWorker> started = new ArrayList<>();
        try {
            for (int i = 0; i < workers; i++) {
                RadflowConfig config = BenchJobs.workerConfig(common, group, 1, 64, dir.resolve("content"), dir.resolve("artifacts"),
                        Map.of(WorkerConfig.WORKER_ID.name(), group + "-" + i));
                InferenceWorker worker = InferenceWorker.builder(config).meterRegistry(new SimpleMeterRegistry()).build();
                started.add(worker);
                worker.start();
            }
            awaitAssigned(started);
            burst(group + "-warm-up", 2 * workers, modelId, ref, attrs, producer, serdes, predictions); // load the model everywhere
            int jobs = options.jobsPerWorker() * workers;
            long cpu0 = processCpuNanos();
            double seconds = burst(group + "-measured", jobs, modelId, ref, attrs, producer, serdes, predictions);
            double cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
            return new Step(workers, jobs, jobs / seconds, cpuSeconds * 1000 / jobs, cpuSeconds / seconds);
        } finally {
            started.forEach(InferenceWorker::close);
        }
    }

    /** Sends {@code jobs} jobs at once and returns the seconds until the last one's prediction is visible. */
    private static double burst(String prefix, int jobs, String modelId, ContentRef ref, DicomAttributes attrs,
                                KafkaProducer<String, byte[]> producer, TopicSerdes serdes, KafkaConsumer<String, Prediction> predictions) {
        long start = System.nanoTime();
        for (int i = 0; i < jobs; i++) {
            String jobId = prefix + "-" + i;
            BenchJobs.send(producer, serdes, TopicCatalog.INFERENCE_JOBS, jobId, BenchJobs.job(jobId, modelId, ref, attrs, null));
        }
        producer.flush();
        Set<String> done = new HashSet<>();
        long deadline = start + TIMEOUT.toNanos();
        while (done.size() < jobs) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(prefix + ": " + (jobs - done.size()) + " of " + jobs + " jobs without a prediction within " + TIMEOUT);
            }
            for (ConsumerRecord<String, Prediction> r : predictions.poll(Duration.ofMillis(20))) {
                if (r.value().getJobId().startsWith(prefix + "-")) {
                    done.add(r.value().getJobId());
                }
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void awaitAssigned(List<InferenceWorker> workers) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!workers.stream().allMatch(InferenceWorker::assigned)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the workers were not all given partitions within " + TIMEOUT);
            }
            Thread.sleep(50);
        }
    }

    private static ModelSettings model(String modelId, String url) {
        LabelClass ok = LabelClass.newBuilder().setClassIndex(0).setLabelId("L_ok").setName(DelayedHttpModel.CLASS_NAME)
                .setType(LabelType.GLOBAL).setScope(Scope.INSTANCE).build();
        ModelVersion version = ModelVersion.newBuilder().setVersion(1).setRuntime(RuntimeKind.HTTP).setScope(Scope.INSTANCE)
                .setInputType(InputType.DICOM).setDevice(Device.CPU).setHttpEndpoint(new HttpEndpoint(url, 30_000, null))
                .setLabelClasses(List.of(ok)).setBatching(new Batching(1, 0)).setCreatedAt(Instant.now()).build();
        return ModelSettings.newBuilder().setModelId(modelId).setProjectId("bench").setOwnerId("bench").setName(modelId)
                .setLibrary(ModelLibrary.HTTP).setFileType(ModelFileType.NONE).setVersions(List.of(version)).setCreatedAt(Instant.now())
                .setUpdatedAt(Instant.now()).build();
    }
}

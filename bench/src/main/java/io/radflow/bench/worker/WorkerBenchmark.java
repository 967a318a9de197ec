package io.radflow.bench.worker;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.io.Directories;
import io.radflow.content.FileContentStore;
import io.radflow.content.StoredContent;
import io.radflow.dicom.DicomAttributes;
import io.radflow.pixels.PixelDecoder;
import io.radflow.pixels.PixelDecoders;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.Prediction;
import io.radflow.worker.InferenceWorker;
import io.radflow.worker.preprocess.DecodedImage;
import io.radflow.worker.preprocess.ImagePreprocessor;
import io.radflow.worker.preprocess.PixelDataImages;
import io.radflow.worker.preprocess.PreprocessSettings;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * {@code ./radflow bench worker}: jobs per second through a whole worker (consume, fetch, decode,
 * pre-process, run, validate, publish in transactions) for the bundled ONNX classifier, beside
 * bare ONNX Runtime running the same model on the same already-decoded inputs with the same
 * session options, in the same run, at each batch size; and the ratio of the two.
 */
public final class WorkerBenchmark {

    /** The bundled model: a small CNN (3 conv layers, 1x224x224 input, ~94M multiply-adds per image). */
    public static final String MODEL_RESOURCE = "/io/radflow/bench/worker/classifier.onnx";

    /**
     * What to measure.
     *
     * @param rounds   each side is measured this many times, alternating, and its best round counts:
     *                 on a shared machine the best round is the one least disturbed by others
     * @param jpeg2000 also measure the largest batch size with the same file in JPEG 2000 (made by
     *                 GDCM here), beside GDCM's bare decode rate of that file in this JVM
     */
    public record Options(int jobs, List<Integer> batchSizes, int intraOpThreads, Path dicom, int warmupJobs, int rounds,
                          boolean jpeg2000) {
    }

    /**
     * One batch size's figures; the CPU times per job (best rounds) show the work itself, apart
     * from how much CPU the machine gave each side.
     */
    public record Row(int batchSize, double workerJobsPerSecond, double bareJobsPerSecond, double workerExecCpuMs,
                      double workerJvmCpuMs, double bareCpuMs) {
        public double ratio() {
            return workerJobsPerSecond / bareJobsPerSecond;
        }
    }

    private final RadflowConfig common;
    private final Options options;
    private final PrintWriter out;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    public WorkerBenchmark(RadflowConfig common, Options options, PrintWriter out) {
        this.common = common;
        this.options = options;
        this.out = out;
    }

    public List<Row> run() throws Exception {
        Path dir = Files.createTempDirectory("radflow-bench-worker-");
        try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistrySettings.from(common));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                     common.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS), "acks", "all", "linger.ms", "5"),
                     new StringSerializer(), new ByteArraySerializer())) {
            TopicSerdes serdes = new TopicSerdes(registry, true);
            BenchJobs.Stores stores = BenchJobs.Stores.in(dir, options.dicom());
            Path contentDir = stores.contentDir();
            Path artifactDir = stores.artifactDir();
            StoredContent dicom = stores.dicom();
            Path modelFile = stores.modelFile();
            StoredContent model = stores.model();
            DicomAttributes attrs = stores.attrs();
            float[] input = decodedInput(Files.readAllBytes(options.dicom()));

            out.printf("Worker benchmark: %s (CNN, 1x224x224 input, ~0.7 GMAC per image) on %s; %d jobs per round, "
                    + "best of %d alternating rounds per side after %d warm-up jobs each; ONNX Runtime intra-op threads %d, worker threads 1%n",
                    modelFile.getFileName(), options.dicom().getFileName(), options.jobs(), options.rounds(), options.warmupJobs(),
                    options.intraOpThreads());
            out.printf("%6s %16s %18s %7s   %s%n", "batch", "worker jobs/s", "bare ORT jobs/s", "ratio",
                    "CPU ms/job: worker executor thread, worker JVM (broker included), bare ORT");
            out.flush();
            List<Row> rows = new ArrayList<>();
            for (int batch : options.batchSizes()) {
                Row row = measure(serdes, producer, contentDir, artifactDir, dicom, model, attrs, modelFile, input, batch);
                rows.add(row);
                out.printf("%6d %16.1f %18.1f %7.2f   %.1f, %.1f, %.1f%n", batch, row.workerJobsPerSecond(), row.bareJobsPerSecond(),
                        row.ratio(), row.workerExecCpuMs(), row.workerJvmCpuMs(), row.bareCpuMs());
                out.flush();
            }
            if (options.jpeg2000()) {
                // The same pixels in JPEG 2000 lossless: the bare ORT side keeps the same tensor.
                Path j2k = GdcmBare.toJpeg2000Lossless(options.dicom(), dir.resolve("jpeg2000.dcm"));
                StoredContent j2kContent = new FileContentStore(contentDir).put(j2k);
                int batch = options.batchSizes().stream().mapToInt(Integer::intValue).max().orElse(16);
                GdcmBare.decodesPerSecond(j2k, Math.max(16, options.warmupJobs()));
                double bareDecode = 0;
                for (int round = 0; round < options.rounds(); round++) {
                    bareDecode = Math.max(bareDecode, GdcmBare.decodesPerSecond(j2k, options.jobs()));
                }
                Row row = measure(serdes, producer, contentDir, artifactDir, j2kContent, model, attrs, modelFile, input, batch);
                rows.add(row);
                out.printf("%6s %16.1f %18.1f %7.2f   %.1f, %.1f, %.1f   (input JPEG 2000 lossless, %d bytes)%n", batch + " J2K",
                        row.workerJobsPerSecond(), row.bareJobsPerSecond(), row.ratio(), row.workerExecCpuMs(), row.workerJvmCpuMs(),
                        row.bareCpuMs(), j2kContent.sizeBytes());
                out.printf("JPEG 2000: GDCM's bare decode of that file in this JVM, best of %d rounds: %.1f instances/s "
                        + "(%.1f ms each); the worker decodes it in a codec process, and its row above compares with bare ORT "
                        + "on the already decoded tensor%n", options.rounds(), bareDecode, 1000 / bareDecode);
                out.flush();
            }
            return rows;
        } finally {
            Directories.deleteQuietly(dir);
        }
    }

    /** The tensor the worker feeds the model for this file, computed once for the baseline. */
    private static float[] decodedInput(byte[] dicom) {
        DecodedImage img;
        try (PixelDecoder decoder = PixelDecoders.create()) {
            img = new PixelDataImages(decoder).decode(dicom);
        }
        FloatBuffer buf = FloatBuffer.allocate(224 * 224);
        ImagePreprocessor.write(img.frames().get(0), PreprocessSettings.from(Map.of()), 1, 224, 224, buf);
        return buf.array();
    }

    /** Bare ONNX Runtime: the same session options, a ready tensor of {@code batch} inputs, runs back to back. */
    private static final class Bare implements AutoCloseable {
        private final OrtSession.SessionOptions options;
        private final OrtSession session;
        private final OnnxTensor tensor;
        private final Map<String, OnnxTensor> feed;

        Bare(Path model, float[] input, int batch, int intraOpThreads) throws OrtException {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            options = new OrtSession.SessionOptions();
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(intraOpThreads);
            session = env.createSession(model.toString(), options);
            FloatBuffer buf = ByteBuffer.allocateDirect(batch * input.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            for (int i = 0; i < batch; i++) {
                buf.put(input);
            }
            buf.flip();
            tensor = OnnxTensor.createTensor(env, buf, new long[] {batch, 1, 224, 224});
            feed = Map.of(session.getInputNames().iterator().next(), tensor);
        }

        void runs(int n) throws OrtException {
            for (int i = 0; i < n; i++) {
                session.run(feed).close();
            }
        }

        @Override
        public void close() throws OrtException {
            tensor.close();
            session.close();
            options.close();
        }
    }

    private Row measure(TopicSerdes serdes, KafkaProducer<String, byte[]> producer, Path contentDir, Path artifactDir,
                        StoredContent dicom, StoredContent model, DicomAttributes attrs, Path modelFile, float[] input,
                        int batch) throws Exception {
        String modelId = "bench-" + run + "-b" + batch;
        BenchJobs.send(producer, serdes, TopicCatalog.MODEL_SETTINGS, modelId, BenchJobs.model(modelId, model, batch));
        producer.flush();
        String group = "radflow-bench-" + run + "-b" + batch;
        BenchJobs.startGroupAtEnd(common, group, TopicCatalog.INFERENCE_JOBS);
        RadflowConfig config = BenchJobs.workerConfig(common, group, options.intraOpThreads(), Math.max(64, 4 * batch), contentDir,
                artifactDir, Map.of());

        ContentRef ref = BenchJobs.content(dicom);
        int runs = Math.max(1, options.jobs() / batch);
        int jobs = runs * batch;
        double bestWorker = 0;
        double bestBare = 0;
        double[] workerCpu = {0, 0};
        double bareCpu = 0;
        try (InferenceWorker worker = InferenceWorker.builder(config).meterRegistry(new SimpleMeterRegistry()).build();
             KafkaConsumer<String, Prediction> predictions = BenchJobs.predictionReader(common, serdes);
             Bare bare = new Bare(modelFile, input, batch, options.intraOpThreads())) {
            worker.start();
            submitAndAwait(producer, serdes, predictions, modelId, ref, attrs, Math.max(options.warmupJobs(), 2 * batch));
            bare.runs(Math.max(2, options.warmupJobs() / batch));
            for (int round = 0; round < options.rounds(); round++) {
                long cpu0 = THREADS.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                bare.runs(runs);
                double bareRate = jobs / ((System.nanoTime() - t0) / 1e9);
                if (bareRate > bestBare) {
                    bestBare = bareRate;
                    bareCpu = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e6 / jobs;
                }
                long exec0 = executorCpuNanos();
                long jvm0 = jvmCpuNanos();
                t0 = System.nanoTime();
                submitAndAwait(producer, serdes, predictions, modelId, ref, attrs, jobs);
                double workerRate = jobs / ((System.nanoTime() - t0) / 1e9);
                if (workerRate > bestWorker) {
                    bestWorker = workerRate;
                    workerCpu[0] = (executorCpuNanos() - exec0) / 1e6 / jobs;
                    workerCpu[1] = (jvmCpuNanos() - jvm0) / 1e6 / jobs;
                }
            }
        }
        return new Row(batch, bestWorker, bestBare, workerCpu[0], workerCpu[1], bareCpu);
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** CPU time of the worker's executor threads so far. */
    private static long executorCpuNanos() {
        long total = 0;
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("worker-exec-")) {
                total += Math.max(0, THREADS.getThreadCpuTime(t.getThreadId()));
            }
        }
        return total;
    }

    /** CPU time of this whole JVM so far: worker, broker and the benchmark's own producer and reader. */
    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private int submitAndAwait(KafkaProducer<String, byte[]> producer, TopicSerdes serdes, KafkaConsumer<String, Prediction> predictions,
                               String modelId, ContentRef ref, DicomAttributes attrs, int count) throws Exception {
        Set<String> pending = new HashSet<>();
        for (int i = 0; i < count; i++) {
            String jobId = modelId + "-" + UUID.randomUUID();
            pending.add(jobId);
            BenchJobs.send(producer, serdes, TopicCatalog.INFERENCE_JOBS, jobId, BenchJobs.job(jobId, modelId, ref, attrs, null));
        }
        producer.flush();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!pending.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(pending.size() + " of " + count + " jobs produced no prediction within 10 minutes");
            }
            for (ConsumerRecord<String, Prediction> r : predictions.poll(Duration.ofMillis(50))) {
                pending.remove(r.value().getJobId());
            }
        }
        return count;
    }
}

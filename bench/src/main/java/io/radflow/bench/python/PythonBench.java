package io.radflow.bench.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.kafka.KafkaClientProperties;
import io.radflow.content.FileContentStore;
import io.radflow.content.StorageConfig;
import io.radflow.content.StoredContent;
import io.radflow.dicom.DicomAttributes;
import io.radflow.dicom.DicomReader;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.Artifact;
import io.radflow.schemas.avro.Batching;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.InputType;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.JobTrigger;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.schemas.avro.ModelFileType;
import io.radflow.schemas.avro.ModelLibrary;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import io.radflow.worker.InferenceWorker;
import io.radflow.worker.WorkerConfig;
import io.radflow.worker.consumer.GroupOffsets;
import io.radflow.worker.runtime.mdai.MdaiConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./radflow bench python}: jobs/s of an MD.ai package through a real worker (jobs on
 * {@code inference-jobs}, content fetched and checked, the package's Python process, outputs
 * checked and validated, predictions and statuses published in Kafka transactions) beside a plain
 * Python loop calling the same {@code MDAIModel.predict} over the same files, already in memory,
 * measured in the same run. Measurements alternate (loop, worker, loop, worker...) on a machine
 * whose load may drift. CPU time per job is reported too: it shows the worker's own cost apart
 * from the load.
 *
 * <p>The package is the one in this folder's {@code model/}: a small numpy CNN per image.
 * Throughput through the worker runs from the first job sent to the last final status read.
 */
public final class PythonBench {

    private static final String[] PACKAGE_FILES = {".mdai/mdai_deploy.py", ".mdai/config.yaml", "requirements.txt"};
    private static final Duration WAIT = Duration.ofMinutes(10);

    /**
     * @param jobs    jobs per measurement
     * @param rounds  measurements of each kind, interleaved (loop, worker, loop, worker...)
     * @param workDir scratch space for the package and the baseline script
     */
    public record Options(int jobs, int batchSize, int rounds, List<Path> files, Path workDir) {
    }

    /**
     * One round: the plain loop, then the worker, each over {@code jobs} jobs.
     *
     * @param workerCpuPerJob CPU seconds per job of the worker's own threads (consumer loop, executors, its Kafka
     *                        clients' threads, runtime threads)
     * @param jvmCpuPerJob    CPU seconds per job of this whole JVM (the worker, the benchmark's clients, an embedded
     *                        broker, JIT and GC) during the worker's measurement
     * @param runnerCpuPerJob CPU seconds per job of the package's Python process during the worker's measurement
     */
    public record Round(double loopJobsPerSecond, double loopCpuPerJob, double workerJobsPerSecond, double runnerCpuPerJob,
                        double workerCpuPerJob, double jvmCpuPerJob) {

        public double ratio() {
            return workerJobsPerSecond / loopJobsPerSecond;
        }
    }

    /**
     * All rounds. As in {@code ./radflow bench worker}, each side's best round counts: on a shared
     * machine it is the one least disturbed by other processes; the median of the rounds' own
     * ratios (each from two measurements taken next to each other) is given beside it.
     */
    public record Result(int jobs, int batchSize, int files, List<Round> rounds) {

        public double bestLoopJobsPerSecond() {
            return rounds.stream().mapToDouble(Round::loopJobsPerSecond).max().orElse(Double.NaN);
        }

        public double bestWorkerJobsPerSecond() {
            return rounds.stream().mapToDouble(Round::workerJobsPerSecond).max().orElse(Double.NaN);
        }

        public double ratio() {
            return bestWorkerJobsPerSecond() / bestLoopJobsPerSecond();
        }

        public double medianRoundRatio() {
            double[] v = rounds.stream().mapToDouble(Round::ratio).sorted().toArray();
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
    }

    private PythonBench() {
    }

    public static Result run(RadflowConfig config, Options o, Consumer<String> progress) throws Exception {
        Path pkg = extractPackage(o.workDir().resolve("package"));
        Path loop = extract("python_loop.py", o.workDir().resolve("python_loop.py"));
        String python = config.get(MdaiConfig.PYTHON);

        FileContentStore content = new FileContentStore(config.get(StorageConfig.CONTENT_STORE_DIR));
        FileContentStore artifacts = new FileContentStore(config.get(StorageConfig.ARTIFACT_STORE_DIR));
        List<JobInstance> instances = new ArrayList<>();
        for (Path f : o.files()) {
            StoredContent c = content.put(f);
            DicomAttributes a = DicomReader.headerOnly().read(f).attributes();
            instances.add(JobInstance.newBuilder().setStudyInstanceUid(a.studyInstanceUid()).setSeriesInstanceUid(a.seriesInstanceUid())
                    .setSopInstanceUid(a.sopInstanceUid()).setUploadedAt(Instant.now())
                    .setContent(ContentRef.newBuilder().setUri(c.uri().toString()).setContentType("application/dicom")
                            .setSizeBytes(c.sizeBytes()).setSha256(c.sha256()).build()).build());
        }
        StoredContent zip = artifacts.put(zip(pkg, o.workDir().resolve("bench-model.zip")));
        String run = UUID.randomUUID().toString().substring(0, 8);
        String modelId = "bench-python-" + run;
        String group = config.get(WorkerConfig.GROUP_ID);

        List<Round> rounds = new ArrayList<>();
        try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistrySettings.from(config));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(config), new StringSerializer(),
                     new ByteArraySerializer())) {
            TopicSerdes serdes = TopicSerdes.from(registry, config);
            send(producer, serdes, TopicCatalog.MODEL_SETTINGS, modelId, settings(modelId, run, zip, o.batchSize()));
            startGroupAtEnd(config);
            try (InferenceWorker w = InferenceWorker.create(config);
                 StatusReader statuses = new StatusReader(config, serdes)) {
                w.start();
                long assignDeadline = System.nanoTime() + WAIT.toNanos();
                while (!w.assigned() && System.nanoTime() < assignDeadline) {
                    Thread.sleep(20);
                }
                // Warm-up: load the package and let the JIT compile the worker's paths before measuring.
                // Measured here: the JVM's own CPU per job halves over the first few hundred jobs.
                int warmJobs = Math.max(instances.size(), 2 * o.jobs());
                progress.accept("worker started; warming up (loading the package, " + warmJobs + " jobs)...");
                List<InferenceJob> warm = jobs(modelId, run + "-warm", instances, warmJobs);
                warm.forEach(j -> send(producer, serdes, TopicCatalog.INFERENCE_JOBS, j.getJobId(), j));
                producer.flush();
                statuses.await(ids(warm));
                for (int r = 1; r <= o.rounds(); r++) {
                    progress.accept("round " + r + " of " + o.rounds() + ": plain Python loop, then the worker, " + o.jobs() + " jobs each...");
                    double[] plain = loop(python, loop, pkg, o);
                    List<InferenceJob> timed = jobs(modelId, run + "-r" + r, instances, o.jobs());
                    double jvm0 = cpuSeconds(ProcessHandle.current());
                    Map<Long, Long> threads0 = workerThreadCpu(w.workerId(), group);
                    double runner0 = runnerCpuSeconds();
                    long t0 = System.nanoTime();
                    timed.forEach(j -> send(producer, serdes, TopicCatalog.INFERENCE_JOBS, j.getJobId(), j));
                    producer.flush();
                    statuses.await(ids(timed));
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    double jvmCpu = (cpuSeconds(ProcessHandle.current()) - jvm0) / o.jobs();
                    Map<Long, Long> threads1 = workerThreadCpu(w.workerId(), group);
                    double workerCpu = threads1.entrySet().stream()
                            .mapToLong(e -> e.getValue() - threads0.getOrDefault(e.getKey(), 0L)).sum() / 1e9 / o.jobs();
                    double runnerCpu = (runnerCpuSeconds() - runner0) / o.jobs();
                    rounds.add(new Round(plain[0], plain[1], o.jobs() / seconds, runnerCpu, workerCpu, jvmCpu));
                }
            }
        }
        return new Result(o.jobs(), o.batchSize(), o.files().size(), rounds);
    }

    private static double cpuSeconds(ProcessHandle p) {
        return p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** CPU nanoseconds by thread id of the worker's threads: named after the worker, its id or its group. */
    private static Map<Long, Long> workerThreadCpu(String workerId, String group) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, Long> out = new HashMap<>();
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            String n = t.getThreadName();
            if (n.startsWith("worker-") || n.startsWith("mdai-") || n.startsWith("http-model") || n.startsWith("onnx-")
                    || n.contains(workerId) || n.contains(group)) {
                long cpu = mx.getThreadCpuTime(t.getThreadId());
                if (cpu >= 0) {
                    out.put(t.getThreadId(), cpu);
                }
            }
        }
        return out;
    }

    /** CPU time of this JVM's MD.ai runner processes (the benchmark loads one). */
    private static double runnerCpuSeconds() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("radflow_mdai_runner")).orElse(false))
                .mapToDouble(PythonBench::cpuSeconds).sum();
    }

    private static ModelSettings settings(String modelId, String run, StoredContent zip, int batchSize) {
        List<LabelClass> labels = List.of(
                LabelClass.newBuilder().setClassIndex(0).setLabelId("L_normal").setName("Normal").setType(LabelType.GLOBAL)
                        .setScope(Scope.INSTANCE).build(),
                LabelClass.newBuilder().setClassIndex(1).setLabelId("L_abnormal").setName("Abnormal").setType(LabelType.GLOBAL)
                        .setScope(Scope.INSTANCE).build());
        ModelVersion v = ModelVersion.newBuilder().setVersion(1).setRuntime(RuntimeKind.MDAI_PYTHON).setScope(Scope.INSTANCE)
                .setInputType(InputType.DICOM).setDevice(Device.CPU)
                .setArtifact(Artifact.newBuilder().setUri(zip.uri().toString()).setSha256(zip.sha256()).setSizeBytes(zip.sizeBytes())
                        .setFileName("bench-model.zip").build())
                .setLabelClasses(labels).setBatching(new Batching(batchSize, batchSize > 1 ? 20 : 0)).setCreatedAt(Instant.now()).build();
        return ModelSettings.newBuilder().setModelId(modelId).setProjectId("bench-" + run).setOwnerId("bench").setName("bench-python")
                .setLibrary(ModelLibrary.MDAI).setFileType(ModelFileType.ZIP).setVersions(List.of(v)).setCreatedAt(Instant.now())
                .setUpdatedAt(Instant.now()).build();
    }

    private static List<InferenceJob> jobs(String modelId, String prefix, List<JobInstance> instances, int n) {
        List<InferenceJob> jobs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            JobInstance inst = instances.get(i % instances.size());
            jobs.add(InferenceJob.newBuilder().setJobId(prefix + "-job-" + i).setProjectId("bench").setDatasetId("bench")
                    .setModelId(modelId).setModelVersion(1).setScope(Scope.INSTANCE).setScopeUid(inst.getSopInstanceUid())
                    .setStudyInstanceUid(inst.getStudyInstanceUid()).setInstances(List.of(inst)).setTrigger(JobTrigger.MANUAL)
                    .setCreatedAt(Instant.now()).build());
        }
        return jobs;
    }

    private static Set<String> ids(List<InferenceJob> jobs) {
        Set<String> ids = new HashSet<>();
        jobs.forEach(j -> ids.add(j.getJobId()));
        return ids;
    }

    private static <V> void send(KafkaProducer<String, byte[]> producer, TopicSerdes serdes, Topic<String, V> topic, String key, V value) {
        producer.send(new ProducerRecord<>(topic.name(), key, serdes.valueSerializer(topic).serialize(topic.name(), value)));
    }

    private static Map<String, Object> producerProps(RadflowConfig config) {
        Map<String, Object> props = KafkaClientProperties.base(config);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return props;
    }

    /** A new group must not run jobs already on the topic (an external cluster may have some). */
    private static void startGroupAtEnd(RadflowConfig config) throws Exception {
        try (Admin admin = Admin.create(KafkaClientProperties.base(config))) {
            GroupOffsets.startAtEnd(admin, config.get(WorkerConfig.GROUP_ID), TopicCatalog.INFERENCE_JOBS.name());
        }
    }

    /** Reads job-status (read_committed) from where it ended when created. */
    private static final class StatusReader implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;
        private final org.apache.kafka.common.serialization.Deserializer<JobStatus> values;

        StatusReader(RadflowConfig config, TopicSerdes serdes) {
            Map<String, Object> props = KafkaClientProperties.base(config);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            String topic = TopicCatalog.JOB_STATUS.name();
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofMinutes(1)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position);
            values = serdes.valueDeserializer(TopicCatalog.JOB_STATUS);
        }

        void await(Set<String> jobIds) {
            Set<String> open = new HashSet<>(jobIds);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!open.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(open.size() + " jobs did not finish within " + WAIT.toMinutes() + " minutes");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.value() == null || !open.contains(r.key())) {
                        continue;
                    }
                    JobStatus s = values.deserialize(r.topic(), r.value());
                    if (s.getState() == JobState.FAILED) {
                        throw new IllegalStateException("benchmark job " + s.getJobId() + " failed: " + s.getReason() + " " + s.getMessage());
                    }
                    if (s.getState() == JobState.SUCCEEDED) {
                        open.remove(s.getJobId());
                    }
                }
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /** Jobs per second and CPU seconds per job of the plain loop. */
    private static double[] loop(String python, Path script, Path pkg, Options o) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), pkg.toString(), Integer.toString(o.jobs())));
        o.files().forEach(f -> cmd.add(f.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("the plain Python loop failed (exit " + p.exitValue() + "): " + out);
        }
        JsonNode result = new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
        int jobs = result.get("jobs").asInt();
        return new double[] {jobs / result.get("seconds").asDouble(), result.get("cpu_seconds").asDouble() / jobs};
    }

    private static Path extractPackage(Path root) throws IOException {
        for (String f : PACKAGE_FILES) {
            extract("model/" + f, root.resolve(f));
        }
        return root;
    }

    private static Path extract(String resource, Path target) throws IOException {
        try (InputStream in = PythonBench.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("benchmark resource " + resource + " is missing");
            }
            Files.createDirectories(target.getParent());
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    private static Path zip(Path root, Path zip) {
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            for (String f : PACKAGE_FILES) {
                z.putNextEntry(new ZipEntry("model/" + f));
                z.write(Files.readAllBytes(root.resolve(f)));
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return zip;
    }
}

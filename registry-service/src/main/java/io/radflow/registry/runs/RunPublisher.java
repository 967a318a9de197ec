package io.radflow.registry.runs;

import io.radflow.common.config.RadflowConfig;
import io.radflow.common.error.Reason;
import io.radflow.common.kafka.KafkaClientProperties;
import io.radflow.registry.RegistryException;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.ModelRun;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a run: its jobs on {@code run-jobs} (workers take them only while fresh auto-run jobs
 * leave room) and its record on {@code model-runs} in one
 * transaction, so a run is either there with all its jobs or not at all. One producer per process,
 * with a transactional id of its own: runs are new records, there is nothing to fence.
 */
public final class RunPublisher implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final TopicSerdes serdes;

    public RunPublisher(RadflowConfig config, TopicSerdes serdes) {
        Map<String, Object> props = KafkaClientProperties.base(config);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "radflow-registry-runs-" + UUID.randomUUID());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "radflow-registry-runs");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.serdes = serdes;
        producer.initTransactions();
    }

    synchronized void publish(List<InferenceJob> jobs, ModelRun run) {
        String jobsTopic = TopicCatalog.RUN_JOBS.name();
        String runsTopic = TopicCatalog.MODEL_RUNS.name();
        try {
            producer.beginTransaction();
            for (InferenceJob job : jobs) {
                producer.send(new ProducerRecord<>(jobsTopic, job.getJobId(),
                        serdes.valueSerializer(TopicCatalog.RUN_JOBS).serialize(jobsTopic, job)));
            }
            producer.send(new ProducerRecord<>(runsTopic, run.getRunId(), serdes.valueSerializer(TopicCatalog.MODEL_RUNS).serialize(runsTopic, run)));
            producer.commitTransaction();
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException ignored) {
                // the transaction is aborted by the coordinator when it times out
            }
            throw new RegistryException(Reason.WRITE_NOT_CONFIRMED, "the run could not be published (no job was): " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}

package io.radflow.registry.commands;

import io.radflow.registry.RegistryMetrics;
import io.radflow.registry.view.ViewStores;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.MarkModelUsed;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.RegistryCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the workers' {@code job-status} events into "model used" commands, so a model's
 * lastUsedAt (and the {@code used} filter of the API) follows what actually ran. It asks only when
 * the view's lastUsedAt is older than the resolution; the command processor re-checks.
 *
 * <p>job-status belongs to the workers: a record this service cannot decode is counted and
 * logged, and only costs a lastUsedAt update; it must not stop the registry.
 */
public final class UsageProcessor implements Processor<String, byte[], String, RegistryCommand> {

    private static final Logger log = LoggerFactory.getLogger(UsageProcessor.class);

    private final Deserializer<JobStatus> deserializer;
    private final Duration resolution;
    private final RegistryMetrics metrics;
    private ProcessorContext<String, RegistryCommand> context;
    private KeyValueStore<String, ModelSettings> models;

    public UsageProcessor(Deserializer<JobStatus> deserializer, Duration resolution, RegistryMetrics metrics) {
        this.deserializer = deserializer;
        this.resolution = resolution;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, RegistryCommand> context) {
        this.context = context;
        models = context.getStateStore(ViewStores.MODELS.storeName());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        JobStatus status;
        try {
            status = deserializer.deserialize(context.recordMetadata().map(m -> m.topic()).orElse("job-status"), record.value());
        } catch (RuntimeException e) {
            metrics.undecodableJobStatus();
            log.warn("cannot decode a job-status record; lastUsedAt not updated for it key={} error={}", record.key(), e.toString());
            return;
        }
        if (status == null || status.getState() == JobState.QUEUED) {
            return;
        }
        ModelSettings model = models.get(status.getModelId());
        if (model == null) {
            return;
        }
        Instant usedAt = status.getUpdatedAt();
        Instant last = model.getLastUsedAt();
        if (last != null && (!usedAt.isAfter(last) || usedAt.isBefore(last.plus(resolution)))) {
            return;
        }
        RegistryCommand command = RegistryCommand.newBuilder().setCommandId(UUID.randomUUID().toString())
                .setIssuedBy("job-status").setIssuedAt(usedAt).setExpectedRevision(-1).setReplyWanted(false)
                .setAction(new MarkModelUsed(model.getModelId(), usedAt)).build();
        context.forward(new Record<>(model.getProjectId(), command, record.timestamp()));
    }
}

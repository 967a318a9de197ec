package io.radflow.registry.commands;

import io.radflow.schemas.avro.CommandOutcome;
import io.radflow.schemas.avro.CommandReply;
import io.radflow.schemas.avro.MarkModelUsed;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.schemas.avro.PurgeModel;
import io.radflow.schemas.avro.PutModel;
import io.radflow.schemas.avro.PutProject;
import io.radflow.schemas.avro.RegistryCommand;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The single writer of {@code model-settings} and {@code project-settings}. Commands are keyed by
 * project id, so one task sees every write to a project and its models, in order, and its stores
 * (changelogged, exactly-once) always hold the latest state it wrote. Each command is a
 * compare-and-set on a revision: it applies only if the writer computed it from the current
 * revision, which rules out lost updates between concurrent requests on any number of instances.
 * Model names are unique per project through a name index in the same task.
 *
 * <p>The event, the store updates and the reply commit in one transaction: once a writer sees the
 * reply, the event is on the topic.
 */
public final class CommandProcessor implements Processor<String, RegistryCommand, String, SpecificRecord> {

    private final Duration lastUsedResolution;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, ModelSettings> models;
    private KeyValueStore<String, String> names;
    private KeyValueStore<String, ProjectSettings> projects;

    public CommandProcessor(Duration lastUsedResolution) {
        this.lastUsedResolution = lastUsedResolution;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        models = context.getStateStore(CommandStores.MODELS);
        names = context.getStateStore(CommandStores.MODEL_NAMES);
        projects = context.getStateStore(CommandStores.PROJECTS);
    }

    @Override
    public void process(Record<String, RegistryCommand> record) {
        RegistryCommand command = record.value();
        if (command == null || record.key() == null) {
            return;
        }
        Object action = command.getAction();
        CommandReply reply;
        if (action instanceof PutModel put) {
            reply = putModel(record, command, put.getModel());
        } else if (action instanceof PurgeModel purge) {
            reply = purgeModel(record, command, purge.getModelId());
        } else if (action instanceof PutProject put) {
            reply = putProject(record, command, put.getProject());
        } else if (action instanceof MarkModelUsed used) {
            reply = markUsed(record, command, used);
        } else {
            reply = reply(command, CommandOutcome.REJECTED, 0, "unknown action " + action);
        }
        if (command.getReplyWanted()) {
            context.forward(new Record<String, SpecificRecord>(command.getCommandId(), reply, record.timestamp()), CommandStores.REPLIES_SINK);
        }
    }

    private CommandReply putModel(Record<String, RegistryCommand> record, RegistryCommand command, ModelSettings model) {
        if (!record.key().equals(model.getProjectId())) {
            return reply(command, CommandOutcome.REJECTED, 0, "model of project " + model.getProjectId() + " sent with key " + record.key());
        }
        ModelSettings current = models.get(model.getModelId());
        long currentRevision = current == null ? 0 : current.getRevision();
        if (currentRevision != command.getExpectedRevision()) {
            return reply(command, CommandOutcome.REVISION_CONFLICT, currentRevision, "model is at revision " + currentRevision);
        }
        if (current != null && !current.getProjectId().equals(model.getProjectId())) {
            return reply(command, CommandOutcome.REJECTED, currentRevision, "a model cannot move to another project");
        }
        String nameKey = nameKey(model.getProjectId(), model.getName());
        String holder = names.get(nameKey);
        if (holder != null && !holder.equals(model.getModelId())) {
            return reply(command, CommandOutcome.NAME_TAKEN, 0, "project " + model.getProjectId() + " already has a model named " + model.getName());
        }
        if (current != null && !current.getName().equals(model.getName())) {
            names.delete(nameKey(current.getProjectId(), current.getName()));
        }
        ModelSettings next = ModelSettings.newBuilder(model).setRevision(currentRevision + 1).build();
        models.put(next.getModelId(), next);
        names.put(nameKey, next.getModelId());
        context.forward(new Record<String, SpecificRecord>(next.getModelId(), next, record.timestamp()), CommandStores.MODEL_SETTINGS_SINK);
        return reply(command, CommandOutcome.ACCEPTED, next.getRevision(), "");
    }

    private CommandReply purgeModel(Record<String, RegistryCommand> record, RegistryCommand command, String modelId) {
        ModelSettings current = models.get(modelId);
        if (current == null || !current.getProjectId().equals(record.key())) {
            return reply(command, CommandOutcome.NOT_FOUND, 0, "no model " + modelId + " in project " + record.key());
        }
        if (current.getRevision() != command.getExpectedRevision()) {
            return reply(command, CommandOutcome.REVISION_CONFLICT, current.getRevision(), "model is at revision " + current.getRevision());
        }
        models.delete(modelId);
        names.delete(nameKey(current.getProjectId(), current.getName()));
        context.forward(new Record<String, SpecificRecord>(modelId, null, record.timestamp()), CommandStores.MODEL_SETTINGS_SINK);
        return reply(command, CommandOutcome.ACCEPTED, 0, "");
    }

    private CommandReply putProject(Record<String, RegistryCommand> record, RegistryCommand command, ProjectSettings project) {
        if (!record.key().equals(project.getProjectId())) {
            return reply(command, CommandOutcome.REJECTED, 0, "project " + project.getProjectId() + " sent with key " + record.key());
        }
        ProjectSettings current = projects.get(project.getProjectId());
        long currentRevision = current == null ? 0 : current.getRevision();
        if (currentRevision != command.getExpectedRevision()) {
            return reply(command, CommandOutcome.REVISION_CONFLICT, currentRevision, "project is at revision " + currentRevision);
        }
        ProjectSettings next = ProjectSettings.newBuilder(project).setRevision(currentRevision + 1).build();
        projects.put(next.getProjectId(), next);
        context.forward(new Record<String, SpecificRecord>(next.getProjectId(), next, record.timestamp()), CommandStores.PROJECT_SETTINGS_SINK);
        return reply(command, CommandOutcome.ACCEPTED, next.getRevision(), "");
    }

    /** Moves lastUsedAt forward by at least the resolution; no compare-and-set (it merges). */
    private CommandReply markUsed(Record<String, RegistryCommand> record, RegistryCommand command, MarkModelUsed used) {
        ModelSettings current = models.get(used.getModelId());
        if (current == null || !current.getProjectId().equals(record.key())) {
            return reply(command, CommandOutcome.NOT_FOUND, 0, "no model " + used.getModelId());
        }
        Instant last = current.getLastUsedAt();
        Instant at = used.getUsedAt();
        if (last != null && (!at.isAfter(last) || at.isBefore(last.plus(lastUsedResolution)))) {
            return reply(command, CommandOutcome.ACCEPTED, current.getRevision(), "already recorded");
        }
        ModelSettings next = ModelSettings.newBuilder(current).setLastUsedAt(at).setRevision(current.getRevision() + 1).build();
        models.put(next.getModelId(), next);
        context.forward(new Record<String, SpecificRecord>(next.getModelId(), next, record.timestamp()), CommandStores.MODEL_SETTINGS_SINK);
        return reply(command, CommandOutcome.ACCEPTED, next.getRevision(), "");
    }

    static String nameKey(String projectId, String name) {
        // '/' cannot occur in project ids (see Names), so the key is unambiguous.
        return projectId + "/" + name;
    }

    private static CommandReply reply(RegistryCommand command, CommandOutcome outcome, long revision, String message) {
        return new CommandReply(command.getCommandId(), outcome, revision, message);
    }
}

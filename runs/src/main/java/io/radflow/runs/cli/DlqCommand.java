package io.radflow.runs.cli;

import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.runs.replay.DeadLetterReplay;
import io.radflow.runs.replay.ReplayFilter;
import io.radflow.runs.replay.ReplayItem;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./radflow dlq}: the dead-letter topics, and publishing their records again once the cause is fixed. */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "Dead letters: publish them again once their cause is fixed (replay).",
        subcommands = DlqCommand.Replay.class)
public final class DlqCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: replay");
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Publish the dead letters of a topic again, each to the topic it was first consumed from, and print "
                    + "a line per dead letter saying what was done.",
                "A dead letter is replayed at most once; a job that succeeded since, or is queued or running, is left alone."})
    static final class Replay implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConnectionOptions connection;

        @Option(names = "--topic", required = true, paramLabel = "inference-jobs-dlq|dataset-uploads-dlq",
                description = "The dead-letter topic to replay.")
        String topic;

        @Option(names = "--reason", paramLabel = "REASON", description = "Only dead letters of this reason (e.g. MODEL_LOAD_FAILED, UNKNOWN_PROJECT).")
        String reason;

        @Option(names = "--since", paramLabel = "TIME", description = "Only dead letters from this time on (ISO-8601, e.g. 2026-12-04T10:00:00Z).")
        String since;

        @Option(names = "--dry-run", description = "Say what would be replayed, publish nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            Topic<?, ?> deadLetters = DeadLetterReplay.REPLAYABLE.stream().filter(t -> t.name().equals(topic)).findFirst()
                    .orElseThrow(() -> new ParameterException(spec.commandLine(), "--topic must be one of "
                            + DeadLetterReplay.REPLAYABLE.stream().map(Topic::name).collect(Collectors.joining(", ")) + ", not " + topic));
            ReplayFilter filter = new ReplayFilter(Optional.ofNullable(reason), Optional.ofNullable(since).map(this::time));
            RadflowConfig config = connection.load(CommonConfig.DEFINITION);
            PrintWriter out = spec.commandLine().getOut();
            List<ReplayItem> items;
            try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistrySettings.from(config))) {
                DeadLetterReplay replay = new DeadLetterReplay(config, TopicSerdes.from(registry, config), System.getProperty("user.name"));
                items = replay.replay(deadLetters, filter, dryRun);
            } catch (KafkaException e) {
                spec.commandLine().getErr().println(spec.commandLine().getColorScheme().errorText("dlq replay: " + e.getMessage()));
                return 1;
            }
            for (ReplayItem i : items) {
                out.println(String.join("\t", i.decision().name().toLowerCase(java.util.Locale.ROOT), i.coordinates(),
                        String.valueOf(i.key()), String.valueOf(i.reason()), String.valueOf(i.failedAt()), i.detail()));
            }
            Map<ReplayItem.Decision, Long> counts = new EnumMap<>(ReplayItem.Decision.class);
            items.forEach(i -> counts.merge(i.decision(), 1L, Long::sum));
            out.println(items.size() + " dead letters of " + deadLetters.name() + (items.isEmpty() ? "" : ": " + counts.entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
                    .collect(Collectors.joining(", "))) + (dryRun ? " (dry run: nothing published)" : ""));
            out.flush();
            return 0;
        }

        private Instant time(String value) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new ParameterException(spec.commandLine(), "--since must be an ISO-8601 time such as 2026-12-04T10:00:00Z, not " + value);
            }
        }
    }
}

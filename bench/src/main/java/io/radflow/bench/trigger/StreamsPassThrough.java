package io.radflow.bench.trigger;

import io.radflow.common.kafka.StreamsExceptionHandling;
import io.radflow.trigger.TriggerStreamsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * A Kafka Streams app that copies records unchanged, with the trigger's guarantee and commit
 * interval: the framework's own cost, so the report separates it from the trigger's logic.
 */
final class StreamsPassThrough implements AutoCloseable {

    private final KafkaStreams streams;
    private final Path stateDir;

    StreamsPassThrough(String bootstrapServers, String input, String output, String applicationId, Duration commitInterval)
            throws java.io.IOException {
        stateDir = Files.createTempDirectory("radflow-bench-streams-");
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        p.putAll(StreamsExceptionHandling.globalHandlerEnabled());
        // The same framework settings as the trigger, so the diagnostic shows the framework's share of its cost.
        p.putAll(TriggerStreamsConfig.singleInputTaskSettings());
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(p)));
        builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        streams = new KafkaStreams(builder.build(), p);
        streams.start();
    }

    ThreadTimeSplit timeSplit() {
        return ThreadTimeSplit.of(streams.metrics());
    }

    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        streams.cleanUp();
        stateDir.toFile().delete();
    }
}

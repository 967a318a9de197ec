package io.radflow.trigger;

import io.radflow.common.config.RadflowConfig;
import io.radflow.common.kafka.KafkaClientProperties;
import io.radflow.common.kafka.StreamsExceptionHandling;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** Kafka Streams properties of the trigger, from its configuration. */
public final class TriggerStreamsConfig {

    private TriggerStreamsConfig() {
    }

    /** @param stateDir where the local state lives (the configured trigger.state.dir, or a temporary one) */
    public static Properties properties(RadflowConfig config, Path stateDir) {
        Properties p = new Properties();
        p.putAll(KafkaClientProperties.base(config));
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.get(TriggerConfig.APPLICATION_ID));
        // Jobs, state changes and consumed offsets commit in one transaction: no job lost or duplicated.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Kafka 5 default: failures in the global settings processors go through the same handler.
        p.putAll(StreamsExceptionHandling.globalHandlerEnabled());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.get(TriggerConfig.STREAM_THREADS));
        long commitMs = config.get(TriggerConfig.COMMIT_INTERVAL).toMillis();
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitMs);
        p.put(StreamsConfig.POLL_MS_CONFIG, pollMs(commitMs));
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.putAll(singleInputTaskSettings());
        // A new deployment processes the uploads already on the topic; settings history decides which get jobs.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.putAll(config.passThrough(TriggerConfig.STREAMS_PREFIX));
        return p;
    }

    /**
     * How long a stream thread waits in poll: a tenth of the commit interval. Kafka Streams checks
     * whether a commit is due only when a poll returns, so with its default (100 ms) a quiet
     * trigger committed a job up to one poll after the interval was over: about 110 ms from upload
     * to job at the median, measured by {@code ./radflow bench latency}, where the interval alone
     * gives half of it on average.
     */
    static long pollMs(long commitMs) {
        return Math.max(1, Math.min(100, commitMs / 10));
    }

    /**
     * Settings for tasks that read one partition of one topic, as every trigger task does (the settings
     * topics feed global stores, outside the tasks). max.task.idle.ms only decides how long a task with
     * several input partitions waits to process them in timestamp order; with one there is nothing to
     * wait for, and -1 skips the readiness bookkeeping Kafka Streams otherwise does for every record.
     */
    public static Properties singleInputTaskSettings() {
        Properties p = new Properties();
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        return p;
    }
}

package io.radflow.trigger;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * How the trigger decodes a settings record: a record that can never be decoded is skipped with an
 * error log and a metric (settings topics are written by the registry, not by outside systems, so
 * there is no dead-letter topic for them); a retriable failure such as an unreachable schema
 * registry is thrown, so Kafka Streams retries the record instead of losing a setting.
 */
public final class SettingsDecoding {

    private SettingsDecoding() {
    }

    public static <T> Optional<T> decode(Supplier<T> decoder, String topic, String key, Logger log, TriggerMetrics metrics) {
        try {
            return Optional.of(decoder.get());
        } catch (RuntimeException e) {
            Reason reason = RadflowException.reasonOf(e);
            if (reason.retriable()) {
                throw e;
            }
            log.error("settings record skipped topic={} key={} reason={} error={}", topic, key, reason, e.toString());
            metrics.settingsSkipped(topic);
            return Optional.empty();
        }
    }
}

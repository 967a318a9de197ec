package io.radflow.trigger;

import io.radflow.common.config.ConfigException;
import io.radflow.common.config.RadflowConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The trigger's timing rules, as the topology uses them. */
public record TriggerSettings(Duration quietPeriod, Duration groupRetention, Duration settingsHistory,
                              Duration punctuationInterval) {

    public TriggerSettings {
        List<String> problems = new ArrayList<>();
        if (groupRetention.compareTo(quietPeriod) <= 0) {
            problems.add(TriggerConfig.GROUP_RETENTION.name() + " (" + groupRetention + ") must be longer than "
                    + TriggerConfig.QUIET_PERIOD.name() + " (" + quietPeriod + "): a group must outlive its quiet period");
        }
        if (punctuationInterval.compareTo(quietPeriod) > 0) {
            problems.add(TriggerConfig.PUNCTUATION_INTERVAL.name() + " (" + punctuationInterval + ") must not exceed "
                    + TriggerConfig.QUIET_PERIOD.name() + " (" + quietPeriod + ")");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    public static TriggerSettings from(RadflowConfig config) {
        return new TriggerSettings(config.get(TriggerConfig.QUIET_PERIOD), config.get(TriggerConfig.GROUP_RETENTION),
                config.get(TriggerConfig.SETTINGS_HISTORY), config.get(TriggerConfig.PUNCTUATION_INTERVAL));
    }
}

package io.radflow.trigger;

import io.radflow.common.config.ConfigException;
import io.radflow.common.config.RadflowConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The trigger's timing rules, as the topology uses them, and how much of its state it holds in memory.
 *
 * @param instancesInMemory instances per task whose UIDs are held in memory (see {@code group.StudyIndex})
 */
public record TriggerSettings(Duration quietPeriod, Duration groupRetention, Duration settingsHistory,
                              Duration punctuationInterval, int instancesInMemory) {

    /** With the default number of instances in memory. */
    public TriggerSettings(Duration quietPeriod, Duration groupRetention, Duration settingsHistory, Duration punctuationInterval) {
        this(quietPeriod, groupRetention, settingsHistory, punctuationInterval, TriggerConfig.INSTANCES_IN_MEMORY.defaultValue());
    }

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
        if (instancesInMemory < 1) {
            problems.add(TriggerConfig.INSTANCES_IN_MEMORY.name() + " (" + instancesInMemory + ") must be at least 1");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    public static TriggerSettings from(RadflowConfig config) {
        return new TriggerSettings(config.get(TriggerConfig.QUIET_PERIOD), config.get(TriggerConfig.GROUP_RETENTION),
                config.get(TriggerConfig.SETTINGS_HISTORY), config.get(TriggerConfig.PUNCTUATION_INTERVAL),
                config.get(TriggerConfig.INSTANCES_IN_MEMORY));
    }
}

package io.radflow.launcher;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.ConfigDefinition;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.lifecycle.ManagedService;
import io.radflow.trigger.AutorunTriggerService;
import io.radflow.trigger.TriggerConfig;
import java.util.List;

/**
 * The services {@code ./radflow dev} runs in one JVM next to the embedded stack, in start order:
 * the registry service first (the others read the settings it writes), then the trigger and a
 * worker. Each service's own configuration keys join {@link #DEFINITION}.
 */
final class DevServices {

    private DevServices() {
    }

    static final ConfigDefinition DEFINITION = CommonConfig.DEFINITION.and(TriggerConfig.KEYS);

    static List<ManagedService> create(RadflowConfig config) {
        return List.of(new AutorunTriggerService(config));
    }
}

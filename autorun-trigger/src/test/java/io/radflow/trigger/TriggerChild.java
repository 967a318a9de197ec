package io.radflow.trigger;

import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * The trigger in a JVM of its own, so the restart test can kill it with SIGKILL as a crash would:
 * no close, no commit, a transaction left open. Arguments: the topic suffix, then key=value config.
 */
public final class TriggerChild {

    private TriggerChild() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> values = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            values.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        RadflowConfig config = RadflowConfig.load(TriggerConfig.DEFINITION, ConfigSource.of("arguments", values));
        AutorunTriggerService service = new AutorunTriggerService(config, TriggerTopics.withSuffix(args[0]));
        service.start();
        System.out.println("RUNNING");
        System.out.flush();
        Thread.currentThread().join();
    }
}

package io.radflow.trigger;

import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.cli.ServiceRunner;
import io.radflow.common.config.RadflowConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ./radflow autorun-trigger}: runs the trigger alone until Ctrl-C or SIGTERM. */
@Command(name = "autorun-trigger", mixinStandardHelpOptions = true,
        description = {"Run the auto-run trigger: turn dataset uploads into instance, series and study inference jobs "
                + "for every auto-run model of the project, exactly once, until Ctrl-C.",
            "Keys: trigger.* (./radflow config lists them); Kafka Streams settings pass through as trigger.streams.*."})
public final class AutorunTriggerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        RadflowConfig config = connection.load(TriggerConfig.DEFINITION);
        return ServiceRunner.runUntilStopped(new AutorunTriggerService(config), spec.commandLine().getOut(),
                "Auto-run trigger is running.");
    }
}

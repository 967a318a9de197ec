package io.radflow.launcher;

import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.cli.ServiceRunner;
import io.radflow.common.config.RadflowConfig;
import io.radflow.viewer.ViewerConfig;
import io.radflow.viewer.ViewerService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ./radflow viewer}: the prediction view and its web page against any Kafka cluster and
 * schema registry, until Ctrl-C or SIGTERM. Every instance holds the whole view, so any number
 * can run side by side (see prediction-view/DESIGN.md).
 */
@Command(name = "viewer", mixinStandardHelpOptions = true,
        description = {"Run the viewer: a web page drawing predictions over the images as they arrive, and the predictions API",
            "(/api/studies, /api/events, /openapi.json, /metrics, /health) with the registry's API keys; stay up until Ctrl-C."})
public final class ViewerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        RadflowConfig config = connection.load(ViewerConfig.DEFINITION);
        return ServiceRunner.runUntilStopped(new ViewerService(config), spec.commandLine().getOut(),
                "Radflow viewer is up: open its url in a browser.");
    }
}

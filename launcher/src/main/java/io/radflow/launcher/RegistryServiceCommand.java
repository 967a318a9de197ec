package io.radflow.launcher;

import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.cli.ServiceRunner;
import io.radflow.common.config.RadflowConfig;
import io.radflow.registry.RegistryConfig;
import io.radflow.registry.RegistryService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ./radflow registry-service}: the model registry against any Kafka cluster and schema
 * registry, until Ctrl-C or SIGTERM. Instances with the same {@code registry.application.id}
 * form one registry (they share the work and answer alike).
 */
@Command(name = "registry-service", mixinStandardHelpOptions = true,
        description = {"Run the model registry: REST API (/ml-models, /projects, /api-keys, /openapi.json, /metrics, /health)",
            "over the compacted model-settings and project-settings topics; stay up until Ctrl-C."})
public final class RegistryServiceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        RadflowConfig config = connection.load(RegistryConfig.DEFINITION);
        return ServiceRunner.runUntilStopped(new RegistryService(config), spec.commandLine().getOut(),
                "Radflow registry service is up.");
    }
}

package io.radflow.launcher;

import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.cli.DevStackState;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.lifecycle.ManagedService;
import io.radflow.common.lifecycle.ShutdownLatch;
import io.radflow.devstack.DevStack;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./radflow dev}: a real broker and schema registry on this machine with every catalog
 * topic, plus the Radflow services {@link DevServices} lists, until Ctrl-C or SIGTERM. Given
 * {@code --bootstrap-servers} and {@code --schema-registry-url}, it runs the services against
 * that cluster instead. Other commands of the same checkout find it through {@link DevStackState}.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = {"Start the embedded stack (KRaft Kafka, Apicurio Registry) and the Radflow services; stay up until Ctrl-C.",
            "With --bootstrap-servers and --schema-registry-url, run the services against that cluster instead."})
public final class DevCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Keep Kafka's data here across runs (default: a temporary directory, deleted on exit).")
    Path dataDir;

    @Option(names = "--kafka-port", paramLabel = "PORT", description = "Kafka listener port (default: a free port).")
    int kafkaPort;

    @Option(names = "--brokers", paramLabel = "N", defaultValue = "1",
            description = "Kafka brokers (KRaft, in this JVM); from 3 on every topic is replicated to 3 with 2 in sync required "
                    + "(default ${DEFAULT-VALUE}; more than one: temporary data on free ports).")
    int brokers;

    @Option(names = "--schema-registry-port", paramLabel = "PORT", description = "Schema registry port (default: a free port).")
    int schemaRegistryPort;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        DevStack.Options stackOptions = devStackOptions();
        ShutdownLatch shutdown = new ShutdownLatch();
        Path home = DevStackState.home();
        try (LocalPipeline pipeline = LocalPipeline.start(connection, stackOptions)) {
            Map<String, String> endpoints = pipeline.endpoints();
            DevStackState.write(home, endpoints);
            out.println(pipeline.embedded() ? "Radflow dev stack is up." : "Radflow services are up against an external cluster.");
            out.println("  Kafka bootstrap servers: " + endpoints.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS.name()));
            out.println("  Schema registry URL:     " + endpoints.get(CommonConfig.SCHEMA_REGISTRY_URL.name()));
            for (ManagedService service : pipeline.services()) {
                service.endpoints().forEach((label, value) -> out.printf("  %-24s %s%n", service.name() + " " + label + ":", value));
            }
            out.println("Other ./radflow commands in this checkout connect to it. Press Ctrl-C to stop.");
            out.flush();
            shutdown.await();
            out.println("Stopping...");
            out.flush();
        } finally {
            DevStackState.clear(home);
            shutdown.closed();
        }
        return 0;
    }

    private DevStack.Options devStackOptions() {
        try {
            return new DevStack.Options(dataDir, kafkaPort, schemaRegistryPort, brokers);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--brokers: " + e.getMessage());
        }
    }
}

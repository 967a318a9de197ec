package io.radflow.launcher;

import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.cli.DevStackState;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.lifecycle.ManagedService;
import io.radflow.common.lifecycle.ShutdownLatch;
import io.radflow.devstack.DevStack;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

    private static final Logger log = LoggerFactory.getLogger(DevCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Keep Kafka's data here across runs (default: a temporary directory, deleted on exit).")
    Path dataDir;

    @Option(names = "--kafka-port", paramLabel = "PORT", description = "Kafka listener port (default: a free port).")
    int kafkaPort;

    @Option(names = "--schema-registry-port", paramLabel = "PORT", description = "Schema registry port (default: a free port).")
    int schemaRegistryPort;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ShutdownLatch shutdown = new ShutdownLatch();
        Path home = DevStackState.home();
        DevStack stack = null;
        List<ManagedService> services = new ArrayList<>();
        try {
            RadflowConfig config;
            if (connection.connectionGiven(System.getenv())) {
                config = connection.load(DevServices.DEFINITION);
            } else {
                stack = DevStack.start(new DevStack.Options(dataDir, kafkaPort, schemaRegistryPort));
                connection.useDevStack(stack.bootstrapServers(), stack.schemaRegistryUrl());
                config = connection.load(DevServices.DEFINITION);
            }
            Map<String, String> state = new LinkedHashMap<>();
            state.put(CommonConfig.KAFKA_BOOTSTRAP_SERVERS.name(), config.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS));
            state.put(CommonConfig.SCHEMA_REGISTRY_URL.name(), config.get(CommonConfig.SCHEMA_REGISTRY_URL).toString());
            for (ManagedService service : DevServices.create(config)) {
                services.add(service);
                service.start();
                service.endpoints().forEach((label, value) -> state.put(service.name() + "." + label, value));
            }
            DevStackState.write(home, state);
            out.println(stack != null ? "Radflow dev stack is up." : "Radflow services are up against an external cluster.");
            out.println("  Kafka bootstrap servers: " + state.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS.name()));
            out.println("  Schema registry URL:     " + state.get(CommonConfig.SCHEMA_REGISTRY_URL.name()));
            for (ManagedService service : services) {
                service.endpoints().forEach((label, value) -> out.printf("  %-24s %s%n", service.name() + " " + label + ":", value));
            }
            out.println("Other ./radflow commands in this checkout connect to it. Press Ctrl-C to stop.");
            out.flush();
            shutdown.await();
            out.println("Stopping...");
            out.flush();
        } finally {
            // Services first (they use the broker), then the stack.
            for (int i = services.size() - 1; i >= 0; i--) {
                try {
                    services.get(i).close();
                } catch (RuntimeException e) {
                    log.warn("service did not stop cleanly service={} error={}", services.get(i).name(), e.toString());
                }
            }
            if (stack != null) {
                stack.close();
            }
            DevStackState.clear(home);
            shutdown.closed();
        }
        return 0;
    }
}

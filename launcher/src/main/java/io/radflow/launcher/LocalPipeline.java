package io.radflow.launcher;

import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.lifecycle.ManagedService;
import io.radflow.devstack.DevStack;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in this JVM, as {@code ./radflow dev} and {@code ./radflow demo} run it: the
 * embedded stack (unless the options name a cluster) and every service of {@link DevServices},
 * started in order and closed in reverse.
 */
final class LocalPipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalPipeline.class);

    private final DevStack stack;
    private final RadflowConfig config;
    private final List<ManagedService> services;
    private final Map<String, String> endpoints;

    private LocalPipeline(DevStack stack, RadflowConfig config, List<ManagedService> services, Map<String, String> endpoints) {
        this.stack = stack;
        this.config = config;
        this.services = services;
        this.endpoints = endpoints;
    }

    static LocalPipeline start(ConnectionOptions connection, DevStack.Options stackOptions) throws Exception {
        DevStack stack = null;
        List<ManagedService> services = new ArrayList<>();
        try {
            if (!connection.connectionGiven(System.getenv())) {
                stack = DevStack.start(stackOptions);
                connection.useDevStack(stack.bootstrapServers(), stack.schemaRegistryUrl());
            }
            // dev and demo own their topics (on a cluster they are pointed at, too); a setting or env var may still say no.
            connection.defaultTo(CommonConfig.TOPICS_CREATE.name(), "true");
            RadflowConfig config = connection.load(DevServices.DEFINITION);
            Map<String, String> endpoints = new LinkedHashMap<>();
            endpoints.put(CommonConfig.KAFKA_BOOTSTRAP_SERVERS.name(), config.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS));
            endpoints.put(CommonConfig.SCHEMA_REGISTRY_URL.name(), config.get(CommonConfig.SCHEMA_REGISTRY_URL).toString());
            for (ManagedService service : DevServices.create(config)) {
                services.add(service);
                service.start();
                service.endpoints().forEach((label, value) -> endpoints.put(service.name() + "." + label, value));
            }
            return new LocalPipeline(stack, config, services, endpoints);
        } catch (Exception | Error e) {
            new LocalPipeline(stack, null, services, Map.of()).close();
            throw e;
        }
    }

    /** True when this pipeline runs its own embedded broker and registry. */
    boolean embedded() {
        return stack != null;
    }

    RadflowConfig config() {
        return config;
    }

    List<ManagedService> services() {
        return services;
    }

    /** Addresses by key: the connection keys, then {@code <service>.<label>} for every service endpoint. */
    Map<String, String> endpoints() {
        return endpoints;
    }

    @Override
    public void close() {
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
    }
}

package io.radflow.bench;

import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.devstack.DevStack;
import java.io.PrintWriter;

/**
 * The cluster a benchmark runs on: the one given by {@code --bootstrap-servers} and
 * {@code --schema-registry-url}, else an embedded broker and schema registry started for it and
 * stopped on close.
 */
public final class BenchCluster implements AutoCloseable {

    private final DevStack stack;
    private final RadflowConfig config;

    private BenchCluster(DevStack stack, RadflowConfig config) {
        this.stack = stack;
        this.config = config;
    }

    public static BenchCluster connect(ConnectionOptions connection, PrintWriter out) throws Exception {
        DevStack stack = null;
        if (!connection.connectionGiven(System.getenv())) {
            out.println("Starting an embedded Kafka broker and schema registry...");
            out.flush();
            stack = DevStack.start(DevStack.Options.defaults());
            connection.useDevStack(stack.bootstrapServers(), stack.schemaRegistryUrl());
        }
        return new BenchCluster(stack, connection.load(CommonConfig.DEFINITION));
    }

    /** True when this benchmark started the cluster itself, so it may shape its topics. */
    public boolean embedded() {
        return stack != null;
    }

    public RadflowConfig config() {
        return config;
    }

    @Override
    public void close() {
        if (stack != null) {
            stack.close();
        }
    }
}

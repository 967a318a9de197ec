package io.radflow.ingestion;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.cli.ServiceRunner;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.metrics.MetricsEndpoint;
import io.radflow.common.metrics.MetricsSetup;
import io.radflow.content.RemoteContentConfig;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./radflow orthanc-bridge --url http://orthanc:8042 --project P}: follow Orthanc until Ctrl-C. */
@Command(name = "orthanc-bridge", mixinStandardHelpOptions = true,
        description = {"Follow an Orthanc server's /changes feed and publish new instances, and stable series and studies, "
                + "on dataset-uploads (content URIs orthanc:instances/<id>).",
            "Resumes from its cursor on ingestion-cursors; survives Orthanc and Kafka restarts. Runs until Ctrl-C."})
public final class OrthancBridgeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--url", paramLabel = "URL", description = "Orthanc REST API base URL (key orthanc.url).")
    String url;

    @Option(names = "--project", paramLabel = "PROJECT", description = "Project id of the events (key orthanc.bridge.project).")
    String project;

    @Option(names = "--dataset", paramLabel = "DATASET", description = "Dataset id of the events (key orthanc.bridge.dataset, default orthanc).")
    String dataset;

    @Option(names = "--user", paramLabel = "USER:PASSWORD", description = "Orthanc credentials (key orthanc.basic.auth).")
    String user;

    @Override
    public Integer call() throws Exception {
        connection.setIfGiven(RemoteContentConfig.ORTHANC_URL.name(), url);
        connection.setIfGiven(OrthancBridgeConfig.PROJECT.name(), project);
        connection.setIfGiven(OrthancBridgeConfig.DATASET.name(), dataset);
        connection.setIfGiven(RemoteContentConfig.ORTHANC_BASIC_AUTH.name(), user);
        RadflowConfig config = connection.load(OrthancBridgeConfig.DEFINITION);
        PrometheusMeterRegistry registry = MetricsSetup.prometheusRegistry("orthanc-bridge");
        OrthancBridge bridge = OrthancBridge.create(config, registry);
        MetricsEndpoint metrics;
        try {
            metrics = config.get(CommonConfig.METRICS_PORT) < 0 ? null
                    : MetricsEndpoint.start("0.0.0.0", config.get(CommonConfig.METRICS_PORT), registry, bridge::healthy);
        } catch (IOException | RuntimeException e) {
            bridge.close(); // the runner closes it from here on
            throw e;
        }
        try (metrics) {
            return ServiceRunner.runUntilStopped(bridge, spec.commandLine().getOut(), "Orthanc bridge is following "
                    + config.get(RemoteContentConfig.ORTHANC_URL) + " (project " + config.get(OrthancBridgeConfig.PROJECT)
                    + ", dataset " + config.get(OrthancBridgeConfig.DATASET) + ").",
                    metrics == null ? Map.of() : Map.of("metrics", "http://localhost:" + metrics.port() + "/metrics (and /health)"));
        }
    }
}

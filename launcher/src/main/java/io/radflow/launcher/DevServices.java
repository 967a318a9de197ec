package io.radflow.launcher;

import io.micrometer.core.instrument.Metrics;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.ConfigDefinition;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.lifecycle.ManagedService;
import io.radflow.content.StorageConfig;
import io.radflow.exporter.ExporterConfig;
import io.radflow.exporter.ResultsExporter;
import io.radflow.ingestion.OrthancBridge;
import io.radflow.ingestion.OrthancBridgeConfig;
import io.radflow.registry.RegistryConfig;
import io.radflow.registry.RegistryService;
import io.radflow.trigger.AutorunTriggerService;
import io.radflow.trigger.TriggerConfig;
import io.radflow.viewer.ViewerConfig;
import io.radflow.viewer.ViewerService;
import io.radflow.worker.InferenceWorker;
import io.radflow.worker.WorkerConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The services {@code ./radflow dev} runs in one JVM next to the embedded stack, in start order:
 * the registry service first (the others read the settings it writes), then the trigger, a
 * worker, the results exporter and the viewer. Each service's own configuration keys join {@link #DEFINITION}.
 */
final class DevServices {

    private DevServices() {
    }

    static final ConfigDefinition DEFINITION = CommonConfig.DEFINITION.and(StorageConfig.DEFINITION).and(RegistryConfig.KEYS)
            .and(OrthancBridgeConfig.BRIDGE).and(TriggerConfig.KEYS).and(WorkerConfig.DEFINITION)
            .and(ExporterConfig.DEFINITION).and(ViewerConfig.KEYS);

    static List<ManagedService> create(RadflowConfig config) {
        List<ManagedService> services = new ArrayList<>();
        RegistryService registry = new RegistryService(config);
        services.add(registry);
        if (OrthancBridge.configured(config)) {
            services.add(OrthancBridge.create(config, Metrics.globalRegistry));
        }
        // After the registry (it reads the settings the registry writes), before the worker.
        services.add(new AutorunTriggerService(config));
        // Last: the worker runs what the others produce. Its own default id, so a standalone
        // ./radflow inference-worker on this host does not fence it.
        services.add(InferenceWorker.builder(config).defaultWorkerId(InferenceWorker.hostName() + "-dev").build());
        // The results exporter writes finished jobs back to the projects' PACS (versions with exportResults).
        services.add(new ResultsExporter(config, ResultsExporter.hostName() + "-dev"));
        // The viewer answers to the registry's keys, the generated admin key included.
        services.add(new ViewerService(config, registry.adminKey()));
        return services;
    }
}

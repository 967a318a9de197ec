package io.radflow.ingestion;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.ConfigDefinition;
import io.radflow.common.config.ConfigKey;
import io.radflow.common.config.ConfigType;
import io.radflow.common.config.Validator;
import io.radflow.content.RemoteContentConfig;
import java.time.Duration;
import java.util.List;

/** The Orthanc bridge's keys; where Orthanc is and how to log in come from {@link RemoteContentConfig}. */
public final class OrthancBridgeConfig {

    private OrthancBridgeConfig() {
    }

    public static final ConfigKey<String> PROJECT = new ConfigKey<>("orthanc.bridge.project", ConfigType.STRING, null, true,
            Validator.nonBlank(), "Project id of the events the Orthanc bridge publishes; the bridge runs only when it is set. "
            + "Command line: orthanc-bridge --project.");

    public static final ConfigKey<String> DATASET = ConfigKey.of("orthanc.bridge.dataset", ConfigType.STRING, "orthanc",
            Validator.nonBlank(), "Dataset id of the events the Orthanc bridge publishes. Command line: orthanc-bridge --dataset.");

    public static final ConfigKey<String> ID = new ConfigKey<>("orthanc.bridge.id", ConfigType.STRING, null, true, Validator.nonBlank(),
            "Identity of this bridge: the key of its cursor on ingestion-cursors and its Kafka transactional id. Default: "
            + "derived from orthanc.url, project and dataset. Two bridges must never share one.");

    public static final ConfigKey<Duration> POLL_INTERVAL = ConfigKey.of("orthanc.bridge.poll.interval", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(1), Validator.positive(), "How long the bridge waits before asking Orthanc's /changes again once it has caught up.");

    public static final ConfigKey<Integer> BATCH_SIZE = ConfigKey.of("orthanc.bridge.batch.size", ConfigType.INT, 100,
            Validator.between(1, 1000), "Orthanc changes per Kafka transaction (events and cursor commit together).");

    public static final ConfigDefinition BRIDGE = ConfigDefinition.of("orthanc-bridge", List.of(RemoteContentConfig.ORTHANC_URL,
            RemoteContentConfig.ORTHANC_BASIC_AUTH, RemoteContentConfig.HTTP_TIMEOUT, RemoteContentConfig.HTTP_CONNECT_TIMEOUT,
            PROJECT, DATASET, ID, POLL_INTERVAL, BATCH_SIZE));

    /** Everything the bridge reads, common keys included. */
    public static final ConfigDefinition DEFINITION = CommonConfig.DEFINITION.and(BRIDGE);
}

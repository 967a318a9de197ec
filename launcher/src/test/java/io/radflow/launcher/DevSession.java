package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;

/**
 * What a running {@code ./radflow dev} printed that tests connect with, read from its stdout, and
 * the model settings the end-to-end tests register through its REST API.
 */
record DevSession(String bootstrap, String schemaRegistry, String rest, String adminKey) {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String BRIGHTNESS_ONNX = "/io/radflow/demo/models/brightness.onnx";

    /** Waits until {@code dev} is up (its "Press Ctrl-C" line) and returns where it listens. */
    static DevSession await(LauncherProcess dev) throws InterruptedException {
        String bootstrap = value(dev.awaitStdout(l -> l.contains("Kafka bootstrap servers:"), Duration.ofMinutes(3)));
        String schemaRegistry = value(dev.awaitStdout(l -> l.contains("Schema registry URL:"), Duration.ofSeconds(30)));
        String rest = value(dev.awaitStdout(l -> l.contains("registry-service url:"), Duration.ofSeconds(60)));
        String adminKey = value(dev.awaitStdout(l -> l.contains("registry-service admin-key:"), Duration.ofSeconds(10)));
        dev.awaitStdout(l -> l.contains("Press Ctrl-C"), Duration.ofSeconds(60));
        return new DevSession(bootstrap, schemaRegistry, rest, adminKey);
    }

    RadflowConfig config() {
        return RadflowConfig.load(CommonConfig.DEFINITION, ConfigSource.of("it", Map.of(
                CommonConfig.KAFKA_BOOTSTRAP_SERVERS.name(), bootstrap, CommonConfig.SCHEMA_REGISTRY_URL.name(), schemaRegistry)));
    }

    /** What follows the label ({@code "  registry-service url:  http://..."}). */
    static String value(String line) {
        return line.substring(line.indexOf(": ") + 2).trim();
    }

    /** A private model on auto-run. */
    static ObjectNode autoRun() {
        return JSON.createObjectNode().put("autoRun", true).put("visibility", "private");
    }

    /** An active version of this scope, small batches. */
    static ObjectNode version(String scope, ArrayNode labels, Map<String, String> args) {
        ObjectNode m = JSON.createObjectNode().put("scope", scope).put("activate", true);
        m.putObject("batching").put("maxBatchSize", 4).put("maxQueueDelayMs", 20);
        ObjectNode defaultArgs = m.putObject("defaultArgs");
        args.forEach(defaultArgs::put);
        m.set("labelClasses", labels);
        return m;
    }

    /** The labels of the demo's brightness classifier ({@link #BRIGHTNESS_ONNX}). */
    static ArrayNode brightnessLabels() {
        ArrayNode labels = JSON.createArrayNode();
        labels.addObject().put("classIndex", 0).put("labelId", "L_dark").put("name", "Dark").put("type", "global").put("scope", "instance");
        labels.addObject().put("classIndex", 1).put("labelId", "L_bright").put("name", "Bright").put("type", "global").put("scope", "instance");
        return labels;
    }

    static byte[] resource(String path) throws IOException {
        try (InputStream in = DevSession.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return in.readAllBytes();
        }
    }
}

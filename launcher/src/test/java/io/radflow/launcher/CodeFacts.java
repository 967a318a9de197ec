package io.radflow.launcher;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.ConfigDefinition;
import io.radflow.common.config.ConfigKey;
import io.radflow.exporter.ExporterConfig;
import io.radflow.ingestion.OrthancBridgeConfig;
import io.radflow.ingestion.UploadCommand;
import io.radflow.registry.RegistryConfig;
import io.radflow.trigger.TriggerConfig;
import io.radflow.viewer.ViewerConfig;
import io.radflow.worker.WorkerConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * What the deploy manifests may refer to, taken from the code: the subcommands of
 * {@code ./radflow}, the configuration keys each of them reads, and the few RADFLOW_* variables
 * that are not configuration keys.
 */
final class CodeFacts {

    private CodeFacts() {
    }

    /** The configuration each command that a manifest runs reads (its ConfigDefinition). */
    static final Map<String, ConfigDefinition> COMMANDS = Map.of(
            "registry-service", RegistryConfig.DEFINITION,
            "autorun-trigger", TriggerConfig.DEFINITION,
            "inference-worker", WorkerConfig.FULL,
            "results-exporter", ExporterConfig.FULL,
            "orthanc-bridge", OrthancBridgeConfig.DEFINITION,
            "viewer", ViewerConfig.DEFINITION,
            "upload", UploadCommand.DEFINITION,
            "topics", CommonConfig.DEFINITION);

    /** Services that stay up and serve /metrics (the commands a manifest runs as a long-lived process). */
    static final Set<String> SERVICES = Set.of("registry-service", "autorun-trigger", "inference-worker", "orthanc-bridge",
            "results-exporter", "viewer");

    /**
     * The variable naming the port a service serves /metrics on: the registry and the viewer serve
     * it beside their HTTP API, the others on {@code metrics.port}.
     */
    static String metricsPortVariable(String subcommand) {
        return switch (String.valueOf(subcommand)) {
            case "registry-service" -> "RADFLOW_REGISTRY_HTTP_PORT";
            case "viewer" -> "RADFLOW_VIEWER_HTTP_PORT";
            default -> CommonConfig.METRICS_PORT.envName();
        };
    }

    /**
     * RADFLOW_* variables that are not configuration keys, and the file that reads each: the config
     * file (ConnectionOptions), the log level (logback.xml), the log format and JVM flags (the
     * ./radflow script and the images' entry point).
     */
    static final Map<String, List<String>> LAUNCHER_VARIABLES = Map.of(
            "RADFLOW_CONFIG_FILE", List.of("common/src/main/java/io/radflow/common/cli/ConnectionOptions.java"),
            "RADFLOW_LOG_LEVEL", List.of("launcher/src/main/resources/logback.xml", "launcher/src/main/resources/logback-json.xml"),
            "RADFLOW_LOG_FORMAT", List.of("radflow", "deploy/docker/radflow-entrypoint.sh"),
            "RADFLOW_JAVA_OPTS", List.of("radflow", "deploy/docker/radflow-entrypoint.sh"));

    /** Every key any command reads. */
    static ConfigDefinition everything() {
        ConfigDefinition all = DevServices.DEFINITION;
        for (ConfigDefinition d : COMMANDS.values()) {
            all = all.and(d);
        }
        return all;
    }

    /** Null when {@code variable} is a key (or pass-through setting) of {@code definition}, or a launcher variable; else why not. */
    static String problemWith(String variable, ConfigDefinition definition) {
        if (!variable.startsWith("RADFLOW_") || LAUNCHER_VARIABLES.containsKey(variable)) {
            return null;
        }
        Optional<ConfigKey<?>> key = definition.keys().stream().filter(k -> k.envName().equals(variable)).findFirst();
        if (key.isPresent()) {
            return null;
        }
        for (String prefix : definition.passThroughPrefixes()) {
            String envPrefix = "RADFLOW_" + prefix.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
            if (variable.startsWith(envPrefix) && variable.length() > envPrefix.length()) {
                return null;
            }
        }
        boolean elsewhere = everything().keys().stream().anyMatch(k -> k.envName().equals(variable));
        return variable + (elsewhere ? " is a key of another component, not read by " : " is no configuration key of ")
                + definition.component();
    }

    /** Parses a command line as ./radflow would (unknown subcommands or options fail). */
    static ParseResult parse(List<String> args) {
        try {
            return Main.commandLine().parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new AssertionError("./radflow " + String.join(" ", args) + " does not parse: " + e.getMessage(), e);
        }
    }

    /** The subcommand a command line runs ("registry-service", "topics"), or null for none. */
    static String subcommand(List<String> args) {
        ParseResult result = parse(args);
        return result.hasSubcommand() ? result.subcommand().commandSpec().name() : null;
    }

    /** The configuration of a command line's subcommand; every key for one a manifest never runs as a service. */
    static ConfigDefinition definitionOf(List<String> args) {
        String sub = subcommand(args);
        return sub != null && COMMANDS.containsKey(sub) ? COMMANDS.get(sub) : everything();
    }
}

package io.radflow.common.cli;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.ConfigDefinition;
import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Options every subcommand takes (a picocli mixin). Precedence: command line, then
 * {@code RADFLOW_*} environment, then the config file, then, when none of them names Kafka or the
 * schema registry, a {@code ./radflow dev} running from the same checkout.
 */
public final class ConnectionOptions {

    @Option(names = "--bootstrap-servers", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (env RADFLOW_KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "Confluent-compatible schema registry base URL (env RADFLOW_SCHEMA_REGISTRY_URL).")
    String schemaRegistryUrl;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Properties file with configuration keys (env RADFLOW_CONFIG_FILE).")
    Path configFile;

    @Option(names = "--set", scope = ScopeType.INHERIT, paramLabel = "KEY=VALUE",
            description = "Set any configuration key, e.g. --set worker.threads=4. Repeatable.")
    Map<String, String> overrides = new HashMap<>();

    /** Values a command supplies for keys nobody set: below every other source. */
    private final Map<String, String> commandDefaults = new HashMap<>();

    /** Loads and validates the configuration for {@code definition} (which should include the common keys). */
    public RadflowConfig load(ConfigDefinition definition) {
        return RadflowConfig.load(definition, sources(System.getenv(), DevStackState.home()));
    }

    /** Sets a key as {@code --set key=value} would: how a command's own options (e.g. --url) map onto configuration keys. */
    public void set(String key, String value) {
        overrides.put(key, value);
    }

    /** {@link #set} for a command option the user may have left out: a null {@code value} sets nothing. */
    public void setIfGiven(String key, Object value) {
        if (value != null) {
            set(key, value.toString());
        }
    }

    /** Supplies a value for {@code key} that the command line, environment, config file and dev stack all override. */
    public void defaultTo(String key, String value) {
        commandDefaults.put(key, value);
    }

    /** Points this command at a stack it started itself (./radflow dev, ./radflow demo). */
    public void useDevStack(String bootstrap, String schemaRegistry) {
        this.bootstrapServers = bootstrap;
        this.schemaRegistryUrl = schemaRegistry;
    }

    /** True when the command line, environment or config file names Kafka or the schema registry. */
    public boolean connectionGiven(Map<String, String> env) {
        return sources(env, null).stream().anyMatch(ConnectionOptions::namesConnection);
    }

    private static boolean namesConnection(ConfigSource s) {
        return s.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS.name()).isPresent()
                || s.get(CommonConfig.SCHEMA_REGISTRY_URL.name()).isPresent();
    }

    /** The sources in precedence order; {@code home} null ignores a running dev stack. Visible for tests. */
    public List<ConfigSource> sources(Map<String, String> env, Path home) {
        Map<String, String> cli = new HashMap<>(overrides);
        if (bootstrapServers != null) {
            cli.put(CommonConfig.KAFKA_BOOTSTRAP_SERVERS.name(), bootstrapServers);
        }
        if (schemaRegistryUrl != null) {
            cli.put(CommonConfig.SCHEMA_REGISTRY_URL.name(), schemaRegistryUrl);
        }
        List<ConfigSource> sources = new ArrayList<>();
        sources.add(ConfigSource.of("command line", cli));
        sources.add(ConfigSource.environment(env));
        Path file = configFile != null ? configFile
                : Optional.ofNullable(env.get("RADFLOW_CONFIG_FILE")).map(Path::of).orElse(null);
        if (file != null) {
            sources.add(ConfigSource.propertiesFile(file));
        }
        if (home != null && sources.stream().noneMatch(ConnectionOptions::namesConnection)) {
            DevStackState.read(home).ifPresent(dev -> sources.add(ConfigSource.of("running ./radflow dev", dev)));
        }
        if (!commandDefaults.isEmpty()) {
            sources.add(ConfigSource.of("command defaults", commandDefaults));
        }
        return sources;
    }
}

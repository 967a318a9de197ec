package io.radflow.bench.trigger;

import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.devstack.DevStack;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./radflow bench trigger}: upload events per second through the auto-run trigger at INSTANCE
 * scope beside plain consume-and-produce loops, measured in the same run on the same broker. Without
 * --bootstrap-servers and --schema-registry-url it starts its own embedded broker and registry.
 */
@Command(name = "trigger", mixinStandardHelpOptions = true,
        description = {"Upload events/s through the auto-run trigger (INSTANCE scope) beside a plain consume-and-produce loop "
                + "on the same broker and topic layout, measured in the same run, and the ratio (target >= 0.7).",
            "Without --bootstrap-servers/--schema-registry-url it starts an embedded broker and schema registry."})
public final class TriggerBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--records", defaultValue = "200000",
            description = "Upload events to push through each contender; fewer make the fast loops' rates depend on a few commits (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Measured rounds after one warm-up round; the median is reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--instances-per-study", defaultValue = "200",
            description = "Instances per study; uploads are keyed by study (default: ${DEFAULT-VALUE}).")
    int instancesPerStudy;

    @Option(names = "--stream-threads", defaultValue = "1",
            description = "Kafka Streams threads of the trigger; the loops keep one thread (default: ${DEFAULT-VALUE}).")
    int streamThreads;

    @Option(names = "--commit-interval", paramLabel = "MS",
            description = "How often every contender commits, trigger.commit.interval for the trigger (default: the trigger's, 100).")
    Long commitIntervalMs;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        TriggerBenchmark.Options options = new TriggerBenchmark.Options(records, instancesPerStudy, rounds, true, streamThreads,
                commitIntervalMs == null ? TriggerBenchmark.COMMIT_INTERVAL : java.time.Duration.ofMillis(commitIntervalMs));
        DevStack stack = null;
        try {
            String bootstrap;
            String registry;
            if (connection.connectionGiven(System.getenv())) {
                RadflowConfig config = connection.load(CommonConfig.DEFINITION);
                bootstrap = config.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS);
                registry = config.get(CommonConfig.SCHEMA_REGISTRY_URL).toString();
            } else {
                out.println("starting an embedded Kafka broker and schema registry (in this JVM)...");
                out.flush();
                stack = DevStack.start(DevStack.Options.defaults());
                bootstrap = stack.bootstrapServers();
                registry = stack.schemaRegistryUrl();
            }
            TriggerBenchmark.Result result = TriggerBenchmark.run(bootstrap, registry, options, line -> {
                out.println(line);
                out.flush();
            });
            out.println();
            out.println("auto-run trigger benchmark (" + (stack != null ? "embedded broker" : bootstrap) + ")");
            result.report().forEach(out::println);
            out.flush();
            return 0;
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }
}

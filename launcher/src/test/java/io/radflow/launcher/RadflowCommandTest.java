package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RadflowCommandTest {

    @Test
    void shouldListEverySubcommandInHelp() {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("dev").contains("schemas").contains("--bootstrap-servers");
    }

    @Test
    void shouldOfferConnectionOptionsOnEveryCommandThatTalksToKafka() {
        CommandLine cli = Main.commandLine();
        // config and dicom need no cluster; runs talks to the registry over HTTP (--registry-url).
        Set<String> offline = Set.of("help", "config", "dicom", "runs");
        for (var sub : cli.getSubcommands().entrySet()) {
            if (offline.contains(sub.getKey())) {
                continue;
            }
            // A command with subcommands of its own (dlq replay, topics create) carries the options where the work is.
            Collection<CommandLine> leaves = sub.getValue().getSubcommands().isEmpty() ? List.of(sub.getValue())
                    : sub.getValue().getSubcommands().values();
            for (CommandLine leaf : leaves) {
                assertThat(leaf.getCommandSpec().findOption("--bootstrap-servers"))
                        .as("./radflow " + leaf.getCommandSpec().qualifiedName(" ") + " --bootstrap-servers").isNotNull();
                assertThat(leaf.getCommandSpec().findOption("--schema-registry-url"))
                        .as("./radflow " + leaf.getCommandSpec().qualifiedName(" ") + " --schema-registry-url").isNotNull();
            }
        }
    }

    @Test
    void shouldRefuseABrokerCountThatCannotBeBuiltBeforeStartingAnything() {
        for (List<String> args : List.of(List.of("dev", "--brokers", "0"), List.of("dev", "--brokers", "3", "--kafka-port", "9092"))) {
            StringWriter err = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setErr(new PrintWriter(err));
            assertThat(cli.execute(args.toArray(String[]::new))).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err.toString()).contains("--brokers: ");
        }
    }

    @Test
    void shouldRejectAMissingSubcommand() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute()).isEqualTo(2);
        assertThat(err.toString()).contains("Missing subcommand");
    }

    @Test
    void shouldReportBadConfigurationWithExitCode2() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("schemas", "--schema-registry-url", "not a url", "register")).isEqualTo(2);
        assertThat(err.toString()).contains("schema.registry.url");
    }

    @Test
    void shouldRejectDemoSamplesThatDoNotExistBeforeStartingAnything() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("demo", "--samples", "/no/such/study")).isEqualTo(2);
        assertThat(err.toString()).contains("--samples: no such file or folder: [/no/such/study]");
        assertThat(cli.execute("demo", "--timeout", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--timeout must be positive");
        String aDirectory = System.getProperty("java.io.tmpdir");
        assertThat(cli.execute("demo", "--output", aDirectory)).isEqualTo(2);
        assertThat(err.toString()).contains("--output: cannot write " + aDirectory);
    }
}

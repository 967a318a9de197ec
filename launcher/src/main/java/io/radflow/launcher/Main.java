package io.radflow.launcher;

import io.radflow.common.config.ConfigException;
import io.radflow.common.error.RadflowException;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;

/** Entry point of {@code ./radflow}: parses the command line and maps failures to exit codes. */
public final class Main {

    /** Exit code for invalid configuration or usage. */
    static final int EXIT_BAD_CONFIG = 2;

    private Main() {
    }

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new RadflowCommand());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException ce) {
                cmd.getErr().println(cmd.getColorScheme().errorText(ce.getMessage()));
                return EXIT_BAD_CONFIG;
            }
            if (e instanceof RadflowException re) {
                cmd.getErr().println(cmd.getColorScheme().errorText("radflow: " + re.reason() + ": " + re.getMessage()));
                return 1;
            }
            throw e;
        });
        return cli;
    }
}

package io.radflow.common.cli;

import io.radflow.common.config.ConfigException;
import io.radflow.common.error.RadflowException;
import picocli.CommandLine;

/**
 * How every Radflow command line ends on an error, in one place: a bad configuration or input is
 * one line and exit code 2, any other Radflow failure one line naming its reason and exit code 1;
 * anything else stays a bug with its stack trace.
 */
public final class CommandErrors {

    /** Exit code for a bad configuration value or command-line input. */
    public static final int EXIT_BAD_CONFIG = 2;

    private CommandErrors() {
    }

    /** Installs the handler on {@code cli} and returns it. */
    public static CommandLine handled(CommandLine cli) {
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

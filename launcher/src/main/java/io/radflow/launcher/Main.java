package io.radflow.launcher;

import io.radflow.common.cli.CommandErrors;
import io.radflow.common.lifecycle.ShutdownSignals;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;

/** Entry point of {@code ./radflow}: parses the command line and maps failures to exit codes. */
public final class Main {

    /** Exit code for invalid configuration or usage. */
    static final int EXIT_BAD_CONFIG = CommandErrors.EXIT_BAD_CONFIG;

    private Main() {
    }

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        int code = commandLine().execute(args);
        // After Ctrl-C or SIGTERM, 128 + the signal, as the JVM's own handling would give.
        System.exit(ShutdownSignals.exitStatus(code));
    }

    static CommandLine commandLine() {
        return CommandErrors.handled(new CommandLine(new RadflowCommand()));
    }
}

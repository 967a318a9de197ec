package io.radflow.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ./radflow config}: the configuration reference, generated from the declared keys. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print every configuration key (Markdown): property name, environment variable, type, default, meaning.")
public final class ConfigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(DevServices.DEFINITION.toMarkdown());
        spec.commandLine().getOut().flush();
        return 0;
    }
}

package io.radflow.common.config;

import io.radflow.common.error.Reason;
import io.radflow.common.error.RadflowException;
import java.util.List;

/** Start-up configuration is invalid. The message lists every problem, one per line. */
public final class ConfigException extends RadflowException {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(Reason.BAD_CONFIG, "Invalid configuration:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}

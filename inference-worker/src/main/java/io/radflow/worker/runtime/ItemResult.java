package io.radflow.worker.runtime;

import io.radflow.common.error.Reason;
import io.radflow.common.error.RadflowException;
import java.util.List;
import java.util.Objects;

/** What a runtime returns for one request of a batch: its outputs, or why it failed. */
public sealed interface ItemResult {

    record Success(List<ModelOutput> outputs) implements ItemResult {

        public Success {
            outputs = List.copyOf(outputs);
        }
    }

    /** @param cause may be null */
    record Failure(Reason reason, String message, Throwable cause) implements ItemResult {

        public Failure {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }

        public static Failure of(RadflowException e) {
            return new Failure(e.reason(), e.getMessage(), e);
        }
    }
}

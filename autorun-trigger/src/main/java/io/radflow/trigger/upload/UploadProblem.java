package io.radflow.trigger.upload;

import io.radflow.common.error.Reason;

/** Why an upload event cannot be used, for the dead-letter headers. */
public record UploadProblem(Reason reason, String message) {
}

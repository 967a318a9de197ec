package io.radflow.schemaregistry;

import io.radflow.common.error.Reason;
import io.radflow.common.error.RadflowException;

/**
 * A schema registry call failed. The message names the subject or schema id and, when the
 * registry answered, its HTTP status and Confluent error code.
 */
public final class SchemaRegistryException extends RadflowException {

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(Reason reason, String message, int httpStatus, int errorCode, Throwable cause) {
        super(reason, message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(Reason reason, String message) {
        this(reason, message, -1, -1, null);
    }

    /** HTTP status of the registry's answer, -1 when it did not answer. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent error code (e.g. 40401 subject not found), -1 when absent. */
    public int errorCode() {
        return errorCode;
    }
}

package io.radflow.schemaregistry.serde;

import io.radflow.common.error.Reason;
import io.radflow.common.error.RadflowException;

/** A value could not be serialized or deserialized; the message names the topic and schema id. */
public final class AvroSerdeException extends RadflowException {

    public AvroSerdeException(Reason reason, String message) {
        super(reason, message);
    }

    public AvroSerdeException(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}

package io.radflow.content;

import io.radflow.common.error.Reason;
import io.radflow.common.error.RadflowException;

/** Content could not be stored or fetched; the message names the URI. */
public final class ContentException extends RadflowException {

    public ContentException(Reason reason, String message) {
        super(reason, message);
    }

    public ContentException(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}

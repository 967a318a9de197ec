package io.radflow.registry;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;

/**
 * A request the registry refuses or cannot complete. The REST layer turns the reason into an HTTP
 * status and the message into the JSON error body, so messages are written for API users.
 */
public final class RegistryException extends RadflowException {

    public RegistryException(Reason reason, String message) {
        super(reason, message);
    }

    public RegistryException(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }

    public static RegistryException invalid(String message) {
        return new RegistryException(Reason.INVALID_REQUEST, message);
    }

    public static RegistryException notFound(String message) {
        return new RegistryException(Reason.NOT_FOUND, message);
    }

    public static RegistryException forbidden(String message) {
        return new RegistryException(Reason.FORBIDDEN, message);
    }

    public static RegistryException unauthenticated(String message) {
        return new RegistryException(Reason.UNAUTHENTICATED, message);
    }

    public static RegistryException alreadyExists(String message) {
        return new RegistryException(Reason.ALREADY_EXISTS, message);
    }

    public static RegistryException conflict(String message) {
        return new RegistryException(Reason.CONCURRENT_MODIFICATION, message);
    }
}
